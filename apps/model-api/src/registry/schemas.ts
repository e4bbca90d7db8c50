import { Description, Id, Nullable, PageQueryProperties, PageSchema, ResourceName, Timestamp, Type, type Static } from '@one-data/service-kit';
import { MODEL_TASKS, VERSION_STAGES } from '../db/schema.js';


const Tag = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9_.:-]*$' });
const Tags = Type.Array(Tag, { maxItems: 32, uniqueItems: true });

const Task = Type.Union(
  [Type.Literal(MODEL_TASKS[0]), Type.Literal(MODEL_TASKS[1]), Type.Literal(MODEL_TASKS[2]), Type.Literal(MODEL_TASKS[3])],
  { description: 'What the model does, i.e. which `/v1` endpoint serves it: chat, completion, embedding or rerank' },
);
const Stage = Type.Union(
  [
    Type.Literal(VERSION_STAGES[0]),
    Type.Literal(VERSION_STAGES[1]),
    Type.Literal(VERSION_STAGES[2]),
    Type.Literal(VERSION_STAGES[3]),
  ],
  {
    description:
      'none | staging | production | archived. At most one version of a model is in production: ' +
      'moving one there archives the previous one in the same transaction.',
  },
);
const VersionName = Type.String({
  minLength: 1,
  maxLength: 64,
  pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]*$',
  description: 'e.g. `1`, `2024-06-01`, `v1.2.0`; unique per model, part of the artifact location',
});
const Format = Type.String({
  minLength: 1,
  maxLength: 32,
  pattern: '^[a-z0-9][a-z0-9_.-]*$',
  description: 'Weights format, e.g. safetensors, pytorch, gguf, onnx',
});
const SizeBytes = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER });
const Checksum = Type.String({
  maxLength: 128,
  pattern: '^[a-z0-9-]+:[A-Za-z0-9+/=_-]+$',
  description: '`<algorithm>:<digest>`, e.g. sha256:9f86d08…',
});
const Metadata = Type.Record(Type.String(), Type.Unknown(), {
  maxProperties: 200,
  description: 'Free-form JSON object: hyperparameters, metrics, lineage, …',
});

export const ModelParamsSchema = Type.Object({ id: Id });
export const ModelVersionParamsSchema = Type.Object({ id: Id, versionId: Id });

export const ModelSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    task: Task,
    description: Type.Union([Type.String(), Type.Null()]),
    tags: Tags,
    createdBy: Type.String(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'Model' },
);

export const CreateModelSchema = Type.Object(
  { name: ResourceName, task: Task, description: Type.Optional(Description), tags: Type.Optional(Tags) },
  { additionalProperties: false },
);

export const UpdateModelSchema = Type.Object(
  {
    name: Type.Optional(ResourceName),
    task: Type.Optional(Task),
    description: Type.Optional(Nullable(Description)),
    tags: Type.Optional(Tags),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const ListModelsQuerySchema = Type.Object(
  {
    ...PageQueryProperties,
    task: Type.Optional(Task),
    tag: Type.Optional(Tag),
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 128, description: 'Text the name contains' })),
  },
  { additionalProperties: false },
);

export const ModelPageSchema = PageSchema(ModelSchema);

export const ModelVersionSchema = Type.Object(
  {
    id: Type.String(),
    modelId: Type.String(),
    version: Type.String(),
    artifactUri: Type.String({ description: '`s3://<bucket>/<tenant>/<model id>/<version>/`: the prefix holding the files' }),
    format: Type.String(),
    sizeBytes: Type.Union([SizeBytes, Type.Null()]),
    checksum: Type.Union([Type.String(), Type.Null()]),
    metadata: Metadata,
    stage: Stage,
    createdBy: Type.String(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'ModelVersion' },
);

export const CreateModelVersionSchema = Type.Object(
  {
    version: VersionName,
    format: Type.Optional(Format),
    sizeBytes: Type.Optional(SizeBytes),
    checksum: Type.Optional(Checksum),
    metadata: Type.Optional(Metadata),
    stage: Type.Optional(Stage),
  },
  { additionalProperties: false },
);

export const UpdateModelVersionSchema = Type.Object(
  {
    format: Type.Optional(Format),
    sizeBytes: Type.Optional(Nullable(SizeBytes)),
    checksum: Type.Optional(Nullable(Checksum)),
    metadata: Type.Optional(Metadata),
    stage: Type.Optional(Stage),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const ListModelVersionsQuerySchema = Type.Object(
  { ...PageQueryProperties, stage: Type.Optional(Stage) },
  { additionalProperties: false },
);

export const ModelVersionPageSchema = PageSchema(ModelVersionSchema);

const ArtifactPath = Type.String({
  minLength: 1,
  maxLength: 512,
  pattern: '^[A-Za-z0-9_.@=+~-]+(/[A-Za-z0-9_.@=+~-]+)*$',
  description: 'File path inside the version, e.g. `config.json` or `1_Pooling/config.json`',
});

export const CreateArtifactUploadUrlSchema = Type.Object(
  {
    path: ArtifactPath,
    contentType: Type.Optional(
      Type.String({
        minLength: 3,
        maxLength: 255,
        pattern: '^[A-Za-z0-9!#$&^_.+-]+/[A-Za-z0-9!#$&^_.+-]+( *;.*)?$',
        description: 'When given, the upload must send exactly this Content-Type',
      }),
    ),
  },
  { additionalProperties: false },
);

export const CreateArtifactDownloadUrlSchema = Type.Object({ path: ArtifactPath }, { additionalProperties: false });

export const ArtifactUrlSchema = Type.Object(
  {
    method: Type.Union([Type.Literal('PUT'), Type.Literal('GET')]),
    url: Type.String({ description: 'Presigned URL; send the request straight to it, without an Authorization header' }),
    headers: Type.Record(Type.String(), Type.String(), { description: 'Headers to send exactly as given' }),
    expiresAt: Timestamp,
    artifactUri: Type.String({ description: 'Where the file lives, e.g. s3://models/<tenant>/<model id>/<version>/config.json' }),
    sizeBytes: Type.Optional(SizeBytes),
  },
  { $id: 'ArtifactUrl' },
);

export type Model = Static<typeof ModelSchema>;
export type CreateModel = Static<typeof CreateModelSchema>;
export type UpdateModel = Static<typeof UpdateModelSchema>;
export type ListModelsQuery = Static<typeof ListModelsQuerySchema>;
export type ModelVersion = Static<typeof ModelVersionSchema>;
export type CreateModelVersion = Static<typeof CreateModelVersionSchema>;
export type UpdateModelVersion = Static<typeof UpdateModelVersionSchema>;
export type ListModelVersionsQuery = Static<typeof ListModelVersionsQuerySchema>;
export type CreateArtifactUploadUrl = Static<typeof CreateArtifactUploadUrlSchema>;
export type CreateArtifactDownloadUrl = Static<typeof CreateArtifactDownloadUrlSchema>;
export type ArtifactUrl = Static<typeof ArtifactUrlSchema>;
