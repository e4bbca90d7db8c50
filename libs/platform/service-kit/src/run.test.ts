import { Agent, request as httpRequest } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authEnvFor, startTestIdentityProvider, type TestIdentityProvider } from '@one-data/testing';
import { CommonConfigSchema, loadConfig, type CommonConfig } from './config.js';
import { createService, type ServiceApp } from './create-service.js';
import { shutdownGracefully } from './run.js';

const SLOW_MS = 300;
const DELAY_MS = 200;

interface Answer {
  status: number;
  body: string;
  connection: string | undefined;
  at: number;
}

/** By default one request on its own connection, so each probe is a fresh TCP connect. */
const get = (port: number, path: string, headers: Record<string, string> = {}, agent: Agent | false = false): Promise<Answer> =>
  new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, headers, agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, connection: res.headers.connection, at: performance.now() }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });

const tcpConnect = (port: number): Promise<void> =>
  new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
    socket.once('error', reject);
  });

// One identity provider for the file: generating its RSA keys is the slow part.
let idp: TestIdentityProvider;
beforeAll(async () => {
  idp = await startTestIdentityProvider();
});
afterAll(async () => {
  await idp?.close();
});

describe('shutdownGracefully on a listening server', () => {
  let app: ServiceApp;
  let config: CommonConfig;
  let port: number;
  let slowStarted: () => void;
  let slowFinishedAt: number | undefined;
  const slowEntered = new Promise<void>((resolve) => (slowStarted = resolve));

  beforeAll(async () => {
    config = loadConfig('kit-shutdown', CommonConfigSchema, {
      LOG_LEVEL: 'silent',
      ...authEnvFor(idp),
      SHUTDOWN_DELAY_MS: String(DELAY_MS),
      SHUTDOWN_TIMEOUT_MS: '5000',
    });
    app = await createService({ name: 'kit-shutdown', version: '0', description: '', config });
    app.get('/api/v1/slow', async () => {
      slowStarted();
      await sleep(SLOW_MS);
      slowFinishedAt = performance.now();
      return { done: true };
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    if (app?.server.listening) await app.close();
  });

  it('drains in-flight work, turns /ready 503 during the delay while still serving, then refuses connections', async () => {
    const auth = { authorization: `Bearer ${await idp.token('acme', ['viewer'])}` };
    expect((await get(port, '/ready')).status).toBe(200);
    const keepAlive = new Agent({ keepAlive: true, maxSockets: 1 });
    expect((await get(port, '/health', {}, keepAlive)).connection).toBe('keep-alive');

    const slow = get(port, '/api/v1/slow', auth);
    await slowEntered;
    const started = performance.now();
    let stoppedAt: number | undefined;
    const stopped = shutdownGracefully(app, config, 'test').then(() => (stoppedAt = performance.now()));

    // During SHUTDOWN_DELAY_MS: readiness fails at once, everything else is still served on new connections.
    const [ready, health, other] = await Promise.all([
      get(port, '/ready'),
      get(port, '/health', {}, keepAlive),
      get(port, '/api/v1/nope', auth),
    ]);
    expect(ready.status).toBe(503);
    expect(JSON.parse(ready.body)).toEqual({ status: 'shutting_down', checks: {} });
    expect(health.status).toBe(200);
    expect(other.status).toBe(404);
    // A keep-alive client is told to reconnect (to another replica) instead of reusing its connection.
    expect(health.connection).toBe('close');
    keepAlive.destroy();
    expect(Math.max(ready.at, health.at, other.at) - started).toBeLessThan(DELAY_MS);
    expect(stoppedAt).toBeUndefined();

    // The request that was in flight completes normally, and only then does shutdown finish.
    const slowAnswer = await slow;
    expect(slowAnswer.status).toBe(200);
    expect(JSON.parse(slowAnswer.body)).toEqual({ done: true });
    await stopped;
    expect(stoppedAt).toBeGreaterThan(slowFinishedAt ?? Infinity);
    expect((stoppedAt ?? 0) - started).toBeGreaterThanOrEqual(DELAY_MS - 5);

    expect(app.server.listening).toBe(false);
    await expect(tcpConnect(port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});

describe('shutdownGracefully with a request that outlives SHUTDOWN_TIMEOUT_MS', () => {
  it('closes the remaining connections at the timeout instead of waiting forever', async () => {
    const config = loadConfig('kit-shutdown', CommonConfigSchema, {
      LOG_LEVEL: 'silent',
      ...authEnvFor(idp),
      SHUTDOWN_TIMEOUT_MS: '100',
    });
    const app = await createService({ name: 'kit-shutdown', version: '0', description: '', config });
    let release: () => void = () => undefined;
    let entered: () => void = () => undefined;
    const inHandler = new Promise<void>((resolve) => (entered = resolve));
    app.get('/api/v1/stuck', async () => {
      entered();
      await new Promise<void>((resolve) => (release = resolve));
      return {};
    });
    try {
      await app.listen({ port: 0, host: '127.0.0.1' });
      const port = (app.server.address() as AddressInfo).port;
      const stuck = get(port, '/api/v1/stuck', { authorization: `Bearer ${await idp.token('acme', ['viewer'])}` });
      await inHandler;
      const started = performance.now();
      await shutdownGracefully(app, config, 'test');
      expect(performance.now() - started).toBeLessThan(2000);
      await expect(stuck).rejects.toMatchObject({ code: 'ECONNRESET' });
    } finally {
      release();
    }
  });
});
