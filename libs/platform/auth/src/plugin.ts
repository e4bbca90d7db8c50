import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { DEFAULT_REALM, InvalidTokenError, insufficientRole, unauthenticated } from './errors.js';
import type { Principal } from './principal.js';
import { hasRole, type Role } from './roles.js';
import type { TokenVerifier } from './verifier.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the auth plugin on every non-public route; null on public routes. */
    principal: Principal;
  }
  interface FastifyContextConfig {
    /** Skip authentication (health, ready, metrics, docs). */
    public?: boolean;
    /** Least role the caller needs; roles are hierarchical (admin ⊇ developer ⊇ viewer). */
    role?: Role;
  }
}

export interface AuthPluginOptions {
  verifier: TokenVerifier;
  /** Bearer credentials starting with `prefix` are API keys; `verify` returns null for an unknown key (401). */
  apiKeys?: { prefix: string; verify(key: string, request: FastifyRequest): Promise<Principal | null> };
  /** `WWW-Authenticate` realm; default `one-data`. */
  realm?: string;
}

// RFC 6750 §2.1 b64token; anything else in the header is malformed rather than a bad token.
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

const authPluginImpl: FastifyPluginAsync<AuthPluginOptions> = async (app, options) => {
  const realm = options.realm ?? DEFAULT_REALM;
  const { verifier, apiKeys } = options;

  async function authenticate(credential: string, request: FastifyRequest): Promise<Principal> {
    if (apiKeys !== undefined && credential.startsWith(apiKeys.prefix)) {
      const principal = await apiKeys.verify(credential, request);
      if (principal === null) {
        throw new InvalidTokenError('invalid api key', 'The API key is unknown, revoked or expired.', realm);
      }
      return principal;
    }
    try {
      return await verifier.verify(credential);
    } catch (error) {
      throw error instanceof InvalidTokenError ? error.withRealm(realm) : error;
    }
  }

  // Null initial value keeps the request shape stable; Fastify's typings accept null only with a dependency list.
  app.decorateRequest('principal', null, []);

  app.addHook('onRequest', async (request) => {
    const { url, config } = request.routeOptions;
    // No route matched: the not-found handler answers 404 and exposes nothing.
    if (url === undefined || config.public === true) return;

    const header = request.headers.authorization;
    if (header === undefined || header === '') {
      throw unauthenticated("Send an 'Authorization: Bearer <token>' header.", realm);
    }
    const credential = BEARER.exec(header)?.[1];
    if (credential === undefined) {
      throw unauthenticated("The Authorization header must have the form 'Bearer <token>'.", realm);
    }

    request.principal = await authenticate(credential, request);
    if (config.role !== undefined && !hasRole(request.principal, config.role)) {
      throw insufficientRole(config.role, realm);
    }
  });
};

/** Authenticates every route that is not `config: { public: true }`; wrapped so it applies app-wide. */
export const authPlugin = fp(authPluginImpl, { name: '@one-data/auth', fastify: '5.x' });
