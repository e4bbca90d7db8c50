import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_MYSQL_URL, startTestS3Server, type TestS3Server } from '@one-data/testing';
import { startHarness, type Harness } from './harness.js';

const SECRET = `pw-${randomBytes(12).toString('hex')}`;

let h: Harness;
let s3: TestS3Server;
let dev: { authorization: string };
const mysqlUser = `odt_${randomBytes(4).toString('hex')}`;

const mysqlSource = (overrides: Record<string, unknown> = {}) => ({
  name: `warehouse-${randomBytes(3).toString('hex')}`,
  type: 'mysql',
  description: 'orders warehouse',
  config: { host: '127.0.0.1', port: 3306, database: h.database.name, user: mysqlUser },
  credentials: { password: SECRET },
  ...overrides,
});

const countRows = async (): Promise<number> => {
  const connection = await mysql.createConnection({ uri: h.database.url });
  try {
    const [rows] = await connection.query('SELECT COUNT(*) AS n FROM data_sources');
    return Number((rows as Array<{ n: number }>)[0]?.n);
  } finally {
    await connection.end();
  }
};

beforeAll(async () => {
  h = await startHarness();
  s3 = await startTestS3Server({ buckets: ['lake'] });
  dev = await h.as('tenant-a', 'developer');
  const admin = await mysql.createConnection({ uri: TEST_MYSQL_URL });
  try {
    for (const host of ['%', 'localhost', '127.0.0.1']) {
      await admin.query(`CREATE USER '${mysqlUser}'@'${host}' IDENTIFIED BY '${SECRET}'`);
      await admin.query(`GRANT SELECT ON \`${h.database.name}\`.* TO '${mysqlUser}'@'${host}'`);
    }
  } finally {
    await admin.end();
  }
});

afterAll(async () => {
  const admin = await mysql.createConnection({ uri: TEST_MYSQL_URL });
  for (const host of ['%', 'localhost', '127.0.0.1']) await admin.query(`DROP USER IF EXISTS '${mysqlUser}'@'${host}'`);
  await admin.end();
  await s3?.close();
  await h?.close();
});

