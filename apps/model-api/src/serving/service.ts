import { isDuplicateKeyError, isMissingReferenceError } from '@one-data/db';
import { ProblemError, conflict, decodeCursor, newId, notFound, toPage } from '@one-data/service-kit';
import type { ModelApiConfig } from '../config.js';
import type { GpuResources } from '../db/schema.js';
import { invalid, type Actor } from '../registry/problems.js';
import type { ModelVersionRepository, ModelVersionRow } from '../registry/repository.js';
import { describeKubernetesError, type ManifestApplier } from './applier.js';
import {
  RESERVED_VLLM_FLAGS,
  dnsFromManifests,
  renderServingManifests,
  type KubernetesManifest,
  type ServingRenderConfig,
} from './manifests.js';
import type { ServingDeploymentPatch, ServingDeploymentRepository, ServingDeploymentRow } from './repository.js';
import {
  DEFAULT_GPU_RESOURCE,
  type CreateServingDeployment,
  type DeploymentStatus,
  type ListServingDeploymentsQuery,
  type RoutingStrategy,
  type ServingDeployment,
  type UpdateServingDeployment,
} from './schemas.js';

export const toServingDeployment = (row: ServingDeploymentRow): ServingDeployment => ({
  id: row.id,
  servedName: row.servedName,
  modelVersionId: row.modelVersionId,
  replicas: row.replicas,
  tensorParallelSize: row.tensorParallelSize,
  gpu: row.gpu,
  image: row.image,
  args: row.args,
  routing: row.routing as RoutingStrategy,
  fallbackModel: row.fallbackModel,
  status: row.status,
  lastError: row.lastError,
  dns: dnsFromManifests(row.manifests) ?? '',
  manifests: row.manifests,
  createdBy: row.createdBy,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});

const nameTaken = (name: string) =>
  conflict('name_taken', 'Served name already in use', {
    detail: `A serving deployment already serves '${name}'. Served names are unique across all tenants.`,
  });

const unknownVersion = (id: string) => invalid('/body/modelVersionId', `names no model version of yours ('${id}')`);

/** The GPU request with its defaults; checked against the tensor parallel size. */
function resolveGpu(input: Partial<GpuResources> | undefined, current: GpuResources | undefined, tensorParallelSize: number): GpuResources {
  const count = input?.count ?? (current && current.count >= tensorParallelSize ? current.count : tensorParallelSize);
  if (count < tensorParallelSize) {
    throw invalid('/body/gpu/count', `must be at least tensorParallelSize (${tensorParallelSize}): each replica shards the model over that many GPUs`);
  }
  const product = input?.product ?? current?.product;
  return {
    count,
    resourceName: input?.resourceName ?? current?.resourceName ?? DEFAULT_GPU_RESOURCE,
    ...(product ? { product } : {}),
  };
}

/** Extra args may tune vLLM but not repeat the flags that tie the pod to its served name and port. */
function checkArgs(args: readonly string[]): string[] {
  args.forEach((arg, index) => {
    const flag = RESERVED_VLLM_FLAGS.find((reserved) => arg === reserved || arg.startsWith(`${reserved}=`));
    if (flag) throw invalid(`/body/args/${index}`, `must not set ${flag}: model-api sets it from the deployment`);
  });
  return [...args];
}

/**
 * Serving deployments: a model version served under a name by vLLM pods. Each change re-renders the
 * Deployment + headless Service and, when a Kubernetes API is configured, applies them; without one
 * the manifests are recorded (status `recorded`) and the gateway serves from configured endpoints.
 */
export class ServingService {
  private readonly renderConfig: ServingRenderConfig;
  private readonly defaultImage: string;

  constructor(
    private readonly deployments: ServingDeploymentRepository,
    private readonly versions: ModelVersionRepository,
    config: ModelApiConfig,
    private readonly applier: ManifestApplier | null,
  ) {
    this.defaultImage = config.VLLM_IMAGE;
    this.renderConfig = {
      SERVING_NAMESPACE: config.SERVING_NAMESPACE,
      ARTIFACTS_S3_ENDPOINT: config.ARTIFACTS_S3_ENDPOINT,
      ARTIFACTS_S3_REGION: config.ARTIFACTS_S3_REGION,
    };
  }

  async create(actor: Actor, input: CreateServingDeployment): Promise<ServingDeployment> {
    const version = await this.getVersion(actor, input.modelVersionId);
    const tensorParallelSize = input.tensorParallelSize ?? 1;
    if (input.fallbackModel === input.servedName) throw invalid('/body/fallbackModel', 'must name another served model');
    const id = newId('sdep');
    const spec = {
      id,
      tenantId: actor.tenantId,
      servedName: input.servedName,
      replicas: input.replicas ?? 1,
      tensorParallelSize,
      gpu: resolveGpu(input.gpu, undefined, tensorParallelSize),
      image: input.image ?? this.defaultImage,
      args: checkArgs(input.args ?? []),
    };
    const manifests = renderServingManifests(spec, version, this.renderConfig) as unknown as KubernetesManifest[];
    try {
      await this.deployments.insert({
        ...spec,
        modelVersionId: version.id,
        routing: input.routing ?? 'least-outstanding',
        fallbackModel: input.fallbackModel ?? null,
        status: 'recorded',
        manifests,
        lastError: null,
        createdBy: actor.subject,
      });
    } catch (error) {
      if (isDuplicateKeyError(error)) throw nameTaken(input.servedName);
      // The version was deleted between the check and the write.
      if (isMissingReferenceError(error)) throw unknownVersion(input.modelVersionId);
      throw error;
    }
    await this.applyAndRecord(actor, id, manifests);
    return this.get(actor, id);
  }

