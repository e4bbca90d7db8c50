import { describe, expect, it } from 'vitest';
import { ProblemError, isProblemError, notFound } from './index.js';

describe('ProblemError', () => {
  it('carries status, code and detail', () => {
    const error = notFound('dataset', 'ds_1');
    expect(isProblemError(error)).toBe(true);
    expect(error.status).toBe(404);
    expect(error.code).toBe('not_found');
    expect(error.message).toBe('dataset not found');
    expect(error.detail).toContain("'ds_1'");
  });

  it('keeps headers and field errors', () => {
    const error = new ProblemError(400, 'validation_failed', 'Invalid request', {
      errors: [{ path: '/body/name', message: 'must be a string' }],
      headers: { 'retry-after': '1' },
    });
    expect(error.errors).toEqual([{ path: '/body/name', message: 'must be a string' }]);
    expect(error.headers['retry-after']).toBe('1');
    expect(isProblemError(new Error('x'))).toBe(false);
  });
});
