import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { TEST_REDIS_URL, redisServerUnavailable, startRedisSentinel, startRedisServer, type RedisProcess } from '@one-data/testing';
import { createRedisClient } from './redis.js';
import { parseSentinels } from './sentinels.js';

const unavailable = redisServerUnavailable();
if (unavailable) console.warn(`Skipping the Redis Sentinel tests: ${unavailable}`);

// Everything a test starts, stopped after it whatever happened.
const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
const started = (process: RedisProcess): RedisProcess => {
  cleanups.push(() => process.stop());
  return process;
};
const client = (redis: Redis): Redis => {
  redis.on('error', () => undefined); // refused connections while the primary is down are expected
  cleanups.push(() => redis.disconnect());
  return redis;
};

/** The port of the server a client is connected to, as that server reports it. */
const serverPort = async (redis: Redis): Promise<number> => Number(/tcp_port:(\d+)/.exec(await redis.info('server'))?.[1]);

describe('parseSentinels', () => {
  it('turns host:port lists into ioredis sentinel addresses', () => {
    expect(parseSentinels('redis-0.redis-headless:26379, 127.0.0.1:26380')).toEqual([
      { host: 'redis-0.redis-headless', port: 26379 },
      { host: '127.0.0.1', port: 26380 },
    ]);
    expect(parseSentinels('redis-0')).toBeUndefined();
  });
});

describe('createRedisClient', () => {
  it('without sentinels connects to REDIS_URL, and refuses to guess when nothing is configured', async () => {
    const redis = client(createRedisClient({ REDIS_URL: TEST_REDIS_URL, REDIS_SENTINEL_MASTER: 'one-data' }, { maxRetriesPerRequest: 1 }));
    expect(await redis.ping()).toBe('PONG');
    expect(() => createRedisClient({ REDIS_SENTINEL_MASTER: 'one-data' })).toThrow(/REDIS_URL/);
  });

  it.skipIf(unavailable)('through a real Sentinel: the address comes from the sentinel, credentials and db from REDIS_URL', async () => {
    const local = new URL(TEST_REDIS_URL);
    const name = `test-${randomBytes(4).toString('hex')}`;
    const sentinel = started(
      await startRedisSentinel(name, { host: local.hostname, port: Number(local.port || 6379), password: decodeURIComponent(local.password) }),
    );
    // Nothing listens on port 1: the client can only have reached Redis through the sentinel.
    const url = new URL(TEST_REDIS_URL);
    url.hostname = '127.0.0.1';
    url.port = '1';
    url.pathname = '/2';
    const keyPrefix = `test:${randomBytes(6).toString('hex')}:`;
    const redis = client(
      createRedisClient(
        { REDIS_URL: url.toString(), REDIS_SENTINELS: `${sentinel.host}:${sentinel.port}`, REDIS_SENTINEL_MASTER: name },
        { keyPrefix, maxRetriesPerRequest: 1 },
      ),
    );
    const raw = client(new Redis(TEST_REDIS_URL, { db: 2, maxRetriesPerRequest: 1 }));
    cleanups.push(() => raw.del(`${keyPrefix}greeting`));

    await redis.set('greeting', 'hello through sentinel');
    expect(await redis.get('greeting')).toBe('hello through sentinel');
    expect(await raw.get(`${keyPrefix}greeting`)).toBe('hello through sentinel'); // in db 2, as the URL says
    expect(redis.options.sentinels).toEqual([{ host: '127.0.0.1', port: sentinel.port }]);
  });

  it.skipIf(unavailable)('authenticates to a sentinel that requires the Redis password (requirepass) with REDIS_URL\'s password, and fails with NOAUTH without it', async () => {
    // As the infrastructure chart runs them: one password for the servers and the sentinels. The
    // characters that need percent-encoding in a URL show that the client decodes it.
    const password = `p@ss word/${randomBytes(4).toString('hex')}`;
    const primary = started(await startRedisServer({ password }));
    const name = `test-${randomBytes(4).toString('hex')}`;
    const sentinel = started(await startRedisSentinel(name, { ...primary, password }, { requirepass: password }));
    const config = (url: string) => ({ REDIS_URL: url, REDIS_SENTINELS: `${sentinel.host}:${sentinel.port}`, REDIS_SENTINEL_MASTER: name });

    const redis = client(createRedisClient(config(`redis://:${encodeURIComponent(password)}@127.0.0.1:1/0`), { maxRetriesPerRequest: 1 }));
    expect(await redis.ping()).toBe('PONG');
    expect(await serverPort(redis)).toBe(primary.port);

    // No retries: the first round over the sentinels decides.
    const once = { lazyConnect: true, sentinelRetryStrategy: () => null, maxRetriesPerRequest: 0 };
    const anonymous = client(createRedisClient(config('redis://127.0.0.1:1/0'), once));
    await expect(anonymous.connect()).rejects.toThrow(/NOAUTH Authentication required/);
    const wrong = client(createRedisClient(config('redis://:wrong@127.0.0.1:1/0'), once));
    await expect(wrong.connect()).rejects.toThrow(/WRONGPASS/);
  });

  it.skipIf(unavailable)('follows a failover when the primary dies: commands and a duplicate()d subscriber move to the promoted replica', async () => {
    // Password-protected servers and sentinel, as in the charts: failover detection authenticates too.
    const password = randomBytes(12).toString('hex');
    const primary = started(await startRedisServer({ password }));
    const replica = started(await startRedisServer({ replicaOf: primary.port, password }));
    const name = `test-${randomBytes(4).toString('hex')}`;
    const sentinel = started(await startRedisSentinel(name, { ...primary, password }, { requirepass: password }));
    const config = { REDIS_URL: `redis://:${password}@127.0.0.1:1/0`, REDIS_SENTINELS: `${sentinel.host}:${sentinel.port}`, REDIS_SENTINEL_MASTER: name };
    const redis = client(createRedisClient(config));
    const subscriber = client(redis.duplicate());
    await subscriber.subscribe('events');
    const admin = client(new Redis({ host: sentinel.host, port: sentinel.port, password }));

    await redis.set('before', 'written to the first primary');
    expect(await serverPort(redis)).toBe(primary.port);
    expect(await redis.wait(1, 5000)).toBe(1); // replicated before the primary goes
    // The sentinel only promotes a replica it has seen in sync.
    await expect
      .poll(async () => ((await admin.call('SENTINEL', 'REPLICAS', name)) as string[][]).map((fields) => fields.join(' ')).join('\n'), { timeout: 10_000 })
      .toMatch(new RegExp(`port ${replica.port} .*flags slave .*master-link-status ok`));

    await primary.stop();
    // Down after 1 s, then promoted: the client asks the sentinel and lands on the replica.
    await expect.poll(() => serverPort(redis), { timeout: 20_000, interval: 250 }).toBe(replica.port);
    expect(await redis.get('before')).toBe('written to the first primary');
    await redis.set('after', 'written to the promoted replica');
    // Only the promoted replica is left, so a message reaching the subscriber proves it moved too.
    const message = once(subscriber, 'message');
    await expect.poll(() => redis.publish('events', 'after failover'), { timeout: 10_000, interval: 250 }).toBe(1);
    expect(await message).toEqual(['events', 'after failover']);
  }, 40_000);
});
