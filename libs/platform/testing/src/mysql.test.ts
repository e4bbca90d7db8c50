import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { afterAll, describe, expect, it } from 'vitest';
import { TEST_MYSQL_URL, createTestDatabase, type TestDatabase } from './mysql.js';

async function databaseExists(name: string): Promise<boolean> {
  const connection = await mysql.createConnection({ uri: TEST_MYSQL_URL });
  try {
    const [rows] = await connection.query('SELECT schema_name FROM information_schema.schemata WHERE schema_name = ?', [name]);
    return (rows as unknown[]).length === 1;
  } finally {
    await connection.end();
  }
}

const leftovers: TestDatabase[] = [];
afterAll(async () => {
  for (const database of leftovers) await database.drop();
});

describe('createTestDatabase', () => {
  it('creates a uniquely named, usable database and drop() removes it', async () => {
    const [first, second] = await Promise.all([createTestDatabase(), createTestDatabase()]);
    if (!first || !second) throw new Error('unreachable');
    leftovers.push(first, second);
    expect(first.name).not.toBe(second.name);
    expect(first.name).toMatch(/^test_\w+$/);
    expect(new URL(first.url).pathname).toBe(`/${first.name}`);
    expect(await databaseExists(first.name)).toBe(true);

    const connection = await mysql.createConnection({ uri: first.url });
    try {
      await connection.query('CREATE TABLE t (id int PRIMARY KEY)');
      await connection.query('INSERT INTO t VALUES (1)');
      const [rows] = await connection.query('SELECT DATABASE() AS db, COUNT(*) AS n FROM t');
      expect(rows).toEqual([{ db: first.name, n: 1 }]);
    } finally {
      await connection.end();
    }

    await first.drop();
    expect(await databaseExists(first.name)).toBe(false);
    expect(await databaseExists(second.name)).toBe(true);
    await first.drop(); // dropping twice is harmless
  });

  it('applies a migrations folder when given one', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'testing-migrations-'));
    try {
      await mkdir(join(folder, 'meta'));
      await writeFile(
        join(folder, 'meta', '_journal.json'),
        JSON.stringify({ version: '7', dialect: 'mysql', entries: [{ idx: 0, version: '5', when: 1_700_000_000_000, tag: '0000_init', breakpoints: true }] }),
      );
      await writeFile(join(folder, '0000_init.sql'), 'CREATE TABLE `things` (`id` int NOT NULL, CONSTRAINT `things_id` PRIMARY KEY(`id`));');
      const database = await createTestDatabase({ migrationsFolder: folder });
      leftovers.push(database);
      const connection = await mysql.createConnection({ uri: database.url });
      try {
        const [rows] = await connection.query('SELECT COUNT(*) AS n FROM things');
        expect(rows).toEqual([{ n: 0 }]);
      } finally {
        await connection.end();
      }
      await database.drop();
      expect(await databaseExists(database.name)).toBe(false);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});
