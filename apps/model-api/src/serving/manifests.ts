import { createHash } from 'node:crypto';
// Types only: the shapes kubernetes-models validates against, erased from the build.
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IPodSecurityContext } from 'kubernetes-models/v1/PodSecurityContext';
import type { ISecurityContext } from 'kubernetes-models/v1/SecurityContext';
import type { IService } from 'kubernetes-models/v1/Service';
import type { ModelApiConfig } from '../config.js';
import type { GpuResources } from '../db/schema.js';

/** The port vLLM's OpenAI-compatible server listens on, as in the chart (serving.vllm.service.port). */
export const VLLM_PORT = 8000;
/** Where the init container mirrors the artifacts and vLLM loads them from. */
export const MODEL_CACHE_PATH = '/models';
/** MinIO client that mirrors the version's files from S3, the image the chart's fetch-model step uses. */
export const FETCH_IMAGE = 'quay.io/minio/mc:RELEASE.2025-04-16T18-13-26Z';
/** Secret in the serving namespace with the S3 keys for the fetch step (chart: serving.fetch.existingSecret). */
export const FETCH_SECRET = { name: 'model-s3-credentials', accessKeyKey: 'access-key', secretKeyKey: 'secret-key' } as const;
export const CLUSTER_DOMAIN = 'cluster.local';

/** What a serving deployment asks for: a row of `serving_deployments` carries all of it. */
export interface ServingSpec {
  id: string;
  tenantId: string;
  servedName: string;
  replicas: number;
  tensorParallelSize: number;
  gpu: GpuResources;
  image: string;
  args: string[];
}

/** The served model version: where its files are. */
export interface ServedVersion {
  id: string;
  modelId: string;
  version: string;
  /** `s3://<bucket>/<prefix>/` */
  artifactUri: string;
  sizeBytes: number | null;
}

export type ServingRenderConfig = Pick<ModelApiConfig, 'SERVING_NAMESPACE' | 'ARTIFACTS_S3_ENDPOINT' | 'ARTIFACTS_S3_REGION'>;

export type ServingManifests = [deployment: IDeployment, service: IService];

/** Any rendered object, as stored and as handed to the applier. */
export interface KubernetesManifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [key: string]: unknown };
  [key: string]: unknown;
}

/** Vendor-reserved flags model-api sets itself; extra args must not repeat them. */
export const RESERVED_VLLM_FLAGS = ['--model', '--served-model-name', '--tensor-parallel-size', '--host', '--port'] as const;

/**
 * Name of a served model's Deployment and headless Service: `vllm-<served name>` when that is a valid
 * DNS label as is; otherwise lower-cased, cleaned and suffixed with a hash of the served name, so two
 * served names never share objects.
 */
export function servingResourceName(servedName: string): string {
  const slug = servedName
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '');
  const plain = `vllm-${slug}`;
  if (slug === servedName && plain.length <= 63) return plain;
  const hash = createHash('sha256').update(servedName).digest('hex').slice(0, 8);
  return `${plain.slice(0, 63 - hash.length - 1).replace(/-+$/, '')}-${hash}`;
}

/** `<service>.<namespace>.svc.cluster.local:8000`: every ready vLLM pod of the served model. */
export const serviceDns = (name: string, namespace: string): string =>
  `${name}.${namespace}.svc.${CLUSTER_DOMAIN}:${VLLM_PORT}`;

/** The headless Service's address from stored manifests (what was applied, whatever the config is now). */
export function dnsFromManifests(manifests: readonly Record<string, unknown>[]): string | undefined {
  const service = manifests.find((manifest) => manifest['kind'] === 'Service') as KubernetesManifest | undefined;
  if (!service?.metadata.namespace) return undefined;
  return serviceDns(service.metadata.name, service.metadata.namespace);
}

/** `s3://bucket/a/b/` → { bucket, prefix: 'a/b' } */
export function parseS3Uri(uri: string): { bucket: string; prefix: string } {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!match?.[1]) throw new Error(`not an s3:// URI: ${uri}`);
  return { bucket: match[1], prefix: (match[2] ?? '').replace(/\/+$/, '') };
}

