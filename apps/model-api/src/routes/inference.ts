import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { toProblem } from '@one-data/service-kit';
import type { FastifyError } from 'fastify';
import type { InferenceGateway } from '../gateway/gateway.js';
import { openAiErrorBody } from '../gateway/openai-errors.js';
import type { InferencePath } from '../gateway/proxy.js';
import {
  ChatCompletionRequestSchema,
  CompletionRequestSchema,
  EmbeddingRequestSchema,
  ModelListSchema,
  OpenAiErrorSchema,
  UpstreamAnswerSchema,
} from '../schemas/inference.js';

const tags = ['inference (OpenAI-compatible)'];

/** `/v1/*`: the OpenAI-compatible gateway. Registered at prefix `/v1`. */
export const inferenceRoutes: FastifyPluginAsyncTypebox<{ gateway: InferenceGateway; bodyLimit: number }> = async (
  app,
  { gateway, bodyLimit },
) => {
  // OpenAI clients parse `{ error: {...} }` with `application/json`, not problem+json.
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const problem = toProblem(error);
    if (problem.status >= 500 && problem.code === 'internal_error') request.log.error({ err: error }, 'inference request failed');
    return reply.code(problem.status).headers(problem.headers).type('application/json').send(openAiErrorBody(problem));
  });

  const responses = { 200: UpstreamAnswerSchema, '4xx': OpenAiErrorSchema, '5xx': OpenAiErrorSchema };
  const inference = (path: InferencePath, summary: string, body: typeof ChatCompletionRequestSchema | typeof CompletionRequestSchema | typeof EmbeddingRequestSchema) =>
    app.post(
      path.slice('/v1'.length),
      { bodyLimit, schema: { tags, summary, body, response: responses } },
      (request, reply) => gateway.handle(request, reply, path),
    );
  inference('/v1/chat/completions', 'Chat completion, streaming (SSE) or not', ChatCompletionRequestSchema);
  inference('/v1/completions', 'Text completion, streaming (SSE) or not', CompletionRequestSchema);
  inference('/v1/embeddings', 'Embeddings', EmbeddingRequestSchema);

  app.get(
    '/models',
    { schema: { tags, summary: 'The models this caller may use', response: { 200: ModelListSchema, '4xx': OpenAiErrorSchema } } },
    async (request) => ({
      object: 'list' as const,
      data: gateway.modelsFor(request.principal.tenantId, request.apiKey).map((id) => ({
        id,
        object: 'model' as const,
        created: 0,
        owned_by: 'one-data',
      })),
    }),
  );
};
