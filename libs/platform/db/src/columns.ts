import { sql } from 'drizzle-orm';
import { customType, datetime } from 'drizzle-orm/mysql-core';

/**
 * A JSON column that reads back as a value on MySQL 8 and MariaDB alike: MariaDB stores JSON as
 * LONGTEXT, so mysql2 hands it over as a string that drizzle's own `json()` would not parse.
 */
export const jsonColumn = <T>(name: string) =>
  customType<{ data: T; driverData: string }>({
    dataType: () => 'json',
    toDriver: (value) => JSON.stringify(value),
    fromDriver: (value) => (typeof value === 'string' ? (JSON.parse(value) as T) : (value as T)),
  })(name);

/** `created_at` / `updated_at` as every table has them: UTC, millisecond precision, set by MySQL. */
export const timestampColumns = () => ({
  createdAt: datetime('created_at', { mode: 'date', fsp: 3 })
    .notNull()
    .default(sql`CURRENT_TIMESTAMP(3)`),
  updatedAt: datetime('updated_at', { mode: 'date', fsp: 3 })
    .notNull()
    .default(sql`CURRENT_TIMESTAMP(3)`),
});
