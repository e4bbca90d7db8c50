import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { countWords, emulatedEmbedding, emulatedText, float32ToBase64 } from './content.js';
import type { EmulatorBehavior, EmulatorEndpoint, EmulatorOptions, EmulatorStats, VllmEmulator } from './types.js';

/**
 * An OpenAI-compatible vLLM emulator on plain node:http, cheap enough to sit under a gateway benchmark:
 * non-stream answers are one JSON.stringify, streams are one interval timer and one template string per chunk.
 */

const MAX_BODY_BYTES = 32 * 1024 * 1024;

interface Route {
  endpoint: EmulatorEndpoint;
  method: 'GET' | 'POST';
}

const ROUTES = new Map<string, Route>([
  ['/v1/chat/completions', { endpoint: 'chat', method: 'POST' }],
  ['/v1/completions', { endpoint: 'completions', method: 'POST' }],
  ['/v1/embeddings', { endpoint: 'embeddings', method: 'POST' }],
  ['/v1/models', { endpoint: 'models', method: 'GET' }],
]);

const ERROR_TYPES: Record<number, string> = {
  400: 'BadRequestError',
  401: 'UnauthorizedError',
  403: 'ForbiddenError',
  404: 'NotFoundError',
  408: 'RequestTimeoutError',
  413: 'RequestEntityTooLargeError',
  422: 'UnprocessableEntityError',
  429: 'RateLimitError',
  500: 'InternalServerError',
  502: 'BadGatewayError',
  503: 'ServiceUnavailableError',
  504: 'GatewayTimeoutError',
};

function errorType(status: number): string {
  return ERROR_TYPES[status] ?? (status >= 500 ? 'InternalServerError' : 'BadRequestError');
}

class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type: string = errorType(status),
  ) {
    super(message);
  }
}

interface Plan {
  status: number | undefined;
  retryAfterSeconds: number | undefined;
  stallMs: number;
  dieAfterChunks: number | undefined;
  drop: boolean;
  tokenDelayMs: number;
}

interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  route: Route | undefined;
  plan: Plan;
  body: unknown;
  bodyError: ApiError | undefined;
  /** The one pending timer of this exchange (stall, non-stream delay or stream interval). */
  timer: NodeJS.Timeout | undefined;
  chunksSent: number;
  /** The emulator ended the connection on purpose (drop / die): not a client abort. */
  killed: boolean;
}

type JsonObject = Record<string, unknown>;

interface Usage {
  prompt_tokens: number;
  total_tokens: number;
  completion_tokens: number;
  prompt_tokens_details: null;
}

function usageOf(prompt: number, completion: number): Usage {
  return { prompt_tokens: prompt, total_tokens: prompt + completion, completion_tokens: completion, prompt_tokens_details: null };
}

