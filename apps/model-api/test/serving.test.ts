import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Deployment } from 'kubernetes-models/apps/v1';
import { Service } from 'kubernetes-models/v1';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  KubernetesManifestApplier,
  createManifestApplier,
  describeKubernetesError,
  listServedPools,
  renderServingManifests,
  servingResourceName,
  type KubernetesManifest,
  type KubernetesObjectClient,
  type ServedVersion,
  type ServingSpec,
} from '../src/serving/index.js';
import { startRegistryHarness, type RecordingManifestApplier, type RegistryHarness } from './registry-harness.js';

// @kubernetes/client-node 2 loads only on Node >= 22.19 (its undici 8 needs newer zlib and webidl APIs):
// the test against an API server runs where it loads (the images run Node 24).
const [nodeMajor = 0, nodeMinor = 0] = process.versions.node.split('.').map(Number);
const clientNode = nodeMajor > 22 || (nodeMajor === 22 && nodeMinor >= 19) ? await import('@kubernetes/client-node') : null;

type Headers = { authorization: string };
type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

const RENDER_CONFIG = {
  SERVING_NAMESPACE: 'one-data-model',
  ARTIFACTS_S3_ENDPOINT: 'http://minio.one-data-infra.svc.cluster.local:9000',
  ARTIFACTS_S3_REGION: 'us-east-1',
};

const SPEC: ServingSpec = {
  id: 'sdep_1',
  tenantId: 'tenant-a',
  servedName: 'qwen-14b-chat',
  replicas: 2,
  tensorParallelSize: 2,
  gpu: { count: 2, resourceName: 'nvidia.com/gpu', product: 'NVIDIA-A100-SXM4-80GB' },
  image: 'vllm/vllm-openai:v0.6.6',
  args: ['--max-model-len', '8192'],
};
const VERSION: ServedVersion = {
  id: 'mver_1',
  modelId: 'mdl_1',
  version: '3',
  artifactUri: 's3://models/tenant-a/mdl_1/3/',
  sizeBytes: 30 * 1024 ** 3,
};

/** kubernetes-models checks each object against the Kubernetes OpenAPI schema; throws on the first problem. */
const validate = (manifests: readonly unknown[]): void => {
  for (const manifest of manifests) {
    const object = manifest as KubernetesManifest;
    if (object.kind === 'Deployment') new Deployment(object as never).validate();
    else if (object.kind === 'Service') new Service(object as never).validate();
    else throw new Error(`unexpected kind ${object.kind}`);
  }
};

