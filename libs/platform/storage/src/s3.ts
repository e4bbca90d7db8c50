import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import type { S3Client, S3ClientConfig } from '@aws-sdk/client-s3';
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

/**
 * The AWS SDK is loaded on first use: it adds about 23 MB to a process, which a service that only
 * sometimes touches objects (model-api's gateway replicas) should not pay for at start-up.
 */
const loadSdk = async () => {
  const [s3, presigner] = await Promise.all([import('@aws-sdk/client-s3'), import('@aws-sdk/s3-request-presigner')]);
  return { ...s3, getSignedUrl: presigner.getSignedUrl };
};
type Sdk = Awaited<ReturnType<typeof loadSdk>>;

const isMissing = (sdk: Sdk, error: unknown): boolean =>
  error instanceof sdk.NoSuchKey ||
  error instanceof sdk.NotFound ||
  (error instanceof sdk.S3ServiceException && error.$metadata.httpStatusCode === 404);

/** X-Amz-Date has whole seconds: the URL stops working `ttl` seconds after the signing second. */
const expiry = (signingDate: Date, ttlSeconds: number): Date =>
  new Date(Math.floor(signingDate.getTime() / 1000) * 1000 + ttlSeconds * 1000);

const isStream = (body: ObjectBody): body is Readable => body instanceof Readable;

/** The S3 API through the AWS SDK v3: MinIO in the cluster, AWS S3, or any compatible server. */
export class S3ObjectStorage implements ObjectStorage {
  readonly bucket: string;
  private clients: Promise<{ sdk: Sdk; client: S3Client; presigner: S3Client }> | undefined;

  constructor(private readonly options: S3ObjectStorageOptions) {
    this.bucket = options.bucket;
  }

  private connect(): Promise<{ sdk: Sdk; client: S3Client; presigner: S3Client }> {
    this.clients ??= loadSdk().then((sdk) => {
      const { options } = this;
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
      const client = new sdk.S3Client({ ...base, ...(options.endpoint ? { endpoint: options.endpoint } : {}) });
      const presignEndpoint = options.publicEndpoint ?? options.endpoint;
      const presigner =
        presignEndpoint === options.endpoint
          ? client
          : new sdk.S3Client({ ...base, ...(presignEndpoint ? { endpoint: presignEndpoint } : {}) });
      return { sdk, client, presigner };
    });
    return this.clients;
  }

  uriFor(key: string): string {
    return `s3://${this.bucket}/${assertValidKey(key)}`;
  }

  async putObject(key: string, body: ObjectBody, options: PutObjectOptions = {}): Promise<{ etag?: string }> {
    assertValidKey(key);
    // S3 needs the length of a streamed body up front; without one, the stream is read into memory.
    const payload = isStream(body) && options.contentLength === undefined ? await buffer(body) : body;
    const { sdk, client } = await this.connect();
    const result = await client.send(
      new sdk.PutObjectCommand({
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
    const { sdk, client } = await this.connect();
    try {
      const result = await client.send(new sdk.GetObjectCommand({ Bucket: this.bucket, Key: key }));
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
      if (isMissing(sdk, error)) throw objectNotFound(key);
      throw error;
    }
  }

  async headObject(key: string): Promise<ObjectInfo | null> {
    assertValidKey(key);
    const { sdk, client } = await this.connect();
    try {
      const result = await client.send(new sdk.HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return {
        key,
        size: result.ContentLength ?? 0,
        lastModified: result.LastModified ?? new Date(0),
        ...(result.ContentType ? { contentType: result.ContentType } : {}),
        ...(result.ETag ? { etag: result.ETag } : {}),
      };
    } catch (error) {
      if (isMissing(sdk, error)) return null;
      throw error;
    }
  }

  async deleteObject(key: string): Promise<void> {
    assertValidKey(key);
    // S3 answers 204 whether or not the key existed.
    const { sdk, client } = await this.connect();
    await client.send(new sdk.DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  async presignUpload(key: string, options: PresignUploadOptions): Promise<PresignedRequest> {
    assertValidKey(key);
    const expiresIn = assertValidTtl(options.ttlSeconds);
    const { sdk, presigner } = await this.connect();
    const command = new sdk.PutObjectCommand({
      Bucket: this.bucket,
      Key: key,
      ...(options.contentType ? { ContentType: options.contentType } : {}),
    });
    const signingDate = new Date();
    const url = await sdk.getSignedUrl(presigner, command, {
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
    const { sdk, presigner } = await this.connect();
    const command = new sdk.GetObjectCommand({ Bucket: this.bucket, Key: key });
    const url = await sdk.getSignedUrl(presigner, command, { expiresIn, signingDate });
    return { url, method: 'GET', headers: {}, expiresAt: expiry(signingDate, expiresIn) };
  }

  /** Closes the SDK's sockets (if it was ever loaded). */
  async destroy(): Promise<void> {
    if (!this.clients) return;
    const { client, presigner } = await this.clients;
    client.destroy();
    if (presigner !== client) presigner.destroy();
  }
}
