import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { TEST_REDIS_URL, createTestRedis } from './redis.js';

const raw = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
afterAll(() => raw.disconnect());

describe('createTestRedis', () => {
  it('isolates keys between instances, and cleanup removes only its own', async () => {
    const a = createTestRedis();
    const b = createTestRedis();
    try {
      expect(a.keyPrefix).not.toBe(b.keyPrefix);
      await a.redis.set('shared-name', 'from-a');
      await b.redis.set('shared-name', 'from-b');
      await a.redis.hset('hash', { field: '1' });
      await a.redis.xadd('stream', '*', 'event', 'created');
      expect(await a.redis.get('shared-name')).toBe('from-a');
      expect(await b.redis.get('shared-name')).toBe('from-b');
      expect(await raw.get(`${a.keyPrefix}shared-name`)).toBe('from-a');
      expect((await raw.keys(`${a.keyPrefix}*`)).sort()).toEqual([`${a.keyPrefix}hash`, `${a.keyPrefix}shared-name`, `${a.keyPrefix}stream`]);

      await a.cleanup();
      expect(await raw.keys(`${a.keyPrefix}*`)).toEqual([]);
      expect(await raw.get(`${b.keyPrefix}shared-name`)).toBe('from-b');
      expect(await b.redis.get('shared-name')).toBe('from-b');
      expect(a.redis.status).not.toBe('ready');
    } finally {
      await b.cleanup();
    }
    expect(await raw.keys(`${b.keyPrefix}*`)).toEqual([]);
  });

  it('cleanup handles more keys than one SCAN batch', async () => {
    const t = createTestRedis();
    const pipeline = t.redis.pipeline();
    for (let index = 0; index < 1200; index += 1) pipeline.set(`k${index}`, String(index));
    await pipeline.exec();
    expect(await raw.keys(`${t.keyPrefix}*`)).toHaveLength(1200);
    await t.cleanup();
    expect(await raw.keys(`${t.keyPrefix}*`)).toEqual([]);
  });
});
