import { sql } from 'drizzle-orm';
import { jsonColumn, timestampColumns } from '@one-data/db';
import {
  bigint,
  datetime,
  index,
  int,
  mysqlEnum,
  mysqlTable,
  primaryKey,
  text,
  uniqueIndex,
  varchar,
} from 'drizzle-orm/mysql-core';

export const MODEL_TASKS = ['chat', 'completion', 'embedding', 'rerank'] as const;
export const VERSION_STAGES = ['none', 'staging', 'production', 'archived'] as const;
export const DEPLOYMENT_STATUSES = ['recorded', 'applied', 'failed', 'deleting'] as const;

export const models = mysqlTable(
  'models',
  {
    id: varchar('id', { length: 40 }).primaryKey(),
    tenantId: varchar('tenant_id', { length: 64 }).notNull(),
    name: varchar('name', { length: 128 }).notNull(),
    task: mysqlEnum('task', MODEL_TASKS).notNull(),
    description: text('description'),
    tags: jsonColumn<string[]>('tags').notNull(),
    createdBy: varchar('created_by', { length: 128 }).notNull(),
    ...timestampColumns(),
  },
  (table) => [uniqueIndex('models_tenant_name').on(table.tenantId, table.name), index('models_tenant_id').on(table.tenantId, table.id)],
);

export const modelVersions = mysqlTable(
  'model_versions',
  {
    id: varchar('id', { length: 40 }).primaryKey(),
    tenantId: varchar('tenant_id', { length: 64 }).notNull(),
    modelId: varchar('model_id', { length: 40 })
      .notNull()
      .references(() => models.id, { onDelete: 'restrict' }),
    version: varchar('version', { length: 64 }).notNull(),
    /** `s3://models/<tenant>/<model>/<version>/` */
    artifactUri: varchar('artifact_uri', { length: 1024 }).notNull(),
    format: varchar('format', { length: 32 }).notNull(),
    sizeBytes: bigint('size_bytes', { mode: 'number' }),
    checksum: varchar('checksum', { length: 128 }),
    metadata: jsonColumn<Record<string, unknown>>('metadata').notNull(),
    stage: mysqlEnum('stage', VERSION_STAGES).notNull().default('none'),
    /** Set only while stage = production; its unique index allows one production version per model. */
    productionModelId: varchar('production_model_id', { length: 40 }).generatedAlwaysAs(
      sql`(case when \`stage\` = 'production' then \`model_id\` end)`,
      { mode: 'stored' },
    ),
    createdBy: varchar('created_by', { length: 128 }).notNull(),
    ...timestampColumns(),
  },
  (table) => [
    uniqueIndex('model_versions_model_version').on(table.modelId, table.version),
    uniqueIndex('model_versions_one_production').on(table.productionModelId),
    index('model_versions_tenant_model').on(table.tenantId, table.modelId, table.id),
  ],
);

export interface GpuResources {
  count: number;
  /** e.g. nvidia.com/gpu */
  resourceName: string;
  /** node selector value for the GPU product, e.g. NVIDIA-A100-SXM4-80GB */
  product?: string;
}

/** A model version served under a name by a vLLM Deployment; the name is what `/v1` callers ask for. */
export const servingDeployments = mysqlTable(
  'serving_deployments',
  {
    id: varchar('id', { length: 40 }).primaryKey(),
    tenantId: varchar('tenant_id', { length: 64 }).notNull(),
    servedName: varchar('served_name', { length: 128 }).notNull(),
    modelVersionId: varchar('model_version_id', { length: 40 })
      .notNull()
      .references(() => modelVersions.id, { onDelete: 'restrict' }),
    replicas: int('replicas').notNull(),
    tensorParallelSize: int('tensor_parallel_size').notNull(),
    gpu: jsonColumn<GpuResources>('gpu').notNull(),
    image: varchar('image', { length: 512 }).notNull(),
    args: jsonColumn<string[]>('args').notNull(),
    /** Pool routing strategy for this served name. */
    routing: varchar('routing', { length: 32 }).notNull().default('least-outstanding'),
    fallbackModel: varchar('fallback_model', { length: 128 }),
    status: mysqlEnum('status', DEPLOYMENT_STATUSES).notNull(),
    /** The rendered Deployment + headless Service, as applied (or as they would be). */
    manifests: jsonColumn<Record<string, unknown>[]>('manifests').notNull(),
    lastError: text('last_error'),
    createdBy: varchar('created_by', { length: 128 }).notNull(),
    ...timestampColumns(),
  },
  (table) => [
    // Served names are global: the gateway routes by name alone.
    uniqueIndex('serving_deployments_served_name').on(table.servedName),
    index('serving_deployments_tenant_id').on(table.tenantId, table.id),
  ],
);

/** `/v1` API keys. Only a SHA-256 of the secret is stored; the secret is shown once at creation. */
export const apiKeys = mysqlTable(
  'api_keys',
  {
    id: varchar('id', { length: 40 }).primaryKey(),
    tenantId: varchar('tenant_id', { length: 64 }).notNull(),
    name: varchar('name', { length: 128 }).notNull(),
    /** First characters of the secret, for people to recognise a key in lists. */
    prefix: varchar('prefix', { length: 16 }).notNull(),
    secretHash: varchar('secret_hash', { length: 64 }).notNull(),
    /** Served model names this key may call; null = every model of the tenant. */
    models: jsonColumn<string[] | null>('models'),
    requestsPerMinute: int('requests_per_minute'),
    tokensPerMinute: int('tokens_per_minute'),
    maxConcurrency: int('max_concurrency'),
    expiresAt: datetime('expires_at', { mode: 'date', fsp: 3 }),
    revokedAt: datetime('revoked_at', { mode: 'date', fsp: 3 }),
    createdBy: varchar('created_by', { length: 128 }).notNull(),
    ...timestampColumns(),
  },
  (table) => [uniqueIndex('api_keys_secret_hash').on(table.secretHash), index('api_keys_tenant_id').on(table.tenantId, table.id)],
);

/** Limits for a whole tenant, over all its keys and users; absent = the gateway's defaults. */
export const tenantLimits = mysqlTable('tenant_limits', {
  tenantId: varchar('tenant_id', { length: 64 }).primaryKey(),
  requestsPerMinute: int('requests_per_minute'),
  tokensPerMinute: int('tokens_per_minute'),
  maxConcurrency: int('max_concurrency'),
  ...timestampColumns(),
});

/** Usage per tenant, key, model and hour; written in batches by the gateway. `api_key_id` '' = JWT callers. */
export const usageHourly = mysqlTable(
  'usage_hourly',
  {
    tenantId: varchar('tenant_id', { length: 64 }).notNull(),
    apiKeyId: varchar('api_key_id', { length: 40 }).notNull(),
    model: varchar('model', { length: 128 }).notNull(),
    hour: datetime('hour', { mode: 'date' }).notNull(),
    requests: bigint('requests', { mode: 'number' }).notNull(),
    errors: bigint('errors', { mode: 'number' }).notNull(),
    promptTokens: bigint('prompt_tokens', { mode: 'number' }).notNull(),
    completionTokens: bigint('completion_tokens', { mode: 'number' }).notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.tenantId, table.apiKeyId, table.model, table.hour] }),
    index('usage_hourly_tenant_hour').on(table.tenantId, table.hour),
  ],
);