const GIB = 1024 ** 3;

/** Room for the weights plus a quarter; 100Gi when the size is unknown. */
export function modelCacheSize(sizeBytes: number | null): string {
  if (sizeBytes === null || sizeBytes <= 0) return '100Gi';
  return `${Math.max(10, Math.ceil((sizeBytes * 1.25) / GIB))}Gi`;
}

/** The S3 endpoint the fetch step reaches: the configured MinIO, or AWS S3 in the configured region. */
const fetchEndpoint = (config: ServingRenderConfig): URL =>
  new URL(config.ARTIFACTS_S3_ENDPOINT ?? `https://s3.${config.ARTIFACTS_S3_REGION}.amazonaws.com`);

/** The chart's restricted security contexts (common.securityContext.pod / .container). */
const POD_SECURITY_CONTEXT: IPodSecurityContext = {
  runAsNonRoot: true,
  runAsUser: 1000,
  runAsGroup: 1000,
  fsGroup: 1000,
  fsGroupChangePolicy: 'OnRootMismatch',
  seccompProfile: { type: 'RuntimeDefault' },
};
const CONTAINER_SECURITY_CONTEXT: ISecurityContext = {
  runAsNonRoot: true,
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  privileged: false,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};

/**
 * The vLLM Deployment and its headless Service for one serving deployment — the shape of the chart's
 * templates/serving/vllm-{deployments,services}.yaml: an init container mirrors the version's files from
 * S3 into the model-cache volume, vLLM serves them on port 8000 with `/health` probes, and the headless
 * Service lets the gateway resolve every ready pod. Pure: same input, same objects.
 */
