import { Redis, type RedisOptions } from 'ioredis';
import type { CommonConfig } from './config.js';
import { SENTINELS_EXAMPLE, parseSentinels } from './sentinels.js';

export type RedisConfig = Pick<CommonConfig, 'REDIS_URL' | 'REDIS_SENTINELS' | 'REDIS_SENTINEL_MASTER'>;

/** The password of a redis:// URL, decoded as ioredis decodes it; undefined when it has none. */
function redisUrlPassword(url: string | undefined): string | undefined {
  if (!url) return undefined;
  const password = decodeURIComponent(new URL(url).password);
  return password === '' ? undefined : password;
}

/**
 * The one way a service connects to Redis. With REDIS_SENTINELS, ioredis asks the sentinels for the
 * current primary of REDIS_SENTINEL_MASTER, and asks again after a failover; REDIS_URL then only
 * supplies username, password, database and TLS (its host and port are not used). The sentinels are
 * password-protected with the Redis password (the infrastructure chart's `requirepass`), so REDIS_URL's
 * password authenticates to them as well. Without sentinels REDIS_URL is the server. `duplicate()`
 * keeps the mode, so a subscriber follows failovers too.
 */
export function createRedisClient(config: RedisConfig, options: RedisOptions = {}): Redis {
  if (!config.REDIS_SENTINELS) {
    if (!config.REDIS_URL) throw new Error('Redis is not configured: set REDIS_URL (or REDIS_SENTINELS)');
    return new Redis(config.REDIS_URL, options);
  }
  const sentinels = parseSentinels(config.REDIS_SENTINELS);
  if (!sentinels) throw new Error(`REDIS_SENTINELS must be a comma-separated list of host:port, e.g. ${SENTINELS_EXAMPLE}`);
  const sentinelOptions: RedisOptions = {
    // Reconnect as soon as a sentinel announces a new primary, rather than when the old one's
    // connection finally breaks (a partitioned node may never close it).
    failoverDetector: true,
    // ioredis speaks plain TCP to the primary in sentinel mode unless told otherwise: keep rediss:// meaning TLS.
    enableTLSForSentinelMode: config.REDIS_URL?.startsWith('rediss://') ?? false,
    // Sentinels authenticate as the default user: the password only, not the URL's (ACL) username.
    sentinelPassword: redisUrlPassword(config.REDIS_URL),
    ...options,
    sentinels,
    name: config.REDIS_SENTINEL_MASTER,
  };
  return config.REDIS_URL ? new Redis(config.REDIS_URL, sentinelOptions) : new Redis(sentinelOptions);
}
