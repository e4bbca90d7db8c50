{{/*
VirtualServices (seed §3.2): one per host, bound to the platform Gateway (global.istio.gateway).
Every enabled component whose ingress.className is "istio" contributes its ingress.hosts[].paths as
prefix routes to its Service; longer prefixes are matched first so a catch-all "/" (the frontend)
comes last. Call with (dict "ctx" $ "components" (list "api" "etl" ...)).
*/}}
{{- define "common.istio.virtualServices" -}}
{{- $ctx := .ctx -}}
{{- $routes := dict -}}
{{- range $component := .components -}}
{{- $values := index $ctx.Values $component | default dict -}}
{{- $ingress := $values.ingress | default dict -}}
{{- if and $values.enabled $ingress.enabled (eq ($ingress.className | default "istio") "istio") -}}
{{- $c := dict "ctx" $ctx "component" $component "values" $values -}}
{{- range $ingress.hosts -}}
{{- $host := .host -}}
{{- range .paths -}}
{{- $key := printf "%04d|%s|%s|%v|%s" (sub 1000 (len .path)) .path (include "common.names.fqdn" $c) (($values.service | default dict).port | default 8080) ($ingress.timeout | default "") -}}
{{- $_ := set $routes $host (append (get $routes $host | default list) $key) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- $istio := ($ctx.Values.global | default dict).istio | default dict -}}
{{- range $host := keys $routes | sortAlpha }}
---
apiVersion: networking.istio.io/v1beta1
kind: VirtualService
metadata:
  name: {{ printf "%s-%s" (include "common.names.prefix" $ctx) (regexReplaceAll "[^a-z0-9]+" (lower $host) "-") | trunc 63 | trimSuffix "-" }}
  namespace: {{ include "common.names.namespace" $ctx }}
  labels:
    {{- include "common.labels.chart" $ctx | nindent 4 }}
spec:
  hosts:
    - {{ $host | quote }}
  gateways:
    - {{ $istio.gateway | default "one-data-system/one-data-gateway" }}
  http:
    {{- range $entry := get $routes $host | sortAlpha }}
    {{- $parts := splitList "|" $entry }}
    - match:
        - uri:
            prefix: {{ index $parts 1 | quote }}
      route:
        - destination:
            host: {{ index $parts 2 }}
            port:
              number: {{ index $parts 3 }}
      {{- with index $parts 4 }}
      timeout: {{ . }}
      {{- end }}
    {{- end }}
{{- end }}
{{- end -}}
