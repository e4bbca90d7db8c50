import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifySchema, FastifySchemaCompiler } from 'fastify';

// ajv-formats is CommonJS with a default export; under NodeNext its callable sits on `.default`.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

const buildAjv = (coerceTypes: false | 'array'): Ajv =>
  addFormats(new Ajv({ coerceTypes, useDefaults: true, removeAdditional: false, allErrors: true, strict: false }));

/**
 * Query strings, path parameters and headers arrive as text and are coerced to the schema's types
 * (`?limit=5` → 5). JSON bodies already carry types and are not: coercion would turn a `null` sent
 * for a nullable field into `""` or `0` before the null branch is tried.
 */
export function validatorCompiler(): FastifySchemaCompiler<FastifySchema> {
  const bodies = buildAjv(false);
  const text = buildAjv('array');
  const compiled = new WeakMap<object, ValidateFunction>();
  return ({ schema, httpPart }) => {
    const cached = compiled.get(schema as object);
    if (cached) return cached;
    const validate = (httpPart === 'body' ? bodies : text).compile(schema as object);
    compiled.set(schema as object, validate);
    return validate;
  };
}
