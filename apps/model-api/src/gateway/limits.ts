import { randomUUID } from 'node:crypto';
import type { Redis, Result } from 'ioredis';
import type { FastifyBaseLogger } from 'fastify';

/** Limits of one scope (an API key, or a tenant); 0 or null = unlimited. */
export interface ScopeLimits {
  requestsPerMinute: number | null;
  tokensPerMinute: number | null;
  maxConcurrency: number | null;
}

export interface LimitScope {
  /** `key:<id>` or `tenant:<id>` */
  id: string;
  limits: ScopeLimits;
}

export interface Admission {
  /** Limits and what is left of them, for `x-ratelimit-*` headers (the tightest scope). */
  headers: Record<string, string>;
  /** Count tokens used and free the concurrency slot; call exactly once when the request ends. */
  release(tokens: number): void;
}

export interface Rejection {
  scope: string;
  kind: 'requests' | 'tokens' | 'concurrency';
  retryAfterSeconds: number;
  headers: Record<string, string>;
}

export type LimitDecision = { admitted: true; admission: Admission } | { admitted: false; rejection: Rejection };

/** Counter windows; the admission script's `window_left` uses the same 60 seconds. */
const WINDOW_SECONDS = 60;

/**
 * One round trip decides for every scope at once, atomically, so limits hold across any number of
 * gateway replicas: per-minute request and token counters (fixed windows), and concurrency as a
 * sorted set of request ids scored by start time, so slots of a crashed replica expire on their own.
 *
 * KEYS per scope: requests counter, tokens counter, concurrency set. ARGV: now (ms), request id,
 * slot ttl (ms), then per scope: rpm, tpm, max concurrency (0 = unlimited).
 * Returns {0, remaining requests, remaining tokens} or {scope index (1-based), kind, retry after s}.
 */
const ADMIT_SCRIPT = `
local now = tonumber(ARGV[1])
local id = ARGV[2]
local ttl = tonumber(ARGV[3])
local scopes = #KEYS / 3
local window_left = 60 - math.floor(now / 1000) % 60
local min_req, min_tok = -1, -1
for i = 1, scopes do
  local rpm = tonumber(ARGV[3 + (i - 1) * 3 + 1])
  local tpm = tonumber(ARGV[3 + (i - 1) * 3 + 2])
  local conc = tonumber(ARGV[3 + (i - 1) * 3 + 3])
  local req_key, tok_key, conc_key = KEYS[(i - 1) * 3 + 1], KEYS[(i - 1) * 3 + 2], KEYS[(i - 1) * 3 + 3]
  if rpm > 0 then
    local used = tonumber(redis.call('GET', req_key) or '0')
    if used >= rpm then return {i, 'requests', window_left} end
    if min_req < 0 or rpm - used - 1 < min_req then min_req = rpm - used - 1 end
  end
  if tpm > 0 then
    local used = tonumber(redis.call('GET', tok_key) or '0')
    if used >= tpm then return {i, 'tokens', window_left} end
    if min_tok < 0 or tpm - used < min_tok then min_tok = tpm - used end
  end
  if conc > 0 then
    redis.call('ZREMRANGEBYSCORE', conc_key, '-inf', now - ttl)
    if redis.call('ZCARD', conc_key) >= conc then return {i, 'concurrency', 1} end
  end
end
for i = 1, scopes do
  local rpm = tonumber(ARGV[3 + (i - 1) * 3 + 1])
  local conc = tonumber(ARGV[3 + (i - 1) * 3 + 3])
  if rpm > 0 then
    redis.call('INCR', KEYS[(i - 1) * 3 + 1])
    redis.call('EXPIRE', KEYS[(i - 1) * 3 + 1], 120)
  end
  if conc > 0 then
    redis.call('ZADD', KEYS[(i - 1) * 3 + 3], now, id)
    redis.call('PEXPIRE', KEYS[(i - 1) * 3 + 3], ttl)
  end
end
return {0, min_req, min_tok, window_left}
`;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    admitRequest(numberOfKeys: number, ...keysAndArgs: (string | number)[]): Result<(string | number)[], Context>;
  }
}

const unlimited = (limits: ScopeLimits): boolean =>
  !limits.requestsPerMinute && !limits.tokensPerMinute && !limits.maxConcurrency;

export interface LimiterOptions {
  failMode: 'open' | 'closed';
  /** A concurrency slot outlives a crashed replica by at most this long. */
  slotTtlMs: number;
  onUnavailable: () => void;
  log: FastifyBaseLogger;
}

