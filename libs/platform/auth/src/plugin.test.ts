import { Writable } from 'node:stream';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ProblemError } from '@one-data/errors';
import {
  authConfigFor,
  hs256SignedWithPublicKey,
  startTestIdentityProvider,
  unsignedToken,
  type TestIdentityProvider,
} from '@one-data/testing';
import { authPlugin, createTokenVerifier, type AuthPluginOptions, type Principal, type TokenVerifier } from './index.js';

async function buildApp(options: AuthPluginOptions, logLines: string[] = []): Promise<FastifyInstance> {
  const logStream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(chunk.toString());
      done();
    },
  });
  const app = Fastify({ logger: { level: 'trace', stream: logStream } });
  // Stand-in for the service kit's problem+json handler; logs the error as the real one does.
  app.setErrorHandler((error, request, reply) => {
    request.log.error({ err: error }, 'request failed');
    if (!(error instanceof ProblemError)) return reply.code(500).send({ code: 'internal' });
    return reply.code(error.status).headers(error.headers).send({ code: error.code, title: error.message, detail: error.detail });
  });
  await app.register(authPlugin, options);
  app.get('/health', { config: { public: true } }, async () => ({ status: 'ok' }));
  app.get('/api/v1/whoami', async (request) => request.principal);
  app.post('/api/v1/models', { config: { role: 'developer' } }, async (request) => request.principal);
  return app;
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('authPlugin with a Keycloak-style JWKS', () => {
  let idp: TestIdentityProvider;
  let verifier: TokenVerifier;
  let app: FastifyInstance;
  const logLines: string[] = [];

  beforeAll(async () => {
    idp = await startTestIdentityProvider();
    verifier = await createTokenVerifier(authConfigFor(idp));
    app = await buildApp({ verifier }, logLines);
  });
  afterAll(async () => {
    await app.close();
    await idp.close();
  });

  it('rejects a request without a token with 401 and a Bearer challenge', async () => {
    const response = await app.inject({ url: '/api/v1/whoami' });
    expect(response.statusCode).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Bearer realm="one-data"');
    expect(response.json()).toMatchObject({ code: 'unauthenticated', title: 'Authentication required' });
  });

  it.each(['Basic dXNlcjpwYXNz', 'Bearer', 'Bearer two words', 'Bearer "quoted"'])('treats Authorization %j as missing credentials', async (authorization) => {
    const response = await app.inject({ url: '/api/v1/whoami', headers: { authorization } });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ code: 'unauthenticated' });
  });

  it('accepts a valid RS256 token and exposes the principal', async () => {
    const token = await idp.mint({
      sub: 'user-1',
      tenant_id: 'acme',
      aud: [idp.audience, 'account'],
      realm_access: { roles: ['viewer', 'offline_access', 'default-roles-test'] },
      scope: 'openid profile email',
    });
    const response = await app.inject({ url: '/api/v1/whoami', headers: bearer(token) });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      subject: 'user-1',
      tenantId: 'acme',
      roles: ['viewer'],
      scopes: ['openid', 'profile', 'email'],
      via: 'jwt',
    } satisfies Principal);
  });

  it('accepts a valid ES256 token and merges realm and client roles', async () => {
    const token = await idp.mint(
      {
        tenant_id: 42,
        realm_access: { roles: ['viewer'] },
        resource_access: { [idp.audience]: { roles: ['developer'] }, 'other-client': { roles: ['admin'] } },
      },
      { alg: 'ES256' },
    );
    const response = await app.inject({ method: 'POST', url: '/api/v1/models', headers: bearer(token) });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ tenantId: '42', roles: ['viewer', 'developer'] });
  });

  it('allows a token that expired within the clock tolerance', async () => {
    const token = await idp.mint({ tenant_id: 'acme' }, { expiresIn: -10 });
    expect((await app.inject({ url: '/api/v1/whoami', headers: bearer(token) })).statusCode).toBe(200);
  });

  const validClaims = () => ({ sub: 'user-1', tenant_id: 'acme', realm_access: { roles: ['admin'] } });
  const invalidTokens: [string, string, () => Promise<string>][] = [
    ['expired', 'token expired', () => idp.mint(validClaims(), { expiresIn: -120 })],
    ['not yet valid', 'token not yet valid', () => idp.mint(validClaims(), { notBefore: 120 })],
    ['from another issuer', 'unexpected issuer', () => idp.mint(validClaims(), { issuer: 'https://evil.example/realms/test' })],
    ['for another audience', 'unexpected audience', () => idp.mint(validClaims(), { audience: 'someone-else' })],
    ['signed with an unpublished key', 'unknown signing key', () => idp.mint(validClaims(), { signWith: 'unpublished' })],
    ['unsigned (alg none)', 'unsupported algorithm', async () => unsignedToken({ ...validClaims(), iss: idp.issuer, aud: idp.audience, exp: Math.floor(Date.now() / 1000) + 300 })],
    ['HS256 signed with the public key', 'unsupported algorithm', () => hs256SignedWithPublicKey(idp, validClaims())],
    ['with a bad signature', 'bad signature', async () => {
      const [header, , signature] = (await idp.mint(validClaims())).split('.');
      const forged = Buffer.from(JSON.stringify({ ...validClaims(), sub: 'someone-else', iss: idp.issuer, aud: idp.audience, exp: 4102444800 })).toString('base64url');
      return `${header}.${forged}.${signature}`;
    }],
    ['signed by another key under a published kid', 'bad signature', () => idp.mint(validClaims(), { alg: 'ES256', kid: 'es256-current', signWith: 'unpublished' })],
    ['without a subject', 'missing sub claim', () => idp.mint({ ...validClaims(), sub: undefined })],
    ['garbage', 'malformed token', async () => 'not.a.jwt'],
  ];

  it.each(invalidTokens)('rejects a token %s with 401 invalid_token', async (_case, reason, makeToken) => {
    const response = await app.inject({ url: '/api/v1/whoami', headers: bearer(await makeToken()) });
    expect(response.statusCode).toBe(401);
    expect(response.headers['www-authenticate']).toBe(`Bearer realm="one-data", error="invalid_token", error_description="${reason}"`);
    const body = response.json<{ code: string; detail: string }>();
    expect(body.code).toBe('invalid_token');
    expect(body.detail).toMatch(/^The token/);
  });

  it('rejects a valid token without a tenant claim with 403 no_tenant', async () => {
    const response = await app.inject({ url: '/api/v1/whoami', headers: bearer(await idp.mint({ realm_access: { roles: ['admin'] } })) });
    expect(response.statusCode).toBe(403);
    expect(response.json()).toMatchObject({ code: 'no_tenant' });
  });

  it('rejects a role below the route requirement with 403', async () => {
    const response = await app.inject({ method: 'POST', url: '/api/v1/models', headers: bearer(await idp.token('acme', ['viewer'])) });
    expect(response.statusCode).toBe(403);
    expect(response.headers['www-authenticate']).toBe('Bearer realm="one-data", error="insufficient_scope"');
    expect(response.json()).toEqual({ code: 'forbidden', title: 'Insufficient role', detail: "This operation needs the 'developer' role." });
  });

  it('lets a higher role through (admin includes developer)', async () => {
    const response = await app.inject({ method: 'POST', url: '/api/v1/models', headers: bearer(await idp.token('acme', ['admin'], 'boss')) });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ subject: 'boss', roles: ['admin'] });
  });

  it('serves public routes without a token, and unknown routes as 404', async () => {
    expect((await app.inject({ url: '/health' })).statusCode).toBe(200);
    expect((await app.inject({ url: '/api/v1/nothing-here' })).statusCode).toBe(404);
  });

  it('never writes a token to the log', async () => {
    const tokens = await Promise.all(invalidTokens.map(([, , makeToken]) => makeToken()));
    tokens.push(await idp.token('acme', ['viewer']));
    for (const token of tokens) await app.inject({ method: 'POST', url: '/api/v1/models', headers: bearer(token) });
    const log = logLines.join('');
    expect(log).toContain('request failed');
    // The signature part is what makes a token usable; the header alone is shared by every token.
    for (const token of tokens) expect(log).not.toContain(token.split('.').slice(1).join('.'));
  });
});

