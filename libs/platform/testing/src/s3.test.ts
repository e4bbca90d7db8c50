import { CreateBucketCommand, GetObjectCommand, HeadBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestS3Server, type TestS3Server } from './s3.js';

describe('startTestS3Server', () => {
  let server: TestS3Server;
  let s3: S3Client;
  const clientFor = (accessKeyId: string) =>
    new S3Client({
      endpoint: server.endpoint,
      region: server.region,
      forcePathStyle: true,
      credentials: { accessKeyId, secretAccessKey: server.secretAccessKey },
    });

  beforeAll(async () => {
    server = await startTestS3Server({ buckets: ['models', 'datasets'] });
    s3 = clientFor(server.accessKeyId);
  });
  afterAll(async () => {
    s3?.destroy();
    await server?.close();
  });

  it('answers HeadBucket for each configured bucket and 404 for others', async () => {
    expect(server.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    for (const Bucket of ['models', 'datasets']) {
      const head = await s3.send(new HeadBucketCommand({ Bucket }));
      expect(head.$metadata.httpStatusCode).toBe(200);
    }
    await expect(s3.send(new HeadBucketCommand({ Bucket: 'missing' }))).rejects.toMatchObject({
      $metadata: { httpStatusCode: 404 },
    });
  });

  it('stores and returns objects', async () => {
    await s3.send(new PutObjectCommand({ Bucket: 'models', Key: 'llama/weights.bin', Body: 'weights' }));
    const object = await s3.send(new GetObjectCommand({ Bucket: 'models', Key: 'llama/weights.bin' }));
    expect(await object.Body?.transformToString()).toBe('weights');
  });

  it('refuses an unknown access key id with 403 InvalidAccessKeyId', async () => {
    const stranger = clientFor('NOT-A-KEY');
    try {
      await expect(stranger.send(new CreateBucketCommand({ Bucket: 'intruder' }))).rejects.toMatchObject({
        name: 'InvalidAccessKeyId',
        $metadata: { httpStatusCode: 403 },
      });
    } finally {
      stranger.destroy();
    }
  });
});
