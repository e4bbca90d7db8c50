{{/*
The shared application templates. A chart instantiates them once per component, one file per object,
e.g. templates/api/deployment.yaml:
  {{- if .Values.api.enabled }}{{ include "common.app.deployment" (dict "ctx" $ "component" "api" "values" .Values.api) }}{{- end }}
Every platform service follows one contract: listens on containerPort (8080), GET /health liveness,
GET /ready readiness, GET /metrics on the same port, configuration from env (ConfigMap + Secrets),
`node migrate.js` applies its database migrations.
*/}}

{{/* Effective minimum number of replicas: HPA minReplicas when autoscaling, else replicaCount. */}}
{{- define "common.app.minReplicas" -}}
{{- $values := .values | default dict -}}
{{- $hpa := $values.autoscaling | default dict -}}
{{- if $hpa.enabled }}{{ $hpa.minReplicas | default 1 | int }}{{ else }}{{ $values.replicaCount | default 1 | int }}{{ end -}}
{{- end -}}

{{- define "common.app.terminationGracePeriodSeconds" -}}
{{- $http := (.ctx.Values.global | default dict).http | default dict -}}
{{- $delay := $http.shutdownDelayMs | default 5000 | int -}}
{{- $timeout := $http.shutdownTimeoutMs | default 25000 | int -}}
{{- add (div $delay 1000) (div $timeout 1000) 10 -}}
{{- end -}}

{{- define "common.app.configmap" -}}
{{- if ne (.values.platformEnv | toString) "false" }}
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ include "common.names.component" . }}-env
  namespace: {{ include "common.names.namespace" .ctx }}
  labels:
    {{- include "common.labels.standard" . | nindent 4 }}
data:
  {{- include "common.env.configData" . | nindent 2 }}
{{- end }}
{{- end -}}

