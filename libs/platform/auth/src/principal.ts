import type { JWTPayload } from 'jose';
import { isRole, type Role } from './roles.js';

/** Who is calling, established once per request by the auth plugin. */
export interface Principal {
  subject: string;
  tenantId: string;
  /** Known roles only; unknown ones from the identity provider are dropped. */
  roles: Role[];
  scopes: string[];
  via: 'jwt' | 'api-key';
}

export interface ClaimMapping {
  tenantClaim: string;
  /** Keycloak client whose `resource_access.<clientId>.roles` count as roles. */
  clientId: string;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const stringsIn = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];

/** `{ roles: [...] }` as Keycloak nests it under `realm_access` and `resource_access.<client>`. */
const nestedRoles = (container: unknown): string[] => (isRecord(container) ? stringsIn(container['roles']) : []);

/** Roles from Keycloak realm roles, the client's roles and a plain `roles` claim (other issuers). */
export function rolesFromClaims(claims: JWTPayload, clientId: string): Role[] {
  const resourceAccess = claims['resource_access'];
  const candidates = [
    ...nestedRoles(claims['realm_access']),
    ...(isRecord(resourceAccess) ? nestedRoles(resourceAccess[clientId]) : []),
    ...stringsIn(claims['roles']),
  ];
  return [...new Set(candidates.filter(isRole))];
}

/** OAuth `scope` (space-separated string) and `scp` (array, or string as some issuers send it). */
export function scopesFromClaims(claims: JWTPayload): string[] {
  const split = (value: unknown): string[] => (typeof value === 'string' ? value.split(/\s+/) : stringsIn(value));
  return [...new Set([...split(claims['scope']), ...split(claims['scp'])].filter((scope) => scope !== ''))];
}

/** The tenant as a string, or undefined when the claim is missing or not a usable value. */
export function tenantFromClaims(claims: JWTPayload, tenantClaim: string): string | undefined {
  const value = claims[tenantClaim];
  if (typeof value === 'string' && value.trim() !== '') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}
