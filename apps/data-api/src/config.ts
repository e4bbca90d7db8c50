import { DATABASE_URL, Type, defineConfig, type Static } from '@one-data/service-kit';

export const DataApiConfigSchema = defineConfig({
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3001 }),
  DATABASE_URL,
  CREDENTIALS_KEYS: Type.String({
    minLength: 1,
    description: 'comma-separated id:base64 pairs of 32-byte AES keys, e.g. k1:…,k0:… (keep old keys to read old rows)',
  }),
  CREDENTIALS_ACTIVE_KEY_ID: Type.String({ minLength: 1, description: 'id of the key that seals new credentials' }),
  CONNECTION_TEST_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 60_000, default: 5000 }),
  DATABASE_POOL_SIZE: Type.Integer({ minimum: 1, maximum: 200, default: 10 }),
});

export type DataApiConfig = Static<typeof DataApiConfigSchema>;
