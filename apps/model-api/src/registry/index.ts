export { registryRoutes, type RegistryRoutesOptions } from './routes.js';
export { ArtifactService, artifactPrefix, artifactStorageFromConfig } from './artifacts.js';
export { ModelRepository, ModelVersionRepository } from './repository.js';
export { ModelService, ModelVersionService } from './service.js';
