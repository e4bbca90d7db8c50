import { createRequire } from 'node:module';
import type { FastifyServerOptions } from 'fastify';
import pino, { type DestinationStream } from 'pino';

/**
 * Paths pino replaces with "[redacted]": auth headers (should a request's headers be logged) and
 * secret-looking keys of a logged object. Services never log credentials on purpose; this is the
 * safety net. Only exact paths: wildcard paths cost tens of microseconds on every line.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  'password',
  'secret',
  'secretAccessKey',
  'credentials',
  'token',
  'apiKey',
];

const prettyTransportAvailable = (): boolean => {
  try {
    createRequire(import.meta.url).resolve('pino-pretty');
    return true;
  } catch {
    return false;
  }
};

/** How often buffered log lines are written out at the latest. */
const LOG_FLUSH_INTERVAL_MS = 250;

export interface ServiceLogger {
  options: NonNullable<FastifyServerOptions['logger']> | { stream: DestinationStream };
  /** Writes out what is buffered; call when the service stops. */
  close(): void;
}

export function createServiceLogger(service: string, level: string, stream?: DestinationStream): ServiceLogger {
  const base = {
    level,
    base: { service },
    ...(process.env['NOREDACT'] ? {} : { redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }),
  };
  if (stream) return { options: { ...base, stream }, close: () => undefined };
  // Pretty output for people at a terminal; JSON lines everywhere else (containers, CI, files).
  if (process.stdout.isTTY && prettyTransportAvailable()) {
    return {
      options: { ...base, transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l' } } },
      close: () => undefined,
    };
  }
  // One write per line costs a system call per request; lines are gathered into 4 KiB writes and
  // flushed at least every LOG_FLUSH_INTERVAL_MS. pino flushes synchronously when the process exits.
  const destination = pino.destination({ dest: 1, sync: false, minLength: 4096 });
  const timer = setInterval(() => destination.flush(), LOG_FLUSH_INTERVAL_MS);
  timer.unref();
  return {
    options: { ...base, stream: destination },
    close: () => {
      clearInterval(timer);
      destination.flushSync();
    },
  };
}
