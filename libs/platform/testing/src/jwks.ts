import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, UnsecuredJWT, exportJWK, exportSPKI, generateKeyPair, type CryptoKey, type JWK, type JWTPayload } from 'jose';

// No import from @one-data/auth: its tests use this file, and Nx forbids the cycle. The shapes below
// are structurally what auth expects (a Role[] is a string[], JwksAuthConfig is an AuthConfig).

/** The `AuthConfig` for verifying this provider's tokens. */
export interface JwksAuthConfig {
  mode: 'jwks';
  jwksUrl: string;
  issuer: string;
  audience: string;
}

type SigningAlg = 'RS256' | 'ES256';

export interface MintOptions {
  /** default RS256 */
  alg?: SigningAlg;
  /** Header kid override; default the published kid of the signing key. */
  kid?: string;
  /** Seconds until exp; negative = already expired. Default 300. */
  expiresIn?: number;
  /** Seconds from now for nbf. */
  notBefore?: number;
  issuer?: string;
  audience?: string;
  /** 'unpublished' signs with a key whose kid is not in the JWKS. Default 'current'. */
  signWith?: 'current' | 'unpublished';
}

export interface TestIdentityProvider {
  jwksUrl: string;
  issuer: string;
  audience: string;
  /** Signed token with iss, aud, iat, exp and sub `test-user`; `claims` override (`sub: undefined` drops it). */
  mint(claims?: Record<string, unknown>, options?: MintOptions): Promise<string>;
  /** Keycloak-shaped token: `tenant_id` and `realm_access.roles` (Role values, or any string Keycloak might send). */
  token(tenantId: string, roles: readonly string[], subject?: string): Promise<string>;
  /** How many times the JWKS was fetched. */
  jwksRequests(): number;
  close(): Promise<void>;
}

interface KeyPair {
  kid: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
}

// Kept out of the public interface: only the key-confusion helper needs the RSA public key.
const publishedRsaKeys = new WeakMap<TestIdentityProvider, KeyPair>();

const REALM_PATH = '/realms/test';
const CERTS_PATH = `${REALM_PATH}/protocol/openid-connect/certs`;

async function keyPair(alg: SigningAlg | 'RSA-OAEP', kid: string): Promise<KeyPair> {
  return { kid, ...(await generateKeyPair(alg, { extractable: true })) };
}

async function publishedJwk(key: KeyPair, alg: string, use: 'sig' | 'enc'): Promise<JWK> {
  return { ...(await exportJWK(key.publicKey)), kid: key.kid, alg, use };
}

const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/**
 * A Keycloak stand-in: a real HTTP server on 127.0.0.1 serving the realm JWKS (RS256 and ES256
 * signing keys plus an encryption key, which verifiers must ignore) and minting tokens.
 */
export async function startTestIdentityProvider(options: { issuer?: string; audience?: string } = {}): Promise<TestIdentityProvider> {
  const current = { RS256: await keyPair('RS256', 'rs256-current'), ES256: await keyPair('ES256', 'es256-current') };
  const unpublished = { RS256: await keyPair('RS256', 'rs256-unpublished'), ES256: await keyPair('ES256', 'es256-unpublished') };
  const encryption = await keyPair('RSA-OAEP', 'rsa-oaep-enc');
  const jwks = JSON.stringify({
    keys: [
      await publishedJwk(current.RS256, 'RS256', 'sig'),
      await publishedJwk(current.ES256, 'ES256', 'sig'),
      await publishedJwk(encryption, 'RSA-OAEP', 'enc'),
    ],
  });

  let jwksRequests = 0;
  const server = createServer((request, response) => {
    if (request.method === 'GET' && request.url === CERTS_PATH) {
      jwksRequests += 1;
      response.writeHead(200, { 'content-type': 'application/json' }).end(jwks);
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const issuer = options.issuer ?? `${origin}${REALM_PATH}`;
  const audience = options.audience ?? 'one-data';

  const mint: TestIdentityProvider['mint'] = async (claims = {}, mintOptions = {}) => {
    const alg = mintOptions.alg ?? 'RS256';
    const key = (mintOptions.signWith === 'unpublished' ? unpublished : current)[alg];
    const now = nowSeconds();
    const payload: JWTPayload = {
      iss: mintOptions.issuer ?? issuer,
      aud: mintOptions.audience ?? audience,
      sub: 'test-user',
      iat: now,
      exp: now + (mintOptions.expiresIn ?? 300),
      ...(mintOptions.notBefore === undefined ? {} : { nbf: now + mintOptions.notBefore }),
      ...claims,
    };
    return new SignJWT(payload).setProtectedHeader({ alg, kid: mintOptions.kid ?? key.kid, typ: 'JWT' }).sign(key.privateKey);
  };

  const idp: TestIdentityProvider = {
    jwksUrl: `${origin}${CERTS_PATH}`,
    issuer,
    audience,
    mint,
    token: (tenantId, roles, subject = 'test-user') => mint({ sub: subject, tenant_id: tenantId, realm_access: { roles } }),
    jwksRequests: () => jwksRequests,
    close: async () => {
      // Verifiers keep connections alive; drop them so close() resolves promptly.
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
  publishedRsaKeys.set(idp, current.RS256);
  return idp;
}

export function authConfigFor(idp: TestIdentityProvider): JwksAuthConfig {
  return { mode: 'jwks', jwksUrl: idp.jwksUrl, issuer: idp.issuer, audience: idp.audience };
}

/** The same settings as the environment variables a service reads (`AUTH_MODE=jwks` and its three companions). */
export function authEnvFor(idp: TestIdentityProvider): Record<'AUTH_MODE' | 'AUTH_JWKS_URL' | 'AUTH_ISSUER' | 'AUTH_AUDIENCE', string> {
  return { AUTH_MODE: 'jwks', AUTH_JWKS_URL: idp.jwksUrl, AUTH_ISSUER: idp.issuer, AUTH_AUDIENCE: idp.audience };
}

/** `alg: none` token with exactly the given claims. */
export function unsignedToken(claims: Record<string, unknown>): string {
  return new UnsecuredJWT(claims).encode();
}

/**
 * The key-confusion attack: HS256 with the published RSA public key (PEM) as the HMAC secret, so a
 * verifier that lets the token pick the algorithm would accept it. Claims default to a valid
 * iss/aud/sub/exp for `idp`, so only the algorithm is wrong.
 */
export async function hs256SignedWithPublicKey(idp: TestIdentityProvider, claims: Record<string, unknown>): Promise<string> {
  const rsaKey = publishedRsaKeys.get(idp);
  if (rsaKey === undefined) throw new Error('hs256SignedWithPublicKey needs a provider from startTestIdentityProvider()');
  const secret = new TextEncoder().encode(await exportSPKI(rsaKey.publicKey));
  const now = nowSeconds();
  const payload: JWTPayload = { iss: idp.issuer, aud: idp.audience, sub: 'test-user', iat: now, exp: now + 300, ...claims };
  return new SignJWT(payload).setProtectedHeader({ alg: 'HS256', kid: rsaKey.kid, typ: 'JWT' }).sign(secret);
}
