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
import { ensureHelm, helmEnv, type HelmMajor } from '../src/helm.js';
import { chartsRoot } from '../src/params.js';
import {
  checkAntiAffinity,
  checkImages,
  checkNamespaces,
  checkPdbs,
  checkProbes,
  checkResources,
  checkSecurityContext,
  checkSeedReplicas,
  checkServiceMonitors,
  checkVirtualServices,
  minReplicas,
  podSpec,
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

    it('pulls every image from global.imageRegistry or an allowed upstream registry', () => {
      expect(checkImages(objects(chart, values), REGISTRY)).toEqual([]);
    });

    if (values === 'values-prod.yaml') {
      it('runs at least the seed §6.1 minimum replicas', () => {
        expect(checkSeedReplicas(objects(chart, values))).toEqual([]);
      });
    }
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
