{{/* Name of a model's vLLM Deployment and headless Service: model-vllm-<model name>. */}}
{{- define "model-studio.vllm.name" -}}
{{- printf "%s-vllm-%s" (include "common.names.prefix" .ctx) (regexReplaceAll "[^a-z0-9-]+" (lower .model.name) "-") | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
SERVING_MODELS for model-api: JSON [{name, url, tensorParallelSize}] of every vLLM model. The url is the
headless Service, so DNS returns every ready pod and model-api balances over them.
*/}}
{{- define "model-studio.servingModels" -}}
{{- $models := list -}}
{{- if and .Values.serving.enabled .Values.serving.vllm.enabled -}}
{{- range .Values.serving.vllm.models -}}
{{- $dns := printf "%s.%s.svc.%s:%v" (include "model-studio.vllm.name" (dict "ctx" $ "model" .)) (include "common.names.namespace" $) $.Values.clusterDomain $.Values.serving.vllm.service.port -}}
{{- $pool := dict "model" .name "dns" $dns "routing" (.routing | default "least-outstanding") -}}
{{- if .fallback }}{{- $_ := set $pool "fallback" .fallback -}}{{- end -}}
{{- $models = append $models $pool -}}
{{- end -}}
{{- end -}}
{{- toJson $models -}}
{{- end -}}

