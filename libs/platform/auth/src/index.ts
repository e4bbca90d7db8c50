export { ROLES, hasRole, type Role } from './roles.js';
export type { Principal } from './principal.js';
export { assertAuthModeAllowed, createTokenVerifier, type AuthConfig, type TokenVerifier } from './verifier.js';
export {
  DEV_AUDIENCE,
  DEV_ISSUER,
  DEV_TOKEN_TTL_SECONDS,
  loadOrCreateDevKeys,
  mintDevToken,
  type DevKeys,
  type DevTokenInput,
} from './dev-keys.js';
export { authPlugin, type AuthPluginOptions } from './plugin.js';
