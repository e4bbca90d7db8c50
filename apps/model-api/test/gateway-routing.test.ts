import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayHarness, type GatewayHarness } from './harness.js';

let h: GatewayHarness;
let auth: { authorization: string };

const MODELS = ['lo-model', 'session-model', 'prefix-model', 'primary-model', 'backup-model', 'empty-model'];

beforeAll(async () => {
  h = await startGatewayHarness({
    emulators: [{ name: 'e0', models: MODELS }, { name: 'e1', models: MODELS }, { name: 'e2', models: MODELS }],
    pools: (emulators) => {
      const all = emulators.map((emulator) => emulator.url);
      return [
        { model: 'lo-model', endpoints: all },
        { model: 'session-model', endpoints: all, routing: 'session' },
        { model: 'prefix-model', endpoints: all, routing: 'prefix' },
        { model: 'primary-model', endpoints: [all[0]], fallback: 'backup-model' },
        { model: 'backup-model', endpoints: [all[1]] },
        { model: 'empty-model', endpoints: [] },
      ];
    },
  });
  auth = await h.bearer();
});

afterAll(async () => {
  await h?.close();
});

afterEach(async () => {
  for (const emulator of h.emulators) {
    emulator.behave({});
    emulator.resetStats();
  }
  await sleep(700); // let ejected endpoints pass their cooldown and probes see them healthy again
});

const chat = (model: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
  h.app.inject({
    method: 'POST',
    url: '/v1/chat/completions',
    headers: { ...auth, ...headers },
    payload: { model, messages: [{ role: 'user', content: 'hello there' }], max_tokens: 2, ...extra },
  });

const served = () => h.emulators.map((emulator) => emulator.stats().byEndpoint.chat);

describe('routing', () => {
  it('spreads load over every endpoint (least outstanding, two random choices)', async () => {
    const responses = await Promise.all(Array.from({ length: 90 }, () => chat('lo-model')));
    expect(responses.every((response) => response.statusCode === 200)).toBe(true);
    const counts = served();
    expect(counts.reduce((a, b) => a + b, 0)).toBe(90);
    for (const count of counts) expect(count).toBeGreaterThan(10);
  });

  it('keeps a session on one endpoint (x-session-id or the user field)', async () => {
    for (let index = 0; index < 10; index++) expect((await chat('session-model', {}, { 'x-session-id': 'conversation-42' })).statusCode).toBe(200);
    expect(served().filter((count) => count > 0)).toEqual([10]);
    for (const emulator of h.emulators) emulator.resetStats();
    for (let index = 0; index < 10; index++) expect((await chat('session-model', { user: 'alice' })).statusCode).toBe(200);
    expect(served().filter((count) => count > 0)).toEqual([10]);
    for (const emulator of h.emulators) emulator.resetStats();
    // Different sessions land on different endpoints.
    for (let index = 0; index < 60; index++) await chat('session-model', {}, { 'x-session-id': `s-${index}` });
    expect(served().filter((count) => count > 0).length).toBe(3);
  });

  it('moves a session only when its endpoint fails, and brings it home afterwards', async () => {
    await chat('session-model', {}, { 'x-session-id': 'sticky' });
    const home = served().findIndex((count) => count === 1);
    h.emulators[home]?.behave({ healthStatus: 503 });
    await sleep(400);
    for (const emulator of h.emulators) emulator.resetStats();
    expect((await chat('session-model', {}, { 'x-session-id': 'sticky' })).statusCode).toBe(200);
    expect(served()[home]).toBe(0);
    h.emulators[home]?.behave({});
    await sleep(400);
    for (const emulator of h.emulators) emulator.resetStats();
    await chat('session-model', {}, { 'x-session-id': 'sticky' });
    expect(served()[home]).toBe(1);
  });

  it('sends prompts with the same prefix to the same endpoint', async () => {
    const system = 'You are a careful assistant. '.repeat(60);
    for (let index = 0; index < 12; index++) {
      const response = await chat('prefix-model', {
        messages: [
          { role: 'system', content: system },
          { role: 'user', content: `question ${index}` },
        ],
      });
      expect(response.statusCode).toBe(200);
    }
    expect(served().filter((count) => count > 0)).toEqual([12]);
  });
});

describe('health, ejection and retries', () => {
  it('answers 503 at once when a pool has no endpoint', async () => {
    const started = Date.now();
    const response = await chat('empty-model');
    expect(response.statusCode).toBe(503);
    expect(response.json().error.code).toBe('no_healthy_endpoint');
    expect(Date.now() - started).toBeLessThan(500);
  });

  it('retries a 503 on another endpoint and ejects the failing one, then lets it back after the cooldown', async () => {
    h.emulators[0]?.behave({ status: 503 });
    const responses = await Promise.all(Array.from({ length: 30 }, () => chat('lo-model')));
    expect(responses.map((response) => response.statusCode)).toEqual(Array(30).fill(200));
    const failures = h.emulators[0]?.stats().byStatus['503'] ?? 0;
    expect(failures).toBeGreaterThan(0);
    // Ejected after 3 consecutive failures: it stops receiving traffic.
    const before = h.emulators[0]?.stats().requests ?? 0;
    for (let index = 0; index < 20; index++) await chat('lo-model');
    expect(h.emulators[0]?.stats().requests).toBe(before);

    h.emulators[0]?.behave({});
    await sleep(700);
    for (let index = 0; index < 40; index++) await chat('lo-model');
    expect(h.emulators[0]?.stats().byStatus['200'] ?? 0).toBeGreaterThan(0);
  });

  it('takes an endpoint whose /health fails out of rotation', async () => {
    h.emulators[2]?.behave({ healthStatus: 500 });
    await sleep(400);
    for (const emulator of h.emulators) emulator.resetStats();
    for (let index = 0; index < 30; index++) expect((await chat('lo-model')).statusCode).toBe(200);
    expect(served()[2]).toBe(0);
  });

  it('retries a connection failure and a 429 elsewhere, honouring Retry-After on that endpoint', async () => {
    h.emulators[0]?.behave({ dropConnection: true });
    h.emulators[1]?.behave({ status: 429, retryAfterSeconds: 30 });
    for (let index = 0; index < 10; index++) expect((await chat('lo-model')).statusCode).toBe(200);
    expect(h.emulators[2]?.stats().byStatus['200']).toBe(10);
    // The 429 endpoint is left alone while its Retry-After (capped) lasts.
    expect(h.emulators[1]?.stats().requests).toBeLessThanOrEqual(1);
  });

  it('passes a 429 on when every endpoint is overloaded, with Retry-After', async () => {
    for (const emulator of h.emulators) emulator.behave({ status: 429, retryAfterSeconds: 1 });
    const response = await chat('lo-model');
    expect(response.statusCode).toBe(429);
    expect(response.headers['retry-after']).toBe('1');
    expect(response.json().error.type).toBe('rate_limit_error');
    await sleep(1000); // every endpoint honours its Retry-After before the next test
  });

  it('falls back to the fallback model when the primary cannot answer', async () => {
    h.emulators[0]?.behave({ status: 503 });
    const response = await chat('primary-model');
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().model).toBe('backup-model');
    expect(h.emulators[1]?.stats().byEndpoint.chat).toBe(1);
  });

  it('does not retry an upstream 400: the client gets the model server’s own answer', async () => {
    const response = await chat('lo-model', { max_tokens: 10_000_000 });
    expect(response.statusCode).toBe(400);
    expect(served().reduce((a, b) => a + b, 0)).toBe(1);
  });
});

