import { Type } from '@one-data/service-kit';

export const ResourceName = Type.String({
  minLength: 1,
  maxLength: 128,
  pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]*$',
  description: 'Letters, digits, `_`, `.` and `-`, starting with a letter or digit; unique per tenant',
});

export const Description = Type.String({ maxLength: 4000 });

export const IdParamsSchema = Type.Object({ id: Type.String({ minLength: 1, maxLength: 40 }) });

export const Timestamp = Type.String({ format: 'date-time' });
