import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.js';

let h: Harness;
let dev: { authorization: string };
let admin: { authorization: string };
let mysqlSourceId: string;
let s3SourceId: string;

const createSource = async (payload: Record<string, unknown>): Promise<string> => {
  const response = await h.app.inject({ method: 'POST', url: '/api/v1/datasources', headers: dev, payload });
  expect(response.statusCode).toBe(201);
  return response.json().id;
};

const createDataset = (payload: Record<string, unknown>, headers = dev) =>
  h.app.inject({ method: 'POST', url: '/api/v1/datasets', headers, payload });

beforeAll(async () => {
  h = await startHarness();
  dev = await h.as('tenant-a', 'developer');
  admin = await h.as('tenant-a', 'admin');
  mysqlSourceId = await createSource({
    name: 'orders-db',
    type: 'mysql',
    config: { host: '127.0.0.1', database: 'orders', user: 'reader' },
    credentials: { password: 'p' },
  });
  s3SourceId = await createSource({
    name: 'lake',
    type: 's3',
    config: { endpoint: 'http://127.0.0.1:9000', bucket: 'lake' },
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
  });
});

afterAll(async () => {
  await h?.close();
});

describe('datasets', () => {
  it('creates, reads, updates and deletes a dataset', async () => {
    const created = await createDataset({
      name: 'orders',
      description: 'all orders',
      dataSourceId: mysqlSourceId,
      location: { table: 'orders' },
      tags: ['sales', 'pii'],
      columns: [{ name: 'id', type: 'bigint', nullable: false }],
    });
    expect(created.statusCode).toBe(201);
    const dataset = created.json();
    expect(dataset).toMatchObject({
      name: 'orders',
      location: { table: 'orders' },
      tags: ['sales', 'pii'],
      owner: expect.any(String),
      columns: [{ name: 'id', type: 'bigint', nullable: false }],
    });

    const got = await h.app.inject({ method: 'GET', url: `/api/v1/datasets/${dataset.id}`, headers: dev });
    expect(got.json()).toEqual(dataset);

    const moved = await h.app.inject({
      method: 'PATCH',
      url: `/api/v1/datasets/${dataset.id}`,
      headers: dev,
      payload: { dataSourceId: s3SourceId, location: { prefix: 'raw/orders/', format: 'parquet' }, owner: 'data-team' },
    });
    expect(moved.statusCode).toBe(200);
    expect(moved.json()).toMatchObject({ dataSourceId: s3SourceId, location: { prefix: 'raw/orders/', format: 'parquet' }, owner: 'data-team' });
    expect(Date.parse(moved.json().updatedAt)).toBeGreaterThanOrEqual(Date.parse(dataset.updatedAt));

    // null clears a nullable field (JSON bodies are not type-coerced: null stays null, not "")
    const cleared = await h.app.inject({ method: 'PATCH', url: `/api/v1/datasets/${dataset.id}`, headers: dev, payload: { description: null } });
    expect(cleared.json().description).toBeNull();
    const wrongType = await h.app.inject({ method: 'PATCH', url: `/api/v1/datasets/${dataset.id}`, headers: dev, payload: { tags: 'sales' } });
    expect(wrongType.statusCode).toBe(400);

    expect((await h.app.inject({ method: 'DELETE', url: `/api/v1/datasets/${dataset.id}`, headers: admin })).statusCode).toBe(204);
    expect((await h.app.inject({ method: 'GET', url: `/api/v1/datasets/${dataset.id}`, headers: dev })).statusCode).toBe(404);
    expect((await h.app.inject({ method: 'DELETE', url: `/api/v1/datasets/${dataset.id}`, headers: admin })).statusCode).toBe(404);
  });

  it('checks the location against the data source type', async () => {
    const cases = [
      { dataSourceId: mysqlSourceId, location: { prefix: 'x/', format: 'csv' }, path: '/body/location' },
      { dataSourceId: mysqlSourceId, location: {}, path: '/body/location/table' },
      { dataSourceId: s3SourceId, location: { table: 't' }, path: '/body/location/table' },
      { dataSourceId: s3SourceId, location: { prefix: 'x/' }, path: '/body/location/format' },
      { dataSourceId: s3SourceId, location: { prefix: 'x/', format: 'xlsx' }, path: '/body/location/format' },
      { dataSourceId: 'dsrc_missing', location: { table: 't' }, path: '/body/dataSourceId' },
    ];
    for (const { path, ...body } of cases) {
      const response = await createDataset({ name: 'bad', ...body });
      expect(response.statusCode, JSON.stringify(body)).toBe(400);
      expect(response.json().errors.map((error: { path: string }) => error.path)).toContain(path);
    }
    const list = await h.app.inject({ method: 'GET', url: '/api/v1/datasets', headers: dev, query: { q: 'bad' } });
    expect(list.json().items).toEqual([]);
  });

  it('filters by tag, data source and name text, and paginates', async () => {
    const specs = [
      { name: 'clicks-2024', tags: ['web'], dataSourceId: s3SourceId, location: { prefix: 'clicks/2024/', format: 'jsonl' } },
      { name: 'clicks-2025', tags: ['web', 'fresh'], dataSourceId: s3SourceId, location: { prefix: 'clicks/2025/', format: 'jsonl' } },
      { name: 'customers', tags: ['crm'], dataSourceId: mysqlSourceId, location: { table: 'customers' } },
    ];
    for (const spec of specs) expect((await createDataset(spec)).statusCode).toBe(201);
    const names = async (query: Record<string, string>) =>
      (await h.app.inject({ method: 'GET', url: '/api/v1/datasets', headers: dev, query })).json().items.map(
        (item: { name: string }) => item.name,
      );
    expect(await names({ tag: 'web' })).toEqual(['clicks-2025', 'clicks-2024']);
    expect(await names({ tag: 'fresh' })).toEqual(['clicks-2025']);
    expect(await names({ dataSourceId: mysqlSourceId })).toEqual(['customers']);
    expect(await names({ q: 'clicks', tag: 'web', dataSourceId: s3SourceId })).toEqual(['clicks-2025', 'clicks-2024']);

    const first = (await h.app.inject({ method: 'GET', url: '/api/v1/datasets', headers: dev, query: { limit: '2' } })).json();
    expect(first.items).toHaveLength(2);
    const second = (
      await h.app.inject({ method: 'GET', url: '/api/v1/datasets', headers: dev, query: { limit: '2', cursor: first.nextCursor } })
    ).json();
    expect(second.items.map((item: { name: string }) => item.name)).toEqual(['clicks-2024']);
    expect(second.nextCursor).toBeUndefined();
  });

  it('keeps a data source that datasets use (409) and rejects duplicate names', async () => {
    const inUse = await h.app.inject({ method: 'DELETE', url: `/api/v1/datasources/${mysqlSourceId}`, headers: admin });
    expect(inUse.statusCode).toBe(409);
    expect(inUse.json().code).toBe('data_source_in_use');
    const duplicate = await createDataset({ name: 'customers', dataSourceId: mysqlSourceId, location: { table: 'c2' } });
    expect(duplicate.statusCode).toBe(409);
  });
});
