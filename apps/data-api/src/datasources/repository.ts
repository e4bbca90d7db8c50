import { and, desc, eq, like, lt, sql, type SQL } from 'drizzle-orm';
import type { DataDb } from '../db/index.js';
import { dataSources, type DataSourceType } from '../db/schema.js';

export type DataSourceRow = typeof dataSources.$inferSelect;
export type NewDataSourceRow = typeof dataSources.$inferInsert;
export type DataSourcePatch = Partial<
  Pick<DataSourceRow, 'name' | 'description' | 'config' | 'credentialsCiphertext' | 'credentialsKeyId'>
>;

export interface DataSourceFilter {
  limit: number;
  /** Rows older than this id (ids sort by creation time). */
  beforeId?: string;
  type?: DataSourceType;
  nameContains?: string;
}

/** `%` and `_` are wildcards in LIKE; searched text must match literally. */
export const likeContains = (text: string): string => `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;

/** Every query is scoped to one tenant: no method reads or writes across tenants. */
export class DataSourceRepository {
  // The hot read is prepared once: drizzle then skips rebuilding the SQL on every call.
  private readonly byId;

  constructor(private readonly db: DataDb) {
    this.byId = db
      .select()
      .from(dataSources)
      .where(and(eq(dataSources.tenantId, sql.placeholder('tenantId')), eq(dataSources.id, sql.placeholder('id'))))
      .limit(1)
      .prepare();
  }

  async insert(row: NewDataSourceRow): Promise<void> {
    await this.db.insert(dataSources).values(row);
  }

  async findById(tenantId: string, id: string): Promise<DataSourceRow | undefined> {
    const [row] = await this.byId.execute({ tenantId, id });
    return row;
  }

  /** Newest first; fetches `limit + 1` rows so the caller can tell whether another page exists. */
  async list(tenantId: string, filter: DataSourceFilter): Promise<DataSourceRow[]> {
    const conditions: SQL[] = [eq(dataSources.tenantId, tenantId)];
    if (filter.beforeId) conditions.push(lt(dataSources.id, filter.beforeId));
    if (filter.type) conditions.push(eq(dataSources.type, filter.type));
    if (filter.nameContains) conditions.push(like(dataSources.name, likeContains(filter.nameContains)));
    return this.db
      .select()
      .from(dataSources)
      .where(and(...conditions))
      .orderBy(desc(dataSources.id))
      .limit(filter.limit + 1);
  }

  async update(tenantId: string, id: string, patch: DataSourcePatch): Promise<boolean> {
    const [result] = await this.db
      .update(dataSources)
      .set({ ...patch, updatedAt: sql`CURRENT_TIMESTAMP(3)` })
      .where(and(eq(dataSources.tenantId, tenantId), eq(dataSources.id, id)));
    return result.affectedRows > 0;
  }

  async delete(tenantId: string, id: string): Promise<boolean> {
    const [result] = await this.db
      .delete(dataSources)
      .where(and(eq(dataSources.tenantId, tenantId), eq(dataSources.id, id)));
    return result.affectedRows > 0;
  }
}
