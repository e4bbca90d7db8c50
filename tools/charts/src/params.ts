/**
 * Bitnami-style values documentation: every value carries a `## @param <path> [modifiers] description`
 * comment in values.yaml (`## @section <title>` groups them). From those comments and the defaults this
 * module derives each chart's values.schema.json (which helm enforces on lint, template, install and
 * upgrade) and the parameter tables of its README. Modifiers, comma-separated inside [ ]:
 * a type list (string, integer, number, boolean, array, object, null) and enum:a|b|c.
 * Nested objects are closed (additionalProperties: false) so a mistyped key fails fast; `global`, maps
 * declared [object], the chart root and values passed to subcharts (their own schemas check them) stay open.
 */
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import { workspaceRoot } from './helm.js';

export interface Param {
  path: string;
  types: string[];
  enum?: string[];
  description: string;
  section: string;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Schema = Record<string, unknown>;

export const chartsRoot = join(workspaceRoot, 'helm-charts');

const PARAM = /^\s*## @param (\S+)(?:\s+\[([^\]]*)\])?\s*(.*)$/;
const SECTION = /^\s*## @section (.*)$/;

export function parseParams(valuesText: string): Param[] {
  const params: Param[] = [];
  let section = '';
  for (const line of valuesText.split('\n')) {
    const sectionMatch = SECTION.exec(line);
    if (sectionMatch) {
      section = sectionMatch[1]!.trim();
      continue;
    }
    const match = PARAM.exec(line);
    if (!match) continue;
    const [, path, modifiers = '', description = ''] = match;
    const param: Param = { path: path!, types: [], description: description.trim(), section };
    for (const modifier of modifiers.split(',').map((m) => m.trim()).filter(Boolean)) {
      if (modifier.startsWith('enum:')) param.enum = modifier.slice(5).split('|');
      else param.types.push(modifier);
    }
    params.push(param);
  }
  return params;
}

const typeOf = (value: Json): string =>
  value === null ? 'null' : Array.isArray(value) ? 'array' : Number.isInteger(value) ? 'integer' : typeof value === 'number' ? 'number' : typeof value;

const lookup = (values: Json, path: string): Json | undefined => {
  let current: Json | undefined = values;
  for (const key of path.split('.')) {
    if (current === null || typeof current !== 'object' || Array.isArray(current)) return undefined;
    current = (current as Record<string, Json>)[key];
  }
  return current;
};

/** Leaf paths of the values: scalars, arrays, and empty objects. */
export function leafPaths(values: Json, prefix = ''): string[] {
  if (values === null || typeof values !== 'object' || Array.isArray(values) || Object.keys(values).length === 0) {
    return prefix ? [prefix] : [];
  }
  return Object.entries(values).flatMap(([key, value]) => leafPaths(value, prefix ? `${prefix}.${key}` : key));
}

/** Problems: params without a value, and values without a param (a documented map covers its keys). */
export function checkParams(values: Json, params: Param[]): string[] {
  const problems: string[] = [];
  const documented = new Set(params.map((p) => p.path));
  for (const param of params) {
    if (lookup(values, param.path) === undefined) problems.push(`@param ${param.path} has no value`);
  }
  for (const leaf of leafPaths(values)) {
    const parts = leaf.split('.');
    const covered = parts.some((_, i) => documented.has(parts.slice(0, i + 1).join('.')));
    if (!covered) problems.push(`${leaf} has no @param`);
  }
  return problems;
}

export function buildSchema(values: Json, params: Param[], openPaths: string[] = []): Schema {
  const byPath = new Map(params.map((p) => [p.path, p]));
  const node = (value: Json, path: string): Schema => {
    const param = byPath.get(path);
    if (param) {
      const types = param.types.filter((t) => t !== 'object' || typeOf(value) === 'object' || param.types.length > 0);
      const schema: Schema = { description: param.description };
      const declared = types.length > 0 ? types : [typeOf(value)];
      schema['type'] = declared.length === 1 ? declared[0] : declared;
      if (param.enum) schema['enum'] = param.enum;
      if (value !== null && !Array.isArray(value) && typeof value === 'object' && Object.keys(value).length > 0) {
        // a documented map with default keys: keep it open
        schema['type'] = 'object';
      }
      return schema;
    }
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const properties: Record<string, Schema> = {};
      for (const [key, child] of Object.entries(value)) properties[key] = node(child, path ? `${path}.${key}` : key);
      const open = ['', 'global', ...openPaths].some((p) => path === p || (p !== '' && path.startsWith(`${p}.`)));
      return { type: 'object', properties, ...(open ? {} : { additionalProperties: false }) };
    }
    return { type: typeOf(value) };
  };
  return { $schema: 'http://json-schema.org/draft-07/schema#', title: 'values', ...node(values, '') };
}

