/** Policy checks over rendered manifests; each returns a list of problems (empty: the policy holds). */
import type { K8sObject } from './render.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Any = any;

/**
 * Third-party images that come from their upstream registry rather than global.imageRegistry. Each is
 * an `image.registry` value of its chart; empty it to pull the same path through the Harbor mirror.
 */
export const UPSTREAM_IMAGES = [
  'docker.io/vllm/vllm-openai:',
  'quay.io/minio/mc:',
  'quay.io/minio/minio:',
  'docker.io/library/mysql:',
  'docker.io/library/redis:',
  'docker.io/milvusdb/milvus:',
  'quay.io/coreos/etcd:',
  'docker.io/apache/kafka:',
  'quay.io/keycloak/keycloak:',
  'quay.io/prometheus/prometheus:',
  'docker.io/grafana/grafana:',
  'docker.io/grafana/loki:',
];

/** Images whose entrypoints write into the image at start: root filesystem writable, everything else restricted. */
export const WRITABLE_ROOT_IMAGES = ['quay.io/keycloak/keycloak:', 'docker.io/apache/kafka:'];

/** Seed §6.1 minimum replicas, by workload name. */
export const SEED_MIN_REPLICAS: { pattern: RegExp; min: number; what: string }[] = [
  { pattern: /^(data|agent)-frontend$/, min: 2, what: 'frontend' },
  { pattern: /^data-etl$/, min: 3, what: 'ETL' },
  { pattern: /^model-vllm-/, min: 2, what: 'model serving' },
  { pattern: /^keycloak$/, min: 2, what: 'Keycloak' },
  { pattern: /^mysql$/, min: 1, what: 'MySQL' },
  { pattern: /^redis$/, min: 1, what: 'Redis' },
  { pattern: /^(data-api|data-metadata|model-api|model-scheduler|agent-api|agent-workflow|agent-knowledgebase)$/, min: 2, what: 'API service' },
];

const id = (o: K8sObject): string => `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`;
const ofKind = (objects: K8sObject[], kind: string): K8sObject[] => objects.filter((o) => o.kind === kind);

export const podSpec = (o: K8sObject): Any | undefined => {
  const spec = o.spec as Any;
  if (o.kind === 'Pod') return spec;
  if (o.kind === 'CronJob') return spec?.jobTemplate?.spec?.template?.spec;
  return spec?.template?.spec;
};
const podLabels = (o: K8sObject): Record<string, string> => ((o.spec as Any)?.template?.metadata?.labels ?? {}) as Record<string, string>;
const containersOf = (spec: Any): Any[] => [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])];
const workloads = (objects: K8sObject[]): K8sObject[] => objects.filter((o) => ['Deployment', 'StatefulSet'].includes(o.kind));
const podCarriers = (objects: K8sObject[]): K8sObject[] => objects.filter((o) => ['Deployment', 'StatefulSet', 'Job', 'CronJob', 'Pod'].includes(o.kind));
const matches = (selector: Record<string, string> | undefined, labels: Record<string, string>): boolean =>
  !!selector && Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels[k] === v);

/** Replicas a workload keeps at least: the HPA's minReplicas when one scales it, else spec.replicas. */
export function minReplicas(objects: K8sObject[], workload: K8sObject): number {
  const hpa = ofKind(objects, 'HorizontalPodAutoscaler').find(
    (h) => (h.spec as Any).scaleTargetRef?.name === workload.metadata.name && h.metadata.namespace === workload.metadata.namespace,
  );
  if (hpa) return (hpa.spec as Any).minReplicas ?? 1;
  return ((workload.spec as Any).replicas as number | undefined) ?? 1;
}

export function checkResources(objects: K8sObject[]): string[] {
  const problems: string[] = [];
  for (const o of podCarriers(objects)) {
    for (const c of containersOf(podSpec(o))) {
      const r = c.resources ?? {};
      for (const field of ['requests', 'limits']) {
        for (const resource of ['cpu', 'memory']) {
          if (!r[field]?.[resource]) problems.push(`${id(o)} container ${c.name}: no ${field}.${resource}`);
        }
      }
    }
  }
  return problems;
}

