import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { authConfigFor, startTestIdentityProvider, type TestIdentityProvider } from '@one-data/testing';
import { createTokenVerifier } from './index.js';

let idp: TestIdentityProvider;

beforeAll(async () => {
  idp = await startTestIdentityProvider();
});

afterAll(async () => {
  await idp.close();
});

afterEach(() => {
  vi.useRealTimers();
});

const claims = { sub: 'user-1', tenant_id: 'tenant-a', realm_access: { roles: ['viewer'] } };

describe('verified-token cache', () => {
  it('returns the same principal for a repeated token without verifying again', async () => {
    const verifier = await createTokenVerifier(authConfigFor(idp));
    const token = await idp.mint(claims);
    const first = await verifier.verify(token);
    const second = await verifier.verify(token);
    expect(second).toBe(first);
    expect(first).toMatchObject({ subject: 'user-1', tenantId: 'tenant-a', roles: ['viewer'] });
  });

  it('forgets a token once it expires, so an expired token is rejected even after a cached success', async () => {
    const verifier = await createTokenVerifier({ ...authConfigFor(idp), clockToleranceSeconds: 0 });
    const token = await idp.mint(claims, { expiresIn: 60 });
    await expect(verifier.verify(token)).resolves.toMatchObject({ tenantId: 'tenant-a' });
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 61_000);
    await expect(verifier.verify(token)).rejects.toMatchObject({ status: 401, code: 'invalid_token' });
  });

  it('never caches a rejection: a bad token stays bad, and a good one is unaffected', async () => {
    const verifier = await createTokenVerifier(authConfigFor(idp));
    const bad = await idp.mint(claims, { audience: 'someone-else' });
    await expect(verifier.verify(bad)).rejects.toMatchObject({ status: 401 });
    await expect(verifier.verify(bad)).rejects.toMatchObject({ status: 401 });
    await expect(verifier.verify(await idp.mint(claims))).resolves.toMatchObject({ subject: 'user-1' });
  });

  it('keeps at most the configured number of tokens, dropping the oldest', async () => {
    const verifier = await createTokenVerifier({ ...authConfigFor(idp), verifiedTokenCacheSize: 2, clockToleranceSeconds: 0 });
    const tokens = await Promise.all([1, 2, 3].map((n) => idp.mint({ ...claims, sub: `user-${n}` }, { expiresIn: 60 })));
    const principals = [];
    for (const token of tokens) principals.push(await verifier.verify(token));
    // the oldest was evicted: verifying it again yields a fresh principal object; the newest is cached
    expect(await verifier.verify(tokens[2] as string)).toBe(principals[2]);
    expect(await verifier.verify(tokens[0] as string)).not.toBe(principals[0]);
  });

  it('verifies every time when the cache is disabled', async () => {
    const verifier = await createTokenVerifier({ ...authConfigFor(idp), verifiedTokenCacheSize: 0 });
    const token = await idp.mint(claims);
    expect(await verifier.verify(token)).not.toBe(await verifier.verify(token));
  });
});
