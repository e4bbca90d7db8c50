import { isDuplicateKeyError, isMissingReferenceError } from '@one-data/db';
import { ProblemError, conflict, decodeCursor, newId, notFound, toPage } from '@one-data/service-kit';
import type { DatasetLocation } from '../db/schema.js';
import type { DataSourceRepository } from '../datasources/repository.js';
import type { CreateDataset, Dataset, ListDatasetsQuery, Location, UpdateDataset } from '../schemas/dataset.js';
import type { Actor } from '../tenancy.js';
import type { DatasetPatch, DatasetRepository, DatasetRow } from './repository.js';

export const toDataset = (row: DatasetRow): Dataset => ({
  id: row.id,
  name: row.name,
  description: row.description,
  dataSourceId: row.dataSourceId,
  location: row.location,
  tags: row.tags,
  owner: row.owner,
  columns: row.columns,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});

const invalid = (path: string, message: string) =>
  new ProblemError(400, 'validation_failed', 'The request is invalid', {
    detail: `${path} ${message}`,
    errors: [{ path, message }],
  });

const unknownSource = (id: string) => invalid('/body/dataSourceId', `names no data source of yours ('${id}')`);

const nameTaken = (name: string) =>
  conflict('name_taken', 'Name already in use', { detail: `A dataset named '${name}' already exists.` });

export class DatasetService {
  constructor(
    private readonly datasets: DatasetRepository,
    private readonly dataSources: DataSourceRepository,
  ) {}

  async create(actor: Actor, input: CreateDataset): Promise<Dataset> {
    const location = await this.checkLocation(actor, input.dataSourceId, input.location);
    const id = newId('dset');
    try {
      await this.datasets.insert({
        id,
        tenantId: actor.tenantId,
        name: input.name,
        description: input.description ?? null,
        dataSourceId: input.dataSourceId,
        location,
        tags: input.tags ?? [],
        owner: input.owner ?? actor.subject,
        columns: input.columns ?? [],
      });
    } catch (error) {
      throw this.translate(error, input.name, input.dataSourceId);
    }
    return this.get(actor, id);
  }

  async list(actor: Actor, query: ListDatasetsQuery) {
    const beforeId = query.cursor ? decodeCursor(query.cursor, { id: 'string' }).id : undefined;
    const rows = await this.datasets.list(actor.tenantId, {
      limit: query.limit,
      ...(beforeId ? { beforeId } : {}),
      ...(query.tag ? { tag: query.tag } : {}),
      ...(query.dataSourceId ? { dataSourceId: query.dataSourceId } : {}),
      ...(query.q ? { nameContains: query.q } : {}),
    });
    return toPage(rows, query.limit, (row) => ({ id: row.id }), toDataset);
  }

  async get(actor: Actor, id: string): Promise<Dataset> {
    return toDataset(await this.getRow(actor, id));
  }

  async update(actor: Actor, id: string, input: UpdateDataset): Promise<Dataset> {
    const current = await this.getRow(actor, id);
    const patch: DatasetPatch = {};
    if (input.dataSourceId !== undefined || input.location !== undefined) {
      const dataSourceId = input.dataSourceId ?? current.dataSourceId;
      patch.dataSourceId = dataSourceId;
      patch.location = await this.checkLocation(actor, dataSourceId, input.location ?? current.location);
    }
    if (input.name !== undefined) patch.name = input.name;
    if (input.description !== undefined) patch.description = input.description;
    if (input.tags !== undefined) patch.tags = input.tags;
    if (input.owner !== undefined) patch.owner = input.owner;
    if (input.columns !== undefined) patch.columns = input.columns;
    try {
      await this.datasets.update(actor.tenantId, id, patch);
    } catch (error) {
      throw this.translate(error, input.name ?? current.name, patch.dataSourceId ?? current.dataSourceId);
    }
    return this.get(actor, id);
  }

  async delete(actor: Actor, id: string): Promise<void> {
    if (!(await this.datasets.delete(actor.tenantId, id))) throw notFound('dataset', id);
  }

  /** The location must suit the data source's type: a table for MySQL, a prefix and format for S3. */
  private async checkLocation(actor: Actor, dataSourceId: string, location: Location): Promise<DatasetLocation> {
    const source = await this.dataSources.findById(actor.tenantId, dataSourceId);
    if (!source) throw unknownSource(dataSourceId);
    if (source.type === 'mysql') {
      if (location.prefix !== undefined || location.format !== undefined) {
        throw invalid('/body/location', 'takes only `table` for a mysql data source');
      }
      if (location.table === undefined) throw invalid('/body/location/table', 'is required for a mysql data source');
      return { table: location.table };
    }
    if (location.table !== undefined) throw invalid('/body/location/table', 'is not allowed for an s3 data source');
    if (location.prefix === undefined) throw invalid('/body/location/prefix', 'is required for an s3 data source');
    if (location.format === undefined) throw invalid('/body/location/format', 'is required for an s3 data source');
    return { prefix: location.prefix, format: location.format };
  }

  private translate(error: unknown, name: string, dataSourceId: string): unknown {
    if (isDuplicateKeyError(error)) return nameTaken(name);
    // The data source was deleted between the check and the write.
    if (isMissingReferenceError(error)) return unknownSource(dataSourceId);
    return error;
  }

  private async getRow(actor: Actor, id: string): Promise<DatasetRow> {
    const row = await this.datasets.findById(actor.tenantId, id);
    if (!row) throw notFound('dataset', id);
    return row;
  }
}
