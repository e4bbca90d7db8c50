import { and, desc, eq, isNull, lt, sql, type SQL } from 'drizzle-orm';
import type { ModelDb } from '../db/index.js';
import { apiKeys } from '../db/schema.js';

export type ApiKeyRow = typeof apiKeys.$inferSelect;
export type NewApiKeyRow = typeof apiKeys.$inferInsert;

/** Every query but `findByHash` (the authentication lookup) is scoped to one tenant. */
export class ApiKeyRepository {
  private readonly byHash;

  constructor(private readonly db: ModelDb) {
    this.byHash = db.select().from(apiKeys).where(eq(apiKeys.secretHash, sql.placeholder('hash'))).limit(1).prepare();
  }

  async insert(row: NewApiKeyRow): Promise<void> {
    await this.db.insert(apiKeys).values(row);
  }

  async findByHash(hash: string): Promise<ApiKeyRow | undefined> {
    const [row] = await this.byHash.execute({ hash });
    return row;
  }

  async findById(tenantId: string, id: string): Promise<ApiKeyRow | undefined> {
    const [row] = await this.db
      .select()
      .from(apiKeys)
      .where(and(eq(apiKeys.tenantId, tenantId), eq(apiKeys.id, id)))
      .limit(1);
    return row;
  }

  async list(tenantId: string, filter: { limit: number; beforeId?: string; includeRevoked: boolean }): Promise<ApiKeyRow[]> {
    const conditions: SQL[] = [eq(apiKeys.tenantId, tenantId)];
    if (filter.beforeId) conditions.push(lt(apiKeys.id, filter.beforeId));
    if (!filter.includeRevoked) conditions.push(isNull(apiKeys.revokedAt));
    return this.db
      .select()
      .from(apiKeys)
      .where(and(...conditions))
      .orderBy(desc(apiKeys.id))
      .limit(filter.limit + 1);
  }

  async update(tenantId: string, id: string, patch: Partial<NewApiKeyRow>): Promise<boolean> {
    const [result] = await this.db
      .update(apiKeys)
      .set({ ...patch, updatedAt: sql`CURRENT_TIMESTAMP(3)` })
      .where(and(eq(apiKeys.tenantId, tenantId), eq(apiKeys.id, id)));
    return result.affectedRows > 0;
  }
}
