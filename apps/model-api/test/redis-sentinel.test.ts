import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceApp } from '@one-data/service-kit';
import { TEST_REDIS_URL, redisServerUnavailable, startRedisSentinel, type RedisProcess } from '@one-data/testing';
import { startGatewayHarness, type GatewayHarness } from './harness.js';

const unavailable = redisServerUnavailable();
if (unavailable) console.warn(`Skipping model-api through Redis Sentinel: ${unavailable}`);

let sentinel: RedisProcess | undefined;
let h: GatewayHarness;
let replica: ServiceApp;

describe.skipIf(unavailable)('model-api with REDIS_SENTINELS (a real Sentinel in front of the local Redis)', () => {
  beforeAll(async () => {
    const local = new URL(TEST_REDIS_URL);
    const name = `test-${randomBytes(4).toString('hex')}`;
    sentinel = await startRedisSentinel(name, { host: local.hostname, port: Number(local.port || 6379), password: decodeURIComponent(local.password) });
    // Nothing listens on port 1: Redis is reachable only through the sentinel.
    const url = new URL(TEST_REDIS_URL);
    url.hostname = '127.0.0.1';
    url.port = '1';
    h = await startGatewayHarness({
      env: {
        REDIS_URL: url.toString(),
        REDIS_SENTINELS: `${sentinel.host}:${sentinel.port}`,
        REDIS_SENTINEL_MASTER: name,
        LIMITS_FAIL_MODE: 'closed', // a Redis the gateway cannot reach shows as 503, not as unlimited 200s
      },
    });
    replica = await h.replica();
  });

  afterAll(async () => {
    await h?.close();
    await sentinel?.stop();
  });

  it('is ready (its Redis check passes), and shares limits and revocations between replicas', async () => {
    for (const app of [h.app, replica]) {
      await expect.poll(async () => (await app.inject({ method: 'GET', url: '/ready' })).json().checks?.redis?.status, { timeout: 10_000 }).toBe('up');
    }
    const { id, secret } = await h.issueKey({ requestsPerMinute: 2 });
    const chat = (app: ServiceApp) =>
      app.inject({
        method: 'POST',
        url: '/v1/chat/completions',
        headers: { authorization: `Bearer ${secret}` },
        payload: { model: 'emulated-model', messages: [{ role: 'user', content: 'hi' }], max_tokens: 2 },
      });
    expect([(await chat(h.app)).statusCode, (await chat(replica)).statusCode, (await chat(h.app)).statusCode]).toEqual([200, 200, 429]);

    // The replica has the key cached; the revocation reaches it over the duplicate()d subscriber.
    const revoked = await h.app.inject({ method: 'DELETE', url: `/api/v1/api-keys/${id}`, headers: await h.bearer(['developer']) });
    expect(revoked.statusCode).toBe(204);
    await expect.poll(async () => (await chat(replica)).statusCode, { timeout: 2000 }).toBe(401);
  });
});
