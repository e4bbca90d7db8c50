import { createHash } from 'node:crypto';

/** Number of whitespace-separated words in `text`. */
export function countWords(text: string): number {
  let words = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // ASCII whitespace, NBSP and the common Unicode spaces
    const space = c === 32 || (c >= 9 && c <= 13) || c === 160 || c === 0x2028 || c === 0x2029 || c === 0x3000 || (c >= 0x2000 && c <= 0x200a);
    if (space) inWord = false;
    else if (!inWord) {
      inWord = true;
      words++;
    }
  }
  return words;
}

/** The i-th emulated token as it appears in a stream delta: `"tok<i> "`. */
export function emulatedToken(i: number): string {
  return `tok${i} `;
}

const textCache = new Map<number, string>();

/** The full emulated completion of `tokens` tokens: `"tok0 tok1 … tok<n-1> "` (the concatenation of the stream deltas). */
export function emulatedText(tokens: number): string {
  const cached = textCache.get(tokens);
  if (cached !== undefined) return cached;
  let text = '';
  for (let i = 0; i < tokens; i++) text += `tok${i} `;
  if (tokens <= 8192 && textCache.size < 512) textCache.set(tokens, text);
  return text;
}

/**
 * The emulated embedding of `input`: deterministic (SHA-256 in counter mode, independent of the model and the
 * instance), components in [-1, 1], L2-normalised. Token-id inputs are hashed as their JSON text.
 */
export function emulatedEmbedding(input: string | readonly number[], dimensions: number): Float32Array {
  const text = typeof input === 'string' ? input : JSON.stringify(input);
  const out = new Float32Array(dimensions);
  let filled = 0;
  for (let block = 0; filled < dimensions; block++) {
    const digest = createHash('sha256').update(text).update(`\u0000${block}`).digest();
    for (let o = 0; o + 4 <= digest.length && filled < dimensions; o += 4) {
      out[filled++] = (digest.readUInt32LE(o) / 0xffffffff) * 2 - 1;
    }
  }
  let sum = 0;
  for (let i = 0; i < dimensions; i++) sum += (out[i] as number) ** 2;
  const norm = Math.sqrt(sum);
  if (norm === 0) {
    if (dimensions > 0) out[0] = 1;
  } else {
    for (let i = 0; i < dimensions; i++) out[i] = (out[i] as number) / norm;
  }
  return out;
}

/** Little-endian float32 bytes, base64 — what `encoding_format: 'base64'` returns (and what the openai client decodes). */
export function float32ToBase64(vector: Float32Array): string {
  const bytes = Buffer.alloc(vector.length * 4);
  for (let i = 0; i < vector.length; i++) bytes.writeFloatLE(vector[i] as number, i * 4);
  return bytes.toString('base64');
}
