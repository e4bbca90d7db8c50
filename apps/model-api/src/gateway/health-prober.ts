import type { FastifyBaseLogger } from 'fastify';
import type { PoolRegistry } from './pools.js';

/**
 * Active health checks: GET /health on every endpoint each interval. A failed probe takes the
 * endpoint out of rotation at once; the next good probe brings it back. (Passive ejection, from
 * real request failures, lives on the endpoint itself.)
 */
export class HealthProber {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly registry: PoolRegistry,
    private readonly timeoutMs: number,
    private readonly log: FastifyBaseLogger,
  ) {}

  async probeAll(): Promise<void> {
    await Promise.all(
      this.registry.allEndpoints().map(async (endpoint) => {
        let healthy = false;
        try {
          const response = await endpoint.dispatcher.request({
            path: '/health',
            method: 'GET',
            signal: AbortSignal.timeout(this.timeoutMs),
          });
          await response.body.dump();
          healthy = response.statusCode === 200;
        } catch {
          healthy = false;
        }
        if (healthy !== endpoint.probeHealthy) {
          this.log.warn({ endpoint: endpoint.url, healthy }, 'endpoint health changed');
        }
        endpoint.probeHealthy = healthy;
      }),
    );
  }

  start(intervalMs: number): void {
    this.timer = setInterval(() => void this.probeAll(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
