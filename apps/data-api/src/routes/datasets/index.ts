import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { IdParamsSchema, Type } from '@one-data/service-kit';
import type { DatasetService } from '../../datasets/service.js';
import {
  CreateDatasetSchema,
  DatasetPageSchema,
  DatasetSchema,
  ListDatasetsQuerySchema,
  UpdateDatasetSchema,
} from '../../schemas/dataset.js';

const tags = ['datasets'];

export const datasetRoutes: FastifyPluginAsyncTypebox<{ datasets: DatasetService }> = async (app, { datasets }) => {
  app.post(
    '/',
    {
      config: { role: 'developer' },
      schema: { tags, summary: 'Register a dataset', body: CreateDatasetSchema, response: { 201: DatasetSchema } },
    },
    async (request, reply) => reply.code(201).send(await datasets.create(request.principal, request.body)),
  );

  app.get(
    '/',
    {
      config: { role: 'viewer' },
      schema: {
        tags,
        summary: 'List datasets, newest first; filter by tag, data source and name text',
        querystring: ListDatasetsQuerySchema,
        response: { 200: DatasetPageSchema },
      },
    },
    async (request) => datasets.list(request.principal, request.query),
  );

  app.get(
    '/:id',
    {
      config: { role: 'viewer' },
      schema: { tags, summary: 'Get a dataset', params: IdParamsSchema, response: { 200: DatasetSchema } },
    },
    async (request) => datasets.get(request.principal, request.params.id),
  );

  app.patch(
    '/:id',
    {
      config: { role: 'developer' },
      schema: {
        tags,
        summary: 'Change a dataset; given fields are replaced',
        params: IdParamsSchema,
        body: UpdateDatasetSchema,
        response: { 200: DatasetSchema },
      },
    },
    async (request) => datasets.update(request.principal, request.params.id, request.body),
  );

  app.delete(
    '/:id',
    {
      config: { role: 'admin' },
      schema: { tags, summary: 'Delete a dataset', params: IdParamsSchema, response: { 204: Type.Null() } },
    },
    async (request, reply) => {
      await datasets.delete(request.principal, request.params.id);
      return reply.code(204).send(null);
    },
  );
};
