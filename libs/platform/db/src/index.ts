export { createDatabase, type Database, type DatabaseOptions } from './database.js';
export { ensureDatabaseExists, resolveMigrationsFolder, runMigrations } from './migrations.js';
export { registerDatabase } from './fastify.js';
export { jsonColumn } from './columns.js';
export { isDuplicateKeyError, isMissingReferenceError, isReferencedRowError } from './errors.js';
