// The baseline: the same lookup with nothing around it — bare Fastify, one mysql2 pool, no auth,
// no metrics, no logging, no schema validation.
import Fastify from 'fastify';
import mysql from 'mysql2/promise';

const pool = mysql.createPool({ uri: process.env['DATABASE_URL'], connectionLimit: 10, timezone: 'Z' });
const tenantId = process.env['BENCH_TENANT'] ?? '';
const app = Fastify();

app.get('/health', async () => ({ status: 'ok' }));
app.get<{ Params: { id: string } }>('/api/v1/datasets/:id', async (request, reply) => {
  const [rows] = await pool.query('SELECT * FROM datasets WHERE tenant_id = ? AND id = ? LIMIT 1', [
    tenantId,
    request.params.id,
  ]);
  const row = (rows as Record<string, unknown>[])[0];
  if (!row) return reply.code(404).send({ error: 'not found' });
  return row;
});

await app.listen({ port: Number(process.env['PORT']), host: process.env['HOST'] ?? '127.0.0.1' });