  async list(actor: Actor, query: ListServingDeploymentsQuery) {
    const beforeId = query.cursor ? decodeCursor(query.cursor, { id: 'string' }).id : undefined;
    const rows = await this.deployments.list(actor.tenantId, {
      limit: query.limit,
      ...(beforeId ? { beforeId } : {}),
      ...(query.status ? { status: query.status } : {}),
      ...(query.modelVersionId ? { modelVersionId: query.modelVersionId } : {}),
      ...(query.q ? { servedNameContains: query.q } : {}),
    });
    return toPage(rows, query.limit, (row) => ({ id: row.id }), toServingDeployment);
  }

  async get(actor: Actor, id: string): Promise<ServingDeployment> {
    return toServingDeployment(await this.getRow(actor, id));
  }

  async update(actor: Actor, id: string, input: UpdateServingDeployment): Promise<ServingDeployment> {
    const current = await this.getRow(actor, id);
    const version = await this.getVersion(actor, input.modelVersionId ?? current.modelVersionId);
    if (input.fallbackModel === current.servedName) throw invalid('/body/fallbackModel', 'must name another served model');
    const tensorParallelSize = input.tensorParallelSize ?? current.tensorParallelSize;
    const spec = {
      id,
      tenantId: actor.tenantId,
      servedName: current.servedName,
      replicas: input.replicas ?? current.replicas,
      tensorParallelSize,
      gpu: resolveGpu(input.gpu, current.gpu, tensorParallelSize),
      image: input.image ?? current.image,
      args: input.args === undefined ? current.args : checkArgs(input.args),
    };
    const manifests = renderServingManifests(spec, version, this.renderConfig) as unknown as KubernetesManifest[];
    const patch: ServingDeploymentPatch = {
      modelVersionId: version.id,
      replicas: spec.replicas,
      tensorParallelSize,
      gpu: spec.gpu,
      image: spec.image,
      args: spec.args,
      manifests,
    };
    if (input.routing !== undefined) patch.routing = input.routing;
    if (input.fallbackModel !== undefined) patch.fallbackModel = input.fallbackModel;
    try {
      if (!(await this.deployments.update(actor.tenantId, id, patch))) throw notFound('serving deployment', id);
    } catch (error) {
      if (isMissingReferenceError(error)) throw unknownVersion(version.id);
      throw error;
    }
    await this.applyAndRecord(actor, id, manifests);
    return this.get(actor, id);
  }

  /** Applies the stored manifests again, e.g. after a failed apply; 409 when no Kubernetes API is configured. */
  async reapply(actor: Actor, id: string): Promise<ServingDeployment> {
    const row = await this.getRow(actor, id);
    if (this.applier === null) {
      throw conflict('kubernetes_disabled', 'No Kubernetes API configured', {
        detail: 'KUBERNETES_MODE is off: deployments are recorded, not applied.',
      });
    }
    await this.applyAndRecord(actor, id, row.manifests as KubernetesManifest[]);
    return this.get(actor, id);
  }

  /** Removes the Kubernetes objects, then the record. A refused delete keeps the record (status `failed`) and answers 502. */
  async delete(actor: Actor, id: string): Promise<void> {
    const row = await this.getRow(actor, id);
    if (this.applier !== null) {
      await this.deployments.update(actor.tenantId, id, { status: 'deleting' });
      try {
        await this.applier.delete(row.manifests as KubernetesManifest[]);
      } catch (error) {
        const lastError = describeKubernetesError(error);
        await this.deployments.update(actor.tenantId, id, { status: 'failed', lastError });
        throw new ProblemError(502, 'kubernetes_delete_failed', 'Could not delete the serving objects', {
          detail: `${lastError}. The deployment is kept; delete it again once the cluster accepts.`,
          cause: error,
        });
      }
    }
    if (!(await this.deployments.delete(actor.tenantId, id))) throw notFound('serving deployment', id);
  }

  /** Applies when a cluster is configured and records the outcome; never throws for a refused apply. */
  private async applyAndRecord(actor: Actor, id: string, manifests: KubernetesManifest[]): Promise<void> {
    let status: DeploymentStatus = 'recorded';
    let lastError: string | null = null;
    if (this.applier !== null) {
      try {
        await this.applier.apply(manifests);
        status = 'applied';
      } catch (error) {
        status = 'failed';
        lastError = describeKubernetesError(error);
      }
    }
    await this.deployments.update(actor.tenantId, id, { status, lastError });
  }

  private async getVersion(actor: Actor, versionId: string): Promise<ModelVersionRow> {
    const version = await this.versions.findByVersionId(actor.tenantId, versionId);
    if (!version) throw unknownVersion(versionId);
    return version;
  }

  private async getRow(actor: Actor, id: string): Promise<ServingDeploymentRow> {
    const row = await this.deployments.findById(actor.tenantId, id);
    if (!row) throw notFound('serving deployment', id);
    return row;
  }
}
