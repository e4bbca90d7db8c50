import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Type } from 'typebox';
import { notFound } from '@one-data/errors';
import { authEnvFor, type CapturedLogs, captureLogs, startTestIdentityProvider, type TestIdentityProvider } from '@one-data/testing';
import { CommonConfigSchema, loadConfig } from './config.js';
import { createService, type ServiceApp } from './create-service.js';
import { PROBLEM_CONTENT_TYPE } from './problem.js';

const INTERNAL_MESSAGE = "Cannot read properties of undefined (reading 'Sup3rSecret') in /srv/internal/repository.ts";

async function buildService(idp: TestIdentityProvider, env: Record<string, string>, logs?: CapturedLogs): Promise<ServiceApp> {
  const config = loadConfig('kit-test', CommonConfigSchema, {
    NODE_ENV: 'test',
    LOG_LEVEL: 'trace',
    ...authEnvFor(idp),
    ...env,
  });
  const app = await createService({
    name: 'kit-test',
    version: '1.2.3',
    description: 'service kit under test',
    config,
    ...(logs ? { logStream: logs.stream } : {}),
  });
  app.get('/api/v1/things/:id', { schema: { params: Type.Object({ id: Type.String() }) } }, async (request) => {
    throw notFound('thing', request.params.id);
  });
  app.post(
    '/api/v1/things',
    {
      schema: {
        body: Type.Object(
          {
            name: Type.String({ minLength: 1 }),
            config: Type.Object({ size: Type.Integer({ minimum: 1 }) }),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => reply.code(201).send({ name: request.body.name, tenant: request.principal.tenantId }),
  );
  app.get('/api/v1/boom', async () => {
    throw new Error(INTERNAL_MESSAGE);
  });
  await app.ready();
  return app;
}

// One identity provider for the file: generating its RSA keys is the slow part.
let idp: TestIdentityProvider;
beforeAll(async () => {
  idp = await startTestIdentityProvider();
});
afterAll(async () => {
  await idp?.close();
});

describe('createService', () => {
  let app: ServiceApp;
  let token: string;
  let auth: { authorization: string };
  const logs = captureLogs();

  beforeAll(async () => {
    app = await buildService(idp, { BODY_LIMIT_BYTES: '1024' }, logs);
    token = await idp.token('acme', ['developer'], 'alice');
    auth = { authorization: `Bearer ${token}` };
  });
  afterAll(async () => {
    await app?.close();
  });

  it('authenticates with the identity provider and runs the route', async () => {
    const response = await app.inject({ method: 'POST', url: '/api/v1/things', headers: auth, payload: { name: 'n', config: { size: 1 } } });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toEqual({ name: 'n', tenant: 'acme' });
    expect((await app.inject({ method: 'POST', url: '/api/v1/things', payload: { name: 'n', config: { size: 1 } } })).statusCode).toBe(401);
  });

  it('renders a thrown ProblemError as problem+json', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/v1/things/th_9?x=1', headers: { ...auth, 'x-request-id': 'req-42' } });
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toBe(`${PROBLEM_CONTENT_TYPE}; charset=utf-8`);
    expect(response.json()).toEqual({
      type: 'https://one-data.dev/problems/not-found',
      title: 'thing not found',
      status: 404,
      code: 'not_found',
      detail: "No thing with id 'th_9' exists.",
      instance: '/api/v1/things/th_9',
      requestId: 'req-42',
    });
  });

  it('reports every invalid body field under /body/...', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/things',
      headers: auth,
      payload: { name: '', config: { size: 'big' }, extra: true },
    });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toContain(PROBLEM_CONTENT_TYPE);
    const body = response.json();
    expect(body.code).toBe('validation_failed');
    expect(body.errors.map((field: { path: string }) => field.path).sort()).toEqual(['/body/config/size', '/body/extra', '/body/name']);
    expect(body.errors).toContainEqual({ path: '/body/extra', message: 'is not an allowed property' });

    const missing = await app.inject({ method: 'POST', url: '/api/v1/things', headers: auth, payload: { config: {} } });
    expect(missing.json().errors).toEqual([
      { path: '/body/name', message: 'is required' },
      { path: '/body/config/size', message: 'is required' },
    ]);
  });

  it('answers an unknown route with 404 route_not_found, without asking for a token', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/v1/nothing-here?secret=1' });
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toContain(PROBLEM_CONTENT_TYPE);
    expect(response.json()).toMatchObject({ code: 'route_not_found', status: 404, instance: '/api/v1/nothing-here' });
  });

  it('answers a known path with the wrong method with 405 and an Allow header', async () => {
    const response = await app.inject({ method: 'DELETE', url: '/api/v1/things', headers: auth });
    expect(response.statusCode).toBe(405);
    expect(response.headers['allow']).toBe('POST');
    expect(response.json()).toMatchObject({ code: 'method_not_allowed', status: 405 });

    const withParam = await app.inject({ method: 'PUT', url: '/api/v1/things/th_1', headers: auth, payload: {} });
    expect(withParam.statusCode).toBe(405);
    expect(withParam.headers['allow']).toBe('GET');
  });

  it('rejects a body over BODY_LIMIT_BYTES with 413', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/things',
      headers: auth,
      payload: { name: 'x'.repeat(2000), config: { size: 1 } },
    });
    expect(response.statusCode).toBe(413);
    expect(response.headers['content-type']).toContain(PROBLEM_CONTENT_TYPE);
    expect(response.json().code).toBe('payload_too_large');
  });

  it('rejects a text/plain body with 415', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/things',
      headers: { ...auth, 'content-type': 'text/plain' },
      payload: '{"name":"n","config":{"size":1}}',
    });
    expect(response.statusCode).toBe(415);
    expect(response.json()).toMatchObject({ code: 'unsupported_media_type', status: 415 });
  });

  it('echoes a well-formed x-request-id and replaces a malformed one', async () => {
    const given = await app.inject({ method: 'GET', url: '/health', headers: { 'x-request-id': 'trace.abc-123:4' } });
    expect(given.headers['x-request-id']).toBe('trace.abc-123:4');

    const malformed = await app.inject({ method: 'GET', url: '/api/v1/nope', headers: { 'x-request-id': 'evil\nheader value' } });
    const replaced = malformed.headers['x-request-id'];
    expect(replaced).toMatch(/^[\da-f]{8}-[\da-f]{4}-[\da-f]{4}-[\da-f]{4}-[\da-f]{12}$/);
    expect(malformed.json().requestId).toBe(replaced);
  });

  it('answers an unexpected error with 500 internal_error without leaking its message', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/v1/boom', headers: { ...auth, 'x-request-id': 'boom-1' } });
    expect(response.statusCode).toBe(500);
    expect(response.json()).toMatchObject({ code: 'internal_error', status: 500, requestId: 'boom-1' });
    expect(response.body).not.toContain('Sup3rSecret');
    expect(response.body).not.toContain('/srv/internal');
    // ...but the operator finds it in the log, under the same request id.
    const logged = logs.lines().find((line) => line['reqId'] === 'boom-1' && line['msg'] === 'request failed');
    expect((logged?.['err'] as { message?: string } | undefined)?.message).toBe(INTERNAL_MESSAGE);
  });

  it('does not enable CORS when CORS_ORIGINS is empty', async () => {
    const preflight = await app.inject({
      method: 'OPTIONS',
      url: '/api/v1/things',
      headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST' },
    });
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    const simple = await app.inject({ method: 'GET', url: '/health', headers: { origin: 'https://app.example.com' } });
    expect(simple.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('never writes the Authorization header value to the logs', async () => {
    // A rejected token is logged about too; neither it nor the accepted one may appear.
    const rejected = `${token.slice(0, -6)}AAAAAA`;
    expect((await app.inject({ method: 'GET', url: '/api/v1/things/x', headers: { authorization: `Bearer ${rejected}` } })).statusCode).toBe(401);
    await app.inject({ method: 'GET', url: '/api/v1/things/x', headers: auth });
    const text = logs.text();
    expect(logs.lines().length).toBeGreaterThan(10);
    expect(text).toContain('request completed');
    for (const secret of [token, rejected, token.split('.')[2] ?? token, rejected.split('.')[2] ?? rejected]) {
      expect(text).not.toContain(secret);
    }
  });
});

describe('createService with CORS_ORIGINS', () => {
  let app: ServiceApp;

  beforeAll(async () => {
    app = await buildService(idp, { CORS_ORIGINS: 'https://app.example.com, https://admin.example.com', LOG_LEVEL: 'silent' });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('answers a preflight from an allowed origin without a token', async () => {
    const response = await app.inject({
      method: 'OPTIONS',
      url: '/api/v1/things',
      headers: {
        origin: 'https://admin.example.com',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type',
      },
    });
    expect(response.statusCode).toBe(204);
    expect(response.headers['access-control-allow-origin']).toBe('https://admin.example.com');
    expect(String(response.headers['access-control-allow-methods'])).toContain('POST');
  });

  it('adds CORS headers to real responses, exposing x-request-id, for allowed origins only', async () => {
    const headers = { authorization: `Bearer ${await idp.token('acme', ['viewer'])}` };
    const allowed = await app.inject({ method: 'GET', url: '/api/v1/things/1', headers: { ...headers, origin: 'https://app.example.com' } });
    expect(allowed.statusCode).toBe(404);
    expect(allowed.headers['access-control-allow-origin']).toBe('https://app.example.com');
    expect(String(allowed.headers['access-control-expose-headers'])).toContain('x-request-id');

    const other = await app.inject({ method: 'GET', url: '/api/v1/things/1', headers: { ...headers, origin: 'https://evil.example.net' } });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('access log', () => {
  it('writes one line per request, with method, path (no query), route, status and duration; none for probes', async () => {
    const logs = captureLogs();
    const idp = await startTestIdentityProvider();
    const app = await buildService(idp, { LOG_LEVEL: 'info' }, logs);
    try {
      const authorization = `Bearer ${await idp.token('t', ['viewer'])}`;
      await app.inject({ method: 'GET', url: '/api/v1/things/42?secret=abc', headers: { authorization } });
      await app.inject({ method: 'GET', url: '/health' });
      const lines = logs.lines().filter((line) => line['msg'] === 'request completed' || line['msg'] === 'incoming request');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({ method: 'GET', path: '/api/v1/things/42', route: '/api/v1/things/:id', statusCode: 404 });
      expect(typeof lines[0]?.['responseTime']).toBe('number');
      expect(logs.text()).not.toContain('secret=abc');
    } finally {
      await app.close();
      await idp.close();
    }
  });
});