const formatDefault = (value: Json | undefined): string => {
  const text = value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  const cell = text.length > 60 ? `${text.slice(0, 57)}...` : text;
  return `\`${cell.replaceAll('|', '\\|')}\``;
};

export function parametersMarkdown(values: Json, params: Param[]): string {
  const lines: string[] = [];
  let section: string | undefined;
  for (const param of params) {
    if (param.section !== section) {
      section = param.section;
      lines.push('', `### ${section || 'Parameters'}`, '', '| Name | Description | Default |', '| --- | --- | --- |');
    }
    lines.push(`| \`${param.path}\` | ${param.description.replaceAll('|', '\\|')} | ${formatDefault(lookup(values, param.path))} |`);
  }
  return lines.join('\n').trim();
}

const START = '<!-- @parameters:start (generated by `nx run charts:docs` from the ## @param comments) -->';
const END = '<!-- @parameters:end -->';

/** Every chart directory that has a values.yaml (library charts have none). */
export async function chartDirs(): Promise<string[]> {
  const found: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true });
    if (entries.some((e) => e.name === 'Chart.yaml')) found.push(dir);
    for (const entry of entries) {
      if (entry.isDirectory() && !['templates', 'files', 'dashboards', 'node_modules'].includes(entry.name)) await walk(join(dir, entry.name));
    }
  };
  await walk(chartsRoot);
  return found.sort();
}

export interface ChartDocs {
  dir: string;
  schema: string;
  readme: string | undefined;
  problems: string[];
}

/** The generated files of one chart, as they should be on disk. */
export async function chartDocs(dir: string): Promise<ChartDocs | undefined> {
  const valuesText = await readFile(join(dir, 'values.yaml'), 'utf8').catch(() => undefined);
  if (valuesText === undefined) return undefined;
  const values = (parse(valuesText) ?? {}) as Json;
  const params = parseParams(valuesText);
  // values passed through to subcharts are validated by the subchart's own schema
  const chart = parse(await readFile(join(dir, 'Chart.yaml'), 'utf8')) as { dependencies?: { name: string; alias?: string }[] };
  const passthrough = (chart.dependencies ?? []).map((d) => d.alias ?? d.name);
  const schema = `${JSON.stringify(buildSchema(values, params, passthrough), null, 2)}\n`;
  const readmeText = await readFile(join(dir, 'README.md'), 'utf8').catch(() => undefined);
  let readme: string | undefined;
  if (readmeText !== undefined) {
    const start = readmeText.indexOf(START);
    const end = readmeText.indexOf(END);
    const table = `${START}\n\n${parametersMarkdown(values, params)}\n\n${END}`;
    readme = start >= 0 && end > start ? `${readmeText.slice(0, start)}${table}${readmeText.slice(end + END.length)}` : `${readmeText.trimEnd()}\n\n## Parameters\n\n${table}\n`;
  }
  return { dir, schema, readme, problems: checkParams(values, params) };
}

export async function writeChartDocs(): Promise<string[]> {
  const report: string[] = [];
  for (const dir of await chartDirs()) {
    const docs = await chartDocs(dir);
    if (!docs) continue;
    await writeFile(join(dir, 'values.schema.json'), docs.schema);
    if (docs.readme !== undefined) await writeFile(join(dir, 'README.md'), docs.readme);
    report.push(`${relative(workspaceRoot, dir)}: schema and parameters written${docs.problems.length ? `; ${docs.problems.join('; ')}` : ''}`);
  }
  return report;
}
