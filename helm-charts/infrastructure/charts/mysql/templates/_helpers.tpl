{{/* (dict "ctx" $ "component" "primary"|"secondary") with the chart's image */}}
{{- define "mysql.env" -}}
- name: MYSQL_ROOT_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ .Values.auth.existingSecret }}
      key: mysql-root-password
- name: MYSQL_REPLICATION_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ .Values.auth.existingSecret }}
      key: mysql-replication-password
      optional: true
{{- range .Values.databases }}
- name: {{ printf "DB_PASSWORD_%s" (upper .name | replace "-" "_") }}
  valueFrom:
    secretKeyRef:
      name: {{ $.Values.auth.existingSecret }}
      key: {{ .name }}-password
{{- end }}
{{- end -}}
