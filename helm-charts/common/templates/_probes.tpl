{{/*
Probes for the platform's services (seed §7.1): liveness GET /health (no dependencies), readiness
GET /ready (checks dependencies), and a startup probe on /health so slow starts are not killed.
Call with (dict "ctx" $ "values" .Values.api "port" "http").
*/}}
{{- define "common.probes.http" -}}
{{- $probes := (.values | default dict).probes | default .ctx.Values.probes | default dict -}}
{{- $port := .port | default "http" -}}
{{- $liveness := $probes.liveness | default dict -}}
{{- $readiness := $probes.readiness | default dict -}}
{{- $startup := $probes.startup | default dict -}}
startupProbe:
  httpGet:
    path: {{ $probes.livenessPath | default "/health" }}
    port: {{ $port }}
  periodSeconds: {{ $startup.periodSeconds | default 2 }}
  failureThreshold: {{ $startup.failureThreshold | default 30 }}
  timeoutSeconds: {{ $startup.timeoutSeconds | default 2 }}
livenessProbe:
  httpGet:
    path: {{ $probes.livenessPath | default "/health" }}
    port: {{ $port }}
  periodSeconds: {{ $liveness.periodSeconds | default 10 }}
  timeoutSeconds: {{ $liveness.timeoutSeconds | default 3 }}
  failureThreshold: {{ $liveness.failureThreshold | default 3 }}
readinessProbe:
  httpGet:
    path: {{ $probes.readinessPath | default "/ready" }}
    port: {{ $port }}
  periodSeconds: {{ $readiness.periodSeconds | default 5 }}
  timeoutSeconds: {{ $readiness.timeoutSeconds | default 3 }}
  failureThreshold: {{ $readiness.failureThreshold | default 2 }}
{{- end -}}