describe('renderServingManifests', () => {
  it('renders a vLLM Deployment and a headless Service that kubernetes-models accepts', () => {
    const manifests = renderServingManifests(SPEC, VERSION, RENDER_CONFIG);
    validate(manifests);
    const [deployment, service] = manifests;
    const labels = {
      'app.kubernetes.io/name': 'vllm',
      'one-data.io/served-model': 'qwen-14b-chat',
    };
    expect(deployment.metadata).toMatchObject({ name: 'vllm-qwen-14b-chat', namespace: 'one-data-model', labels });
    expect(deployment.metadata?.annotations).toMatchObject({
      'one-data.io/deployment-id': 'sdep_1',
      'one-data.io/tenant-id': 'tenant-a',
      'one-data.io/model-version-id': 'mver_1',
    });
    expect(deployment.spec?.replicas).toBe(2);
    expect(deployment.spec?.selector.matchLabels).toMatchObject(labels);
    expect(deployment.spec?.template.metadata?.labels).toMatchObject(deployment.spec?.selector.matchLabels ?? {});

    const pod = deployment.spec?.template.spec;
    const vllm = pod?.containers[0];
    expect(vllm?.image).toBe('vllm/vllm-openai:v0.6.6');
    expect(vllm?.args).toEqual([
      '--model',
      '/models/qwen-14b-chat',
      '--served-model-name',
      'qwen-14b-chat',
      '--tensor-parallel-size',
      '2',
      '--host',
      '0.0.0.0',
      '--port',
      '8000',
      '--max-model-len',
      '8192',
    ]);
    expect(vllm?.ports).toEqual([{ name: 'http', containerPort: 8000, protocol: 'TCP' }]);
    for (const probe of [vllm?.readinessProbe, vllm?.livenessProbe, vllm?.startupProbe]) {
      expect(probe?.httpGet).toEqual({ path: '/health', port: 'http' });
    }
    expect(vllm?.resources).toEqual({ requests: { 'nvidia.com/gpu': '2' }, limits: { 'nvidia.com/gpu': '2' } });
    expect(pod?.nodeSelector).toEqual({ 'nvidia.com/gpu.product': 'NVIDIA-A100-SXM4-80GB' });
    expect(pod?.tolerations).toEqual([{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }]);

    // The init container mirrors the artifact prefix into the model-cache volume vLLM reads
    const fetch = pod?.initContainers?.[0];
    expect(fetch?.command).toEqual(['mc', 'mirror', '--overwrite', '--remove', 'src/models/tenant-a/mdl_1/3/', '/models/qwen-14b-chat/']);
    expect(fetch?.env).toContainEqual({
      name: 'MC_HOST_src',
      value: 'http://$(S3_ACCESS_KEY):$(S3_SECRET_KEY)@minio.one-data-infra.svc.cluster.local:9000',
    });
    expect(fetch?.volumeMounts).toContainEqual({ name: 'model-cache', mountPath: '/models' });
    expect(vllm?.volumeMounts).toContainEqual({ name: 'model-cache', mountPath: '/models', readOnly: true });
    expect(pod?.volumes).toContainEqual({ name: 'model-cache', emptyDir: { sizeLimit: '38Gi' } });

    expect(service.metadata).toMatchObject({ name: 'vllm-qwen-14b-chat', namespace: 'one-data-model', labels });
    expect(service.spec).toMatchObject({
      clusterIP: 'None',
      selector: deployment.spec?.selector.matchLabels,
      ports: [{ name: 'http', port: 8000, targetPort: 'http', protocol: 'TCP' }],
    });
  });

  it('is pure, and valid across shapes: no product, other GPU resources, AWS S3, odd served names', () => {
    expect(renderServingManifests(SPEC, VERSION, RENDER_CONFIG)).toEqual(renderServingManifests(SPEC, VERSION, RENDER_CONFIG));
    const variants: Array<[Partial<ServingSpec>, Partial<ServedVersion>, Partial<typeof RENDER_CONFIG>]> = [
      [{ gpu: { count: 1, resourceName: 'nvidia.com/gpu' }, tensorParallelSize: 1, replicas: 0, args: [] }, { sizeBytes: null }, {}],
      [{ gpu: { count: 8, resourceName: 'amd.com/gpu' }, tensorParallelSize: 8 }, {}, { ARTIFACTS_S3_ENDPOINT: undefined as never }],
      [{ servedName: 'Qwen2.5-72B_Instruct' }, {}, {}],
      [{ servedName: `a${'b'.repeat(61)}c` }, {}, { SERVING_NAMESPACE: 'x' }],
    ];
    for (const [spec, version, config] of variants) {
      const manifests = renderServingManifests({ ...SPEC, ...spec }, { ...VERSION, ...version }, { ...RENDER_CONFIG, ...config });
      validate(manifests);
      const name = manifests[0].metadata?.name ?? '';
      expect(name).toMatch(/^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/);
      expect(manifests[1].metadata?.name).toBe(name);
    }
    const aws = renderServingManifests(SPEC, VERSION, { ...RENDER_CONFIG, ARTIFACTS_S3_ENDPOINT: undefined as never });
    expect(aws[0].spec?.template.spec?.initContainers?.[0]?.env).toContainEqual({
      name: 'MC_HOST_src',
      value: 'https://$(S3_ACCESS_KEY):$(S3_SECRET_KEY)@s3.us-east-1.amazonaws.com',
    });
  });

  it('names objects after the served name, hashing names that are not DNS labels so none collide', () => {
    expect(servingResourceName('qwen-14b-chat')).toBe('vllm-qwen-14b-chat');
    const upper = servingResourceName('Qwen-14B');
    const lower = servingResourceName('qwen-14b');
    expect(lower).toBe('vllm-qwen-14b');
    expect(upper).toMatch(/^vllm-qwen-14b-[0-9a-f]{8}$/);
    expect(servingResourceName('a.b')).not.toBe(servingResourceName('a_b'));
    expect(servingResourceName('x'.repeat(63)).length).toBeLessThanOrEqual(63);
  });
});

