import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { Role } from '@one-data/auth';
import { loadConfig, type ServiceApp } from '@one-data/service-kit';
import { authEnvFor, type CapturedLogs, captureLogs, createTestDatabase, startTestIdentityProvider, type TestDatabase, type TestIdentityProvider } from '@one-data/testing';
import { buildApp } from '../src/app.js';
import { DataApiConfigSchema, type DataApiConfig } from '../src/config.js';

export const MIGRATIONS = fileURLToPath(new URL('../drizzle', import.meta.url));

/** A 32-byte test key, fresh per harness. */
export const testKeyring = (id = 'k1') => `${id}:${randomBytes(32).toString('base64')}`;

export interface Harness {
  app: ServiceApp;
  config: DataApiConfig;
  idp: TestIdentityProvider;
  database: TestDatabase;
  logs: CapturedLogs;
  /** Authorization header for a caller of a tenant with roles. */
  as(tenantId: string, ...roles: Role[]): Promise<{ authorization: string }>;
  close(): Promise<void>;
}

/** The environment a data-api under test needs: its database, the local identity provider, a fresh key. */
export const testEnv = (idp: TestIdentityProvider, databaseUrl: string): Record<string, string> => ({
  NODE_ENV: 'test',
  DATABASE_URL: databaseUrl,
  ...authEnvFor(idp),
  CREDENTIALS_KEYS: testKeyring(),
  CREDENTIALS_ACTIVE_KEY_ID: 'k1',
});

export function configFor(idp: TestIdentityProvider, databaseUrl: string, env: Record<string, string> = {}) {
  return loadConfig('data-api', DataApiConfigSchema, {
    ...testEnv(idp, databaseUrl),
    LOG_LEVEL: 'trace',
    CONNECTION_TEST_TIMEOUT_MS: '3000',
    ...env,
  });
}

/** The whole data-api over a throwaway database and a local identity provider, for `inject` tests. */
export async function startHarness(env: Record<string, string> = {}): Promise<Harness> {
  const database = await createTestDatabase({ migrationsFolder: MIGRATIONS });
  const idp = await startTestIdentityProvider();
  const logs = captureLogs();
  const config = configFor(idp, database.url, env);
  const app = await buildApp(config, { logStream: logs.stream });
  await app.ready();
  return {
    app,
    config,
    idp,
    database,
    logs,
    as: async (tenantId, ...roles) => ({ authorization: `Bearer ${await idp.token(tenantId, roles)}` }),
    async close() {
      await app.close();
      await idp.close();
      await database.drop();
    },
  };
}