describe('JWKS fetching', () => {
  let idp: TestIdentityProvider;
  beforeAll(async () => {
    idp = await startTestIdentityProvider();
  });
  afterAll(() => idp.close());
  afterEach(() => vi.useRealTimers());

  it('caches keys, refetches for an unknown kid, and does not refetch again within the cooldown', async () => {
    const verifier = await createTokenVerifier(authConfigFor(idp));
    const before = idp.jwksRequests();
    const fetches = () => idp.jwksRequests() - before;

    await verifier.verify(await idp.token('acme', ['viewer']));
    await verifier.verify(await idp.mint({ tenant_id: 'acme' }, { alg: 'ES256' }));
    expect(fetches()).toBe(1);

    // Past the 30 s cooldown (still within the 10 min cache age) an unknown kid may mean rotation.
    vi.setSystemTime(Date.now() + 31_000);
    const unknownKid = () => idp.mint({ tenant_id: 'acme' }, { signWith: 'unpublished' });
    await expect(verifier.verify(await unknownKid())).rejects.toMatchObject({ status: 401, code: 'invalid_token' });
    expect(fetches()).toBe(2);

    for (let attempt = 0; attempt < 5; attempt += 1) {
      await expect(verifier.verify(await unknownKid())).rejects.toMatchObject({ status: 401 });
    }
    expect(fetches()).toBe(2);
  });

  it('answers 503 when the identity provider is unreachable', async () => {
    const gone = await startTestIdentityProvider();
    const verifier = await createTokenVerifier(authConfigFor(gone));
    const token = await gone.token('acme', ['viewer']);
    await gone.close();
    await expect(verifier.verify(token)).rejects.toMatchObject({ status: 503, code: 'auth_unavailable' });
  });
});