function headerNumber(headers: IncomingHttpHeaders, name: string): number | undefined {
  const value = headers[name];
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

function emptyStats(): EmulatorStats {
  return {
    requests: 0,
    byEndpoint: { chat: 0, completions: 0, embeddings: 0, models: 0 },
    completed: 0,
    promptTokens: 0,
    completionTokens: 0,
    inFlight: 0,
    aborts: [],
    lastRequestHeaders: {},
    lastBody: undefined,
    byStatus: {},
    healthChecks: 0,
  };
}

function contentWords(content: unknown): number {
  if (content === undefined || content === null) return 0;
  if (typeof content === 'string') return countWords(content);
  if (Array.isArray(content)) {
    let words = 0;
    for (const part of content) {
      if (part !== null && typeof part === 'object' && typeof (part as JsonObject)['text'] === 'string') {
        words += countWords((part as JsonObject)['text'] as string);
      }
    }
    return words;
  }
  throw new ApiError(400, 'Message `content` must be a string, an array of content parts or null.');
}

/** Token counts of each prompt of a completions/embeddings input (string | string[] | number[] | number[][]). */
function inputsOf(value: unknown, field: string): Array<{ input: string | number[]; tokens: number }> {
  const invalid = () => new ApiError(400, `\`${field}\` must be a string, an array of strings, an array of token ids or an array of token-id arrays.`);
  const isTokenIds = (v: unknown): v is number[] => Array.isArray(v) && v.length > 0 && v.every((t) => Number.isInteger(t));
  if (typeof value === 'string') return [{ input: value, tokens: Math.max(1, countWords(value)) }];
  if (!Array.isArray(value) || value.length === 0) throw invalid();
  if (isTokenIds(value)) return [{ input: value, tokens: value.length }];
  return value.map((item) => {
    if (typeof item === 'string') return { input: item, tokens: Math.max(1, countWords(item)) };
    if (isTokenIds(item)) return { input: item, tokens: item.length };
    throw invalid();
  });
}

class Emulator implements VllmEmulator {
  url = '';
  port = 0;
  name = '';

  private readonly server: Server;
  private readonly models: readonly string[];
  private readonly modelSet: ReadonlySet<string>;
  private readonly tokenDelayMs: number;
  private readonly defaultMaxTokens: number;
  private readonly embeddingDimensions: number;
  private readonly maxModelLen: number;
  private readonly created = Math.floor(Date.now() / 1000);
  private readonly idPrefix = randomBytes(8).toString('hex');
  private seq = 0;
  private fingerprintJson = '""';
  private modelsJson = '';
  private behavior: EmulatorBehavior = {};
  private s: EmulatorStats = emptyStats();
  private inFlight = 0;
  private closing: Promise<void> | undefined;

  constructor(private readonly options: EmulatorOptions) {
    this.models = options.models && options.models.length > 0 ? [...options.models] : ['emulated-model'];
    this.modelSet = new Set(this.models);
    this.tokenDelayMs = Math.max(0, options.tokenDelayMs ?? 0);
    this.defaultMaxTokens = Math.max(1, options.defaultMaxTokens ?? 16);
    this.embeddingDimensions = Math.max(1, options.embeddingDimensions ?? 8);
    this.maxModelLen = Math.max(2, options.maxModelLen ?? 32768);
    this.server = createServer({ noDelay: true }, this.onRequest);
    // Benchmark clients keep sockets open between requests; never be the side that closes them first.
    this.server.keepAliveTimeout = 60_000;
    this.server.headersTimeout = 65_000;
  }

  async listen(host: string, port: number): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const address = this.server.address() as AddressInfo;
    this.port = address.port;
    this.url = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
    this.name = this.options.name ?? `vllm-emulator-${address.port}`;
    this.fingerprintJson = JSON.stringify(this.name);
    this.modelsJson = JSON.stringify({
      object: 'list',
      data: this.models.map((id) => ({
        id,
        object: 'model',
        created: this.created,
        owned_by: 'vllm',
        root: id,
        parent: null,
        max_model_len: this.maxModelLen,
        permission: [
          {
            id: `modelperm-${this.nextId()}`,
            object: 'model_permission',
            created: this.created,
            allow_create_engine: false,
            allow_sampling: true,
            allow_logprobs: true,
            allow_search_indices: false,
            allow_view: true,
            allow_fine_tuning: false,
            organization: '*',
            group: null,
            is_blocking: false,
          },
        ],
      })),
    });
  }

  behave(behavior: EmulatorBehavior): void {
    this.behavior = { ...behavior };
  }

  stats(): EmulatorStats {
    const s = this.s;
    return {
      ...s,
      byEndpoint: { ...s.byEndpoint },
      byStatus: { ...s.byStatus },
      aborts: s.aborts.map((a) => ({ ...a })),
      inFlight: this.inFlight,
    };
  }

  resetStats(): void {
    this.s = emptyStats();
  }

  close(): Promise<void> {
    if (!this.closing) {
      this.closing = new Promise<void>((resolve) => this.server.close(() => resolve()));
      this.server.closeAllConnections();
    }
    return this.closing;
  }

  // ---------------------------------------------------------------- request plumbing

  private readonly onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);

    if (path === '/health') {
      this.s.healthChecks++;
      res.writeHead(this.behavior.healthStatus ?? 200, { 'content-length': '0', 'x-emulator-instance': this.name });
      res.end();
      return;
    }
    if (!path.startsWith('/v1/')) {
      this.writeJson(res, 404, '{"detail":"Not Found"}');
      return;
    }

    const route = ROUTES.get(path);
    const s = this.s;
    s.requests++;
    if (route) s.byEndpoint[route.endpoint]++;
    s.lastRequestHeaders = req.headers;
    this.inFlight++;

    const ex: Exchange = {
      req,
      res,
      route,
      plan: this.plan(req.headers),
      body: undefined,
      bodyError: undefined,
      timer: undefined,
      chunksSent: 0,
      killed: false,
    };
    res.on('close', () => this.onClose(ex));

    if (ex.plan.drop && ex.plan.stallMs <= 0) {
      this.drop(ex);
      return;
    }
    if (req.method === 'GET' || req.method === 'HEAD') {
      req.resume();
      this.afterBody(ex, undefined);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > MAX_BODY_BYTES) {
        ex.bodyError = new ApiError(413, `Request body exceeds ${MAX_BODY_BYTES} bytes.`);
        this.afterBody(ex, undefined);
      } else {
        this.afterBody(ex, chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
      }
    });
  };

  private plan(headers: IncomingHttpHeaders): Plan {
    const b = this.behavior;
    const status = headerNumber(headers, 'x-emulator-status');
    const stall = headerNumber(headers, 'x-emulator-stall-ms');
    const die = headerNumber(headers, 'x-emulator-die-after-chunks');
    const delay = headerNumber(headers, 'x-emulator-token-delay-ms');
    return {
      status: status ?? b.status,
      retryAfterSeconds: b.retryAfterSeconds,
      stallMs: Math.max(0, stall ?? b.stallMs ?? 0),
      // a negative header value switches a behaviour-level dieAfterChunks off for this request
      dieAfterChunks: die !== undefined ? (die >= 0 ? Math.floor(die) : undefined) : b.dieAfterChunks,
      drop: b.dropConnection === true,
      tokenDelayMs: Math.max(0, delay ?? b.tokenDelayMs ?? this.tokenDelayMs),
    };
  }

  private onClose(ex: Exchange): void {
    this.inFlight--;
    if (ex.timer !== undefined) {
      clearTimeout(ex.timer);
      ex.timer = undefined;
    }
    if (!ex.res.writableEnded && !ex.killed && !this.closing) {
      this.s.aborts.push({ at: Date.now(), chunksSent: ex.chunksSent });
    }
  }

  private afterBody(ex: Exchange, raw: Buffer | undefined): void {
    if (raw !== undefined && raw.length > 0) {
      const text = raw.toString('utf8');
      try {
        ex.body = JSON.parse(text);
      } catch (err) {
        ex.body = text;
        ex.bodyError = new ApiError(400, `Invalid JSON body: ${(err as Error).message}`);
      }
    }
    this.s.lastBody = ex.body;
    const stall = ex.plan.stallMs;
    if (stall > 0) {
      ex.timer = setTimeout(() => {
        ex.timer = undefined;
        this.respond(ex);
      }, stall);
    } else {
      this.respond(ex);
    }
  }

  private respond(ex: Exchange): void {
    if (ex.res.destroyed || ex.res.writableEnded) return;
    const { plan, route } = ex;
    if (plan.drop) {
      this.drop(ex);
      return;
    }
    if (plan.status !== undefined && plan.status >= 400) {
      const headers = plan.retryAfterSeconds !== undefined ? { 'retry-after': String(plan.retryAfterSeconds) } : undefined;
      this.error(ex, plan.status, `Emulated ${plan.status} ${errorType(plan.status)} from ${this.name}.`, errorType(plan.status), headers);
      return;
    }
    if (!route) {
      this.writeJson(ex.res, 404, '{"detail":"Not Found"}');
      return;
    }
    if (ex.req.method !== route.method && !(route.method === 'GET' && ex.req.method === 'HEAD')) {
      this.writeJson(ex.res, 405, '{"detail":"Method Not Allowed"}', { allow: route.method });
      return;
    }
    try {
      switch (route.endpoint) {
        case 'models':
          this.answer(ex, this.modelsJson, 0, 0);
          return;
        case 'chat':
          this.chat(ex);
          return;
        case 'completions':
          this.completions(ex);
          return;
        case 'embeddings':
          this.embeddings(ex);
          return;
      }
    } catch (err) {
      if (err instanceof ApiError) this.error(ex, err.status, err.message, err.type);
      else this.error(ex, 500, err instanceof Error ? err.message : String(err), 'InternalServerError');
    }
  }

  // ---------------------------------------------------------------- answers

  private writeJson(res: ServerResponse, status: number, body: string, extra?: Record<string, string>): void {
    const headers: Record<string, string | number> = {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      'x-emulator-instance': this.name,
    };
    if (extra) Object.assign(headers, extra);
    res.writeHead(status, headers);
    res.end(body);
    const key = String(status);
    this.s.byStatus[key] = (this.s.byStatus[key] ?? 0) + 1;
  }

  /** A complete 2xx JSON answer that reports `prompt`/`completion` tokens. */
  private answer(ex: Exchange, body: string, prompt: number, completion: number): void {
    this.writeJson(ex.res, 200, body);
    this.completed(prompt, completion);
  }

  private completed(prompt: number, completion: number): void {
    const s = this.s;
    s.completed++;
    s.promptTokens += prompt;
    s.completionTokens += completion;
  }

  /** vLLM's error shape: `{"object":"error","message":…,"type":…,"param":null,"code":<status>}`. */
  private error(ex: Exchange, status: number, message: string, type: string, extra?: Record<string, string>): void {
    this.writeJson(ex.res, status, JSON.stringify({ object: 'error', message, type, param: null, code: status }), extra);
  }

  private drop(ex: Exchange): void {
    ex.killed = true;
    ex.req.socket.destroy();
  }

  /** Ends the connection after what was written so far has been flushed (the client sees EOF mid-body). */
  private die(ex: Exchange): void {
    ex.killed = true;
    if (ex.timer !== undefined) {
      clearTimeout(ex.timer);
      ex.timer = undefined;
    }
    ex.req.socket.destroySoon();
  }

  private later(ex: Exchange, ms: number, fn: () => void): void {
    if (ms <= 0) {
      fn();
      return;
    }
    ex.timer = setTimeout(() => {
      ex.timer = undefined;
      fn();
    }, ms);
  }

  /**
   * Writes SSE: `first` (if any) at once, then `total` chunks `render(0..total-1)` every `tokenDelayMs` (one interval
   * timer), then `tail`. `dieAfterChunks` kills the connection after that many rendered chunks.
   */
  private stream(ex: Exchange, first: string | undefined, total: number, render: (j: number) => string, tail: string, prompt: number, completion: number): void {
    const res = ex.res;
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'x-emulator-instance': this.name });
    const key = '200';
    this.s.byStatus[key] = (this.s.byStatus[key] ?? 0) + 1;
    if (first !== undefined) res.write(first);
    else res.flushHeaders();
    const die = ex.plan.dieAfterChunks;
    if (die !== undefined && die <= 0) {
      this.die(ex);
      return;
    }
    let j = 0;
    const tick = (): boolean => {
      res.write(render(j));
      j++;
      ex.chunksSent = j;
      if (die !== undefined && j >= die) {
        this.die(ex);
        return true;
      }
      if (j >= total) {
        res.end(tail);
        this.completed(prompt, completion);
        return true;
      }
      return false;
    };
    const delay = ex.plan.tokenDelayMs;
    if (delay <= 0) {
      while (!tick());
      return;
    }
    ex.timer = setInterval(() => {
      if (tick() && ex.timer !== undefined) {
        clearInterval(ex.timer);
        ex.timer = undefined;
      }
    }, delay);
  }

  // ---------------------------------------------------------------- endpoints

  private nextId(): string {
    return this.idPrefix + (this.seq++).toString(16).padStart(16, '0');
  }

  private jsonBody(ex: Exchange): JsonObject {
    if (ex.bodyError) throw ex.bodyError;
    const body = ex.body;
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new ApiError(400, 'The request body must be a JSON object.');
    return body as JsonObject;
  }

  private modelOf(body: JsonObject): string {
    const model = body['model'] ?? this.models[0];
    if (typeof model !== 'string') throw new ApiError(400, '`model` must be a string.');
    if (!this.modelSet.has(model)) throw new ApiError(404, `The model \`${model}\` does not exist.`, 'NotFoundError');
    return model;
  }

  private completionLength(body: JsonObject, promptTokens: number): { tokens: number; finishReason: 'length' | 'stop' } {
    const raw = body['max_completion_tokens'] ?? body['max_tokens'];
    let tokens: number;
    let finishReason: 'length' | 'stop';
    if (raw === undefined || raw === null) {
      tokens = Math.max(1, Math.min(this.defaultMaxTokens, this.maxModelLen - promptTokens));
      finishReason = 'stop';
    } else {
      if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < 1) throw new ApiError(400, `max_tokens must be at least 1, got ${JSON.stringify(raw)}.`);
      tokens = raw;
      finishReason = 'length';
    }
    if (promptTokens + tokens > this.maxModelLen) {
      throw new ApiError(
        400,
        `This model's maximum context length is ${this.maxModelLen} tokens. However, you requested ${promptTokens + tokens} tokens ` +
          `(${promptTokens} in the messages, ${tokens} in the completion). Please reduce the length of the messages or completion.`,
      );
    }
    return { tokens, finishReason };
  }

  private streamFlags(body: JsonObject): { stream: boolean; includeUsage: boolean; continuous: boolean } {
    const stream = body['stream'];
    if (stream !== undefined && stream !== null && typeof stream !== 'boolean') throw new ApiError(400, '`stream` must be a boolean.');
    const options = body['stream_options'];
    if (options === undefined || options === null) return { stream: stream === true, includeUsage: false, continuous: false };
    if (stream !== true) throw new ApiError(400, 'Stream options can only be defined when `stream=True`.');
    if (typeof options !== 'object' || Array.isArray(options)) throw new ApiError(400, '`stream_options` must be an object.');
    const includeUsage = (options as JsonObject)['include_usage'] === true;
    return { stream: true, includeUsage, continuous: includeUsage && (options as JsonObject)['continuous_usage_stats'] === true };
  }

  private chat(ex: Exchange): void {
    const body = this.jsonBody(ex);
    const model = this.modelOf(body);
    const messages = body['messages'];
    if (!Array.isArray(messages) || messages.length === 0) throw new ApiError(400, '`messages` must be a non-empty array.');
    let words = 0;
    for (const message of messages) {
      if (message === null || typeof message !== 'object') throw new ApiError(400, 'Each message must be an object with `role` and `content`.');
      words += contentWords((message as JsonObject)['content']);
    }
    const prompt = Math.max(1, words);
    const { tokens, finishReason } = this.completionLength(body, prompt);
    const { stream, includeUsage, continuous } = this.streamFlags(body);
    const id = `chatcmpl-${this.nextId()}`;
    const created = Math.floor(Date.now() / 1000);

    if (!stream) {
      this.later(ex, tokens * ex.plan.tokenDelayMs, () => {
        const json = JSON.stringify({
          id,
          object: 'chat.completion',
          created,
          model,
          system_fingerprint: this.name,
          choices: [
            {
              index: 0,
              message: { role: 'assistant', reasoning_content: null, content: emulatedText(tokens), tool_calls: [] },
              logprobs: null,
              finish_reason: finishReason,
              stop_reason: null,
            },
          ],
          usage: usageOf(prompt, tokens),
          prompt_logprobs: null,
        });
        this.answer(ex, json, prompt, tokens);
      });
      return;
    }

    const envelope = `"id":"${id}","object":"chat.completion.chunk","created":${created},"model":${JSON.stringify(model)},"system_fingerprint":${this.fingerprintJson}`;
    const head = `data: {${envelope},"choices":[{"index":0,"delta":`;
    const usageNull = includeUsage ? ',"usage":null' : '';
    const usage = (n: number): string =>
      continuous ? `,"usage":{"prompt_tokens":${prompt},"total_tokens":${prompt + n},"completion_tokens":${n}}` : usageNull;
    const last = tokens - 1;
    const lastFinish = `"logprobs":null,"finish_reason":"${finishReason}","stop_reason":null}]`;
    const first = `${head}{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]${usage(0)}}\n\n`;
    const render = (j: number): string =>
      j === last
        ? `${head}{"content":"tok${j} "},${lastFinish}${usage(j + 1)}}\n\n`
        : `${head}{"content":"tok${j} "},"logprobs":null,"finish_reason":null}]${usage(j + 1)}}\n\n`;
    const usageChunk = includeUsage
      ? `data: {${envelope},"choices":[],"usage":{"prompt_tokens":${prompt},"total_tokens":${prompt + tokens},"completion_tokens":${tokens}}}\n\n`
      : '';
    this.stream(ex, first, tokens, render, `${usageChunk}data: [DONE]\n\n`, prompt, tokens);
  }

  private completions(ex: Exchange): void {
    const body = this.jsonBody(ex);
    const model = this.modelOf(body);
    if (body['prompt'] === undefined) throw new ApiError(400, '`prompt` is required.');
    const prompts = inputsOf(body['prompt'], 'prompt');
    let prompt = 0;
    let longest = 0;
    for (const p of prompts) {
      prompt += p.tokens;
      longest = Math.max(longest, p.tokens);
    }
    const { tokens, finishReason } = this.completionLength(body, longest);
    const completion = tokens * prompts.length;
    const { stream, includeUsage, continuous } = this.streamFlags(body);
    const id = `cmpl-${this.nextId()}`;
    const created = Math.floor(Date.now() / 1000);

    if (!stream) {
      this.later(ex, tokens * ex.plan.tokenDelayMs, () => {
        const text = emulatedText(tokens);
        const json = JSON.stringify({
          id,
          object: 'text_completion',
          created,
          model,
          system_fingerprint: this.name,
          choices: prompts.map((_, index) => ({
            index,
            text,
            logprobs: null,
            finish_reason: finishReason,
            stop_reason: null,
            prompt_logprobs: null,
          })),
          usage: usageOf(prompt, completion),
        });
        this.answer(ex, json, prompt, completion);
      });
      return;
    }

    const n = prompts.length;
    const envelope = `"id":"${id}","object":"text_completion","created":${created},"model":${JSON.stringify(model)},"system_fingerprint":${this.fingerprintJson}`;
    const head = `data: {${envelope},"choices":[{"index":`;
    const usageNull = includeUsage ? ',"usage":null' : '';
    const last = tokens - 1;
    const lastFinish = `"finish_reason":"${finishReason}"`;
    const render = (j: number): string => {
      const k = n === 1 ? 0 : j % n;
      const i = n === 1 ? j : Math.floor(j / n);
      const usage = continuous
        ? `,"usage":{"prompt_tokens":${prompts[k]?.tokens ?? 0},"total_tokens":${(prompts[k]?.tokens ?? 0) + i + 1},"completion_tokens":${i + 1}}`
        : usageNull;
      return `${head}${k},"text":"tok${i} ","logprobs":null,${i === last ? lastFinish : '"finish_reason":null'},"stop_reason":null}]${usage}}\n\n`;
    };
    const usageChunk = includeUsage
      ? `data: {${envelope},"choices":[],"usage":{"prompt_tokens":${prompt},"total_tokens":${prompt + completion},"completion_tokens":${completion}}}\n\n`
      : '';
    this.stream(ex, undefined, completion, render, `${usageChunk}data: [DONE]\n\n`, prompt, completion);
  }

  private embeddings(ex: Exchange): void {
    const body = this.jsonBody(ex);
    const model = this.modelOf(body);
    if (body['input'] === undefined) throw new ApiError(400, '`input` is required.');
    const inputs = inputsOf(body['input'], 'input');
    const format = body['encoding_format'] ?? 'float';
    if (format !== 'float' && format !== 'base64') throw new ApiError(400, '`encoding_format` must be "float" or "base64".');
    const requested = body['dimensions'];
    let dimensions = this.embeddingDimensions;
    if (requested !== undefined && requested !== null) {
      if (typeof requested !== 'number' || !Number.isInteger(requested) || requested < 1) throw new ApiError(400, '`dimensions` must be a positive integer.');
      dimensions = requested;
    }
    let prompt = 0;
    const data = inputs.map(({ input, tokens }, index) => {
      prompt += tokens;
      const vector = emulatedEmbedding(input, dimensions);
      return { index, object: 'embedding', embedding: format === 'base64' ? float32ToBase64(vector) : Array.from(vector) };
    });
    const json = JSON.stringify({
      id: `embd-${this.nextId()}`,
      object: 'list',
      created: Math.floor(Date.now() / 1000),
      model,
      data,
      usage: usageOf(prompt, 0),
    });
    this.answer(ex, json, prompt, 0);
  }
}

export async function startVllmEmulator(options: EmulatorOptions = {}): Promise<VllmEmulator> {
  const emulator = new Emulator(options);
  await emulator.listen(options.host ?? '127.0.0.1', options.port ?? 0);
  return emulator;
}
