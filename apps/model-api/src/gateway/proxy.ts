import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Dispatcher } from 'undici';
import type { Endpoint } from './endpoint.js';
import type { GatewayMetrics } from './metrics.js';
import { openAiError } from './openai-errors.js';
import type { PickHints, PoolRegistry, ServingPool } from './pools.js';
import { SseUsageFilter, extractUsage, type TokenUsage } from './sse.js';

export type InferencePath = '/v1/chat/completions' | '/v1/completions' | '/v1/embeddings';

export interface ProxyOptions {
  maxAttempts: number;
  maxRetryAfterMs: number;
  prefixAffinityChars: number;
}

/** What one proxied request produced, for limits, usage and metrics. */
export interface ProxyOutcome {
  /** The model that answered (a fallback may have stepped in). */
  model: string;
  status: number;
  usage: TokenUsage | undefined;
}

const RETRYABLE_STATUS = new Set([429, 502, 503]);
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'date', 'server']);

const retryAfterMs = (headers: Dispatcher.ResponseData['headers']): number => {
  const value = headers['retry-after'];
  const text = Array.isArray(value) ? value[0] : value;
  if (!text) return 0;
  const seconds = Number(text);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(text);
  return Number.isNaN(date) ? 0 : Math.max(0, date - Date.now());
};

/** The first characters of the prompt, for prefix affinity (shared system prompts hit a warm KV cache). */
function promptPrefix(body: Record<string, unknown>, chars: number): string | undefined {
  const messages = body['messages'];
  if (Array.isArray(messages)) {
    let text = '';
    for (const message of messages) {
      const content = (message as { content?: unknown }).content;
      text += typeof content === 'string' ? content : JSON.stringify(content ?? '');
      if (text.length >= chars) break;
    }
    return text.slice(0, chars);
  }
  const prompt = body['prompt'];
  if (typeof prompt === 'string') return prompt.slice(0, chars);
  if (Array.isArray(prompt)) return JSON.stringify(prompt).slice(0, chars);
  return undefined;
}

/**
 * Forwards one OpenAI-compatible request to a vLLM endpoint of the model's pool and relays the
 * answer. Until the first byte reaches the client it may try another endpoint (connection failure,
 * 502, 503, 429, a broken non-streaming body) and finally the model's fallback; once a stream has
 * started it never retries. The client going away aborts the upstream request at once.
 */
export class InferenceProxy {
  constructor(
    private readonly pools: PoolRegistry,
    private readonly metrics: GatewayMetrics,
    private readonly options: ProxyOptions,
  ) {}

