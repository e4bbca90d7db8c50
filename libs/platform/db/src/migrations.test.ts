import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDatabaseExists, migrationsTableFor, resolveMigrationsFolder, runMigrations } from './migrations.js';

// mysql2 directly rather than @one-data/testing: that library depends on this one.
const SERVER_URL = process.env['TEST_MYSQL_URL'] ?? 'mysql://root@127.0.0.1:3306';
const created: string[] = [];

function databaseUrl(): { name: string; url: string } {
  const name = `test_db_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  created.push(name);
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  return { name, url: url.toString() };
}

async function query<T>(sql: string, values: unknown[] = []): Promise<T> {
  const connection = await mysql.createConnection({ uri: SERVER_URL });
  try {
    const [rows] = await connection.query(sql, values);
    return rows as T;
  } finally {
    await connection.end();
  }
}

const tablesOf = async (name: string): Promise<string[]> =>
  (
    await query<{ name: string }[]>('SELECT table_name AS name FROM information_schema.tables WHERE table_schema = ?', [name])
  )
    .map((row) => row.name)
    .sort();

interface Migration {
  tag: string;
  when: number;
  sql: string;
}

/** A migrations folder exactly as drizzle-kit writes it: `<tag>.sql` plus `meta/_journal.json`. */
async function writeMigrations(folder: string, migrations: Migration[]): Promise<void> {
  await mkdir(join(folder, 'meta'), { recursive: true });
  const entries = migrations.map((migration, idx) => ({ idx, version: '5', when: migration.when, tag: migration.tag, breakpoints: true }));
  await writeFile(join(folder, 'meta', '_journal.json'), JSON.stringify({ version: '7', dialect: 'mysql', entries }, null, 2));
  for (const migration of migrations) await writeFile(join(folder, `${migration.tag}.sql`), migration.sql);
}

const INITIAL: Migration = {
  tag: '0000_initial',
  when: 1_700_000_000_000,
  sql: [
    'CREATE TABLE `widgets` (\n\t`id` varchar(40) NOT NULL,\n\t`name` varchar(64) NOT NULL,\n\tCONSTRAINT `widgets_id` PRIMARY KEY(`id`)\n);',
    "INSERT INTO `widgets` (`id`, `name`) VALUES ('w1', 'first');",
  ].join('\n--> statement-breakpoint\n'),
};
const SECOND: Migration = {
  tag: '0001_gadgets',
  when: 1_700_000_100_000,
  sql: 'CREATE TABLE `gadgets` (`id` int NOT NULL, CONSTRAINT `gadgets_id` PRIMARY KEY(`id`));--> statement-breakpoint\nALTER TABLE `widgets` ADD `colour` varchar(16);',
};

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'db-migrations-'));
});
afterAll(async () => {
  for (const name of created) await query(`DROP DATABASE IF EXISTS \`${name}\``);
  await rm(dir, { recursive: true, force: true });
});

describe('runMigrations', () => {
  it('creates the database, applies every statement, and is idempotent', async () => {
    const folder = join(dir, 'idempotent');
    await writeMigrations(folder, [INITIAL]);
    const { name, url } = databaseUrl();

    await runMigrations(url, folder);
    expect(await tablesOf(name)).toEqual(['__drizzle_migrations', 'widgets']);
    expect(await query(`SELECT id, name FROM \`${name}\`.widgets`)).toEqual([{ id: 'w1', name: 'first' }]);

    // Second run: nothing re-applied (a re-run CREATE TABLE / INSERT would fail or duplicate).
    await runMigrations(url, folder);
    expect(await query(`SELECT id FROM \`${name}\`.widgets`)).toEqual([{ id: 'w1' }]);
    expect(await query(`SELECT COUNT(*) AS n FROM \`${name}\`.__drizzle_migrations`)).toEqual([{ n: 1 }]);
  });

  it('applies only the migrations added since the last run', async () => {
    const folder = join(dir, 'incremental');
    await writeMigrations(folder, [INITIAL]);
    const { name, url } = databaseUrl();
    await runMigrations(url, folder);

    await writeMigrations(folder, [INITIAL, SECOND]);
    await runMigrations(url, folder);
    expect(await tablesOf(name)).toEqual(['__drizzle_migrations', 'gadgets', 'widgets']);
    expect(await query(`SELECT id, name, colour FROM \`${name}\`.widgets`)).toEqual([{ id: 'w1', name: 'first', colour: null }]);
    expect(await query(`SELECT COUNT(*) AS n FROM \`${name}\`.__drizzle_migrations`)).toEqual([{ n: 2 }]);
  });

  it('keeps each service’s migrations apart when services share a database', async () => {
    const first = join(dir, 'service-a');
    const second = join(dir, 'service-b');
    await writeMigrations(first, [INITIAL]);
    // Same position and timestamp in its own history: with one shared table it would count as applied.
    await writeMigrations(second, [{ ...SECOND, tag: '0000_gadgets', when: INITIAL.when }]);
    const { name, url } = databaseUrl();
    await runMigrations(url, first, migrationsTableFor('service-a'));
    await runMigrations(url, second, migrationsTableFor('service-b'));
    expect(await tablesOf(name)).toEqual(['__migrations_service_a', '__migrations_service_b', 'gadgets', 'widgets']);
  });

  it('fails on a broken migration', async () => {
    const folder = join(dir, 'broken');
    await writeMigrations(folder, [{ tag: '0000_broken', when: 1_700_000_000_000, sql: 'CREATE TABLE `x` (`id` nonsense_type);' }]);
    await expect(runMigrations(databaseUrl().url, folder)).rejects.toThrow();
  });
});

describe('ensureDatabaseExists', () => {
  it('creates a missing database with utf8mb4 and accepts an existing one', async () => {
    const { name, url } = databaseUrl();
    await ensureDatabaseExists(url);
    await ensureDatabaseExists(url);
    expect(
      await query('SELECT default_character_set_name AS charset FROM information_schema.schemata WHERE schema_name = ?', [name]),
    ).toEqual([{ charset: 'utf8mb4' }]);
  });

  it.each(['bad-name', 'x`; DROP DATABASE mysql; --', 'a b', ''])('rejects the database name %j before connecting', async (name) => {
    const url = `mysql://root@127.0.0.1:1/${encodeURIComponent(name)}`;
    await expect(ensureDatabaseExists(url)).rejects.toThrow('must be letters, digits and underscores');
  });
});

describe('resolveMigrationsFolder', () => {
  it('finds drizzle/ beside the module or one level up, and says where it looked otherwise', async () => {
    const root = join(dir, 'resolve');
    await writeMigrations(join(root, 'drizzle'), [INITIAL]);
    await mkdir(join(root, 'src'), { recursive: true });
    expect(resolveMigrationsFolder(pathToFileURL(join(root, 'src', 'main.ts')).href)).toBe(join(root, 'drizzle'));
    expect(resolveMigrationsFolder(pathToFileURL(join(root, 'main.js')).href)).toBe(join(root, 'drizzle'));
    expect(() => resolveMigrationsFolder(pathToFileURL(join(dir, 'nowhere', 'deep', 'main.js')).href)).toThrow('No drizzle migrations found');
  });
});
