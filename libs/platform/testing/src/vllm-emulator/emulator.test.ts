import { spawn } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { emulatedEmbedding, emulatedText, startVllmEmulator, type VllmEmulator } from './index.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** arr[i], failing the test when it is missing. */
function nth<T>(arr: readonly T[], i: number): T {
  const value = arr[i];
  if (value === undefined) throw new Error(`no element ${i} (length ${arr.length})`);
  return value;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** Reads an SSE body to its end (or until the connection breaks); returns the `data:` payloads and their arrival times. */
async function readEvents(res: Response): Promise<{ events: string[]; times: number[]; error: unknown }> {
  const events: string[] = [];
  const times: number[] = [];
  const decoder = new TextDecoder();
  let buffer = '';
  let error: unknown;
  if (!res.body) throw new Error('no body');
  const reader = res.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) !== -1) {
        const event = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        expect(event.startsWith('data: ')).toBe(true);
        events.push(event.slice(6));
        times.push(performance.now());
      }
    }
  } catch (err) {
    error = err;
  }
  return { events, times, error };
}

const chat = (extra: Json = {}) => ({ model: 'emulated-model', messages: [{ role: 'user', content: 'one two  three' }], ...extra });

async function waitFor(check: () => boolean, timeoutMs = 2000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await sleep(2);
  }
}