export function checkSecurityContext(objects: K8sObject[]): string[] {
  const problems: string[] = [];
  for (const o of podCarriers(objects)) {
    const spec = podSpec(o);
    for (const c of containersOf(spec)) {
      const sc = c.securityContext ?? {};
      const where = `${id(o)} container ${c.name}`;
      if (!(sc.runAsNonRoot ?? spec?.securityContext?.runAsNonRoot)) problems.push(`${where}: runAsNonRoot is not true`);
      if (sc.allowPrivilegeEscalation !== false) problems.push(`${where}: allowPrivilegeEscalation is not false`);
      if (!(sc.capabilities?.drop ?? []).includes('ALL')) problems.push(`${where}: capabilities do not drop ALL`);
      const writable = WRITABLE_ROOT_IMAGES.some((prefix) => String(c.image).startsWith(prefix));
      if (sc.readOnlyRootFilesystem !== true && !writable) problems.push(`${where}: readOnlyRootFilesystem is not true`);
      if (sc.privileged) problems.push(`${where}: privileged`);
    }
  }
  return problems;
}

/** Every long-running container has liveness and readiness probes; platform services use /health and /ready. */
export function checkProbes(objects: K8sObject[], registry: string): string[] {
  const problems: string[] = [];
  for (const o of workloads(objects)) {
    for (const c of podSpec(o)?.containers ?? []) {
      const where = `${id(o)} container ${c.name}`;
      if (!c.livenessProbe) problems.push(`${where}: no livenessProbe`);
      if (!c.readinessProbe) problems.push(`${where}: no readinessProbe`);
      const platformService = String(c.image).startsWith(`${registry}/`) && !String(c.image).includes('/jupyterhub:');
      if (platformService) {
        if (c.livenessProbe?.httpGet?.path !== '/health') problems.push(`${where}: liveness is not GET /health`);
        if (c.readinessProbe?.httpGet?.path !== '/ready') problems.push(`${where}: readiness is not GET /ready`);
      }
    }
  }
  return problems;
}

export function checkAntiAffinity(objects: K8sObject[]): string[] {
  return workloads(objects)
    .filter((o) => minReplicas(objects, o) > 1 || (o.spec as Any).replicas > 1)
    .filter((o) => !podSpec(o)?.affinity?.podAntiAffinity)
    .map((o) => `${id(o)}: several replicas but no podAntiAffinity`);
}

export function checkPdbs(objects: K8sObject[]): string[] {
  const pdbs = ofKind(objects, 'PodDisruptionBudget');
  return workloads(objects)
    .filter((o) => minReplicas(objects, o) > 1)
    .filter(
      (o) =>
        !pdbs.some(
          (p) => p.metadata.namespace === o.metadata.namespace && matches((p.spec as Any).selector?.matchLabels, podLabels(o)),
        ),
    )
    .map((o) => `${id(o)}: ${minReplicas(objects, o)} replicas but no PodDisruptionBudget selects its pods`);
}

/** Every ServiceMonitor selects an existing Service whose port named in the endpoint is `metrics`. */
export function checkServiceMonitors(objects: K8sObject[]): string[] {
  const problems: string[] = [];
  const services = ofKind(objects, 'Service');
  for (const sm of ofKind(objects, 'ServiceMonitor')) {
    const spec = sm.spec as Any;
    const namespaces: string[] = spec.namespaceSelector?.matchNames ?? [sm.metadata.namespace];
    const selected = services.filter(
      (s) => namespaces.includes(s.metadata.namespace ?? '') && matches(spec.selector?.matchLabels, s.metadata.labels ?? {}),
    );
    if (selected.length === 0) problems.push(`${id(sm)}: selects no Service`);
    for (const endpoint of spec.endpoints ?? []) {
      if (endpoint.port !== 'metrics') problems.push(`${id(sm)}: endpoint port is ${endpoint.port}, not metrics`);
      for (const s of selected) {
        if (!((s.spec as Any).ports ?? []).some((p: Any) => p.name === endpoint.port)) problems.push(`${id(sm)}: ${id(s)} has no port ${endpoint.port}`);
      }
    }
  }
  return problems;
}

const resolveHost = (host: string, namespace: string): { name: string; namespace: string } => {
  const parts = host.split('.');
  if (parts.length >= 2 && host.includes('.svc')) return { name: parts[0]!, namespace: parts[1]! };
  if (parts.length === 2) return { name: parts[0]!, namespace: parts[1]! };
  return { name: host, namespace };
};

