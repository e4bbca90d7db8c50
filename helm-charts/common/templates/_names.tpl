{{/*
Names. Components get stable, release-independent names (`<namePrefix>-<component>`, e.g. data-api)
because other services, the dev gateway's route table and the VirtualServices address them by DNS name.
*/}}

{{/* Chart name and version, as used by the helm.sh/chart label. */}}
{{- define "common.names.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The prefix of every object name in a chart: fullnameOverride, namePrefix, or the chart name. */}}
{{- define "common.names.prefix" -}}
{{- .Values.fullnameOverride | default .Values.namePrefix | default .Chart.Name | trunc 40 | trimSuffix "-" -}}
{{- end -}}

{{/*
The name of one component: (dict "ctx" $ "component" "api" "values" .Values.api) -> data-api.
A component may set its own fullnameOverride.
*/}}
{{- define "common.names.component" -}}
{{- $values := .values | default dict -}}
{{- if $values.fullnameOverride -}}
{{- $values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" (include "common.names.prefix" .ctx) .component | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* The namespace objects go to: namespaceOverride, then global.namespace (seed §4.2), then the release namespace. */}}
{{- define "common.names.namespace" -}}
{{- $global := .Values.global | default dict -}}
{{- .Values.namespaceOverride | default $global.namespace | default .Release.Namespace | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Fully qualified in-cluster DNS name of a component's Service. */}}
{{- define "common.names.fqdn" -}}
{{- printf "%s.%s.svc.%s" (include "common.names.component" .) (include "common.names.namespace" .ctx) (.ctx.Values.clusterDomain | default "cluster.local") -}}
{{- end -}}

{{/* The ServiceAccount name of a component. */}}
{{- define "common.names.serviceAccount" -}}
{{- $sa := .values.serviceAccount | default .ctx.Values.serviceAccount | default dict -}}
{{- if $sa.create -}}
{{- $sa.name | default (include "common.names.component" .) -}}
{{- else -}}
{{- $sa.name | default "default" -}}
{{- end -}}
{{- end -}}