export class RateLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly options: LimiterOptions,
  ) {
    redis.defineCommand('admitRequest', { lua: ADMIT_SCRIPT });
  }

  /** Admits the request in every scope or rejects it. Redis unreachable: admitted (fail-open) or throws (fail-closed). */
  async admit(scopes: LimitScope[]): Promise<LimitDecision> {
    const active = scopes.filter((scope) => !unlimited(scope.limits));
    if (active.length === 0) return { admitted: true, admission: { headers: {}, release: () => undefined } };
    const minute = Math.floor(Date.now() / (WINDOW_SECONDS * 1000));
    const keys = active.flatMap((scope) => [
      `rl:${scope.id}:req:${minute}`,
      `rl:${scope.id}:tok:${minute}`,
      `rl:${scope.id}:conc`,
    ]);
    const requestId = randomUUID();
    const args = [
      Date.now(),
      requestId,
      this.options.slotTtlMs,
      ...active.flatMap((scope) => [
        scope.limits.requestsPerMinute ?? 0,
        scope.limits.tokensPerMinute ?? 0,
        scope.limits.maxConcurrency ?? 0,
      ]),
    ];
    let result: (string | number)[];
    try {
      result = await this.redis.admitRequest(keys.length, ...keys, ...args);
    } catch (error) {
      this.options.onUnavailable();
      this.options.log.warn({ err: error, failMode: this.options.failMode }, 'rate limiter unavailable');
      if (this.options.failMode === 'closed') throw error;
      return { admitted: true, admission: { headers: {}, release: () => undefined } };
    }
    const tightest = active.reduce<ScopeLimits>(
      (acc, scope) => ({
        requestsPerMinute: minPositive(acc.requestsPerMinute, scope.limits.requestsPerMinute),
        tokensPerMinute: minPositive(acc.tokensPerMinute, scope.limits.tokensPerMinute),
        maxConcurrency: null,
      }),
      { requestsPerMinute: null, tokensPerMinute: null, maxConcurrency: null },
    );
    const [status, second, third, fourth] = result;
    if (status !== 0) {
      const scope = active[Number(status) - 1] as LimitScope;
      const retryAfterSeconds = Number(third);
      return {
        admitted: false,
        rejection: {
          scope: scope.id,
          kind: second as Rejection['kind'],
          retryAfterSeconds,
          headers: { ...limitHeaders(tightest, 0, 0, retryAfterSeconds), 'retry-after': String(retryAfterSeconds) },
        },
      };
    }
    let released = false;
    return {
      admitted: true,
      admission: {
        headers: limitHeaders(tightest, Number(second), Number(third), Number(fourth)),
        release: (tokens: number) => {
          if (released) return;
          released = true;
          const pipeline = this.redis.pipeline();
          for (const scope of active) {
            if (scope.limits.tokensPerMinute && tokens > 0) {
              pipeline.incrby(`rl:${scope.id}:tok:${minute}`, tokens);
              pipeline.expire(`rl:${scope.id}:tok:${minute}`, 120);
            }
            if (scope.limits.maxConcurrency) pipeline.zrem(`rl:${scope.id}:conc`, requestId);
          }
          pipeline.exec().catch((error: unknown) => this.options.log.warn({ err: error }, 'could not release rate limit slot'));
        },
      },
    };
  }
}

const minPositive = (a: number | null, b: number | null): number | null => {
  if (!a) return b || null;
  if (!b) return a;
  return Math.min(a, b);
};

/** OpenAI's header names, so existing client back-off logic works unchanged. */
function limitHeaders(limits: ScopeLimits, remainingRequests: number, remainingTokens: number, resetSeconds: number) {
  const headers: Record<string, string> = {};
  if (limits.requestsPerMinute) {
    headers['x-ratelimit-limit-requests'] = String(limits.requestsPerMinute);
    headers['x-ratelimit-remaining-requests'] = String(Math.max(0, remainingRequests));
    headers['x-ratelimit-reset-requests'] = `${resetSeconds}s`;
  }
  if (limits.tokensPerMinute) {
    headers['x-ratelimit-limit-tokens'] = String(limits.tokensPerMinute);
    headers['x-ratelimit-remaining-tokens'] = String(Math.max(0, remainingTokens));
    headers['x-ratelimit-reset-tokens'] = `${resetSeconds}s`;
  }
  return headers;
}