/**
 * Every VirtualService host is served by its Gateway, and every route goes to an existing Service port.
 * `gatewayHosts` are the hosts of the platform Gateway (rendered by the umbrella; passed in for the
 * layer charts rendered alone). Destinations in `externalServices` (name.namespace) are other charts'.
 */
export function checkVirtualServices(objects: K8sObject[], gatewayHosts: Record<string, string[]>, externalServices: string[] = []): string[] {
  const problems: string[] = [];
  const gateways: Record<string, string[]> = { ...gatewayHosts };
  for (const g of ofKind(objects, 'Gateway')) {
    gateways[`${g.metadata.namespace}/${g.metadata.name}`] = ((g.spec as Any).servers ?? []).flatMap((s: Any) => s.hosts ?? []);
  }
  const services = ofKind(objects, 'Service');
  for (const vs of ofKind(objects, 'VirtualService')) {
    const spec = vs.spec as Any;
    const namespace = vs.metadata.namespace ?? '';
    for (const gateway of spec.gateways ?? []) {
      const hosts = gateways[gateway];
      if (!hosts) {
        problems.push(`${id(vs)}: gateway ${gateway} does not exist`);
        continue;
      }
      for (const host of spec.hosts ?? []) if (!hosts.includes(host) && !hosts.includes('*')) problems.push(`${id(vs)}: host ${host} is not on gateway ${gateway}`);
    }
    for (const http of spec.http ?? []) {
      for (const route of http.route ?? []) {
        const { name, namespace: ns } = resolveHost(route.destination.host, namespace);
        if (externalServices.includes(`${name}.${ns}`)) continue;
        const service = services.find((s) => s.metadata.name === name && s.metadata.namespace === ns);
        if (!service) {
          problems.push(`${id(vs)}: destination ${route.destination.host} is no Service in this release`);
          continue;
        }
        const port = route.destination.port?.number;
        if (!((service.spec as Any).ports ?? []).some((p: Any) => p.port === port)) problems.push(`${id(vs)}: ${id(service)} has no port ${port}`);
      }
    }
  }
  return problems;
}

export function checkImages(objects: K8sObject[], registry: string): string[] {
  const problems: string[] = [];
  for (const o of podCarriers(objects)) {
    for (const c of containersOf(podSpec(o))) {
      const image = String(c.image);
      if (!image.startsWith(`${registry}/`) && !UPSTREAM_IMAGES.some((prefix) => image.startsWith(prefix))) {
        problems.push(`${id(o)} container ${c.name}: image ${image} is neither from ${registry} nor an allowed upstream image`);
      }
    }
  }
  for (const p of ofKind(objects, 'Prometheus')) {
    const image = String((p.spec as Any).image);
    if (!UPSTREAM_IMAGES.some((prefix) => image.startsWith(prefix)) && !image.startsWith(`${registry}/`)) problems.push(`${id(p)}: image ${image}`);
  }
  return problems;
}

/** The platform's own images a render pulls (repository names under the registry, without tags). */
export function platformImages(objects: K8sObject[], registry: string): string[] {
  const repositories = new Set<string>();
  for (const o of podCarriers(objects)) {
    for (const c of containersOf(podSpec(o))) {
      const image = String(c.image);
      if (image.startsWith(`${registry}/`)) repositories.add(image.slice(registry.length + 1).replace(/[:@].*$/, ''));
    }
  }
  return [...repositories].sort();
}

export function checkSeedReplicas(objects: K8sObject[]): string[] {
  const problems: string[] = [];
  for (const o of workloads(objects)) {
    const rule = SEED_MIN_REPLICAS.find((r) => r.pattern.test(o.metadata.name));
    if (rule && minReplicas(objects, o) < rule.min) {
      problems.push(`${id(o)}: ${minReplicas(objects, o)} replicas, seed §6.1 minimum for ${rule.what} is ${rule.min}`);
    }
  }
  return problems;
}

/** Every object in a namespaced kind names its namespace explicitly (the umbrella spans several). */
export function checkNamespaces(objects: K8sObject[]): string[] {
  const clusterScoped = new Set(['Namespace', 'StorageClass', 'ClusterRole', 'ClusterRoleBinding', 'Queue']);
  return objects.filter((o) => !clusterScoped.has(o.kind) && !o.metadata.namespace).map((o) => `${id(o)}: no metadata.namespace`);
}

