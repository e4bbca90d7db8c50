import { defineConfig } from 'drizzle-kit';

// `npx drizzle-kit generate --config apps/model-api/drizzle.config.ts` writes a new migration after a schema change.
export default defineConfig({
  dialect: 'mysql',
  schema: './apps/model-api/src/db/schema.ts',
  out: './apps/model-api/drizzle',
});
