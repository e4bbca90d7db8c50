import { eq } from 'drizzle-orm';
import type { ModelDb } from '../db/index.js';
import { tenantLimits } from '../db/schema.js';
import type { ScopeLimits } from './limits.js';

/** Per-tenant limits: a row in `tenant_limits` overrides the gateway's defaults; read at most every `ttlMs`. */
export class TenantLimits {
  private readonly cache = new Map<string, { limits: ScopeLimits; until: number }>();

  constructor(
    private readonly db: ModelDb,
    private readonly defaults: ScopeLimits,
    private readonly ttlMs = 30_000,
  ) {}

  async get(tenantId: string): Promise<ScopeLimits> {
    const cached = this.cache.get(tenantId);
    if (cached && cached.until > Date.now()) return cached.limits;
    const [row] = await this.db.select().from(tenantLimits).where(eq(tenantLimits.tenantId, tenantId)).limit(1);
    const limits: ScopeLimits = row
      ? {
          requestsPerMinute: row.requestsPerMinute ?? this.defaults.requestsPerMinute,
          tokensPerMinute: row.tokensPerMinute ?? this.defaults.tokensPerMinute,
          maxConcurrency: row.maxConcurrency ?? this.defaults.maxConcurrency,
        }
      : this.defaults;
    this.cache.set(tenantId, { limits, until: Date.now() + this.ttlMs });
    return limits;
  }
}