{{- define "common.app.serviceaccount" -}}
{{- $sa := .values.serviceAccount | default .ctx.Values.serviceAccount | default dict -}}
{{- if $sa.create }}
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ include "common.names.serviceAccount" . }}
  namespace: {{ include "common.names.namespace" .ctx }}
  labels:
    {{- include "common.labels.standard" . | nindent 4 }}
  {{- with $sa.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
automountServiceAccountToken: {{ $sa.automountServiceAccountToken | default false }}
{{- end }}
{{- end -}}

{{/* The pod spec's container list entry for the service itself. */}}
{{- define "common.app.container" -}}
{{- $values := .values -}}
- name: {{ .component }}
  image: {{ include "common.images.image" . }}
  imagePullPolicy: {{ ($values.image | default dict).pullPolicy | default "IfNotPresent" }}
  {{- with $values.command }}
  command:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $values.args }}
  args:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  ports:
    - name: http
      containerPort: {{ $values.containerPort | default 8080 }}
      protocol: TCP
  {{- if ne ($values.platformEnv | toString) "false" }}
  envFrom:
    - configMapRef:
        name: {{ include "common.names.component" . }}-env
  {{- end }}
  {{- $env := include "common.env.secretEnv" . | trim }}
  {{- if $env }}
  env:
    {{- $env | nindent 4 }}
  {{- end }}
  {{- include "common.probes.http" (dict "ctx" .ctx "values" $values "port" "http") | nindent 2 }}
  resources:
    {{- include "common.resources" (dict "values" $values) | nindent 4 }}
  securityContext:
    {{- include "common.securityContext.container" . | nindent 4 }}
  volumeMounts:
    - name: tmp
      mountPath: /tmp
    {{- with $values.extraVolumeMounts }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
{{- end -}}

{{- define "common.app.deployment" -}}
{{- $values := .values -}}
{{- $hpa := $values.autoscaling | default dict -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "common.names.component" . }}
  namespace: {{ include "common.names.namespace" .ctx }}
  labels:
    {{- include "common.labels.standard" . | nindent 4 }}
  {{- with .ctx.Values.commonAnnotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  {{- if not $hpa.enabled }}
  replicas: {{ $values.replicaCount | default 1 }}
  {{- end }}
  revisionHistoryLimit: 5
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxUnavailable: 0
      maxSurge: 25%
  selector:
    matchLabels:
      {{- include "common.labels.matchLabels" . | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "common.labels.standard" . | nindent 8 }}
        {{- with $values.podLabels }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      annotations:
        checksum/config: {{ include "common.app.configmap" . | sha256sum }}
        {{- if ($values.metrics | default dict).enabled }}
        prometheus.io/scrape: "true"
        prometheus.io/port: {{ $values.containerPort | default 8080 | quote }}
        prometheus.io/path: /metrics
        {{- end }}
        {{- with (include "common.vault.annotations" . | trim) }}{{ . | nindent 8 }}{{ end }}
        {{- with $values.podAnnotations }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
    spec:
      serviceAccountName: {{ include "common.names.serviceAccount" . }}
      automountServiceAccountToken: {{ ($values.serviceAccount | default .ctx.Values.serviceAccount | default dict).automountServiceAccountToken | default false }}
      {{- with (include "common.images.pullSecrets" .ctx | trim) }}{{ . | nindent 6 }}{{ end }}
      terminationGracePeriodSeconds: {{ include "common.app.terminationGracePeriodSeconds" . }}
      securityContext:
        {{- include "common.securityContext.pod" . | nindent 8 }}
      {{- $affinity := include "common.affinity" . | trim }}
      {{- if $affinity }}
      affinity:
        {{- $affinity | nindent 8 }}
      {{- end }}
      {{- with ($values.nodeSelector | default .ctx.Values.nodeSelector) }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with ($values.tolerations | default .ctx.Values.tolerations) }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $values.topologySpreadConstraints }}
      topologySpreadConstraints:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $values.priorityClassName }}
      priorityClassName: {{ . }}
      {{- end }}
      containers:
        {{- include "common.app.container" . | nindent 8 }}
      volumes:
        - name: tmp
          emptyDir:
            sizeLimit: 256Mi
        {{- with $values.extraVolumes }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
{{- end -}}

{{- define "common.app.service" -}}
{{- $values := .values -}}
{{- $service := $values.service | default dict -}}
{{- $metrics := $values.metrics | default dict -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "common.names.component" . }}
  namespace: {{ include "common.names.namespace" .ctx }}
  labels:
    {{- include "common.labels.standard" . | nindent 4 }}
  {{- with $service.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  type: {{ $service.type | default "ClusterIP" }}
  selector:
    {{- include "common.labels.matchLabels" . | nindent 4 }}
  ports:
    - name: http
      port: {{ $service.port | default 8080 }}
      targetPort: http
      protocol: TCP
      appProtocol: http
    {{- if $metrics.enabled }}
    # /metrics is served on the same container port; a separately named port lets ServiceMonitors
    # (seed §7.2: `port: metrics`) and NetworkPolicies address scraping on its own.
    - name: metrics
      port: {{ ($metrics.service | default dict).port | default 9090 }}
      targetPort: http
      protocol: TCP
      appProtocol: http
    {{- end }}
{{- end -}}

{{- define "common.app.hpa" -}}
{{- $hpa := .values.autoscaling | default dict -}}
{{- if $hpa.enabled }}
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ include "common.names.component" . }}
  namespace: {{ include "common.names.namespace" .ctx }}
  labels:
    {{- include "common.labels.standard" . | nindent 4 }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ include "common.names.component" . }}
  minReplicas: {{ $hpa.minReplicas | default 1 }}
  maxReplicas: {{ $hpa.maxReplicas | default 10 }}
  metrics:
    {{- with $hpa.targetCPUUtilizationPercentage }}
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ . }}
    {{- end }}
    {{- with $hpa.targetMemoryUtilizationPercentage }}
    - type: Resource
      resource:
        name: memory
        target:
          type: Utilization
          averageUtilization: {{ . }}
    {{- end }}
  behavior:
    scaleDown:
      stabilizationWindowSeconds: 300
{{- end }}
{{- end -}}

{{/* PodDisruptionBudget (seed §6.3), only when at least two replicas run: with one it would block drains. */}}
{{- define "common.app.pdb" -}}
{{- $pdb := .values.pdb | default .ctx.Values.pdb | default dict -}}
{{- if and $pdb.create (gt (include "common.app.minReplicas" . | int) 1) }}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "common.names.component" . }}-pdb
  namespace: {{ include "common.names.namespace" .ctx }}
  labels:
    {{- include "common.labels.standard" . | nindent 4 }}
