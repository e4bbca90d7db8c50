import { describe, expect, it } from 'vitest';
import { Type } from 'typebox';
import { ProblemError } from '@one-data/errors';
import { assertValid } from './validation.js';

const MysqlConfig = Type.Object(
  {
    host: Type.String({ minLength: 1 }),
    port: Type.Integer({ minimum: 1, maximum: 65535, default: 3306 }),
    options: Type.Object({ ssl: Type.Boolean({ default: true }) }, { default: {} }),
  },
  { additionalProperties: false },
);

function problem(value: unknown): ProblemError {
  try {
    assertValid(MysqlConfig, value, '/body/config');
  } catch (error) {
    expect(error).toBeInstanceOf(ProblemError);
    return error as ProblemError;
  }
  throw new Error('assertValid accepted an invalid value');
}

describe('assertValid', () => {
  it('returns the value with defaults applied, leaving the input untouched', () => {
    const input = { host: 'db.internal' };
    expect(assertValid(MysqlConfig, input, '/body/config')).toEqual({ host: 'db.internal', port: 3306, options: { ssl: true } });
    expect(input).toEqual({ host: 'db.internal' });
    expect(assertValid(MysqlConfig, { host: 'h', port: 3307, options: { ssl: false } }, '/body/config')).toEqual({
      host: 'h',
      port: 3307,
      options: { ssl: false },
    });
  });

  it('fails with 400 validation_failed and one field error per problem, as JSON pointers under the given prefix', () => {
    const error = problem({ port: 0, options: { ssl: 'yes' }, password: 'x' });
    expect(error.status).toBe(400);
    expect(error.code).toBe('validation_failed');
    const paths = (error.errors ?? []).map((field) => field.path).sort();
    expect(paths).toEqual(['/body/config/host', '/body/config/options/ssl', '/body/config/password', '/body/config/port']);
    expect(error.errors).toContainEqual({ path: '/body/config/host', message: 'is required' });
    expect(error.errors).toContainEqual({ path: '/body/config/password', message: 'is not an allowed property' });
    for (const field of error.errors ?? []) expect(error.detail).toContain(`${field.path} ${field.message}`);
  });

  it('reports a wrong top-level type at the prefix itself', () => {
    const error = problem('mysql://db');
    expect(error.errors?.[0]?.path).toBe('/body/config');
  });
});