describe('request checks', () => {
  it('answers an unknown model with 404 and a missing one with 400, in the OpenAI error shape', async () => {
    const unknown = await chat('nope');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.headers['content-type']).toContain('application/json');
    expect(unknown.json()).toEqual({
      error: { message: expect.stringContaining("'nope'"), type: 'not_found_error', param: null, code: 'model_not_found' },
    });
    const missing = await h.app.inject({ method: 'POST', url: '/v1/chat/completions', headers: auth, payload: { messages: [] } });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.type).toBe('invalid_request_error');
    expect(served().reduce((a, b) => a + b, 0)).toBe(0);
  });

  it('passes the caller’s trace context and request id on to the model server', async () => {
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    expect((await chat('lo-model', {}, { traceparent, 'x-request-id': 'trace-42' })).statusCode).toBe(200);
    const headers = h.emulators.map((emulator) => emulator.stats()).find((stats) => stats.requests > 0)?.lastRequestHeaders;
    expect(headers?.['traceparent']).toBe(traceparent);
    expect(headers?.['x-request-id']).toBe('trace-42');
  });

  it('forwards fields it does not know unchanged', async () => {
    const extra = { temperature: 0.2, guided_json: { type: 'object' }, tools: [{ type: 'function', function: { name: 'f' } }], top_k: 5 };
    expect((await chat('lo-model', extra)).statusCode).toBe(200);
    const bodies = h.emulators.map((emulator) => emulator.stats().lastBody).filter(Boolean);
    expect(bodies[0]).toMatchObject(extra);
  });

  it('requires a credential', async () => {
    const response = await h.app.inject({ method: 'POST', url: '/v1/chat/completions', payload: { model: 'lo-model', messages: [{ role: 'user' }] } });
    expect(response.statusCode).toBe(401);
    expect(response.json().error.type).toBe('authentication_error');
  });
});
