import { describe, expect, it } from 'vitest';
import { ProblemError } from '@one-data/errors';
import { decodeCursor, encodeCursor, toPage } from './pagination.js';

const SHAPE = { createdAt: 'number', id: 'string' } as const;

function rejection(run: () => unknown): ProblemError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ProblemError);
    return error as ProblemError;
  }
  throw new Error('expected a ProblemError');
}

describe('cursors', () => {
  it('round-trip the sort key as an opaque, URL-safe string', () => {
    const key = { createdAt: 1_700_000_000_123, id: 'ds_ü/+?&=' };
    const cursor = encodeCursor(key);
    expect(cursor).toMatch(/^[\w-]+$/);
    expect(cursor).not.toContain('ds_');
    expect(decodeCursor(cursor, SHAPE)).toEqual(key);
  });

  it.each([
    ['not base64 JSON', 'definitely-not-a-cursor'],
    ['empty', ''],
    ['JSON null', Buffer.from('null').toString('base64url')],
    ['JSON number', Buffer.from('42').toString('base64url')],
    ['a missing field', encodeCursor({ id: 'ds_1' })],
    ['a field of the wrong type', encodeCursor({ createdAt: '1700000000', id: 'ds_1' })],
    ['a truncated cursor', encodeCursor({ createdAt: 1, id: 'ds_1' }).slice(0, -3)],
  ])('rejects %s with 400 invalid_cursor', (_label, cursor) => {
    const error = rejection(() => decodeCursor(cursor, SHAPE));
    expect(error.status).toBe(400);
    expect(error.code).toBe('invalid_cursor');
    expect(error.errors).toEqual([{ path: '/querystring/cursor', message: 'is not a valid cursor' }]);
  });

  it('rejects a cursor whose sort key was edited by hand', () => {
    const original = encodeCursor({ createdAt: 5, id: 'ds_1' });
    const tampered = Buffer.from(Buffer.from(original, 'base64url').toString().replace('5', '"5; DROP"')).toString('base64url');
    expect(rejection(() => decodeCursor(tampered, SHAPE)).code).toBe('invalid_cursor');
  });
});

describe('toPage', () => {
  const rows = [1, 2, 3, 4, 5].map((n) => ({ id: `r${n}`, n }));
  const key = (row: { id: string; n: number }) => ({ n: row.n, id: row.id });

  it('returns limit items and a cursor after the last one when the extra row exists', () => {
    const page = toPage(rows.slice(0, 3), 2, key, (row) => row.id);
    expect(page.items).toEqual(['r1', 'r2']);
    expect(decodeCursor(page.nextCursor ?? '', { n: 'number', id: 'string' })).toEqual({ n: 2, id: 'r2' });
  });

  it('has no cursor on the last page', () => {
    expect(toPage(rows.slice(0, 2), 2, key, (row) => row.id)).toEqual({ items: ['r1', 'r2'] });
    expect(toPage([], 10, key, (row) => row.id)).toEqual({ items: [] });
  });
});