spec:
  {{- if $pdb.maxUnavailable }}
  maxUnavailable: {{ $pdb.maxUnavailable }}
  {{- else }}
  minAvailable: {{ $pdb.minAvailable | default 1 }}
  {{- end }}
  selector:
    matchLabels:
      {{- include "common.labels.matchLabels" . | nindent 6 }}
{{- end }}
{{- end -}}

{{/* ServiceMonitor (seed §7.2) selecting the Service's `metrics` port. */}}
{{- define "common.app.servicemonitor" -}}
{{- $metrics := .values.metrics | default dict -}}
{{- $sm := .ctx.Values.serviceMonitor | default dict -}}
{{- if and $metrics.enabled $sm.enabled }}
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: {{ include "common.names.component" . }}
  namespace: {{ include "common.names.namespace" .ctx }}
  labels:
    {{- include "common.labels.standard" . | nindent 4 }}
    {{- with $sm.labels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  jobLabel: app
  namespaceSelector:
    matchNames:
      - {{ include "common.names.namespace" .ctx }}
  selector:
    matchLabels:
      {{- include "common.labels.matchLabels" . | nindent 6 }}
  endpoints:
    - port: metrics
      path: /metrics
      interval: {{ $sm.interval | default "30s" }}
      scrapeTimeout: {{ $sm.scrapeTimeout | default "10s" }}
      {{- if $sm.istioMtls }}
      # Istio STRICT mTLS: Prometheus presents the workload certificates its sidecar writes out
      # (monitoring chart, prometheus.istioCerts). See helm-charts/README.md.
      scheme: https
      tlsConfig:
        caFile: /etc/prom-certs/root-cert.pem
        certFile: /etc/prom-certs/cert-chain.pem
        keyFile: /etc/prom-certs/key.pem
        insecureSkipVerify: true
      {{- end }}
{{- end }}
{{- end -}}

{{/*
NetworkPolicy: ingress to the http port only from this namespace, the Istio ingress gateway's
namespace, the monitoring namespace and the other platform namespaces listed in networkPolicy.
*/}}
{{- define "common.app.networkpolicy" -}}
{{- $np := .values.networkPolicy | default .ctx.Values.networkPolicy | default dict -}}
{{- if $np.enabled }}
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ include "common.names.component" . }}
  namespace: {{ include "common.names.namespace" .ctx }}
  labels:
    {{- include "common.labels.standard" . | nindent 4 }}
