import { createHash, randomBytes } from 'node:crypto';

export const API_KEY_PREFIX = 'odk_';

/** A new key secret: `odk_` + 32 random bytes, base64url (43 characters). */
export const newKeySecret = (): string => `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;

/** What is stored and looked up: SHA-256 of the secret. A fast hash suffices for 256-bit random secrets. */
export const hashKeySecret = (secret: string): string => createHash('sha256').update(secret).digest('hex');

/** What lists show, so people recognise a key without it being usable. */
export const displayPrefix = (secret: string): string => secret.slice(0, 12);
