import { Writable } from 'node:stream';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { healthPlugin, type HealthPluginOptions } from './index.js';

let app: FastifyInstance | undefined;
const logLines: Record<string, unknown>[] = [];

async function build(options: HealthPluginOptions = {}): Promise<FastifyInstance> {
  logLines.length = 0;
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) logLines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  app = Fastify({ logger: { level: 'warn', stream } });
  await app.register(healthPlugin, options);
  return app;
}

const ready = async (instance: FastifyInstance) => {
  const response = await instance.inject({ method: 'GET', url: '/ready' });
  return { status: response.statusCode, body: response.json() };
};

afterEach(async () => {
  await app?.close();
  app = undefined;
});

describe('healthPlugin', () => {
  it('/health answers 200 without running any check', async () => {
    const instance = await build();
    let calls = 0;
    instance.health.addCheck('database', async () => {
      calls += 1;
      throw new Error('down');
    });
    const response = await instance.inject({ method: 'GET', url: '/health' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
    expect(calls).toBe(0);
  });

  it('/ready answers 200 with every check up', async () => {
    const instance = await build();
    instance.health.addCheck('database', async () => undefined);
    instance.health.addCheck('redis', async () => undefined);
    const { status, body } = await ready(instance);
    expect(status).toBe(200);
    expect(body).toEqual({
      status: 'ready',
      checks: { database: { status: 'up', durationMs: expect.any(Number) }, redis: { status: 'up', durationMs: expect.any(Number) } },
    });
  });

  it('runs the checks in parallel', async () => {
    const instance = await build({ timeoutMs: 1000 });
    // 'first' can only finish once 'second' has started: run one after the other, 'first' would time out.
    let secondStarted: () => void = () => undefined;
    const started = new Promise<void>((resolve) => (secondStarted = resolve));
    instance.health.addCheck('first', () => started);
    instance.health.addCheck('second', async () => {
      secondStarted();
    });
    const { status, body } = await ready(instance);
    expect(body.checks.first.status).toBe('up');
    expect(status).toBe(200);
    expect(body.checks.first.durationMs).toBeLessThan(500);
  });

  it("marks a check that does not answer within its timeout 'down', 'timed out', and aborts it", async () => {
    const instance = await build();
    let signal: AbortSignal | undefined;
    instance.health.addCheck(
      'kafka',
      (checkSignal) => {
        signal = checkSignal;
        return new Promise<void>(() => undefined);
      },
      { timeoutMs: 50 },
    );
    const begun = performance.now();
    const { status, body } = await ready(instance);
    expect(performance.now() - begun).toBeLessThan(1000);
    expect(status).toBe(503);
    expect(body.checks.kafka).toEqual({ status: 'down', durationMs: expect.any(Number), error: 'timed out after 50 ms' });
    expect(body.checks.kafka.durationMs).toBeGreaterThanOrEqual(45);
    expect(signal?.aborted).toBe(true);
  });

  it('answers 503 naming the failed check, in the body and in the log', async () => {
    const instance = await build();
    instance.health.addCheck('database', async () => undefined);
    instance.health.addCheck('object-storage', async () => {
      throw new Error('connect ECONNREFUSED 127.0.0.1:9000');
    });
    instance.health.addCheck('redis', () => Promise.reject('NOAUTH'));
    const { status, body } = await ready(instance);
    expect(status).toBe(503);
    expect(body.status).toBe('not_ready');
    expect(body.checks.database.status).toBe('up');
    expect(body.checks['object-storage']).toMatchObject({ status: 'down', error: 'connect ECONNREFUSED 127.0.0.1:9000' });
    expect(body.checks.redis).toMatchObject({ status: 'down', error: 'NOAUTH' });
    const warning = logLines.find((line) => line['msg'] === 'readiness check failed');
    expect(warning?.['failed']).toEqual(['object-storage: connect ECONNREFUSED 127.0.0.1:9000', 'redis: NOAUTH']);
  });

  it('answers 503 shutting_down once shutdown began, without running checks', async () => {
    const instance = await build();
    let calls = 0;
    instance.health.addCheck('database', async () => {
      calls += 1;
    });
    expect(instance.health.shuttingDown).toBe(false);
    expect((await ready(instance)).status).toBe(200);
    instance.health.markShuttingDown();
    expect(instance.health.shuttingDown).toBe(true);
    expect(await ready(instance)).toEqual({ status: 503, body: { status: 'shutting_down', checks: {} } });
    expect(calls).toBe(1);
    expect((await instance.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
  });

  it('refuses a second check with the same name', async () => {
    const instance = await build();
    instance.health.addCheck('database', async () => undefined);
    expect(() => instance.health.addCheck('database', async () => undefined)).toThrow("health check 'database' is already registered");
  });

  it('health.run() reports the same results without HTTP', async () => {
    const instance = await build();
    instance.health.addCheck('ok', async () => undefined);
    instance.health.addCheck('bad', async () => {
      throw new Error('nope');
    });
    const result = await instance.health.run();
    expect(result.ready).toBe(false);
    expect(result.checks['ok']?.status).toBe('up');
    expect(result.checks['bad']).toMatchObject({ status: 'down', error: 'nope' });
  });
});
