export { servingRoutes, type ServingRoutesOptions } from './routes.js';
export { listServedPools, type ServedPool } from './pools.js';
export {
  FIELD_MANAGER,
  KubernetesManifestApplier,
  createManifestApplier,
  describeKubernetesError,
  type KubernetesObjectClient,
  type ManifestApplier,
} from './applier.js';
export {
  VLLM_PORT,
  renderServingManifests,
  serviceDns,
  servingResourceName,
  type KubernetesManifest,
  type ServedVersion,
  type ServingManifests,
  type ServingRenderConfig,
  type ServingSpec,
} from './manifests.js';
export { ServingService } from './service.js';
export { ServingDeploymentRepository } from './repository.js';
