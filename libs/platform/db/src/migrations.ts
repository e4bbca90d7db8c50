import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import mysql from 'mysql2/promise';
import { drizzle } from 'drizzle-orm/mysql2';
import { migrate } from 'drizzle-orm/mysql2/migrator';

/**
 * Finds a service's committed `drizzle/` migrations folder from the calling module's URL: beside the
 * bundle in a container (`dist/apps/x/drizzle`), one level up from `src/` in the source tree.
 */
export function resolveMigrationsFolder(moduleUrl: string): string {
  const here = dirname(fileURLToPath(moduleUrl));
  const candidates = [join(here, 'drizzle'), join(here, '..', 'drizzle')];
  const found = candidates.find((candidate) => existsSync(join(candidate, 'meta', '_journal.json')));
  if (!found) throw new Error(`No drizzle migrations found; looked in ${candidates.join(', ')}`);
  return found;
}

/** Creates the URL's database if it does not exist yet (a fresh MySQL has only the server). */
export async function ensureDatabaseExists(url: string): Promise<void> {
  const parsed = new URL(url);
  const name = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (!/^\w+$/.test(name)) throw new Error(`Database name '${name}' must be letters, digits and underscores`);
  parsed.pathname = '/';
  const connection = await mysql.createConnection({ uri: parsed.toString(), connectTimeout: 5000 });
  try {
    await connection.query(`CREATE DATABASE IF NOT EXISTS \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } finally {
    await connection.end();
  }
}

/**
 * Applies every pending migration in order; already-applied ones are skipped. Several services share
 * one database per layer, so each tracks its migrations in its own table.
 */
export async function runMigrations(url: string, migrationsFolder: string, migrationsTable = '__drizzle_migrations'): Promise<void> {
  await ensureDatabaseExists(url);
  const connection = await mysql.createConnection({ uri: url, connectTimeout: 5000, multipleStatements: true });
  try {
    await migrate(drizzle(connection), { migrationsFolder, migrationsTable });
  } finally {
    await connection.end();
  }
}

/** `data-api` → `__migrations_data_api` */
export const migrationsTableFor = (service: string): string => `__migrations_${service.replace(/\W/g, '_')}`;

/**
 * The body of every service's `migrate.ts` (its container command and Helm hook): applies the
 * migrations beside the calling module to `DATABASE_URL`, or exits 1 saying what is wrong.
 */
export async function migrateFromEnvironment(service: string, moduleUrl: string): Promise<void> {
  const url = process.env['DATABASE_URL'];
  if (!url || !url.startsWith('mysql://')) {
    process.stderr.write(`${service} migrate: DATABASE_URL must be set to mysql://user:password@host:3306/database\n`);
    process.exit(1);
  }
  await runMigrations(url, resolveMigrationsFolder(moduleUrl), migrationsTableFor(service));
  process.stdout.write(`${service}: migrations applied\n`);
}