describe('KubernetesManifestApplier', () => {
  const manifests = renderServingManifests(SPEC, VERSION, RENDER_CONFIG) as unknown as KubernetesManifest[];

  it('server-side applies each object as field manager model-api, and deletes Service first, ignoring 404', async () => {
    const calls: unknown[][] = [];
    const notFound = Object.assign(new Error('HTTP-Code: 404'), { code: 404, body: '{"kind":"Status","message":"not found"}' });
    const client = {
      patch: async (...args: unknown[]) => {
        calls.push(['patch', ...args]);
        return args[0];
      },
      delete: async (...args: unknown[]) => {
        calls.push(['delete', ...args]);
        if ((args[0] as KubernetesManifest).kind === 'Deployment') throw notFound;
        return {};
      },
    } as unknown as KubernetesObjectClient;
    const applier = new KubernetesManifestApplier(client);
    await applier.apply(manifests);
    await applier.delete(manifests);
    expect(calls.map((call) => [call[0], (call[1] as KubernetesManifest).kind])).toEqual([
      ['patch', 'Deployment'],
      ['patch', 'Service'],
      ['delete', 'Service'],
      ['delete', 'Deployment'],
    ]);
    expect(calls[0]?.slice(2)).toEqual([undefined, undefined, 'model-api', true, 'application/apply-patch+yaml']);
    expect(calls[2]?.slice(2)).toEqual([undefined, undefined, undefined, undefined, 'Background']);
  });

  it('passes other API errors on, described from the Status body', async () => {
    const forbidden = Object.assign(new Error('HTTP-Code: 403'), {
      code: 403,
      body: { kind: 'Status', message: 'deployments.apps is forbidden: User "system:serviceaccount:x:y" cannot patch' },
    });
    const client = {
      patch: async () => Promise.reject(forbidden),
      delete: async () => Promise.reject(forbidden),
    } as unknown as KubernetesObjectClient;
    const applier = new KubernetesManifestApplier(client);
    await expect(applier.apply(manifests)).rejects.toBe(forbidden);
    await expect(applier.delete(manifests)).rejects.toBe(forbidden);
    expect(describeKubernetesError(forbidden)).toBe(
      'Kubernetes API answered 403: deployments.apps is forbidden: User "system:serviceaccount:x:y" cannot patch',
    );
    expect(describeKubernetesError(new Error('connect ECONNREFUSED'))).toBe('connect ECONNREFUSED');
  });

  it('is not created when KUBERNETES_MODE=off', async () => {
    expect(await createManifestApplier({ KUBERNETES_MODE: 'off' })).toBeNull();
  });

  it.skipIf(clientNode === null)('speaks server-side apply to a Kubernetes API server over HTTP', async () => {
    if (clientNode === null) return;
    const requests: Array<{ method?: string; url?: string; contentType?: string; body: string }> = [];
    const resources: Record<string, unknown> = {
      '/api/v1': { kind: 'APIResourceList', groupVersion: 'v1', resources: [{ name: 'services', singularName: 'service', namespaced: true, kind: 'Service', verbs: ['patch', 'delete'] }] },
      '/apis/apps/v1': { kind: 'APIResourceList', groupVersion: 'apps/v1', resources: [{ name: 'deployments', singularName: 'deployment', namespaced: true, kind: 'Deployment', verbs: ['patch', 'delete'] }] },
    };
    const read = async (request: IncomingMessage) => {
      let body = '';
      for await (const chunk of request) body += String(chunk);
      return body;
    };
    const server = createServer(async (request, response) => {
      const body = await read(request);
      requests.push({ method: request.method, url: request.url, contentType: request.headers['content-type'], body });
      response.setHeader('content-type', 'application/json');
      const list = request.url ? resources[request.url] : undefined;
      if (list) return response.end(JSON.stringify(list));
      if (request.method === 'DELETE') {
        response.statusCode = 404;
        return response.end(JSON.stringify({ kind: 'Status', code: 404, message: 'not found' }));
      }
      return response.end(body);
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    try {
      const kubeConfig = new clientNode.KubeConfig();
      kubeConfig.loadFromOptions({
        clusters: [{ name: 'test', server: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }],
        users: [{ name: 'test', token: 'token' }],
        contexts: [{ name: 'test', cluster: 'test', user: 'test' }],
        currentContext: 'test',
      });
      const applier = new KubernetesManifestApplier(clientNode.KubernetesObjectApi.makeApiClient(kubeConfig));
      await applier.apply(manifests);
      await applier.delete(manifests);
      const writes = requests.filter((request) => request.method !== 'GET');
      expect(writes.map((request) => `${request.method} ${request.url?.split('?')[0]}`)).toEqual([
        'PATCH /apis/apps/v1/namespaces/one-data-model/deployments/vllm-qwen-14b-chat',
        'PATCH /api/v1/namespaces/one-data-model/services/vllm-qwen-14b-chat',
        'DELETE /api/v1/namespaces/one-data-model/services/vllm-qwen-14b-chat',
        'DELETE /apis/apps/v1/namespaces/one-data-model/deployments/vllm-qwen-14b-chat',
      ]);
      expect(writes[0]?.contentType).toBe('application/apply-patch+yaml');
      expect(writes[0]?.url).toContain('fieldManager=model-api');
      expect(writes[0]?.url).toContain('force=true');
      expect(JSON.parse(writes[0]?.body ?? '{}').spec.template.spec.containers[0].name).toBe('vllm');
    } finally {
      server.close();
    }
  });
});

describe('serving deployments API', () => {
  let h: RegistryHarness;
  let applier: RecordingManifestApplier;
  let viewer: Headers;
  let dev: Headers;
  let admin: Headers;
  let otherTenant: Headers;
  let modelId: string;
  let v1: string;
  let v2: string;

  const inject = (method: Method, url: string, headers: Headers, payload?: unknown) =>
    h.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) });

  const deploy = async (payload: Record<string, unknown>, headers = dev) => {
    const response = await inject('POST', '/api/v1/deployments', headers, payload);
    expect(response.statusCode, response.body).toBe(201);
    return response.json();
  };

  beforeAll(async () => {
    h = await startRegistryHarness();
    applier = h.applier as RecordingManifestApplier;
    viewer = await h.as('tenant-a', 'viewer');
    dev = await h.as('tenant-a', 'developer');
    admin = await h.as('tenant-a', 'admin');
    otherTenant = await h.as('tenant-b', 'admin');
    modelId = (await inject('POST', '/api/v1/models', dev, { name: 'qwen', task: 'chat' })).json().id;
    v1 = (await inject('POST', `/api/v1/models/${modelId}/versions`, dev, { version: '1', sizeBytes: 8 * 1024 ** 3 })).json().id;
    v2 = (await inject('POST', `/api/v1/models/${modelId}/versions`, dev, { version: '2' })).json().id;
  });

  afterAll(async () => {
    await h?.close();
  });

  it('creates a deployment: renders, validates and applies the manifests, and reports them', async () => {
    const before = applier.calls.length;
    const deployment = await deploy({
      servedName: 'qwen-chat',
      modelVersionId: v1,
      tensorParallelSize: 2,
      args: ['--max-model-len', '8192'],
      routing: 'session',
      fallbackModel: 'qwen-chat-small',
    });
    expect(deployment).toMatchObject({
      servedName: 'qwen-chat',
      modelVersionId: v1,
      replicas: 1,
      tensorParallelSize: 2,
      gpu: { count: 2, resourceName: 'nvidia.com/gpu' },
      image: h.config.VLLM_IMAGE,
      routing: 'session',
      fallbackModel: 'qwen-chat-small',
      status: 'applied',
      lastError: null,
      dns: 'vllm-qwen-chat.serving-test.svc.cluster.local:8000',
    });
    expect(deployment.id).toMatch(/^sdep_/);
    validate(deployment.manifests);
    expect(deployment.manifests.map((manifest: KubernetesManifest) => manifest.kind)).toEqual(['Deployment', 'Service']);

    expect(applier.calls.slice(before)).toEqual([{ operation: 'apply', manifests: deployment.manifests }]);
    const [rendered] = deployment.manifests;
    expect(rendered.spec.template.spec.initContainers[0].command).toContain(`src/models/tenant-a/${modelId}/1/`);
    expect(rendered.spec.template.spec.containers[0].args).toContain('--max-model-len');

    const got = await inject('GET', `/api/v1/deployments/${deployment.id}`, viewer);
    expect(got.json()).toEqual(deployment);
  });

  it('answers 400 with field paths for bad input, writing and applying nothing', async () => {
    const before = applier.calls.length;
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ servedName: 'meta-llama/Llama-3', modelVersionId: v1 }, '/body/servedName'],
      [{ servedName: 'ok-name', modelVersionId: 'mver_missing' }, '/body/modelVersionId'],
      [{ servedName: 'ok-name', modelVersionId: v1, tensorParallelSize: 4, gpu: { count: 2 } }, '/body/gpu/count'],
      [{ servedName: 'ok-name', modelVersionId: v1, args: ['--dtype', 'half', '--port=9000'] }, '/body/args/2'],
      [{ servedName: 'ok-name', modelVersionId: v1, args: ['--served-model-name', 'other'] }, '/body/args/0'],
      [{ servedName: 'ok-name', modelVersionId: v1, routing: 'round-robin' }, '/body/routing'],
      [{ servedName: 'ok-name', modelVersionId: v1, replicas: -1 }, '/body/replicas'],
      [{ servedName: 'ok-name', modelVersionId: v1, gpu: { resourceName: 'gpu' } }, '/body/gpu/resourceName'],
      [{ servedName: 'ok-name', modelVersionId: v1, fallbackModel: 'ok-name' }, '/body/fallbackModel'],
      [{ servedName: 'ok-name', modelVersionId: v1, image: 'vllm image' }, '/body/image'],
      [{ servedName: 'ok-name', modelVersionId: v1, namespace: 'kube-system' }, '/body/namespace'],
    ];
    for (const [body, path] of cases) {
      const response = await inject('POST', '/api/v1/deployments', dev, body);
      expect(response.statusCode, JSON.stringify(body)).toBe(400);
      expect(response.json().errors.map((error: { path: string }) => error.path), JSON.stringify(body)).toContain(path);
    }
    expect(applier.calls.length).toBe(before);
    expect((await inject('GET', '/api/v1/deployments?q=ok-name', viewer)).json().items).toEqual([]);
  });

  it('keeps served names unique across tenants (409 name_taken)', async () => {
    await deploy({ servedName: 'taken-name', modelVersionId: v1 });
    const again = await inject('POST', '/api/v1/deployments', dev, { servedName: 'taken-name', modelVersionId: v2 });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('name_taken');
    const otherModel = (await inject('POST', '/api/v1/models', otherTenant, { name: 'b-model', task: 'chat' })).json();
    const otherVersion = (await inject('POST', `/api/v1/models/${otherModel.id}/versions`, otherTenant, { version: '1' })).json();
    const elsewhere = await inject('POST', '/api/v1/deployments', otherTenant, { servedName: 'taken-name', modelVersionId: otherVersion.id });
    expect(elsewhere.statusCode).toBe(409);
    // B cannot serve A's version either
    const foreign = await inject('POST', '/api/v1/deployments', otherTenant, { servedName: 'b-serves-a', modelVersionId: v1 });
    expect(foreign.statusCode).toBe(400);
    expect(foreign.json().errors[0].path).toBe('/body/modelVersionId');
  });

  it('re-renders and re-applies on change; the served name stays fixed', async () => {
    const deployment = await deploy({ servedName: 'rolling', modelVersionId: v1 });
    const before = applier.calls.length;
    const changed = await inject('PATCH', `/api/v1/deployments/${deployment.id}`, dev, {
      modelVersionId: v2,
      replicas: 3,
      tensorParallelSize: 4,
      gpu: { product: 'NVIDIA-H100-80GB-HBM3' },
      image: 'registry.example.com/vllm/vllm-openai:v0.7.0',
      fallbackModel: null,
      routing: 'prefix',
    });
    expect(changed.statusCode, changed.body).toBe(200);
    const updated = changed.json();
    expect(updated).toMatchObject({
      modelVersionId: v2,
      replicas: 3,
      tensorParallelSize: 4,
      gpu: { count: 4, resourceName: 'nvidia.com/gpu', product: 'NVIDIA-H100-80GB-HBM3' },
      image: 'registry.example.com/vllm/vllm-openai:v0.7.0',
      routing: 'prefix',
      fallbackModel: null,
      status: 'applied',
    });
    validate(updated.manifests);
    const pod = updated.manifests[0].spec.template.spec;
    expect(pod.initContainers[0].command).toContain(`src/models/tenant-a/${modelId}/2/`);
    expect(pod.containers[0].resources.limits).toEqual({ 'nvidia.com/gpu': '4' });
    expect(pod.nodeSelector).toEqual({ 'nvidia.com/gpu.product': 'NVIDIA-H100-80GB-HBM3' });
    expect(applier.calls.slice(before)).toEqual([{ operation: 'apply', manifests: updated.manifests }]);

    const rename = await inject('PATCH', `/api/v1/deployments/${deployment.id}`, dev, { servedName: 'renamed' });
    expect(rename.statusCode).toBe(400);
    const fewerGpus = await inject('PATCH', `/api/v1/deployments/${deployment.id}`, dev, { gpu: { count: 2 } });
    expect(fewerGpus.statusCode).toBe(400);
    expect(fewerGpus.json().errors[0].path).toBe('/body/gpu/count');
  });

  it('records a refused apply as failed with the reason, and applies again on request', async () => {
    applier.failNext(Object.assign(new Error('HTTP-Code: 422'), { code: 422, body: { message: 'Deployment.apps is invalid' } }));
    const deployment = await deploy({ servedName: 'flaky', modelVersionId: v1 });
    expect(deployment).toMatchObject({ status: 'failed', lastError: 'Kubernetes API answered 422: Deployment.apps is invalid' });
    const failed = (await inject('GET', '/api/v1/deployments?status=failed', viewer)).json();
    expect(failed.items.map((item: { servedName: string }) => item.servedName)).toEqual(['flaky']);

    const retried = await inject('POST', `/api/v1/deployments/${deployment.id}/apply`, dev);
    expect(retried.statusCode).toBe(200);
    expect(retried.json()).toMatchObject({ status: 'applied', lastError: null });
  });

  it('deletes the Kubernetes objects and then the record; a refused delete keeps the record (502)', async () => {
    const deployment = await deploy({ servedName: 'short-lived', modelVersionId: v1 });
    applier.failNext(new Error('connect ECONNREFUSED 10.0.0.1:443'));
    const refused = await inject('DELETE', `/api/v1/deployments/${deployment.id}`, admin);
    expect(refused.statusCode).toBe(502);
    expect(refused.json().code).toBe('kubernetes_delete_failed');
    expect((await inject('GET', `/api/v1/deployments/${deployment.id}`, viewer)).json()).toMatchObject({
      status: 'failed',
      lastError: 'connect ECONNREFUSED 10.0.0.1:443',
    });

    const before = applier.calls.length;
    expect((await inject('DELETE', `/api/v1/deployments/${deployment.id}`, admin)).statusCode).toBe(204);
    expect(applier.calls.slice(before)).toEqual([{ operation: 'delete', manifests: deployment.manifests }]);
    expect((await inject('GET', `/api/v1/deployments/${deployment.id}`, viewer)).statusCode).toBe(404);
  });

  it('lists, filters and paginates deployments', async () => {
    const names = async (query: string) =>
      (await inject('GET', `/api/v1/deployments?${query}`, viewer)).json().items.map((item: { servedName: string }) => item.servedName);
    expect(await names(`modelVersionId=${v2}`)).toEqual(['rolling']);
    expect(await names('q=qwen')).toEqual(['qwen-chat']);
    const first = (await inject('GET', '/api/v1/deployments?limit=2', viewer)).json();
    expect(first.items).toHaveLength(2);
    const second = (await inject('GET', `/api/v1/deployments?limit=2&cursor=${first.nextCursor}`, viewer)).json();
    expect([...first.items, ...second.items].map((item: { servedName: string }) => item.servedName)).toEqual(await names('limit=200'));
  });

  it('refuses to delete a model version that is served (409 version_in_use)', async () => {
    const response = await inject('DELETE', `/api/v1/models/${modelId}/versions/${v1}`, admin);
    expect(response.statusCode).toBe(409);
    expect(response.json().code).toBe('version_in_use');
  });

  it('lists every tenant’s deployments as gateway pools', async () => {
    const pools = await listServedPools(h.db);
    const byName = Object.fromEntries(pools.map((pool) => [pool.servedName, pool]));
    expect(byName['qwen-chat']).toEqual({
      servedName: 'qwen-chat',
      tenantId: 'tenant-a',
      dns: 'vllm-qwen-chat.serving-test.svc.cluster.local:8000',
      routing: 'session',
      fallbackModel: 'qwen-chat-small',
      status: 'applied',
    });
    expect(byName['rolling']).toMatchObject({ routing: 'prefix', fallbackModel: null });
    expect(byName['short-lived']).toBeUndefined();

    const otherModel = (await inject('GET', '/api/v1/models', otherTenant)).json().items[0];
    const otherVersion = (await inject('GET', `/api/v1/models/${otherModel.id}/versions`, otherTenant)).json().items[0];
    await deploy({ servedName: 'b-model-chat', modelVersionId: otherVersion.id }, otherTenant);
    expect((await listServedPools(h.db)).find((pool) => pool.servedName === 'b-model-chat')).toMatchObject({ tenantId: 'tenant-b' });
  });

  it("keeps tenant B away from tenant A's deployments (404 everywhere)", async () => {
    const deployment = await deploy({ servedName: 'private-a', modelVersionId: v1 });
    const before = applier.calls.length;
    const attempts: Array<[Method, string, unknown?]> = [
      ['GET', `/api/v1/deployments/${deployment.id}`],
      ['PATCH', `/api/v1/deployments/${deployment.id}`, { replicas: 0 }],
      ['POST', `/api/v1/deployments/${deployment.id}/apply`],
      ['DELETE', `/api/v1/deployments/${deployment.id}`],
    ];
    for (const [method, url, payload] of attempts) {
      const response = await inject(method, url, otherTenant, payload);
      expect(response.statusCode, `${method} ${url}`).toBe(404);
    }
    expect(applier.calls.length).toBe(before);
    const listed = (await inject('GET', '/api/v1/deployments?limit=200', otherTenant)).json().items;
    expect(listed.map((item: { servedName: string }) => item.servedName)).toEqual(['b-model-chat']);
    expect((await inject('GET', `/api/v1/deployments/${deployment.id}`, viewer)).json().replicas).toBe(1);
  });

  it('enforces roles: viewer reads, developer creates/changes/applies, admin deletes', async () => {
    const deployment = await deploy({ servedName: 'roles-check', modelVersionId: v1 });
    const denied: Array<[Headers, Method, string, unknown?]> = [
      [viewer, 'POST', '/api/v1/deployments', { servedName: 'viewer-made', modelVersionId: v1 }],
      [viewer, 'PATCH', `/api/v1/deployments/${deployment.id}`, { replicas: 2 }],
      [viewer, 'POST', `/api/v1/deployments/${deployment.id}/apply`],
      [dev, 'DELETE', `/api/v1/deployments/${deployment.id}`],
    ];
    for (const [headers, method, url, payload] of denied) {
      const response = await inject(method, url, headers, payload);
      expect(response.statusCode, `${method} ${url}`).toBe(403);
    }
    expect((await inject('GET', `/api/v1/deployments/${deployment.id}`, viewer)).json().replicas).toBe(1);
    expect((await h.app.inject({ method: 'GET', url: '/api/v1/deployments' })).statusCode).toBe(401);
  });
});

