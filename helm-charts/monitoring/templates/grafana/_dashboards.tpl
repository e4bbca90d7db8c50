{{/* A time-series panel: (dict "title" "..." "expr" "..." "unit" "..." "x" 0 "y" 0) */}}
{{- define "monitoring.panel" -}}
{{- toJson (dict "type" "timeseries" "title" .title "datasource" (dict "type" "prometheus" "uid" "prometheus") "gridPos" (dict "h" 8 "w" 12 "x" .x "y" .y) "fieldConfig" (dict "defaults" (dict "unit" .unit) "overrides" list) "targets" (list (dict "refId" "A" "expr" .expr "legendFormat" (.legend | default "")))) -}}
{{- end -}}

{{/* The HTTP dashboard of one service (metric names from libs/platform/metrics). */}}
{{- define "monitoring.dashboard.service" -}}
{{- $s := .service -}}
{{- $panels := list
  (include "monitoring.panel" (dict "title" "Requests per second by route" "expr" (printf "sum by (route) (rate(http_requests_total{service=\"%s\"}[5m]))" $s) "unit" "reqps" "legend" "{{route}}" "x" 0 "y" 0) | fromJson)
  (include "monitoring.panel" (dict "title" "5xx error ratio" "expr" (printf "sum(rate(http_requests_total{service=\"%s\",status_code=~\"5..\"}[5m])) / clamp_min(sum(rate(http_requests_total{service=\"%s\"}[5m])), 1e-9)" $s $s) "unit" "percentunit" "x" 12 "y" 0) | fromJson)
  (include "monitoring.panel" (dict "title" "p95 duration by route" "expr" (printf "histogram_quantile(0.95, sum by (le, route) (rate(http_request_duration_seconds_bucket{service=\"%s\"}[5m])))" $s) "unit" "s" "legend" "{{route}}" "x" 0 "y" 8) | fromJson)
  (include "monitoring.panel" (dict "title" "In-flight requests" "expr" (printf "sum(http_requests_in_flight{service=\"%s\"})" $s) "unit" "short" "x" 12 "y" 8) | fromJson)
-}}
{{- toJson (dict "uid" (printf "one-data-%s" $s) "title" (printf "ONE-DATA / %s" $s) "tags" (list "one-data") "schemaVersion" 39 "time" (dict "from" "now-6h" "to" "now") "refresh" "30s" "panels" $panels) -}}
{{- end -}}

{{/* Platform-wide: inference gateway, ETL, training, ingestion (metric names the services publish, README). */}}
{{- define "monitoring.dashboard.platform" -}}
{{- $panels := list
  (include "monitoring.panel" (dict "title" "Gateway p95 time to first token by model" "expr" "histogram_quantile(0.95, sum by (le, model) (rate(gateway_time_to_first_token_seconds_bucket[5m])))" "unit" "s" "legend" "{{model}}" "x" 0 "y" 0) | fromJson)
  (include "monitoring.panel" (dict "title" "Gateway tokens per second by model" "expr" "sum by (model, kind) (rate(gateway_tokens_total[5m]))" "unit" "short" "legend" "{{model}} {{kind}}" "x" 12 "y" 0) | fromJson)
  (include "monitoring.panel" (dict "title" "ETL rows per second by job" "expr" "sum by (job_id) (rate(etl_rows_total[5m]))" "unit" "rowsps" "legend" "{{job_id}}" "x" 0 "y" 8) | fromJson)
  (include "monitoring.panel" (dict "title" "Training queue length" "expr" "sum by (queue) (training_queue_length)" "unit" "short" "legend" "{{queue}}" "x" 12 "y" 8) | fromJson)
  (include "monitoring.panel" (dict "title" "Knowledge-base ingestion backlog" "expr" "sum by (knowledge_base_id) (ingestion_backlog_documents)" "unit" "short" "legend" "{{knowledge_base_id}}" "x" 0 "y" 16) | fromJson)
  (include "monitoring.panel" (dict "title" "vLLM running requests" "expr" "sum by (model_name) (vllm:num_requests_running)" "unit" "short" "legend" "{{model_name}}" "x" 12 "y" 16) | fromJson)
-}}
{{- toJson (dict "uid" "one-data-platform" "title" "ONE-DATA / platform" "tags" (list "one-data") "schemaVersion" 39 "time" (dict "from" "now-6h" "to" "now") "refresh" "30s" "panels" $panels) -}}
{{- end -}}
