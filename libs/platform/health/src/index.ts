import fp from 'fastify-plugin';
import type { FastifyPluginAsync } from 'fastify';

/** A dependency check: resolves when the dependency is usable, rejects (with a reason) when not. */
export type HealthCheck = (signal: AbortSignal) => Promise<void>;

export interface CheckResult {
  status: 'up' | 'down';
  durationMs: number;
  error?: string;
}

export interface Health {
  /** Registers a readiness check; `/ready` runs every check, in parallel, each bounded by its timeout. */
  addCheck(name: string, check: HealthCheck, options?: { timeoutMs?: number }): void;
  /** From now on `/ready` answers 503, so load balancers stop sending traffic before the server closes. */
  markShuttingDown(): void;
  readonly shuttingDown: boolean;
  /** Runs all checks once. */
  run(): Promise<{ ready: boolean; checks: Record<string, CheckResult> }>;
}

declare module 'fastify' {
  interface FastifyInstance {
    health: Health;
  }
}

export interface HealthPluginOptions {
  /** Default per-check timeout. */
  timeoutMs?: number;
}

const runCheck = async (check: HealthCheck, timeoutMs: number): Promise<CheckResult> => {
  const started = performance.now();
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new Error(`timed out after ${timeoutMs} ms`));
    }, timeoutMs);
  });
  try {
    await Promise.race([check(controller.signal), timeout]);
    return { status: 'up', durationMs: Math.round(performance.now() - started) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { status: 'down', durationMs: Math.round(performance.now() - started), error: message };
  } finally {
    clearTimeout(timer);
  }
};

const plugin: FastifyPluginAsync<HealthPluginOptions> = async (app, options) => {
  const defaultTimeoutMs = options.timeoutMs ?? 2000;
  const checks = new Map<string, { check: HealthCheck; timeoutMs: number }>();
  let shuttingDown = false;

  const health: Health = {
    addCheck(name, check, checkOptions) {
      if (checks.has(name)) throw new Error(`health check '${name}' is already registered`);
      checks.set(name, { check, timeoutMs: checkOptions?.timeoutMs ?? defaultTimeoutMs });
    },
    markShuttingDown() {
      shuttingDown = true;
    },
    get shuttingDown() {
      return shuttingDown;
    },
    async run() {
      const entries = await Promise.all(
        [...checks].map(async ([name, { check, timeoutMs }]) => [name, await runCheck(check, timeoutMs)] as const),
      );
      const results = Object.fromEntries(entries);
      return { ready: entries.every(([, result]) => result.status === 'up'), checks: results };
    },
  };
  app.decorate('health', health);

  const CheckResultSchema = {
    type: 'object',
    properties: {
      status: { type: 'string', enum: ['up', 'down'] },
      durationMs: { type: 'number' },
      error: { type: 'string' },
    },
    required: ['status', 'durationMs'],
  } as const;
  const ReadySchema = {
    type: 'object',
    properties: {
      status: { type: 'string', enum: ['ready', 'not_ready', 'shutting_down'] },
      checks: { type: 'object', additionalProperties: CheckResultSchema },
    },
    required: ['status', 'checks'],
  } as const;

  app.get(
    '/health',
    {
      config: { public: true },
      schema: {
        tags: ['operations'],
        summary: 'Liveness: 200 while the process serves requests; calls no dependency',
        response: { 200: { type: 'object', properties: { status: { type: 'string' } }, required: ['status'] } },
      },
    },
    async () => ({ status: 'ok' }),
  );

  app.get(
    '/ready',
    {
      config: { public: true },
      schema: {
        tags: ['operations'],
        summary: 'Readiness: runs every dependency check; 503 names the failed ones',
        response: { 200: ReadySchema, 503: ReadySchema },
      },
    },
    async (_request, reply) => {
      if (shuttingDown) return reply.code(503).send({ status: 'shutting_down', checks: {} });
      const { ready, checks: results } = await health.run();
      if (!ready) {
        const failed = Object.entries(results)
          .filter(([, result]) => result.status === 'down')
          .map(([name, result]) => `${name}: ${result.error ?? 'down'}`);
        reply.log.warn({ failed }, 'readiness check failed');
      }
      return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', checks: results });
    },
  );
};

export const healthPlugin = fp(plugin, { name: '@one-data/health', fastify: '5.x' });
