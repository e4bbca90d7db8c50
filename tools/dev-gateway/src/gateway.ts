/**
 * The development stand-in for the Istio ingress gateway: picks a route by Host and longest path
 * prefix, as the charts' VirtualServices do, and streams the request to the service's dev port.
 */
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import { Agent, type Dispatcher } from 'undici';
import { byPrecedence, type Route } from './route-table.js';

export interface GatewayOptions {
  routes: Route[];
  logger?: FastifyServerOptions['logger'];
}

const PROBLEM_CONTENT_TYPE = 'application/problem+json';

// Hop-by-hop headers describe one connection, not the message (RFC 9110 §7.6.1); undici refuses most
// of them. `expect: 100-continue` was already answered by Node's server.
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'expect']);

type HeaderMap = Record<string, string | string[] | undefined>;

function endToEnd(headers: HeaderMap): Record<string, string | string[]> {
  const named = String(headers['connection'] ?? '').toLowerCase().split(',').map((name) => name.trim());
  const kept: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name) && !named.includes(name)) kept[name] = value;
  }
  return kept;
}

function forwardedHeaders(request: FastifyRequest): Record<string, string> {
  const prior = request.headers['x-forwarded-for'];
  return {
    'x-forwarded-host': request.headers.host ?? '',
    'x-forwarded-proto': 'http',
    'x-forwarded-for': typeof prior === 'string' ? `${prior}, ${request.ip}` : request.ip,
  };
}

function sendProblem(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  code: string,
  title: string,
  detail: string,
  extensions: Record<string, unknown>,
): FastifyReply {
  return reply
    .code(status)
    .type(PROBLEM_CONTENT_TYPE)
    .send({
      type: `https://one-data.dev/problems/${code.replaceAll('_', '-')}`,
      title,
      status,
      code,
      detail,
      instance: request.url.split('?')[0],
      requestId: request.id,
      ...extensions,
    });
}

export function createGateway({ routes, logger = false }: GatewayOptions): FastifyInstance {
  const byHost = new Map<string, Route[]>();
  // `data.localhost` answers for data.example.com: browsers and curl resolve *.localhost to loopback.
  const aliases = new Map<string, string>();
  for (const route of [...routes].sort(byPrecedence)) {
    const host = route.host.toLowerCase();
    byHost.set(host, [...(byHost.get(host) ?? []), route]);
    const alias = `${host.split('.')[0]}.localhost`;
    const owner = aliases.get(alias);
    if (owner !== undefined && owner !== host) throw new Error(`${owner} and ${host} would both answer as ${alias}`);
    aliases.set(alias, host);
  }
  const knownHosts = [...aliases].map(([alias, host]) => `${host} (${alias})`);

  // Istio sets no route timeout unless the chart asks for one, and event streams may idle for long.
  const agent = new Agent({ headersTimeout: 0, bodyTimeout: 0 });
  const app = Fastify({ logger });
  app.addHook('onClose', () => agent.close());

  // Bodies are not parsed: they stay unread until undici streams them upstream.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, _payload, done) => done(null));

  app.all('/*', async (request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    const host = request.hostname.toLowerCase();
    const candidates = byHost.get(host) ?? byHost.get(aliases.get(host) ?? '') ?? [];
    const route = candidates.find((candidate) => path.startsWith(candidate.prefix));
    if (!route) {
      return sendProblem(request, reply, 404, 'route_not_found', 'No route', `No route for host '${host}' and path '${path}'.`, {
        knownHosts,
      });
    }

    // The client leaving cancels the upstream request, whether it is still waiting or already streaming.
    const abort = new AbortController();
    reply.raw.once('close', () => {
      if (!reply.raw.writableFinished) abort.abort();
    });
    const hasBody = request.headers['transfer-encoding'] !== undefined || Number(request.headers['content-length'] ?? 0) > 0;
    let upstream: Dispatcher.ResponseData;
    try {
      upstream = await agent.request({
        origin: `http://127.0.0.1:${route.port}`,
        path: request.url,
        method: request.method as Dispatcher.HttpMethod,
        // Host stays the one the client used, as Envoy passes it on.
        headers: { ...endToEnd(request.headers), ...forwardedHeaders(request) },
        body: hasBody ? request.raw : null,
        signal: abort.signal,
      });
    } catch (error) {
      // 499 as nginx logs it: the client closed the request, nobody reads this answer.
      if (abort.signal.aborted) return reply.code(499).send();
      const reason = (error as { code?: string }).code ?? (error as Error).message;
      return sendProblem(
        request,
        reply,
        502,
        'upstream_unavailable',
        'Service unavailable',
        `${route.service} did not answer on 127.0.0.1:${route.port} (${reason}): is \`nx serve ${route.service}\` running?`,
        { service: route.service, port: route.port },
      );
    }
    reply.code(upstream.statusCode).headers(endToEnd(upstream.headers));
    // Fastify writes each chunk on as it arrives: event streams are not buffered.
    return reply.send(upstream.body);
  });

  return app;
}
