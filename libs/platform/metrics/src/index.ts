import fp from 'fastify-plugin';
import type { FastifyPluginAsync } from 'fastify';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export { Counter, Gauge, Histogram, Registry } from 'prom-client';

declare module 'fastify' {
  interface FastifyInstance {
    /** The service's one Prometheus registry: register service metrics here so `/metrics` exposes them. */
    metrics: Registry;
  }
  interface FastifyRequest {
    metricsStartedAt: bigint;
  }
}

export interface MetricsPluginOptions {
  /** Constant labels on every series, e.g. `{ service: 'data-api' }`. */
  defaultLabels?: Record<string, string>;
  /** Histogram buckets for request durations, in seconds. */
  buckets?: number[];
}

/** Label used for requests that matched no route, so arbitrary URLs cannot explode label cardinality. */
export const UNMATCHED_ROUTE = '__unmatched__';

const plugin: FastifyPluginAsync<MetricsPluginOptions> = async (app, options) => {
  const registry = new Registry();
  if (options.defaultLabels) registry.setDefaultLabels(options.defaultLabels);
  collectDefaultMetrics({ register: registry });

  const labelNames = ['method', 'route', 'status_code'] as const;
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration in seconds, by route template',
    labelNames,
    buckets: options.buckets ?? [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const total = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests completed, by route template',
    labelNames,
    registers: [registry],
  });
  const inFlight = new Gauge({
    name: 'http_requests_in_flight',
    help: 'HTTP requests being served now',
    registers: [registry],
  });

  app.decorate('metrics', registry);
  app.decorateRequest('metricsStartedAt', 0n);

  app.addHook('onRequest', async (request, reply) => {
    request.metricsStartedAt = process.hrtime.bigint();
    inFlight.inc();
    // 'close' fires exactly once per response, also when the client aborts before onResponse could run.
    reply.raw.once('close', () => inFlight.dec());
  });
  app.addHook('onResponse', async (request, reply) => {
    const labels = {
      method: request.method,
      route: request.routeOptions.url ?? UNMATCHED_ROUTE,
      status_code: String(reply.statusCode),
    };
    duration.observe(labels, Number(process.hrtime.bigint() - request.metricsStartedAt) / 1e9);
    total.inc(labels);
  });

  app.get(
    '/metrics',
    {
      config: { public: true },
      schema: {
        tags: ['operations'],
        summary: 'Prometheus metrics in text exposition format',
        produces: ['text/plain'],
        response: { 200: { type: 'string' } },
      },
    },
    async (_request, reply) => {
      reply.type(registry.contentType);
      return registry.metrics();
    },
  );
};

export const metricsPlugin = fp(plugin, { name: '@one-data/metrics', fastify: '5.x' });
