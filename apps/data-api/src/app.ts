import { createDatabase, registerDatabase } from '@one-data/db';
import { createService, type ServiceApp, type ServiceOptions } from '@one-data/service-kit';
import type { DataApiConfig } from './config.js';
import { CredentialsCipher } from './datasources/credentials-cipher.js';
import { DataSourceRepository } from './datasources/repository.js';
import { DataSourceService } from './datasources/service.js';
import { DatasetRepository } from './datasets/repository.js';
import { DatasetService } from './datasets/service.js';
import { schema } from './db/index.js';
import { datasetRoutes } from './routes/datasets/index.js';
import { dataSourceRoutes } from './routes/datasources/index.js';

export const SERVICE_NAME = 'data-api';

export type BuildOptions = Pick<ServiceOptions, 'logStream'>;

/** Wires the data API: the service kit, the `data` database, and the data source and dataset routes. */
export async function buildApp(config: DataApiConfig, options: BuildOptions = {}): Promise<ServiceApp> {
  const app = await createService({
    name: SERVICE_NAME,
    version: process.env['npm_package_version'] ?? '0.1.0',
    description: 'Data sources (with encrypted credentials) and datasets of the ONE-DATA-STUDIO data layer',
    config,
    ...options,
  });

  const database = createDatabase({ url: config.DATABASE_URL, schema, poolSize: config.DATABASE_POOL_SIZE });
  registerDatabase(app, database);

  const cipher = new CredentialsCipher(config.CREDENTIALS_KEYS, config.CREDENTIALS_ACTIVE_KEY_ID);
  const dataSourceRepository = new DataSourceRepository(database.db);
  const dataSources = new DataSourceService(dataSourceRepository, cipher, config.CONNECTION_TEST_TIMEOUT_MS);
  const datasets = new DatasetService(new DatasetRepository(database.db), dataSourceRepository);

  await app.register(dataSourceRoutes, { prefix: '/api/v1/datasources', dataSources });
  await app.register(datasetRoutes, { prefix: '/api/v1/datasets', datasets });
  return app;
}
