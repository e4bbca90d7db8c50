import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { loadConfig, type ServiceApp } from '@one-data/service-kit';
import { authEnvFor, type CapturedLogs, captureLogs, createTestDatabase, type EmulatorOptions, startTestIdentityProvider, startVllmEmulator, TEST_REDIS_URL, type TestDatabase, type TestIdentityProvider, type VllmEmulator } from '@one-data/testing';
import { buildApp, type BuildOptions } from '../src/app.js';
import { ModelApiConfigSchema, type ModelApiConfig } from '../src/config.js';

export const MIGRATIONS = fileURLToPath(new URL('../drizzle', import.meta.url));

export interface GatewayHarness {
  app: ServiceApp;
  config: ModelApiConfig;
  idp: TestIdentityProvider;
  database: TestDatabase;
  logs: CapturedLogs;
  emulators: VllmEmulator[];
  /** Unique per harness, so parallel test files never share limit counters. */
  tenant: string;
  redisKeyPrefix: string;
  bearer(roles?: string[], tenant?: string): Promise<{ authorization: string }>;
  /** Issues an API key through the API and returns its secret and id. */
  issueKey(body?: Record<string, unknown>, tenant?: string): Promise<{ id: string; secret: string }>;
  /** Another app instance over the same database and Redis (a second gateway replica). */
  replica(env?: Record<string, string>): Promise<ServiceApp>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  /** One emulator per entry. */
  emulators?: EmulatorOptions[];
  /** SERVING_POOLS built from the emulators' URLs. */
  pools?: (emulators: VllmEmulator[]) => unknown[];
  env?: Record<string, string>;
  build?: BuildOptions;
}

export async function startGatewayHarness(options: HarnessOptions = {}): Promise<GatewayHarness> {
  const database = await createTestDatabase({ migrationsFolder: MIGRATIONS });
  const idp = await startTestIdentityProvider();
  const emulators = await Promise.all((options.emulators ?? [{}]).map((emulator) => startVllmEmulator(emulator)));
  const pools = options.pools
    ? options.pools(emulators)
    : [{ model: 'emulated-model', endpoints: emulators.map((emulator) => emulator.url) }];
  const redisKeyPrefix = `test:${randomBytes(5).toString('hex')}:`;
  const tenant = `tenant-${randomBytes(3).toString('hex')}`;
  const env = {
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    DATABASE_URL: database.url,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_KEY_PREFIX: redisKeyPrefix,
    ...authEnvFor(idp),
    SERVING_POOLS: JSON.stringify(pools),
    HEALTH_PROBE_INTERVAL_MS: '200',
    EJECT_COOLDOWN_MS: '500',
    USAGE_FLUSH_INTERVAL_MS: '200',
    ...options.env,
  };
  const logs = captureLogs();
  const config = loadConfig('model-api', ModelApiConfigSchema, env);
  const app = await buildApp(config, { logStream: logs.stream, ...options.build });
  await app.ready();
  const replicas: ServiceApp[] = [];
  const bearer = async (roles: string[] = ['developer'], forTenant = tenant) => ({
    authorization: `Bearer ${await idp.token(forTenant, roles)}`,
  });
  return {
    app,
    config,
    idp,
    database,
    logs,
    emulators,
    tenant,
    redisKeyPrefix,
    bearer,
    async issueKey(body = {}, forTenant = tenant) {
      const response = await app.inject({
        method: 'POST',
        url: '/api/v1/api-keys',
        headers: await bearer(['developer'], forTenant),
        payload: { name: `key-${randomBytes(3).toString('hex')}`, ...body },
      });
      if (response.statusCode !== 201) throw new Error(`issuing a key failed: ${response.body}`);
      const { id, secret } = response.json() as { id: string; secret: string };
      return { id, secret };
    },
    async replica(extraEnv = {}) {
      const replica = await buildApp(loadConfig('model-api', ModelApiConfigSchema, { ...env, ...extraEnv }), {
        logStream: captureLogs().stream,
        ...options.build,
      });
      await replica.ready();
      replicas.push(replica);
      return replica;
    },
    async close() {
      await Promise.all(replicas.map((replica) => replica.close()));
      await app.close();
      await Promise.all(emulators.map((emulator) => emulator.close()));
      await idp.close();
      await database.drop();
    },
  };
}

/** Listens on an ephemeral port, for clients that need a real socket (openai, streaming, aborts). */
export async function listen(app: ServiceApp): Promise<string> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address() as { port: number };
  return `http://127.0.0.1:${address.port}`;
}
