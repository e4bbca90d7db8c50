import { randomBytes } from 'node:crypto';

/**
 * Opaque, URL-safe ids that sort by creation time: `<prefix>_<48-bit ms timestamp><64 random bits>`,
 * all lowercase hex. Ordering by id is therefore ordering by age, which keyset pagination relies on.
 */
export const newId = (prefix: string): string =>
  `${prefix}_${Date.now().toString(16).padStart(12, '0')}${randomBytes(8).toString('hex')}`;