spec:
  podSelector:
    matchLabels:
      {{- include "common.labels.matchLabels" . | nindent 6 }}
  policyTypes:
    - Ingress
  ingress:
    - ports:
        - port: http
          protocol: TCP
      from:
        - podSelector: {}
        {{- with (include "common.networkPolicy.namespacePeers" (dict "namespaces" $np.allowedNamespaces) | trim) }}{{ . | nindent 8 }}{{ end }}
    {{- with $np.extraIngress }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
{{- end }}
{{- end -}}

{{/*
Database migrations: `node migrate.js` from the service's own image. As a pre-install/pre-upgrade hook
(default) the Deployment only rolls out once the schema is current; hooks run before the release's
other objects exist, so the Job carries its environment inline and uses the namespace's default
ServiceAccount. With migrations.hook=false (the umbrella installing MySQL in the same release) it is an
ordinary Job named per revision, retried until the database answers.
*/}}
{{- define "common.app.migrationJob" -}}
{{- $values := .values -}}
{{- $mig := $values.migrations | default dict -}}
{{- $g := .ctx.Values.global | default dict -}}
{{- if and $mig.enabled ($values.database | default dict).enabled }}
apiVersion: batch/v1
kind: Job
metadata:
  {{- if $mig.hook }}
  name: {{ include "common.names.component" . }}-migrate
  {{- else }}
  name: {{ printf "%s-migrate-%d" (include "common.names.component" .) (.ctx.Release.Revision | int) }}
  {{- end }}
  namespace: {{ include "common.names.namespace" .ctx }}
  labels:
    {{- include "common.labels.standard" (dict "ctx" .ctx "component" (printf "%s-migrate" .component)) | nindent 4 }}
  {{- if $mig.hook }}
  annotations:
    helm.sh/hook: pre-install,pre-upgrade
    helm.sh/hook-weight: "0"
    helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded
  {{- end }}
spec:
  backoffLimit: {{ $mig.backoffLimit | default 6 }}
  activeDeadlineSeconds: {{ $mig.activeDeadlineSeconds | default 900 }}
  ttlSecondsAfterFinished: {{ $mig.ttlSecondsAfterFinished | default 86400 }}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: {{ include "common.names.component" . }}-migrate
        app.kubernetes.io/instance: {{ .ctx.Release.Name }}
        app.kubernetes.io/part-of: one-data
      annotations:
        # A Job's pod must be able to finish: no mesh sidecar (the database is outside the mesh).
        sidecar.istio.io/inject: "false"
        {{- with (include "common.vault.annotations" . | trim) }}{{ . | nindent 8 }}{{ end }}
    spec:
      restartPolicy: Never
      automountServiceAccountToken: false
      {{- with (include "common.images.pullSecrets" .ctx | trim) }}{{ . | nindent 6 }}{{ end }}
      securityContext:
        {{- include "common.securityContext.pod" . | nindent 8 }}
      containers:
        - name: migrate
          image: {{ include "common.images.image" . }}
          imagePullPolicy: {{ ($values.image | default dict).pullPolicy | default "IfNotPresent" }}
          command:
            {{- toYaml ($mig.command | default (list "node" "migrate.js")) | nindent 12 }}
          env:
            - name: NODE_ENV
              value: {{ $g.nodeEnv | default "production" | quote }}
            - name: LOG_LEVEL
              value: {{ $g.logLevel | default "info" | quote }}
            {{- include "common.env.secretEnv" . | nindent 12 }}
          resources:
            {{- include "common.resources.preset" (dict "type" ($mig.resourcesPreset | default "small")) | nindent 12 }}
          securityContext:
            {{- include "common.securityContext.container" . | nindent 12 }}
          volumeMounts:
            - name: tmp
              mountPath: /tmp
      volumes:
        - name: tmp
          emptyDir:
            sizeLimit: 64Mi
{{- end }}
{{- end -}}

{{/*
`helm test`: a pod that GETs the component's /ready through its Service and fails unless it answers
2xx. It runs the service's own image (node is there; slim images have no curl) and, inside the mesh,
stops its sidecar when done so the pod can complete.
*/}}
{{- define "common.app.test" -}}
{{- $values := .values -}}
{{- $tests := $values.tests | default .ctx.Values.tests | default dict -}}
{{- if $tests.enabled }}
{{- $url := printf "http://%s:%v%s" (include "common.names.fqdn" .) (($values.service | default dict).port | default 8080) ($tests.path | default "/ready") -}}
{{- $testImage := dict "ctx" .ctx "image" ($tests.image | default $values.image) -}}
apiVersion: v1
kind: Pod
metadata:
  name: {{ include "common.names.component" . }}-test-ready
  namespace: {{ include "common.names.namespace" .ctx }}
  labels:
    app.kubernetes.io/name: {{ include "common.names.component" . }}-test
    app.kubernetes.io/instance: {{ .ctx.Release.Name }}
    app.kubernetes.io/part-of: one-data
  annotations:
    helm.sh/hook: test
    helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded
    proxy.istio.io/config: '{"holdApplicationUntilProxyStarts": true}'
spec:
  restartPolicy: Never
  automountServiceAccountToken: false
  {{- with (include "common.images.pullSecrets" .ctx | trim) }}{{ . | nindent 2 }}{{ end }}
  securityContext:
    {{- include "common.securityContext.pod" . | nindent 4 }}
  containers:
    - name: ready
      image: {{ include "common.images.image" $testImage }}
      command:
        - node
        - -e
        - |
          const url = {{ $url | quote }};
          const quitSidecar = () => fetch('http://127.0.0.1:15020/quitquitquit', { method: 'POST' }).catch(() => {});
          fetch(url, { signal: AbortSignal.timeout(10000) })
            .then(async (res) => { console.log(url, res.status, await res.text()); await quitSidecar(); process.exit(res.ok ? 0 : 1); })
            .catch(async (error) => { console.error(url, error); await quitSidecar(); process.exit(1); });
      resources:
        {{- include "common.resources.preset" (dict "type" "nano") | nindent 8 }}
      securityContext:
        {{- include "common.securityContext.container" . | nindent 8 }}
{{- end }}
{{- end -}}
