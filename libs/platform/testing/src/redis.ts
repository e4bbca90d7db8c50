import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

export const TEST_REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

export interface TestRedis {
  redis: Redis;
  /** Every key this client touches starts with it, so parallel test files never see each other's keys. */
  keyPrefix: string;
  /** Deletes this test's keys and disconnects. */
  cleanup(): Promise<void>;
}

export function createTestRedis(): TestRedis {
  const keyPrefix = `test:${randomBytes(6).toString('hex')}:`;
  const redis = new Redis(TEST_REDIS_URL, { keyPrefix, maxRetriesPerRequest: 1 });
  return {
    redis,
    keyPrefix,
    async cleanup() {
      // SCAN ignores keyPrefix, so match on the full prefix and delete with a prefix-less client.
      const raw = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
      try {
        let cursor = '0';
        do {
          const [next, keys] = await raw.scan(cursor, 'MATCH', `${keyPrefix}*`, 'COUNT', 500);
          if (keys.length > 0) await raw.del(...keys);
          cursor = next;
        } while (cursor !== '0');
      } finally {
        raw.disconnect();
        redis.disconnect();
      }
    },
  };
}