/** The port vLLM's OpenAI-compatible server listens on (serving.vllm.service.port; model-api's VLLM_PORT). */
export const VLLM_PORT = 8000;

/**
 * model-api's SERVING_POOLS, in every ConfigMap that carries it, parses as a JSON list of pools with a
 * `model`, and each pool's `dns` is `<service>.<namespace>.svc.<domain>:8000` of a headless Service of
 * this release that has port 8000.
 */
export function checkServingPools(objects: K8sObject[]): string[] {
  const problems: string[] = [];
  const services = ofKind(objects, 'Service');
  for (const cm of ofKind(objects, 'ConfigMap')) {
    const text = (cm['data'] as Record<string, string> | undefined)?.['SERVING_POOLS'];
    if (text === undefined) continue;
    let pools: unknown;
    try {
      pools = JSON.parse(text);
    } catch (error) {
      problems.push(`${id(cm)}: SERVING_POOLS is not JSON: ${(error as Error).message}`);
      continue;
    }
    if (!Array.isArray(pools)) {
      problems.push(`${id(cm)}: SERVING_POOLS is not a JSON list`);
      continue;
    }
    for (const pool of pools as Any[]) {
      const model = typeof pool?.model === 'string' && pool.model !== '' ? pool.model : undefined;
      if (!model) problems.push(`${id(cm)}: a pool without model: ${JSON.stringify(pool)}`);
      if (pool?.dns === undefined) continue;
      const match = /^([a-z0-9-]+)\.([a-z0-9-]+)\.svc\.[a-z0-9.-]+:(\d+)$/.exec(String(pool.dns));
      if (!match) {
        problems.push(`${id(cm)}: pool ${model}: dns ${pool.dns} is not <service>.<namespace>.svc.<domain>:<port>`);
        continue;
      }
      const [, name, namespace, port] = match;
      if (Number(port) !== VLLM_PORT) problems.push(`${id(cm)}: pool ${model}: dns port ${port}, vLLM listens on ${VLLM_PORT}`);
      const service = services.find((s) => s.metadata.name === name && s.metadata.namespace === namespace);
      if (!service) {
        problems.push(`${id(cm)}: pool ${model}: dns ${pool.dns} names no Service of this release`);
        continue;
      }
      const spec = service.spec as Any;
      if (spec.clusterIP !== 'None') problems.push(`${id(cm)}: pool ${model}: ${id(service)} is not headless`);
      if (!(spec.ports ?? []).some((p: Any) => p.port === Number(port))) problems.push(`${id(cm)}: pool ${model}: ${id(service)} has no port ${port}`);
    }
  }
  return problems;
}

interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

/** Kubernetes label selector semantics; an empty selector selects everything. */
export function selectorMatches(selector: LabelSelector | undefined, labels: Record<string, string>): boolean {
  if (!selector) return false;
  const byLabels = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  const byExpressions = (selector.matchExpressions ?? []).every(({ key, operator, values = [] }) => {
    const value = labels[key];
    switch (operator) {
      case 'In':
        return value !== undefined && values.includes(value);
      case 'NotIn':
        return value === undefined || !values.includes(value);
      case 'Exists':
        return key in labels;
      case 'DoesNotExist':
        return !(key in labels);
      default:
        return false;
    }
  });
  return byLabels && byExpressions;
}

/** A pod as a NetworkPolicy sees it; namespaces are matched by their kubernetes.io/metadata.name label. */
export interface PodRef {
  namespace: string;
  labels: Record<string, string>;
}

/**
 * Whether the rendered NetworkPolicies let `from` open a TCP connection to `to` on a container port
 * (number and, optionally, its name). A pod no Ingress policy selects is not isolated.
 */
