/**
 * CONTAINER-LIKE SMOKE TEST (about 50 s per app; needs MariaDB/MySQL on 127.0.0.1:3306 as root without
 * password, Redis on 127.0.0.1:6379, and the npm registry or cache). Every app in apps/ with a build
 * target is an image: docker/Dockerfile's own instructions build it without Docker (src/dockerfile.ts:
 * the .dockerignore'd context, `npm ci`, `nx build`, the runtime stage's `npm ci --omit=dev`). Then,
 * with the image's ENV and the settings the charts give it, against a throwaway database: the
 * migration command, the image's CMD, /health 200, /ready (every dependency) 200, and its HEALTHCHECK.
 * Then the monitoring chart's Grafana dashboards must query only series those processes publish.
 * Skipped with CHARTS_SKIP_SMOKE=1.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '@one-data/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildableApps } from '../src/apps.js';
import { exposedSeries, metricsOf, provisionedDashboards } from '../src/dashboards.js';
import { buildWithoutDocker, LayerCache, type BuiltImage } from '../src/dockerfile.js';
import { ensureHelm, workspaceRoot } from '../src/helm.js';
import { prepareCharts, removeCharts, templateChart } from '../src/render.js';

const run = promisify(execFile);

// a new service is smoke-tested as soon as it has a build target
const APPS = await buildableApps();
const database = (app: string): string => `charts_smoke_${app.replaceAll('-', '_')}_${process.pid}`;

const sql = async (statement: string): Promise<void> => {
  // mysql2 from the workspace: no client binary needed
  const { createConnection } = await import('mysql2/promise');
  const connection = await createConnection({ host: '127.0.0.1', port: 3306, user: 'root' });
  try {
    await connection.query(statement);
  } finally {
    await connection.end();
  }
};

/** The production settings the chart's ConfigMaps and Secrets give each service (see helm-charts/). */
const appEnv = (app: string, port: number): Record<string, string> => {
  const common = {
    NODE_ENV: 'production',
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    AUTH_MODE: 'jwks',
    // never fetched: /health and /ready verify no token
    AUTH_JWKS_URL: 'http://127.0.0.1:9/realms/one-data/protocol/openid-connect/certs',
    AUTH_ISSUER: 'https://one-data.example.com/auth/realms/one-data',
    AUTH_AUDIENCE: 'one-data-api',
    DATABASE_URL: `mysql://root@127.0.0.1:3306/${database(app)}`,
    SHUTDOWN_DELAY_MS: '0',
  };
  switch (app) {
    case 'data-api':
      return { ...common, CREDENTIALS_KEYS: `k1:${randomBytes(32).toString('base64')}`, CREDENTIALS_ACTIVE_KEY_ID: 'k1' };
    case 'model-api':
      // KUBERNETES_MODE stays off (no cluster; @kubernetes/client-node is then never loaded)
      return { ...common, REDIS_URL: 'redis://127.0.0.1:6379', REDIS_KEY_PREFIX: `charts-smoke-${process.pid}:` };
    default:
      throw new Error(`${app} has a build target but no production settings here: add them to appEnv in tools/charts/test/smoke.test.ts`);
  }
};

/**
 * Dashboard series no app in apps/ publishes: vLLM's own, and those of services that are not built yet
 * (data-etl, model-scheduler, agent-knowledgebase). The dashboard test fails when one of them appears,
 * so the entry goes when its service lands.
 */
const PUBLISHED_ELSEWHERE = ['vllm:num_requests_running', 'etl_rows_total', 'training_queue_length', 'ingestion_backlog_documents'];

