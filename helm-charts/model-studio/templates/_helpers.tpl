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


{{/*
model-api as the shared templates see it: (include "model-studio.api.prepare" (dict "ctx" $ "out" $out))
fills $out.values (a copy of .Values.api) and $out.extraConfig (env for its ConfigMap):
- SERVING_POOLS (the chart's vLLM models), SERVING_NAMESPACE (this chart's namespace) and VLLM_IMAGE
  (serving.vllm.image), so the Deployments model-api renders look like the chart's own;
- api.servingControl.enabled: KUBERNETES_MODE=in-cluster and a mounted ServiceAccount token (the Role is
  templates/api/role.yaml); otherwise KUBERNETES_MODE=off (manifests are only recorded);
- ARTIFACTS_S3_* from api.artifacts, the keys from its existingSecret (prepended to secretEnv).
The deployment, its ConfigMap and its ServiceAccount all use this, so the config checksum matches.
*/}}
{{- define "model-studio.api.prepare" -}}
{{- $ctx := .ctx -}}
{{- $values := deepCopy $ctx.Values.api -}}
{{- $control := $values.servingControl | default dict -}}
{{- $artifacts := $values.artifacts | default dict -}}
{{- $vllm := $ctx.Values.serving.vllm -}}
{{- $config := dict
  "SERVING_POOLS" (include "model-studio.servingModels" $ctx)
  "SERVING_NAMESPACE" (include "common.names.namespace" $ctx)
  "VLLM_IMAGE" (include "common.images.image" (dict "ctx" $ctx "image" $vllm.image))
  "KUBERNETES_MODE" (ternary "in-cluster" "off" (eq ($control.enabled | toString) "true"))
  "ARTIFACTS_S3_REGION" ($artifacts.region | default "us-east-1")
  "ARTIFACTS_S3_BUCKET" ($artifacts.bucket | default "models")
  "ARTIFACTS_S3_FORCE_PATH_STYLE" (ne ($artifacts.forcePathStyle | toString) "false" | toString)
-}}
{{- with $artifacts.endpoint }}{{ $_ := set $config "ARTIFACTS_S3_ENDPOINT" . }}{{ end -}}
{{- if eq ($control.enabled | toString) "true" -}}
{{- $sa := deepCopy ($values.serviceAccount | default $ctx.Values.serviceAccount | default dict) -}}
{{- $_ := set $sa "automountServiceAccountToken" true -}}
{{- $_ := set $values "serviceAccount" $sa -}}
{{- end -}}
{{- if $artifacts.existingSecret -}}
{{- $keys := list
  (dict "name" "ARTIFACTS_S3_ACCESS_KEY_ID" "secretName" $artifacts.existingSecret "key" ($artifacts.accessKeyKey | default "access-key"))
  (dict "name" "ARTIFACTS_S3_SECRET_ACCESS_KEY" "secretName" $artifacts.existingSecret "key" ($artifacts.secretKeyKey | default "secret-key"))
-}}
{{- $_ := set $values "secretEnv" (concat $keys ($values.secretEnv | default list)) -}}
{{- end -}}
{{- $_ := set .out "values" $values -}}
{{- $_ := set .out "extraConfig" $config -}}
{{- end -}}
