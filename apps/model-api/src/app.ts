import type { Principal } from '@one-data/auth';
import { createDatabase, registerDatabase } from '@one-data/db';
import { createService, type ServiceApp, type ServiceOptions } from '@one-data/service-kit';
import { createRedisClient } from '@one-data/service-kit/redis';
import { ApiKeyRepository } from './apikeys/repository.js';
import { API_KEY_PREFIX } from './apikeys/secrets.js';
import { ApiKeyService } from './apikeys/service.js';
import { ApiKeyStore } from './apikeys/store.js';
import type { ModelApiConfig } from './config.js';
import { schema } from './db/index.js';
import { Discovery, parseStaticPools, staticPoolsFrom, type DeployedPool } from './gateway/discovery.js';
import { InferenceGateway } from './gateway/gateway.js';
import { HealthProber } from './gateway/health-prober.js';
import { RateLimiter } from './gateway/limits.js';
import { createGatewayMetrics } from './gateway/metrics.js';
import { PoolRegistry } from './gateway/pools.js';
import { InferenceProxy } from './gateway/proxy.js';
import { TenantLimits } from './gateway/tenant-limits.js';
import { UsageRecorder } from './gateway/usage.js';
import { apiKeyRoutes } from './routes/api-keys.js';
import { inferenceRoutes } from './routes/inference.js';
import { usageRoutes } from './routes/usage.js';
import { artifactStorageFromConfig, registryRoutes } from './registry/index.js';
import { createManifestApplier, listServedPools, servingRoutes } from './serving/index.js';

export const SERVICE_NAME = 'model-api';

export interface BuildOptions extends Pick<ServiceOptions, 'logStream'> {
  /** Where serving deployments' pools come from; defaults to the model-api's own deployments. */
  deployedPools?: () => Promise<DeployedPool[]>;
}

/**
 * Wires the model API: the `/v1` OpenAI-compatible gateway in front of the vLLM pools (API keys,
 * limits in Redis, usage in MySQL), and the `/api/v1` management routes.
 */
