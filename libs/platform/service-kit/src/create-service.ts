import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyRequest, type RawServerDefault } from 'fastify';
import cors from '@fastify/cors';
import helmet from 'helmet';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { DestinationStream } from 'pino';
import { DEV_AUDIENCE, DEV_ISSUER, authPlugin, createTokenVerifier, type AuthPluginOptions } from '@one-data/auth';
import { healthPlugin } from '@one-data/health';
import { metricsPlugin } from '@one-data/metrics';
import type { CommonConfig } from './config.js';
import { AccessLogController } from './access-log.js';
import { createServiceLogger } from './logger.js';
import { validatorCompiler } from './validator.js';
import { ProblemSchema, installProblemHandling } from './problem.js';

export type ServiceApp = FastifyInstance<
  RawServerDefault,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

export interface ServiceOptions {
  /** e.g. `data-api`; used in logs, metrics and the API document. */
  name: string;
  version: string;
  description: string;
  config: CommonConfig;
  /** Where log lines go; defaults to stdout. Tests pass a stream to assert on what was logged. */
  logStream?: DestinationStream;
  /** API keys accepted besides JWTs (model-api's `/v1` keys). */
  apiKeys?: AuthPluginOptions['apiKeys'];
}

const REQUEST_ID = /^[\w.:-]{1,128}$/;
const TRACEPARENT = /^[\da-f]{2}-[\da-f]{32}-[\da-f]{16}-[\da-f]{2}$/;
const validTraceparent = (value: unknown): string | undefined =>
  typeof value === 'string' && TRACEPARENT.test(value) ? value : undefined;

declare module 'fastify' {
  interface FastifyRequest {
    /** W3C trace context received from the caller, to pass on to downstream calls. */
    traceparent: string | undefined;
  }
}

/**
 * The one Fastify factory every service uses: logging with request ids, problem+json errors,
 * security headers, CORS, OpenAPI docs, metrics, health and authentication. The service then
 * registers its own plugins and routes on the returned instance.
 */
export async function createService(options: ServiceOptions): Promise<ServiceApp> {
  const { config } = options;
  const logger = createServiceLogger(options.name, config.LOG_LEVEL, options.logStream);
  const app = Fastify({
    logger: logger.options,
    bodyLimit: config.BODY_LIMIT_BYTES,
    requestTimeout: config.REQUEST_TIMEOUT_MS,
    // Longer than common load balancer idle timeouts, so the proxy closes idle connections, not us.
    keepAliveTimeout: 72_000,
    // While draining, requests on open connections are still served rather than refused.
    return503OnClosing: false,
    requestIdHeader: false,
    logController: new AccessLogController(),
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    // Every log line of a request carries the caller's trace id, so logs join up with traces.
    childLoggerFactory: (logger, bindings, childOptions, rawRequest) => {
      const traceparent = validTraceparent(rawRequest.headers['traceparent']);
      return logger.child(traceparent ? { ...bindings, traceparent } : bindings, childOptions);
    },
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.setValidatorCompiler(validatorCompiler());

  // Read only by the few handlers that call another service, so checked when read, not per request.
  app.decorateRequest('traceparent', {
    getter(this: FastifyRequest) {
      return validTraceparent(this.headers['traceparent']);
    },
  });
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  // JSON APIs only: anything else is a 415, not a string body that fails validation later.
  app.removeContentTypeParser('text/plain');
  app.addHook('onClose', async () => logger.close());
  installProblemHandling(app);
  app.addSchema(ProblemSchema);

  // The helmet middleware is built once: @fastify/helmet rebuilds it (parsing the policy) per request.
  const applySecurityHeaders = helmet({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
      },
    },
  });
  app.addHook('onRequest', (request, reply, done) =>
    applySecurityHeaders(request.raw, reply.raw, (error?: unknown) => done(error as Error | undefined)),
  );
  const origins = config.CORS_ORIGINS.split(',').map((origin) => origin.trim()).filter(Boolean);
  if (origins.length > 0) {
    await app.register(cors, { origin: origins.includes('*') ? true : origins, exposedHeaders: ['x-request-id'] });
  }

  // Every route documents the problem+json answers it can give, and operational routes need no token.
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/docs')) {
      route.config = { ...route.config, public: true };
      return;
    }
    if (!route.schema || route.schema.hide) return;
    route.schema.response = {
      '4xx': { $ref: 'Problem#' },
      '5xx': { $ref: 'Problem#' },
      ...(route.schema.response as Record<string, unknown> | undefined),
    };
    if (route.config?.public) route.schema = { ...route.schema, security: [] };
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: options.name, version: options.version, description: options.description },
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      },
      security: [{ bearer: [] }],
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, index) => String(json['$id'] ?? `def-${index}`) },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { deepLinking: true } });
  await app.register(metricsPlugin, { defaultLabels: { service: options.name } });
  await app.register(healthPlugin);
  // Once shutdown begins, answers close their connection: keep-alive clients reconnect (through the
  // load balancer, to another replica) and the server's close is not held up by idle sockets.
  app.addHook('onSend', async (_request, reply) => {
    if (app.health.shuttingDown) reply.header('connection', 'close');
  });

  const tokenVerifier = await createTokenVerifier({
    mode: config.AUTH_MODE,
    ...(config.AUTH_JWKS_URL === undefined ? {} : { jwksUrl: config.AUTH_JWKS_URL }),
    // Configuration validation makes both mandatory with JWKS; the dev defaults match `npm run token`.
    issuer: config.AUTH_ISSUER ?? DEV_ISSUER,
    audience: config.AUTH_AUDIENCE ?? DEV_AUDIENCE,
    ...(config.AUTH_CLIENT_ID === undefined ? {} : { clientId: config.AUTH_CLIENT_ID }),
    tenantClaim: config.AUTH_TENANT_CLAIM,
  });
  await app.register(authPlugin, {
    verifier: tokenVerifier,
    ...(options.apiKeys === undefined ? {} : { apiKeys: options.apiKeys }),
  });

  return app;
}
