import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@one-data/service-kit';
import type { ObjectStorage } from '@one-data/storage';
import type { ModelApiConfig } from '../config.js';
import type { ModelDb } from '../db/index.js';
import { ArtifactService } from './artifacts.js';
import { ModelRepository, ModelVersionRepository } from './repository.js';
import {
  ArtifactUrlSchema,
  CreateArtifactDownloadUrlSchema,
  CreateArtifactUploadUrlSchema,
  CreateModelSchema,
  CreateModelVersionSchema,
  ListModelVersionsQuerySchema,
  ListModelsQuerySchema,
  ModelPageSchema,
  ModelParamsSchema,
  ModelSchema,
  ModelVersionPageSchema,
  ModelVersionParamsSchema,
  ModelVersionSchema,
  UpdateModelSchema,
  UpdateModelVersionSchema,
} from './schemas.js';
import { ModelService, ModelVersionService } from './service.js';

export interface RegistryRoutesOptions {
  db: ModelDb;
  storage: ObjectStorage;
  config: ModelApiConfig;
}

const tags = ['models'];
const versionTags = ['model versions'];

/**
 * The model registry under `/api/v1/models` (full paths: register at prefix ''). Viewers read,
 * developers create and change, admins delete.
 */
export const registryRoutes: FastifyPluginAsyncTypebox<RegistryRoutesOptions> = async (app, { db, storage, config }) => {
  const modelRepository = new ModelRepository(db);
  const versionRepository = new ModelVersionRepository(db);
  const artifacts = new ArtifactService(storage, config.ARTIFACTS_PRESIGN_TTL_SECONDS);
  const models = new ModelService(modelRepository, versionRepository);
  const versions = new ModelVersionService(modelRepository, versionRepository, artifacts);

  app.post(
    '/api/v1/models',
    {
      config: { role: 'developer' },
      schema: { tags, summary: 'Register a model', body: CreateModelSchema, response: { 201: ModelSchema } },
    },
    async (request, reply) => reply.code(201).send(await models.create(request.principal, request.body)),
  );

  app.get(
    '/api/v1/models',
    {
      config: { role: 'viewer' },
      schema: {
        tags,
        summary: 'List models, newest first',
        querystring: ListModelsQuerySchema,
        response: { 200: ModelPageSchema },
      },
    },
    async (request) => models.list(request.principal, request.query),
  );

  app.get(
    '/api/v1/models/:id',
    {
      config: { role: 'viewer' },
      schema: { tags, summary: 'Get a model', params: ModelParamsSchema, response: { 200: ModelSchema } },
    },
    async (request) => models.get(request.principal, request.params.id),
  );

  app.patch(
    '/api/v1/models/:id',
    {
      config: { role: 'developer' },
      schema: {
        tags,
        summary: 'Change a model; `tags` are replaced whole',
        params: ModelParamsSchema,
        body: UpdateModelSchema,
        response: { 200: ModelSchema },
      },
    },
    async (request) => models.update(request.principal, request.params.id, request.body),
  );

  app.delete(
    '/api/v1/models/:id',
    {
      config: { role: 'admin' },
      schema: {
        tags,
        summary: 'Delete a model that has no versions',
        params: ModelParamsSchema,
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      await models.delete(request.principal, request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/v1/models/:id/versions',
    {
      config: { role: 'developer' },
      schema: {
        tags: versionTags,
        summary: 'Add a version; its artifact location is assigned: s3://<bucket>/<tenant>/<model id>/<version>/',
        params: ModelParamsSchema,
        body: CreateModelVersionSchema,
        response: { 201: ModelVersionSchema },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await versions.create(request.principal, request.params.id, request.body)),
  );

  app.get(
    '/api/v1/models/:id/versions',
    {
      config: { role: 'viewer' },
      schema: {
        tags: versionTags,
        summary: 'List the versions of a model, newest first',
        params: ModelParamsSchema,
        querystring: ListModelVersionsQuerySchema,
        response: { 200: ModelVersionPageSchema },
      },
    },
    async (request) => versions.list(request.principal, request.params.id, request.query),
  );

  app.get(
    '/api/v1/models/:id/versions/:versionId',
    {
      config: { role: 'viewer' },
      schema: {
        tags: versionTags,
        summary: 'Get a model version',
        params: ModelVersionParamsSchema,
        response: { 200: ModelVersionSchema },
      },
    },
    async (request) => versions.get(request.principal, request.params.id, request.params.versionId),
  );

  app.patch(
    '/api/v1/models/:id/versions/:versionId',
    {
      config: { role: 'developer' },
      schema: {
        tags: versionTags,
        summary: 'Change a version or its stage; moving one to production archives the previous production version',
        params: ModelVersionParamsSchema,
        body: UpdateModelVersionSchema,
        response: { 200: ModelVersionSchema },
      },
    },
    async (request) => versions.update(request.principal, request.params.id, request.params.versionId, request.body),
  );

  app.delete(
    '/api/v1/models/:id/versions/:versionId',
    {
      config: { role: 'admin' },
      schema: {
        tags: versionTags,
        summary: 'Delete a version no serving deployment uses (its files stay in the object store)',
        params: ModelVersionParamsSchema,
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      await versions.delete(request.principal, request.params.id, request.params.versionId);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/v1/models/:id/versions/:versionId/artifact/upload-url',
    {
      config: { role: 'developer' },
      schema: {
        tags: versionTags,
        summary: 'Presigned URL to PUT one file of the version straight to the object store',
        params: ModelVersionParamsSchema,
        body: CreateArtifactUploadUrlSchema,
        response: { 200: ArtifactUrlSchema },
      },
    },
    async (request) =>
      versions.uploadUrl(request.principal, request.params.id, request.params.versionId, request.body),
  );

  app.post(
    '/api/v1/models/:id/versions/:versionId/artifact/download-url',
    {
      config: { role: 'viewer' },
      schema: {
        tags: versionTags,
        summary: 'Presigned URL to GET one file of the version straight from the object store',
        params: ModelVersionParamsSchema,
        body: CreateArtifactDownloadUrlSchema,
        response: { 200: ArtifactUrlSchema },
      },
    },
    async (request) =>
      versions.downloadUrl(request.principal, request.params.id, request.params.versionId, request.body),
  );
};