export async function buildApp(config: ModelApiConfig, options: BuildOptions = {}): Promise<ServiceApp> {
  parseStaticPools(config.SERVING_POOLS); // fail at start-up, not at the first request
  const database = createDatabase({ url: config.DATABASE_URL, schema });
  // Commands fail fast while Redis is away, so the limiter's fail-open/closed policy decides, not a queue.
  const redis = createRedisClient(config, {
    keyPrefix: config.REDIS_KEY_PREFIX,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    commandTimeout: 1000,
    // Commands issued in the same tick (many concurrent admissions and releases) share one write.
    enableAutoPipelining: true,
  });
  // A subscribed connection can do nothing else, and must wait for Redis rather than fail fast.
  const subscriber = redis.duplicate({ enableOfflineQueue: true, enableReadyCheck: false, maxRetriesPerRequest: null });
  // Redis outages are reported once a minute, not once per reconnect attempt; the limiter's policy
  // decides what requests get meanwhile. Start-up does not wait for Redis.
  let reportRedisErrors: (error: Error) => void = () => undefined;
  let lastRedisWarning = 0;
  const onRedisError = (error: Error) => {
    if (Date.now() - lastRedisWarning < 60_000) return;
    lastRedisWarning = Date.now();
    reportRedisErrors(error);
  };
  redis.on('error', onRedisError);
  subscriber.on('error', onRedisError);
  const apiKeyRepository = new ApiKeyRepository(database.db);
  const apiKeyStore = new ApiKeyStore(apiKeyRepository, config.API_KEY_CACHE_MS, redis, (error) =>
    app.log.error({ err: error }, 'could not broadcast an API key change to the other replicas'),
  );

  const { deployedPools, ...serviceOptions } = options;
  const app = await createService({
    name: SERVICE_NAME,
    version: process.env['npm_package_version'] ?? '0.1.0',
    description: 'Model registry, serving deployments, API keys and usage, and the OpenAI-compatible gateway to vLLM',
    config,
    ...serviceOptions,
    apiKeys: {
      prefix: API_KEY_PREFIX,
      verify: async (secret, request): Promise<Principal | null> => {
        const row = await apiKeyStore.resolve(secret);
        if (!row) return null;
        request.apiKey = row;
        // Keys call the inference API only: no role, so every management route answers 403.
        return { subject: `api-key:${row.id}`, tenantId: row.tenantId, roles: [], scopes: ['inference'], via: 'api-key' };
      },
    },
  });
  app.decorateRequest('apiKey', null);
  registerDatabase(app, database);
  if (config.LIMITS_FAIL_MODE === 'closed') app.health.addCheck('redis', async () => void (await redis.ping()));

  reportRedisErrors = (error) => app.log.warn({ err: error }, 'Redis unreachable');
  apiKeyStore.listen(subscriber).catch(onRedisError);
  const apiKeys = new ApiKeyService(apiKeyRepository, apiKeyStore);

  const pools = new PoolRegistry(
    {
      connectTimeoutMs: config.UPSTREAM_CONNECT_TIMEOUT_MS,
      firstByteTimeoutMs: config.UPSTREAM_FIRST_BYTE_TIMEOUT_MS,
      idleTimeoutMs: config.UPSTREAM_IDLE_TIMEOUT_MS,
      connections: config.UPSTREAM_CONNECTIONS_PER_ENDPOINT,
      ejectAfterFailures: config.EJECT_AFTER_FAILURES,
      ejectCooldownMs: config.EJECT_COOLDOWN_MS,
    },
    config.PREFIX_AFFINITY_LOAD_FACTOR,
  );
  const discovery = new Discovery(
    pools,
    {
      staticPools: staticPoolsFrom(config.SERVING_POOLS, config.SERVING_POOLS_FILE),
      // Only applied deployments have pods behind their DNS name; recorded ones are not served.
      deployedPools:
        deployedPools ?? (async () => (await listServedPools(database.db)).filter((pool) => pool.status === 'applied')),
    },
    app.log,
  );
  await discovery.refresh();
  discovery.start(config.DISCOVERY_INTERVAL_MS);
  const prober = new HealthProber(pools, config.HEALTH_PROBE_TIMEOUT_MS, app.log);
  await prober.probeAll();
  prober.start(config.HEALTH_PROBE_INTERVAL_MS);

  const metrics = createGatewayMetrics(app.metrics, pools);
  const usage = new UsageRecorder(database.db, app.log);
  usage.start(config.USAGE_FLUSH_INTERVAL_MS);
  const limiter = new RateLimiter(redis, {
    failMode: config.LIMITS_FAIL_MODE,
    slotTtlMs: config.UPSTREAM_FIRST_BYTE_TIMEOUT_MS + config.REQUEST_TIMEOUT_MS,
    onUnavailable: () => metrics.limiterUnavailable.inc(),
    log: app.log,
  });
  const tenantLimits = new TenantLimits(database.db, {
    requestsPerMinute: config.TENANT_REQUESTS_PER_MINUTE || null,
    tokensPerMinute: config.TENANT_TOKENS_PER_MINUTE || null,
    maxConcurrency: config.TENANT_MAX_CONCURRENCY || null,
  });
  const proxy = new InferenceProxy(pools, metrics, {
    maxAttempts: config.UPSTREAM_MAX_ATTEMPTS,
    maxRetryAfterMs: config.UPSTREAM_MAX_RETRY_AFTER_MS,
    prefixAffinityChars: config.PREFIX_AFFINITY_CHARS,
  });
  const gateway = new InferenceGateway(pools, proxy, limiter, tenantLimits, usage, metrics);

  app.addHook('onClose', async () => {
    discovery.stop();
    prober.stop();
    await usage.close();
    await pools.close();
    subscriber.disconnect();
    redis.disconnect();
  });

  await app.register(inferenceRoutes, { prefix: '/v1', gateway, bodyLimit: config.GATEWAY_BODY_LIMIT_BYTES });
  await app.register(apiKeyRoutes, { prefix: '/api/v1/api-keys', apiKeys });
  await app.register(usageRoutes, { prefix: '/api/v1/usage', db: database.db });
  const storage = artifactStorageFromConfig(config);
  app.addHook('onClose', async () => storage.destroy());
  await app.register(registryRoutes, { db: database.db, storage, config });
  await app.register(servingRoutes, { db: database.db, config, applier: await createManifestApplier(config) });
  return app;
}
