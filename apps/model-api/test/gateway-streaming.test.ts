import { request as httpRequest } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { listen, startGatewayHarness, type GatewayHarness } from './harness.js';

let h: GatewayHarness;
let url: string;
let auth: { authorization: string };

beforeAll(async () => {
  h = await startGatewayHarness({ emulators: [{ name: 'solo', tokenDelayMs: 20 }] });
  url = await listen(h.app);
  auth = await h.bearer();
});

afterAll(async () => {
  await h?.close();
});

afterEach(async () => {
  h.emulators[0]?.behave({});
  h.emulators[0]?.resetStats();
  await sleep(700);
});

const streamBody = (maxTokens: number, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ model: 'emulated-model', messages: [{ role: 'user', content: 'stream please' }], max_tokens: maxTokens, stream: true, ...extra });

/** Reads an SSE response, noting when each network chunk arrived. */
async function readStream(target: string, body: string): Promise<{ status: number; chunks: { at: number; text: string }[]; text: string }> {
  const response = await fetch(target, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body });
  const chunks: { at: number; text: string }[] = [];
  const decoder = new TextDecoder();
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    chunks.push({ at: performance.now(), text: decoder.decode(chunk, { stream: true }) });
  }
  return { status: response.status, chunks, text: chunks.map((chunk) => chunk.text).join('') };
}

const events = (text: string) => text.split('\n\n').filter(Boolean);

describe('streaming', () => {
  it('forwards every event as it arrives, identical to the upstream stream', async () => {
    // The gateway asks upstream for usage (to count tokens) and removes the usage-only event again.
    const direct = await readStream(`${h.emulators[0]?.url}/v1/chat/completions`, streamBody(12, { stream_options: { include_usage: true } }));
    const proxied = await readStream(`${url}/v1/chat/completions`, streamBody(12));
    expect(proxied.status).toBe(200);
    const strip = (event: string) => event.replace(/"(id|created|system_fingerprint)":("[^"]*"|\d+)/g, '');
    const withoutUsageEvent = events(direct.text).filter((event) => !event.includes('"choices":[]'));
    expect(events(proxied.text).map(strip)).toEqual(withoutUsageEvent.map(strip));
    expect(events(proxied.text)).toHaveLength(12 + 2);
    expect(events(proxied.text).at(-1)).toBe('data: [DONE]');
    // Not buffered: chunks arrive spread over the generation time (12 tokens × 20 ms).
    expect(proxied.chunks.length).toBeGreaterThanOrEqual(10);
    const spread = (proxied.chunks.at(-1)?.at ?? 0) - (proxied.chunks[0]?.at ?? 0);
    expect(spread).toBeGreaterThan(150);
  });

  it('passes the usage event through untouched when the client asks for it', async () => {
    const proxied = await readStream(`${url}/v1/chat/completions`, streamBody(3, { stream_options: { include_usage: true } }));
    const usageEvent = events(proxied.text).find((event) => event.includes('"choices":[]'));
    expect(JSON.parse(usageEvent?.slice('data: '.length) ?? '{}').usage).toMatchObject({ prompt_tokens: 2, completion_tokens: 3 });
  });

  it('aborts the upstream request within 100 ms of the client going away', async () => {
    const gone = await new Promise<number>((resolve, reject) => {
      const request = httpRequest(`${url}/v1/chat/completions`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
      });
      request.on('response', (response) => {
        let seen = 0;
        response.on('data', () => {
          seen++;
          if (seen === 3) {
            const at = Date.now();
            request.destroy();
            resolve(at);
          }
        });
      });
      request.on('error', (error) => {
        if (!('code' in error && error.code === 'ECONNRESET')) reject(error);
      });
      request.end(streamBody(200));
    });
    await sleep(300);
    const aborts = h.emulators[0]?.stats().aborts ?? [];
    expect(aborts).toHaveLength(1);
    expect((aborts[0]?.at ?? Infinity) - gone).toBeLessThan(100);
    expect(aborts[0]?.chunksSent).toBeLessThan(20);
  });

  it('ends the stream with an error event when the upstream dies mid-stream, and does not retry it', async () => {
    h.emulators[0]?.behave({ dieAfterChunks: 4 });
    const proxied = await readStream(`${url}/v1/chat/completions`, streamBody(20));
    expect(proxied.status).toBe(200);
    const last = events(proxied.text).at(-1) ?? '';
    expect(JSON.parse(last.slice('data: '.length))).toMatchObject({ error: { type: 'server_error', code: 'upstream_stream_failed' } });
    expect(proxied.text).not.toContain('[DONE]');
    expect(h.emulators[0]?.stats().byEndpoint.chat).toBe(1);
  });

  it('times out a stream whose upstream goes silent between chunks', async () => {
    // undici checks body timeouts on a coarse (about one second) clock, hence the long gap.
    const slow = await startGatewayHarness({ emulators: [{ tokenDelayMs: 3000 }], env: { UPSTREAM_IDLE_TIMEOUT_MS: '1000' } });
    try {
      const slowUrl = await listen(slow.app);
      const response = await fetch(`${slowUrl}/v1/chat/completions`, {
        method: 'POST',
        headers: { ...(await slow.bearer()), 'content-type': 'application/json' },
        body: streamBody(3),
      });
      const started = Date.now();
      const text = await response.text();
      expect(text).toContain('upstream_stream_failed');
      expect(Date.now() - started).toBeLessThan(2900);
    } finally {
      await slow.close();
    }
  });
});
