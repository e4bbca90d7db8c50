import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen, startGatewayHarness, type GatewayHarness } from './harness.js';

let h: GatewayHarness;
let url: string;

beforeAll(async () => {
  h = await startGatewayHarness({ emulators: [{ name: 'm1' }, { name: 'm2' }] });
  url = await listen(h.app);
});

afterAll(async () => {
  await h?.close();
});

const line = (text: string, name: string, labels: Record<string, string>) =>
  text
    .split('\n')
    .find((candidate) => candidate.startsWith(`${name}{`) && Object.entries(labels).every(([key, value]) => candidate.includes(`${key}="${value}"`)));
const valueOf = (text: string, name: string, labels: Record<string, string>) => Number(line(text, name, labels)?.split(' ').at(-1));

describe('gateway metrics', () => {
  it('count requests, tokens, time to first token, retries, rejections and endpoint state', async () => {
    const { secret } = await h.issueKey({ requestsPerMinute: 3 });
    const headers = { authorization: `Bearer ${secret}`, 'content-type': 'application/json' };
    const body = (extra: Record<string, unknown> = {}) =>
      JSON.stringify({ model: 'emulated-model', messages: [{ role: 'user', content: 'a b' }], max_tokens: 3, ...extra });
    h.emulators[0]?.behave({ status: 503 });
    await fetch(`${url}/v1/chat/completions`, { method: 'POST', headers, body: body() }).then((response) => response.text());
    await fetch(`${url}/v1/chat/completions`, { method: 'POST', headers, body: body({ stream: true }) }).then((response) => response.text());
    await fetch(`${url}/v1/chat/completions`, { method: 'POST', headers, body: body() }).then((response) => response.text());
    const refused = await fetch(`${url}/v1/chat/completions`, { method: 'POST', headers, body: body() });
    expect(refused.status).toBe(429);
    // Traffic until the failing endpoint has been picked at least once (two random choices per request).
    const user = { ...(await h.bearer()), 'content-type': 'application/json' };
    for (let attempt = 0; attempt < 30 && !h.emulators[0]?.stats().byStatus['503']; attempt++) {
      await fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: user, body: body() }).then((response) => response.text());
    }
    expect(h.emulators[0]?.stats().byStatus['503']).toBeGreaterThanOrEqual(1);
    h.emulators[0]?.behave({});

    const text = await (await fetch(`${url}/metrics`)).text();
    const userCalls = (h.emulators[1]?.stats().completed ?? 0) - 3;
    expect(valueOf(text, 'gateway_requests_total', { model: 'emulated-model', status: '200' })).toBe(3 + userCalls);
    expect(valueOf(text, 'gateway_requests_total', { model: 'emulated-model', status: '429' })).toBe(1);
    expect(valueOf(text, 'gateway_tokens_total', { model: 'emulated-model', kind: 'completion' })).toBe(3 * (3 + userCalls));
    expect(valueOf(text, 'gateway_tokens_total', { model: 'emulated-model', kind: 'prompt' })).toBe(2 * (3 + userCalls));
    expect(valueOf(text, 'gateway_time_to_first_token_seconds_count', { model: 'emulated-model' })).toBe(1);
    expect(valueOf(text, 'gateway_request_duration_seconds_count', { model: 'emulated-model', stream: 'false' })).toBe(2 + userCalls);
    expect(valueOf(text, 'gateway_rate_limited_total', { scope: 'key', limit: 'requests' })).toBe(1);
    expect(valueOf(text, 'gateway_upstream_retries_total', { model: 'emulated-model' })).toBeGreaterThanOrEqual(1);
    expect(line(text, 'gateway_endpoint_in_flight', { endpoint: h.emulators[1]?.url ?? '' })).toBeDefined();
    expect(valueOf(text, 'gateway_endpoint_healthy', { endpoint: h.emulators[1]?.url ?? '' })).toBe(1);
  });
});
