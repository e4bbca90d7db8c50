{{/*
Images: <registry>/<repository>:<tag>[@digest].
registry = image.registry, else global.imageRegistry (seed §4.2: harbor.example.com/one-data).
tag      = image.tag, else global.imageTag, else the chart's appVersion.
Component tags default to "" on purpose: the seed's upgrade (§5.2) is `--set global.imageTag=v1.1.0`,
which only takes effect when components do not pin their own tag.
Call with (dict "ctx" $ "values" .Values.api) or (dict "ctx" $ "image" .Values.x.image).
*/}}
{{- define "common.images.image" -}}
{{- $image := .image | default (.values | default dict).image | default dict -}}
{{- $global := .ctx.Values.global | default dict -}}
{{- $registry := $image.registry | default $global.imageRegistry -}}
{{- $tag := include "common.images.tag" . -}}
{{- $ref := $image.repository -}}
{{- if $registry }}{{ $ref = printf "%s/%s" $registry $image.repository }}{{ end -}}
{{- if $image.digest -}}
{{- printf "%s@%s" $ref $image.digest -}}
{{- else -}}
{{- printf "%s:%s" $ref $tag -}}
{{- end -}}
{{- end -}}

{{- define "common.images.tag" -}}
{{- $image := .image | default (.values | default dict).image | default dict -}}
{{- $global := .ctx.Values.global | default dict -}}
{{- $image.tag | default $global.imageTag | default .ctx.Chart.AppVersion | toString -}}
{{- end -}}

{{/* imagePullSecrets from global.imagePullSecrets (names or {name: x}). */}}
{{- define "common.images.pullSecrets" -}}
{{- $global := .Values.global | default dict -}}
{{- with $global.imagePullSecrets }}
imagePullSecrets:
{{- range . }}
  {{- if kindIs "string" . }}
  - name: {{ . }}
  {{- else }}
  - name: {{ .name }}
  {{- end }}
{{- end }}
{{- end }}
{{- end -}}
