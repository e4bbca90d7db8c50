import { runService } from '@one-data/service-kit';
import { SERVICE_NAME, buildApp } from './app.js';
import { DataApiConfigSchema } from './config.js';

await runService({ name: SERVICE_NAME, configSchema: DataApiConfigSchema, build: (config) => buildApp(config) });
