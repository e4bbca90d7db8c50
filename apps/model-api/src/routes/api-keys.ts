import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@one-data/service-kit';
import type { ApiKeyService } from '../apikeys/service.js';
import {
  ApiKeyPageSchema,
  ApiKeySchema,
  CreateApiKeySchema,
  CreatedApiKeySchema,
  ListApiKeysQuerySchema,
  UpdateApiKeySchema,
} from '../schemas/api-key.js';

const tags = ['api keys'];
const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 40 }) });

export const apiKeyRoutes: FastifyPluginAsyncTypebox<{ apiKeys: ApiKeyService }> = async (app, { apiKeys }) => {
  app.post(
    '/',
    {
      config: { role: 'developer' },
      schema: {
        tags,
        summary: 'Issue an API key for /v1; the secret is in this response only',
        body: CreateApiKeySchema,
        response: { 201: CreatedApiKeySchema },
      },
    },
    async (request, reply) => reply.code(201).send(await apiKeys.create(request.principal, request.body)),
  );

  app.get(
    '/',
    {
      config: { role: 'developer' },
      schema: {
        tags,
        summary: 'List keys (admins: all of the tenant; developers: their own), secrets masked',
        querystring: ListApiKeysQuerySchema,
        response: { 200: ApiKeyPageSchema },
      },
    },
    async (request) => apiKeys.list(request.principal, request.query),
  );

  app.get(
    '/:id',
    { config: { role: 'developer' }, schema: { tags, summary: 'Get a key', params: IdParams, response: { 200: ApiKeySchema } } },
    async (request) => apiKeys.get(request.principal, request.params.id),
  );

  app.patch(
    '/:id',
    {
      config: { role: 'developer' },
      schema: {
        tags,
        summary: "Change a key's name, model allow-list, limits or expiry",
        params: IdParams,
        body: UpdateApiKeySchema,
        response: { 200: ApiKeySchema },
      },
    },
    async (request) => apiKeys.update(request.principal, request.params.id, request.body),
  );

  app.delete(
    '/:id',
    {
      config: { role: 'developer' },
      schema: { tags, summary: 'Revoke a key, effective at once', params: IdParams, response: { 204: Type.Null() } },
    },
    async (request, reply) => {
      await apiKeys.revoke(request.principal, request.params.id);
      return reply.code(204).send(null);
    },
  );
};
