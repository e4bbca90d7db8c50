// Every value is documented with ## @param, and values.schema.json / README tables are regenerated from them.
import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chartDirs, chartDocs } from '../src/params.js';
import { workspaceRoot } from '../src/helm.js';

const dirs = (await chartDirs()).filter((dir) => !dir.endsWith('common'));

describe.each(dirs.map((dir) => ({ dir, name: relative(workspaceRoot, dir) })))('$name', ({ dir }) => {
  it('documents every value and has an up-to-date values.schema.json and README (nx run charts:docs)', async () => {
    const docs = (await chartDocs(dir))!;
    expect(docs.problems).toEqual([]);
    expect(await readFile(join(dir, 'values.schema.json'), 'utf8')).toBe(docs.schema);
    if (docs.readme !== undefined) expect(await readFile(join(dir, 'README.md'), 'utf8')).toBe(docs.readme);
  });
});
