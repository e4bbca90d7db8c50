import { isDuplicateKeyError, isMissingReferenceError, isReferencedRowError } from '@one-data/db';
import { conflict, decodeCursor, newId, notFound, toPage } from '@one-data/service-kit';
import type { ArtifactService } from './artifacts.js';
import { duplicateKeyName, type Actor } from './problems.js';
import type {
  ModelPatch,
  ModelRepository,
  ModelRow,
  ModelVersionPatch,
  ModelVersionRepository,
  ModelVersionRow,
} from './repository.js';
import type {
  ArtifactUrl,
  CreateArtifactDownloadUrl,
  CreateArtifactUploadUrl,
  CreateModel,
  CreateModelVersion,
  ListModelVersionsQuery,
  ListModelsQuery,
  Model,
  ModelVersion,
  UpdateModel,
  UpdateModelVersion,
} from './schemas.js';

export const toModel = (row: ModelRow): Model => ({
  id: row.id,
  name: row.name,
  task: row.task,
  description: row.description,
  tags: row.tags,
  createdBy: row.createdBy,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});

export const toModelVersion = (row: ModelVersionRow): ModelVersion => ({
  id: row.id,
  modelId: row.modelId,
  version: row.version,
  artifactUri: row.artifactUri,
  format: row.format,
  sizeBytes: row.sizeBytes,
  checksum: row.checksum,
  metadata: row.metadata,
  stage: row.stage,
  createdBy: row.createdBy,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});

const nameTaken = (name: string) =>
  conflict('name_taken', 'Name already in use', { detail: `A model named '${name}' already exists.` });

const versionTaken = (version: string) =>
  conflict('version_taken', 'Version already exists', { detail: `The model already has a version '${version}'.` });

/** The unique index on the production marker refused a second production version: the last line of defence. */
export const productionConflict = () =>
  conflict('production_version_exists', 'Another version is in production', {
    detail: 'The model already has a production version and it could not be archived; retry the request.',
  });

/** Errors a version write can meet, as problems; anything else is returned unchanged. */
export function translateVersionError(error: unknown, version?: string): unknown {
  if (isDuplicateKeyError(error)) {
    if (duplicateKeyName(error) === 'model_versions_one_production') return productionConflict();
    return versionTaken(version ?? '?');
  }
  return error;
}

/** Models: named, tenant-owned entries with a task; their versions hold the weights. */
export class ModelService {
  constructor(
    private readonly models: ModelRepository,
    private readonly versions: ModelVersionRepository,
  ) {}

  async create(actor: Actor, input: CreateModel): Promise<Model> {
    const id = newId('mdl');
    try {
      await this.models.insert({
        id,
        tenantId: actor.tenantId,
        name: input.name,
        task: input.task,
        description: input.description ?? null,
        tags: input.tags ?? [],
        createdBy: actor.subject,
      });
    } catch (error) {
      if (isDuplicateKeyError(error)) throw nameTaken(input.name);
      throw error;
    }
    return this.get(actor, id);
  }

  async list(actor: Actor, query: ListModelsQuery) {
    const beforeId = query.cursor ? decodeCursor(query.cursor, { id: 'string' }).id : undefined;
    const rows = await this.models.list(actor.tenantId, {
      limit: query.limit,
      ...(beforeId ? { beforeId } : {}),
      ...(query.task ? { task: query.task } : {}),
      ...(query.tag ? { tag: query.tag } : {}),
      ...(query.q ? { nameContains: query.q } : {}),
    });
    return toPage(rows, query.limit, (row) => ({ id: row.id }), toModel);
  }

  async get(actor: Actor, id: string): Promise<Model> {
    return toModel(await this.getRow(actor, id));
  }

  async update(actor: Actor, id: string, input: UpdateModel): Promise<Model> {
    await this.getRow(actor, id);
    const patch: ModelPatch = {};
    if (input.name !== undefined) patch.name = input.name;
    if (input.task !== undefined) patch.task = input.task;
    if (input.description !== undefined) patch.description = input.description;
    if (input.tags !== undefined) patch.tags = input.tags;
    try {
      await this.models.update(actor.tenantId, id, patch);
    } catch (error) {
      if (isDuplicateKeyError(error) && input.name !== undefined) throw nameTaken(input.name);
      throw error;
    }
    return this.get(actor, id);
  }

  /** Only a model without versions can go: versions carry weights and may be served. */
  async delete(actor: Actor, id: string): Promise<void> {
    await this.getRow(actor, id);
    const hasVersions = () =>
      conflict('model_has_versions', 'Model has versions', { detail: 'Delete the versions of this model first.' });
    if (await this.versions.exists(actor.tenantId, id)) throw hasVersions();
    try {
      if (!(await this.models.delete(actor.tenantId, id))) throw notFound('model', id);
    } catch (error) {
      // A version was added since the check.
      if (isReferencedRowError(error)) throw hasVersions();
      throw error;
    }
  }

