{{/*
Resources: the component's `resources`, else a preset (nano .. xlarge, as Bitnami's resourcesPreset).
Every container gets requests and limits; the chart tests enforce it.
Call with (dict "values" .Values.api).
*/}}
{{- define "common.resources" -}}
{{- $values := .values | default dict -}}
{{- if $values.resources -}}
{{- toYaml $values.resources -}}
{{- else -}}
{{- include "common.resources.preset" (dict "type" ($values.resourcesPreset | default "small")) -}}
{{- end -}}
{{- end -}}

{{- define "common.resources.preset" -}}
{{- $presets := dict
  "nano" (dict "requests" (dict "cpu" "50m" "memory" "64Mi" "ephemeral-storage" "50Mi") "limits" (dict "cpu" "150m" "memory" "192Mi" "ephemeral-storage" "1Gi"))
  "micro" (dict "requests" (dict "cpu" "100m" "memory" "128Mi" "ephemeral-storage" "50Mi") "limits" (dict "cpu" "250m" "memory" "256Mi" "ephemeral-storage" "1Gi"))
  "small" (dict "requests" (dict "cpu" "250m" "memory" "256Mi" "ephemeral-storage" "50Mi") "limits" (dict "cpu" "500m" "memory" "512Mi" "ephemeral-storage" "1Gi"))
  "medium" (dict "requests" (dict "cpu" "500m" "memory" "512Mi" "ephemeral-storage" "50Mi") "limits" (dict "cpu" "1" "memory" "1Gi" "ephemeral-storage" "2Gi"))
  "large" (dict "requests" (dict "cpu" "1" "memory" "2Gi" "ephemeral-storage" "50Mi") "limits" (dict "cpu" "2" "memory" "4Gi" "ephemeral-storage" "2Gi"))
  "xlarge" (dict "requests" (dict "cpu" "2" "memory" "4Gi" "ephemeral-storage" "50Mi") "limits" (dict "cpu" "4" "memory" "8Gi" "ephemeral-storage" "4Gi"))
-}}
{{- if not (hasKey $presets .type) -}}
{{- fail (printf "resourcesPreset %q is not one of nano, micro, small, medium, large, xlarge" .type) -}}
{{- end -}}
{{- toYaml (index $presets .type) -}}
{{- end -}}
