import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';

const QUIET_ROUTES = new Set(['/health', '/ready', '/metrics']);

/**
 * One access-log line per request, when it completes (method, path, status, duration), instead of
 * Fastify's two; the incoming line is kept at debug level. Probes and scrapes, which arrive every
 * few seconds, are not logged. The query string is left out: it may carry tokens.
 */
export class AccessLogController extends LogController {
  constructor() {
    super({ disableRequestLogging: (request: FastifyRequest) => QUIET_ROUTES.has(request.routeOptions.url ?? '') });
  }

  override incomingRequest(request: FastifyRequest): void {
    if (this.isLogDisabled(request) || !(request.log as Logger).isLevelEnabled('debug')) return;
    request.log.debug({ req: request }, 'incoming request');
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (this.isLogDisabled(request)) return;
    const entry = {
      method: request.method,
      path: request.url.split('?', 1)[0],
      route: request.routeOptions.url,
      statusCode: reply.statusCode,
      responseTime: reply.elapsedTime,
    };
    if (error) reply.log.error({ ...entry, err: error }, 'request errored');
    else reply.log.info(entry, 'request completed');
  }
}
