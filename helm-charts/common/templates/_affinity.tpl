{{/*
Pod anti-affinity (seed §6.2): preset "soft" (preferred, weight 100, per hostname, the seed's form),
"hard" (required) or "" (none). Keyed on the `app` label as in the seed.
Call with (dict "ctx" $ "component" "api" "values" .Values.api).
*/}}
{{- define "common.affinity" -}}
{{- $values := .values | default dict -}}
{{- if $values.affinity -}}
{{- include "common.tplvalues.render" (dict "value" $values.affinity "context" .ctx) -}}
{{- else -}}
{{- $preset := $values.podAntiAffinityPreset | default .ctx.Values.podAntiAffinityPreset | default "soft" -}}
{{- $name := include "common.names.component" . -}}
{{- if eq $preset "soft" }}
podAntiAffinity:
  preferredDuringSchedulingIgnoredDuringExecution:
    - weight: 100
      podAffinityTerm:
        labelSelector:
          matchExpressions:
            - key: app
              operator: In
              values:
                - {{ $name }}
        topologyKey: kubernetes.io/hostname
{{- else if eq $preset "hard" }}
podAntiAffinity:
  requiredDuringSchedulingIgnoredDuringExecution:
    - labelSelector:
        matchExpressions:
          - key: app
            operator: In
            values:
              - {{ $name }}
      topologyKey: kubernetes.io/hostname
{{- end }}
{{- end -}}
{{- end -}}
