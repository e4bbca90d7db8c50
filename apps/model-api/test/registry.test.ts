import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isProblemError } from '@one-data/errors';
import { translateVersionError } from '../src/registry/service.js';
import { startRegistryHarness, type RegistryHarness } from './registry-harness.js';

let h: RegistryHarness;
let viewer: { authorization: string };
let dev: { authorization: string };
let admin: { authorization: string };
let otherTenant: { authorization: string };

type Headers = { authorization: string };

const inject = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, headers: Headers, payload?: unknown) =>
  h.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) });

const createModel = async (payload: Record<string, unknown>, headers = dev): Promise<{ id: string; name: string }> => {
  const response = await inject('POST', '/api/v1/models', headers, payload);
  expect(response.statusCode, response.body).toBe(201);
  return response.json();
};

const createVersion = async (modelId: string, payload: Record<string, unknown>, headers = dev) => {
  const response = await inject('POST', `/api/v1/models/${modelId}/versions`, headers, payload);
  expect(response.statusCode, response.body).toBe(201);
  return response.json() as { id: string; version: string; stage: string; artifactUri: string };
};

const stages = async (modelId: string): Promise<Record<string, string>> => {
  const page = (await inject('GET', `/api/v1/models/${modelId}/versions?limit=200`, viewer)).json();
  return Object.fromEntries(page.items.map((item: { version: string; stage: string }) => [item.version, item.stage]));
};

const unique = (prefix: string) => `${prefix}-${randomBytes(3).toString('hex')}`;

beforeAll(async () => {
  h = await startRegistryHarness();
  viewer = await h.as('tenant-a', 'viewer');
  dev = await h.as('tenant-a', 'developer');
  admin = await h.as('tenant-a', 'admin');
  otherTenant = await h.as('tenant-b', 'admin');
});

afterAll(async () => {
  await h?.close();
});

describe('models', () => {
  it('creates, reads, updates, lists and deletes a model', async () => {
    const created = await inject('POST', '/api/v1/models', dev, {
      name: 'qwen-14b-chat',
      task: 'chat',
      description: 'Qwen 14B chat',
      tags: ['llm', 'zh'],
    });
    expect(created.statusCode).toBe(201);
    const model = created.json();
    expect(model).toMatchObject({ name: 'qwen-14b-chat', task: 'chat', tags: ['llm', 'zh'], createdBy: 'test-user' });
    expect(model.id).toMatch(/^mdl_/);

    expect((await inject('GET', `/api/v1/models/${model.id}`, viewer)).json()).toEqual(model);

    const patched = await inject('PATCH', `/api/v1/models/${model.id}`, dev, { description: null, tags: ['llm'] });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ description: null, tags: ['llm'], name: 'qwen-14b-chat' });

    expect((await inject('DELETE', `/api/v1/models/${model.id}`, admin)).statusCode).toBe(204);
    expect((await inject('GET', `/api/v1/models/${model.id}`, viewer)).statusCode).toBe(404);
    expect((await inject('DELETE', `/api/v1/models/${model.id}`, admin)).statusCode).toBe(404);
  });

  it('filters by task, tag and name text, and paginates with a cursor', async () => {
    await createModel({ name: 'bge-m3', task: 'embedding', tags: ['retrieval'] });
    await createModel({ name: 'bge-reranker', task: 'rerank', tags: ['retrieval'] });
    await createModel({ name: 'llama-3-8b', task: 'completion', tags: ['llm'] });
    const names = async (query: string) =>
      (await inject('GET', `/api/v1/models?${query}`, viewer)).json().items.map((item: { name: string }) => item.name);
    expect(await names('task=embedding')).toEqual(['bge-m3']);
    expect(await names('tag=retrieval')).toEqual(['bge-reranker', 'bge-m3']);
    expect(await names('q=bge&task=rerank')).toEqual(['bge-reranker']);
    expect(await names('q=50%25_off')).toEqual([]);

    const first = (await inject('GET', '/api/v1/models?limit=2', viewer)).json();
    expect(first.items).toHaveLength(2);
    const second = (await inject('GET', `/api/v1/models?limit=2&cursor=${first.nextCursor}`, viewer)).json();
    expect(second.items.map((item: { name: string }) => item.name)).toEqual(['bge-m3']);
    expect(second.nextCursor).toBeUndefined();

    const tampered = await inject('GET', '/api/v1/models?cursor=not-a-cursor', viewer);
    expect(tampered.statusCode).toBe(400);
    expect(tampered.json().code).toBe('invalid_cursor');
  });

  it('answers 400 with field paths for bad input, and writes nothing', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ name: 'bad model', task: 'chat' }, '/body/name'],
      [{ name: 'bad-task', task: 'translate' }, '/body/task'],
      [{ name: 'bad-tags', task: 'chat', tags: ['ok', 'not ok'] }, '/body/tags/1'],
      [{ name: 'bad-extra', task: 'chat', owner: 'me' }, '/body/owner'],
      [{ task: 'chat' }, '/body/name'],
    ];
    for (const [body, path] of cases) {
      const response = await inject('POST', '/api/v1/models', dev, body);
      expect(response.statusCode, JSON.stringify(body)).toBe(400);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.json().errors.map((error: { path: string }) => error.path), JSON.stringify(body)).toContain(path);
    }
    expect((await inject('GET', '/api/v1/models?q=bad', viewer)).json().items).toEqual([]);
    const empty = await inject('PATCH', '/api/v1/models/mdl_x', dev, {});
    expect(empty.statusCode).toBe(400);
  });

  it('refuses a duplicate name (409) and deleting a model that has versions (409)', async () => {
    const model = await createModel({ name: 'dup-name', task: 'chat' });
    const duplicate = await inject('POST', '/api/v1/models', dev, { name: 'dup-name', task: 'embedding' });
    expect(duplicate.statusCode).toBe(409);
    expect(duplicate.json().code).toBe('name_taken');
    const other = await createModel({ name: 'other-name', task: 'chat' });
    const renamed = await inject('PATCH', `/api/v1/models/${other.id}`, dev, { name: 'dup-name' });
    expect(renamed.statusCode).toBe(409);

    const version = await createVersion(model.id, { version: '1' });
    const refused = await inject('DELETE', `/api/v1/models/${model.id}`, admin);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().code).toBe('model_has_versions');
    expect((await inject('DELETE', `/api/v1/models/${model.id}/versions/${version.id}`, admin)).statusCode).toBe(204);
    expect((await inject('DELETE', `/api/v1/models/${model.id}`, admin)).statusCode).toBe(204);
  });
});

