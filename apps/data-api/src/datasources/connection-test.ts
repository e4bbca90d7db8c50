import mysql from 'mysql2/promise';
import { HeadBucketCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import type {
  ConnectionTestResult,
  MysqlConfig,
  MysqlCredentials,
  S3Config,
  S3Credentials,
} from '../schemas/datasource.js';

/** Connect + `SELECT 1`, bounded by the timeout; the driver's own error text is the answer on failure. */
export async function testMysqlConnection(
  config: MysqlConfig,
  credentials: MysqlCredentials,
  timeoutMs: number,
): Promise<ConnectionTestResult> {
  const started = performance.now();
  let connection: mysql.Connection | undefined;
  try {
    connection = await mysql.createConnection({
      host: config.host,
      port: config.port,
      user: config.user,
      password: credentials.password,
      database: config.database,
      connectTimeout: timeoutMs,
      ...(config.tls ? { ssl: {} } : {}),
    });
    await connection.query({ sql: 'SELECT 1', timeout: timeoutMs });
    return { ok: true, latencyMs: Math.round(performance.now() - started) };
  } catch (error) {
    const { message, code } = error as { message?: string; code?: string };
    return {
      ok: false,
      latencyMs: Math.round(performance.now() - started),
      error: message ?? String(error),
      ...(code ? { errorCode: code } : {}),
    };
  } finally {
    connection?.destroy();
  }
}

const S3_STATUS_TEXT: Record<number, string> = {
  301: 'the bucket is in another region',
  403: 'access denied: the credentials are wrong or may not read this bucket',
  404: 'the bucket does not exist',
};

/** HEAD the bucket. HEAD answers carry no body, so a status is explained in words. */
export async function testS3Connection(
  config: S3Config,
  credentials: S3Credentials,
  timeoutMs: number,
): Promise<ConnectionTestResult> {
  const started = performance.now();
  const client = new S3Client({
    region: config.region,
    forcePathStyle: config.forcePathStyle,
    credentials: { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey },
    maxAttempts: 1,
    ...(config.endpoint ? { endpoint: config.endpoint } : {}),
  });
  try {
    await client.send(new HeadBucketCommand({ Bucket: config.bucket }), { abortSignal: AbortSignal.timeout(timeoutMs) });
    return { ok: true, latencyMs: Math.round(performance.now() - started) };
  } catch (error) {
    const latencyMs = Math.round(performance.now() - started);
    if (error instanceof S3ServiceException) {
      const status = error.$metadata.httpStatusCode ?? 0;
      const explained = S3_STATUS_TEXT[status];
      return {
        ok: false,
        latencyMs,
        error: explained ? `${error.name} (HTTP ${status}): ${explained}` : `${error.name}: ${error.message}`,
        errorCode: error.name,
      };
    }
    const { message, code, name } = error as { message?: string; code?: string; name?: string };
    const timedOut = name === 'AbortError' || name === 'TimeoutError';
    return {
      ok: false,
      latencyMs,
      error: timedOut ? `no answer within ${timeoutMs} ms` : (message ?? String(error)),
      errorCode: code ?? name ?? 'Error',
    };
  } finally {
    client.destroy();
  }
}
