import { Type } from '@one-data/service-kit';

/**
 * Only what the gateway needs is checked: the model, and the body's basic shape. Every other field
 * (sampling parameters, tools, response_format, guided_json, vLLM extras…) passes through untouched.
 */
const Model = Type.String({ minLength: 1, maxLength: 256, description: 'Served model name, as GET /v1/models lists' });
const Passthrough = { additionalProperties: true } as const;

export const ChatCompletionRequestSchema = Type.Object(
  {
    model: Model,
    messages: Type.Array(Type.Object({ role: Type.String() }, Passthrough), { minItems: 1 }),
    stream: Type.Optional(Type.Boolean()),
  },
  Passthrough,
);

export const CompletionRequestSchema = Type.Object(
  {
    model: Model,
    prompt: Type.Union([Type.String(), Type.Array(Type.Any(), { minItems: 1 })]),
    stream: Type.Optional(Type.Boolean()),
  },
  Passthrough,
);

export const EmbeddingRequestSchema = Type.Object(
  { model: Model, input: Type.Union([Type.String(), Type.Array(Type.Any(), { minItems: 1 })]) },
  Passthrough,
);

/** Upstream answers are relayed as the model server sent them; documented loosely. */
export const UpstreamAnswerSchema = Type.Object({}, { ...Passthrough, description: 'The OpenAI-compatible answer (JSON, or text/event-stream when stream=true)' });

export const ModelListSchema = Type.Object({
  object: Type.Literal('list'),
  data: Type.Array(
    Type.Object({ id: Type.String(), object: Type.Literal('model'), created: Type.Integer(), owned_by: Type.String() }),
  ),
});

export const OpenAiErrorSchema = Type.Object({
  error: Type.Object({
    message: Type.String(),
    type: Type.String(),
    param: Type.Union([Type.String(), Type.Null()]),
    code: Type.Union([Type.String(), Type.Null()]),
  }),
});
