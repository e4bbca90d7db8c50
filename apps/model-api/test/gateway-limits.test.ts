import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceApp } from '@one-data/service-kit';
import { startGatewayHarness, type GatewayHarness } from './harness.js';

let h: GatewayHarness;
let replica: ServiceApp;

beforeAll(async () => {
  h = await startGatewayHarness({ emulators: [{ tokenDelayMs: 0 }] });
  replica = await h.replica();
});

afterAll(async () => {
  await h?.close();
});

const chat = (app: ServiceApp, authorization: string, extra: Record<string, unknown> = {}) =>
  app.inject({
    method: 'POST',
    url: '/v1/chat/completions',
    headers: { authorization },
    payload: { model: 'emulated-model', messages: [{ role: 'user', content: 'one two three four' }], max_tokens: 6, ...extra },
  });

describe('limits across gateway replicas sharing Redis', () => {
  it('requests per minute hold across two replicas, with 429, Retry-After and x-ratelimit headers', async () => {
    const { secret } = await h.issueKey({ requestsPerMinute: 10 });
    const authorization = `Bearer ${secret}`;
    const responses = await Promise.all(
      Array.from({ length: 30 }, (_, index) => chat(index % 2 === 0 ? h.app : replica, authorization)),
    );
    const statuses = responses.map((response) => response.statusCode);
    expect(statuses.filter((status) => status === 200)).toHaveLength(10);
    expect(statuses.filter((status) => status === 429)).toHaveLength(20);
    const ok = responses.find((response) => response.statusCode === 200);
    expect(ok?.headers['x-ratelimit-limit-requests']).toBe('10');
    const refused = responses.find((response) => response.statusCode === 429);
    expect(Number(refused?.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused?.json().error).toMatchObject({ type: 'rate_limit_error', code: 'rate_limit_exceeded' });
  });

  it('tokens per minute: counted from upstream usage, refused once spent', async () => {
    const { secret } = await h.issueKey({ tokensPerMinute: 25 });
    const authorization = `Bearer ${secret}`;
    // 4 prompt + 6 completion tokens per call: 10, 20, 30 spent; the fourth is refused.
    const statuses = [];
    for (let index = 0; index < 4; index++) statuses.push((await chat(index % 2 ? replica : h.app, authorization)).statusCode);
    await new Promise((resolve) => setTimeout(resolve, 100)); // token counts are added after the answer
    statuses.push((await chat(h.app, authorization)).statusCode);
    expect(statuses.slice(0, 3)).toEqual([200, 200, 200]);
    expect(statuses.at(-1)).toBe(429);
  });

  it('concurrent requests are capped across replicas and slots are freed afterwards', async () => {
    h.emulators[0]?.behave({ stallMs: 300 });
    try {
      const { secret } = await h.issueKey({ maxConcurrency: 2 });
      const authorization = `Bearer ${secret}`;
      const responses = await Promise.all(
        Array.from({ length: 6 }, (_, index) => chat(index % 2 === 0 ? h.app : replica, authorization)),
      );
      const statuses = responses.map((response) => response.statusCode);
      expect(statuses.filter((status) => status === 200)).toHaveLength(2);
      expect(statuses.filter((status) => status === 429)).toHaveLength(4);
      expect((await chat(replica, authorization)).statusCode).toBe(200);
    } finally {
      h.emulators[0]?.behave({});
    }
  });

  it("a tenant's limit covers all its keys and users", async () => {
    const limited = await startGatewayHarness({ env: { TENANT_REQUESTS_PER_MINUTE: '4' } });
    try {
      const first = await limited.issueKey();
      const second = await limited.issueKey();
      const user = (await limited.bearer()).authorization;
      const statuses = [];
      for (const authorization of [`Bearer ${first.secret}`, `Bearer ${second.secret}`, user, `Bearer ${first.secret}`, user]) {
        statuses.push((await chat(limited.app, authorization)).statusCode);
      }
      expect(statuses).toEqual([200, 200, 200, 200, 429]);
      const other = (await limited.bearer(['developer'], 'another-tenant')).authorization;
      // Another tenant has its own budget.
      expect((await chat(limited.app, other)).statusCode).toBe(200);
    } finally {
      await limited.close();
    }
  });
});

describe('when Redis is unreachable', () => {
  it('fails open by default: serves, counts a metric and logs', async () => {
    const broken = await startGatewayHarness({ env: { REDIS_URL: 'redis://127.0.0.1:1', TENANT_REQUESTS_PER_MINUTE: '100' } });
    try {
      const response = await chat(broken.app, (await broken.bearer()).authorization);
      expect(response.statusCode).toBe(200);
      const metrics = await broken.app.inject({ method: 'GET', url: '/metrics' });
      expect(metrics.body).toMatch(/gateway_rate_limiter_unavailable_total\{[^}]*\} [1-9]/);
      expect(broken.logs.text()).toContain('rate limiter unavailable');
    } finally {
      await broken.close();
    }
  });

  it('fails closed when configured: 503, and /ready names redis', async () => {
    const broken = await startGatewayHarness({
      env: { REDIS_URL: 'redis://127.0.0.1:1', TENANT_REQUESTS_PER_MINUTE: '100', LIMITS_FAIL_MODE: 'closed' },
    });
    try {
      const response = await chat(broken.app, (await broken.bearer()).authorization);
      expect(response.statusCode).toBe(503);
      expect(response.json().error.code).toBe('rate_limiter_unavailable');
      const ready = await broken.app.inject({ method: 'GET', url: '/ready' });
      expect(ready.statusCode).toBe(503);
      expect(ready.json().checks.redis.status).toBe('down');
    } finally {
      await broken.close();
    }
  });
});
