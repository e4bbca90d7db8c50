import { ProblemError } from '@one-data/service-kit';
import { S3ObjectStorage, type ObjectStorage } from '@one-data/storage';
import type { ModelApiConfig } from '../config.js';
import type { ArtifactUrl } from './schemas.js';
import { invalid } from './problems.js';

/** The artifact store model-api uses: the S3 bucket (MinIO in the cluster) of ARTIFACTS_S3_*. */
export function artifactStorageFromConfig(config: ModelApiConfig): S3ObjectStorage {
  return new S3ObjectStorage({
    bucket: config.ARTIFACTS_S3_BUCKET,
    region: config.ARTIFACTS_S3_REGION,
    forcePathStyle: config.ARTIFACTS_S3_FORCE_PATH_STYLE,
    ...(config.ARTIFACTS_S3_ENDPOINT ? { endpoint: config.ARTIFACTS_S3_ENDPOINT } : {}),
    ...(config.ARTIFACTS_S3_ACCESS_KEY_ID && config.ARTIFACTS_S3_SECRET_ACCESS_KEY
      ? {
          credentials: {
            accessKeyId: config.ARTIFACTS_S3_ACCESS_KEY_ID,
            secretAccessKey: config.ARTIFACTS_S3_SECRET_ACCESS_KEY,
          },
        }
      : {}),
  });
}

/** A tenant id as one key segment: `/` and other specials escaped, never `.` or `..`. */
const segment = (value: string): string =>
  encodeURIComponent(value).replace(/^\.{1,2}$/, (dots) => '%2E'.repeat(dots.length));

/** `<tenant>/<model id>/<version>/`: every file of a version lives under this prefix. */
export const artifactPrefix = (tenantId: string, modelId: string, version: string): string =>
  `${segment(tenantId)}/${modelId}/${version}/`;

export interface ArtifactLocation {
  tenantId: string;
  modelId: string;
  version: string;
}

/** Presigned transfers of a version's files, straight between the client and the object store. */
export class ArtifactService {
  constructor(
    private readonly storage: ObjectStorage,
    private readonly ttlSeconds: number,
  ) {}

  /** Where a version's files live, e.g. `s3://models/<tenant>/<model id>/<version>/`. */
  uriFor(location: ArtifactLocation): string {
    return this.storage.uriFor(artifactPrefix(location.tenantId, location.modelId, location.version));
  }

  async uploadUrl(location: ArtifactLocation, path: string, contentType?: string): Promise<ArtifactUrl> {
    const key = this.keyFor(location, path);
    const request = await this.storage.presignUpload(key, {
      ttlSeconds: this.ttlSeconds,
      ...(contentType ? { contentType } : {}),
    });
    return {
      method: 'PUT',
      url: request.url,
      headers: request.headers,
      expiresAt: request.expiresAt.toISOString(),
      artifactUri: this.storage.uriFor(key),
    };
  }

  /** 404 `artifact_not_found` when the file was never uploaded. */
  async downloadUrl(location: ArtifactLocation, path: string): Promise<ArtifactUrl> {
    const key = this.keyFor(location, path);
    const info = await this.storage.headObject(key);
    if (info === null) {
      throw new ProblemError(404, 'artifact_not_found', 'Artifact file not found', {
        detail: `The version has no file '${path}'. Upload it first.`,
      });
    }
    const request = await this.storage.presignDownload(key, { ttlSeconds: this.ttlSeconds });
    return {
      method: 'GET',
      url: request.url,
      headers: request.headers,
      expiresAt: request.expiresAt.toISOString(),
      artifactUri: this.storage.uriFor(key),
      sizeBytes: info.size,
    };
  }

  private keyFor(location: ArtifactLocation, path: string): string {
    if (path.split('/').some((part) => part === '.' || part === '..')) {
      throw invalid('/body/path', 'must not contain `.` or `..` segments');
    }
    return `${artifactPrefix(location.tenantId, location.modelId, location.version)}${path}`;
  }
}
