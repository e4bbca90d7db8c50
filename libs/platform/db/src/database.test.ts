import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { int, mysqlTable, varchar } from 'drizzle-orm/mysql-core';
import Fastify from 'fastify';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { healthPlugin } from '@one-data/health';
import { jsonColumn } from './columns.js';
import { createDatabase, type Database } from './database.js';
import { isDuplicateKeyError, isMissingReferenceError, isReferencedRowError } from './errors.js';
import { registerDatabase } from './fastify.js';

// mysql2 directly rather than @one-data/testing: that library depends on this one.
const SERVER_URL = process.env['TEST_MYSQL_URL'] ?? 'mysql://root@127.0.0.1:3306';
const UNREACHABLE_URL = 'mysql://root@127.0.0.1:1/nothing';

interface Settings {
  retries: number;
  labels: string[];
  nested: { enabled: boolean; ratio: number; note: string | null };
}

const parents = mysqlTable('parents', { id: int('id').primaryKey(), name: varchar('name', { length: 32 }).notNull() });
const children = mysqlTable('children', { id: int('id').primaryKey(), parentId: int('parent_id').notNull() });
const documents = mysqlTable('documents', { id: int('id').primaryKey(), settings: jsonColumn<Settings>('settings').notNull() });
const schema = { parents, children, documents };

let name: string;
let database: Database<typeof schema>;

async function serverQuery(sql: string): Promise<void> {
  const connection = await mysql.createConnection({ uri: SERVER_URL });
  await connection.query(sql).finally(() => connection.end());
}

/** The driver error a statement fails with (mysql2's own error, not wrapped). */
async function driverError(sql: string): Promise<unknown> {
  try {
    await database.pool.query(sql);
  } catch (error) {
    return error;
  }
  throw new Error(`expected ${sql} to fail`);
}

async function drizzleError(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error('expected the query to fail');
}

beforeAll(async () => {
  name = `test_db_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  await serverQuery(`CREATE DATABASE \`${name}\``);
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  database = createDatabase({ url: url.toString(), schema });
  await database.pool.query(
    'CREATE TABLE parents (id int PRIMARY KEY, name varchar(32) NOT NULL, UNIQUE KEY parents_name (name)) ENGINE=InnoDB',
  );
  await database.pool.query(
    'CREATE TABLE children (id int PRIMARY KEY, parent_id int NOT NULL, CONSTRAINT children_parent FOREIGN KEY (parent_id) REFERENCES parents (id)) ENGINE=InnoDB',
  );
  await database.pool.query('CREATE TABLE documents (id int PRIMARY KEY, settings json NOT NULL)');
  await database.pool.query("INSERT INTO parents VALUES (1, 'one')");
  await database.pool.query('INSERT INTO children VALUES (10, 1)');
});

afterAll(async () => {
  await database?.close();
  if (name) await serverQuery(`DROP DATABASE IF EXISTS \`${name}\``);
});

describe('createDatabase', () => {
  it('ping() resolves against a reachable server', async () => {
    await expect(database.ping()).resolves.toBeUndefined();
  });

  it('ping() rejects when the server is unreachable', async () => {
    const unreachable = createDatabase({ url: UNREACHABLE_URL, schema: {} });
    try {
      await expect(unreachable.ping()).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    } finally {
      await unreachable.close();
    }
  });

  it('close() ends the pool and may be called twice', async () => {
    const url = new URL(SERVER_URL);
    url.pathname = `/${name}`;
    const other = createDatabase({ url: url.toString(), schema, poolSize: 1 });
    await other.ping();
    await Promise.all([other.close(), other.close()]);
    await expect(other.ping()).rejects.toThrow(/closed/i);
  });
});

