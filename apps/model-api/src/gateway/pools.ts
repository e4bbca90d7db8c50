import { Endpoint, type EndpointOptions } from './endpoint.js';
import { leastOutstanding, prefixAffinity, sessionAffinity, type RoutingStrategy } from './balancer.js';

/** What discovery knows about one served model name. */
export interface PoolDefinition {
  model: string;
  /** Resolved endpoint base URLs, e.g. http://10.0.3.7:8000 */
  endpoints: string[];
  routing: RoutingStrategy;
  fallback?: string | undefined;
  /** Tenants that may call this model; `*` = all. */
  tenants: string[];
}

export interface PickHints {
  /** `x-session-id` header or the `user` field. */
  sessionKey?: string | undefined;
  /** The first characters of the prompt. */
  prefixKey?: string | undefined;
}

export class ServingPool {
  endpoints: Endpoint[] = [];
  routing: RoutingStrategy = 'least-outstanding';
  fallback: string | undefined;
  private tenants = new Set<string>(['*']);

  constructor(
    readonly model: string,
    private readonly prefixLoadFactor: number,
  ) {}

  allows(tenantId: string): boolean {
    return this.tenants.has('*') || this.tenants.has(tenantId);
  }

  configure(definition: PoolDefinition): void {
    this.routing = definition.routing;
    this.fallback = definition.fallback;
    this.tenants = new Set(definition.tenants);
  }

  /** An available endpoint not in `exclude`, by the pool's strategy; undefined when none is left. */
  pick(hints: PickHints, exclude: ReadonlySet<Endpoint>): Endpoint | undefined {
    const now = Date.now();
    const candidates = this.endpoints.filter((endpoint) => !exclude.has(endpoint) && endpoint.isAvailable(now));
    if (this.routing === 'session' && hints.sessionKey) return sessionAffinity(hints.sessionKey, candidates);
    if (this.routing === 'prefix' && hints.prefixKey) return prefixAffinity(hints.prefixKey, candidates, this.prefixLoadFactor);
    return leastOutstanding(candidates);
  }

  healthyCount(): number {
    const now = Date.now();
    return this.endpoints.filter((endpoint) => endpoint.isAvailable(now)).length;
  }
}

/**
 * All pools by served model name. `sync` applies discovery's latest view: endpoints that stay keep
 * their state (load, health, ejection); new ones are added; vanished ones are closed once idle.
 */
export class PoolRegistry {
  private readonly pools = new Map<string, ServingPool>();
  private readonly endpoints = new Map<string, Endpoint>();

  constructor(
    private readonly endpointOptions: EndpointOptions,
    private readonly prefixLoadFactor: number,
  ) {}

  get(model: string): ServingPool | undefined {
    return this.pools.get(model);
  }

  all(): ServingPool[] {
    return [...this.pools.values()];
  }

  allEndpoints(): Endpoint[] {
    return [...this.endpoints.values()];
  }

  sync(definitions: PoolDefinition[]): void {
    const seenModels = new Set<string>();
    const seenUrls = new Set<string>();
    for (const definition of definitions) {
      seenModels.add(definition.model);
      let pool = this.pools.get(definition.model);
      if (!pool) {
        pool = new ServingPool(definition.model, this.prefixLoadFactor);
        this.pools.set(definition.model, pool);
      }
      pool.configure(definition);
      pool.endpoints = [...new Set(definition.endpoints)].map((url) => {
        seenUrls.add(url);
        let endpoint = this.endpoints.get(url);
        if (!endpoint) {
          endpoint = new Endpoint(url, this.endpointOptions);
          this.endpoints.set(url, endpoint);
        }
        return endpoint;
      });
    }
    for (const model of [...this.pools.keys()]) if (!seenModels.has(model)) this.pools.delete(model);
    for (const [url, endpoint] of [...this.endpoints]) {
      if (seenUrls.has(url)) continue;
      this.endpoints.delete(url);
      // In-flight requests finish on the old connections; close() waits for them.
      void endpoint.close();
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.endpoints.values()].map((endpoint) => endpoint.close()));
    this.endpoints.clear();
    this.pools.clear();
  }
}
