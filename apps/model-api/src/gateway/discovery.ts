import { readFile } from 'node:fs/promises';
import { lookup } from 'node:dns/promises';
import type { FastifyBaseLogger } from 'fastify';
import { Type, type Static } from '@one-data/service-kit';
import { Value } from 'typebox/value';
import { ROUTING_STRATEGIES } from './balancer.js';
import type { PoolDefinition, PoolRegistry } from './pools.js';

const StaticPoolSchema = Type.Object(
  {
    model: Type.String({ minLength: 1, maxLength: 128 }),
    endpoints: Type.Array(Type.String({ pattern: '^https?://' }), { default: [] }),
    /** `host:port` of a headless Service: every address it resolves to is an endpoint. */
    dns: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9.-]+:\\d+$' })),
    routing: Type.Union([Type.Literal('least-outstanding'), Type.Literal('session'), Type.Literal('prefix')], {
      default: 'least-outstanding',
    }),
    fallback: Type.Optional(Type.String({ minLength: 1 })),
    tenants: Type.Array(Type.String({ minLength: 1 }), { default: ['*'] }),
  },
  { additionalProperties: false },
);
const StaticPoolsSchema = Type.Array(StaticPoolSchema);
export type StaticPool = Static<typeof StaticPoolSchema>;

/** Parses SERVING_POOLS; throws one message naming every problem (configuration fails fast). */
export function parseStaticPools(json: string, source = 'SERVING_POOLS'): StaticPool[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    throw new Error(`${source} is not valid JSON: ${(error as Error).message}`);
  }
  const value = Value.Default(StaticPoolsSchema, parsed);
  const problems = [...Value.Errors(StaticPoolsSchema, value)]
    .filter((error) => error.keyword !== 'boolean')
    .map((error) => `${error.instancePath || '/'} ${error.message}`);
  if (problems.length > 0) throw new Error(`${source} is invalid: ${problems.join('; ')}`);
  return value as StaticPool[];
}

/** A pool discovered from a serving deployment (the model-api's own records). */
export interface DeployedPool {
  servedName: string;
  tenantId: string;
  dns: string;
  routing: string;
  fallbackModel: string | null;
}

export interface DiscoverySources {
  staticPools: () => Promise<StaticPool[]>;
  deployedPools: () => Promise<DeployedPool[]>;
}

export const staticPoolsFrom = (json: string, file: string | undefined) => async (): Promise<StaticPool[]> =>
  file ? parseStaticPools(await readFile(file, 'utf8'), file) : parseStaticPools(json);

/**
 * Keeps the pool registry in step with configuration and Kubernetes: static endpoints as given,
 * DNS names (a headless Service's pod addresses) re-resolved on every round, deployments re-read.
 * A name that fails to resolve keeps its last known addresses rather than emptying the pool.
 */
export class Discovery {
  private readonly lastResolved = new Map<string, string[]>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly registry: PoolRegistry,
    private readonly sources: DiscoverySources,
    private readonly log: FastifyBaseLogger,
  ) {}

  async refresh(): Promise<void> {
    const [staticPools, deployed] = await Promise.all([
      this.sources.staticPools(),
      this.sources.deployedPools().catch((error: unknown) => {
        this.log.warn({ err: error }, 'could not read serving deployments; keeping the static pools');
        return [] as DeployedPool[];
      }),
    ]);
    const definitions: PoolDefinition[] = await Promise.all([
      ...staticPools.map(async (pool) => ({
        model: pool.model,
        endpoints: [...pool.endpoints, ...(pool.dns ? await this.resolve(pool.dns) : [])],
        routing: pool.routing,
        fallback: pool.fallback,
        tenants: pool.tenants,
      })),
      ...deployed.map(async (pool) => ({
        model: pool.servedName,
        endpoints: await this.resolve(pool.dns),
        routing: (ROUTING_STRATEGIES as readonly string[]).includes(pool.routing)
          ? (pool.routing as PoolDefinition['routing'])
          : 'least-outstanding',
        fallback: pool.fallbackModel ?? undefined,
        tenants: [pool.tenantId],
      })),
    ]);
    this.registry.sync(definitions);
  }

  private async resolve(hostPort: string): Promise<string[]> {
    const separator = hostPort.lastIndexOf(':');
    const host = hostPort.slice(0, separator);
    const port = hostPort.slice(separator + 1);
    try {
      const addresses = await lookup(host, { all: true });
      const urls = addresses.map(({ address, family }) =>
        family === 6 ? `http://[${address}]:${port}` : `http://${address}:${port}`,
      );
      this.lastResolved.set(hostPort, urls);
      return urls;
    } catch (error) {
      this.log.warn({ err: error, host }, 'DNS lookup for a serving pool failed; keeping its last addresses');
      return this.lastResolved.get(hostPort) ?? [];
    }
  }

  start(intervalMs: number): void {
    this.timer = setInterval(() => {
      this.refresh().catch((error: unknown) => this.log.error({ err: error }, 'pool discovery failed'));
    }, intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
