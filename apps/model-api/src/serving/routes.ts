import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@one-data/service-kit';
import type { ModelApiConfig } from '../config.js';
import type { ModelDb } from '../db/index.js';
import { ModelVersionRepository } from '../registry/repository.js';
import type { ManifestApplier } from './applier.js';
import { ServingDeploymentRepository } from './repository.js';
import {
  CreateServingDeploymentSchema,
  DeploymentParamsSchema,
  ListServingDeploymentsQuerySchema,
  ServingDeploymentPageSchema,
  ServingDeploymentSchema,
  UpdateServingDeploymentSchema,
} from './schemas.js';
import { ServingService } from './service.js';

export interface ServingRoutesOptions {
  db: ModelDb;
  config: ModelApiConfig;
  /** null: KUBERNETES_MODE=off, deployments are recorded only (see `createManifestApplier`). */
  applier: ManifestApplier | null;
}

const tags = ['serving deployments'];

/**
 * Serving deployments under `/api/v1/deployments` (full paths: register at prefix ''). Viewers read,
 * developers create, change and re-apply, admins delete.
 */
export const servingRoutes: FastifyPluginAsyncTypebox<ServingRoutesOptions> = async (app, { db, config, applier }) => {
  const serving = new ServingService(new ServingDeploymentRepository(db), new ModelVersionRepository(db), config, applier);

  app.post(
    '/api/v1/deployments',
    {
      config: { role: 'developer' },
      schema: {
        tags,
        summary: 'Serve a model version under a name: renders the vLLM Deployment + headless Service and applies them',
        description:
          'Answers 201 once the deployment is recorded; `status` tells whether the Kubernetes API accepted the ' +
          'objects (`applied`), refused them (`failed`, see `lastError`) or none is configured (`recorded`).',
        body: CreateServingDeploymentSchema,
        response: { 201: ServingDeploymentSchema },
      },
    },
    async (request, reply) => reply.code(201).send(await serving.create(request.principal, request.body)),
  );

  app.get(
    '/api/v1/deployments',
    {
      config: { role: 'viewer' },
      schema: {
        tags,
        summary: 'List serving deployments, newest first',
        querystring: ListServingDeploymentsQuerySchema,
        response: { 200: ServingDeploymentPageSchema },
      },
    },
    async (request) => serving.list(request.principal, request.query),
  );

  app.get(
    '/api/v1/deployments/:id',
    {
      config: { role: 'viewer' },
      schema: {
        tags,
        summary: 'Get a serving deployment with its rendered manifests',
        params: DeploymentParamsSchema,
        response: { 200: ServingDeploymentSchema },
      },
    },
    async (request) => serving.get(request.principal, request.params.id),
  );

  app.patch(
    '/api/v1/deployments/:id',
    {
      config: { role: 'developer' },
      schema: {
        tags,
        summary: 'Change a serving deployment (another version, replicas, GPUs, image, args, routing) and re-apply it',
        params: DeploymentParamsSchema,
        body: UpdateServingDeploymentSchema,
        response: { 200: ServingDeploymentSchema },
      },
    },
    async (request) => serving.update(request.principal, request.params.id, request.body),
  );

  app.post(
    '/api/v1/deployments/:id/apply',
    {
      config: { role: 'developer' },
      schema: {
        tags,
        summary: 'Apply the stored manifests again (after a failed apply); 409 when KUBERNETES_MODE=off',
        params: DeploymentParamsSchema,
        response: { 200: ServingDeploymentSchema },
      },
    },
    async (request) => serving.reapply(request.principal, request.params.id),
  );

  app.delete(
    '/api/v1/deployments/:id',
    {
      config: { role: 'admin' },
      schema: {
        tags,
        summary: 'Delete the vLLM Deployment and Service, then the record',
        params: DeploymentParamsSchema,
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      await serving.delete(request.principal, request.params.id);
      return reply.code(204).send(null);
    },
  );
};
