import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import { runMigrations } from '@one-data/db';

/** Server the tests use; each test file gets its own database on it. */
export const TEST_MYSQL_URL = process.env['TEST_MYSQL_URL'] ?? 'mysql://root@127.0.0.1:3306';

export interface TestDatabase {
  /** `mysql://…/<throwaway name>` */
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** Creates a throwaway database (migrated when a folder is given); `drop()` removes it. */
export async function createTestDatabase(options: { migrationsFolder?: string } = {}): Promise<TestDatabase> {
  const name = `test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const url = new URL(TEST_MYSQL_URL);
  url.pathname = `/${name}`;
  if (options.migrationsFolder) await runMigrations(url.toString(), options.migrationsFolder);
  else {
    const connection = await mysql.createConnection({ uri: TEST_MYSQL_URL });
    await connection.query(`CREATE DATABASE \`${name}\``).finally(() => connection.end());
  }
  return {
    url: url.toString(),
    name,
    async drop() {
      const connection = await mysql.createConnection({ uri: TEST_MYSQL_URL });
      await connection.query(`DROP DATABASE IF EXISTS \`${name}\``).finally(() => connection.end());
    },
  };
}
