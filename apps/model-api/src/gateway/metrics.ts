import { Counter, Gauge, Histogram, type Registry } from '@one-data/metrics';
import type { PoolRegistry } from './pools.js';

export type GatewayMetrics = ReturnType<typeof createGatewayMetrics>;

export function createGatewayMetrics(registry: Registry, pools: PoolRegistry) {
  const registers = [registry];
  return {
    requests: new Counter({
      name: 'gateway_requests_total',
      help: 'Inference requests by served model and final status',
      labelNames: ['model', 'status'] as const,
      registers,
    }),
    timeToFirstToken: new Histogram({
      name: 'gateway_time_to_first_token_seconds',
      help: 'From request received to the first streamed chunk forwarded',
      labelNames: ['model'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    duration: new Histogram({
      name: 'gateway_request_duration_seconds',
      help: 'From request received to the last byte sent',
      labelNames: ['model', 'stream'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
      registers,
    }),
    tokens: new Counter({
      name: 'gateway_tokens_total',
      help: 'Tokens reported by the upstream, by kind (prompt | completion)',
      labelNames: ['model', 'kind'] as const,
      registers,
    }),
    rateLimited: new Counter({
      name: 'gateway_rate_limited_total',
      help: 'Requests refused with 429, by scope (key | tenant) and limit',
      labelNames: ['scope', 'limit'] as const,
      registers,
    }),
    retries: new Counter({
      name: 'gateway_upstream_retries_total',
      help: 'Requests sent again to another endpoint, by reason',
      labelNames: ['model', 'reason'] as const,
      registers,
    }),
    limiterUnavailable: new Counter({
      name: 'gateway_rate_limiter_unavailable_total',
      help: 'Admissions decided without Redis (fail-open) or refused for its absence (fail-closed)',
      registers,
    }),
    endpointInFlight: new Gauge({
      name: 'gateway_endpoint_in_flight',
      help: 'Requests outstanding per vLLM endpoint',
      labelNames: ['model', 'endpoint'] as const,
      registers,
      collect() {
        this.reset();
        for (const pool of pools.all()) {
          for (const endpoint of pool.endpoints) this.set({ model: pool.model, endpoint: endpoint.url }, endpoint.outstanding);
        }
      },
    }),
    endpointHealthy: new Gauge({
      name: 'gateway_endpoint_healthy',
      help: '1 while an endpoint takes traffic (probe healthy, not ejected), else 0',
      labelNames: ['model', 'endpoint'] as const,
      registers,
      collect() {
        this.reset();
        for (const pool of pools.all()) {
          for (const endpoint of pool.endpoints) {
            this.set({ model: pool.model, endpoint: endpoint.url }, endpoint.probeHealthy && !endpoint.ejected ? 1 : 0);
          }
        }
      },
    }),
  };
}
