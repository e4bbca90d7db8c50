/**
 * Renders every chart with every values file through a real helm binary. The charts are copied to a
 * temporary workspace per helm version (dependency builds write charts/*.tgz and Chart.lock, and two
 * helm versions must not race on them), dependencies are built leaf-first, then lint and template run.
 */
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { helmEnv, type HelmMajor } from './helm.js';
import { chartsRoot } from './params.js';

const run = promisify(execFile);

/** The application charts (seed §4.1), in dependency order: leaves first, the umbrella last. */
export const CHARTS = ['data', 'model-studio', 'agent', 'monitoring', 'infrastructure', 'one-data'] as const;
export type ChartName = (typeof CHARTS)[number];
export const VALUES_FILES = ['values.yaml', 'values-dev.yaml', 'values-prod.yaml'] as const;
export type ValuesFile = (typeof VALUES_FILES)[number];

/** Release name and namespace each chart is installed with (seed §4.3). */
export const RELEASES: Record<ChartName, { release: string; namespace: string }> = {
  data: { release: 'data', namespace: 'one-data-data' },
  'model-studio': { release: 'model', namespace: 'one-data-model' },
  agent: { release: 'agent', namespace: 'one-data-agent' },
  monitoring: { release: 'monitoring', namespace: 'one-data-system' },
  infrastructure: { release: 'infrastructure', namespace: 'one-data-infra' },
  'one-data': { release: 'one-data', namespace: 'one-data-system' },
};

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Record<string, unknown> & { [key: string]: unknown };
  [key: string]: unknown;
}

export interface Rendered {
  chart: ChartName;
  values: ValuesFile;
  helm: HelmMajor;
  objects: K8sObject[];
}

export async function helm(binary: string, args: string[], cwd: string): Promise<{ stdout: string; stderr: string }> {
  try {
    return await run(binary, args, { cwd, env: helmEnv(), maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`helm ${args.join(' ')} failed:\n${e.stderr ?? ''}${e.stdout ?? ''}`.trim());
  }
}

/** A copy of helm-charts/ with every dependency built; returns its path. */
export async function prepareCharts(binary: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'one-data-charts-'));
  await cp(chartsRoot, dir, { recursive: true, filter: (src) => !src.endsWith('.tgz') && !src.endsWith('Chart.lock') });
  const subcharts = (await readdir(join(dir, 'infrastructure', 'charts'))).map((name) => join('infrastructure', 'charts', name));
  const layers = subcharts.concat(CHARTS.slice());
  // leaves (no chart dependencies besides common) can build in parallel; then infrastructure, then the umbrella
  const leaves = layers.filter((chart) => chart !== 'infrastructure' && chart !== 'one-data');
  await Promise.all(leaves.map((chart) => helm(binary, ['dependency', 'update', '--skip-refresh', chart], dir)));
  await helm(binary, ['dependency', 'update', '--skip-refresh', 'infrastructure'], dir);
  await helm(binary, ['dependency', 'update', '--skip-refresh', 'one-data'], dir);
  return dir;
}

export async function removeCharts(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

const valuesArgs = async (dir: string, chart: ChartName, values: ValuesFile): Promise<string[]> => {
  if (values === 'values.yaml') return [];
  const file = join(dir, chart, values);
  await stat(file);
  return ['-f', file];
};

export async function lintChart(binary: string, dir: string, chart: ChartName, values: ValuesFile): Promise<string> {
  const { stdout, stderr } = await helm(binary, ['lint', '--strict', '--with-subcharts', chart, ...(await valuesArgs(dir, chart, values))], dir);
  return stdout + stderr;
}

export async function templateChart(binary: string, dir: string, chart: ChartName, values: ValuesFile, extra: string[] = []): Promise<K8sObject[]> {
  const { release, namespace } = RELEASES[chart];
  const { stdout } = await helm(
    binary,
    ['template', release, chart, '--namespace', namespace, '--kube-version', '1.30.0', ...(await valuesArgs(dir, chart, values)), ...extra],
    dir,
  );
  return parseManifests(stdout);
}

export function parseManifests(text: string): K8sObject[] {
  const objects: K8sObject[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) throw new Error(`rendered YAML does not parse: ${doc.errors.map((e) => e.message).join('; ')}`);
    const value = doc.toJS() as K8sObject | null;
    if (value) objects.push(value);
  }
  return objects;
}

/** Runs tasks with at most `limit` at once (2 cores: helm is CPU-bound). */
export async function pool<T, R>(items: T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
