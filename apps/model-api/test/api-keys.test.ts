import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceApp } from '@one-data/service-kit';
import { startGatewayHarness, type GatewayHarness } from './harness.js';

let h: GatewayHarness;
let replica: ServiceApp;

beforeAll(async () => {
  h = await startGatewayHarness({
    emulators: [{ models: ['emulated-model', 'other-model'] }],
    pools: (emulators) => [
      { model: 'emulated-model', endpoints: [emulators[0]?.url] },
      { model: 'other-model', endpoints: [emulators[0]?.url] },
    ],
  });
  replica = await h.replica();
});

afterAll(async () => {
  await h?.close();
});

const models = (app: ServiceApp, secret: string) =>
  app.inject({ method: 'GET', url: '/v1/models', headers: { authorization: `Bearer ${secret}` } });

describe('API keys', () => {
  it('shows the secret once, stores only a hash, and lists keys masked', async () => {
    const headers = await h.bearer(['developer']);
    const created = await h.app.inject({ method: 'POST', url: '/api/v1/api-keys', headers, payload: { name: 'ci' } });
    expect(created.statusCode).toBe(201);
    const { secret, id, prefix } = created.json();
    expect(secret).toMatch(/^odk_[\w-]{43}$/);
    expect(secret.startsWith(prefix)).toBe(true);
    const listed = await h.app.inject({ method: 'GET', url: '/api/v1/api-keys', headers });
    expect(listed.body).not.toContain(secret);
    expect(listed.json().items.map((item: { id: string }) => item.id)).toContain(id);
    const got = await h.app.inject({ method: 'GET', url: `/api/v1/api-keys/${id}`, headers });
    expect(got.json()).not.toHaveProperty('secret');
    expect(h.logs.text()).not.toContain(secret);
  });

  it('revocation takes effect at once on every replica, despite their caches', async () => {
    const { id, secret } = await h.issueKey();
    expect((await models(h.app, secret)).statusCode).toBe(200);
    expect((await models(replica, secret)).statusCode).toBe(200); // now cached on the replica
    const revoked = await h.app.inject({ method: 'DELETE', url: `/api/v1/api-keys/${id}`, headers: await h.bearer(['developer']) });
    expect(revoked.statusCode).toBe(204);
    await new Promise((resolve) => setTimeout(resolve, 100)); // the broadcast crossing Redis
    expect((await models(h.app, secret)).statusCode).toBe(401);
    expect((await models(replica, secret)).statusCode).toBe(401);
  });

  it('limits a key to its model allow-list, in /v1/models and on calls', async () => {
    const { secret } = await h.issueKey({ models: ['other-model'] });
    expect((await models(h.app, secret)).json().data.map((model: { id: string }) => model.id)).toEqual(['other-model']);
    const denied = await h.app.inject({
      method: 'POST',
      url: '/v1/chat/completions',
      headers: { authorization: `Bearer ${secret}` },
      payload: { model: 'emulated-model', messages: [{ role: 'user', content: 'x' }] },
    });
    expect(denied.statusCode).toBe(403);
    expect(denied.json().error.code).toBe('model_not_allowed');
  });

  it('refuses an expired key, and an expiry in the past at creation', async () => {
    const soon = new Date(Date.now() + 1500).toISOString();
    const { secret } = await h.issueKey({ expiresAt: soon });
    expect((await models(h.app, secret)).statusCode).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1600));
    expect((await models(h.app, secret)).statusCode).toBe(401);
    const past = await h.app.inject({
      method: 'POST',
      url: '/api/v1/api-keys',
      headers: await h.bearer(['developer']),
      payload: { name: 'old', expiresAt: '2020-01-01T00:00:00Z' },
    });
    expect(past.statusCode).toBe(400);
    expect(past.json().errors[0].path).toBe('/body/expiresAt');
  });

  it('lets developers manage their own keys and admins all of the tenant’s, never another tenant’s', async () => {
    const mine = await h.issueKey();
    const colleague = `Bearer ${await h.idp.mint({ sub: 'colleague', tenant_id: h.tenant, realm_access: { roles: ['developer'] } })}`;
    expect((await h.app.inject({ method: 'GET', url: `/api/v1/api-keys/${mine.id}`, headers: { authorization: colleague } })).statusCode).toBe(404);
    expect((await h.app.inject({ method: 'GET', url: `/api/v1/api-keys/${mine.id}`, headers: await h.bearer(['admin']) })).statusCode).toBe(200);
    const outsider = await h.bearer(['admin'], 'another-tenant');
    expect((await h.app.inject({ method: 'DELETE', url: `/api/v1/api-keys/${mine.id}`, headers: outsider })).statusCode).toBe(404);
    expect((await models(h.app, mine.secret)).statusCode).toBe(200);
    expect((await h.app.inject({ method: 'GET', url: '/api/v1/api-keys', headers: await h.bearer(['viewer']) })).statusCode).toBe(403);
  });

  it('cannot manage keys with a key', async () => {
    const { secret } = await h.issueKey();
    const response = await h.app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: { authorization: `Bearer ${secret}` }, payload: { name: 'x' } });
    expect(response.statusCode).toBe(403);
  });

  it('validates limits and names', async () => {
    const headers = await h.bearer(['developer']);
    const bad = await h.app.inject({ method: 'POST', url: '/api/v1/api-keys', headers, payload: { name: '', requestsPerMinute: -1 } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors.map((error: { path: string }) => error.path).sort()).toEqual(['/body/name', '/body/requestsPerMinute']);
  });
});