export function ingressAllowed(objects: K8sObject[], from: PodRef, to: PodRef, port: { number: number; name?: string }): boolean {
  const policies = ofKind(objects, 'NetworkPolicy').filter((p) => {
    const spec = p.spec as Any;
    const types: string[] = spec.policyTypes ?? ['Ingress'];
    return p.metadata.namespace === to.namespace && types.includes('Ingress') && selectorMatches(spec.podSelector, to.labels);
  });
  if (policies.length === 0) return true;
  const portMatches = (rulePorts: Any[] | undefined): boolean =>
    !rulePorts || rulePorts.length === 0 || rulePorts.some((p) => (p.protocol ?? 'TCP') === 'TCP' && (p.port === undefined || p.port === port.number || (port.name !== undefined && p.port === port.name)));
  const peerMatches = (peer: Any, policyNamespace: string): boolean => {
    if (peer.ipBlock) return false;
    const namespaceOk = peer.namespaceSelector
      ? selectorMatches(peer.namespaceSelector, { 'kubernetes.io/metadata.name': from.namespace })
      : from.namespace === policyNamespace;
    const podOk = peer.podSelector ? selectorMatches(peer.podSelector, from.labels) : true;
    return namespaceOk && podOk;
  };
  return policies.some((p) =>
    ((p.spec as Any).ingress ?? []).some(
      (rule: Any) => portMatches(rule.ports) && (!rule.from || rule.from.length === 0 || rule.from.some((peer: Any) => peerMatches(peer, p.metadata.namespace ?? ''))),
    ),
  );
}

/**
 * A container's environment as far as the render tells it: its envFrom ConfigMaps, then its env entries
 * (plain values, ConfigMap keys; a Secret reference reads as "(from a Secret)").
 */
function containerEnv(objects: K8sObject[], workload: K8sObject, container: Any): Record<string, string> {
  const configMap = (name: string | undefined): Record<string, string> =>
    (ofKind(objects, 'ConfigMap').find((m) => m.metadata.name === name && m.metadata.namespace === workload.metadata.namespace)?.['data'] ?? {}) as Record<string, string>;
  const env: Record<string, string> = {};
  for (const from of container.envFrom ?? []) Object.assign(env, configMap(from.configMapRef?.name));
  for (const entry of container.env ?? []) {
    const ref = entry.valueFrom?.configMapKeyRef;
    env[entry.name] = entry.value ?? (ref ? (configMap(ref.name)[ref.key] ?? '') : '(from a Secret)');
  }
  return env;
}

/** The pod template labels and namespace of a workload. */
export const podOf = (workload: K8sObject): PodRef => ({ namespace: workload.metadata.namespace ?? '', labels: podLabels(workload) });

const SENTINEL_PORT = 26379;

/**
 * Platform services that use Redis (REDIS_URL in their env) against the Redis StatefulSet in `infra` (the
 * infrastructure render of the same environment): when it runs Sentinel, REDIS_SENTINELS lists every
 * Redis pod's stable DNS name on 26379 and REDIS_SENTINEL_MASTER is the set the sentinels monitor, and
 * NetworkPolicies let the service reach the sentinels and the primary; without Sentinel neither is set.
 */
export function checkRedisClients(objects: K8sObject[], infra: K8sObject[]): string[] {
  const redis = ofKind(infra, 'StatefulSet').find((s) => containersOf(podSpec(s)).some((c) => c.name === 'redis'));
  if (!redis) return ['no Redis StatefulSet in the infrastructure render'];
  const spec = redis.spec as Any;
  const namespace = redis.metadata.namespace ?? '';
  let expected: Record<string, string> | undefined;
  if (containersOf(podSpec(redis)).some((c) => c.name === 'sentinel')) {
    const scripts = ofKind(infra, 'ConfigMap').find((c) => c.metadata.namespace === namespace && (c['data'] as Any)?.['start-sentinel.sh']);
    const pods = Array.from({ length: spec.replicas ?? 1 }, (_, i) => `${redis.metadata.name}-${i}.${spec.serviceName}.${namespace}.svc.cluster.local:${SENTINEL_PORT}`);
    expected = {
      REDIS_SENTINELS: pods.join(','),
      REDIS_SENTINEL_MASTER: /sentinel monitor (\S+) /.exec((scripts?.['data'] as Any)?.['start-sentinel.sh'] ?? '')?.[1] ?? '(sentinel script not rendered)',
    };
  }
  const problems: string[] = [];
  for (const o of objects.filter((w) => ['Deployment', 'StatefulSet', 'CronJob'].includes(w.kind))) {
    for (const c of containersOf(podSpec(o))) {
      const env = containerEnv(objects, o, c);
      // Platform services only: containers without the platform env (frontends) do not talk to Redis.
      if (env['REDIS_URL'] === undefined || !c.envFrom) continue;
      const where = `${id(o)} container ${c.name}`;
      if (!expected) {
        if (env['REDIS_SENTINELS'] !== undefined) problems.push(`${where}: REDIS_SENTINELS set, but Redis runs without Sentinel`);
        continue;
      }
      for (const [name, value] of Object.entries(expected)) {
        if (env[name] !== value) problems.push(`${where}: ${name} is ${env[name] ?? 'unset'}, expected ${value}`);
      }
      const redisPod: PodRef = { namespace, labels: podLabels(redis) };
      for (const port of [{ number: SENTINEL_PORT, name: 'sentinel' }, { number: 6379, name: 'redis' }]) {
        if (!ingressAllowed(infra, podOf(o), redisPod, port)) problems.push(`${where}: a NetworkPolicy blocks Redis port ${port.number}`);
      }
    }
  }
  return problems;
}