describe('serving deployments with KUBERNETES_MODE=off', () => {
  let h: RegistryHarness;
  let dev: Headers;
  let admin: Headers;

  beforeAll(async () => {
    h = await startRegistryHarness({ kubernetes: false });
    dev = await h.as('tenant-a', 'developer');
    admin = await h.as('tenant-a', 'admin');
  });

  afterAll(async () => {
    await h?.close();
  });

  it('records the rendered manifests without applying them, and deletes only the record', async () => {
    expect(h.applier).toBeNull();
    const model = (await h.app.inject({ method: 'POST', url: '/api/v1/models', headers: dev, payload: { name: 'm', task: 'embedding' } })).json();
    const version = (
      await h.app.inject({ method: 'POST', url: `/api/v1/models/${model.id}/versions`, headers: dev, payload: { version: '1' } })
    ).json();
    const created = await h.app.inject({
      method: 'POST',
      url: '/api/v1/deployments',
      headers: dev,
      payload: { servedName: 'bge-m3', modelVersionId: version.id },
    });
    expect(created.statusCode).toBe(201);
    const deployment = created.json();
    expect(deployment).toMatchObject({ status: 'recorded', lastError: null });
    validate(deployment.manifests);

    const apply = await h.app.inject({ method: 'POST', url: `/api/v1/deployments/${deployment.id}/apply`, headers: dev });
    expect(apply.statusCode).toBe(409);
    expect(apply.json().code).toBe('kubernetes_disabled');
    expect(await listServedPools(h.db)).toEqual([
      expect.objectContaining({ servedName: 'bge-m3', status: 'recorded', dns: 'vllm-bge-m3.serving-test.svc.cluster.local:8000' }),
    ]);
    const removed = await h.app.inject({ method: 'DELETE', url: `/api/v1/deployments/${deployment.id}`, headers: admin });
    expect(removed.statusCode).toBe(204);
    expect(await listServedPools(h.db)).toEqual([]);
  });
});
