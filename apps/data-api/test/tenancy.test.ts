import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.js';

let h: Harness;
let a: { authorization: string };
let b: { authorization: string };
let sourceId: string;
let datasetId: string;

beforeAll(async () => {
  h = await startHarness();
  a = await h.as('tenant-a', 'admin');
  b = await h.as('tenant-b', 'admin');
  sourceId = (
    await h.app.inject({
      method: 'POST',
      url: '/api/v1/datasources',
      headers: a,
      payload: { name: 'shared-name', type: 'mysql', config: { host: 'h', database: 'd', user: 'u' }, credentials: { password: 'p' } },
    })
  ).json().id;
  datasetId = (
    await h.app.inject({
      method: 'POST',
      url: '/api/v1/datasets',
      headers: a,
      payload: { name: 'shared-name', dataSourceId: sourceId, location: { table: 't' } },
    })
  ).json().id;
});

afterAll(async () => {
  await h?.close();
});

describe("tenant B cannot reach tenant A's data", () => {
  it('on every data source route', async () => {
    const attempts = [
      { method: 'GET', url: `/api/v1/datasources/${sourceId}` },
      { method: 'PATCH', url: `/api/v1/datasources/${sourceId}`, payload: { description: 'taken over' } },
      { method: 'POST', url: `/api/v1/datasources/${sourceId}/test` },
      { method: 'DELETE', url: `/api/v1/datasources/${sourceId}` },
    ] as const;
    for (const attempt of attempts) {
      const response = await h.app.inject({ ...attempt, headers: b });
      expect(response.statusCode, `${attempt.method} ${attempt.url}`).toBe(404);
    }
    const list = await h.app.inject({ method: 'GET', url: '/api/v1/datasources', headers: b });
    expect(list.json().items).toEqual([]);
  });

  it('on every dataset route', async () => {
    const attempts = [
      { method: 'GET', url: `/api/v1/datasets/${datasetId}` },
      { method: 'PATCH', url: `/api/v1/datasets/${datasetId}`, payload: { description: 'taken over' } },
      { method: 'DELETE', url: `/api/v1/datasets/${datasetId}` },
    ] as const;
    for (const attempt of attempts) {
      const response = await h.app.inject({ ...attempt, headers: b });
      expect(response.statusCode, `${attempt.method} ${attempt.url}`).toBe(404);
    }
    expect((await h.app.inject({ method: 'GET', url: '/api/v1/datasets', headers: b })).json().items).toEqual([]);
    const filtered = await h.app.inject({ method: 'GET', url: '/api/v1/datasets', headers: b, query: { dataSourceId: sourceId } });
    expect(filtered.json().items).toEqual([]);
  });

  it("cannot point a dataset at A's data source", async () => {
    const response = await h.app.inject({
      method: 'POST',
      url: '/api/v1/datasets',
      headers: b,
      payload: { name: 'sneaky', dataSourceId: sourceId, location: { table: 't' } },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors[0].path).toBe('/body/dataSourceId');
  });

  it('leaves A untouched, and lets B reuse the same names', async () => {
    const source = (await h.app.inject({ method: 'GET', url: `/api/v1/datasources/${sourceId}`, headers: a })).json();
    expect(source.description).toBeNull();
    const dataset = await h.app.inject({ method: 'GET', url: `/api/v1/datasets/${datasetId}`, headers: a });
    expect(dataset.statusCode).toBe(200);
    const sameName = await h.app.inject({
      method: 'POST',
      url: '/api/v1/datasources',
      headers: b,
      payload: { name: 'shared-name', type: 's3', config: { bucket: 'bbb' }, credentials: { accessKeyId: 'a', secretAccessKey: 's' } },
    });
    expect(sameName.statusCode).toBe(201);
  });
});
