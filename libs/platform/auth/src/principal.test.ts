import { describe, expect, it } from 'vitest';
import { rolesFromClaims, scopesFromClaims, tenantFromClaims } from './principal.js';
import { ROLES, hasRole, type Role } from './roles.js';

describe('hasRole', () => {
  const holding = (...roles: Role[]) => ({ roles });

  it('is hierarchical: admin ⊇ developer ⊇ viewer', () => {
    expect(ROLES).toEqual(['admin', 'developer', 'viewer']);
    expect(ROLES.map((required) => hasRole(holding('admin'), required))).toEqual([true, true, true]);
    expect(ROLES.map((required) => hasRole(holding('developer'), required))).toEqual([false, true, true]);
    expect(ROLES.map((required) => hasRole(holding('viewer'), required))).toEqual([false, false, true]);
    expect(ROLES.map((required) => hasRole(holding(), required))).toEqual([false, false, false]);
  });
});

describe('claims mapping', () => {
  it('collects known roles from realm_access, the configured client and a plain roles claim', () => {
    const claims = {
      realm_access: { roles: ['viewer', 'offline_access'] },
      resource_access: { 'one-data': { roles: ['developer', 'viewer'] }, account: { roles: ['admin'] } },
      roles: ['admin', 42],
    };
    expect(rolesFromClaims(claims, 'one-data')).toEqual(['viewer', 'developer', 'admin']);
    expect(rolesFromClaims(claims, 'account')).toEqual(['viewer', 'admin']);
    expect(rolesFromClaims({ realm_access: 'admin', resource_access: ['admin'] }, 'one-data')).toEqual([]);
  });

  it('reads scopes from scope (space-separated) and scp', () => {
    expect(scopesFromClaims({ scope: 'openid  profile' })).toEqual(['openid', 'profile']);
    expect(scopesFromClaims({ scp: ['models.read', 'models.write'] })).toEqual(['models.read', 'models.write']);
    expect(scopesFromClaims({})).toEqual([]);
  });

  it('reads the tenant as a string from the configured claim', () => {
    expect(tenantFromClaims({ tenant_id: 'acme' }, 'tenant_id')).toBe('acme');
    expect(tenantFromClaims({ org: 7 }, 'org')).toBe('7');
    expect(tenantFromClaims({ tenant_id: '  ' }, 'tenant_id')).toBeUndefined();
    expect(tenantFromClaims({ tenant_id: { id: 'acme' } }, 'tenant_id')).toBeUndefined();
    expect(tenantFromClaims({}, 'tenant_id')).toBeUndefined();
  });
});
