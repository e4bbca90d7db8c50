import { createRequire } from 'node:module';
import type { FastifyServerOptions } from 'fastify';
import type { DestinationStream } from 'pino';

/**
 * Paths pino replaces with "[redacted]": auth headers and anything that looks like a secret, in any
 * object a service logs. Services still never log credentials on purpose; this is the safety net.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.secret',
  '*.secretAccessKey',
  '*.credentials',
  '*.token',
  '*.apiKey',
];

const prettyTransportAvailable = (): boolean => {
  try {
    createRequire(import.meta.url).resolve('pino-pretty');
    return true;
  } catch {
    return false;
  }
};

export function loggerOptions(
  service: string,
  level: string,
  stream?: DestinationStream,
): NonNullable<FastifyServerOptions['logger']> | { stream: DestinationStream } {
  const base = {
    level,
    base: { service },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
  };
  if (stream) return { ...base, stream };
  // Pretty output for people at a terminal; JSON lines everywhere else (containers, CI, files).
  if (process.stdout.isTTY && prettyTransportAvailable()) {
    return { ...base, transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l' } } };
  }
  return base;
}
