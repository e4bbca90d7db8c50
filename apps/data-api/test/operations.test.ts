import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestIdentityProvider } from '@one-data/testing';
import { buildApp } from '../src/app.js';
import { configFor, startHarness, type Harness } from './harness.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h?.close();
});

describe('operational endpoints', () => {
  it('/health answers 200 without a token', async () => {
    const response = await h.app.inject({ method: 'GET', url: '/health' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
  });

  it('/ready checks the database', async () => {
    const response = await h.app.inject({ method: 'GET', url: '/ready' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ status: 'ready', checks: { database: { status: 'up' } } });
  });

  it('/ready answers 503 naming the database when MySQL is unreachable; /health stays 200; API calls get 503', async () => {
    const idp = await startTestIdentityProvider();
    const app = await buildApp(configFor(idp, 'mysql://root@127.0.0.1:1/data', { LOG_LEVEL: 'silent' }));
    try {
      const ready = await app.inject({ method: 'GET', url: '/ready' });
      expect(ready.statusCode).toBe(503);
      const body = ready.json();
      expect(body.status).toBe('not_ready');
      expect(body.checks.database.status).toBe('down');
      expect(body.checks.database.error).toMatch(/ECONNREFUSED/);
      expect((await app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
      const list = await app.inject({
        method: 'GET',
        url: '/api/v1/datasets',
        headers: { authorization: `Bearer ${await idp.token('tenant-a', ['viewer'])}` },
      });
      expect(list.statusCode).toBe(503);
      expect(list.json().code).toBe('dependency_unavailable');
      expect(list.headers['retry-after']).toBe('5');
    } finally {
      await app.close();
      await idp.close();
    }
  });

  it('/ready answers 503 once shutdown has begun', async () => {
    const idp = await startTestIdentityProvider();
    const app = await buildApp(configFor(idp, h.database.url, { LOG_LEVEL: 'silent' }));
    try {
      app.health.markShuttingDown();
      const ready = await app.inject({ method: 'GET', url: '/ready' });
      expect(ready.statusCode).toBe(503);
      expect(ready.json().status).toBe('shutting_down');
    } finally {
      await app.close();
      await idp.close();
    }
  });

  it('/metrics shows the HTTP histogram labelled by route template', async () => {
    const headers = await h.as('tenant-m', 'viewer');
    await h.app.inject({ method: 'GET', url: '/api/v1/datasets/dset_does_not_exist', headers });
    await h.app.inject({ method: 'GET', url: '/no/such/route' });
    const response = await h.app.inject({ method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/plain');
    const text = response.body;
    expect(text).toContain('# TYPE http_request_duration_seconds histogram');
    const series = (name: string, labels: Record<string, string>) =>
      text
        .split('\n')
        .filter((line) => line.startsWith(`${name}{`))
        .filter((line) => Object.entries(labels).every(([key, value]) => line.includes(`${key}="${value}"`)));
    const byTemplate = { service: 'data-api', method: 'GET', route: '/api/v1/datasets/:id', status_code: '404' };
    expect(series('http_request_duration_seconds_bucket', byTemplate).length).toBeGreaterThan(5);
    expect(series('http_request_duration_seconds_count', byTemplate)).toHaveLength(1);
    expect(series('http_requests_total', { route: '__unmatched__', status_code: '404' })[0]).toMatch(/ 1$/);
    expect(text).not.toContain('dset_does_not_exist');
    expect(text).toContain('http_requests_in_flight');
    expect(text).toContain('process_resident_memory_bytes');
  });

  it('/docs/json is a valid OpenAPI 3 document listing every route with its schemas', async () => {
    const response = await h.app.inject({ method: 'GET', url: '/docs/json' });
    expect(response.statusCode).toBe(200);
    const document = response.json();
    const validation = await new Validator().validate(document);
    expect(validation.errors ?? []).toEqual([]);
    expect(validation.valid).toBe(true);
    expect(document.openapi).toMatch(/^3\./);

    const expected: Array<[string, string]> = [
      ['/api/v1/datasources/', 'post'],
      ['/api/v1/datasources/', 'get'],
      ['/api/v1/datasources/{id}', 'get'],
      ['/api/v1/datasources/{id}', 'patch'],
      ['/api/v1/datasources/{id}', 'delete'],
      ['/api/v1/datasources/{id}/test', 'post'],
      ['/api/v1/datasets/', 'post'],
      ['/api/v1/datasets/', 'get'],
      ['/api/v1/datasets/{id}', 'get'],
      ['/api/v1/datasets/{id}', 'patch'],
      ['/api/v1/datasets/{id}', 'delete'],
    ];
    for (const [path, method] of expected) {
      const operation = document.paths[path]?.[method];
      expect(operation, `${method} ${path}`).toBeDefined();
      const success = Object.keys(operation.responses).find((status) => status.startsWith('2'));
      expect(success, `${method} ${path} success response`).toBeDefined();
      expect(operation.responses['4XX'] ?? operation.responses['4xx'], `${method} ${path} problem response`).toBeDefined();
      if (method === 'post' && !path.endsWith('/test')) expect(operation.requestBody, `${method} ${path} body`).toBeDefined();
    }
    expect(document.paths['/health'].get.security).toEqual([]);
    expect(document.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('serves the docs UI at /docs', async () => {
    const response = await h.app.inject({ method: 'GET', url: '/docs/' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/html');
  });
});

describe('request handling', () => {
  it('returns the caller’s x-request-id, or a new one', async () => {
    const given = await h.app.inject({ method: 'GET', url: '/health', headers: { 'x-request-id': 'abc-123' } });
    expect(given.headers['x-request-id']).toBe('abc-123');
    const fresh = await h.app.inject({ method: 'GET', url: '/health' });
    expect(fresh.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const hostile = await h.app.inject({ method: 'GET', url: '/health', headers: { 'x-request-id': 'a b\u0000c' } });
    expect(hostile.headers['x-request-id']).not.toBe('a b\u0000c');
  });

  it('logs the request id and passes traceparent into the log context', async () => {
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    await h.app.inject({
      method: 'GET',
      url: '/api/v1/datasets',
      headers: { ...(await h.as('tenant-t', 'viewer')), 'x-request-id': 'trace-me', traceparent },
    });
    const lines = h.logs.lines().filter((line) => line['reqId'] === 'trace-me');
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.some((line) => line['traceparent'] === traceparent)).toBe(true);
  });

  it('answers an unknown route with 404 and a wrong method with 405 + Allow, as problem+json', async () => {
    const missing = await h.app.inject({ method: 'GET', url: '/api/v1/nothing' });
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['content-type']).toContain('application/problem+json');
    expect(missing.json()).toMatchObject({ status: 404, code: 'route_not_found' });
    const wrongMethod = await h.app.inject({ method: 'PUT', url: '/api/v1/datasets/dset_1' });
    expect(wrongMethod.statusCode).toBe(405);
    expect(wrongMethod.headers['allow']).toBe('GET, PATCH, DELETE');
    expect(wrongMethod.json().code).toBe('method_not_allowed');
  });

  it('sends security headers', async () => {
    const response = await h.app.inject({ method: 'GET', url: '/health' });
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['strict-transport-security']).toBeDefined();
    expect(response.headers['content-security-policy']).toContain("default-src 'self'");
  });
});
