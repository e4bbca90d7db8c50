import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { IdParamsSchema, Type } from '@one-data/service-kit';
import type { DataSourceService } from '../../datasources/service.js';
import {
  ConnectionTestResultSchema,
  CreateDataSourceSchema,
  DataSourcePageSchema,
  DataSourceSchema,
  ListDataSourcesQuerySchema,
  UpdateDataSourceSchema,
} from '../../schemas/datasource.js';

const tags = ['data sources'];

export const dataSourceRoutes: FastifyPluginAsyncTypebox<{ dataSources: DataSourceService }> = async (
  app,
  { dataSources },
) => {
  app.post(
    '/',
    {
      config: { role: 'developer' },
      schema: {
        tags,
        summary: 'Create a data source',
        body: CreateDataSourceSchema,
        response: { 201: DataSourceSchema },
      },
    },
    async (request, reply) => reply.code(201).send(await dataSources.create(request.principal, request.body)),
  );

  app.get(
    '/',
    {
      config: { role: 'viewer' },
      schema: {
        tags,
        summary: 'List data sources, newest first',
        querystring: ListDataSourcesQuerySchema,
        response: { 200: DataSourcePageSchema },
      },
    },
    async (request) => dataSources.list(request.principal, request.query),
  );

  app.get(
    '/:id',
    {
      config: { role: 'viewer' },
      schema: { tags, summary: 'Get a data source', params: IdParamsSchema, response: { 200: DataSourceSchema } },
    },
    async (request) => dataSources.get(request.principal, request.params.id),
  );

  app.patch(
    '/:id',
    {
      config: { role: 'developer' },
      schema: {
        tags,
        summary: 'Change a data source; `config` and `credentials` are replaced whole',
        params: IdParamsSchema,
        body: UpdateDataSourceSchema,
        response: { 200: DataSourceSchema },
      },
    },
    async (request) => dataSources.update(request.principal, request.params.id, request.body),
  );

  app.delete(
    '/:id',
    {
      config: { role: 'admin' },
      schema: {
        tags,
        summary: 'Delete a data source no dataset uses',
        params: IdParamsSchema,
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      await dataSources.delete(request.principal, request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/:id/test',
    {
      config: { role: 'developer' },
      schema: {
        tags,
        summary: 'Connect to the data source with its stored credentials and report the result',
        params: IdParamsSchema,
        response: { 200: ConnectionTestResultSchema },
      },
    },
    async (request) => dataSources.testConnection(request.principal, request.params.id),
  );
};