describe('model versions', () => {
  it('creates, reads, updates, lists and deletes versions with an assigned artifact location', async () => {
    const model = await createModel({ name: unique('llama'), task: 'chat' });
    const created = await inject('POST', `/api/v1/models/${model.id}/versions`, dev, {
      version: '2024.06-1',
      sizeBytes: 16_000_000_000,
      checksum: 'sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
      metadata: { baseModel: 'llama-3', eval: { mmlu: 0.66 } },
    });
    expect(created.statusCode).toBe(201);
    const version = created.json();
    expect(version).toMatchObject({
      modelId: model.id,
      version: '2024.06-1',
      artifactUri: `s3://models/tenant-a/${model.id}/2024.06-1/`,
      format: 'safetensors',
      sizeBytes: 16_000_000_000,
      stage: 'none',
      metadata: { baseModel: 'llama-3', eval: { mmlu: 0.66 } },
    });
    expect(version.id).toMatch(/^mver_/);
    expect((await inject('GET', `/api/v1/models/${model.id}/versions/${version.id}`, viewer)).json()).toEqual(version);

    const patched = await inject('PATCH', `/api/v1/models/${model.id}/versions/${version.id}`, dev, {
      stage: 'staging',
      checksum: null,
      sizeBytes: null,
      format: 'gguf',
    });
    expect(patched.json()).toMatchObject({ stage: 'staging', checksum: null, sizeBytes: null, format: 'gguf' });
    const zero = await inject('PATCH', `/api/v1/models/${model.id}/versions/${version.id}`, dev, { sizeBytes: 0 });
    expect(zero.json().sizeBytes).toBe(0);

    await createVersion(model.id, { version: '2' });
    const list = (await inject('GET', `/api/v1/models/${model.id}/versions`, viewer)).json();
    expect(list.items.map((item: { version: string }) => item.version)).toEqual(['2', '2024.06-1']);
    const staged = (await inject('GET', `/api/v1/models/${model.id}/versions?stage=staging`, viewer)).json();
    expect(staged.items.map((item: { version: string }) => item.version)).toEqual(['2024.06-1']);
    const paged = (await inject('GET', `/api/v1/models/${model.id}/versions?limit=1`, viewer)).json();
    expect(paged.items).toHaveLength(1);
    const rest = (await inject('GET', `/api/v1/models/${model.id}/versions?limit=1&cursor=${paged.nextCursor}`, viewer)).json();
    expect(rest.items.map((item: { version: string }) => item.version)).toEqual(['2024.06-1']);

    const duplicate = await inject('POST', `/api/v1/models/${model.id}/versions`, dev, { version: '2' });
    expect(duplicate.statusCode).toBe(409);
    expect(duplicate.json().code).toBe('version_taken');

    expect((await inject('DELETE', `/api/v1/models/${model.id}/versions/${version.id}`, admin)).statusCode).toBe(204);
    expect((await inject('GET', `/api/v1/models/${model.id}/versions/${version.id}`, viewer)).statusCode).toBe(404);
  });

  it('answers 400 with field paths for bad versions, and writes nothing', async () => {
    const model = await createModel({ name: unique('bad-versions'), task: 'chat' });
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ version: '../1' }, '/body/version'],
      [{ version: '1', stage: 'live' }, '/body/stage'],
      [{ version: '1', sizeBytes: -1 }, '/body/sizeBytes'],
      [{ version: '1', checksum: 'abc' }, '/body/checksum'],
      [{ version: '1', metadata: [1, 2] }, '/body/metadata'],
      [{ version: '1', artifactUri: 's3://elsewhere/' }, '/body/artifactUri'],
    ];
    for (const [body, path] of cases) {
      const response = await inject('POST', `/api/v1/models/${model.id}/versions`, dev, body);
      expect(response.statusCode, JSON.stringify(body)).toBe(400);
      expect(response.json().errors.map((error: { path: string }) => error.path), JSON.stringify(body)).toContain(path);
    }
    expect((await inject('GET', `/api/v1/models/${model.id}/versions`, viewer)).json().items).toEqual([]);
    expect((await inject('POST', '/api/v1/models/mdl_missing/versions', dev, { version: '1' })).statusCode).toBe(404);
  });
});

