import { and, asc, desc, eq, like, lt, ne, sql, type SQL } from 'drizzle-orm';
import type { ModelDb } from '../db/index.js';
import { servingDeployments } from '../db/schema.js';

export type ServingDeploymentRow = typeof servingDeployments.$inferSelect;
export type NewServingDeploymentRow = typeof servingDeployments.$inferInsert;
export type ServingDeploymentPatch = Partial<
  Pick<
    ServingDeploymentRow,
    | 'modelVersionId'
    | 'replicas'
    | 'tensorParallelSize'
    | 'gpu'
    | 'image'
    | 'args'
    | 'routing'
    | 'fallbackModel'
    | 'status'
    | 'manifests'
    | 'lastError'
  >
>;

export interface ServingDeploymentFilter {
  limit: number;
  beforeId?: string;
  status?: ServingDeploymentRow['status'];
  modelVersionId?: string;
  servedNameContains?: string;
}

const likeContains = (text: string): string => `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;

/**
 * Serving deployments. Every method is scoped to one tenant except `listAllActive`, which the gateway
 * uses to learn every pool: served names are global, so routing needs all of them.
 */
export class ServingDeploymentRepository {
  private readonly byId;

  constructor(private readonly db: ModelDb) {
    this.byId = db
      .select()
      .from(servingDeployments)
      .where(
        and(eq(servingDeployments.tenantId, sql.placeholder('tenantId')), eq(servingDeployments.id, sql.placeholder('id'))),
      )
      .limit(1)
      .prepare();
  }

  async insert(row: NewServingDeploymentRow): Promise<void> {
    await this.db.insert(servingDeployments).values(row);
  }

  async findById(tenantId: string, id: string): Promise<ServingDeploymentRow | undefined> {
    const [row] = await this.byId.execute({ tenantId, id });
    return row;
  }

  async list(tenantId: string, filter: ServingDeploymentFilter): Promise<ServingDeploymentRow[]> {
    const conditions: SQL[] = [eq(servingDeployments.tenantId, tenantId)];
    if (filter.beforeId) conditions.push(lt(servingDeployments.id, filter.beforeId));
    if (filter.status) conditions.push(eq(servingDeployments.status, filter.status));
    if (filter.modelVersionId) conditions.push(eq(servingDeployments.modelVersionId, filter.modelVersionId));
    if (filter.servedNameContains) {
      conditions.push(like(servingDeployments.servedName, likeContains(filter.servedNameContains)));
    }
    return this.db
      .select()
      .from(servingDeployments)
      .where(and(...conditions))
      .orderBy(desc(servingDeployments.id))
      .limit(filter.limit + 1);
  }

  async update(tenantId: string, id: string, patch: ServingDeploymentPatch): Promise<boolean> {
    const [result] = await this.db
      .update(servingDeployments)
      .set({ ...patch, updatedAt: sql`CURRENT_TIMESTAMP(3)` })
      .where(and(eq(servingDeployments.tenantId, tenantId), eq(servingDeployments.id, id)));
    return result.affectedRows > 0;
  }

  async delete(tenantId: string, id: string): Promise<boolean> {
    const [result] = await this.db
      .delete(servingDeployments)
      .where(and(eq(servingDeployments.tenantId, tenantId), eq(servingDeployments.id, id)));
    return result.affectedRows > 0;
  }

  /** Every tenant's deployments that are not being removed, oldest first. */
  async listAllActive(): Promise<
    Pick<ServingDeploymentRow, 'servedName' | 'tenantId' | 'routing' | 'fallbackModel' | 'status' | 'manifests'>[]
  > {
    return this.db
      .select({
        servedName: servingDeployments.servedName,
        tenantId: servingDeployments.tenantId,
        routing: servingDeployments.routing,
        fallbackModel: servingDeployments.fallbackModel,
        status: servingDeployments.status,
        manifests: servingDeployments.manifests,
      })
      .from(servingDeployments)
      .where(ne(servingDeployments.status, 'deleting'))
      .orderBy(asc(servingDeployments.id));
  }
}
