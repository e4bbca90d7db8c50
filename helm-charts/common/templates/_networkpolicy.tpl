{{/*
NetworkPolicy peers of one namespace each, matched by the kubernetes.io/metadata.name label the API
server sets on every namespace (no labels to maintain): (dict "namespaces" (list "one-data-data" ...)).
*/}}
{{- define "common.networkPolicy.namespacePeers" -}}
{{- range (.namespaces | default list | compact | uniq) }}
- namespaceSelector:
    matchLabels:
      kubernetes.io/metadata.name: {{ . }}
{{- end }}
{{- end -}}

{{/*
NetworkPolicy peers that are particular pods of another namespace:
(dict "pods" (list (dict "namespace" "one-data-system" "podLabels" (dict "app.kubernetes.io/name" "keycloak")))).
*/}}
{{- define "common.networkPolicy.podPeers" -}}
{{- range .pods }}
- namespaceSelector:
    matchLabels:
      kubernetes.io/metadata.name: {{ required "networkPolicy.allowedPods[].namespace" .namespace }}
  podSelector:
    matchLabels:
      {{- required "networkPolicy.allowedPods[].podLabels" .podLabels | toYaml | nindent 6 }}
{{- end }}
{{- end -}}

{{/*
NetworkPolicy of an infrastructure workload (the infrastructure subcharts), ingress only:
- `ports` (every port the pods serve) from this namespace: replication, sentinels, Milvus -> etcd and
  MinIO, the buckets Job;
- `clientPorts` from the namespaces of the platform services that use it: global.networkPolicy.allowedNamespaces,
  the chart's networkPolicy.allowedNamespaces and `clientNamespaces` (e.g. the Istio ingress gateway's),
  and from the chart's networkPolicy.allowedPods (particular pods of another namespace);
- `metricsPorts` from global.networkPolicy.monitoringNamespace (Prometheus);
- the chart's networkPolicy.extraIngress.
A rule without ports or without peers is left out: either would allow everything.
Call with (dict "ctx" $ "component" "redis" "values" (dict "fullnameOverride" ... "image" ...) "ports" (list "redis") ...),
optionally "podSelector" (a LabelSelector; default: the component's matchLabels).
*/}}
{{- define "common.infra.networkPolicy" -}}
{{- $global := (.ctx.Values.global | default dict).networkPolicy | default dict -}}
{{- $np := .ctx.Values.networkPolicy | default dict -}}
{{- $clients := concat ($global.allowedNamespaces | default list) ($np.allowedNamespaces | default list) (.clientNamespaces | default list) | compact | uniq -}}
{{- $monitoring := list $global.monitoringNamespace | compact -}}
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ include "common.names.component" . }}
  namespace: {{ include "common.names.namespace" .ctx }}
  labels:
    {{- include "common.labels.standard" . | nindent 4 }}
spec:
  podSelector:
    {{- if .podSelector }}
    {{- toYaml .podSelector | nindent 4 }}
    {{- else }}
    matchLabels:
      {{- include "common.labels.matchLabels" . | nindent 6 }}
    {{- end }}
  policyTypes:
    - Ingress
  ingress:
    {{- range $rule := list (dict "ports" .ports "same" true) (dict "ports" .clientPorts "namespaces" $clients "pods" $np.allowedPods) (dict "ports" .metricsPorts "namespaces" $monitoring) }}
    {{- if and $rule.ports (or $rule.same $rule.namespaces $rule.pods) }}
    - ports:
        {{- range $rule.ports }}
        - port: {{ . }}
          protocol: TCP
        {{- end }}
      from:
        {{- if $rule.same }}
        - podSelector: {}
        {{- else }}
        {{- with (include "common.networkPolicy.namespacePeers" (dict "namespaces" $rule.namespaces) | trim) }}{{ . | nindent 8 }}{{ end }}
        {{- with (include "common.networkPolicy.podPeers" (dict "pods" $rule.pods) | trim) }}{{ . | nindent 8 }}{{ end }}
        {{- end }}
    {{- end }}
    {{- end }}
    {{- with $np.extraIngress }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
{{- end -}}
