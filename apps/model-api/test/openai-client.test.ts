import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen, startGatewayHarness, type GatewayHarness } from './harness.js';

let h: GatewayHarness;
let client: OpenAI;

beforeAll(async () => {
  h = await startGatewayHarness({ emulators: [{ models: ['emulated-model'], embeddingDimensions: 16 }] });
  const url = await listen(h.app);
  const { secret } = await h.issueKey();
  client = new OpenAI({ apiKey: secret, baseURL: `${url}/v1`, maxRetries: 0 });
});

afterAll(async () => {
  await h?.close();
});

describe('the official openai client, unchanged, against the gateway', () => {
  it('lists models', async () => {
    const models = await client.models.list();
    expect(models.data.map((model) => model.id)).toEqual(['emulated-model']);
  });

  it('creates a chat completion', async () => {
    const completion = await client.chat.completions.create({
      model: 'emulated-model',
      messages: [{ role: 'user', content: 'say three words' }],
      max_tokens: 3,
    });
    expect(completion.object).toBe('chat.completion');
    expect(completion.choices[0]?.message.content?.trim().split(/\s+/)).toHaveLength(3);
    expect(completion.usage).toMatchObject({ prompt_tokens: 3, completion_tokens: 3, total_tokens: 6 });
  });

  it('streams a chat completion chunk by chunk, without the usage chunk it did not ask for', async () => {
    const stream = await client.chat.completions.create({
      model: 'emulated-model',
      messages: [{ role: 'user', content: 'count' }],
      max_tokens: 5,
      stream: true,
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    const text = chunks.map((chunk) => chunk.choices[0]?.delta?.content ?? '').join('');
    expect(text.trim().split(/\s+/)).toHaveLength(5);
    expect(chunks.every((chunk) => chunk.choices.length > 0)).toBe(true);
  });

  it('streams with usage when asked', async () => {
    const stream = await client.chat.completions.create({
      model: 'emulated-model',
      messages: [{ role: 'user', content: 'count to four' }],
      max_tokens: 4,
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    const last = chunks.at(-1);
    expect(last?.choices).toEqual([]);
    expect(last?.usage).toMatchObject({ prompt_tokens: 3, completion_tokens: 4 });
  });

  it('creates a text completion', async () => {
    const completion = await client.completions.create({ model: 'emulated-model', prompt: 'once upon a time', max_tokens: 2 });
    expect(completion.choices[0]?.text.trim().split(/\s+/)).toHaveLength(2);
    expect(completion.usage?.prompt_tokens).toBe(4);
  });

  it('creates embeddings (float and base64)', async () => {
    const embeddings = await client.embeddings.create({ model: 'emulated-model', input: ['a', 'b c'] });
    expect(embeddings.data).toHaveLength(2);
    expect(embeddings.data[0]?.embedding).toHaveLength(16);
    const again = await client.embeddings.create({ model: 'emulated-model', input: 'a' });
    expect(again.data[0]?.embedding).toEqual(embeddings.data[0]?.embedding);
  });

  it('surfaces gateway errors as the client’s own error types', async () => {
    await expect(
      client.chat.completions.create({ model: 'no-such-model', messages: [{ role: 'user', content: 'x' }] }),
    ).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    const anonymous = new OpenAI({ apiKey: 'odk_not-a-real-key', baseURL: client.baseURL, maxRetries: 0 });
    await expect(anonymous.models.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
  });
});
