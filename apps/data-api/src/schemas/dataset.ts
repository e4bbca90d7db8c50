import { Description, PageQueryProperties, PageSchema, ResourceName, type Static, Timestamp, Type } from '@one-data/service-kit';


const Tag = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9_.:-]*$' });
const Tags = Type.Array(Tag, { maxItems: 32, uniqueItems: true });

export const ColumnSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 128 }),
    type: Type.String({ minLength: 1, maxLength: 64, description: 'Source type name, e.g. varchar(255), int64' }),
    nullable: Type.Optional(Type.Boolean()),
    description: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { additionalProperties: false },
);
const Columns = Type.Array(ColumnSchema, { maxItems: 2000 });

/** MySQL sources take `table`; S3 sources take `prefix` and `format`. */
export const LocationSchema = Type.Object(
  {
    table: Type.Optional(Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_$]+$' })),
    prefix: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
    format: Type.Optional(
      Type.Union([Type.Literal('csv'), Type.Literal('jsonl'), Type.Literal('json'), Type.Literal('parquet')]),
    ),
  },
  { additionalProperties: false, description: 'mysql sources: {table}; s3 sources: {prefix, format}' },
);

export const DatasetSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    description: Type.Union([Type.String(), Type.Null()]),
    dataSourceId: Type.String(),
    location: LocationSchema,
    tags: Tags,
    owner: Type.String(),
    columns: Columns,
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'Dataset' },
);

export const CreateDatasetSchema = Type.Object(
  {
    name: ResourceName,
    description: Type.Optional(Description),
    dataSourceId: Type.String({ minLength: 1, maxLength: 40 }),
    location: LocationSchema,
    tags: Type.Optional(Tags),
    owner: Type.Optional(Type.String({ minLength: 1, maxLength: 128, description: 'Defaults to the caller' })),
    columns: Type.Optional(Columns),
  },
  { additionalProperties: false },
);

export const UpdateDatasetSchema = Type.Object(
  {
    name: Type.Optional(ResourceName),
    description: Type.Optional(Type.Union([Description, Type.Null()])),
    dataSourceId: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
    location: Type.Optional(LocationSchema),
    tags: Type.Optional(Tags),
    owner: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    columns: Type.Optional(Columns),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const ListDatasetsQuerySchema = Type.Object(
  {
    ...PageQueryProperties,
    tag: Type.Optional(Tag),
    dataSourceId: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 128, description: 'Text the name contains' })),
  },
  { additionalProperties: false },
);

export const DatasetPageSchema = PageSchema(DatasetSchema);

export type Dataset = Static<typeof DatasetSchema>;
export type CreateDataset = Static<typeof CreateDatasetSchema>;
export type UpdateDataset = Static<typeof UpdateDatasetSchema>;
export type ListDatasetsQuery = Static<typeof ListDatasetsQuerySchema>;
export type Location = Static<typeof LocationSchema>;
