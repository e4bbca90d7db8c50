import { and, desc, eq, like, lt, sql, type SQL } from 'drizzle-orm';
import type { DataDb } from '../db/index.js';
import { datasets } from '../db/schema.js';
import { likeContains } from '../datasources/repository.js';

export type DatasetRow = typeof datasets.$inferSelect;
export type NewDatasetRow = typeof datasets.$inferInsert;
export type DatasetPatch = Partial<
  Pick<DatasetRow, 'name' | 'description' | 'dataSourceId' | 'location' | 'tags' | 'owner' | 'columns'>
>;

export interface DatasetFilter {
  limit: number;
  beforeId?: string;
  tag?: string;
  dataSourceId?: string;
  nameContains?: string;
}

/** Every query is scoped to one tenant: no method reads or writes across tenants. */
export class DatasetRepository {
  // The hot read is prepared once: drizzle then skips rebuilding the SQL on every call.
  private readonly byId;

  constructor(private readonly db: DataDb) {
    this.byId = db
      .select()
      .from(datasets)
      .where(and(eq(datasets.tenantId, sql.placeholder('tenantId')), eq(datasets.id, sql.placeholder('id'))))
      .limit(1)
      .prepare();
  }

  async insert(row: NewDatasetRow): Promise<void> {
    await this.db.insert(datasets).values(row);
  }

  async findById(tenantId: string, id: string): Promise<DatasetRow | undefined> {
    const [row] = await this.byId.execute({ tenantId, id });
    return row;
  }

  /** Newest first; fetches `limit + 1` rows so the caller can tell whether another page exists. */
  async list(tenantId: string, filter: DatasetFilter): Promise<DatasetRow[]> {
    const conditions: SQL[] = [eq(datasets.tenantId, tenantId)];
    if (filter.beforeId) conditions.push(lt(datasets.id, filter.beforeId));
    if (filter.dataSourceId) conditions.push(eq(datasets.dataSourceId, filter.dataSourceId));
    if (filter.nameContains) conditions.push(like(datasets.name, likeContains(filter.nameContains)));
    if (filter.tag) conditions.push(sql`JSON_CONTAINS(${datasets.tags}, JSON_QUOTE(${filter.tag}))`);
    return this.db
      .select()
      .from(datasets)
      .where(and(...conditions))
      .orderBy(desc(datasets.id))
      .limit(filter.limit + 1);
  }

  async update(tenantId: string, id: string, patch: DatasetPatch): Promise<boolean> {
    const [result] = await this.db
      .update(datasets)
      .set({ ...patch, updatedAt: sql`CURRENT_TIMESTAMP(3)` })
      .where(and(eq(datasets.tenantId, tenantId), eq(datasets.id, id)));
    return result.affectedRows > 0;
  }

  async delete(tenantId: string, id: string): Promise<boolean> {
    const [result] = await this.db.delete(datasets).where(and(eq(datasets.tenantId, tenantId), eq(datasets.id, id)));
    return result.affectedRows > 0;
  }
}
