import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { pathToFileURL } from 'node:url';
import { ProblemError } from '@one-data/errors';
import {
  assertValidKey,
  objectNotFound,
  type ObjectBody,
  type ObjectInfo,
  type ObjectStorage,
  type PresignedRequest,
  type StoredObject,
} from './object-storage.js';

const isMissing = (error: unknown): boolean => (error as { code?: string }).code === 'ENOENT';

/**
 * Objects as files under one directory, for a single machine. Keys map to relative paths (validated, so
 * none escapes the directory); writes go to a temporary file and are renamed into place, so a reader
 * never sees half an object. Content types are not kept, and there is no server to hand out URLs:
 * `presignUpload` / `presignDownload` fail with 501 `presign_unsupported` — use S3 (MinIO) for that.
 */
export class LocalDirectoryStorage implements ObjectStorage {
  readonly directory: string;

  constructor(directory: string) {
    this.directory = resolve(directory);
  }

  uriFor(key: string): string {
    return pathToFileURL(this.pathFor(key)).href;
  }

  async putObject(key: string, body: ObjectBody): Promise<{ etag?: string }> {
    if (key.endsWith('/')) {
      throw new ProblemError(400, 'invalid_object_key', 'Invalid object key', { detail: `'${key}' names a directory.` });
    }
    const path = this.pathFor(key);
    await mkdir(dirname(path), { recursive: true });
    const temporary = `${path}.${randomBytes(6).toString('hex')}.partial`;
    try {
      const source = body instanceof Readable ? body : Readable.from([typeof body === 'string' ? Buffer.from(body) : body]);
      await pipeline(source, createWriteStream(temporary, { flags: 'wx' }));
      await rename(temporary, path);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
    return {};
  }

  async getObject(key: string): Promise<StoredObject> {
    const info = await this.headObject(key);
    if (info === null) throw objectNotFound(key);
    return { ...info, body: createReadStream(this.pathFor(key)) };
  }

  async headObject(key: string): Promise<ObjectInfo | null> {
    try {
      const stats = await stat(this.pathFor(key));
      if (!stats.isFile()) return null;
      return { key, size: stats.size, lastModified: stats.mtime };
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }

  async deleteObject(key: string): Promise<void> {
    const path = this.pathFor(key);
    const stats = await stat(path).catch((error: unknown) => (isMissing(error) ? null : Promise.reject(error)));
    if (stats?.isFile()) await rm(path, { force: true });
  }

  async presignUpload(key: string): Promise<PresignedRequest> {
    throw presignUnsupported(key);
  }

  async presignDownload(key: string): Promise<PresignedRequest> {
    throw presignUnsupported(key);
  }

  private pathFor(key: string): string {
    const path = join(this.directory, ...assertValidKey(key).split('/').filter(Boolean));
    // Belt and braces: the key rules already forbid `..`.
    if (path !== this.directory && !path.startsWith(this.directory + sep)) {
      throw new ProblemError(400, 'invalid_object_key', 'Invalid object key', { detail: `'${key}' leaves the storage directory.` });
    }
    return path;
  }
}

const presignUnsupported = (key: string) =>
  new ProblemError(501, 'presign_unsupported', 'Presigned URLs are not available', {
    detail:
      `Local directory storage cannot hand out a URL for '${key}': there is no object server to send it to. ` +
      'Configure S3 (MinIO) storage to upload and download through presigned URLs.',
  });
