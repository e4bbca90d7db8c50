{{/*
Labels. Every object carries the Kubernetes recommended labels plus `app: <name>`, the label the seed's
ServiceMonitor (§7.2), PodDisruptionBudget (§6.3) and anti-affinity (§6.2) select on, and that Istio
uses for telemetry.
Call with (dict "ctx" $ "component" "api" "values" .Values.api).
*/}}
{{- define "common.labels.standard" -}}
{{ include "common.labels.matchLabels" . }}
app.kubernetes.io/component: {{ .component | quote }}
app.kubernetes.io/part-of: one-data
app.kubernetes.io/managed-by: {{ .ctx.Release.Service }}
app.kubernetes.io/version: {{ include "common.images.tag" . | quote }}
helm.sh/chart: {{ include "common.names.chart" .ctx }}
{{- with .ctx.Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* Immutable selector labels. */}}
{{- define "common.labels.matchLabels" -}}
app: {{ include "common.names.component" . }}
app.kubernetes.io/name: {{ include "common.names.component" . }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
{{- end -}}

{{/* Labels for chart-level objects that belong to no component (Gateway, quotas, ...). */}}
{{- define "common.labels.chart" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/part-of: one-data
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ include "common.names.chart" . }}
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* commonAnnotations as a block, or nothing. */}}
{{- define "common.annotations" -}}
{{- with .Values.commonAnnotations }}
{{ toYaml . }}
{{- end }}
{{- end -}}
