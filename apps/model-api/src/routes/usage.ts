import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@one-data/service-kit';
import type { ModelDb } from '../db/index.js';
import { queryUsage } from '../usage/service.js';

const UsageQuerySchema = Type.Object(
  {
    from: Type.String({ format: 'date-time', description: 'inclusive, ISO 8601' }),
    to: Type.String({ format: 'date-time', description: 'exclusive, ISO 8601' }),
    groupBy: Type.Array(Type.Union([Type.Literal('model'), Type.Literal('apiKey'), Type.Literal('hour'), Type.Literal('day')]), {
      default: ['model'],
      uniqueItems: true,
      description: 'any of model, apiKey, hour, day (repeat the parameter or comma-separate)',
    }),
    model: Type.Optional(Type.String({ minLength: 1 })),
    apiKeyId: Type.Optional(Type.String({ description: "an API key id; '' for calls made with a user token" })),
  },
  { additionalProperties: false },
);

const UsageResponseSchema = Type.Object({
  from: Type.String(),
  to: Type.String(),
  groupBy: Type.Array(Type.String()),
  items: Type.Array(
    Type.Object({
      model: Type.Optional(Type.String()),
      apiKeyId: Type.Optional(Type.String()),
      period: Type.Optional(Type.String()),
      requests: Type.Integer(),
      errors: Type.Integer(),
      promptTokens: Type.Integer(),
      completionTokens: Type.Integer(),
      totalTokens: Type.Integer(),
    }),
  ),
});

export const usageRoutes: FastifyPluginAsyncTypebox<{ db: ModelDb }> = async (app, { db }) => {
  app.get(
    '/',
    {
      config: { role: 'viewer' },
      // `groupBy=model,hour` as well as `groupBy=model&groupBy=hour`
      preValidation: async (request) => {
        const query = request.query as Record<string, unknown>;
        if (typeof query['groupBy'] === 'string') query['groupBy'] = query['groupBy'].split(',');
      },
      schema: {
        tags: ['usage'],
        summary: "The tenant's token usage over a time range, grouped by model, key, hour or day",
        querystring: UsageQuerySchema,
        response: { 200: UsageResponseSchema },
      },
    },
    async (request) => ({
      from: request.query.from,
      to: request.query.to,
      groupBy: request.query.groupBy,
      items: await queryUsage(db, request.principal.tenantId, request.query),
    }),
  );
};
