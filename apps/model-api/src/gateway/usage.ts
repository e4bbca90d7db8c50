import type { FastifyBaseLogger } from 'fastify';
import { sql } from 'drizzle-orm';
import type { ModelDb } from '../db/index.js';
import { usageHourly } from '../db/schema.js';

export interface UsageEvent {
  tenantId: string;
  /** '' for callers with a JWT rather than an API key */
  apiKeyId: string;
  model: string;
  promptTokens: number;
  completionTokens: number;
  failed: boolean;
}

interface Counters {
  tenantId: string;
  apiKeyId: string;
  model: string;
  hour: Date;
  requests: number;
  errors: number;
  promptTokens: number;
  completionTokens: number;
}

/**
 * Aggregates usage in memory per tenant / key / model / hour and writes it in one multi-row upsert
 * per flush, so the hot path never waits on MySQL. A failed flush keeps its counters for the next
 * one; `close()` flushes what is left.
 */
export class UsageRecorder {
  private pending = new Map<string, Counters>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: ModelDb,
    private readonly log: FastifyBaseLogger,
  ) {}

  record(event: UsageEvent): void {
    const hour = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000);
    const key = `${event.tenantId}\u0000${event.apiKeyId}\u0000${event.model}\u0000${hour.getTime()}`;
    let counters = this.pending.get(key);
    if (!counters) {
      counters = { tenantId: event.tenantId, apiKeyId: event.apiKeyId, model: event.model, hour, requests: 0, errors: 0, promptTokens: 0, completionTokens: 0 };
      this.pending.set(key, counters);
    }
    counters.requests++;
    if (event.failed) counters.errors++;
    counters.promptTokens += event.promptTokens;
    counters.completionTokens += event.completionTokens;
  }

  /** Writes everything recorded so far; concurrent calls are serialised. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.writePending());
    return this.flushing;
  }

  private async writePending(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    const rows = [...batch.values()];
    try {
      await this.db
        .insert(usageHourly)
        .values(rows)
        .onDuplicateKeyUpdate({
          set: {
            requests: sql`${usageHourly.requests} + values(${usageHourly.requests})`,
            errors: sql`${usageHourly.errors} + values(${usageHourly.errors})`,
            promptTokens: sql`${usageHourly.promptTokens} + values(${usageHourly.promptTokens})`,
            completionTokens: sql`${usageHourly.completionTokens} + values(${usageHourly.completionTokens})`,
          },
        });
    } catch (error) {
      this.log.error({ err: error, rows: rows.length }, 'usage flush failed; will retry');
      for (const [key, counters] of batch) {
        const newer = this.pending.get(key);
        if (!newer) this.pending.set(key, counters);
        else {
          newer.requests += counters.requests;
          newer.errors += counters.errors;
          newer.promptTokens += counters.promptTokens;
          newer.completionTokens += counters.completionTokens;
        }
      }
    }
  }

  start(intervalMs: number): void {
    this.timer = setInterval(() => void this.flush(), intervalMs);
    this.timer.unref();
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