describe('jsonColumn', () => {
  it('round-trips an object through a real JSON column', async () => {
    const settings: Settings = { retries: 3, labels: ['a', 'ünïcødé', 'quote"s'], nested: { enabled: true, ratio: 0.25, note: null } };
    await database.db.insert(documents).values({ id: 1, settings });
    const [row] = await database.db.select().from(documents).where(eq(documents.id, 1));
    expect(row).toEqual({ id: 1, settings });

    // What the server stored is JSON, readable by SQL JSON functions.
    const [raw] = (await database.pool.query("SELECT JSON_EXTRACT(settings, '$.nested.ratio') AS ratio FROM documents WHERE id = 1")) as unknown as [
      { ratio: unknown }[],
    ];
    expect(Number(raw[0]?.ratio)).toBe(0.25);

    await database.db.update(documents).set({ settings: { ...settings, retries: 4 } }).where(eq(documents.id, 1));
    const [updated] = await database.db.select({ settings: documents.settings }).from(documents).where(eq(documents.id, 1));
    expect(updated?.settings.retries).toBe(4);
  });
});

describe('MySQL error predicates', () => {
  it('recognise a duplicate key, directly and wrapped by drizzle', async () => {
    const direct = await driverError("INSERT INTO parents VALUES (1, 'again')");
    expect(isDuplicateKeyError(direct)).toBe(true);
    expect(isReferencedRowError(direct)).toBe(false);
    expect(isMissingReferenceError(direct)).toBe(false);

    const wrapped = await drizzleError(() => database.db.insert(parents).values({ id: 2, name: 'one' }));
    expect((wrapped as { errno?: unknown }).errno).toBeUndefined();
    expect((wrapped as Error).cause).toBeDefined();
    expect(isDuplicateKeyError(wrapped)).toBe(true);
    expect(isDuplicateKeyError(new Error('outer', { cause: new Error('middle', { cause: direct }) }))).toBe(true);
  });

  it('recognise deleting a row that is still referenced', async () => {
    const direct = await driverError('DELETE FROM parents WHERE id = 1');
    expect(isReferencedRowError(direct)).toBe(true);
    expect(isDuplicateKeyError(direct)).toBe(false);
    expect(isMissingReferenceError(direct)).toBe(false);

    const wrapped = await drizzleError(() => database.db.delete(parents).where(eq(parents.id, 1)));
    expect(isReferencedRowError(wrapped)).toBe(true);
    expect(isReferencedRowError(new Error('service failed', { cause: direct }))).toBe(true);
  });

  it('recognise a reference to a row that does not exist', async () => {
    const direct = await driverError('INSERT INTO children VALUES (11, 999)');
    expect(isMissingReferenceError(direct)).toBe(true);
    expect(isReferencedRowError(direct)).toBe(false);
    expect(isDuplicateKeyError(direct)).toBe(false);

    const wrapped = await drizzleError(() => database.db.insert(children).values({ id: 12, parentId: 998 }));
    expect(isMissingReferenceError(wrapped)).toBe(true);
  });

  it('say no to other errors and to non-errors', async () => {
    const syntax = await driverError('SELEKT 1');
    for (const error of [syntax, new Error('plain'), { errno: 1062 }, 'ER_DUP_ENTRY', null, undefined]) {
      expect(isDuplicateKeyError(error)).toBe(false);
      expect(isReferencedRowError(error)).toBe(false);
      expect(isMissingReferenceError(error)).toBe(false);
    }
  });
});

describe('registerDatabase', () => {
  it("adds a 'database' readiness check and closes the pool when the app closes", async () => {
    const url = new URL(SERVER_URL);
    url.pathname = `/${name}`;
    const own = createDatabase({ url: url.toString(), schema });
    const app = Fastify({ logger: false });
    await app.register(healthPlugin);
    registerDatabase(app, own);
    const response = await app.inject({ method: 'GET', url: '/ready' });
    expect(response.statusCode).toBe(200);
    expect(response.json().checks).toEqual({ database: { status: 'up', durationMs: expect.any(Number) } });

    await app.close();
    await expect(own.pool.query('SELECT 1')).rejects.toThrow(/closed/i);
  });

  it('reports the database down when it is unreachable, under the given check name', async () => {
    const unreachable = createDatabase({ url: UNREACHABLE_URL, schema: {} });
    const app = Fastify({ logger: false });
    await app.register(healthPlugin);
    registerDatabase(app, unreachable, 'catalog-db');
    try {
      const response = await app.inject({ method: 'GET', url: '/ready' });
      expect(response.statusCode).toBe(503);
      expect(response.json().checks['catalog-db']).toMatchObject({ status: 'down', error: expect.stringContaining('ECONNREFUSED') });
    } finally {
      await app.close();
    }
  });
});
