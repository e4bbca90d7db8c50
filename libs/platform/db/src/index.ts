export { createDatabase, type Database, type DatabaseOptions } from './database.js';
export {
  ensureDatabaseExists,
  migrateFromEnvironment,
  migrationsTableFor,
  resolveMigrationsFolder,
  runMigrations,
} from './migrations.js';
export { registerDatabase } from './fastify.js';
export { jsonColumn, timestampColumns } from './columns.js';
export { isDuplicateKeyError, isMissingReferenceError, isReferencedRowError } from './errors.js';
