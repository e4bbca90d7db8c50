import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { authEnvFor, createTestDatabase, startTestIdentityProvider } from '@one-data/testing';
import { measure, printTable, startServerProcess, type LoadOptions } from '../harness.js';
import { ascending } from '../stats.js';

const DATA_API_MAIN = fileURLToPath(new URL('../../../../apps/data-api/src/main.ts', import.meta.url));
const DATA_API_MIGRATIONS = fileURLToPath(new URL('../../../../apps/data-api/drizzle', import.meta.url));
const BARE_SERVER = fileURLToPath(new URL('./bare-server.ts', import.meta.url));

/** Passing when the full stack keeps at least this share of the bare route's throughput. */
export const TARGET_RATIO = 0.7;

/**
 * GET /api/v1/datasets/{id} through the whole data-api (JWT verification against a JWKS, metrics,
 * request logging at info, schema serialisation, drizzle + mysql2) against a bare Fastify + mysql2
 * route running the same query. Both run as separate processes against the same database, measured
 * one after the other in this run.
 */
export async function benchDatasetsGet(load: LoadOptions & { rounds: number }): Promise<{ ratio: number }> {
  const database = await createTestDatabase({ migrationsFolder: DATA_API_MIGRATIONS });
  const idp = await startTestIdentityProvider();
  const tenant = 'bench-tenant';
  const full = await startServerProcess(DATA_API_MAIN, {
    NODE_ENV: 'production',
    LOG_LEVEL: process.env['BENCH_LOG_LEVEL'] ?? 'info',
    DATABASE_URL: database.url,
    ...authEnvFor(idp),
    CREDENTIALS_KEYS: `k1:${randomBytes(32).toString('base64')}`,
    CREDENTIALS_ACTIVE_KEY_ID: 'k1',
  });
  const bare = await startServerProcess(BARE_SERVER, { DATABASE_URL: database.url, BENCH_TENANT: tenant });
  try {
    const headers = { authorization: `Bearer ${await idp.token(tenant, ['viewer', 'developer'])}` };
    const post = async (path: string, body: unknown) => {
      const response = await fetch(`${full.url}${path}`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (response.status !== 201) throw new Error(`seeding ${path} failed: ${response.status} ${await response.text()}`);
      return (await response.json()) as { id: string };
    };
    const source = await post('/api/v1/datasources', {
      name: 'bench-source',
      type: 'mysql',
      config: { host: '127.0.0.1', database: 'bench', user: 'bench' },
      credentials: { password: 'bench' },
    });
    const dataset = await post('/api/v1/datasets', {
      name: 'bench-dataset',
      dataSourceId: source.id,
      location: { table: 'events' },
      tags: ['bench', 'web'],
      columns: Array.from({ length: 12 }, (_, index) => ({ name: `column_${index}`, type: 'varchar(255)', nullable: true })),
    });
    const path = `/api/v1/datasets/${dataset.id}`;

    // Rounds alternate between the two servers, so drift on a shared machine hits both alike.
    const results = [];
    const ratios: number[] = [];
    for (let round = 1; round <= load.rounds; round++) {
      const bareResult = await measure(`bare Fastify + mysql2 (round ${round})`, `${bare.url}${path}`, load, bare.pid);
      const fullResult = await measure(`data-api, full stack (round ${round})`, `${full.url}${path}`, { ...load, headers }, full.pid);
      for (const result of [bareResult, fullResult]) {
        if (result.errors > 0 || result.non2xx > 0) throw new Error(`${result.label}: ${result.errors} errors, ${result.non2xx} non-2xx`);
      }
      results.push(bareResult, fullResult);
      ratios.push(fullResult.requestsPerSecond / bareResult.requestsPerSecond);
    }
    printTable(results);
    const ratio = ascending(ratios)[Math.floor(ratios.length / 2)] as number;
    console.log(
      `datasets-get: ratio data-api / bare, median of ${ratios.length} rounds = ${ratio.toFixed(2)} ` +
        `(rounds: ${ratios.map((value) => value.toFixed(2)).join(', ')}; target ≥ ${TARGET_RATIO}: ${ratio >= TARGET_RATIO ? 'met' : 'NOT met'})`,
    );
    return { ratio };
  } finally {
    await full.stop();
    await bare.stop();
    await idp.close();
    await database.drop();
  }
}
