import { Description, ResourceName, type Static, Timestamp, Type } from '@one-data/service-kit';
import { PageQueryProperties, PageSchema } from '@one-data/service-kit';
import { DATA_SOURCE_TYPES } from '../db/schema.js';

const SourceType = Type.Union(
  [Type.Literal(DATA_SOURCE_TYPES[0]), Type.Literal(DATA_SOURCE_TYPES[1])],
  { description: 'mysql: a MySQL/MariaDB database; s3: an S3 (MinIO) bucket' },
);

/** Settings per type, validated once the type is known so errors name the exact field. */
export const MysqlConfigSchema = Type.Object(
  {
    host: Type.String({ minLength: 1, maxLength: 255 }),
    port: Type.Integer({ minimum: 1, maximum: 65535, default: 3306 }),
    database: Type.String({ minLength: 1, maxLength: 64 }),
    user: Type.String({ minLength: 1, maxLength: 128 }),
    tls: Type.Boolean({ default: false }),
  },
  { additionalProperties: false },
);
export const MysqlCredentialsSchema = Type.Object(
  { password: Type.String({ maxLength: 1024 }) },
  { additionalProperties: false },
);
export const S3ConfigSchema = Type.Object(
  {
    endpoint: Type.Optional(Type.String({ pattern: '^https?://', maxLength: 512, description: 'MinIO / S3 endpoint URL' })),
    region: Type.String({ minLength: 1, maxLength: 64, default: 'us-east-1' }),
    bucket: Type.String({ minLength: 3, maxLength: 63, pattern: '^[a-z0-9][a-z0-9.-]*[a-z0-9]$' }),
    forcePathStyle: Type.Boolean({ default: true, description: 'Path-style addressing, as MinIO needs' }),
  },
  { additionalProperties: false },
);
export const S3CredentialsSchema = Type.Object(
  {
    accessKeyId: Type.String({ minLength: 1, maxLength: 256 }),
    secretAccessKey: Type.String({ minLength: 1, maxLength: 1024 }),
  },
  { additionalProperties: false },
);

const ConfigByType = Type.Object(
  {},
  {
    additionalProperties: true,
    description:
      'Connection settings. mysql: {host, port=3306, database, user, tls=false}; ' +
      's3: {endpoint?, region="us-east-1", bucket, forcePathStyle=true}',
  },
);
const CredentialsByType = Type.Object(
  {},
  {
    additionalProperties: true,
    writeOnly: true,
    description:
      'Secrets, encrypted at rest and never returned. mysql: {password}; s3: {accessKeyId, secretAccessKey}',
  },
);

export const DataSourceSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    type: SourceType,
    description: Type.Union([Type.String(), Type.Null()]),
    config: Type.Object({}, { additionalProperties: true }),
    createdBy: Type.String(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'DataSource', description: 'A data source; its credentials are write-only and never appear here' },
);

export const CreateDataSourceSchema = Type.Object(
  {
    name: ResourceName,
    type: SourceType,
    description: Type.Optional(Description),
    config: ConfigByType,
    credentials: CredentialsByType,
  },
  { additionalProperties: false },
);

export const UpdateDataSourceSchema = Type.Object(
  {
    name: Type.Optional(ResourceName),
    description: Type.Optional(Type.Union([Description, Type.Null()])),
    config: Type.Optional(ConfigByType),
    credentials: Type.Optional(CredentialsByType),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const ListDataSourcesQuerySchema = Type.Object(
  {
    ...PageQueryProperties,
    type: Type.Optional(SourceType),
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 128, description: 'Text the name contains' })),
  },
  { additionalProperties: false },
);

export const DataSourcePageSchema = PageSchema(DataSourceSchema);

export const ConnectionTestResultSchema = Type.Object({
  ok: Type.Boolean(),
  latencyMs: Type.Integer(),
  error: Type.Optional(Type.String({ description: "The driver's error text when the connection failed" })),
  errorCode: Type.Optional(Type.String()),
});

export type DataSource = Static<typeof DataSourceSchema>;
export type CreateDataSource = Static<typeof CreateDataSourceSchema>;
export type UpdateDataSource = Static<typeof UpdateDataSourceSchema>;
export type ListDataSourcesQuery = Static<typeof ListDataSourcesQuerySchema>;
export type ConnectionTestResult = Static<typeof ConnectionTestResultSchema>;
export type MysqlConfig = Static<typeof MysqlConfigSchema>;
export type MysqlCredentials = Static<typeof MysqlCredentialsSchema>;
export type S3Config = Static<typeof S3ConfigSchema>;
export type S3Credentials = Static<typeof S3CredentialsSchema>;
