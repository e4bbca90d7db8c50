import { LocalDirectoryStorage } from './local.js';
import type { ObjectStorage } from './object-storage.js';
import { S3ObjectStorage, type S3ObjectStorageOptions } from './s3.js';

export {
  MAX_KEY_LENGTH,
  MAX_PRESIGN_TTL_SECONDS,
  assertValidKey,
  type ObjectBody,
  type ObjectInfo,
  type ObjectStorage,
  type PresignDownloadOptions,
  type PresignUploadOptions,
  type PresignedRequest,
  type PutObjectOptions,
  type StoredObject,
} from './object-storage.js';
export { S3ObjectStorage, type S3ObjectStorageOptions } from './s3.js';
export { LocalDirectoryStorage } from './local.js';

export type ObjectStorageOptions = ({ kind: 's3' } & S3ObjectStorageOptions) | { kind: 'local'; directory: string };

/** S3 (MinIO) in the cluster, a local directory on one machine. */
export function createObjectStorage(options: ObjectStorageOptions): ObjectStorage {
  return options.kind === 'local' ? new LocalDirectoryStorage(options.directory) : new S3ObjectStorage(options);
}
