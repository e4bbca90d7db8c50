import type {} from '@one-data/health';
import type { FastifyInstance } from 'fastify';
import type { Database } from './database.js';

/** Adds the database to the service's readiness checks and closes its pool when the service stops. */
export function registerDatabase<TSchema extends Record<string, unknown>>(
  app: FastifyInstance,
  database: Database<TSchema>,
  checkName = 'database',
): void {
  app.health.addCheck(checkName, () => database.ping());
  app.addHook('onClose', () => database.close());
}