describe('one production version per model', () => {
  it('archives the previous production version when another is promoted', async () => {
    const model = await createModel({ name: unique('promo'), task: 'chat' });
    const v1 = await createVersion(model.id, { version: '1' });
    const v2 = await createVersion(model.id, { version: '2' });
    const promote = (id: string) => inject('PATCH', `/api/v1/models/${model.id}/versions/${id}`, dev, { stage: 'production' });

    expect((await promote(v1.id)).json().stage).toBe('production');
    expect(await stages(model.id)).toEqual({ '1': 'production', '2': 'none' });
    expect((await promote(v2.id)).json().stage).toBe('production');
    expect(await stages(model.id)).toEqual({ '1': 'archived', '2': 'production' });
    // Promoting the production version again changes nothing
    expect((await promote(v2.id)).statusCode).toBe(200);
    expect(await stages(model.id)).toEqual({ '1': 'archived', '2': 'production' });
    // A version created straight into production takes over too
    await createVersion(model.id, { version: '3', stage: 'production' });
    expect(await stages(model.id)).toEqual({ '1': 'archived', '2': 'archived', '3': 'production' });
    // Rolling back is promoting an archived version
    expect((await promote(v1.id)).statusCode).toBe(200);
    expect(await stages(model.id)).toEqual({ '1': 'production', '2': 'archived', '3': 'archived' });
    // Another model's production version is untouched
    const other = await createModel({ name: unique('promo-other'), task: 'chat' });
    await createVersion(other.id, { version: '1', stage: 'production' });
    expect(await stages(model.id)).toMatchObject({ '1': 'production' });
    expect(await stages(other.id)).toEqual({ '1': 'production' });
    // A missing version promotes nothing and archives nothing
    expect((await promote('mver_missing')).statusCode).toBe(404);
    expect(await stages(model.id)).toMatchObject({ '1': 'production' });
  });

  it('keeps exactly one production version under concurrent promotions', async () => {
    const model = await createModel({ name: unique('race'), task: 'chat' });
    const versions = [];
    for (let index = 0; index < 8; index += 1) versions.push(await createVersion(model.id, { version: `${index}` }));
    const responses = await Promise.all(
      versions.map((version) =>
        inject('PATCH', `/api/v1/models/${model.id}/versions/${version.id}`, dev, { stage: 'production' }),
      ),
    );
    expect(responses.map((response) => response.statusCode)).toEqual(versions.map(() => 200));
    const result = Object.values(await stages(model.id));
    expect(result.filter((stage) => stage === 'production')).toHaveLength(1);
    expect(result.filter((stage) => stage === 'archived')).toHaveLength(7);

    // Concurrent creations straight into production too
    const created = await Promise.all(
      ['a', 'b', 'c', 'd', 'e'].map((version) =>
        inject('POST', `/api/v1/models/${model.id}/versions`, dev, { version, stage: 'production' }),
      ),
    );
    expect(created.map((response) => response.statusCode)).toEqual([201, 201, 201, 201, 201]);
    const after = Object.values(await stages(model.id));
    expect(after.filter((stage) => stage === 'production')).toHaveLength(1);
    expect(after).toHaveLength(13);
  });

  it('has the unique index as the last line of defence, answered as 409', async () => {
    const model = await createModel({ name: unique('guard'), task: 'chat' });
    await createVersion(model.id, { version: '1', stage: 'production' });
    const v2 = await createVersion(model.id, { version: '2' });
    const connection = await mysql.createConnection({ uri: h.database.url });
    let caught: unknown;
    try {
      // A write that skips the archiving step, as a buggy code path would
      await connection.query("UPDATE model_versions SET stage = 'production' WHERE id = ?", [v2.id]);
    } catch (error) {
      caught = error;
    } finally {
      await connection.end();
    }
    expect((caught as { errno?: number }).errno).toBe(1062);
    const problem = translateVersionError(caught);
    expect(isProblemError(problem) && [problem.status, problem.code]).toEqual([409, 'production_version_exists']);
    expect(await stages(model.id)).toEqual({ '1': 'production', '2': 'none' });
  });
});

