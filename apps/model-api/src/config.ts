import { DATABASE_URL, Type, defineConfig, type Static } from '@one-data/service-kit';

const Millis = (defaultValue: number, description: string) =>
  Type.Integer({ minimum: 1, maximum: 3_600_000, default: defaultValue, description });
const Limit = (description: string) => Type.Integer({ minimum: 0, default: 0, description: `${description}; 0 = unlimited` });

export const ModelApiConfigSchema = defineConfig({
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3010 }),
  DATABASE_URL,
  REDIS_URL: Type.String({ pattern: '^rediss?://', description: 'redis://host:6379 — rate limits and key revocation' }),
  REDIS_KEY_PREFIX: Type.String({ default: 'model-api:', description: 'prefix of every key this service writes' }),

  SERVING_POOLS: Type.String({
    default: '[]',
    description:
      'JSON list of pools: [{"model","endpoints":["http://host:8000"],"dns":"svc.ns.svc.cluster.local:8000","routing","fallback","tenants":["*"]}]',
  }),
  SERVING_POOLS_FILE: Type.Optional(Type.String({ minLength: 1, description: 'file holding SERVING_POOLS JSON, re-read when it changes' })),
  DISCOVERY_INTERVAL_MS: Millis(5000, 'how often DNS names and deployments are re-resolved'),
  HEALTH_PROBE_INTERVAL_MS: Millis(5000, 'active /health probe period per endpoint'),
  HEALTH_PROBE_TIMEOUT_MS: Millis(2000, 'active probe timeout'),
  EJECT_AFTER_FAILURES: Type.Integer({ minimum: 1, maximum: 100, default: 3 }),
  EJECT_COOLDOWN_MS: Millis(10_000, 'how long an ejected endpoint rests before a half-open trial'),
  PREFIX_AFFINITY_CHARS: Type.Integer({ minimum: 16, maximum: 100_000, default: 1024 }),
  PREFIX_AFFINITY_LOAD_FACTOR: Type.Number({ minimum: 1, maximum: 10, default: 1.25 }),

  UPSTREAM_CONNECT_TIMEOUT_MS: Millis(2000, 'connect to a vLLM endpoint'),
  UPSTREAM_FIRST_BYTE_TIMEOUT_MS: Millis(120_000, 'until the response headers arrive'),
  UPSTREAM_IDLE_TIMEOUT_MS: Millis(60_000, 'longest gap between body chunks'),
  UPSTREAM_MAX_ATTEMPTS: Type.Integer({ minimum: 1, maximum: 10, default: 3 }),
  UPSTREAM_MAX_RETRY_AFTER_MS: Millis(2000, 'longest Retry-After honoured before retrying on another endpoint'),
  UPSTREAM_CONNECTIONS_PER_ENDPOINT: Type.Integer({ minimum: 1, maximum: 10_000, default: 1024 }),

  GATEWAY_BODY_LIMIT_BYTES: Type.Integer({ minimum: 1024, default: 16 * 1024 * 1024, description: 'largest /v1 request body (long prompts)' }),
  LIMITS_FAIL_MODE: Type.Union([Type.Literal('open'), Type.Literal('closed')], {
    default: 'open',
    description: 'when Redis is unreachable: open = serve and count a metric; closed = 503',
  }),
  TENANT_REQUESTS_PER_MINUTE: Limit('default requests per minute per tenant'),
  TENANT_TOKENS_PER_MINUTE: Limit('default tokens per minute per tenant'),
  TENANT_MAX_CONCURRENCY: Limit('default concurrent requests per tenant'),
  USAGE_FLUSH_INTERVAL_MS: Millis(2000, 'how often aggregated usage is written to MySQL'),
  API_KEY_CACHE_MS: Millis(30_000, 'how long a verified key is trusted without a database read (revocation also invalidates at once)'),

  ARTIFACTS_S3_ENDPOINT: Type.Optional(Type.String({ pattern: '^https?://', description: 'MinIO endpoint; unset = AWS S3' })),
  ARTIFACTS_S3_REGION: Type.String({ default: 'us-east-1' }),
  ARTIFACTS_S3_BUCKET: Type.String({ default: 'models' }),
  ARTIFACTS_S3_ACCESS_KEY_ID: Type.Optional(Type.String({ minLength: 1 })),
  ARTIFACTS_S3_SECRET_ACCESS_KEY: Type.Optional(Type.String({ minLength: 1 })),
  ARTIFACTS_S3_FORCE_PATH_STYLE: Type.Boolean({ default: true }),
  ARTIFACTS_PRESIGN_TTL_SECONDS: Type.Integer({ minimum: 60, maximum: 604_800, default: 900 }),

  KUBERNETES_MODE: Type.Union([Type.Literal('off'), Type.Literal('in-cluster'), Type.Literal('kubeconfig')], {
    default: 'off',
    description: 'off: record serving manifests only; in-cluster / kubeconfig: apply them through the Kubernetes API',
  }),
  SERVING_NAMESPACE: Type.String({ default: 'one-data-model' }),
  VLLM_IMAGE: Type.String({ default: 'vllm/vllm-openai:v0.6.6' }),
});

export type ModelApiConfig = Static<typeof ModelApiConfigSchema>;
