import autocannon from 'autocannon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen, startGatewayHarness, type GatewayHarness } from './harness.js';

let h: GatewayHarness;
let url: string;

beforeAll(async () => {
  h = await startGatewayHarness({ emulators: [{ name: 'a', tokenDelayMs: 1 }, { name: 'b', tokenDelayMs: 1 }, { name: 'c', tokenDelayMs: 1 }] });
  url = await listen(h.app);
});

afterAll(async () => {
  await h?.close();
});

describe('failover', () => {
  it('loses no non-streaming request when an endpoint dies under load', async () => {
    const load = autocannon({
      url: `${url}/v1/chat/completions`,
      method: 'POST',
      headers: { ...(await h.bearer()), 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'emulated-model', messages: [{ role: 'user', content: 'hi' }], max_tokens: 4 }),
      connections: 24,
      duration: 3,
    });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const victim = h.emulators[1];
    const servedBeforeDeath = victim?.stats().completed ?? 0;
    await victim?.close(); // in-flight requests on it are cut off mid-answer
    const result = await load;

    expect(servedBeforeDeath).toBeGreaterThan(0);
    expect(result.requests.total).toBeGreaterThan(200);
    expect(result.errors).toBe(0);
    expect(result.timeouts).toBe(0);
    expect(result.non2xx).toBe(0);
    const survivors = [h.emulators[0], h.emulators[2]].map((emulator) => emulator?.stats().completed ?? 0);
    expect(survivors.every((count) => count > 0)).toBe(true);
  });
});
