import type { Redis } from 'ioredis';
import type { ApiKeyRepository, ApiKeyRow } from './repository.js';
import { ExpiringCache } from '../expiring-cache.js';
import { hashKeySecret } from './secrets.js';

/** Channel on which a revocation reaches every gateway replica. */
export const REVOCATION_CHANNEL = 'model-api:api-key-revoked';

/**
 * Resolves a presented secret to its key, without a database read on every request: verified keys
 * are remembered for a short time, and a revocation (published on Redis by whichever replica
 * handled it) drops the key from every replica's memory at once.
 */
export class ApiKeyStore {
  private readonly cache: ExpiringCache<string, ApiKeyRow | null>;

  constructor(
    private readonly repository: ApiKeyRepository,
    cacheMs: number,
    private readonly publisher: Redis,
    private readonly onBroadcastFailed: (error: unknown) => void,
  ) {
    // Unknown secrets are remembered briefly too, so guessing does not turn into database load.
    this.cache = new ExpiringCache((row) => (row ? cacheMs : Math.min(cacheMs, 5000)));
  }

  /** Subscribes to revocations; pass a dedicated connection (a subscribed client can do nothing else). */
  async listen(subscriber: Redis): Promise<void> {
    subscriber.on('message', (channel: string, hash: string) => {
      if (channel === REVOCATION_CHANNEL) this.cache.delete(hash);
    });
    await subscriber.subscribe(REVOCATION_CHANNEL);
  }

  /** The usable key for a secret, or null (unknown, revoked or expired). */
  async resolve(secret: string): Promise<ApiKeyRow | null> {
    const hash = hashKeySecret(secret);
    const row = await this.cache.get(hash, async () => (await this.repository.findByHash(hash)) ?? null);
    if (!row || row.revokedAt !== null) return null;
    if (row.expiresAt !== null && row.expiresAt.getTime() <= Date.now()) return null;
    return row;
  }

  /** Forget a key here and on every replica. */
  async forget(secretHash: string): Promise<void> {
    this.cache.delete(secretHash);
    try {
      await this.publisher.publish(REVOCATION_CHANNEL, secretHash);
    } catch (error) {
      // Other replicas then drop the key when their cache entry expires.
      this.onBroadcastFailed(error);
    }
  }
}