describe('artifacts through presigned URLs', () => {
  it('uploads with a presigned PUT and downloads the same bytes with a presigned GET', async () => {
    const model = await createModel({ name: unique('artifact'), task: 'embedding' });
    const version = await createVersion(model.id, { version: '1' });
    const base = `/api/v1/models/${model.id}/versions/${version.id}/artifact`;
    const weights = randomBytes(256 * 1024);

    const upload = await inject('POST', `${base}/upload-url`, dev, {
      path: 'weights/model.safetensors',
      contentType: 'application/octet-stream',
    });
    expect(upload.statusCode, upload.body).toBe(200);
    const target = upload.json();
    expect(target).toMatchObject({
      method: 'PUT',
      headers: { 'content-type': 'application/octet-stream' },
      artifactUri: `s3://models/tenant-a/${model.id}/1/weights/model.safetensors`,
    });
    const ttl = Date.parse(target.expiresAt) - Date.now();
    expect(ttl).toBeGreaterThan((h.config.ARTIFACTS_PRESIGN_TTL_SECONDS - 5) * 1000);
    expect(ttl).toBeLessThanOrEqual(h.config.ARTIFACTS_PRESIGN_TTL_SECONDS * 1000);
    expect(new URL(target.url).origin).toBe(h.s3.endpoint);

    const put = await fetch(target.url, { method: 'PUT', headers: target.headers, body: weights });
    expect(put.status).toBe(200);

    const download = await inject('POST', `${base}/download-url`, viewer, { path: 'weights/model.safetensors' });
    expect(download.statusCode).toBe(200);
    expect(download.json()).toMatchObject({ method: 'GET', sizeBytes: weights.length });
    const got = await fetch(download.json().url);
    expect(got.status).toBe(200);
    expect(Buffer.from(await got.arrayBuffer()).equals(weights)).toBe(true);
    // The object sits under the version's artifact prefix
    expect(await h.storage.headObject(`tenant-a/${model.id}/1/weights/model.safetensors`)).toMatchObject({ size: weights.length });
  });

  it('answers 404 for a file never uploaded, 400 for a bad path, 409 for frozen versions', async () => {
    const model = await createModel({ name: unique('artifact-rules'), task: 'chat' });
    const version = await createVersion(model.id, { version: '1' });
    const base = `/api/v1/models/${model.id}/versions/${version.id}/artifact`;
    const missing = await inject('POST', `${base}/download-url`, viewer, { path: 'config.json' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().code).toBe('artifact_not_found');

    for (const path of ['../other-tenant/x', 'a/./b', '/abs', 'a//b', 'a\\b', '']) {
      const response = await inject('POST', `${base}/upload-url`, dev, { path });
      expect(response.statusCode, path).toBe(400);
      expect(response.json().errors[0].path, path).toBe('/body/path');
    }

    await inject('PATCH', `/api/v1/models/${model.id}/versions/${version.id}`, dev, { stage: 'production' });
    const frozen = await inject('POST', `${base}/upload-url`, dev, { path: 'config.json' });
    expect(frozen.statusCode).toBe(409);
    expect(frozen.json().code).toBe('artifact_frozen');
  });
});

describe('access', () => {
  it("keeps tenant B away from tenant A's models, versions and artifacts (404 everywhere)", async () => {
    const model = await createModel({ name: 'shared-name', task: 'chat' });
    const version = await createVersion(model.id, { version: '1' });
    const versionUrl = `/api/v1/models/${model.id}/versions/${version.id}`;
    const attempts: Array<['GET' | 'POST' | 'PATCH' | 'DELETE', string, unknown?]> = [
      ['GET', `/api/v1/models/${model.id}`],
      ['PATCH', `/api/v1/models/${model.id}`, { description: 'taken over' }],
      ['DELETE', `/api/v1/models/${model.id}`],
      ['GET', `/api/v1/models/${model.id}/versions`],
      ['POST', `/api/v1/models/${model.id}/versions`, { version: '2' }],
      ['GET', versionUrl],
      ['PATCH', versionUrl, { stage: 'production' }],
      ['DELETE', versionUrl],
      ['POST', `${versionUrl}/artifact/upload-url`, { path: 'config.json' }],
      ['POST', `${versionUrl}/artifact/download-url`, { path: 'config.json' }],
    ];
    for (const [method, url, payload] of attempts) {
      const response = await inject(method, url, otherTenant, payload);
      expect(response.statusCode, `${method} ${url}`).toBe(404);
    }
    expect((await inject('GET', '/api/v1/models', otherTenant)).json().items).toEqual([]);
    // A's records are untouched, and B may use the same name
    expect((await inject('GET', `/api/v1/models/${model.id}`, viewer)).json().description).toBeNull();
    expect((await inject('GET', versionUrl, viewer)).json().stage).toBe('none');
    expect((await inject('POST', '/api/v1/models', otherTenant, { name: 'shared-name', task: 'chat' })).statusCode).toBe(201);
    // And A's version id under B's own model is not found either
    const own = (await inject('GET', '/api/v1/models', otherTenant)).json().items[0];
    expect((await inject('GET', `/api/v1/models/${own.id}/versions/${version.id}`, otherTenant)).statusCode).toBe(404);
  });

  it('enforces roles: viewer reads, developer writes, admin deletes (403 otherwise); 401 without a token', async () => {
    const model = await createModel({ name: unique('roles'), task: 'chat' });
    const version = await createVersion(model.id, { version: '1' });
    const versionUrl = `/api/v1/models/${model.id}/versions/${version.id}`;
    const denied: Array<[Headers, 'POST' | 'PATCH' | 'DELETE', string, unknown?]> = [
      [viewer, 'POST', '/api/v1/models', { name: 'nope', task: 'chat' }],
      [viewer, 'PATCH', `/api/v1/models/${model.id}`, { description: 'x' }],
      [viewer, 'POST', `/api/v1/models/${model.id}/versions`, { version: '2' }],
      [viewer, 'PATCH', versionUrl, { stage: 'production' }],
      [viewer, 'POST', `${versionUrl}/artifact/upload-url`, { path: 'config.json' }],
      [dev, 'DELETE', `/api/v1/models/${model.id}`],
      [dev, 'DELETE', versionUrl],
    ];
    for (const [headers, method, url, payload] of denied) {
      const response = await inject(method, url, headers, payload);
      expect(response.statusCode, `${method} ${url}`).toBe(403);
      expect(response.json().code).toBe('forbidden');
    }
    expect((await inject('GET', versionUrl, viewer)).json().stage).toBe('none');
    // Viewers may fetch files (a read)
    expect((await inject('POST', `${versionUrl}/artifact/download-url`, viewer, { path: 'x.json' })).statusCode).toBe(404);
    const anonymous = await h.app.inject({ method: 'GET', url: '/api/v1/models' });
    expect(anonymous.statusCode).toBe(401);
  });

  it('documents every route in the OpenAPI document', async () => {
    const document = (await h.app.inject({ method: 'GET', url: '/docs/json' })).json();
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/models',
        '/api/v1/models/{id}',
        '/api/v1/models/{id}/versions',
        '/api/v1/models/{id}/versions/{versionId}',
        '/api/v1/models/{id}/versions/{versionId}/artifact/upload-url',
        '/api/v1/models/{id}/versions/{versionId}/artifact/download-url',
      ]),
    );
  });
});