describe.skipIf(process.env['CHARTS_SKIP_SMOKE'] === '1')('the image of every app, built from docker/Dockerfile without Docker (container-like smoke test)', () => {
  const images = new Map<string, BuiltImage>();
  const publishedSeries = new Set<string>();
  const children: ChildProcess[] = [];

  const layers = new LayerCache();

  beforeAll(async () => {
    // one after the other (2 cores); the first build's `npm ci` layer serves the others, as in BuildKit
    for (const app of APPS) {
      images.set(app, await buildWithoutDocker({ dockerfile: join(workspaceRoot, 'docker', 'Dockerfile'), context: workspaceRoot, buildArgs: { SERVICE: app }, cache: layers }));
    }
  }, 600_000);

  afterAll(async () => {
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
            child.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            child.kill('SIGTERM');
          }),
      ),
    );
    for (const app of APPS) await sql(`DROP DATABASE IF EXISTS \`${database(app)}\``).catch(() => undefined);
    await Promise.all([...images.values()].map((image) => image.remove()));
    await layers.remove();
  });

  it('finds the apps in apps/ (data-api and model-api at least), whose images share the dependency layer', () => {
    expect(APPS).toEqual(expect.arrayContaining(['data-api', 'model-api']));
    expect(layers.hits).toBe(APPS.length - 1);
  });

  it.each(APPS)('%s: production dependencies only, migrates, answers /health and /ready, passes its HEALTHCHECK', { timeout: 45_000 }, async (app) => {
    const image = images.get(app);
    if (!image) throw new Error(`${app} was not built`);
    const dir = image.workdir;
    const manifest = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies?: unknown };
    expect(manifest.devDependencies).toBeUndefined();
    // only the generated runtime dependencies (and theirs) are installed: no workspace dev tooling
    await expect(readFile(join(dir, 'node_modules', 'vitest', 'package.json'))).rejects.toThrow();
    await expect(readFile(join(dir, 'node_modules', 'tsx', 'package.json'))).rejects.toThrow();
    expect(image.labels['org.opencontainers.image.title']).toBe(`one-data-${app}`);

    await sql(`CREATE DATABASE IF NOT EXISTS \`${database(app)}\``);
    const port = await freePort();
    // the image's ENV, then what the chart's ConfigMaps and Secrets add
    const env = { PATH: process.env['PATH'] ?? '', ...image.env, ...appEnv(app, port) };
    await run('node', ['migrate.js'], { cwd: dir, env });

    const [command, ...args] = image.cmd;
    const child = spawn(command!, args, { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let output = '';
    const collect = (chunk: Buffer): void => void (output = (output + String(chunk)).slice(-8_000));
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    const deadline = Date.now() + 20_000;
    let health: Response | undefined;
    while (Date.now() < deadline) {
      health = await fetch(`http://127.0.0.1:${port}/health`).catch(() => undefined);
      if (health) break;
      if (child.exitCode !== null) throw new Error(`${app}: ${image.cmd.join(' ')} exited ${child.exitCode}: ${output}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(health?.status, output).toBe(200);
    const ready = await fetch(`http://127.0.0.1:${port}/ready`);
    expect(ready.status, `${await ready.text()}\n${output}`).toBe(200);
    // the Dockerfile's HEALTHCHECK command, as Docker runs it in the container
    const [check, ...checkArgs] = image.healthcheck ?? [];
    expect(check).toBeDefined();
    await run(check!, checkArgs, { cwd: dir, env });
    const metrics = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(metrics.status).toBe(200);
    for (const name of exposedSeries(await metrics.text())) publishedSeries.add(name);
  });

  it('provisions Grafana dashboards that query only series the services publish', async () => {
    expect(publishedSeries.size).toBeGreaterThan(0); // filled by the tests above
    const binary = await ensureHelm(3);
    const charts = await prepareCharts(binary);
    try {
      const dashboards = provisionedDashboards(await templateChart(binary, charts, 'monitoring', 'values.yaml'));
      expect(dashboards.map((d) => d.uid)).toEqual(expect.arrayContaining(APPS.map((app) => `one-data-${app}`)));
      const queried = new Set(dashboards.flatMap((d) => d.panels.flatMap((panel) => (panel.targets ?? []).flatMap((target) => metricsOf(target.expr ?? '')))));
      const unpublished = [...queried].filter((name) => !publishedSeries.has(name)).sort();
      expect(unpublished).toEqual([...PUBLISHED_ELSEWHERE].sort());
    } finally {
      await removeCharts(charts);
    }
  }, 120_000);
});
