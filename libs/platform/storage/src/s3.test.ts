import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isProblemError } from '@one-data/errors';
import { startTestS3Server, type TestS3Server } from '@one-data/testing';
import { S3ObjectStorage } from './s3.js';
import { createObjectStorage } from './index.js';

let server: TestS3Server;
let storage: S3ObjectStorage;

beforeAll(async () => {
  server = await startTestS3Server({ buckets: ['models'] });
  storage = new S3ObjectStorage({
    bucket: 'models',
    endpoint: server.endpoint,
    region: server.region,
    credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
  });
});

afterAll(async () => {
  await storage?.destroy();
  await server?.close();
});

describe('S3ObjectStorage', () => {
  it('puts, heads, gets and deletes an object', async () => {
    await storage.putObject('t1/llama/1/config.json', '{"a":1}', { contentType: 'application/json' });
    const info = await storage.headObject('t1/llama/1/config.json');
    expect(info).toMatchObject({ key: 't1/llama/1/config.json', size: 7, contentType: 'application/json' });
    expect(info?.lastModified).toBeInstanceOf(Date);
    const object = await storage.getObject('t1/llama/1/config.json');
    expect(await text(object.body)).toBe('{"a":1}');
    expect(object.size).toBe(7);

    await storage.deleteObject('t1/llama/1/config.json');
    expect(await storage.headObject('t1/llama/1/config.json')).toBeNull();
    // Deleting again is not an error
    await storage.deleteObject('t1/llama/1/config.json');
  });

  it('stores streams, with or without a known length', async () => {
    const bytes = randomBytes(200_000);
    await storage.putObject('streams/known', Readable.from([bytes]), { contentLength: bytes.length });
    await storage.putObject('streams/unknown', Readable.from([bytes.subarray(0, 1000), bytes.subarray(1000)]));
    for (const key of ['streams/known', 'streams/unknown']) {
      const object = await storage.getObject(key);
      const chunks: Buffer[] = [];
      for await (const chunk of object.body) chunks.push(chunk as Buffer);
      expect(Buffer.concat(chunks).equals(bytes), key).toBe(true);
    }
  });

  it('answers a missing object with a 404 problem on get and null on head', async () => {
    const error = await storage.getObject('nope/missing.bin').catch((caught: unknown) => caught);
    expect(isProblemError(error) && error.status === 404 && error.code === 'object_not_found').toBe(true);
    expect(await storage.headObject('nope/missing.bin')).toBeNull();
  });

  it('refuses keys that are not relative paths', async () => {
    for (const key of ['', '/abs', 'a/../b', 'a//b', './a', 'a\\b', 'a\nb']) {
      const error = await storage.putObject(key, 'x').catch((caught: unknown) => caught);
      expect(isProblemError(error) && error.status === 400 && error.code === 'invalid_object_key', JSON.stringify(key)).toBe(true);
    }
    expect(storage.uriFor('t/m/1/')).toBe('s3://models/t/m/1/');
  });

  it('round-trips bytes through a presigned upload and a presigned download, over plain HTTP', async () => {
    const bytes = randomBytes(64 * 1024);
    const upload = await storage.presignUpload('tenant/model/v1/model.safetensors', {
      ttlSeconds: 300,
      contentType: 'application/octet-stream',
    });
    expect(upload.method).toBe('PUT');
    expect(upload.headers).toEqual({ 'content-type': 'application/octet-stream' });
    expect(upload.expiresAt.getTime() - Date.now()).toBeGreaterThan(298_000);
    expect(upload.expiresAt.getTime() - Date.now()).toBeLessThanOrEqual(300_000);
    const url = new URL(upload.url);
    expect(url.origin).toBe(server.endpoint);
    expect(url.pathname).toBe('/models/tenant/model/v1/model.safetensors');
    expect(url.searchParams.get('X-Amz-Expires')).toBe('300');
    expect(url.searchParams.get('X-Amz-SignedHeaders')).toContain('content-type');
    // No checksum of an empty body baked into the URL (real S3 and MinIO would reject the upload)
    expect([...url.searchParams.keys()].filter((name) => /checksum/i.test(name))).toEqual([]);

    const put = await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: bytes });
    expect(put.status).toBe(200);

    const download = await storage.presignDownload('tenant/model/v1/model.safetensors', { ttlSeconds: 60 });
    expect(download.method).toBe('GET');
    const got = await fetch(download.url);
    expect(got.status).toBe(200);
    expect(Buffer.from(await got.arrayBuffer()).equals(bytes)).toBe(true);
    expect(await storage.headObject('tenant/model/v1/model.safetensors')).toMatchObject({ size: bytes.length });
  });

  it('presigned URLs stop working once expired', async () => {
    await storage.putObject('expiring/file', 'soon gone');
    const download = await storage.presignDownload('expiring/file', { ttlSeconds: 1 });
    expect((await fetch(download.url)).status).toBe(200);
    await new Promise((done) => setTimeout(done, 2100));
    const late = await fetch(download.url);
    expect(late.status).toBe(403);
    expect(await late.text()).toContain('Request has expired');
  });

  it('signs URLs for the public endpoint when one is given', async () => {
    const split = createObjectStorage({
      kind: 's3',
      bucket: 'models',
      endpoint: server.endpoint,
      publicEndpoint: 'https://s3.example.com',
      credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
    }) as S3ObjectStorage;
    try {
      const download = await split.presignDownload('a/b', { ttlSeconds: 60 });
      expect(download.url.startsWith('https://s3.example.com/models/a/b?')).toBe(true);
      // Data calls still go to the internal endpoint
      await split.putObject('a/b', 'internal');
      expect(await split.headObject('a/b')).toMatchObject({ size: 8 });
    } finally {
      split.destroy();
    }
  });

  it('rejects a TTL S3 cannot honour', async () => {
    await expect(storage.presignDownload('a/b', { ttlSeconds: 0 })).rejects.toThrow(RangeError);
    await expect(storage.presignDownload('a/b', { ttlSeconds: 604_801 })).rejects.toThrow(RangeError);
  });
});
