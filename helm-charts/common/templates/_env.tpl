{{/*
Environment of a platform service (the service-kit contract, see libs/platform/service-kit/src/config.ts).
Plain settings go to the component's ConfigMap; credentials come from existing Secrets only.
*/}}

{{/* ConfigMap data: (dict "ctx" $ "component" "api" "values" .Values.api) */}}
{{- define "common.env.configData" -}}
{{- $g := .ctx.Values.global | default dict -}}
{{- $auth := $g.auth | default dict -}}
{{- $http := $g.http | default dict -}}
{{- $redis := $g.redis | default dict -}}
{{- $values := .values | default dict -}}
{{- $data := dict
  "NODE_ENV" ($g.nodeEnv | default "production")
  "PORT" ($values.containerPort | default 8080 | toString)
  "HOST" "0.0.0.0"
  "LOG_LEVEL" ($values.logLevel | default $g.logLevel | default "info")
  "AUTH_MODE" ($auth.mode | default "jwks")
  "AUTH_TENANT_CLAIM" ($auth.tenantClaim | default "tenant_id")
  "CORS_ORIGINS" (join "," ($http.corsOrigins | default list))
  "BODY_LIMIT_BYTES" ($http.bodyLimitBytes | default 1048576 | int64 | toString)
  "REQUEST_TIMEOUT_MS" ($http.requestTimeoutMs | default 30000 | int64 | toString)
  "SHUTDOWN_DELAY_MS" ($http.shutdownDelayMs | default 5000 | int64 | toString)
  "SHUTDOWN_TIMEOUT_MS" ($http.shutdownTimeoutMs | default 25000 | int64 | toString)
-}}
{{- with $auth.jwksUrl }}{{ $_ := set $data "AUTH_JWKS_URL" . }}{{ end -}}
{{- with $auth.issuer }}{{ $_ := set $data "AUTH_ISSUER" . }}{{ end -}}
{{- with $auth.audience }}{{ $_ := set $data "AUTH_AUDIENCE" . }}{{ end -}}
{{- with $auth.clientId }}{{ $_ := set $data "AUTH_CLIENT_ID" . }}{{ end -}}
{{- if and $redis.host (not $redis.existingSecret) }}
{{- $_ := set $data "REDIS_URL" (printf "redis://%s:%v/%v" $redis.host ($redis.port | default 6379) ($redis.db | default 0)) -}}
{{- end -}}
{{- /* With Sentinel the client asks the sentinels for the primary; REDIS_URL keeps password and db. */ -}}
{{- $sentinel := $redis.sentinel | default dict -}}
{{- if and $redis.host $sentinel.enabled }}
{{- include "common.validate.required" (dict "name" "global.redis.sentinel.hosts" "value" $sentinel.hosts "hint" "the sentinels' host:port, e.g. redis-0.redis-headless.one-data-infra.svc.cluster.local:26379") -}}
{{- $_ := set $data "REDIS_SENTINELS" (join "," $sentinel.hosts) -}}
{{- $_ := set $data "REDIS_SENTINEL_MASTER" ($sentinel.masterSet | default "one-data") -}}
{{- end -}}
{{- range $key, $value := .extraConfig }}{{ $_ := set $data $key ($value | toString) }}{{ end -}}
{{- range $key, $value := $values.config }}{{ $_ := set $data $key ($value | toString) }}{{ end -}}
{{- range $key := keys $data | sortAlpha }}
{{ $key }}: {{ index $data $key | quote }}
{{- end }}
{{- end -}}

{{/*
Env entries built from Secrets: DATABASE_URL from global.database (+ the component's database.name),
REDIS_URL when Redis has a password, and the component's secretEnv list.
Kubernetes expands $(VAR) from variables defined earlier in the list, so user and password never
appear in a ConfigMap. Passwords must be URL-safe, or put the whole URL in the Secret and set
global.database.existingSecretUrlKey.
*/}}
{{- define "common.env.secretEnv" -}}
{{- $g := .ctx.Values.global | default dict -}}
{{- $values := .values | default dict -}}
{{- $dbValues := $values.database | default dict -}}
{{- if $dbValues.enabled }}
{{- $db := $g.database | default dict -}}
{{- include "common.validate.required" (dict "name" "global.database.existingSecret" "value" $db.existingSecret "hint" "a Secret with the database user and password") -}}
{{- if $db.existingSecretUrlKey }}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ $db.existingSecret }}
      key: {{ $db.existingSecretUrlKey }}
{{- else }}
- name: DATABASE_USER
  valueFrom:
    secretKeyRef:
      name: {{ $db.existingSecret }}
      key: {{ $db.existingSecretUserKey | default "username" }}
- name: DATABASE_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ $db.existingSecret }}
      key: {{ $db.existingSecretPasswordKey | default "password" }}
- name: DATABASE_URL
  value: {{ printf "mysql://$(DATABASE_USER):$(DATABASE_PASSWORD)@%s:%v/%s" $db.host ($db.port | default 3306) ($dbValues.name | default $db.name) | quote }}
{{- end }}
{{- with $dbValues.poolSize }}
- name: DATABASE_POOL_SIZE
  value: {{ . | quote }}
{{- end }}
{{- end }}
{{- $redis := $g.redis | default dict -}}
{{- /* frontends (no platform env) serve files: no Redis credentials */ -}}
{{- if and $redis.host $redis.existingSecret (ne ($values.redis | default dict).enabled false) (ne ($values.platformEnv | toString) "false") }}
- name: REDIS_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ $redis.existingSecret }}
      key: {{ $redis.existingSecretPasswordKey | default "redis-password" }}
- name: REDIS_URL
  value: {{ printf "redis://:$(REDIS_PASSWORD)@%s:%v/%v" $redis.host ($redis.port | default 6379) ($redis.db | default 0) | quote }}
{{- end }}
{{- range $values.secretEnv }}
- name: {{ .name }}
  valueFrom:
    secretKeyRef:
      name: {{ .secretName }}
      key: {{ .key }}
      {{- if .optional }}
      optional: true
      {{- end }}
{{- end }}
{{- with $values.extraEnvVars }}
{{ include "common.tplvalues.render" (dict "value" . "context" $.ctx) }}
{{- end }}
{{- end -}}

{{/*
Vault Agent injection annotations (optional): global.vault.enabled plus the component's vault.secrets
[{name, path, template}]; each becomes /vault/secrets/<name> inside the pod.
*/}}
{{- define "common.vault.annotations" -}}
{{- $vault := (.ctx.Values.global | default dict).vault | default dict -}}
{{- $own := (.values | default dict).vault | default dict -}}
{{- if and $vault.enabled $own.secrets }}
vault.hashicorp.com/agent-inject: "true"
vault.hashicorp.com/role: {{ $own.role | default $vault.role | default (include "common.names.component" .) | quote }}
vault.hashicorp.com/agent-pre-populate-only: {{ $vault.prePopulateOnly | default false | quote }}
{{- range $own.secrets }}
vault.hashicorp.com/agent-inject-secret-{{ .name }}: {{ .path | quote }}
{{- if .template }}
vault.hashicorp.com/agent-inject-template-{{ .name }}: {{ .template | quote }}
{{- end }}
{{- end }}
{{- end }}
{{- end -}}
