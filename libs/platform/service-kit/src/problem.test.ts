import { errorCodes, type FastifyError } from 'fastify';
import { describe, expect, it } from 'vitest';
import { ProblemError } from '@one-data/errors';
import { toProblem } from './problem.js';

type Input = Parameters<typeof toProblem>[0];

describe('toProblem', () => {
  it('passes a ProblemError through unchanged', () => {
    const error = new ProblemError(409, 'name_taken', 'Name taken', { detail: 'd', headers: { 'retry-after': '1' } });
    expect(toProblem(error as unknown as Input)).toBe(error);
  });

  it('turns Ajv validation errors into JSON pointers with readable messages', () => {
    const error = Object.assign(new Error('body/name must be string'), {
      validationContext: 'body',
      validation: [
        { instancePath: '', keyword: 'required', params: { missingProperty: 'name' }, message: "must have required property 'name'" },
        { instancePath: '/credentials', keyword: 'additionalProperties', params: { additionalProperty: 'pin' }, message: 'x' },
        { instancePath: '/type', keyword: 'enum', params: { allowedValues: ['mysql', 's3'] }, message: 'must be equal to one of the allowed values' },
        { instancePath: '/port', keyword: 'type', params: { type: 'integer' }, message: 'must be integer' },
      ],
    }) as unknown as Input;
    const problem = toProblem(error);
    expect(problem.status).toBe(400);
    expect(problem.code).toBe('validation_failed');
    expect(problem.errors).toEqual([
      { path: '/body/name', message: 'is required' },
      { path: '/body/credentials/pin', message: 'is not an allowed property' },
      { path: '/body/type', message: 'must be one of: mysql, s3' },
      { path: '/body/port', message: 'must be integer' },
    ]);
    expect(problem.detail).toBe(
      '/body/name is required; /body/credentials/pin is not an allowed property; /body/type must be one of: mysql, s3; /body/port must be integer',
    );
  });

  it('uses the validation context for query strings and params', () => {
    const error = Object.assign(new Error('x'), {
      validationContext: 'querystring',
      validation: [{ instancePath: '/limit', keyword: 'maximum', params: { limit: 200 }, message: 'must be <= 200' }],
    }) as unknown as Input;
    expect(toProblem(error).errors).toEqual([{ path: '/querystring/limit', message: 'must be <= 200' }]);
  });

  it.each([
    [new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE(), 413, 'payload_too_large'],
    [new errorCodes.FST_ERR_CTP_INVALID_MEDIA_TYPE('text/plain'), 415, 'unsupported_media_type'],
    [new errorCodes.FST_ERR_CTP_EMPTY_JSON_BODY(), 400, 'malformed_body'],
    [new errorCodes.FST_ERR_CTP_INVALID_CONTENT_LENGTH(), 400, 'malformed_body'],
    [new SyntaxError('Unexpected token } in JSON'), 400, 'malformed_body'],
  ])('maps framework error %s to %i %s', (error, status, code) => {
    const problem = toProblem(error as Input);
    expect(problem.status).toBe(status);
    expect(problem.code).toBe(code);
  });

  it('keeps other 4xx framework errors as they are, with a lower-case code', () => {
    const error = Object.assign(new Error('Request timeout'), { code: 'FST_ERR_REQUEST_TIMEOUT', statusCode: 408 }) as FastifyError;
    expect(toProblem(error)).toMatchObject({ status: 408, code: 'fst_err_request_timeout', message: 'Request timeout' });
  });

  it('answers a dependency outage (also wrapped, as drizzle does) with 503 and Retry-After', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:3306 root:pw'), { code: 'ECONNREFUSED', errno: -111 });
    for (const error of [refused, new Error('Failed query: select ...', { cause: refused })]) {
      const problem = toProblem(error as Input);
      expect(problem.status).toBe(503);
      expect(problem.code).toBe('dependency_unavailable');
      expect(problem.headers['retry-after']).toBe('5');
      expect(`${problem.message} ${problem.detail}`).not.toMatch(/10\.0\.0\.5|pw/);
    }
  });

  it('hides anything else behind a 500 internal_error', () => {
    for (const error of [
      new TypeError("Cannot read properties of undefined (reading 'tenantId') at /srv/secret-path"),
      Object.assign(new Error('upstream said 502: token abc'), { statusCode: 502 }),
      Object.assign(new Error('duplicate'), { code: 'ER_DUP_ENTRY', errno: 1062 }),
    ]) {
      const problem = toProblem(error as Input);
      expect(problem.status).toBe(500);
      expect(problem.code).toBe('internal_error');
      expect(`${problem.message} ${problem.detail}`).not.toMatch(/tenantId|secret-path|token abc|duplicate/);
    }
  });
});
