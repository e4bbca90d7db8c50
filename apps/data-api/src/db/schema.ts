import { jsonColumn, timestampColumns } from '@one-data/db';
import { index, mysqlEnum, mysqlTable, text, uniqueIndex, varchar } from 'drizzle-orm/mysql-core';

export const DATA_SOURCE_TYPES = ['mysql', 's3'] as const;
export type DataSourceType = (typeof DATA_SOURCE_TYPES)[number];

/** Connection definitions. Secrets live only in `credentials_ciphertext` (AES-256-GCM). */
export const dataSources = mysqlTable(
  'data_sources',
  {
    id: varchar('id', { length: 40 }).primaryKey(),
    tenantId: varchar('tenant_id', { length: 64 }).notNull(),
    name: varchar('name', { length: 128 }).notNull(),
    type: mysqlEnum('type', DATA_SOURCE_TYPES).notNull(),
    description: text('description'),
    /** Non-secret connection settings (host, port, bucket, …), shape depends on `type`. */
    config: jsonColumn<Record<string, unknown>>('config').notNull(),
    credentialsCiphertext: text('credentials_ciphertext').notNull(),
    /** Which encryption key sealed the credentials, so keys can rotate. */
    credentialsKeyId: varchar('credentials_key_id', { length: 32 }).notNull(),
    createdBy: varchar('created_by', { length: 128 }).notNull(),
    ...timestampColumns(),
  },
  (table) => [
    uniqueIndex('data_sources_tenant_name').on(table.tenantId, table.name),
    index('data_sources_tenant_id').on(table.tenantId, table.id),
  ],
);

export interface ColumnDefinition {
  name: string;
  type: string;
  nullable?: boolean;
  description?: string;
}

/** A MySQL table, or an S3 prefix holding files of one format. */
export type DatasetLocation = { table: string } | { prefix: string; format: 'csv' | 'jsonl' | 'parquet' | 'json' };

export const datasets = mysqlTable(
  'datasets',
  {
    id: varchar('id', { length: 40 }).primaryKey(),
    tenantId: varchar('tenant_id', { length: 64 }).notNull(),
    name: varchar('name', { length: 128 }).notNull(),
    description: text('description'),
    dataSourceId: varchar('data_source_id', { length: 40 })
      .notNull()
      .references(() => dataSources.id, { onDelete: 'restrict' }),
    location: jsonColumn<DatasetLocation>('location').notNull(),
    tags: jsonColumn<string[]>('tags').notNull(),
    owner: varchar('owner', { length: 128 }).notNull(),
    columns: jsonColumn<ColumnDefinition[]>('columns').notNull(),
    ...timestampColumns(),
  },
  (table) => [
    uniqueIndex('datasets_tenant_name').on(table.tenantId, table.name),
    index('datasets_tenant_id').on(table.tenantId, table.id),
    index('datasets_tenant_source').on(table.tenantId, table.dataSourceId),
  ],
);
