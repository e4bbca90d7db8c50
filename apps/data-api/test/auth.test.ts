import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hs256SignedWithPublicKey, unsignedToken } from '@one-data/testing';
import { startHarness, type Harness } from './harness.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h?.close();
});

const get = (authorization?: string) =>
  h.app.inject({ method: 'GET', url: '/api/v1/datasets', headers: authorization ? { authorization } : {} });

describe('authentication on the data API', () => {
  it('answers 401 with WWW-Authenticate without a token', async () => {
    const response = await get();
    expect(response.statusCode).toBe(401);
    expect(response.headers['www-authenticate']).toMatch(/^Bearer realm=/);
    expect(response.headers['content-type']).toContain('application/problem+json');
  });

  it('rejects every kind of bad token with 401', async () => {
    const claims = { sub: 'user-1', tenant_id: 'tenant-a', realm_access: { roles: ['viewer'] } };
    const bad: Record<string, string> = {
      expired: await h.idp.mint(claims, { expiresIn: -3600 }),
      'not yet valid': await h.idp.mint(claims, { notBefore: 3600 }),
      'wrong issuer': await h.idp.mint(claims, { issuer: 'https://evil.example.com/realms/x' }),
      'wrong audience': await h.idp.mint(claims, { audience: 'another-client' }),
      'unknown kid': await h.idp.mint(claims, { signWith: 'unpublished' }),
      'alg none': unsignedToken({ ...claims, iss: h.idp.issuer, aud: h.idp.audience, exp: Math.floor(Date.now() / 1000) + 600 }),
      'HS256 with the public key': await hs256SignedWithPublicKey(h.idp, claims),
      garbage: 'not.a.token',
    };
    for (const [name, token] of Object.entries(bad)) {
      const response = await get(`Bearer ${token}`);
      expect(response.statusCode, name).toBe(401);
      expect(response.headers['www-authenticate'], name).toContain('error="invalid_token"');
    }
    // A valid token for comparison
    expect((await get(`Bearer ${await h.idp.mint(claims)}`)).statusCode).toBe(200);
  });

  it('enforces roles: viewer reads, developer writes, admin deletes (403 otherwise)', async () => {
    const viewer = await h.as('tenant-r', 'viewer');
    const developer = await h.as('tenant-r', 'developer');
    const body = { name: 'r1', type: 's3', config: { bucket: 'abc' }, credentials: { accessKeyId: 'a', secretAccessKey: 'b' } };
    const denied = await h.app.inject({ method: 'POST', url: '/api/v1/datasources', headers: viewer, payload: body });
    expect(denied.statusCode).toBe(403);
    expect(denied.json().code).toBe('forbidden');
    const created = await h.app.inject({ method: 'POST', url: '/api/v1/datasources', headers: developer, payload: body });
    expect(created.statusCode).toBe(201);
    const id = created.json().id;
    expect((await h.app.inject({ method: 'GET', url: `/api/v1/datasources/${id}`, headers: viewer })).statusCode).toBe(200);
    expect((await h.app.inject({ method: 'DELETE', url: `/api/v1/datasources/${id}`, headers: developer })).statusCode).toBe(403);
    expect((await h.app.inject({ method: 'POST', url: `/api/v1/datasources/${id}/test`, headers: viewer })).statusCode).toBe(403);
    const still = await h.app.inject({ method: 'GET', url: `/api/v1/datasources/${id}`, headers: viewer });
    expect(still.statusCode).toBe(200);
  });

  it('authenticates before validating, so an anonymous caller learns nothing from a bad body', async () => {
    const response = await h.app.inject({ method: 'POST', url: '/api/v1/datasources', payload: { nonsense: true } });
    expect(response.statusCode).toBe(401);
  });
});
