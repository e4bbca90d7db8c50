import type { Readable } from 'node:stream';
import { ProblemError } from '@one-data/errors';

/** What `putObject` accepts: bytes, text, or a stream (buffered first when its length is not given). */
export type ObjectBody = Buffer | Uint8Array | string | Readable;

export interface PutObjectOptions {
  contentType?: string;
  /** Bytes in a stream body; lets S3 stream it instead of buffering it first. */
  contentLength?: number;
}

export interface ObjectInfo {
  key: string;
  size: number;
  lastModified: Date;
  contentType?: string;
  etag?: string;
}

export interface StoredObject extends ObjectInfo {
  body: Readable;
}

/** A time-limited request a client sends straight to the store, without credentials of its own. */
export interface PresignedRequest {
  url: string;
  method: 'PUT' | 'GET';
  /** Headers the client must send exactly as given (they are part of the signature). */
  headers: Record<string, string>;
  expiresAt: Date;
}

export interface PresignUploadOptions {
  ttlSeconds: number;
  /** When given, the upload must carry this `Content-Type`. */
  contentType?: string;
}

export interface PresignDownloadOptions {
  ttlSeconds: number;
}

/**
 * Object storage as every service sees it: keys in one bucket (or one directory). Implementations:
 * `S3ObjectStorage` (S3 API: MinIO in the cluster, AWS S3) and `LocalDirectoryStorage` (one machine).
 */
export interface ObjectStorage {
  /** `s3://bucket/key` or `file:///directory/key`: where an object lives, for records and logs. */
  uriFor(key: string): string;
  putObject(key: string, body: ObjectBody, options?: PutObjectOptions): Promise<{ etag?: string }>;
  /** The object as a stream; 404 problem `object_not_found` when there is none. */
  getObject(key: string): Promise<StoredObject>;
  /** Size, type and date of an object, or null when there is none. */
  headObject(key: string): Promise<ObjectInfo | null>;
  /** Removes the object; removing one that does not exist is not an error. */
  deleteObject(key: string): Promise<void>;
  /** A URL to PUT the object's bytes to directly. */
  presignUpload(key: string, options: PresignUploadOptions): Promise<PresignedRequest>;
  /** A URL to GET the object from directly. */
  presignDownload(key: string, options: PresignDownloadOptions): Promise<PresignedRequest>;
}

export const MAX_KEY_LENGTH = 1024;
/** S3 allows presigned URLs for at most seven days. */
export const MAX_PRESIGN_TTL_SECONDS = 604_800;

const invalidKey = (key: string, why: string) =>
  new ProblemError(400, 'invalid_object_key', 'Invalid object key', { detail: `'${key}' ${why}.` });

/**
 * Keys are relative, `/`-separated paths: no leading `/`, no empty, `.` or `..` segments, no
 * backslashes or control characters. The same rule holds for every implementation, so a key that works
 * on one machine works against S3 and never escapes the local directory.
 */
export function assertValidKey(key: string): string {
  if (key.length === 0) throw invalidKey(key, 'is empty');
  if (Buffer.byteLength(key) > MAX_KEY_LENGTH) throw invalidKey(key.slice(0, 64), `is longer than ${MAX_KEY_LENGTH} bytes`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\\]/.test(key)) throw invalidKey(key, 'contains a backslash or a control character');
  const segments = key.split('/');
  // A trailing slash names a "directory" marker; every other segment must be a real name.
  const named = key.endsWith('/') ? segments.slice(0, -1) : segments;
  if (named.some((segment) => segment === '' || segment === '.' || segment === '..')) {
    throw invalidKey(key, 'has an empty, `.` or `..` segment (keys are relative paths)');
  }
  return key;
}

export function assertValidTtl(ttlSeconds: number): number {
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1 || ttlSeconds > MAX_PRESIGN_TTL_SECONDS) {
    throw new RangeError(`ttlSeconds must be an integer from 1 to ${MAX_PRESIGN_TTL_SECONDS}, got ${ttlSeconds}`);
  }
  return ttlSeconds;
}

export const objectNotFound = (key: string): ProblemError =>
  new ProblemError(404, 'object_not_found', 'Object not found', { detail: `No object with key '${key}' exists.` });
