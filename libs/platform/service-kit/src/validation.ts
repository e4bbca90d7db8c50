import type { Static, TSchema } from 'typebox';
import { Value } from 'typebox/value';
import { ProblemError, type FieldError } from '@one-data/errors';

/**
 * Validates a value against a schema inside a handler, for checks the route schema cannot express
 * (a body part whose shape depends on another field). Applies defaults; fails with the same 400
 * `validation_failed` problem, with field paths under `pointer`, as route validation does.
 */
export function assertValid<S extends TSchema>(schema: S, value: unknown, pointer: string): Static<S> {
  const withDefaults = Value.Default(schema, Value.Clone(value));
  const errors: FieldError[] = [];
  for (const error of Value.Errors(schema, withDefaults)) {
    // `additionalProperties: false` is also reported per property as a 'schema is false' error.
    if (error.keyword === 'boolean') continue;
    if (error.keyword === 'required') {
      const missing = (error.params as { requiredProperties?: string[] }).requiredProperties ?? [];
      for (const name of missing) errors.push({ path: `${pointer}${error.instancePath}/${name}`, message: 'is required' });
    } else if (error.keyword === 'additionalProperties') {
      const extra = (error.params as { additionalProperties?: string[] }).additionalProperties ?? [];
      for (const name of extra) {
        errors.push({ path: `${pointer}${error.instancePath}/${name}`, message: 'is not an allowed property' });
      }
    } else {
      errors.push({ path: `${pointer}${error.instancePath}`, message: error.message });
    }
  }
  if (errors.length > 0) {
    throw new ProblemError(400, 'validation_failed', 'The request is invalid', {
      detail: errors.map((field) => `${field.path} ${field.message}`).join('; '),
      errors,
    });
  }
  return withDefaults as Static<S>;
}