describe('data sources', () => {
  it('creates, reads, updates and deletes, never returning credentials', async () => {
    const created = await h.app.inject({ method: 'POST', url: '/api/v1/datasources', headers: dev, payload: mysqlSource() });
    expect(created.statusCode).toBe(201);
    const source = created.json();
    expect(source).toMatchObject({ type: 'mysql', createdBy: expect.any(String), config: { port: 3306, tls: false } });
    expect(source.id).toMatch(/^dsrc_/);
    expect(source).not.toHaveProperty('credentials');

    const got = await h.app.inject({ method: 'GET', url: `/api/v1/datasources/${source.id}`, headers: dev });
    expect(got.statusCode).toBe(200);
    expect(got.json()).toEqual(source);

    const patched = await h.app.inject({
      method: 'PATCH',
      url: `/api/v1/datasources/${source.id}`,
      headers: dev,
      payload: { description: 'renamed', credentials: { password: SECRET } },
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ description: 'renamed', name: source.name });

    const removed = await h.app.inject({
      method: 'DELETE',
      url: `/api/v1/datasources/${source.id}`,
      headers: await h.as('tenant-a', 'admin'),
    });
    expect(removed.statusCode).toBe(204);
    const gone = await h.app.inject({ method: 'GET', url: `/api/v1/datasources/${source.id}`, headers: dev });
    expect(gone.statusCode).toBe(404);
    expect(gone.headers['content-type']).toContain('application/problem+json');

    for (const response of [created, got, patched]) expect(response.body).not.toContain(SECRET);
  });

  it('stores credentials encrypted, not as plain text', async () => {
    const created = await h.app.inject({ method: 'POST', url: '/api/v1/datasources', headers: dev, payload: mysqlSource() });
    const connection = await mysql.createConnection({ uri: h.database.url });
    const [rows] = await connection.query('SELECT credentials_ciphertext, credentials_key_id FROM data_sources WHERE id = ?', [
      created.json().id,
    ]);
    await connection.end();
    const row = (rows as Array<{ credentials_ciphertext: string; credentials_key_id: string }>)[0];
    expect(row?.credentials_key_id).toBe('k1');
    expect(row?.credentials_ciphertext).toMatch(/^v1\./);
    expect(row?.credentials_ciphertext).not.toContain(SECRET);
  });

  it('rejects invalid bodies with field paths and writes nothing', async () => {
    const before = await countRows();
    const cases = [
      { payload: { type: 'mysql', config: {}, credentials: {} }, path: '/body/name' },
      { payload: mysqlSource({ type: 'oracle' }), path: '/body/type' },
      { payload: mysqlSource({ name: 'bad name!' }), path: '/body/name' },
      { payload: mysqlSource({ config: { host: '127.0.0.1', database: 'x' } }), path: '/body/config/user' },
      { payload: mysqlSource({ config: { host: 'h', database: 'x', user: 'u', port: 70000 } }), path: '/body/config/port' },
      { payload: mysqlSource({ credentials: { pass: 'x' } }), path: '/body/credentials/pass' },
      { payload: mysqlSource({ type: 's3', config: { bucket: 'b' } }), path: '/body/config/bucket' },
      { payload: mysqlSource({ extra: true }), path: '/body/extra' },
    ];
    for (const { payload, path } of cases) {
      const response = await h.app.inject({ method: 'POST', url: '/api/v1/datasources', headers: dev, payload });
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
      const problem = response.json();
      expect(problem.code).toBe('validation_failed');
      expect(problem.errors.map((error: { path: string }) => error.path)).toContain(path);
      expect(response.body).not.toContain(SECRET);
    }
    expect(await countRows()).toBe(before);
  });

  it('explains a wrong choice once, naming the allowed values', async () => {
    const response = await h.app.inject({ method: 'POST', url: '/api/v1/datasources', headers: dev, payload: mysqlSource({ type: 'oracle' }) });
    expect(response.json().errors).toEqual([{ path: '/body/type', message: 'must be one of: mysql, s3' }]);
  });

  it('answers 413 for an oversized body and 415 for a non-JSON body, writing nothing', async () => {
    const before = await countRows();
    const huge = await h.app.inject({
      method: 'POST',
      url: '/api/v1/datasources',
      headers: dev,
      payload: mysqlSource({ description: 'x'.repeat(h.config.BODY_LIMIT_BYTES + 1) }),
    });
    expect(huge.statusCode).toBe(413);
    expect(huge.json().code).toBe('payload_too_large');
    const text = await h.app.inject({
      method: 'POST',
      url: '/api/v1/datasources',
      headers: { ...dev, 'content-type': 'text/plain' },
      payload: 'name=x',
    });
    expect(text.statusCode).toBe(415);
    expect(text.json().code).toBe('unsupported_media_type');
    const broken = await h.app.inject({
      method: 'POST',
      url: '/api/v1/datasources',
      headers: { ...dev, 'content-type': 'application/json' },
      payload: '{"name": ',
    });
    expect(broken.statusCode).toBe(400);
    expect(await countRows()).toBe(before);
  });

  it('refuses a second source with the same name (409)', async () => {
    const payload = mysqlSource();
    expect((await h.app.inject({ method: 'POST', url: '/api/v1/datasources', headers: dev, payload })).statusCode).toBe(201);
    const again = await h.app.inject({ method: 'POST', url: '/api/v1/datasources', headers: dev, payload });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('name_taken');
  });

  it('paginates with an opaque cursor and filters by type and name', async () => {
    const tenant = await h.as('tenant-pages', 'developer');
    const names = Array.from({ length: 5 }, (_, index) => `page-src-${index}`);
    for (const name of names) {
      await h.app.inject({ method: 'POST', url: '/api/v1/datasources', headers: tenant, payload: mysqlSource({ name }) });
    }
    await h.app.inject({
      method: 'POST',
      url: '/api/v1/datasources',
      headers: tenant,
      payload: { name: 'bucket-src', type: 's3', config: { bucket: 'lake' }, credentials: { accessKeyId: 'a', secretAccessKey: 'b' } },
    });
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const response = await h.app.inject({
        method: 'GET',
        url: '/api/v1/datasources',
        headers: tenant,
        query: { limit: '2', type: 'mysql', ...(cursor ? { cursor } : {}) },
      });
      expect(response.statusCode).toBe(200);
      const page = response.json();
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((item: { name: string }) => item.name));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...names].reverse());

    const byName = await h.app.inject({ method: 'GET', url: '/api/v1/datasources', headers: tenant, query: { q: 'bucket' } });
    expect(byName.json().items.map((item: { name: string }) => item.name)).toEqual(['bucket-src']);
    const literal = await h.app.inject({ method: 'GET', url: '/api/v1/datasources', headers: tenant, query: { q: '%' } });
    expect(literal.json().items).toEqual([]);

    const tampered = await h.app.inject({ method: 'GET', url: '/api/v1/datasources', headers: tenant, query: { cursor: 'not-a-cursor' } });
    expect(tampered.statusCode).toBe(400);
    expect(tampered.json().code).toBe('invalid_cursor');
    const tooMany = await h.app.inject({ method: 'GET', url: '/api/v1/datasources', headers: tenant, query: { limit: '5000' } });
    expect(tooMany.statusCode).toBe(400);
  });
});

