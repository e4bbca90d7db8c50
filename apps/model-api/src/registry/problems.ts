import type { Principal } from '@one-data/auth';
import { ProblemError } from '@one-data/service-kit';

/** Who is acting: every domain call is scoped to the caller's tenant. */
export type Actor = Pick<Principal, 'tenantId' | 'subject'>;

/** A 400 naming one field, shaped exactly like the route validation's answer. */
export const invalid = (path: string, message: string): ProblemError =>
  new ProblemError(400, 'validation_failed', 'The request is invalid', {
    detail: `${path} ${message}`,
    errors: [{ path, message }],
  });

/** The unique index a duplicate-key error (ER_DUP_ENTRY) names, from the driver's message. */
export const duplicateKeyName = (error: unknown): string | undefined => {
  for (let current = error; current instanceof Error; current = current.cause) {
    const message = (current as { sqlMessage?: unknown }).sqlMessage ?? current.message;
    const match = typeof message === 'string' ? /for key '(?:[^'.]+\.)?([^']+)'/.exec(message) : null;
    if (match) return match[1];
  }
  return undefined;
};
