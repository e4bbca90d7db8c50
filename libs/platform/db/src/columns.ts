import { customType } from 'drizzle-orm/mysql-core';

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
