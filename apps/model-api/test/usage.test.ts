import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen, startGatewayHarness, type GatewayHarness } from './harness.js';

let h: GatewayHarness;
let url: string;

beforeAll(async () => {
  h = await startGatewayHarness({ emulators: [{ name: 'u1' }, { name: 'u2' }] });
  url = await listen(h.app);
});

afterAll(async () => {
  await h?.close();
});

const range = () => {
  const hour = Math.floor(Date.now() / 3_600_000) * 3_600_000;
  return { from: new Date(hour - 3_600_000).toISOString(), to: new Date(hour + 3_600_000).toISOString() };
};

describe('usage accounting', () => {
  it('totals per tenant, key and model equal what the model servers reported', async () => {
    const key = await h.issueKey();
    const keyAuth = { authorization: `Bearer ${key.secret}` };
    const userAuth = await h.bearer();
    const calls: Promise<unknown>[] = [];
    for (let index = 0; index < 20; index++) {
      const words = 'word '.repeat(1 + (index % 5)).trim();
      const maxTokens = 2 + (index % 7);
      const body = { model: 'emulated-model', messages: [{ role: 'user', content: words }], max_tokens: maxTokens };
      if (index % 3 === 0) {
        // streamed, without asking for usage: the gateway still counts it
        calls.push(
          fetch(`${url}/v1/chat/completions`, {
            method: 'POST',
            headers: { ...keyAuth, 'content-type': 'application/json' },
            body: JSON.stringify({ ...body, stream: true }),
          }).then((response) => response.text()),
        );
      } else {
        calls.push(h.app.inject({ method: 'POST', url: '/v1/chat/completions', headers: index % 2 ? keyAuth : userAuth, payload: body }));
      }
    }
    calls.push(h.app.inject({ method: 'POST', url: '/v1/embeddings', headers: keyAuth, payload: { model: 'emulated-model', input: 'a b c' } }));
    await Promise.all(calls);
    await sleep(600); // more than one flush interval

    const reported = h.emulators.reduce(
      (sum, emulator) => ({
        prompt: sum.prompt + emulator.stats().promptTokens,
        completion: sum.completion + emulator.stats().completionTokens,
        requests: sum.requests + emulator.stats().completed,
      }),
      { prompt: 0, completion: 0, requests: 0 },
    );
    const response = await h.app.inject({
      method: 'GET',
      url: '/api/v1/usage',
      headers: await h.bearer(['viewer']),
      query: { ...range(), groupBy: 'model,apiKey' },
    });
    expect(response.statusCode).toBe(200);
    const items = response.json().items as Array<{ apiKeyId: string; requests: number; promptTokens: number; completionTokens: number }>;
    const total = items.reduce(
      (sum, item) => ({ prompt: sum.prompt + item.promptTokens, completion: sum.completion + item.completionTokens, requests: sum.requests + item.requests }),
      { prompt: 0, completion: 0, requests: 0 },
    );
    expect(total).toEqual(reported);
    expect(total.requests).toBe(21);
    expect(items.map((item) => item.apiKeyId).sort()).toEqual(['', key.id].sort());
  });

  it('groups by hour, filters by model, and sees only the caller’s tenant', async () => {
    const hourly = await h.app.inject({
      method: 'GET',
      url: '/api/v1/usage',
      headers: await h.bearer(['viewer']),
      query: { ...range(), groupBy: ['hour'], model: 'emulated-model' },
    });
    expect(hourly.json().items).toHaveLength(1);
    expect(hourly.json().items[0].period).toMatch(/^\d{4}-\d\d-\d\dT\d\d:00:00Z$/);
    const stranger = await h.app.inject({ method: 'GET', url: '/api/v1/usage', headers: await h.bearer(['viewer'], 'stranger'), query: range() });
    expect(stranger.json().items).toEqual([]);
  });

  it('rejects a reversed range and unknown groupings', async () => {
    const auth = await h.bearer(['viewer']);
    const { from, to } = range();
    const reversed = await h.app.inject({ method: 'GET', url: '/api/v1/usage', headers: auth, query: { from: to, to: from } });
    expect(reversed.statusCode).toBe(400);
    const unknown = await h.app.inject({ method: 'GET', url: '/api/v1/usage', headers: auth, query: { from, to, groupBy: 'colour' } });
    expect(unknown.statusCode).toBe(400);
  });

  it('is not reachable with an API key (keys call /v1 only)', async () => {
    const key = await h.issueKey();
    const response = await h.app.inject({ method: 'GET', url: '/api/v1/usage', headers: { authorization: `Bearer ${key.secret}` }, query: range() });
    expect(response.statusCode).toBe(403);
  });
});
