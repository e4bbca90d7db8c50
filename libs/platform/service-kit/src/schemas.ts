import { Type, type TSchema } from 'typebox';

/** Names people give resources: unique per tenant, safe in URLs, labels and file paths. */
export const ResourceName = Type.String({
  minLength: 1,
  maxLength: 128,
  pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]*$',
  description: 'Letters, digits, `_`, `.` and `-`, starting with a letter or digit; unique per tenant',
});

export const Description = Type.String({ maxLength: 4000 });

export const Timestamp = Type.String({ format: 'date-time' });

/** An opaque resource id in a path. */
export const Id = Type.String({ minLength: 1, maxLength: 40 });

export const IdParamsSchema = Type.Object({ id: Id });

/** `X | null`; in a PATCH body, null clears the field (bodies are not type-coerced, so null stays null). */
export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