describe('connection test', () => {
  const test = async (payload: Record<string, unknown>) => {
    const created = await h.app.inject({ method: 'POST', url: '/api/v1/datasources', headers: dev, payload });
    expect(created.statusCode).toBe(201);
    const response = await h.app.inject({ method: 'POST', url: `/api/v1/datasources/${created.json().id}/test`, headers: dev });
    expect(response.statusCode).toBe(200);
    return response.json();
  };

  it('connects to the real MySQL with the stored password', async () => {
    const result = await test(mysqlSource());
    expect(result).toMatchObject({ ok: true });
  });

  it("reports the driver's error for a wrong password", async () => {
    const result = await test(mysqlSource({ credentials: { password: 'wrong-password' } }));
    expect(result.ok).toBe(false);
    expect(result.error).toMatch(/Access denied for user '.*'/);
    expect(result.errorCode).toBe('ER_ACCESS_DENIED_ERROR');
    expect(JSON.stringify(result)).not.toContain('wrong-password');
  });

  it('reports a refused connection', async () => {
    const result = await test(mysqlSource({ config: { host: '127.0.0.1', port: 1, database: 'x', user: 'u' } }));
    expect(result).toMatchObject({ ok: false, errorCode: 'ECONNREFUSED' });
  });

  it('heads the S3 bucket, and explains a missing bucket and wrong keys', async () => {
    const s3Source = (bucket: string, accessKeyId: string) => ({
      name: `lake-${randomBytes(3).toString('hex')}`,
      type: 's3',
      config: { endpoint: s3.endpoint, region: s3.region, bucket },
      credentials: { accessKeyId, secretAccessKey: s3.secretAccessKey },
    });
    expect(await test(s3Source('lake', s3.accessKeyId))).toMatchObject({ ok: true });
    const missing = await test(s3Source('no-such-bucket', s3.accessKeyId));
    expect(missing).toMatchObject({ ok: false });
    expect(missing.error).toContain('does not exist');
    const denied = await test(s3Source('lake', 'not-the-key-id'));
    expect(denied).toMatchObject({ ok: false });
    expect(denied.error).toMatch(/HTTP 403/);
  });
});

describe('logs', () => {
  it('never contain a credential, whatever happened above', () => {
    const text = h.logs.text();
    expect(text.length).toBeGreaterThan(1000);
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain('wrong-password');
  });
});
