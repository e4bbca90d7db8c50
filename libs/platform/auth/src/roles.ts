export type Role = 'admin' | 'developer' | 'viewer';

/** Most privileged first; each role includes every role after it. */
export const ROLES: readonly Role[] = Object.freeze(['admin', 'developer', 'viewer']);

// Lower index = more privilege, so a role satisfies every requirement at or after its own index.
const rank = (role: Role): number => ROLES.indexOf(role);

export const isRole = (value: unknown): value is Role => typeof value === 'string' && (ROLES as readonly string[]).includes(value);

/** True when the principal holds `required` or a role that includes it (admin ⊇ developer ⊇ viewer). */
export function hasRole(principal: { roles: readonly Role[] }, required: Role): boolean {
  return principal.roles.some((role) => rank(role) <= rank(required));
}
