import { runService } from '@one-data/service-kit';
import { SERVICE_NAME, buildApp } from './app.js';
import { ModelApiConfigSchema } from './config.js';

await runService({ name: SERVICE_NAME, configSchema: ModelApiConfigSchema, build: (config) => buildApp(config) });