describe('vLLM emulator', () => {
  let emu: VllmEmulator;

  beforeAll(async () => {
    emu = await startVllmEmulator({ name: 'e1', models: ['emulated-model', 'other'] });
  });
  afterAll(async () => {
    await emu.close();
  });
  beforeEach(() => {
    emu.behave({});
    emu.resetStats();
  });

  it('lists the served models in vLLM shape', async () => {
    const res = await fetch(`${emu.url}/v1/models`);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-emulator-instance')).toBe('e1');
    expect(res.headers.get('keep-alive')).toBe('timeout=60');
    const body = (await res.json()) as Json;
    expect(body.object).toBe('list');
    expect(body.data.map((m: Json) => m.id)).toEqual(['emulated-model', 'other']);
    expect(body.data[0]).toMatchObject({ id: 'emulated-model', object: 'model', owned_by: 'vllm', root: 'emulated-model', max_model_len: 32768 });
    expect(typeof body.data[0].created).toBe('number');
    expect(emu.stats().byEndpoint.models).toBe(1);
  });

  it('answers /health with the configured status', async () => {
    const ok = await fetch(`${emu.url}/health`);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('');
    emu.behave({ healthStatus: 503, status: 500 });
    expect((await fetch(`${emu.url}/health`)).status).toBe(503);
    expect(emu.stats().healthChecks).toBe(2);
    expect(emu.stats().requests).toBe(0);
  });

  it('answers a non-stream chat completion with usage', async () => {
    const res = await post(`${emu.url}/v1/chat/completions`, chat({ max_tokens: 5 }));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    const body = (await res.json()) as Json;
    expect(body.id).toMatch(/^chatcmpl-[0-9a-f]{32}$/);
    expect(body).toMatchObject({
      object: 'chat.completion',
      model: 'emulated-model',
      system_fingerprint: 'e1',
      choices: [{ index: 0, message: { role: 'assistant', content: 'tok0 tok1 tok2 tok3 tok4 ' }, finish_reason: 'length' }],
      usage: { prompt_tokens: 3, completion_tokens: 5, total_tokens: 8 },
    });
    expect(Math.abs(body.created - Date.now() / 1000)).toBeLessThan(5);
  });

  it('uses max_completion_tokens, else defaultMaxTokens with finish_reason stop', async () => {
    const a = (await (await post(`${emu.url}/v1/chat/completions`, chat({ max_completion_tokens: 2 }))).json()) as Json;
    expect(a.usage.completion_tokens).toBe(2);
    const b = (await (await post(`${emu.url}/v1/chat/completions`, chat())).json()) as Json;
    expect(b.usage.completion_tokens).toBe(16);
    expect(b.choices[0].message.content).toBe(emulatedText(16));
    expect(b.choices[0].finish_reason).toBe('stop');
  });

  it('counts words of string and content-part messages, at least one prompt token', async () => {
    const body = {
      model: 'emulated-model',
      max_tokens: 1,
      messages: [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: [{ type: 'text', text: 'a b c' }, { type: 'image_url', image_url: { url: 'x' } }] },
        { role: 'assistant', content: null },
      ],
    };
    expect(((await (await post(`${emu.url}/v1/chat/completions`, body)).json()) as Json).usage.prompt_tokens).toBe(5);
    const empty = { model: 'emulated-model', max_tokens: 1, messages: [{ role: 'user', content: '   ' }] };
    expect(((await (await post(`${emu.url}/v1/chat/completions`, empty)).json()) as Json).usage.prompt_tokens).toBe(1);
  });

  it('streams a chat completion: role chunk, one chunk per token, usage chunk, [DONE]', async () => {
    const res = await post(`${emu.url}/v1/chat/completions`, chat({ max_tokens: 4, stream: true, stream_options: { include_usage: true } }));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const { events, error } = await readEvents(res);
    expect(error).toBeUndefined();
    expect(events).toHaveLength(1 + 4 + 1 + 1);
    expect(events.at(-1)).toBe('[DONE]');
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e) as Json);
    const id = nth(chunks, 0).id as string;
    expect(id).toMatch(/^chatcmpl-/);
    for (const c of chunks) expect(c).toMatchObject({ id, object: 'chat.completion.chunk', model: 'emulated-model', system_fingerprint: 'e1' });
    expect(chunks[0]).toMatchObject({ choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }], usage: null });
    for (let i = 0; i < 4; i++) {
      expect(nth(chunks, 1 + i).choices[0].delta).toEqual({ content: `tok${i} ` });
      expect(nth(chunks, 1 + i).usage).toBeNull();
    }
    expect(nth(chunks, 1).choices[0].finish_reason).toBeNull();
    expect(nth(chunks, 4).choices[0].finish_reason).toBe('length');
    expect(chunks[5]).toMatchObject({ choices: [], usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 } });
    const s = emu.stats();
    expect(s).toMatchObject({ completed: 1, promptTokens: 3, completionTokens: 4, inFlight: 0 });
  });

  it('streams without usage fields unless asked, and with running usage for continuous_usage_stats', async () => {
    const plain = await readEvents(await post(`${emu.url}/v1/chat/completions`, chat({ max_tokens: 2, stream: true })));
    expect(plain.events).toHaveLength(1 + 2 + 1);
    for (const e of plain.events.slice(0, -1)) expect('usage' in (JSON.parse(e) as Json)).toBe(false);

    const running = await readEvents(
      await post(`${emu.url}/v1/chat/completions`, chat({ max_tokens: 2, stream: true, stream_options: { include_usage: true, continuous_usage_stats: true } })),
    );
    const usages = running.events.slice(0, -1).map((e) => (JSON.parse(e) as Json).usage);
    expect(usages.map((u: Json) => u.completion_tokens)).toEqual([0, 1, 2, 2]);
    expect(usages.every((u: Json) => u.prompt_tokens === 3)).toBe(true);
  });

  it('rejects stream_options without stream like vLLM', async () => {
    const res = await post(`${emu.url}/v1/chat/completions`, chat({ stream_options: { include_usage: true } }));
    expect(res.status).toBe(400);
    expect(((await res.json()) as Json).type).toBe('BadRequestError');
  });

  it('answers completions for a string and for a list of prompts, streamed and not', async () => {
    const one = (await (await post(`${emu.url}/v1/completions`, { model: 'other', prompt: 'say it now', max_tokens: 3 })).json()) as Json;
    expect(one.id).toMatch(/^cmpl-/);
    expect(one).toMatchObject({
      object: 'text_completion',
      model: 'other',
      choices: [{ index: 0, text: 'tok0 tok1 tok2 ', finish_reason: 'length' }],
      usage: { prompt_tokens: 3, completion_tokens: 3, total_tokens: 6 },
    });
    const two = (await (await post(`${emu.url}/v1/completions`, { model: 'other', prompt: ['a b', 'c'], max_tokens: 2 })).json()) as Json;
    expect(two.choices.map((c: Json) => c.index)).toEqual([0, 1]);
    expect(two.usage).toMatchObject({ prompt_tokens: 3, completion_tokens: 4 });

    const streamed = await readEvents(
      await post(`${emu.url}/v1/completions`, { model: 'other', prompt: 'x', max_tokens: 3, stream: true, stream_options: { include_usage: true } }),
    );
    expect(streamed.events).toHaveLength(3 + 1 + 1);
    const chunks = streamed.events.slice(0, -1).map((e) => JSON.parse(e) as Json);
    expect(chunks.slice(0, 3).map((c) => c.choices[0].text).join('')).toBe('tok0 tok1 tok2 ');
    expect(chunks[0]).toMatchObject({ object: 'text_completion', usage: null });
    expect(nth(chunks, 2).choices[0].finish_reason).toBe('length');
    expect(chunks[3]).toMatchObject({ choices: [], usage: { prompt_tokens: 1, completion_tokens: 3, total_tokens: 4 } });
    expect(streamed.events.at(-1)).toBe('[DONE]');
  });

  it('returns deterministic, normalised embeddings, also as base64 float32', async () => {
    const input = ['hello world', 'another text'];
    const a = (await (await post(`${emu.url}/v1/embeddings`, { model: 'emulated-model', input })).json()) as Json;
    const b = (await (await post(`${emu.url}/v1/embeddings`, { model: 'emulated-model', input: 'hello world' })).json()) as Json;
    expect(a.id).toMatch(/^embd-/);
    expect(a).toMatchObject({ object: 'list', model: 'emulated-model', usage: { prompt_tokens: 4, total_tokens: 4, completion_tokens: 0 } });
    expect(a.data).toHaveLength(2);
    expect(a.data[0]).toMatchObject({ index: 0, object: 'embedding' });
    const v0 = a.data[0].embedding as number[];
    expect(v0).toHaveLength(8);
    expect(b.data[0].embedding).toEqual(v0);
    expect(a.data[1].embedding).not.toEqual(v0);
    expect(Math.hypot(...v0)).toBeCloseTo(1, 5);
    expect(v0).toEqual(Array.from(emulatedEmbedding('hello world', 8)));

    const encoded = (await (await post(`${emu.url}/v1/embeddings`, { model: 'emulated-model', input, encoding_format: 'base64' })).json()) as Json;
    const bytes = Buffer.from(encoded.data[0].embedding as string, 'base64');
    expect(bytes.length).toBe(8 * 4);
    const decoded = Array.from({ length: 8 }, (_, i) => bytes.readFloatLE(i * 4));
    expect(decoded).toEqual(v0);

    const wide = (await (await post(`${emu.url}/v1/embeddings`, { model: 'emulated-model', input: 'x', dimensions: 20 })).json()) as Json;
    expect(wide.data[0].embedding).toHaveLength(20);
  });

  it('answers an unknown model with 404 in vLLM error shape, malformed bodies with 400', async () => {
    const res = await post(`${emu.url}/v1/chat/completions`, chat({ model: 'nope' }));
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ object: 'error', message: 'The model `nope` does not exist.', type: 'NotFoundError', param: null, code: 404 });

    for (const [path, body] of [
      ['/v1/chat/completions', '{not json'],
      ['/v1/chat/completions', { model: 'emulated-model' }],
      ['/v1/chat/completions', chat({ max_tokens: 0 })],
      ['/v1/completions', { model: 'emulated-model', prompt: 42 }],
      ['/v1/embeddings', { model: 'emulated-model', input: 'x', encoding_format: 'hex' }],
      ['/v1/chat/completions', chat({ max_tokens: 40000 })],
    ] as const) {
      const bad = await post(`${emu.url}${path}`, body);
      expect(bad.status, JSON.stringify(body)).toBe(400);
      expect(await bad.json()).toMatchObject({ object: 'error', type: 'BadRequestError', param: null, code: 400 });
    }
    expect(emu.stats().completed).toBe(0);
    expect(emu.stats().byStatus).toEqual({ '400': 6, '404': 1 });
  });

  it('answers the configured status with Retry-After until told otherwise', async () => {
    emu.behave({ status: 503, retryAfterSeconds: 2 });
    const res = await post(`${emu.url}/v1/chat/completions`, chat());
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('2');
    expect(await res.json()).toMatchObject({ object: 'error', type: 'ServiceUnavailableError', code: 503 });
    const models = await fetch(`${emu.url}/v1/models`);
    expect(models.status).toBe(503);
    await models.arrayBuffer();

    emu.behave({ status: 429 });
    const limited = await post(`${emu.url}/v1/embeddings`, { input: 'x' });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBeNull();
    expect(((await limited.json()) as Json).type).toBe('RateLimitError');

    emu.behave({});
    expect((await post(`${emu.url}/v1/embeddings`, { input: 'x' })).status).toBe(200);
  });

  it('stalls before sending any byte', async () => {
    emu.behave({ stallMs: 150 });
    const started = performance.now();
    const res = await post(`${emu.url}/v1/chat/completions`, chat({ max_tokens: 1 }));
    expect(performance.now() - started).toBeGreaterThanOrEqual(145);
    expect(res.status).toBe(200);
    await res.json();
  });

  it('dies mid-stream after N content chunks: the client sees the connection end without [DONE]', async () => {
    emu.behave({ dieAfterChunks: 3 });
    const res = await post(`${emu.url}/v1/chat/completions`, chat({ max_tokens: 10, stream: true, stream_options: { include_usage: true } }));
    expect(res.status).toBe(200);
    const { events, error } = await readEvents(res);
    expect(error).toBeDefined();
    expect(events).toHaveLength(1 + 3);
    expect(events).not.toContain('[DONE]');
    const s = emu.stats();
    expect(s).toMatchObject({ completed: 0, completionTokens: 0, aborts: [] });
    await waitFor(() => emu.stats().inFlight === 0);
  });

  it('drops the connection without answering', async () => {
    emu.behave({ dropConnection: true });
    await expect(post(`${emu.url}/v1/chat/completions`, chat())).rejects.toThrow();
    emu.behave({});
    expect((await post(`${emu.url}/v1/chat/completions`, chat({ max_tokens: 1 }))).status).toBe(200);
    expect(emu.stats().aborts).toEqual([]);
    expect(emu.stats().requests).toBe(2);
  });

  it('records a client abort within 100 ms and stops streaming', async () => {
    const slow = await startVllmEmulator({ tokenDelayMs: 10 });
    try {
      let gone = 0;
      await new Promise<void>((resolve, reject) => {
        const req = httpRequest(`${slow.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
          let received = '';
          res.on('data', (chunk: Buffer) => {
            received += chunk.toString();
            if (received.split('\n\n').length - 1 >= 4 && gone === 0) {
              gone = Date.now();
              req.destroy();
              resolve();
            }
          });
        });
        req.on('error', (err) => {
          if (gone === 0) reject(err);
        });
        req.end(JSON.stringify(chat({ max_tokens: 500, stream: true })));
      });
      await waitFor(() => slow.stats().aborts.length === 1, 1000);
      const s = slow.stats();
      expect(nth(s.aborts, 0).at - gone).toBeLessThan(100);
      expect(nth(s.aborts, 0).chunksSent).toBeGreaterThanOrEqual(3);
      expect(nth(s.aborts, 0).chunksSent).toBeLessThan(500);
      expect(s.inFlight).toBe(0);
      expect(s.completed).toBe(0);
    } finally {
      await slow.close();
    }
  });

  it('records an abort while stalled or while a non-stream answer is pending', async () => {
    const slow = await startVllmEmulator({ tokenDelayMs: 1000 });
    try {
      slow.behave({ stallMs: 5000 });
      const stalled = new AbortController();
      const pending = new AbortController();
      const send = (url: string, signal: AbortSignal, headers: Record<string, string>) =>
        fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(chat()), signal }).catch(() => undefined);
      void send(`${slow.url}/v1/chat/completions`, stalled.signal, {});
      void send(`${slow.url}/v1/chat/completions`, pending.signal, { 'x-emulator-stall-ms': '0' });
      await waitFor(() => slow.stats().inFlight === 2);
      await sleep(20);

      const firstAt = Date.now();
      stalled.abort();
      await waitFor(() => slow.stats().aborts.length === 1);
      expect(nth(slow.stats().aborts, 0).at - firstAt).toBeLessThan(100);
      expect(nth(slow.stats().aborts, 0).chunksSent).toBe(0);
      expect(slow.stats().inFlight).toBe(1);

      const secondAt = Date.now();
      pending.abort();
      await waitFor(() => slow.stats().aborts.length === 2);
      expect(nth(slow.stats().aborts, 1).at - secondAt).toBeLessThan(100);
      expect(slow.stats().inFlight).toBe(0);
    } finally {
      await slow.close();
    }
  });

  it('spaces streamed chunks by tokenDelayMs and delays non-stream answers by tokens × delay', async () => {
    const slow = await startVllmEmulator({ tokenDelayMs: 20 });
    try {
      const started = performance.now();
      const res = await post(`${slow.url}/v1/chat/completions`, chat({ max_tokens: 5, stream: true }));
      const { events, times } = await readEvents(res);
      expect(events).toHaveLength(1 + 5 + 1);
      // token chunks 1..5 arrive ~20 ms apart (timers never fire early by more than a millisecond)
      expect(nth(times, 5) - nth(times, 0)).toBeGreaterThanOrEqual(5 * 20 - 6);
      for (let i = 2; i <= 5; i++) expect(nth(times, i) - nth(times, i - 1)).toBeGreaterThanOrEqual(10);
      expect(performance.now() - started).toBeGreaterThanOrEqual(95);

      const t0 = performance.now();
      const plain = await post(`${slow.url}/v1/chat/completions`, chat({ max_tokens: 5 }));
      await plain.json();
      expect(performance.now() - t0).toBeGreaterThanOrEqual(95);
    } finally {
      await slow.close();
    }
  });

  it('lets request headers override the behaviour', async () => {
    emu.behave({ status: 503 });
    const forced = await post(`${emu.url}/v1/chat/completions`, chat({ max_tokens: 1 }), { 'x-emulator-status': '200' });
    expect(forced.status).toBe(200);
    await forced.json();
    emu.behave({});

    const limited = await post(`${emu.url}/v1/chat/completions`, chat(), { 'x-emulator-status': '429' });
    expect(limited.status).toBe(429);
    await limited.json();

    const t0 = performance.now();
    const stalled = await post(`${emu.url}/v1/chat/completions`, chat({ max_tokens: 1 }), { 'x-emulator-stall-ms': '100' });
    expect(performance.now() - t0).toBeGreaterThanOrEqual(95);
    await stalled.json();

    const died = await readEvents(await post(`${emu.url}/v1/chat/completions`, chat({ max_tokens: 8, stream: true }), { 'x-emulator-die-after-chunks': '2' }));
    expect(died.events).toHaveLength(3);
    expect(died.error).toBeDefined();

    emu.behave({ dieAfterChunks: 1 });
    const kept = await readEvents(await post(`${emu.url}/v1/chat/completions`, chat({ max_tokens: 3, stream: true }), { 'x-emulator-die-after-chunks': '-1' }));
    expect(kept.events.at(-1)).toBe('[DONE]');
    emu.behave({});

    const t1 = performance.now();
    const delayed = await readEvents(await post(`${emu.url}/v1/chat/completions`, chat({ max_tokens: 4, stream: true }), { 'x-emulator-token-delay-ms': '25' }));
    expect(delayed.events).toHaveLength(6);
    expect(performance.now() - t1).toBeGreaterThanOrEqual(95);
  });

  it('sums requests, endpoints and reported usage in its stats', async () => {
    await (await post(`${emu.url}/v1/chat/completions`, chat({ max_tokens: 4 }))).json();
    await readEvents(await post(`${emu.url}/v1/chat/completions`, chat({ max_tokens: 6, stream: true })));
    await (await post(`${emu.url}/v1/completions`, { prompt: 'a b c d', max_tokens: 2 })).json();
    await (await post(`${emu.url}/v1/embeddings`, { input: ['a', 'b c'] })).json();
    await (await fetch(`${emu.url}/v1/models`)).json();
    await (await post(`${emu.url}/v1/chat/completions`, chat({ model: 'missing' }))).json();
    await (await fetch(`${emu.url}/v1/unknown`)).text();
    await waitFor(() => emu.stats().inFlight === 0);
    const s = emu.stats();
    expect(s.requests).toBe(7);
    expect(s.byEndpoint).toEqual({ chat: 3, completions: 1, embeddings: 1, models: 1 });
    expect(s.completed).toBe(5);
    expect(s.promptTokens).toBe(3 + 3 + 4 + 3);
    expect(s.completionTokens).toBe(4 + 6 + 2);
    expect(s.inFlight).toBe(0);
    expect(s.byStatus).toEqual({ '200': 5, '404': 2 });
    expect(s.lastRequestHeaders['user-agent']).toBeDefined();

    await post(`${emu.url}/v1/embeddings`, { input: 'z', user: 'u1' }, { 'x-session-id': 's-9' }).then((r) => r.json());
    expect(emu.stats().lastBody).toEqual({ input: 'z', user: 'u1' });
    expect(emu.stats().lastRequestHeaders['x-session-id']).toBe('s-9');

    emu.resetStats();
    expect(emu.stats()).toMatchObject({ requests: 0, completed: 0, promptTokens: 0, completionTokens: 0, aborts: [], byStatus: {} });
  });

  it('close() ends open streams without recording aborts', async () => {
    const slow = await startVllmEmulator({ tokenDelayMs: 20 });
    const res = await post(`${slow.url}/v1/chat/completions`, chat({ max_tokens: 100, stream: true }));
    const reading = readEvents(res);
    await sleep(50);
    await slow.close();
    const { events, error } = await reading;
    expect(error).toBeDefined();
    expect(events.length).toBeLessThan(100);
    expect(slow.stats().aborts).toEqual([]);
  });
});

describe('vLLM emulator CLI', () => {
  it('prints LISTENING <url>, serves, and exits on SIGTERM', async () => {
    const cli = fileURLToPath(new URL('./cli.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', cli, '--port', '0', '--models', 'a,b', '--token-delay-ms', '1', '--name', 'cli-e1'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const match = /^LISTENING (http:\/\/\S+)$/m.exec(out);
          if (match?.[1]) resolve(match[1]);
        });
        child.on('exit', () => reject(new Error(`cli exited early: ${out}`)));
      });
      const res = await fetch(`${url}/v1/models`);
      expect(res.headers.get('x-emulator-instance')).toBe('cli-e1');
      expect(((await res.json()) as Json).data.map((m: Json) => m.id)).toEqual(['a', 'b']);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 20_000);
});
