import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ApiKeyRow } from '../apikeys/repository.js';
import type { LimitScope, RateLimiter } from './limits.js';
import type { GatewayMetrics } from './metrics.js';
import { openAiError } from './openai-errors.js';
import type { PoolRegistry } from './pools.js';
import type { InferencePath, InferenceProxy } from './proxy.js';
import type { TenantLimits } from './tenant-limits.js';
import type { UsageRecorder } from './usage.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The API key the caller authenticated with; null for JWT callers. */
    apiKey: ApiKeyRow | null;
  }
}

/**
 * One `/v1` inference call: resolve the model's pool for this caller, admit it against the key's
 * and the tenant's limits, proxy it, then account tokens (limits, usage, metrics).
 */
export class InferenceGateway {
  constructor(
    private readonly pools: PoolRegistry,
    private readonly proxy: InferenceProxy,
    private readonly limiter: RateLimiter,
    private readonly tenantLimits: TenantLimits,
    private readonly usage: UsageRecorder,
    private readonly metrics: GatewayMetrics,
  ) {}

  /** Models the caller may use: its tenant's pools, narrowed by the key's allow-list. */
  modelsFor(tenantId: string, apiKey: ApiKeyRow | null): string[] {
    return this.pools
      .all()
      .filter((pool) => pool.allows(tenantId) && (!apiKey?.models || apiKey.models.includes(pool.model)))
      .map((pool) => pool.model)
      .sort();
  }

  async handle(request: FastifyRequest, reply: FastifyReply, path: InferencePath): Promise<void> {
    const started = performance.now();
    const body = request.body as Record<string, unknown>;
    const model = body['model'] as string;
    const { tenantId } = request.principal;
    const apiKey = request.apiKey;
    const pool = this.pools.get(model);
    if (!pool || !pool.allows(tenantId)) {
      throw openAiError(404, 'model_not_found', `The model '${model}' does not exist or you do not have access to it.`);
    }
    if (apiKey?.models && !apiKey.models.includes(model)) {
      throw openAiError(403, 'model_not_allowed', `This API key may not use the model '${model}'.`);
    }

    const scopes: LimitScope[] = [{ id: `tenant:${tenantId}`, limits: await this.tenantLimits.get(tenantId) }];
    if (apiKey) {
      scopes.unshift({
        id: `key:${apiKey.id}`,
        limits: {
          requestsPerMinute: apiKey.requestsPerMinute,
          tokensPerMinute: apiKey.tokensPerMinute,
          maxConcurrency: apiKey.maxConcurrency,
        },
      });
    }
    let decision;
    try {
      decision = await this.limiter.admit(scopes);
    } catch {
      throw openAiError(503, 'rate_limiter_unavailable', 'Rate limits cannot be checked right now. Retry shortly.', {
        'retry-after': '1',
      });
    }
    if (!decision.admitted) {
      const { rejection } = decision;
      this.metrics.rateLimited.inc({ scope: rejection.scope.split(':')[0] as string, limit: rejection.kind });
      this.metrics.requests.inc({ model, status: '429' });
      const what = rejection.kind === 'concurrency' ? 'concurrent requests' : `${rejection.kind} per minute`;
      const whose = rejection.scope.startsWith('key:') ? 'this API key' : 'your tenant';
      throw openAiError(429, 'rate_limit_exceeded', `Limit of ${what} reached for ${whose}. Retry after ${rejection.retryAfterSeconds} s.`, rejection.headers);
    }
    reply.headers(decision.admission.headers);

    let outcome;
    try {
      outcome = await this.proxy.forward(request, reply, path, body, pool);
    } catch (error) {
      decision.admission.release(0);
      const status = (error as { status?: number }).status ?? 500;
      this.metrics.requests.inc({ model, status: String(status) });
      this.usage.record({ tenantId, apiKeyId: apiKey?.id ?? '', model, promptTokens: 0, completionTokens: 0, failed: true });
      throw error;
    }
    const promptTokens = outcome.usage?.promptTokens ?? 0;
    const completionTokens = outcome.usage?.completionTokens ?? 0;
    decision.admission.release(promptTokens + completionTokens);
    this.usage.record({
      tenantId,
      apiKeyId: apiKey?.id ?? '',
      model: outcome.model,
      promptTokens,
      completionTokens,
      failed: outcome.status >= 400,
    });
    this.metrics.requests.inc({ model: outcome.model, status: String(outcome.status) });
    this.metrics.tokens.inc({ model: outcome.model, kind: 'prompt' }, promptTokens);
    this.metrics.tokens.inc({ model: outcome.model, kind: 'completion' }, completionTokens);
    this.metrics.duration.observe({ model: outcome.model, stream: String(body['stream'] === true) }, (performance.now() - started) / 1000);
  }
}