export function renderServingManifests(
  deployment: ServingSpec,
  version: ServedVersion,
  config: ServingRenderConfig,
): ServingManifests {
  const name = servingResourceName(deployment.servedName);
  const namespace = config.SERVING_NAMESPACE;
  const selector = {
    'app.kubernetes.io/name': 'vllm',
    'app.kubernetes.io/instance': name,
    'one-data.io/served-model': deployment.servedName,
  };
  const labels = {
    app: name,
    ...selector,
    'app.kubernetes.io/component': 'serving',
    'app.kubernetes.io/part-of': 'one-data',
    'app.kubernetes.io/managed-by': 'model-api',
  };
  const annotations = {
    'one-data.io/deployment-id': deployment.id,
    'one-data.io/tenant-id': deployment.tenantId,
    'one-data.io/model-id': version.modelId,
    'one-data.io/model-version-id': version.id,
    'one-data.io/model-version': version.version,
    'one-data.io/artifact-uri': version.artifactUri,
  };
  const modelPath = `${MODEL_CACHE_PATH}/${deployment.servedName}`;
  const source = parseS3Uri(version.artifactUri);
  const endpoint = fetchEndpoint(config);
  const gpu = { [deployment.gpu.resourceName]: String(deployment.gpu.count) };

  const objectDeployment: IDeployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, labels, annotations },
    spec: {
      replicas: deployment.replicas,
      revisionHistoryLimit: 3,
      // GPUs are scarce: replace one replica at a time instead of surging
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } },
      selector: { matchLabels: selector },
      template: {
        metadata: {
          labels,
          annotations: {
            'prometheus.io/scrape': 'true',
            'prometheus.io/port': String(VLLM_PORT),
            'prometheus.io/path': '/metrics',
            'one-data.io/model-version-id': version.id,
          },
        },
        spec: {
          automountServiceAccountToken: false,
          // vLLM drains in-flight generations on SIGTERM
          terminationGracePeriodSeconds: 120,
          securityContext: POD_SECURITY_CONTEXT,
          affinity: {
            podAntiAffinity: {
              preferredDuringSchedulingIgnoredDuringExecution: [
                {
                  weight: 1,
                  podAffinityTerm: { labelSelector: { matchLabels: selector }, topologyKey: 'kubernetes.io/hostname' },
                },
              ],
            },
          },
          ...(deployment.gpu.product ? { nodeSelector: { [`${deployment.gpu.resourceName}.product`]: deployment.gpu.product } } : {}),
          tolerations: [{ key: deployment.gpu.resourceName, operator: 'Exists', effect: 'NoSchedule' }],
          initContainers: [
            {
              name: 'fetch-model',
              image: FETCH_IMAGE,
              command: ['mc', 'mirror', '--overwrite', '--remove', `src/${source.bucket}/${source.prefix}/`, `${modelPath}/`],
              env: [
                { name: 'MC_CONFIG_DIR', value: '/tmp/.mc' },
                {
                  name: 'S3_ACCESS_KEY',
                  valueFrom: { secretKeyRef: { name: FETCH_SECRET.name, key: FETCH_SECRET.accessKeyKey } },
                },
                {
                  name: 'S3_SECRET_KEY',
                  valueFrom: { secretKeyRef: { name: FETCH_SECRET.name, key: FETCH_SECRET.secretKeyKey } },
                },
                { name: 'MC_HOST_src', value: `${endpoint.protocol}//$(S3_ACCESS_KEY):$(S3_SECRET_KEY)@${endpoint.host}` },
              ],
              resources: { requests: { cpu: '500m', memory: '512Mi' }, limits: { cpu: '2', memory: '2Gi' } },
              securityContext: CONTAINER_SECURITY_CONTEXT,
              volumeMounts: [
                { name: 'model-cache', mountPath: MODEL_CACHE_PATH },
                { name: 'tmp', mountPath: '/tmp' },
              ],
            },
          ],
          containers: [
            {
              name: 'vllm',
              image: deployment.image,
              imagePullPolicy: 'IfNotPresent',
              args: [
                '--model',
                modelPath,
                '--served-model-name',
                deployment.servedName,
                '--tensor-parallel-size',
                String(deployment.tensorParallelSize),
                '--host',
                '0.0.0.0',
                '--port',
                String(VLLM_PORT),
                ...deployment.args,
              ],
              env: [
                // the image's user has no home on a read-only root filesystem: caches go to /tmp
                { name: 'HOME', value: '/tmp/home' },
                { name: 'XDG_CACHE_HOME', value: '/tmp/cache' },
                { name: 'HF_HUB_OFFLINE', value: '1' },
              ],
              ports: [{ name: 'http', containerPort: VLLM_PORT, protocol: 'TCP' }],
              // loading weights onto the GPUs takes minutes
              startupProbe: { httpGet: { path: '/health', port: 'http' }, periodSeconds: 10, failureThreshold: 90 },
              livenessProbe: {
                httpGet: { path: '/health', port: 'http' },
                periodSeconds: 15,
                timeoutSeconds: 5,
                failureThreshold: 3,
              },
              readinessProbe: { httpGet: { path: '/health', port: 'http' }, periodSeconds: 5, timeoutSeconds: 3 },
              resources: { requests: { ...gpu }, limits: { ...gpu } },
              securityContext: CONTAINER_SECURITY_CONTEXT,
              volumeMounts: [
                { name: 'model-cache', mountPath: MODEL_CACHE_PATH, readOnly: true },
                { name: 'tmp', mountPath: '/tmp' },
                { name: 'dshm', mountPath: '/dev/shm' },
              ],
            },
          ],
          volumes: [
            // one cache per pod on the node's disk, filled by fetch-model
            { name: 'model-cache', emptyDir: { sizeLimit: modelCacheSize(version.sizeBytes) } },
            { name: 'tmp', emptyDir: { sizeLimit: '20Gi' } },
            // tensor parallelism talks through shared memory
            { name: 'dshm', emptyDir: { medium: 'Memory', sizeLimit: '16Gi' } },
          ],
        },
      },
    },
  };

  // Headless: the gateway resolves every ready pod of the served model and balances over them.
  const objectService: IService = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace, labels, annotations },
    spec: {
      type: 'ClusterIP',
      clusterIP: 'None',
      selector,
      ports: [{ name: 'http', port: VLLM_PORT, targetPort: 'http', protocol: 'TCP', appProtocol: 'http' }],
    },
  };

  return [objectDeployment, objectService];
}
