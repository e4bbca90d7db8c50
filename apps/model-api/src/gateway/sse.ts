/** Usage from an upstream JSON answer: the last `"usage": {…}` object, found without parsing the whole body. */
export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
}

export function extractUsage(text: string): TokenUsage | undefined {
  const at = text.lastIndexOf('"usage"');
  if (at < 0) return undefined;
  const start = text.indexOf('{', at);
  if (start < 0 || /[^\s:]/.test(text.slice(at + 7, start))) return undefined;
  let depth = 0;
  for (let index = start; index < text.length; index++) {
    const char = text.charCodeAt(index);
    if (char === 123) depth++;
    else if (char === 125 && --depth === 0) {
      try {
        const usage = JSON.parse(text.slice(start, index + 1)) as { prompt_tokens?: unknown; completion_tokens?: unknown };
        return {
          promptTokens: typeof usage.prompt_tokens === 'number' ? usage.prompt_tokens : 0,
          completionTokens: typeof usage.completion_tokens === 'number' ? usage.completion_tokens : 0,
        };
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

const USAGE_OBJECT = /"usage"\s*:\s*\{/;
const NO_CHOICES = /"choices"\s*:\s*\[\s*\]/;

/**
 * Forwards an upstream server-sent-event stream event by event as it arrives. It only looks inside
 * a chunk when the chunk may hold the usage-only event (`"choices":[]` with a usage object), which
 * the gateway asked for to count tokens: it reads the counts from it, and drops the event when the
 * client had not asked for usage itself. An event split across chunks is held until complete,
 * since a client cannot use half an event anyway.
 */
export class SseUsageFilter {
  usage: TokenUsage | undefined;
  private tail = '';

  constructor(private readonly forwardUsageEvent: boolean) {}

  /** Returns what to write to the client for this upstream chunk ('' = nothing yet). */
  push(chunk: Buffer): string | Buffer {
    if (this.tail === '') {
      const text = chunk.toString('utf8');
      if (text.endsWith('\n\n') && !USAGE_OBJECT.test(text)) return chunk;
      return this.process(text);
    }
    return this.process(this.tail + chunk.toString('utf8'));
  }

  /** Whatever is left when the upstream ends. */
  end(): string {
    const rest = this.tail;
    this.tail = '';
    return rest;
  }

  private process(text: string): string {
    const lastBoundary = text.lastIndexOf('\n\n');
    if (lastBoundary < 0) {
      this.tail = text;
      return '';
    }
    this.tail = text.slice(lastBoundary + 2);
    const complete = text.slice(0, lastBoundary + 2);
    if (!USAGE_OBJECT.test(complete)) return complete;
    let out = '';
    for (const event of complete.split('\n\n')) {
      if (event === '') continue;
      if (USAGE_OBJECT.test(event) && NO_CHOICES.test(event)) {
        this.usage = extractUsage(event) ?? this.usage;
        if (!this.forwardUsageEvent) continue;
      } else if (USAGE_OBJECT.test(event)) {
        // continuous usage stats on a content chunk: keep the latest figures
        this.usage = extractUsage(event) ?? this.usage;
      }
      out += `${event}\n\n`;
    }
    return out;
  }
}
