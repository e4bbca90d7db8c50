/**
 * The real helm 3 and helm 4: `lint --strict` and `template` of every chart with each values file,
 * every rendered object validated against the Kubernetes / Istio / Prometheus Operator schemas, and the
 * platform's policies asserted over the output. Each chart × values file is rendered once per helm
 * version and the checks reuse it.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { chartRoutes } from '@one-data/dev-gateway';
import { buildableApps } from '../src/apps.js';
import { ensureHelm, helmEnv, type HelmMajor } from '../src/helm.js';
import { chartsRoot } from '../src/params.js';
import {
  checkAntiAffinity,
  checkImages,
  checkInfrastructureNetworkPolicies,
  checkNamespaces,
  checkPdbs,
  checkProbes,
  checkRedisClients,
  checkResources,
  checkSecurityContext,
  checkSeedReplicas,
  checkServiceMonitors,
  checkServingPools,
  checkVirtualServices,
  ingressAllowed,
  minReplicas,
  platformImages,
  podOf,
  podSpec,
  VLLM_PORT,
  type PodRef,
} from '../src/policy.js';
import { CHARTS, VALUES_FILES, helm, lintChart, pool, prepareCharts, removeCharts, templateChart, type ChartName, type K8sObject, type ValuesFile } from '../src/render.js';
import { validateObjects } from '../src/validate.js';

const REGISTRY = 'harbor.example.com/one-data';
const combos = CHARTS.flatMap((chart) => VALUES_FILES.map((values) => ({ chart, values })));

const umbrella = parse(await readFile(join(chartsRoot, 'one-data', 'values.yaml'), 'utf8')) as { gateway: { namespace: string; name: string; hosts: string[] } };
const platformGateway = { [`${umbrella.gateway.namespace}/${umbrella.gateway.name}`]: umbrella.gateway.hosts };

describe.each([3, 4] as HelmMajor[])('helm %i', (major) => {
  let binary = '';
  let dir = '';
  const rendered = new Map<string, K8sObject[]>();
  const key = (chart: ChartName, values: ValuesFile): string => `${chart}/${values}`;
  const objects = (chart: ChartName, values: ValuesFile): K8sObject[] => {
    const found = rendered.get(key(chart, values));
    if (!found) throw new Error(`${key(chart, values)} was not rendered`);
    return found;
  };

  beforeAll(async () => {
    binary = await ensureHelm(major);
    dir = await prepareCharts(binary);
    await pool(combos, 2, async ({ chart, values }) => rendered.set(key(chart, values), await templateChart(binary, dir, chart, values)));
  });
  afterAll(async () => {
    if (dir) await removeCharts(dir);
  });

  describe.each(combos)('$chart with $values', ({ chart, values }) => {
    it('passes helm lint --strict (with subcharts)', async () => {
      const output = await lintChart(binary, dir, chart, values);
      expect(output).toMatch(/0 chart\(s\) failed/);
      expect(output).not.toMatch(/\[(WARNING|ERROR)\]/);
    });

    it('renders objects that validate against the Kubernetes, Istio and Prometheus Operator schemas', () => {
      const rendered = objects(chart, values);
      expect(rendered.length).toBeGreaterThan(5);
      expect(validateObjects(rendered)).toEqual([]);
      expect(checkNamespaces(rendered)).toEqual([]);
    });

    it('gives every container resources and a restricted securityContext', () => {
      expect(checkResources(objects(chart, values))).toEqual([]);
      expect(checkSecurityContext(objects(chart, values))).toEqual([]);
    });

    it('probes every workload (platform services: /health liveness, /ready readiness)', () => {
      expect(checkProbes(objects(chart, values), REGISTRY)).toEqual([]);
    });

    it('spreads replicated workloads (anti-affinity) and protects them with a PodDisruptionBudget', () => {
      expect(checkAntiAffinity(objects(chart, values))).toEqual([]);
      expect(checkPdbs(objects(chart, values))).toEqual([]);
    });

    it('has every ServiceMonitor select a Service port named metrics', () => {
      expect(checkServiceMonitors(objects(chart, values))).toEqual([]);
    });

    it('routes every VirtualService host through the Gateway to an existing Service port', () => {
      expect(checkVirtualServices(objects(chart, values), platformGateway)).toEqual([]);
    });

    it('points SERVING_POOLS at existing headless vLLM Services on port 8000', () => {
      expect(checkServingPools(objects(chart, values))).toEqual([]);
    });

    it('pulls every image from global.imageRegistry or an allowed upstream registry', () => {
      expect(checkImages(objects(chart, values), REGISTRY)).toEqual([]);
    });

    if (chart === 'infrastructure' || chart === 'one-data') {
      it('closes the infrastructure with NetworkPolicies that still let the services configured to use it in', () => {
        expect(checkInfrastructureNetworkPolicies(objects(chart, values), objects(chart, values))).toEqual([]);
      });
    }

    if (values === 'values-prod.yaml') {
      it('runs at least the seed §6.1 minimum replicas', () => {
        expect(checkSeedReplicas(objects(chart, values))).toEqual([]);
      });
    }
  });

  it('one-data with values-built.yaml pulls exactly the images of the services in apps/, and passes every check', async () => {
    const built = await templateChart(binary, dir, 'one-data', 'values-dev.yaml', ['-f', join('one-data', 'values-built.yaml')]);
    expect(platformImages(built, REGISTRY)).toEqual(await buildableApps());
    expect(validateObjects(built)).toEqual([]);
    for (const check of [checkResources, checkSecurityContext, checkAntiAffinity, checkPdbs, checkServiceMonitors, checkServingPools]) expect(check(built)).toEqual([]);
    expect(checkProbes(built, REGISTRY)).toEqual([]);
    expect(checkVirtualServices(built, platformGateway)).toEqual([]);
  });

  it('gives Redis credentials to the platform services only, not to the frontends', () => {
    const all = objects('one-data', 'values-prod.yaml');
    const withRedis = (name: string): boolean =>
      podSpec(all.find((o) => o.kind === 'Deployment' && o.metadata.name === name)!).containers.some((c: { env?: { name: string }[] }) =>
        (c.env ?? []).some((e) => e.name === 'REDIS_PASSWORD'),
      );
    expect(['data-api', 'model-api', 'agent-api'].map(withRedis)).toEqual([true, true, true]);
    expect(['data-frontend', 'agent-frontend'].map(withRedis)).toEqual([false, false]);
  });

  it('routes exactly as the dev gateway does: its route table is the rendered VirtualServices', () => {
    type Http = { match: { uri: { prefix: string } }[]; route: { destination: { host: string } }[] };
    const rendered = (['data', 'model-studio', 'agent'] as const).flatMap((chart) =>
      objects(chart, 'values.yaml')
        .filter((o) => o.kind === 'VirtualService')
        .flatMap((vs) => {
          const spec = vs.spec as { hosts: string[]; http: Http[] };
          return spec.hosts.flatMap((host) =>
            spec.http.map((http) => ({ host, prefix: http.match[0]!.uri.prefix, service: http.route[0]!.destination.host.split('.')[0]! })),
          );
        }),
    );
    expect(rendered.length).toBeGreaterThan(3);
    // the same order too: the first matching prefix wins in both
    expect(chartRoutes(chartsRoot)).toEqual(rendered.sort((a, b) => (a.host < b.host ? -1 : a.host > b.host ? 1 : 0)));
  });

  it('renders what the issue lists: probes, hooks, namespaces, quotas, storage classes, Istio, vLLM, CronJobs, dashboards', () => {
    const all = objects('one-data', 'values-prod.yaml');
    const names = (kind: string): string[] => all.filter((o) => o.kind === kind).map((o) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`);
    expect(names('Namespace').map((n) => n.slice(1))).toEqual(expect.arrayContaining(['one-data-system', 'one-data-infra', 'one-data-data', 'one-data-model', 'one-data-agent', 'tenant-001']));
    const dataNs = all.find((o) => o.kind === 'Namespace' && o.metadata.name === 'one-data-data')!;
    expect(dataNs.metadata.labels).toMatchObject({ 'istio-injection': 'enabled', 'pod-security.kubernetes.io/enforce': 'restricted' });
    expect(names('ResourceQuota')).toEqual(expect.arrayContaining(['one-data-model/platform-quota', 'tenant-001/tenant-quota']));
    expect(names('StorageClass')).toEqual(['/fast-ssd', '/standard-hdd', '/nvme-local']);
    expect(names('Gateway')).toEqual(['one-data-system/one-data-gateway']);
    expect(names('PeerAuthentication')).toHaveLength(3);
    // model.example.com/v1/ goes to model-api:8080
    const modelVs = all.find((o) => o.kind === 'VirtualService' && (o.spec as { hosts: string[] }).hosts.includes('model.example.com'))!;
    const v1 = (modelVs.spec as { http: { match: { uri: { prefix: string } }[]; route: { destination: { host: string; port: { number: number } } }[] }[] }).http.find((h) => h.match[0]!.uri.prefix === '/v1/')!;
    expect(v1.route[0]!.destination).toEqual({ host: 'model-api.one-data-model.svc.cluster.local', port: { number: 8080 } });
    // one vLLM Deployment + headless Service per model
    const vllm = all.find((o) => o.kind === 'Deployment' && o.metadata.name === 'model-vllm-qwen-14b-chat')!;
    expect(JSON.stringify(podSpec(vllm).containers[0].resources)).toContain('nvidia.com/gpu');
    expect(all.find((o) => o.kind === 'Service' && o.metadata.name === 'model-vllm-qwen-14b-chat')?.spec).toMatchObject({ clusterIP: 'None' });
    const modelApiEnv = all.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'model-api-env')!;
    // model-api's SERVING_POOLS: every address of the headless Service is an endpoint of the pool
    expect(JSON.parse((modelApiEnv['data'] as Record<string, string>)['SERVING_POOLS']!)).toEqual([
      { model: 'qwen-14b-chat', dns: 'model-vllm-qwen-14b-chat.one-data-model.svc.cluster.local:8000', routing: 'least-outstanding' },
    ]);
    expect(names('CronJob')).toContain('one-data-data/data-catalog-reharvest');
    const dashboards = all.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'monitoring-grafana-dashboards')!;
    expect(Object.keys(dashboards['data'] as object)).toEqual(expect.arrayContaining(['platform.json', 'data-api.json', 'model-api.json']));
    const realm = all.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'keycloak-realm')!;
    const realmJson = JSON.parse((realm['data'] as Record<string, string>)['one-data-realm.json']!);
    expect(realmJson.roles.realm.map((r: { name: string }) => r.name)).toEqual(['admin', 'developer', 'viewer']);
    expect(JSON.stringify(realmJson.clientScopes)).toContain('"claim.name":"tenant_id"');
  });

  /**
   * model-api with serving control (the default): KUBERNETES_MODE=in-cluster in its own namespace, a Role
   * for the server-side apply of vLLM Deployments + headless Services, S3/Redis/database env from Secrets,
   * and NetworkPolicies that let it reach vLLM on 8000 and let the Istio ingress gateway reach it.
   */
  const checkModelApi = (all: K8sObject[]): void => {
    const namespace = 'one-data-model';
    const find = (kind: string, name: string): K8sObject => {
      const found = all.find((o) => o.kind === kind && o.metadata.name === name && o.metadata.namespace === namespace);
      if (!found) throw new Error(`${kind} ${namespace}/${name} was not rendered`);
      return found;
    };
    const api = find('Deployment', 'model-api');
    const pod = podSpec(api);
    expect(pod.automountServiceAccountToken).toBe(true);
    const role = find('Role', 'model-api-serving');
    type Rule = { apiGroups: string[]; resources: string[]; verbs: string[] };
    const verbs = ['get', 'list', 'watch', 'create', 'patch', 'update', 'delete'];
    const rules = role['rules'] as Rule[];
    for (const [group, resource] of [['apps', 'deployments'], ['', 'services']] as const) {
      const rule = rules.find((r) => r.apiGroups.includes(group) && r.resources.includes(resource));
      expect(rule?.verbs.slice().sort(), `${resource}.${group}`).toEqual(verbs.slice().sort());
    }
    // nothing beyond those two resources
    expect(rules.flatMap((r) => r.resources).sort()).toEqual(['deployments', 'services']);
    const binding = find('RoleBinding', 'model-api-serving');
    expect(binding['roleRef']).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'model-api-serving' });
    expect(binding['subjects']).toEqual([{ kind: 'ServiceAccount', name: pod.serviceAccountName, namespace }]);
    expect(find('ServiceAccount', pod.serviceAccountName)['automountServiceAccountToken']).toBe(true);

    const env = find('ConfigMap', 'model-api-env')['data'] as Record<string, string>;
    expect(env).toMatchObject({
      KUBERNETES_MODE: 'in-cluster',
      SERVING_NAMESPACE: namespace,
      ARTIFACTS_S3_ENDPOINT: 'http://minio.one-data-infra.svc.cluster.local:9000',
      ARTIFACTS_S3_BUCKET: 'models',
      ARTIFACTS_S3_FORCE_PATH_STYLE: 'true',
    });
    expect(env['VLLM_IMAGE']).toMatch(/^docker\.io\/vllm\/vllm-openai:/);
    const pools = JSON.parse(env['SERVING_POOLS'] ?? 'null') as { model: string; dns: string }[];
    const vllm = all.filter((o) => o.kind === 'Deployment' && o.metadata.labels?.['one-data.io/model']);
    expect(pools.map((p) => p.model).sort()).toEqual(vllm.map((d) => d.metadata.labels?.['one-data.io/model']).sort());
    expect(pools.length).toBeGreaterThan(0);
    expect(checkServingPools(all)).toEqual([]);
    // the MinIO Service the endpoint names (rendered when the umbrella includes the infrastructure)
    const minio = all.find((o) => o.kind === 'Service' && o.metadata.name === 'minio' && o.metadata.namespace === 'one-data-infra');
    if (minio) expect((minio.spec as { ports: { port: number }[] }).ports.map((p) => p.port)).toContain(9000);

    const container = pod.containers[0];
    const secretRef = (name: string): { name: string; key: string } | undefined =>
      container.env.find((e: { name: string }) => e.name === name)?.valueFrom?.secretKeyRef;
    expect(secretRef('ARTIFACTS_S3_ACCESS_KEY_ID')).toEqual({ name: 'model-s3-credentials', key: 'access-key' });
    expect(secretRef('ARTIFACTS_S3_SECRET_ACCESS_KEY')).toEqual({ name: 'model-s3-credentials', key: 'secret-key' });
    expect(secretRef('REDIS_PASSWORD')).toEqual({ name: 'redis-credentials', key: 'redis-password' });
    expect(container.env.find((e: { name: string }) => e.name === 'REDIS_URL').value).toBe('redis://:$(REDIS_PASSWORD)@redis.one-data-infra.svc.cluster.local:6379/0');
    expect(container.env.map((e: { name: string }) => e.name)).toContain('DATABASE_URL');

    const modelApi = podOf(api);
    const http = { number: 8080, name: 'http' };
    const vllmPort = { number: VLLM_PORT, name: 'http' };
    // pods model-api applies itself (apps/model-api/src/serving/manifests.ts)
    const managedVllm: PodRef = { namespace, labels: { 'app.kubernetes.io/name': 'vllm', 'app.kubernetes.io/instance': 'vllm-x', 'one-data.io/served-model': 'x', 'app.kubernetes.io/managed-by': 'model-api' } };
    const ingressGateway: PodRef = { namespace: 'istio-system', labels: { istio: 'ingressgateway', app: 'istio-ingressgateway' } };
    const agentApi: PodRef = { namespace: 'one-data-agent', labels: { app: 'agent-api' } };
    expect(ingressAllowed(all, ingressGateway, modelApi, http)).toBe(true);
    expect(ingressAllowed(all, agentApi, modelApi, http)).toBe(true);
    for (const target of [...vllm.map(podOf), managedVllm]) {
      expect(ingressAllowed(all, modelApi, target, vllmPort), JSON.stringify(target.labels)).toBe(true);
      // vLLM has no authentication: nobody else in the platform bypasses the gateway
      expect(ingressAllowed(all, agentApi, target, vllmPort), JSON.stringify(target.labels)).toBe(false);
      expect(ingressAllowed(all, ingressGateway, target, vllmPort), JSON.stringify(target.labels)).toBe(false);
    }
  };

  it('lets model-api apply vLLM serving in its namespace and reach it (Role, KUBERNETES_MODE, SERVING_POOLS, S3, NetworkPolicies)', () => {
    for (const values of VALUES_FILES) checkModelApi(objects('model-studio', values));
    checkModelApi(objects('one-data', 'values-prod.yaml'));
  });

  it('points the services at the Redis sentinels exactly where the infrastructure runs Redis with Sentinel (prod)', async () => {
    for (const values of VALUES_FILES) {
      for (const chart of ['data', 'model-studio', 'agent'] as const) {
        expect(checkRedisClients(objects(chart, values), objects('infrastructure', values)), `${chart} ${values}`).toEqual([]);
      }
      expect(checkRedisClients(objects('one-data', values), objects('one-data', values)), `one-data ${values}`).toEqual([]);
    }
    const modelApiEnv = (chart: ChartName, values: ValuesFile) =>
      (objects(chart, values).find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'model-api-env')?.['data'] ?? {}) as Record<string, string>;
    const sentinels = [0, 1, 2].map((i) => `redis-${i}.redis-headless.one-data-infra.svc.cluster.local:26379`).join(',');
    for (const chart of ['model-studio', 'one-data'] as const) {
      expect(modelApiEnv(chart, 'values-prod.yaml')).toMatchObject({ REDIS_SENTINELS: sentinels, REDIS_SENTINEL_MASTER: 'one-data' });
      expect(Object.keys(modelApiEnv(chart, 'values-dev.yaml'))).toEqual(expect.arrayContaining(['AUTH_MODE']));
      expect(modelApiEnv(chart, 'values-dev.yaml')).not.toHaveProperty('REDIS_SENTINELS');
    }
    // the sentinels require the Redis password, and every redis-cli beside them (start scripts, probes) sends it
    const infra = objects('infrastructure', 'values-prod.yaml');
    const scripts = infra.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'redis-scripts')?.['data'] as Record<string, string>;
    expect(scripts['start-sentinel.sh']).toMatch(/^requirepass \$REDIS_PASSWORD$/m);
    expect(scripts['start-sentinel.sh']).toMatch(/^sentinel auth-pass one-data \$REDIS_PASSWORD$/m);
    const redis = infra.find((o) => o.kind === 'StatefulSet' && o.metadata.name === 'redis');
    if (!redis) throw new Error('no Redis StatefulSet in the infrastructure render');
    const containers = podSpec(redis).containers as { name: string; env: { name: string; valueFrom?: { secretKeyRef?: unknown } }[] }[];
    expect(containers.map((c) => c.name)).toEqual(['redis', 'sentinel']);
    for (const c of containers) {
      expect(c.env.find((e) => e.name === 'REDISCLI_AUTH')?.valueFrom?.secretKeyRef, c.name).toEqual({ name: 'redis-credentials', key: 'redis-password' });
    }
    // the check notices a layer left on the pod-0 Service while Redis runs with Sentinel
    const standalone = await templateChart(binary, dir, 'model-studio', 'values-prod.yaml', ['--set', 'global.redis.sentinel.enabled=false']);
    expect(checkRedisClients(standalone, objects('infrastructure', 'values-prod.yaml'))).toContainEqual(expect.stringMatching(/model-api .*REDIS_SENTINELS is unset/));
  });

  it('lets each layer reach the infrastructure it is configured for, and nobody else (NetworkPolicies)', async () => {
    for (const values of VALUES_FILES) {
      for (const chart of ['data', 'model-studio', 'agent', 'monitoring'] as const) {
        expect(checkInfrastructureNetworkPolicies(objects(chart, values), objects('infrastructure', values)), `${chart} ${values}`).toEqual([]);
      }
    }
    const infra = objects('infrastructure', 'values-prod.yaml');
    const pod = (kind: string, namespace: string, name: string): PodRef => {
      const found = infra.find((o) => o.kind === kind && o.metadata.namespace === namespace && o.metadata.name === name);
      if (!found) throw new Error(`${kind} ${namespace}/${name} was not rendered`);
      return podOf(found);
    };
    const redis = pod('StatefulSet', 'one-data-infra', 'redis');
    const mysql = pod('StatefulSet', 'one-data-infra', 'mysql');
    const minio = pod('StatefulSet', 'one-data-infra', 'minio');
    const etcd = pod('StatefulSet', 'one-data-infra', 'milvus-etcd');
    const keycloak = pod('Deployment', 'one-data-system', 'keycloak');
    const tenant: PodRef = { namespace: 'tenant-001', labels: { app: 'notebook' } };
    const prometheus: PodRef = { namespace: 'one-data-system', labels: { app: 'monitoring-prometheus' } };
    const ingressGateway: PodRef = { namespace: 'istio-system', labels: { istio: 'ingressgateway' } };
    const modelApi: PodRef = { namespace: 'one-data-model', labels: { app: 'model-api' } };
    const sentinel = { number: 26379, name: 'sentinel' };
    // the sentinels answer the platform and nobody else; etcd only Milvus' own namespace
    expect(ingressAllowed(infra, modelApi, redis, sentinel)).toBe(true);
    expect(ingressAllowed(infra, tenant, redis, sentinel)).toBe(false);
    expect(ingressAllowed(infra, tenant, mysql, { number: 3306, name: 'mysql' })).toBe(false);
    expect(ingressAllowed(infra, modelApi, etcd, { number: 2379, name: 'client' })).toBe(false);
    expect(ingressAllowed(infra, pod('StatefulSet', 'one-data-infra', 'milvus'), etcd, { number: 2379, name: 'client' })).toBe(true);
    // from one-data-system, Keycloak reaches its database; Prometheus gets metrics ports (MinIO serves them on the S3 port), not MySQL
    expect(ingressAllowed(infra, keycloak, mysql, { number: 3306, name: 'mysql' })).toBe(true);
    expect(ingressAllowed(infra, prometheus, minio, { number: 9000, name: 's3' })).toBe(true);
    expect(ingressAllowed(infra, prometheus, etcd, { number: 2381, name: 'metrics' })).toBe(true);
    expect(ingressAllowed(infra, prometheus, mysql, { number: 3306, name: 'mysql' })).toBe(false);
    // Keycloak: /auth through the Istio ingress gateway, the management port not
    expect(ingressAllowed(infra, ingressGateway, keycloak, { number: 8080, name: 'http' })).toBe(true);
    expect(ingressAllowed(infra, ingressGateway, keycloak, { number: 9000, name: 'management' })).toBe(false);

    // the check fails: a workload without a policy, a namespace missing, a rule open to every namespace
    const withoutRedisPolicy = await templateChart(binary, dir, 'infrastructure', 'values-prod.yaml', ['--set', 'redis.networkPolicy.enabled=false']);
    expect(checkInfrastructureNetworkPolicies(withoutRedisPolicy, withoutRedisPolicy)).toEqual(['StatefulSet one-data-infra/redis: no NetworkPolicy selects its pods']);
    const withoutModel = await templateChart(binary, dir, 'infrastructure', 'values-prod.yaml', ['--set', 'global.networkPolicy.allowedNamespaces={one-data-data,one-data-agent}']);
    const blocked = checkInfrastructureNetworkPolicies(objects('model-studio', 'values-prod.yaml'), withoutModel);
    expect(blocked).toContainEqual(expect.stringMatching(/^Deployment one-data-model\/model-api container api: DATABASE_URL .*blocks one-data-model from StatefulSet one-data-infra\/mysql port mysql$/));
    expect(blocked).toContainEqual(expect.stringMatching(/model-api container api: REDIS_SENTINELS redis-0\..*blocks one-data-model from StatefulSet one-data-infra\/redis port sentinel$/));
    const withoutKeycloakDb = await templateChart(binary, dir, 'infrastructure', 'values.yaml', ['--set', 'mysql.networkPolicy.allowedPods=null']);
    expect(checkInfrastructureNetworkPolicies(withoutKeycloakDb, withoutKeycloakDb)).toEqual([
      'Deployment one-data-system/keycloak container keycloak: KC_DB_URL_HOST mysql.one-data-infra.svc.cluster.local:3306: a NetworkPolicy blocks one-data-system from StatefulSet one-data-infra/mysql port mysql',
    ]);
    const openKafka = await templateChart(binary, dir, 'infrastructure', 'values.yaml', ['--set-json', 'kafka.networkPolicy.extraIngress=[{"from":[{"namespaceSelector":{}}],"ports":[{"port":9092}]}]']);
    expect(checkInfrastructureNetworkPolicies(openKafka, openKafka)).toEqual([expect.stringMatching(/^NetworkPolicy one-data-infra\/kafka ingress\[2\]: namespaceSelector \{\} allows every namespace$/)]);
  });

  it('records serving manifests only when api.servingControl.enabled=false: no Role, no API token', async () => {
    const all = await templateChart(binary, dir, 'model-studio', 'values.yaml', ['--set', 'api.servingControl.enabled=false']);
    expect(all.filter((o) => o.kind === 'Role').map((o) => o.metadata.name)).not.toContain('model-api-serving');
    expect(all.filter((o) => o.kind === 'NetworkPolicy').map((o) => o.metadata.name)).not.toContain('model-vllm-managed');
    const env = all.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'model-api-env')?.['data'] as Record<string, string> | undefined;
    expect(env).toMatchObject({ KUBERNETES_MODE: 'off', SERVING_NAMESPACE: 'one-data-model' });
    const api = all.find((o) => o.kind === 'Deployment' && o.metadata.name === 'model-api');
    expect(api && podSpec(api).automountServiceAccountToken).toBe(false);
    expect(validateObjects(all)).toEqual([]);
  });

  it('runs migrations as a pre-install/pre-upgrade hook and tests /ready with helm test', () => {
    const data = objects('data', 'values.yaml');
    const migrate = data.find((o) => o.kind === 'Job' && o.metadata.name === 'data-api-migrate')!;
    expect(migrate.metadata.annotations?.['helm.sh/hook']).toBe('pre-install,pre-upgrade');
    expect(podSpec(migrate).containers[0].command).toEqual(['node', 'migrate.js']);
    const tests = data.filter((o) => o.kind === 'Pod' && o.metadata.annotations?.['helm.sh/hook'] === 'test');
    expect(tests.map((t) => t.metadata.name).sort()).toEqual(['data-api-test-ready', 'data-etl-test-ready', 'data-frontend-test-ready', 'data-metadata-test-ready']);
    expect(JSON.stringify(podSpec(tests[0]!).containers[0].command)).toContain(':8080/ready');
    // in the umbrella MySQL comes with the same release: an ordinary Job per revision instead of a hook
    const umbrellaMigrate = objects('one-data', 'values.yaml').find((o) => o.kind === 'Job' && o.metadata.name === 'data-api-migrate-1')!;
    expect(umbrellaMigrate.metadata.annotations?.['helm.sh/hook']).toBeUndefined();
  });

  it('scales with an HPA 2–10 at 70 % CPU by default and configures the service contract', () => {
    const data = objects('data', 'values.yaml');
    const api = data.find((o) => o.kind === 'Deployment' && o.metadata.name === 'data-api')!;
    expect(minReplicas(data, api)).toBe(2);
    const hpa = data.find((o) => o.kind === 'HorizontalPodAutoscaler' && o.metadata.name === 'data-api')!;
    expect(hpa.spec).toMatchObject({ minReplicas: 2, maxReplicas: 10, metrics: [{ resource: { name: 'cpu', target: { averageUtilization: 70 } } }] });
    const env = data.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'data-api-env')!['data'] as Record<string, string>;
    expect(env).toMatchObject({ NODE_ENV: 'production', PORT: '8080', AUTH_MODE: 'jwks', SHUTDOWN_DELAY_MS: '5000', CREDENTIALS_ACTIVE_KEY_ID: 'k1' });
    expect(env['AUTH_JWKS_URL']).toMatch(/^http:\/\/keycloak\.one-data-system\.svc\.cluster\.local:8080\/auth\/realms\/one-data\//);
    const container = podSpec(api).containers[0];
    const envNames = container.env.map((e: { name: string }) => e.name);
    expect(envNames).toEqual(expect.arrayContaining(['DATABASE_URL', 'REDIS_URL', 'CREDENTIALS_KEYS']));
    expect(container.env.find((e: { name: string }) => e.name === 'DATABASE_URL').value).toBe(
      'mysql://$(DATABASE_USER):$(DATABASE_PASSWORD)@mysql.one-data-infra.svc.cluster.local:3306/data',
    );
    expect(podSpec(api).terminationGracePeriodSeconds).toBeGreaterThan(30);
  });

  it('rejects values that break the schema, with the offending key', async () => {
    await expect(templateChart(binary, dir, 'data', 'values.yaml', ['--set', 'api.replicas=3'])).rejects.toThrow(/replicas/);
    await expect(templateChart(binary, dir, 'data', 'values.yaml', ['--set', 'global.auth.mode=none'])).rejects.toThrow(/mode/);
    await expect(templateChart(binary, dir, 'data', 'values.yaml', ['--set', 'global.database.existingSecret='])).rejects.toThrow(/existingSecret is required/);
  });

  it('upgrades images with --set global.imageTag (seed §5.2)', async () => {
    const upgraded = await templateChart(binary, dir, 'data', 'values.yaml', ['--set', 'global.imageTag=v1.1.0']);
    const api = upgraded.find((o) => o.kind === 'Deployment' && o.metadata.name === 'data-api')!;
    expect(podSpec(api).containers[0].image).toBe('harbor.example.com/one-data/data-api:v1.1.0');
  });

  if (major === 4) {
    it('renders NOTES.txt', async () => {
      const { stdout } = await helm(binary, ['install', 'data', 'data', '--dry-run=client', '-n', 'one-data-data'], dir);
      expect(stdout).toContain('https://data.example.com/api -> data-api');
      expect(stdout).toContain('data-api-credentials-keys');
      expect(helmEnv().KUBECONFIG).toMatch(/no-kubeconfig$/);
    });
  }
});
