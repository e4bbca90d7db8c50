import { Nullable, PageQueryProperties, PageSchema, Type, type Static } from '@one-data/service-kit';
const PerMinute = Type.Integer({ minimum: 1, maximum: 100_000_000 });
const ModelList = Type.Array(Type.String({ minLength: 1, maxLength: 128 }), { minItems: 1, maxItems: 200, uniqueItems: true });

export const ApiKeySchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    prefix: Type.String({ description: 'First characters of the secret, to recognise the key' }),
    models: Nullable(ModelList),
    requestsPerMinute: Nullable(Type.Integer()),
    tokensPerMinute: Nullable(Type.Integer()),
    maxConcurrency: Nullable(Type.Integer()),
    expiresAt: Nullable(Type.String({ format: 'date-time' })),
    revokedAt: Nullable(Type.String({ format: 'date-time' })),
    createdBy: Type.String(),
    createdAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'ApiKey' },
);

export const CreatedApiKeySchema = Type.Intersect([
  ApiKeySchema,
  Type.Object({ secret: Type.String({ description: 'The key itself. Shown only in this response; store it now.' }) }),
]);

const Mutable = {
  models: Type.Optional(Nullable(ModelList)),
  requestsPerMinute: Type.Optional(Nullable(PerMinute)),
  tokensPerMinute: Type.Optional(Nullable(PerMinute)),
  maxConcurrency: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 100_000 }))),
  expiresAt: Type.Optional(Nullable(Type.String({ format: 'date-time' }))),
};

export const CreateApiKeySchema = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 128 }), ...Mutable },
  { additionalProperties: false },
);
export const UpdateApiKeySchema = Type.Object(
  { name: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })), ...Mutable },
  { additionalProperties: false, minProperties: 1 },
);
export const ListApiKeysQuerySchema = Type.Object(
  { ...PageQueryProperties, includeRevoked: Type.Boolean({ default: false }) },
  { additionalProperties: false },
);
export const ApiKeyPageSchema = PageSchema(ApiKeySchema);

export type ApiKey = Static<typeof ApiKeySchema>;
export type CreateApiKey = Static<typeof CreateApiKeySchema>;
export type UpdateApiKey = Static<typeof UpdateApiKeySchema>;
export type ListApiKeysQuery = Static<typeof ListApiKeysQuerySchema>;
