// Apart from redis.ts so that validating REDIS_SENTINELS (config.ts, loaded by every service) does not
// load ioredis into services that never use Redis.

export const SENTINELS_EXAMPLE = 'redis-0.redis-headless:26379,redis-1.redis-headless:26379';

const ADDRESS = /^([A-Za-z0-9_.-]+):(\d{1,5})$/;

/** `host:port,host:port` as ioredis sentinel addresses; undefined when an entry is not host:port. */
export function parseSentinels(list: string): { host: string; port: number }[] | undefined {
  const addresses = list.split(',').map((entry) => {
    const [, host, port] = ADDRESS.exec(entry.trim()) ?? [];
    return host && Number(port) >= 1 && Number(port) <= 65535 ? { host, port: Number(port) } : undefined;
  });
  return addresses.every((address) => address !== undefined) ? addresses : undefined;
}
