import type { MySql2Database } from 'drizzle-orm/mysql2';
import * as schema from './schema.js';

export { schema };
export type ModelDb = MySql2Database<typeof schema>;