  private async getRow(actor: Actor, id: string): Promise<ModelRow> {
    const row = await this.models.findById(actor.tenantId, id);
    if (!row) throw notFound('model', id);
    return row;
  }
}

/** Versions of a model, their stage (one production version at most) and their artifact files. */
export class ModelVersionService {
  constructor(
    private readonly models: ModelRepository,
    private readonly versions: ModelVersionRepository,
    private readonly artifacts: ArtifactService,
  ) {}

  async create(actor: Actor, modelId: string, input: CreateModelVersion): Promise<ModelVersion> {
    await this.getModel(actor, modelId);
    const id = newId('mver');
    try {
      await this.versions.insert({
        id,
        tenantId: actor.tenantId,
        modelId,
        version: input.version,
        artifactUri: this.artifacts.uriFor({ tenantId: actor.tenantId, modelId, version: input.version }),
        format: input.format ?? 'safetensors',
        sizeBytes: input.sizeBytes ?? null,
        checksum: input.checksum ?? null,
        metadata: input.metadata ?? {},
        stage: input.stage ?? 'none',
        createdBy: actor.subject,
      });
    } catch (error) {
      // The model was deleted between the check and the write.
      if (isMissingReferenceError(error)) throw notFound('model', modelId);
      throw translateVersionError(error, input.version);
    }
    return this.get(actor, modelId, id);
  }

  async list(actor: Actor, modelId: string, query: ListModelVersionsQuery) {
    await this.getModel(actor, modelId);
    const beforeId = query.cursor ? decodeCursor(query.cursor, { id: 'string' }).id : undefined;
    const rows = await this.versions.list(actor.tenantId, modelId, {
      limit: query.limit,
      ...(beforeId ? { beforeId } : {}),
      ...(query.stage ? { stage: query.stage } : {}),
    });
    return toPage(rows, query.limit, (row) => ({ id: row.id }), toModelVersion);
  }

  async get(actor: Actor, modelId: string, id: string): Promise<ModelVersion> {
    return toModelVersion(await this.getRow(actor, modelId, id));
  }

  /** `stage: 'production'` archives the model's current production version in the same transaction. */
  async update(actor: Actor, modelId: string, id: string, input: UpdateModelVersion): Promise<ModelVersion> {
    await this.getRow(actor, modelId, id);
    const patch: ModelVersionPatch = {};
    if (input.format !== undefined) patch.format = input.format;
    if (input.sizeBytes !== undefined) patch.sizeBytes = input.sizeBytes;
    if (input.checksum !== undefined) patch.checksum = input.checksum;
    if (input.metadata !== undefined) patch.metadata = input.metadata;
    if (input.stage !== undefined) patch.stage = input.stage;
    try {
      if (!(await this.versions.update(actor.tenantId, modelId, id, patch))) throw notFound('model version', id);
    } catch (error) {
      throw translateVersionError(error);
    }
    return this.get(actor, modelId, id);
  }

  /** The files in the object store stay (the bucket's lifecycle rules own them); serving versions cannot go. */
  async delete(actor: Actor, modelId: string, id: string): Promise<void> {
    try {
      if (!(await this.versions.delete(actor.tenantId, modelId, id))) throw notFound('model version', id);
    } catch (error) {
      if (isReferencedRowError(error)) {
        throw conflict('version_in_use', 'Version is being served', {
          detail: 'A serving deployment uses this version; delete it or move it to another version first.',
        });
      }
      throw error;
    }
  }

  /** Files can be added while the version is `none` or `staging`; production and archived weights are frozen. */
  async uploadUrl(actor: Actor, modelId: string, id: string, input: CreateArtifactUploadUrl): Promise<ArtifactUrl> {
    const row = await this.getRow(actor, modelId, id);
    if (row.stage === 'production' || row.stage === 'archived') {
      throw conflict('artifact_frozen', 'Version artifacts are frozen', {
        detail: `The version is in stage '${row.stage}'; its files can no longer change. Create a new version.`,
      });
    }
    return this.artifacts.uploadUrl({ tenantId: actor.tenantId, modelId, version: row.version }, input.path, input.contentType);
  }

  async downloadUrl(actor: Actor, modelId: string, id: string, input: CreateArtifactDownloadUrl): Promise<ArtifactUrl> {
    const row = await this.getRow(actor, modelId, id);
    return this.artifacts.downloadUrl({ tenantId: actor.tenantId, modelId, version: row.version }, input.path);
  }

  private async getModel(actor: Actor, id: string): Promise<ModelRow> {
    const row = await this.models.findById(actor.tenantId, id);
    if (!row) throw notFound('model', id);
    return row;
  }

  private async getRow(actor: Actor, modelId: string, id: string): Promise<ModelVersionRow> {
    const row = await this.versions.findById(actor.tenantId, modelId, id);
    if (!row) throw notFound('model version', id);
    return row;
  }
}
