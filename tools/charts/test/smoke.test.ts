/**
 * CONTAINER-LIKE SMOKE TEST (~40-80 s; needs MariaDB/MySQL on 127.0.0.1:3306 as root without password,
 * Redis on 127.0.0.1:6379, and the npm registry or cache). It does what docker/Dockerfile does, without
 * Docker, for data-api and model-api: one `nx run-many -t build` for both, each dist/apps/<app> copied to
 * a temporary directory, one `npm ci --omit=dev` per app from its generated lockfile (the two in
 * parallel), then per app `node migrate.js` and `node main.js` with production settings against a
 * throwaway database; /health must answer 200 and /ready (database, and Redis for model-api) 200.
 * Skipped with CHARTS_SKIP_SMOKE=1.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workspaceRoot } from '../src/helm.js';

const run = promisify(execFile);
const APPS = ['data-api', 'model-api'] as const;
type App = (typeof APPS)[number];
const database = (app: App): string => `charts_smoke_${app.replace('-', '_')}_${process.pid}`;

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });

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
const appEnv = (app: App, port: number): Record<string, string> => {
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
  if (app === 'data-api') {
    return { ...common, CREDENTIALS_KEYS: `k1:${randomBytes(32).toString('base64')}`, CREDENTIALS_ACTIVE_KEY_ID: 'k1' };
  }
  // KUBERNETES_MODE stays off (no cluster; @kubernetes/client-node is then never loaded)
  return { ...common, REDIS_URL: 'redis://127.0.0.1:6379', REDIS_KEY_PREFIX: `charts-smoke-${process.pid}:` };
};

describe.skipIf(process.env['CHARTS_SKIP_SMOKE'] === '1')('production bundles of data-api and model-api (container-like smoke test)', () => {
  const dirs = new Map<App, string>();
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    // one Nx invocation for both (the project graph is computed once)
    await run('npx', ['nx', 'run-many', '-t', 'build', '-p', ...APPS, '--parallel=2', '--output-style=static'], {
      cwd: workspaceRoot,
      env: { ...process.env, NX_DAEMON: 'false' },
      maxBuffer: 32 * 1024 * 1024,
    });
    // the image's runtime stage: the bundle plus its production dependencies, one `npm ci` per app
    await Promise.all(
      APPS.map(async (app) => {
        const dir = await mkdtemp(join(tmpdir(), `${app}-image-`));
        dirs.set(app, dir);
        await cp(join(workspaceRoot, 'dist', 'apps', app), dir, { recursive: true });
        await run('npm', ['ci', '--omit=dev', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, maxBuffer: 32 * 1024 * 1024 });
      }),
    );
  }, 150_000);

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
    await Promise.all([...dirs.values()].map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it.each(APPS)('%s: production dependencies only, migrates, answers /health and /ready', { timeout: 45_000 }, async (app) => {
    const dir = dirs.get(app);
    if (!dir) throw new Error(`${app} was not installed`);
    const manifest = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies?: unknown };
    expect(manifest.devDependencies).toBeUndefined();
    // only the generated runtime dependencies (and theirs) are installed: no workspace dev tooling
    await expect(readFile(join(dir, 'node_modules', 'vitest', 'package.json'))).rejects.toThrow();
    await expect(readFile(join(dir, 'node_modules', 'tsx', 'package.json'))).rejects.toThrow();

    await sql(`CREATE DATABASE IF NOT EXISTS \`${database(app)}\``);
    const port = await freePort();
    const env = { PATH: process.env['PATH'] ?? '', ...appEnv(app, port) };
    await run('node', ['migrate.js'], { cwd: dir, env });

    const child = spawn('node', ['main.js'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
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
      if (child.exitCode !== null) throw new Error(`${app}: node main.js exited ${child.exitCode}: ${output}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(health?.status, output).toBe(200);
    const ready = await fetch(`http://127.0.0.1:${port}/ready`);
    expect(ready.status, `${await ready.text()}\n${output}`).toBe(200);
    // the Dockerfile's HEALTHCHECK command, verbatim
    await run('node', ['-e', `fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))`], { env });
  });
});
