import { Type } from 'typebox';
import { ProblemError } from '@one-data/errors';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

export const PageQueryProperties = {
  limit: Type.Integer({ minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE, description: 'Page size' }),
  cursor: Type.Optional(
    Type.String({ maxLength: 512, description: 'Opaque cursor from the previous page’s `nextCursor`' }),
  ),
};

/** A page of items; `nextCursor` is absent on the last page. */
export const PageSchema = <T extends Parameters<typeof Type.Array>[0]>(item: T) =>
  Type.Object({
    items: Type.Array(item),
    nextCursor: Type.Optional(Type.String()),
  });

/**
 * Cursors are opaque to clients: base64url JSON of the last row's sort key. Decoding validates the
 * shape so a tampered cursor is a 400, never a 500.
 */
export const encodeCursor = (key: Record<string, string | number>): string =>
  Buffer.from(JSON.stringify(key)).toString('base64url');

export function decodeCursor<K extends Record<string, 'string' | 'number'>>(
  cursor: string,
  shape: K,
): { [P in keyof K]: K[P] extends 'number' ? number : string } {
  const invalid = () =>
    new ProblemError(400, 'invalid_cursor', 'Invalid cursor', {
      detail: 'The cursor is not one this API returned. Start again without a cursor.',
      errors: [{ path: '/querystring/cursor', message: 'is not a valid cursor' }],
    });
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (typeof parsed !== 'object' || parsed === null) throw invalid();
  const record = parsed as Record<string, unknown>;
  for (const [name, type] of Object.entries(shape)) {
    if (typeof record[name] !== type) throw invalid();
  }
  return record as { [P in keyof K]: K[P] extends 'number' ? number : string };
}


/**
 * Builds a page from rows fetched with `limit + 1`: the extra row only tells that another page
 * exists, and the cursor points after the last row returned.
 */
export function toPage<Row, Item>(
  rows: Row[],
  limit: number,
  cursorKey: (row: Row) => Record<string, string | number>,
  toItem: (row: Row) => Item,
): { items: Item[]; nextCursor?: string } {
  const pageRows = rows.slice(0, limit);
  const last = pageRows.at(-1);
  return {
    items: pageRows.map(toItem),
    ...(rows.length > limit && last !== undefined ? { nextCursor: encodeCursor(cursorKey(last)) } : {}),
  };
}