describe('authPlugin options', () => {
  let idp: TestIdentityProvider;
  let app: FastifyInstance;
  const apiKeyPrincipal: Principal = { subject: 'key-1', tenantId: 'acme', roles: ['developer'], scopes: ['inference'], via: 'api-key' };
  const verifyApiKey = vi.fn(async (key: string) => (key === 'od_live_good' ? apiKeyPrincipal : null));

  beforeAll(async () => {
    idp = await startTestIdentityProvider();
    const verifier = await createTokenVerifier(authConfigFor(idp));
    app = await buildApp({ verifier, realm: 'model-api', apiKeys: { prefix: 'od_', verify: verifyApiKey } });
  });
  afterAll(async () => {
    await app.close();
    await idp.close();
  });

  it('routes prefixed bearer credentials to the API key verifier', async () => {
    const response = await app.inject({ method: 'POST', url: '/api/v1/models', headers: bearer('od_live_good') });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual(apiKeyPrincipal);
    expect(verifyApiKey).toHaveBeenLastCalledWith('od_live_good', expect.objectContaining({ url: '/api/v1/models' }));
  });

  it('rejects an unknown API key with 401 under the configured realm', async () => {
    const response = await app.inject({ url: '/api/v1/whoami', headers: bearer('od_live_revoked') });
    expect(response.statusCode).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Bearer realm="model-api", error="invalid_token", error_description="invalid api key"');
  });

  it('still verifies JWTs, and uses the configured realm for their challenges', async () => {
    verifyApiKey.mockClear();
    expect((await app.inject({ url: '/api/v1/whoami', headers: bearer(await idp.token('acme', ['viewer'])) })).statusCode).toBe(200);
    const expired = await app.inject({ url: '/api/v1/whoami', headers: bearer(await idp.mint({ tenant_id: 'acme' }, { expiresIn: -120 })) });
    expect(expired.headers['www-authenticate']).toBe('Bearer realm="model-api", error="invalid_token", error_description="token expired"');
    expect((await app.inject({ url: '/api/v1/whoami' })).headers['www-authenticate']).toBe('Bearer realm="model-api"');
    expect(verifyApiKey).not.toHaveBeenCalled();
  });
});
