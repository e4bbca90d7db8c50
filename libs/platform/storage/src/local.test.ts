import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isProblemError, type ProblemError } from '@one-data/errors';
import { createObjectStorage } from './index.js';
import { LocalDirectoryStorage } from './local.js';

let directory: string;
let storage: LocalDirectoryStorage;

const problem = async (promise: Promise<unknown>): Promise<ProblemError> => {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!isProblemError(error)) throw new Error(`expected a ProblemError, got ${String(error)}`);
  return error;
};

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'storage-'));
  storage = new LocalDirectoryStorage(directory);
});

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe('LocalDirectoryStorage', () => {
  it('puts, heads, gets and deletes files under its directory', async () => {
    await storage.putObject('a/b/c.txt', 'hello');
    await storage.putObject('a/b/d.bin', Buffer.from([1, 2, 3]));
    await storage.putObject('a/e.txt', Readable.from(['str', 'eam']));
    expect(await storage.headObject('a/b/c.txt')).toMatchObject({ key: 'a/b/c.txt', size: 5 });
    expect(await text((await storage.getObject('a/e.txt')).body)).toBe('stream');
    expect((await storage.getObject('a/b/d.bin')).size).toBe(3);
    // No temporary files are left behind
    expect((await readdir(join(directory, 'a', 'b'))).sort()).toEqual(['c.txt', 'd.bin']);

    await storage.putObject('a/b/c.txt', 'replaced');
    expect(await text((await storage.getObject('a/b/c.txt')).body)).toBe('replaced');

    await storage.deleteObject('a/b/c.txt');
    await storage.deleteObject('a/b/c.txt');
    expect(await storage.headObject('a/b/c.txt')).toBeNull();
    expect(await storage.headObject('a/b')).toBeNull(); // a directory is not an object
    expect(storage.uriFor('a/b/d.bin')).toBe(`file://${join(directory, 'a', 'b', 'd.bin')}`);
  });

  it('answers a missing object with 404 object_not_found', async () => {
    const error = await problem(storage.getObject('missing'));
    expect([error.status, error.code]).toEqual([404, 'object_not_found']);
  });

  it('never leaves its directory', async () => {
    for (const key of ['../outside-secret', 'a/../../outside-secret', '/etc/passwd', 'a\\..\\b', '']) {
      const error = await problem(storage.getObject(key));
      expect([error.status, error.code], key).toEqual([400, 'invalid_object_key']);
    }
    expect((await problem(storage.putObject('dir/', 'x'))).code).toBe('invalid_object_key');
  });

  it('cannot presign: 501 presign_unsupported, saying what to use instead', async () => {
    const local = createObjectStorage({ kind: 'local', directory });
    for (const attempt of [local.presignUpload('a/b', { ttlSeconds: 60 }), local.presignDownload('a/b', { ttlSeconds: 60 })]) {
      const error = await problem(attempt);
      expect([error.status, error.code]).toEqual([501, 'presign_unsupported']);
      expect(error.detail).toContain('S3');
    }
  });
});
