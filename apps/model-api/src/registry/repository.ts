import { and, desc, eq, like, lt, ne, sql, type SQL } from 'drizzle-orm';
import type { ModelDb } from '../db/index.js';
import { modelVersions, models } from '../db/schema.js';

export type ModelRow = typeof models.$inferSelect;
export type NewModelRow = typeof models.$inferInsert;
export type ModelPatch = Partial<Pick<ModelRow, 'name' | 'task' | 'description' | 'tags'>>;

export type ModelVersionRow = typeof modelVersions.$inferSelect;
export type NewModelVersionRow = typeof modelVersions.$inferInsert;
export type ModelVersionPatch = Partial<Pick<ModelVersionRow, 'format' | 'sizeBytes' | 'checksum' | 'metadata' | 'stage'>>;
export type VersionStage = ModelVersionRow['stage'];

export interface ModelFilter {
  limit: number;
  /** Rows older than this id (ids sort by creation time). */
  beforeId?: string;
  task?: ModelRow['task'];
  tag?: string;
  nameContains?: string;
}

export interface ModelVersionFilter {
  limit: number;
  beforeId?: string;
  stage?: VersionStage;
}

/** `%` and `_` are wildcards in LIKE; searched text must match literally. */
const likeContains = (text: string): string => `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;

/** ER_LOCK_DEADLOCK: InnoDB rolled the transaction back; running it again is safe. */
const isDeadlock = (error: unknown): boolean => {
  for (let current = error; current instanceof Error; current = current.cause) {
    if ((current as { errno?: unknown }).errno === 1213) return true;
  }
  return false;
};

async function retryOnDeadlock<T>(work: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await work();
    } catch (error) {
      if (!isDeadlock(error) || attempt >= attempts) throw error;
    }
  }
}

/** Every query is scoped to one tenant: no method reads or writes across tenants. */
export class ModelRepository {
  private readonly byId;

  constructor(private readonly db: ModelDb) {
    this.byId = db
      .select()
      .from(models)
      .where(and(eq(models.tenantId, sql.placeholder('tenantId')), eq(models.id, sql.placeholder('id'))))
      .limit(1)
      .prepare();
  }

  async insert(row: NewModelRow): Promise<void> {
    await this.db.insert(models).values(row);
  }

  async findById(tenantId: string, id: string): Promise<ModelRow | undefined> {
    const [row] = await this.byId.execute({ tenantId, id });
    return row;
  }

  /** Newest first; fetches `limit + 1` rows so the caller can tell whether another page exists. */
  async list(tenantId: string, filter: ModelFilter): Promise<ModelRow[]> {
    const conditions: SQL[] = [eq(models.tenantId, tenantId)];
    if (filter.beforeId) conditions.push(lt(models.id, filter.beforeId));
    if (filter.task) conditions.push(eq(models.task, filter.task));
    if (filter.nameContains) conditions.push(like(models.name, likeContains(filter.nameContains)));
    if (filter.tag) conditions.push(sql`JSON_CONTAINS(${models.tags}, JSON_QUOTE(${filter.tag}))`);
    return this.db
      .select()
      .from(models)
      .where(and(...conditions))
      .orderBy(desc(models.id))
      .limit(filter.limit + 1);
  }

  async update(tenantId: string, id: string, patch: ModelPatch): Promise<boolean> {
    const [result] = await this.db
      .update(models)
      .set({ ...patch, updatedAt: sql`CURRENT_TIMESTAMP(3)` })
      .where(and(eq(models.tenantId, tenantId), eq(models.id, id)));
    return result.affectedRows > 0;
  }

  async delete(tenantId: string, id: string): Promise<boolean> {
    const [result] = await this.db.delete(models).where(and(eq(models.tenantId, tenantId), eq(models.id, id)));
    return result.affectedRows > 0;
  }
}

/**
 * Versions of a model, scoped to the tenant and the model. Moving a version to production locks the
 * model row first, so concurrent promotions of one model run one after the other: each archives the
 * production version it finds, and the stored generated column's unique index never has to refuse one.
 */
export class ModelVersionRepository {
  private readonly byId;

  constructor(private readonly db: ModelDb) {
    this.byId = db
      .select()
      .from(modelVersions)
      .where(
        and(
          eq(modelVersions.tenantId, sql.placeholder('tenantId')),
          eq(modelVersions.modelId, sql.placeholder('modelId')),
          eq(modelVersions.id, sql.placeholder('id')),
        ),
      )
      .limit(1)
      .prepare();
  }

  /** Inserts the version; one created in production archives the model's current production version. */
  async insert(row: NewModelVersionRow): Promise<void> {
    if (row.stage !== 'production') {
      await this.db.insert(modelVersions).values(row);
      return;
    }
    await retryOnDeadlock(() =>
      this.db.transaction(async (tx) => {
        // A missing model is left to the foreign key, which refuses the insert.
        if (await this.lockModel(tx, row.tenantId, row.modelId)) {
          await this.archiveProduction(tx, row.tenantId, row.modelId, row.id);
        }
        await tx.insert(modelVersions).values(row);
      }),
    );
  }

  async findById(tenantId: string, modelId: string, id: string): Promise<ModelVersionRow | undefined> {
    const [row] = await this.byId.execute({ tenantId, modelId, id });
    return row;
  }

  /** A version of any of the tenant's models, by id alone (serving deployments name versions so). */
  async findByVersionId(tenantId: string, id: string): Promise<ModelVersionRow | undefined> {
    const [row] = await this.db
      .select()
      .from(modelVersions)
      .where(and(eq(modelVersions.tenantId, tenantId), eq(modelVersions.id, id)))
      .limit(1);
    return row;
  }

  async list(tenantId: string, modelId: string, filter: ModelVersionFilter): Promise<ModelVersionRow[]> {
    const conditions: SQL[] = [eq(modelVersions.tenantId, tenantId), eq(modelVersions.modelId, modelId)];
    if (filter.beforeId) conditions.push(lt(modelVersions.id, filter.beforeId));
    if (filter.stage) conditions.push(eq(modelVersions.stage, filter.stage));
    return this.db
      .select()
      .from(modelVersions)
      .where(and(...conditions))
      .orderBy(desc(modelVersions.id))
      .limit(filter.limit + 1);
  }

  /** Whether the model has any version at all. */
  async exists(tenantId: string, modelId: string): Promise<boolean> {
    const [row] = await this.db
      .select({ id: modelVersions.id })
      .from(modelVersions)
      .where(and(eq(modelVersions.tenantId, tenantId), eq(modelVersions.modelId, modelId)))
      .limit(1);
    return row !== undefined;
  }

  /**
   * Applies the patch; with `stage: 'production'` the model's current production version (if another)
   * becomes `archived` in the same transaction. False when no such version exists.
   */
  async update(tenantId: string, modelId: string, id: string, patch: ModelVersionPatch): Promise<boolean> {
    const write = async (db: Pick<ModelDb, 'update'>): Promise<boolean> => {
      const [result] = await db
        .update(modelVersions)
        .set({ ...patch, updatedAt: sql`CURRENT_TIMESTAMP(3)` })
        .where(and(eq(modelVersions.tenantId, tenantId), eq(modelVersions.modelId, modelId), eq(modelVersions.id, id)));
      return result.affectedRows > 0;
    };
    if (patch.stage !== 'production') return write(this.db);
    return retryOnDeadlock(() =>
      this.db.transaction(async (tx) => {
        if (!(await this.lockModel(tx, tenantId, modelId))) return false;
        const [target] = await tx
          .select({ id: modelVersions.id })
          .from(modelVersions)
          .where(and(eq(modelVersions.tenantId, tenantId), eq(modelVersions.modelId, modelId), eq(modelVersions.id, id)))
          .for('update');
        if (!target) return false;
        await this.archiveProduction(tx, tenantId, modelId, id);
        return write(tx);
      }),
    );
  }

  async delete(tenantId: string, modelId: string, id: string): Promise<boolean> {
    const [result] = await this.db
      .delete(modelVersions)
      .where(and(eq(modelVersions.tenantId, tenantId), eq(modelVersions.modelId, modelId), eq(modelVersions.id, id)));
    return result.affectedRows > 0;
  }

  /** Locks the model row for the rest of the transaction. False: the tenant has no such model. */
  private async lockModel(tx: Pick<ModelDb, 'select'>, tenantId: string, modelId: string): Promise<boolean> {
    const [model] = await tx
      .select({ id: models.id })
      .from(models)
      .where(and(eq(models.tenantId, tenantId), eq(models.id, modelId)))
      .for('update');
    return model !== undefined;
  }

  /** Archives the model's production version unless it is `keepId`; call with the model row locked. */
  private async archiveProduction(
    tx: Pick<ModelDb, 'update'>,
    tenantId: string,
    modelId: string,
    keepId: string,
  ): Promise<void> {
    await tx
      .update(modelVersions)
      .set({ stage: 'archived', updatedAt: sql`CURRENT_TIMESTAMP(3)` })
      .where(
        and(
          eq(modelVersions.tenantId, tenantId),
          eq(modelVersions.modelId, modelId),
          eq(modelVersions.stage, 'production'),
          ne(modelVersions.id, keepId),
        ),
      );
  }
}
