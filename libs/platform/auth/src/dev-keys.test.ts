import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  DEV_AUDIENCE,
  DEV_ISSUER,
  assertAuthModeAllowed,
  createTokenVerifier,
  loadOrCreateDevKeys,
  mintDevToken,
  type AuthConfig,
} from './index.js';

describe('dev mode', () => {
  let dir: string;
  const devConfig = (keyDir: string): AuthConfig => ({ mode: 'dev', issuer: DEV_ISSUER, audience: DEV_AUDIENCE, devKeyDir: keyDir });

  beforeEach(async () => {
    dir = join(await mkdtemp(join(tmpdir(), 'dev-auth-')), 'keys');
  });
  afterEach(async () => {
    vi.unstubAllEnvs();
    await rm(join(dir, '..'), { recursive: true, force: true });
  });

  it('mints tokens that the dev-mode verifier accepts', async () => {
    const token = await mintDevToken({ tenantId: 'acme', roles: ['developer'], subject: 'alice', dir });
    const verifier = await createTokenVerifier(devConfig(dir));
    expect(await verifier.verify(token)).toEqual({ subject: 'alice', tenantId: 'acme', roles: ['developer'], scopes: [], via: 'jwt' });
  });

  it('creates the key folder and a 0600 key file on first use, then reuses the key', async () => {
    const first = await loadOrCreateDevKeys(dir);
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    const files = await readdir(dir);
    expect(files).toHaveLength(1);
    for (const file of files) expect((await stat(join(dir, file))).mode & 0o777).toBe(0o600);

    expect(first.privateJwk).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', kid: first.kid });
    expect(first.publicJwks.keys).toEqual([expect.not.objectContaining({ d: expect.anything() })]);
    expect((await loadOrCreateDevKeys(dir)).kid).toBe(first.kid);
  });

  it('creates exactly one key when services start in parallel', async () => {
    const kids = new Set((await Promise.all(Array.from({ length: 8 }, () => loadOrCreateDevKeys(dir)))).map((keys) => keys.kid));
    expect(kids.size).toBe(1);
    expect(await readdir(dir)).toHaveLength(1);
  });

  it('honours AUTH_DEV_KEY_DIR when no folder is given', async () => {
    vi.stubEnv('AUTH_DEV_KEY_DIR', dir);
    const token = await mintDevToken({ tenantId: 'acme', roles: ['viewer'] });
    expect((await loadOrCreateDevKeys(dir)).kid).toBe((await loadOrCreateDevKeys()).kid);
    await expect((await createTokenVerifier(devConfig(dir))).verify(token)).resolves.toMatchObject({ roles: ['viewer'] });
  });

  it("rejects a token signed with another machine's dev key", async () => {
    const token = await mintDevToken({ tenantId: 'acme', roles: ['admin'], dir: join(dir, 'other') });
    await expect((await createTokenVerifier(devConfig(dir))).verify(token)).rejects.toMatchObject({ status: 401, code: 'invalid_token' });
  });

  it('refuses unknown roles and bad lifetimes when minting', async () => {
    await expect(mintDevToken({ tenantId: 'acme', roles: ['root' as never], dir })).rejects.toThrow(
      "Unknown role 'root'. Valid roles: admin, developer, viewer.",
    );
    await expect(mintDevToken({ tenantId: 'acme', roles: ['viewer'], ttlSeconds: 0, dir })).rejects.toThrow('ttlSeconds');
    await expect(mintDevToken({ tenantId: '', roles: ['viewer'], dir })).rejects.toThrow('tenantId');
  });
});

describe('auth mode guard', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('refuses dev mode in production', async () => {
    expect(() => assertAuthModeAllowed('dev', 'production')).toThrow('AUTH_MODE=dev is not allowed when NODE_ENV=production');
    expect(() => assertAuthModeAllowed('jwks', 'production')).not.toThrow();
    expect(() => assertAuthModeAllowed('dev', 'development')).not.toThrow();
    expect(() => assertAuthModeAllowed('dev', undefined)).not.toThrow();

    vi.stubEnv('NODE_ENV', 'production');
    await expect(createTokenVerifier({ mode: 'dev', issuer: DEV_ISSUER, audience: DEV_AUDIENCE })).rejects.toThrow('NODE_ENV=production');
  });

  it('needs a JWKS URL in jwks mode', async () => {
    await expect(createTokenVerifier({ mode: 'jwks', issuer: 'https://idp', audience: 'one-data' })).rejects.toThrow('jwksUrl');
  });
});
