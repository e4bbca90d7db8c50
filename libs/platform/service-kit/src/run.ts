import { setTimeout as sleep } from 'node:timers/promises';
import type { Static, TObject } from 'typebox';
import type { CommonConfig } from './config.js';
import { ConfigError, loadConfig } from './config.js';
import type { ServiceApp } from './create-service.js';

export interface RunServiceOptions<S extends TObject> {
  name: string;
  configSchema: S;
  build: (config: Static<S>) => Promise<ServiceApp>;
  env?: Record<string, string | undefined>;
}

/**
 * Graceful stop: `/ready` turns 503 at once, the server keeps serving for SHUTDOWN_DELAY_MS so load
 * balancers deregister it, then stops accepting and lets in-flight requests finish (at most
 * SHUTDOWN_TIMEOUT_MS), closes pools through onClose hooks, and resolves.
 */
export async function shutdownGracefully(app: ServiceApp, config: CommonConfig, reason: string): Promise<void> {
  app.log.info({ reason, delayMs: config.SHUTDOWN_DELAY_MS }, 'shutting down: readiness now 503');
  app.health.markShuttingDown();
  if (config.SHUTDOWN_DELAY_MS > 0) await sleep(config.SHUTDOWN_DELAY_MS);
  const forceClose = setTimeout(() => {
    app.log.warn({ timeoutMs: config.SHUTDOWN_TIMEOUT_MS }, 'drain timeout reached; closing open connections');
    app.server.closeAllConnections();
  }, config.SHUTDOWN_TIMEOUT_MS);
  forceClose.unref();
  await app.close();
  clearTimeout(forceClose);
  app.log.info('stopped');
}

/** What `main.ts` calls: load configuration (fail fast), build the app, listen, stop gracefully on signals. */
export async function runService<S extends TObject>(options: RunServiceOptions<S>): Promise<void> {
  let config: Static<S> & CommonConfig;
  try {
    config = loadConfig(options.name, options.configSchema, options.env) as Static<S> & CommonConfig;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }

  const app = await options.build(config);
  await app.listen({ port: config.PORT, host: config.HOST });

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    shutdownGracefully(app, config, signal).then(
      () => process.exit(0),
      (error: unknown) => {
        app.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
