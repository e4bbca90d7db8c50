import { request as httpRequest, type ClientRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { Counter, UNMATCHED_ROUTE, metricsPlugin } from './index.js';

let app: FastifyInstance | undefined;

afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function build(): Promise<FastifyInstance> {
  app = Fastify({ logger: false });
  await app.register(metricsPlugin, { defaultLabels: { service: 'metrics-test' } });
  app.get('/api/v1/datasets/:id', async (request) => ({ id: (request.params as { id: string }).id }));
  app.post('/api/v1/datasets', async (_request, reply) => reply.code(201).send({}));
  return app;
}

const inFlight = async (instance: FastifyInstance): Promise<number> => {
  const metric = await instance.metrics.getSingleMetric('http_requests_in_flight')?.get();
  return metric?.values[0]?.value ?? Number.NaN;
};

/** Lines of the exposition for `name` whose labels include all of `labels`. */
const series = (text: string, name: string, labels: Record<string, string>): string[] =>
  text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`))
    .filter((line) => Object.entries(labels).every(([key, value]) => line.includes(`${key}="${value}"`)));

describe('metricsPlugin', () => {
  it('serves /metrics in the Prometheus text format with default process metrics', async () => {
    const instance = await build();
    const response = await instance.inject({ method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(response.body).toContain('# TYPE http_request_duration_seconds histogram');
    expect(response.body).toContain('# TYPE http_requests_in_flight gauge');
    expect(response.body).toMatch(/^process_cpu_user_seconds_total\{service="metrics-test"\} /m);
  });

  it('labels requests by route template, never by the raw URL', async () => {
    const instance = await build();
    for (const id of ['ds_aaa111', 'ds_bbb222', 'ds_ccc333']) await instance.inject({ method: 'GET', url: `/api/v1/datasets/${id}?q=${id}` });
    await instance.inject({ method: 'POST', url: '/api/v1/datasets', payload: {} });
    const text = (await instance.inject({ method: 'GET', url: '/metrics' })).body;

    const byTemplate = { service: 'metrics-test', method: 'GET', route: '/api/v1/datasets/:id', status_code: '200' };
    expect(series(text, 'http_requests_total', byTemplate)).toEqual([expect.stringMatching(/ 3$/)]);
    expect(series(text, 'http_request_duration_seconds_count', byTemplate)).toEqual([expect.stringMatching(/ 3$/)]);
    expect(series(text, 'http_request_duration_seconds_bucket', { ...byTemplate, le: '+Inf' })).toEqual([expect.stringMatching(/ 3$/)]);
    expect(series(text, 'http_requests_total', { method: 'POST', route: '/api/v1/datasets', status_code: '201' })).toHaveLength(1);
    expect(text).not.toMatch(/ds_aaa111|ds_bbb222|ds_ccc333/);
  });

  it(`labels requests that matched no route '${UNMATCHED_ROUTE}'`, async () => {
    const instance = await build();
    await instance.inject({ method: 'GET', url: '/wp-admin/setup-config.php' });
    await instance.inject({ method: 'GET', url: '/random/path/42' });
    const text = (await instance.inject({ method: 'GET', url: '/metrics' })).body;
    expect(series(text, 'http_requests_total', { method: 'GET', route: UNMATCHED_ROUTE, status_code: '404' })).toEqual([
      expect.stringMatching(/ 2$/),
    ]);
    expect(text).not.toContain('wp-admin');
    expect(text).not.toContain('/random/path');
  });

  it('brings the in-flight gauge back to 0 after completed, failed and aborted requests', async () => {
    const instance = await build();
    let entered: () => void = () => undefined;
    let release: () => void = () => undefined;
    const inHandler = new Promise<void>((resolve) => (entered = resolve));
    const released = new Promise<void>((resolve) => (release = resolve));
    instance.get('/slow', async () => {
      entered();
      await released;
      return { ok: true };
    });
    instance.get('/fail', async () => {
      throw new Error('boom');
    });
    await instance.listen({ port: 0, host: '127.0.0.1' });
    const port = (instance.server.address() as AddressInfo).port;

    await instance.inject({ method: 'GET', url: '/api/v1/datasets/x' });
    await instance.inject({ method: 'GET', url: '/fail' });
    await instance.inject({ method: 'GET', url: '/nowhere' });
    expect(await inFlight(instance)).toBe(0);

    // A real client that gives up while the handler is still working.
    let client: ClientRequest | undefined;
    const clientGone = new Promise<void>((resolve) => {
      client = httpRequest({ host: '127.0.0.1', port, path: '/slow', agent: false });
      client.on('error', () => resolve());
      client.on('close', () => resolve());
      client.end();
    });
    await inHandler;
    expect(await inFlight(instance)).toBe(1);
    client?.destroy();
    await clientGone;
    for (let attempt = 0; attempt < 50 && (await inFlight(instance)) !== 0; attempt += 1) await sleep(10);
    expect(await inFlight(instance)).toBe(0);

    // The handler finishing later must not decrement a second time.
    release();
    await sleep(50);
    expect(await inFlight(instance)).toBe(0);
    const text = (await instance.inject({ method: 'GET', url: '/metrics' })).body;
    // The scrape itself is the only request in flight while it renders.
    expect(text).toMatch(/^http_requests_in_flight\{service="metrics-test"\} 1$/m);
  });

  it('exposes the registry so services can add their own metrics', async () => {
    const instance = await build();
    const runs = new Counter({ name: 'etl_runs_total', help: 'ETL runs', registers: [instance.metrics] });
    runs.inc(2);
    const text = (await instance.inject({ method: 'GET', url: '/metrics' })).body;
    expect(text).toMatch(/^etl_runs_total\{service="metrics-test"\} 2$/m);
  });
});