/** The infrastructure subcharts; their objects carry helm.sh/chart: <name>-<version>. */
const INFRASTRUCTURE_CHARTS = ['mysql', 'redis', 'minio', 'milvus', 'kafka', 'keycloak'];

const fromInfrastructureChart = (o: K8sObject): boolean =>
  INFRASTRUCTURE_CHARTS.some((chart) => (o.metadata.labels?.['helm.sh/chart'] ?? '').startsWith(`${chart}-`));

/** Pod template labels of any pod carrier (a CronJob's are one level deeper, a Pod's are its own). */
const carriedPodLabels = (o: K8sObject): Record<string, string> => {
  const spec = o.spec as Any;
  if (o.kind === 'Pod') return o.metadata.labels ?? {};
  if (o.kind === 'CronJob') return spec?.jobTemplate?.spec?.template?.metadata?.labels ?? {};
  return spec?.template?.metadata?.labels ?? {};
};

/** A `host:port` an env value names (URL authority, list entry or bare), e.g. mysql://u:p@mysql.ns.svc.cluster.local:3306/db. */
const ENDPOINT = /(?<=^|\/\/|@|,|\s)([a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*):(\d{1,5})(?=$|[/,\s?#])/g;

/** The Services a DNS name can mean from `namespace` (service.ns[.svc...], pod.service.ns[.svc...], or a bare name), most specific first. */
const serviceCandidates = (host: string, namespace: string): { name: string; namespace: string }[] => {
  const labels = host.split('.');
  const svc = labels.indexOf('svc');
  const [first, second, third, ...rest] = svc >= 0 ? labels.slice(0, svc) : labels;
  if (first === undefined || rest.length > 0) return [];
  if (second === undefined) return [{ name: first, namespace }];
  // without .svc, `a.b` is a Service in namespace b, or pod a of headless Service b here
  if (third === undefined) return [{ name: first, namespace: second }, ...(svc < 0 ? [{ name: second, namespace }] : [])];
  return [{ name: second, namespace: third }];
};

/** The rules of a policy that let every namespace, or every port, in (NetworkPolicy semantics: an empty list means all). */
const openRules = (policy: K8sObject): string[] => {
  const problems: string[] = [];
  ((policy.spec as Any).ingress ?? []).forEach((rule: Any, index: number) => {
    const where = `${id(policy)} ingress[${index}]`;
    if (!rule.from || rule.from.length === 0) problems.push(`${where}: no from, so every namespace (and outside the cluster) is allowed`);
    for (const peer of rule.from ?? []) {
      const ns = peer.namespaceSelector;
      if (ns && Object.keys(ns.matchLabels ?? {}).length === 0 && (ns.matchExpressions ?? []).length === 0) {
        problems.push(`${where}: namespaceSelector {} allows every namespace`);
      }
      if (peer.ipBlock) problems.push(`${where}: ipBlock ${peer.ipBlock.cidr} (allow namespaces by name instead)`);
    }
    if (!rule.ports || rule.ports.length === 0) problems.push(`${where}: no ports, so every port is open`);
  });
  return problems;
};

/**
 * The infrastructure (MySQL, Redis + sentinels, MinIO, Milvus + etcd, Kafka, Keycloak) is closed by
 * NetworkPolicies and still reachable by whoever is configured to use it:
 * - every infrastructure workload in `infra` has its pods selected by an Ingress NetworkPolicy, and no
 *   rule of those policies lets every namespace (or every port) in;
 * - every `host:port` an env value of a container in `objects` names (DATABASE_URL, REDIS_URL,
 *   REDIS_SENTINELS, S3 endpoints, MILVUS_ADDRESS, AUTH_JWKS_URL, <X>_HOST + <X>_PORT, ...) that is an
 *   infrastructure Service of `infra` is a port of that Service, and the policies let the container's
 *   pod reach the container port behind it.
 * `infra` is the infrastructure render of the same environment (for the umbrella: its own render).
 */
export function checkInfrastructureNetworkPolicies(objects: K8sObject[], infra: K8sObject[]): string[] {
  const problems: string[] = [];
  const infraWorkloads = workloads(infra).filter(fromInfrastructureChart);
  if (infraWorkloads.length === 0) return ['no infrastructure workload in the infrastructure render'];
  const ingressPolicies = ofKind(infra, 'NetworkPolicy').filter((p) => ((p.spec as Any).policyTypes ?? ['Ingress']).includes('Ingress'));

  const guarding = new Set<K8sObject>();
  for (const workload of infraWorkloads) {
    const pod = podOf(workload);
    const selecting = ingressPolicies.filter((p) => p.metadata.namespace === pod.namespace && selectorMatches((p.spec as Any).podSelector, pod.labels));
    if (selecting.length === 0) problems.push(`${id(workload)}: no NetworkPolicy selects its pods`);
    for (const policy of selecting) guarding.add(policy);
  }
  for (const policy of guarding) problems.push(...openRules(policy));

  const services = ofKind(infra, 'Service').filter(fromInfrastructureChart);
  for (const client of podCarriers(objects)) {
    const from: PodRef = { namespace: client.metadata.namespace ?? '', labels: carriedPodLabels(client) };
    for (const container of containersOf(podSpec(client))) {
      const env = containerEnv(objects, client, container);
      const endpoints: { variable: string; host: string; port: number }[] = [];
      for (const [variable, value] of Object.entries(env)) {
        for (const [, host, port] of String(value).matchAll(ENDPOINT)) if (host && port) endpoints.push({ variable, host, port: Number(port) });
        // host and port in two variables, e.g. Keycloak's KC_DB_URL_HOST + KC_DB_URL_PORT
        const pairedPort = variable.endsWith('_HOST') ? env[`${variable.slice(0, -'_HOST'.length)}_PORT`] : undefined;
        if (pairedPort && /^\d+$/.test(pairedPort)) endpoints.push({ variable, host: value, port: Number(pairedPort) });
      }
      for (const { variable, host, port } of endpoints) {
        const service = serviceCandidates(host, from.namespace)
          .map((c) => services.find((s) => s.metadata.name === c.name && s.metadata.namespace === c.namespace))
          .find(Boolean);
        if (!service) continue; // not the infrastructure's
        const where = `${id(client)} container ${container.name}: ${variable} ${host}:${port}`;
        const servicePort = ((service.spec as Any).ports ?? []).find((p: Any) => p.port === port);
        if (!servicePort) {
          problems.push(`${where}: ${id(service)} has no port ${port}`);
          continue;
        }
        const selector = { ...((service.spec as Any).selector ?? {}) } as Record<string, string>;
        // a pod-name selector (the Redis Service on pod 0) is not in the pod template
        delete selector['statefulset.kubernetes.io/pod-name'];
        const targets = infraWorkloads.filter((w) => w.metadata.namespace === service.metadata.namespace && matches(selector, podLabels(w)));
        if (targets.length === 0) problems.push(`${where}: ${id(service)} selects no infrastructure workload`);
        for (const target of targets) {
          const targetPort = servicePort.targetPort ?? servicePort.port;
          const containerPort = (podSpec(target)?.containers ?? [])
            .flatMap((c: Any) => c.ports ?? [])
            .find((p: Any) => (typeof targetPort === 'string' ? p.name === targetPort : p.containerPort === targetPort));
          if (!containerPort) {
            problems.push(`${where}: ${id(target)} serves no port ${targetPort}`);
            continue;
          }
          if (!ingressAllowed(infra, from, podOf(target), { number: containerPort.containerPort, name: containerPort.name })) {
            problems.push(`${where}: a NetworkPolicy blocks ${from.namespace} from ${id(target)} port ${containerPort.name ?? containerPort.containerPort}`);
          }
        }
      }
    }
  }
  return problems;
}
