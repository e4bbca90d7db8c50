import { defineConfig } from 'drizzle-kit';

// `npx drizzle-kit generate --config apps/data-api/drizzle.config.ts` writes a new migration after a schema change.
export default defineConfig({
  dialect: 'mysql',
  schema: './apps/data-api/src/db/schema.ts',
  out: './apps/data-api/drizzle',
});