  async forward(
    request: FastifyRequest,
    reply: FastifyReply,
    path: InferencePath,
    body: Record<string, unknown>,
    pool: ServingPool,
  ): Promise<ProxyOutcome> {
    const started = performance.now();
    const stream = body['stream'] === true && path !== '/v1/embeddings';
    let clientWantsUsage = true;
    if (stream) {
      const streamOptions = (body['stream_options'] ?? {}) as Record<string, unknown>;
      clientWantsUsage = streamOptions['include_usage'] === true;
      body['stream_options'] = { ...streamOptions, include_usage: true };
    }
    const sessionHeader = request.headers['x-session-id'];
    const hints: PickHints = {
      sessionKey: typeof sessionHeader === 'string' ? sessionHeader : typeof body['user'] === 'string' ? body['user'] : undefined,
      prefixKey: pool.routing === 'prefix' ? promptPrefix(body, this.options.prefixAffinityChars) : undefined,
    };
    const abort = new AbortController();
    const onClientGone = () => {
      if (!reply.raw.writableFinished) abort.abort();
    };
    reply.raw.once('close', onClientGone);
    const headers: Record<string, string> = { 'content-type': 'application/json', 'x-request-id': request.id };
    if (request.traceparent) headers['traceparent'] = request.traceparent;

    let lastFailure: { status: number; body: string; retryAfterMs: number } | undefined;
    let anyEndpointTried = false;
    const poolsToTry: ServingPool[] = [pool];
    const fallbackPool = pool.fallback ? this.pools.get(pool.fallback) : undefined;
    if (fallbackPool && fallbackPool !== pool) poolsToTry.push(fallbackPool);

    try {
      for (const current of poolsToTry) {
        if (current !== pool) body['model'] = current.model;
        const payload = JSON.stringify(body);
        const tried = new Set<Endpoint>();
        for (let attempt = 0; attempt < this.options.maxAttempts; attempt++) {
          if (abort.signal.aborted) return { model: current.model, status: 499, usage: undefined };
          const endpoint = current.pick(hints, tried);
          if (!endpoint) break;
          anyEndpointTried = true;
          tried.add(endpoint);
          if (attempt > 0) this.metrics.retries.inc({ model: current.model, reason: lastFailure ? String(lastFailure.status) : 'connect' });
          const done = endpoint.begin(Date.now());
          let upstream: Dispatcher.ResponseData;
          try {
            upstream = await endpoint.dispatcher.request({ path, method: 'POST', headers, body: payload, signal: abort.signal });
          } catch {
            done(abort.signal.aborted ? 'neutral' : 'failure');
            lastFailure = undefined;
            continue;
          }
          if (RETRYABLE_STATUS.has(upstream.statusCode)) {
            const waitMs = retryAfterMs(upstream.headers);
            if (waitMs > 0) endpoint.backoffUntil = Date.now() + Math.min(waitMs, this.options.maxRetryAfterMs);
            lastFailure = { status: upstream.statusCode, body: await upstream.body.text().catch(() => ''), retryAfterMs: waitMs };
            done(upstream.statusCode === 429 ? 'neutral' : 'failure');
            continue;
          }
          const isEventStream = String(upstream.headers['content-type'] ?? '').startsWith('text/event-stream');
          if (stream && upstream.statusCode === 200 && isEventStream) {
            const usage = await this.relayStream(request, reply, upstream, done, clientWantsUsage, current.model, started);
            return { model: current.model, status: 200, usage };
          }
          let text: string;
          try {
            text = await upstream.body.text();
          } catch {
            // Nothing has reached the client yet: another endpoint may still answer.
            done(abort.signal.aborted ? 'neutral' : 'failure');
            lastFailure = undefined;
            continue;
          }
          done(upstream.statusCode >= 500 ? 'failure' : 'success');
          this.copyHeaders(upstream, reply);
          await reply.code(upstream.statusCode).send(text);
          return {
            model: current.model,
            status: upstream.statusCode,
            usage: upstream.statusCode === 200 ? extractUsage(text) : undefined,
          };
        }
      }
    } finally {
      reply.raw.removeListener('close', onClientGone);
    }

    if (!anyEndpointTried) {
      throw openAiError(503, 'no_healthy_endpoint', `No healthy endpoint serves model '${pool.model}' right now. Retry shortly.`, {
        'retry-after': '1',
      });
    }
    if (lastFailure) {
      const retryAfter: Record<string, string> =
        lastFailure.retryAfterMs > 0 ? { 'retry-after': String(Math.ceil(lastFailure.retryAfterMs / 1000)) } : {};
      if (lastFailure.status === 429) {
        throw openAiError(429, 'upstream_overloaded', `Every endpoint of '${pool.model}' is at capacity. Retry shortly.`, retryAfter);
      }
      throw openAiError(lastFailure.status, 'upstream_unavailable', `The model server answered ${lastFailure.status}.`, retryAfter);
    }
    throw openAiError(502, 'upstream_unreachable', `No endpoint of '${pool.model}' could be reached.`);
  }

  private copyHeaders(upstream: Dispatcher.ResponseData, reply: FastifyReply): void {
    for (const [name, value] of Object.entries(upstream.headers)) {
      if (value !== undefined && !HOP_BY_HOP.has(name)) reply.header(name, value);
    }
  }

  /** Relays the event stream chunk by chunk; an upstream failure ends it with an OpenAI error event. */
  private async relayStream(
    request: FastifyRequest,
    reply: FastifyReply,
    upstream: Dispatcher.ResponseData,
    done: (outcome: 'success' | 'failure' | 'neutral') => void,
    clientWantsUsage: boolean,
    model: string,
    started: number,
  ): Promise<TokenUsage | undefined> {
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, {
      ...(reply.getHeaders() as Record<string, string>),
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      'x-accel-buffering': 'no',
    });
    raw.flushHeaders();
    const filter = new SseUsageFilter(clientWantsUsage);
    let first = true;
    try {
      for await (const chunk of upstream.body) {
        const out = filter.push(chunk as Buffer);
        if (out.length === 0) continue;
        if (first) {
          first = false;
          this.metrics.timeToFirstToken.observe({ model }, (performance.now() - started) / 1000);
        }
        raw.write(out);
      }
      const rest = filter.end();
      if (rest) raw.write(rest);
      done('success');
    } catch (error) {
      if (raw.destroyed || raw.writableEnded) {
        done('neutral');
      } else {
        done('failure');
        request.log.warn({ err: error }, 'upstream failed mid-stream');
        const event = {
          error: { message: 'The model server failed during the stream.', type: 'server_error', param: null, code: 'upstream_stream_failed' },
        };
        raw.write(`data: ${JSON.stringify(event)}\n\n`);
      }
    }
    if (!raw.destroyed) raw.end();
    // A hijacked reply skips Fastify's own completion log; streams get the same access-log line.
    request.log.info(
      { method: request.method, path: request.url, route: request.routeOptions.url, statusCode: 200, responseTime: performance.now() - started, stream: true },
      'request completed',
    );
    return filter.usage;
  }
}
