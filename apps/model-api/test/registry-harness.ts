import { fileURLToPath } from 'node:url';
import type { Role } from '@one-data/auth';
import { createDatabase } from '@one-data/db';
import { createService, loadConfig, type ServiceApp } from '@one-data/service-kit';
import type { S3ObjectStorage } from '@one-data/storage';
import { authEnvFor, type CapturedLogs, captureLogs, createTestDatabase, startTestIdentityProvider, startTestS3Server, type TestDatabase, type TestIdentityProvider, type TestS3Server } from '@one-data/testing';
import { ModelApiConfigSchema, type ModelApiConfig } from '../src/config.js';
import { schema, type ModelDb } from '../src/db/index.js';
import { artifactStorageFromConfig, registryRoutes } from '../src/registry/index.js';
import { servingRoutes, type KubernetesManifest, type ManifestApplier } from '../src/serving/index.js';

export const MIGRATIONS = fileURLToPath(new URL('../drizzle', import.meta.url));
export const ARTIFACTS_BUCKET = 'models';

/** A ManifestApplier double: remembers every call, and fails the calls it is told to fail. */
export class RecordingManifestApplier implements ManifestApplier {
  readonly calls: Array<{ operation: 'apply' | 'delete'; manifests: KubernetesManifest[] }> = [];
  private failures: Error[] = [];

  /** The next call (apply or delete) rejects with this error, once. */
  failNext(error: Error): void {
    this.failures.push(error);
  }

  async apply(manifests: readonly KubernetesManifest[]): Promise<void> {
    this.record('apply', manifests);
  }

  async delete(manifests: readonly KubernetesManifest[]): Promise<void> {
    this.record('delete', manifests);
  }

  private record(operation: 'apply' | 'delete', manifests: readonly KubernetesManifest[]): void {
    this.calls.push({ operation, manifests: structuredClone([...manifests]) });
    const failure = this.failures.shift();
    if (failure) throw failure;
  }
}

export interface RegistryHarness {
  app: ServiceApp;
  config: ModelApiConfig;
  db: ModelDb;
  idp: TestIdentityProvider;
  database: TestDatabase;
  s3: TestS3Server;
  storage: S3ObjectStorage;
  /** null when started with `kubernetes: false` (KUBERNETES_MODE=off). */
  applier: RecordingManifestApplier | null;
  logs: CapturedLogs;
  /** Authorization header for a caller of a tenant with roles. */
  as(tenantId: string, ...roles: Role[]): Promise<{ authorization: string }>;
  close(): Promise<void>;
}

export interface RegistryHarnessOptions {
  env?: Record<string, string>;
  /** Apply through a recording applier (default) or record only, as KUBERNETES_MODE=off does. */
  kubernetes?: boolean;
}

/**
 * The service kit with the registry and serving plugins, over a throwaway database, a local identity
 * provider and an S3 test server — model-api's parts that are not the `/v1` gateway.
 */
export async function startRegistryHarness(options: RegistryHarnessOptions = {}): Promise<RegistryHarness> {
  const kubernetes = options.kubernetes ?? true;
  const database = await createTestDatabase({ migrationsFolder: MIGRATIONS });
  const idp = await startTestIdentityProvider();
  const s3 = await startTestS3Server({ buckets: [ARTIFACTS_BUCKET] });
  const logs = captureLogs();
  const config = loadConfig('model-api', ModelApiConfigSchema, {
    NODE_ENV: 'test',
    LOG_LEVEL: 'trace',
    DATABASE_URL: database.url,
    // Required by the config; nothing here connects to it.
    REDIS_URL: 'redis://127.0.0.1:6379',
    ...authEnvFor(idp),
    ARTIFACTS_S3_ENDPOINT: s3.endpoint,
    ARTIFACTS_S3_REGION: s3.region,
    ARTIFACTS_S3_BUCKET: ARTIFACTS_BUCKET,
    ARTIFACTS_S3_ACCESS_KEY_ID: s3.accessKeyId,
    ARTIFACTS_S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
    KUBERNETES_MODE: kubernetes ? 'in-cluster' : 'off',
    SERVING_NAMESPACE: 'serving-test',
    ...options.env,
  });
  const connection = createDatabase({ url: config.DATABASE_URL, schema, poolSize: 10 });
  const storage = artifactStorageFromConfig(config);
  const applier = kubernetes ? new RecordingManifestApplier() : null;

  const app = await createService({
    name: 'model-api',
    version: '0.0.0-test',
    description: 'model-api registry and serving under test',
    config,
    logStream: logs.stream,
  });
  await app.register(registryRoutes, { db: connection.db, storage, config });
  await app.register(servingRoutes, { db: connection.db, config, applier });
  await app.ready();

  return {
    app,
    config,
    db: connection.db,
    idp,
    database,
    s3,
    storage,
    applier,
    logs,
    as: async (tenantId, ...roles) => ({ authorization: `Bearer ${await idp.token(tenantId, roles)}` }),
    async close() {
      await app.close();
      storage.destroy();
      await connection.close();
      await s3.close();
      await idp.close();
      await database.drop();
    },
  };
}
