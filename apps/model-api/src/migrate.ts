// Container command and Helm pre-install/pre-upgrade hook: `node migrate.js` applies pending migrations.
import { migrateFromEnvironment } from '@one-data/db';

await migrateFromEnvironment('model-api', import.meta.url);
