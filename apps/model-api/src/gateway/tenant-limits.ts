import { eq } from 'drizzle-orm';
import type { ModelDb } from '../db/index.js';
import { tenantLimits } from '../db/schema.js';
import { ExpiringCache } from '../expiring-cache.js';
import type { ScopeLimits } from './limits.js';

/** Per-tenant limits: a row in `tenant_limits` overrides the gateway's defaults; read at most every `ttlMs`. */
export class TenantLimits {
  private readonly cache: ExpiringCache<string, ScopeLimits>;

  constructor(
    private readonly db: ModelDb,
    private readonly defaults: ScopeLimits,
    ttlMs = 30_000,
  ) {
    this.cache = new ExpiringCache(() => ttlMs);
  }

  get(tenantId: string): Promise<ScopeLimits> {
    return this.cache.get(tenantId, () => this.read(tenantId));
  }

  private async read(tenantId: string): Promise<ScopeLimits> {
    const [row] = await this.db.select().from(tenantLimits).where(eq(tenantLimits.tenantId, tenantId)).limit(1);
    if (!row) return this.defaults;
    return {
      requestsPerMinute: row.requestsPerMinute ?? this.defaults.requestsPerMinute,
      tokensPerMinute: row.tokensPerMinute ?? this.defaults.tokensPerMinute,
      maxConcurrency: row.maxConcurrency ?? this.defaults.maxConcurrency,
    };
  }
}
