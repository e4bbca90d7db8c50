import { ProblemError } from '@one-data/errors';
import type { Role } from './roles.js';

export const DEFAULT_REALM = 'one-data';

/** RFC 6750 §3 challenge. Parameter values are fixed strings from this library, never token content. */
export function bearerChallenge(realm: string, parameters: Record<string, string> = {}): string {
  const quoted = Object.entries({ realm, ...parameters }).map(([name, value]) => `${name}="${value.replace(/["\\]/g, '')}"`);
  return `Bearer ${quoted.join(', ')}`;
}

export const unauthenticated = (detail: string, realm = DEFAULT_REALM): ProblemError =>
  new ProblemError(401, 'unauthenticated', 'Authentication required', {
    detail,
    headers: { 'www-authenticate': bearerChallenge(realm) },
  });

/**
 * 401 for a token (or API key) that was presented but is not acceptable. Carries the short reason
 * separately so the plugin can re-issue it under its own realm.
 */
export class InvalidTokenError extends ProblemError {
  constructor(
    /** Short, fixed reason for `error_description`, e.g. `token expired`. */
    readonly reason: string,
    detail: string,
    readonly realm = DEFAULT_REALM,
  ) {
    super(401, 'invalid_token', 'Invalid token', {
      detail,
      headers: { 'www-authenticate': bearerChallenge(realm, { error: 'invalid_token', error_description: reason }) },
    });
    this.name = 'InvalidTokenError';
  }

  withRealm(realm: string): InvalidTokenError {
    return realm === this.realm ? this : new InvalidTokenError(this.reason, this.detail ?? '', realm);
  }
}

export const noTenant = (tenantClaim: string): ProblemError =>
  new ProblemError(403, 'no_tenant', 'No tenant', {
    detail: `The token is valid but carries no '${tenantClaim}' claim, so it cannot act on any tenant's data.`,
  });

export const insufficientRole = (required: Role, realm = DEFAULT_REALM): ProblemError =>
  new ProblemError(403, 'forbidden', 'Insufficient role', {
    detail: `This operation needs the '${required}' role.`,
    headers: { 'www-authenticate': bearerChallenge(realm, { error: 'insufficient_scope' }) },
  });

export const identityProviderUnavailable = (cause: unknown): ProblemError =>
  new ProblemError(503, 'auth_unavailable', 'Authentication unavailable', {
    detail: "The identity provider's signing keys could not be fetched; try again shortly.",
    headers: { 'retry-after': '5' },
    cause,
  });
