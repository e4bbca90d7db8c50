import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  NoSuchKey,
  NotFound,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import {
  assertValidKey,
  assertValidTtl,
  objectNotFound,
  type ObjectBody,
  type ObjectInfo,
  type ObjectStorage,
  type PresignDownloadOptions,
  type PresignUploadOptions,
  type PresignedRequest,
  type PutObjectOptions,
  type StoredObject,
} from './object-storage.js';

export interface S3ObjectStorageOptions {
  bucket: string;
  /** default `us-east-1` (what MinIO expects unless configured otherwise) */
  region?: string;
  /** MinIO or another S3-compatible server, e.g. `http://minio:9000`; unset = AWS S3. */
  endpoint?: string;
  /** Path-style addressing (`endpoint/bucket/key`), which MinIO needs. Default true when `endpoint` is set. */
  forcePathStyle?: boolean;
  /** Static credentials; unset = the SDK's default chain (environment, web identity, instance role). */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /**
   * Endpoint that receivers of presigned URLs can reach, when it differs from `endpoint` (the service
   * talks to `http://minio.infra.svc:9000`, browsers to `https://s3.example.com`). Default `endpoint`.
   */
  publicEndpoint?: string;
  /** Attempts per call, including the first. Default 3. */
  maxAttempts?: number;
}

const isMissing = (error: unknown): boolean =>
  error instanceof NoSuchKey ||
  error instanceof NotFound ||
  (error instanceof S3ServiceException && error.$metadata.httpStatusCode === 404);

/** X-Amz-Date has whole seconds: the URL stops working `ttl` seconds after the signing second. */
const expiry = (signingDate: Date, ttlSeconds: number): Date =>
  new Date(Math.floor(signingDate.getTime() / 1000) * 1000 + ttlSeconds * 1000);

const isStream = (body: ObjectBody): body is Readable => body instanceof Readable;

/** The S3 API through the AWS SDK v3: MinIO in the cluster, AWS S3, or any compatible server. */
export class S3ObjectStorage implements ObjectStorage {
  readonly bucket: string;
  private readonly client: S3Client;
  private readonly presigner: S3Client;

  constructor(options: S3ObjectStorageOptions) {
    this.bucket = options.bucket;
    const base: S3ClientConfig = {
      region: options.region ?? 'us-east-1',
      forcePathStyle: options.forcePathStyle ?? options.endpoint !== undefined,
      maxAttempts: options.maxAttempts ?? 3,
      // Checksums only where the API demands them: a presigned PUT would otherwise carry the CRC32 of
      // an empty body (the command has none at signing time) and every real upload would be rejected.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      ...(options.credentials ? { credentials: options.credentials } : {}),
    };
    this.client = new S3Client({ ...base, ...(options.endpoint ? { endpoint: options.endpoint } : {}) });
    const presignEndpoint = options.publicEndpoint ?? options.endpoint;
    this.presigner =
      presignEndpoint === options.endpoint
        ? this.client
        : new S3Client({ ...base, ...(presignEndpoint ? { endpoint: presignEndpoint } : {}) });
  }

  uriFor(key: string): string {
    return `s3://${this.bucket}/${assertValidKey(key)}`;
  }

  async putObject(key: string, body: ObjectBody, options: PutObjectOptions = {}): Promise<{ etag?: string }> {
    assertValidKey(key);
    // S3 needs the length of a streamed body up front; without one, the stream is read into memory.
    const payload = isStream(body) && options.contentLength === undefined ? await buffer(body) : body;
    const result = await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: payload,
        ...(options.contentType ? { ContentType: options.contentType } : {}),
        ...(options.contentLength !== undefined ? { ContentLength: options.contentLength } : {}),
      }),
    );
    return result.ETag ? { etag: result.ETag } : {};
  }

  async getObject(key: string): Promise<StoredObject> {
    assertValidKey(key);
    try {
      const result = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      const body = result.Body;
      if (!(body instanceof Readable)) throw new Error(`S3 GetObject returned no readable body for '${key}'`);
      return {
        key,
        body,
        size: result.ContentLength ?? 0,
        lastModified: result.LastModified ?? new Date(0),
        ...(result.ContentType ? { contentType: result.ContentType } : {}),
        ...(result.ETag ? { etag: result.ETag } : {}),
      };
    } catch (error) {
      if (isMissing(error)) throw objectNotFound(key);
      throw error;
    }
  }

  async headObject(key: string): Promise<ObjectInfo | null> {
    assertValidKey(key);
    try {
      const result = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return {
        key,
        size: result.ContentLength ?? 0,
        lastModified: result.LastModified ?? new Date(0),
        ...(result.ContentType ? { contentType: result.ContentType } : {}),
        ...(result.ETag ? { etag: result.ETag } : {}),
      };
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }

  async deleteObject(key: string): Promise<void> {
    assertValidKey(key);
    // S3 answers 204 whether or not the key existed.
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  async presignUpload(key: string, options: PresignUploadOptions): Promise<PresignedRequest> {
    assertValidKey(key);
    const expiresIn = assertValidTtl(options.ttlSeconds);
    const command = new PutObjectCommand({
      Bucket: this.bucket,
      Key: key,
      ...(options.contentType ? { ContentType: options.contentType } : {}),
    });
    const signingDate = new Date();
    const url = await getSignedUrl(this.presigner, command, {
      expiresIn,
      signingDate,
      // The content type is a signed header: the upload must send exactly this value.
      ...(options.contentType ? { signableHeaders: new Set(['content-type']) } : {}),
    });
    return {
      url,
      method: 'PUT',
      headers: options.contentType ? { 'content-type': options.contentType } : {},
      expiresAt: expiry(signingDate, expiresIn),
    };
  }

  async presignDownload(key: string, options: PresignDownloadOptions): Promise<PresignedRequest> {
    assertValidKey(key);
    const expiresIn = assertValidTtl(options.ttlSeconds);
    const signingDate = new Date();
    const command = new GetObjectCommand({ Bucket: this.bucket, Key: key });
    const url = await getSignedUrl(this.presigner, command, { expiresIn, signingDate });
    return { url, method: 'GET', headers: {}, expiresAt: expiry(signingDate, expiresIn) };
  }

  /** Closes the SDK's sockets. */
  destroy(): void {
    this.client.destroy();
    if (this.presigner !== this.client) this.presigner.destroy();
  }
}
