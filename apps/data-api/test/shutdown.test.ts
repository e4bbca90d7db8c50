import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Server } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, freePort, startTestIdentityProvider, type TestDatabase, type TestIdentityProvider } from '@one-data/testing';
import { MIGRATIONS, testEnv } from './harness.js';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));

let database: TestDatabase;
let idp: TestIdentityProvider;

beforeAll(async () => {
  database = await createTestDatabase({ migrationsFolder: MIGRATIONS });
  idp = await startTestIdentityProvider();
});

afterAll(async () => {
  await idp?.close();
  await database?.drop();
});


/** Starts the real data-api process (src/main.ts through tsx) and waits until it answers /health. */
async function startServer(env: Record<string, string>): Promise<{ child: ChildProcess; url: string; exit: Promise<number | null> }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    env: {
      ...process.env,
      ...testEnv(idp, database.url),
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: process.env['SHUTDOWN_TEST_LOG_LEVEL'] ?? 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  if (process.env['SHUTDOWN_TEST_LOG_LEVEL']) child.stdout?.pipe(process.stderr);
  const exit = once(child, 'exit').then(([code]) => code as number | null);
  const url = `http://127.0.0.1:${port}`;
  for (let attempt = 0; attempt < 100; attempt++) {
    if (child.exitCode !== null) throw new Error(`data-api exited early: ${stderr}`);
    try {
      if ((await fetch(`${url}/health`)).ok) return { child, url, exit };
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  child.kill('SIGKILL');
  throw new Error(`data-api did not start: ${stderr}`);
}

describe('graceful shutdown of the real server', { timeout: 30_000 }, () => {
  it('SIGTERM under load: readiness turns 503 at once, zero failed requests, exit code 0', async () => {
    const { child, url, exit } = await startServer({ SHUTDOWN_DELAY_MS: '2500', SHUTDOWN_TIMEOUT_MS: '5000' });
    const headers = { authorization: `Bearer ${await idp.token('tenant-s', ['developer'])}` };
    const created = await fetch(`${url}/api/v1/datasources`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 's', type: 's3', config: { bucket: 'abc' }, credentials: { accessKeyId: 'a', secretAccessKey: 'b' } }),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };

    const load = autocannon({ url: `${url}/api/v1/datasources/${id}`, headers, connections: 16, duration: 2 });
    await sleep(600);
    child.kill('SIGTERM');
    await sleep(200);
    const ready = await fetch(`${url}/ready`);
    expect(ready.status).toBe(503);
    const result = await load;

    expect(result.requests.total).toBeGreaterThan(100);
    expect(result.errors).toBe(0);
    expect(result.timeouts).toBe(0);
    expect(result.non2xx).toBe(0);
    expect(await exit).toBe(0);
  });

  it('SIGTERM lets an in-flight request finish before the process exits with 0', async () => {
    // A TCP server that accepts and never answers: a MySQL handshake to it waits for the connect timeout.
    const silent: Server = createServer(() => undefined).listen(0, '127.0.0.1');
    await once(silent, 'listening');
    const silentPort = (silent.address() as { port: number }).port;
    const { child, url, exit } = await startServer({ CONNECTION_TEST_TIMEOUT_MS: '1500' });
    try {
      const headers = { authorization: `Bearer ${await idp.token('tenant-s', ['developer'])}`, 'content-type': 'application/json' };
      const created = await fetch(`${url}/api/v1/datasources`, {
        method: 'POST',
        headers,
        body: JSON.stringify({
          name: 'slow',
          type: 'mysql',
          config: { host: '127.0.0.1', port: silentPort, database: 'd', user: 'u' },
          credentials: { password: 'p' },
        }),
      });
      const { id } = (await created.json()) as { id: string };
      const started = Date.now();
      const inFlight = fetch(`${url}/api/v1/datasources/${id}/test`, { method: 'POST', headers: { authorization: headers.authorization } });
      await sleep(300);
      child.kill('SIGTERM');
      const response = await inFlight;
      expect(response.status).toBe(200);
      const result = (await response.json()) as { ok: boolean };
      expect(result.ok).toBe(false);
      expect(Date.now() - started).toBeGreaterThanOrEqual(1400);
      expect(await exit).toBe(0);
    } finally {
      silent.close();
    }
  });
});
