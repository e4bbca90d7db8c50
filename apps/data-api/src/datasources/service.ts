import { isDuplicateKeyError, isReferencedRowError } from '@one-data/db';
import { assertValid, conflict, decodeCursor, newId, notFound, toPage } from '@one-data/service-kit';
import type { DataSourceType } from '../db/schema.js';
import {
  MysqlConfigSchema,
  MysqlCredentialsSchema,
  S3ConfigSchema,
  S3CredentialsSchema,
  type ConnectionTestResult,
  type CreateDataSource,
  type DataSource,
  type ListDataSourcesQuery,
  type UpdateDataSource,
} from '../schemas/datasource.js';
import type { Actor } from '../tenancy.js';
import { testMysqlConnection, testS3Connection } from './connection-test.js';
import type { CredentialsCipher } from './credentials-cipher.js';
import type { DataSourcePatch, DataSourceRepository, DataSourceRow } from './repository.js';

const SCHEMAS = {
  mysql: { config: MysqlConfigSchema, credentials: MysqlCredentialsSchema },
  s3: { config: S3ConfigSchema, credentials: S3CredentialsSchema },
} as const;

export const toDataSource = (row: DataSourceRow): DataSource => ({
  id: row.id,
  name: row.name,
  type: row.type,
  description: row.description,
  config: row.config,
  createdBy: row.createdBy,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});

const nameTaken = (name: string) =>
  conflict('name_taken', 'Name already in use', { detail: `A data source named '${name}' already exists.` });

/** Binds sealed credentials to their row: the tenant and the id are the cipher's associated data. */
const sealContext = (tenantId: string, id: string): string => `data_source:${tenantId}:${id}`;

export class DataSourceService {
  constructor(
    private readonly repository: DataSourceRepository,
    private readonly cipher: CredentialsCipher,
    private readonly connectionTestTimeoutMs: number,
  ) {}

  async create(actor: Actor, input: CreateDataSource): Promise<DataSource> {
    const schemas = SCHEMAS[input.type];
    const config = assertValid(schemas.config, input.config, '/body/config');
    const credentials = assertValid(schemas.credentials, input.credentials, '/body/credentials');
    const id = newId('dsrc');
    const sealed = this.cipher.seal(credentials, sealContext(actor.tenantId, id));
    try {
      await this.repository.insert({
        id,
        tenantId: actor.tenantId,
        name: input.name,
        type: input.type,
        description: input.description ?? null,
        config,
        credentialsCiphertext: sealed.ciphertext,
        credentialsKeyId: sealed.keyId,
        createdBy: actor.subject,
      });
    } catch (error) {
      if (isDuplicateKeyError(error)) throw nameTaken(input.name);
      throw error;
    }
    return toDataSource(await this.getRow(actor, id));
  }

  async list(actor: Actor, query: ListDataSourcesQuery) {
    const beforeId = query.cursor ? decodeCursor(query.cursor, { id: 'string' }).id : undefined;
    const rows = await this.repository.list(actor.tenantId, {
      limit: query.limit,
      ...(beforeId ? { beforeId } : {}),
      ...(query.type ? { type: query.type } : {}),
      ...(query.q ? { nameContains: query.q } : {}),
    });
    return toPage(rows, query.limit, (row) => ({ id: row.id }), toDataSource);
  }

  async get(actor: Actor, id: string): Promise<DataSource> {
    return toDataSource(await this.getRow(actor, id));
  }

  async update(actor: Actor, id: string, input: UpdateDataSource): Promise<DataSource> {
    const current = await this.getRow(actor, id);
    const schemas = SCHEMAS[current.type];
    const patch: DataSourcePatch = {};
    if (input.name !== undefined) patch.name = input.name;
    if (input.description !== undefined) patch.description = input.description;
    if (input.config !== undefined) patch.config = assertValid(schemas.config, input.config, '/body/config');
    if (input.credentials !== undefined) {
      const credentials = assertValid(schemas.credentials, input.credentials, '/body/credentials');
      const sealed = this.cipher.seal(credentials, sealContext(actor.tenantId, id));
      patch.credentialsCiphertext = sealed.ciphertext;
      patch.credentialsKeyId = sealed.keyId;
    }
    try {
      await this.repository.update(actor.tenantId, id, patch);
    } catch (error) {
      if (isDuplicateKeyError(error) && input.name !== undefined) throw nameTaken(input.name);
      throw error;
    }
    return toDataSource(await this.getRow(actor, id));
  }

  async delete(actor: Actor, id: string): Promise<void> {
    try {
      if (!(await this.repository.delete(actor.tenantId, id))) throw notFound('data source', id);
    } catch (error) {
      if (isReferencedRowError(error)) {
        throw conflict('data_source_in_use', 'Data source in use', {
          detail: 'Datasets still point at this data source; delete or move them first.',
        });
      }
      throw error;
    }
  }

  /** Really connects with the stored credentials and reports the driver's answer. */
  async testConnection(actor: Actor, id: string): Promise<ConnectionTestResult> {
    const row = await this.getRow(actor, id);
    const credentials = this.cipher.open(
      { keyId: row.credentialsKeyId, ciphertext: row.credentialsCiphertext },
      sealContext(actor.tenantId, id),
    );
    return this.runTest(row.type, row.config, credentials);
  }

  private runTest(type: DataSourceType, config: unknown, credentials: unknown): Promise<ConnectionTestResult> {
    const timeout = this.connectionTestTimeoutMs;
    if (type === 'mysql') {
      return testMysqlConnection(
        assertValid(MysqlConfigSchema, config, '/config'),
        assertValid(MysqlCredentialsSchema, credentials, '/credentials'),
        timeout,
      );
    }
    return testS3Connection(
      assertValid(S3ConfigSchema, config, '/config'),
      assertValid(S3CredentialsSchema, credentials, '/credentials'),
      timeout,
    );
  }

  private async getRow(actor: Actor, id: string): Promise<DataSourceRow> {
    const row = await this.repository.findById(actor.tenantId, id);
    if (!row) throw notFound('data source', id);
    return row;
  }
}
