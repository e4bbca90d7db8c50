import { Id, Nullable, PageQueryProperties, PageSchema, Timestamp, Type, type Static } from '@one-data/service-kit';
import { DEPLOYMENT_STATUSES } from '../db/schema.js';
import { ROUTING_STRATEGIES } from '../gateway/balancer.js';

export type { RoutingStrategy } from '../gateway/balancer.js';
export const DEFAULT_GPU_RESOURCE = 'nvidia.com/gpu';

/** Also a Kubernetes label value (`one-data.io/served-model`), hence at most 63 characters and no `/`. */
const ServedName = Type.String({
  minLength: 1,
  maxLength: 63,
  pattern: '^[A-Za-z0-9]([A-Za-z0-9_.-]*[A-Za-z0-9])?$',
  description: 'The `model` name `/v1` callers ask for; unique across all tenants. Letters, digits, `_`, `.`, `-`',
});
const Routing = Type.Union(
  [Type.Literal(ROUTING_STRATEGIES[0]), Type.Literal(ROUTING_STRATEGIES[1]), Type.Literal(ROUTING_STRATEGIES[2])],
  {
    description:
      'least-outstanding: power of two choices; session: `x-session-id` / `user` stick to a replica; ' +
      'prefix: the prompt prefix picks the replica (KV-cache reuse)',
  },
);
const Status = Type.Union(
  [
    Type.Literal(DEPLOYMENT_STATUSES[0]),
    Type.Literal(DEPLOYMENT_STATUSES[1]),
    Type.Literal(DEPLOYMENT_STATUSES[2]),
    Type.Literal(DEPLOYMENT_STATUSES[3]),
  ],
  {
    description:
      'recorded: manifests rendered and stored, no Kubernetes API configured (KUBERNETES_MODE=off); ' +
      'applied: accepted by the Kubernetes API; failed: the last apply or delete failed (see lastError); ' +
      'deleting: removal in progress',
  },
);
const Replicas = Type.Integer({ minimum: 0, maximum: 100, description: 'vLLM pods; 0 keeps the deployment but stops serving' });
const TensorParallelSize = Type.Integer({ minimum: 1, maximum: 64, description: 'GPUs one replica shards the model over' });
const Image = Type.String({
  minLength: 1,
  maxLength: 512,
  pattern: '^[A-Za-z0-9][A-Za-z0-9._/:@-]*$',
  description: 'vLLM image; default VLLM_IMAGE',
});
const Args = Type.Array(
  Type.String({ minLength: 1, maxLength: 1024, pattern: '^[^\\u0000-\\u001f]*$' }),
  {
    maxItems: 64,
    description:
      'Extra vLLM arguments, e.g. ["--max-model-len", "8192"]. --model, --served-model-name, ' +
      '--tensor-parallel-size, --host and --port are set by model-api.',
  },
);
const GpuCount = Type.Integer({ minimum: 1, maximum: 64, description: 'GPUs per replica; at least tensorParallelSize' });
const GpuResourceName = Type.String({
  minLength: 3,
  maxLength: 253,
  pattern: '^[a-z0-9]([a-z0-9.-]*[a-z0-9])?/[a-z0-9]([a-z0-9_.-]*[a-z0-9])?$',
  description: 'Extended resource name, e.g. nvidia.com/gpu',
});
const GpuProduct = Type.String({
  minLength: 1,
  maxLength: 63,
  pattern: '^[A-Za-z0-9]([A-Za-z0-9_.-]*[A-Za-z0-9])?$',
  description: 'GPU model to schedule on, matched against the node label `<resourceName>.product`, e.g. NVIDIA-A100-SXM4-80GB',
});

export const GpuSchema = Type.Object(
  { count: GpuCount, resourceName: GpuResourceName, product: Type.Optional(GpuProduct) },
  { additionalProperties: false },
);
const GpuInput = Type.Object(
  { count: Type.Optional(GpuCount), resourceName: Type.Optional(GpuResourceName), product: Type.Optional(GpuProduct) },
  {
    additionalProperties: false,
    description: 'count defaults to tensorParallelSize, resourceName to nvidia.com/gpu',
  },
);

export const DeploymentParamsSchema = Type.Object({ id: Id });

export const ServingDeploymentSchema = Type.Object(
  {
    id: Type.String(),
    servedName: Type.String(),
    modelVersionId: Type.String(),
    replicas: Type.Integer(),
    tensorParallelSize: Type.Integer(),
    gpu: GpuSchema,
    image: Type.String(),
    args: Type.Array(Type.String()),
    routing: Routing,
    fallbackModel: Type.Union([Type.String(), Type.Null()]),
    status: Status,
    lastError: Type.Union([Type.String(), Type.Null()]),
    dns: Type.String({ description: 'host:port of the headless Service: every ready vLLM pod behind it' }),
    manifests: Type.Array(Type.Record(Type.String(), Type.Unknown()), {
      description: 'The rendered Deployment and headless Service, as applied (or as they would be)',
    }),
    createdBy: Type.String(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'ServingDeployment' },
);

export const CreateServingDeploymentSchema = Type.Object(
  {
    servedName: ServedName,
    modelVersionId: Id,
    replicas: Type.Optional(Replicas),
    tensorParallelSize: Type.Optional(TensorParallelSize),
    gpu: Type.Optional(GpuInput),
    image: Type.Optional(Image),
    args: Type.Optional(Args),
    routing: Type.Optional(Routing),
    fallbackModel: Type.Optional(ServedName),
  },
  { additionalProperties: false },
);

/** The served name is fixed: it names the Kubernetes objects and the pool callers use. */
export const UpdateServingDeploymentSchema = Type.Object(
  {
    modelVersionId: Type.Optional(Id),
    replicas: Type.Optional(Replicas),
    tensorParallelSize: Type.Optional(TensorParallelSize),
    gpu: Type.Optional(GpuInput),
    image: Type.Optional(Image),
    args: Type.Optional(Args),
    routing: Type.Optional(Routing),
    fallbackModel: Type.Optional(Nullable(ServedName)),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const ListServingDeploymentsQuerySchema = Type.Object(
  {
    ...PageQueryProperties,
    status: Type.Optional(Status),
    modelVersionId: Type.Optional(Id),
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 63, description: 'Text the served name contains' })),
  },
  { additionalProperties: false },
);

export const ServingDeploymentPageSchema = PageSchema(ServingDeploymentSchema);

export type ServingDeployment = Static<typeof ServingDeploymentSchema>;
export type CreateServingDeployment = Static<typeof CreateServingDeploymentSchema>;
export type UpdateServingDeployment = Static<typeof UpdateServingDeploymentSchema>;
export type ListServingDeploymentsQuery = Static<typeof ListServingDeploymentsQuerySchema>;
export type DeploymentStatus = Static<typeof Status>;
