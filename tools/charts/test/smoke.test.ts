/**
 * CONTAINER-LIKE SMOKE TEST (slow-ish, ~30-60 s; needs MariaDB/MySQL on 127.0.0.1:3306 as root without
 * password, and the npm registry or cache). It does what docker/Dockerfile does, without Docker:
 * `nx build data-api`, copy dist/apps/data-api to a temporary directory, `npm ci --omit=dev` from the
 * generated lockfile, `node migrate.js`, then `node main.js` with production settings; /health must
 * answer 200 and /ready must see the database. Skipped with CHARTS_SKIP_SMOKE=1.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { workspaceRoot } from '../src/helm.js';

const run = promisify(execFile);
const DATABASE = `charts_smoke_${process.pid}`;

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

describe.skipIf(process.env['CHARTS_SKIP_SMOKE'] === '1')('data-api production bundle (container-like smoke test)', () => {
  let app: ChildProcess | undefined;
  let dir = '';
  afterAll(async () => {
    app?.kill('SIGTERM');
    await sql(`DROP DATABASE IF EXISTS \`${DATABASE}\``).catch(() => undefined);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('builds, installs production dependencies only, migrates and answers /health', { timeout: 120_000 }, async () => {
    await run('npx', ['nx', 'build', 'data-api', '--output-style=static'], { cwd: workspaceRoot, env: { ...process.env, NX_DAEMON: 'false' }, maxBuffer: 32 * 1024 * 1024 });
    dir = await mkdtemp(join(tmpdir(), 'data-api-image-'));
    await cp(join(workspaceRoot, 'dist', 'apps', 'data-api'), dir, { recursive: true });
    const manifest = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies?: unknown };
    expect(manifest.devDependencies).toBeUndefined();
    await run('npm', ['ci', '--omit=dev', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, maxBuffer: 32 * 1024 * 1024 });
    // only the generated runtime dependencies (and theirs) are installed: no workspace dev tooling
    await expect(readFile(join(dir, 'node_modules', 'vitest', 'package.json'))).rejects.toThrow();

    await sql(`CREATE DATABASE IF NOT EXISTS \`${DATABASE}\``);
    const port = await freePort();
    const key = randomBytes(32).toString('base64');
    const env = {
      PATH: process.env['PATH'],
      NODE_ENV: 'production',
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      AUTH_MODE: 'jwks',
      AUTH_JWKS_URL: 'http://127.0.0.1:9/realms/one-data/protocol/openid-connect/certs',
      AUTH_ISSUER: 'https://one-data.example.com/auth/realms/one-data',
      AUTH_AUDIENCE: 'one-data-api',
      DATABASE_URL: `mysql://root@127.0.0.1:3306/${DATABASE}`,
      CREDENTIALS_KEYS: `k1:${key}`,
      CREDENTIALS_ACTIVE_KEY_ID: 'k1',
      SHUTDOWN_DELAY_MS: '0',
    };
    await run('node', ['migrate.js'], { cwd: dir, env });

    app = spawn('node', ['main.js'], { cwd: dir, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    app.stderr?.on('data', (chunk) => (stderr += String(chunk)));
    const deadline = Date.now() + 20_000;
    let health: Response | undefined;
    while (Date.now() < deadline) {
      health = await fetch(`http://127.0.0.1:${port}/health`).catch(() => undefined);
      if (health) break;
      if (app.exitCode !== null) throw new Error(`node main.js exited ${app.exitCode}: ${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(health?.status, stderr).toBe(200);
    const ready = await fetch(`http://127.0.0.1:${port}/ready`);
    expect(ready.status).toBe(200);
    // the Dockerfile's HEALTHCHECK command, verbatim
    await run('node', ['-e', `fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))`], { env: { ...env, PORT: String(port) } });
  });
});
