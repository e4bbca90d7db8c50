{{/* Renders a value that may contain templates: (dict "value" .Values.x "context" $). */}}
{{- define "common.tplvalues.render" -}}
{{- if typeIs "string" .value -}}
{{- tpl .value .context -}}
{{- else -}}
{{- tpl (.value | toYaml) .context -}}
{{- end -}}
{{- end -}}

{{/* Fails rendering with a clear message when a required value is missing. */}}
{{- define "common.validate.required" -}}
{{- if not .value -}}
{{- fail (printf "%s is required: %s" .name (.hint | default "")) -}}
{{- end -}}
{{- end -}}
