{{/*
Security contexts (restricted Pod Security Standard): non-root, no privilege escalation, every
capability dropped, read-only root filesystem, RuntimeDefault seccomp. Overrides merge over these
defaults: chart-level podSecurityContext / containerSecurityContext, then the component's own.
Call with (dict "ctx" $ "values" .Values.api).
*/}}
{{- define "common.securityContext.pod" -}}
{{- $defaults := dict "runAsNonRoot" true "runAsUser" 1000 "runAsGroup" 1000 "fsGroup" 1000 "fsGroupChangePolicy" "OnRootMismatch" "seccompProfile" (dict "type" "RuntimeDefault") -}}
{{- $chart := .ctx.Values.podSecurityContext | default dict -}}
{{- $own := (.values | default dict).podSecurityContext | default dict -}}
{{- $merged := mergeOverwrite (deepCopy $defaults) (deepCopy $chart) (deepCopy $own) -}}
{{- toYaml $merged -}}
{{- end -}}

{{- define "common.securityContext.container" -}}
{{- $defaults := dict "runAsNonRoot" true "allowPrivilegeEscalation" false "readOnlyRootFilesystem" true "privileged" false "capabilities" (dict "drop" (list "ALL")) "seccompProfile" (dict "type" "RuntimeDefault") -}}
{{- $chart := .ctx.Values.containerSecurityContext | default dict -}}
{{- $own := (.values | default dict).containerSecurityContext | default dict -}}
{{- $merged := mergeOverwrite (deepCopy $defaults) (deepCopy $chart) (deepCopy $own) -}}
{{- /* mergeOverwrite ignores false: honour an explicit readOnlyRootFilesystem: false */ -}}
{{- if and (hasKey $own "readOnlyRootFilesystem") (not $own.readOnlyRootFilesystem) }}{{ $_ := set $merged "readOnlyRootFilesystem" false }}{{ end -}}
{{- toYaml $merged -}}
{{- end -}}
