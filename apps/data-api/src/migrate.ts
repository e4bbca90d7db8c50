// Container command and Helm pre-install/pre-upgrade hook: `node migrate.js` applies pending migrations.
import { resolveMigrationsFolder, runMigrations } from '@one-data/db';
import { DATABASE_URL, Type, loadConfig } from '@one-data/service-kit';

const config = loadConfig('data-api migrate', Type.Object({ DATABASE_URL }));
await runMigrations(config.DATABASE_URL, resolveMigrationsFolder(import.meta.url));
process.stdout.write('data-api: migrations applied\n');
