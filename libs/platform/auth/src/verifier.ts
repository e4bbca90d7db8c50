import { createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { ProblemError } from '@one-data/errors';
import { loadOrCreateDevKeys } from './dev-keys.js';
import { InvalidTokenError, identityProviderUnavailable, noTenant } from './errors.js';
import { rolesFromClaims, scopesFromClaims, tenantFromClaims, type Principal } from './principal.js';

export interface AuthConfig {
  mode: 'jwks' | 'dev';
  /** Required for mode 'jwks' (Keycloak: `<realm url>/protocol/openid-connect/certs`). */
  jwksUrl?: string;
  /** Compared exactly with `iss`. */
  issuer: string;
  audience: string;
  /** default `tenant_id` */
  tenantClaim?: string;
  /** Keycloak client whose `resource_access.<clientId>.roles` also count; default = audience. */
  clientId?: string;
  /** default 30 */
  clockToleranceSeconds?: number;
  /** Dev mode key folder; default `AUTH_DEV_KEY_DIR`, else `<workspace root>/.local/dev-auth`. */
  devKeyDir?: string;
  /** How many verified tokens to remember until they expire; 0 verifies every time. Default 10 000. */
  verifiedTokenCacheSize?: number;
}

export interface TokenVerifier {
  /** Resolves the principal, or throws ProblemError (401 invalid_token, 403 no_tenant, 503). */
  verify(token: string): Promise<Principal>;
}

/** Asymmetric only: rejects `alg: none` and HS256 tokens "signed" with the public key. */
const ALGORITHMS = ['RS256', 'ES256'];

// Remote key set: a slow identity provider must not hold requests for long; an unknown kid
// refetches (key rotation) at most once per cooldown so forged kids cannot hammer Keycloak.
const JWKS_TIMEOUT_MS = 3_000;
const JWKS_COOLDOWN_MS = 30_000;
const JWKS_MAX_AGE_MS = 10 * 60_000;

export function assertAuthModeAllowed(mode: 'jwks' | 'dev', nodeEnv: string | undefined): void {
  if (mode === 'dev' && nodeEnv === 'production') {
    throw new Error('AUTH_MODE=dev is not allowed when NODE_ENV=production');
  }
}

async function keySetFor(config: AuthConfig): Promise<JWTVerifyGetKey> {
  if (config.mode === 'dev') return createLocalJWKSet((await loadOrCreateDevKeys(config.devKeyDir)).publicJwks);
  if (config.jwksUrl === undefined || config.jwksUrl === '') throw new Error("AuthConfig.jwksUrl is required for mode 'jwks'");
  return createRemoteJWKSet(new URL(config.jwksUrl), {
    timeoutDuration: JWKS_TIMEOUT_MS,
    cooldownDuration: JWKS_COOLDOWN_MS,
    cacheMaxAge: JWKS_MAX_AGE_MS,
  });
}

/**
 * Turns a jose failure into the problem a client sees. Token faults are 401 with a fixed short
 * reason; anything else (JWKS unreachable, timed out, malformed) is the identity provider's fault.
 * The jose error is not attached as cause: some carry the token's claims, which must not be logged.
 */
function rejection(error: unknown, config: AuthConfig): ProblemError {
  if (error instanceof errors.JWTExpired) return new InvalidTokenError('token expired', 'The token has expired; get a new one.');
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.reason === 'missing') {
      return new InvalidTokenError(`missing ${error.claim} claim`, `The token has no '${error.claim}' claim.`);
    }
    switch (error.claim) {
      case 'nbf':
        return new InvalidTokenError('token not yet valid', 'The token is not valid yet (its nbf is in the future).');
      case 'iss':
        return new InvalidTokenError('unexpected issuer', `The token was not issued by '${config.issuer}'.`);
      case 'aud':
        return new InvalidTokenError('unexpected audience', `The token is not meant for audience '${config.audience}'.`);
      default:
        return new InvalidTokenError('invalid claim', `The token's '${error.claim}' claim is invalid.`);
    }
  }
  if (error instanceof errors.JOSEAlgNotAllowed) {
    return new InvalidTokenError('unsupported algorithm', `The token must be signed with ${ALGORITHMS.join(' or ')}.`);
  }
  if (error instanceof errors.JOSENotSupported) {
    return new InvalidTokenError('unsupported token', 'The token uses a JOSE feature this service does not support.');
  }
  if (error instanceof errors.JWKSNoMatchingKey) {
    return new InvalidTokenError('unknown signing key', 'The token was signed with a key the identity provider does not publish.');
  }
  if (error instanceof errors.JWSSignatureVerificationFailed || error instanceof errors.JWKSMultipleMatchingKeys) {
    return new InvalidTokenError('bad signature', 'The token signature does not verify.');
  }
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) {
    return new InvalidTokenError('malformed token', 'The token is not a well-formed signed JWT.');
  }
  return identityProviderUnavailable(error);
}

/** Verifies bearer JWTs; both modes share one code path and differ only in where keys come from. */
export async function createTokenVerifier(config: AuthConfig): Promise<TokenVerifier> {
  // Defence in depth: services also check this at start-up with a clearer context.
  assertAuthModeAllowed(config.mode, process.env['NODE_ENV']);
  const keySet = await keySetFor(config);
  const tenantClaim = config.tenantClaim ?? 'tenant_id';
  const clientId = config.clientId ?? config.audience;
  const verifyOptions = {
    algorithms: ALGORITHMS,
    issuer: config.issuer,
    audience: config.audience,
    clockTolerance: config.clockToleranceSeconds ?? 30,
    // A token without exp would never expire.
    requiredClaims: ['sub', 'exp'],
  };

  // A signature check costs ~0.3 ms of CPU, more than the rest of a typical request. A token's
  // verdict cannot change before it expires (JWTs are not revocable), so successful verifications
  // are remembered until `exp`, in insertion order, dropping the oldest when full.
  const cacheSize = config.verifiedTokenCacheSize ?? 10_000;
  const verified = new Map<string, { principal: Principal; expiresAtMs: number }>();

  return {
    async verify(token) {
      const remembered = verified.get(token);
      if (remembered !== undefined) {
        if (Date.now() < remembered.expiresAtMs) return remembered.principal;
        verified.delete(token);
      }
      let claims;
      try {
        ({ payload: claims } = await jwtVerify(token, keySet, verifyOptions));
      } catch (error) {
        throw rejection(error, config);
      }
      if (typeof claims.sub !== 'string' || claims.sub === '') {
        throw new InvalidTokenError('missing sub claim', "The token has no 'sub' claim.");
      }
      const tenantId = tenantFromClaims(claims, tenantClaim);
      if (tenantId === undefined) throw noTenant(tenantClaim);
      const principal: Principal = {
        subject: claims.sub,
        tenantId,
        roles: rolesFromClaims(claims, clientId),
        scopes: scopesFromClaims(claims),
        via: 'jwt',
      };
      if (cacheSize > 0 && typeof claims.exp === 'number') {
        if (verified.size >= cacheSize) verified.delete(verified.keys().next().value as string);
        verified.set(token, { principal, expiresAtMs: claims.exp * 1000 });
      }
      return principal;
    },
  };
}
