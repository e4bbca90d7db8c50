import { Type, type Static, type TObject, type TProperties } from 'typebox';
import { Value } from 'typebox/value';
import { SENTINELS_EXAMPLE, parseSentinels } from './sentinels.js';

const LogLevel = Type.Union(
  ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((level) => Type.Literal(level)),
  { default: 'info' },
);

/** Variables every service reads, named the same everywhere. */
export const CommonConfigProperties = {
  NODE_ENV: Type.Union([Type.Literal('development'), Type.Literal('test'), Type.Literal('production')], {
    default: 'development',
  }),
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 8080 }),
  HOST: Type.String({ minLength: 1, default: '0.0.0.0' }),
  LOG_LEVEL: LogLevel,
  REDIS_URL: Type.Optional(Type.String({ pattern: '^rediss?://', description: 'redis://[user:password@]host:6379[/db]' })),
  /** Set when Redis runs with Sentinel: the primary is asked of them; REDIS_URL then gives only credentials and db. */
  REDIS_SENTINELS: Type.Optional(Type.String({ minLength: 1, description: `comma-separated host:port, e.g. ${SENTINELS_EXAMPLE}` })),
  REDIS_SENTINEL_MASTER: Type.String({ minLength: 1, default: 'one-data', description: 'master set the sentinels monitor' }),
  AUTH_MODE: Type.Union([Type.Literal('jwks'), Type.Literal('dev')], { default: 'jwks' }),
  AUTH_JWKS_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  AUTH_ISSUER: Type.Optional(Type.String({ minLength: 1 })),
  AUTH_AUDIENCE: Type.Optional(Type.String({ minLength: 1 })),
  AUTH_TENANT_CLAIM: Type.String({ minLength: 1, default: 'tenant_id' }),
  AUTH_CLIENT_ID: Type.Optional(Type.String({ minLength: 1 })),
  /** Comma-separated allowed origins; empty disables CORS. `*` allows any origin. */
  CORS_ORIGINS: Type.String({ default: '' }),
  BODY_LIMIT_BYTES: Type.Integer({ minimum: 1024, default: 1_048_576 }),
  REQUEST_TIMEOUT_MS: Type.Integer({ minimum: 0, default: 30_000 }),
  /** How long `/ready` reports 503 before the server stops accepting, so endpoints are deregistered first. */
  SHUTDOWN_DELAY_MS: Type.Integer({ minimum: 0, default: 0 }),
  /** Upper bound for in-flight requests to finish once the server stops accepting. */
  SHUTDOWN_TIMEOUT_MS: Type.Integer({ minimum: 0, default: 25_000 }),
};

export const DATABASE_URL = Type.String({
  pattern: '^mysql://',
  description: 'mysql://user:password@host:3306/database',
});

export const CommonConfigSchema = Type.Object(CommonConfigProperties);
export type CommonConfig = Static<typeof CommonConfigSchema>;

/** A service's config schema: the common variables plus its own. */
export const defineConfig = <P extends TProperties>(own: P) =>
  // Spelled out so a service's own definition of a common variable (e.g. a required REDIS_URL) wins in the type too.
  Type.Object({ ...CommonConfigProperties, ...own } as Omit<typeof CommonConfigProperties, keyof P> & P);

export class ConfigError extends Error {
  constructor(
    readonly service: string,
    readonly problems: string[],
  ) {
    super(`Invalid configuration for ${service}:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const describe = (schema: TObject, name: string): string => {
  const property = schema.properties[name] as
    | { description?: string; pattern?: string; anyOf?: { const?: unknown }[] }
    | undefined;
  const choices = property?.anyOf?.every((member) => 'const' in member) ? property.anyOf.map((member) => String(member.const)) : [];
  if (choices.length > 0) return `one of: ${choices.join(', ')}`;
  return property?.description ?? (property?.pattern ? `matching ${property.pattern}` : '');
};

/**
 * Reads the service's configuration from environment variables, applying defaults and converting
 * numbers and booleans. Fails with one error that lists every missing or invalid variable; values are
 * never echoed, since many are secrets.
 */
export function loadConfig<S extends TObject>(
  service: string,
  schema: S,
  env: Record<string, string | undefined> = process.env,
): Static<S> {
  const known = Object.fromEntries(
    Object.keys(schema.properties)
      .filter((name) => env[name] !== undefined && env[name] !== '')
      .map((name) => [name, env[name]]),
  );
  const candidate = Value.Default(schema, Value.Convert(schema, known)) as Record<string, unknown>;
  const problems: string[] = [];
  // One variable at a time: Value.Errors stops collecting after a few errors in total (a union such as
  // LOG_LEVEL alone reports one per member), which would silently drop later variables' problems.
  const required = new Set(schema.required ?? []);
  for (const [name, property] of Object.entries(schema.properties)) {
    const hint = describe(schema, name);
    const suffix = hint ? ` (${hint})` : '';
    if (candidate[name] === undefined) {
      if (required.has(name)) problems.push(`${name} is required${suffix}`);
      continue;
    }
    const [error] = Value.Errors(property, candidate[name]);
    if (error !== undefined) problems.push(`${name} ${error.message}${suffix}`);
  }
  if (candidate['AUTH_MODE'] === 'jwks') {
    for (const name of ['AUTH_JWKS_URL', 'AUTH_ISSUER', 'AUTH_AUDIENCE']) {
      if (name in schema.properties && candidate[name] === undefined) {
        problems.push(`${name} is required when AUTH_MODE=jwks`);
      }
    }
  }
  if (candidate['AUTH_MODE'] === 'dev' && candidate['NODE_ENV'] === 'production') {
    problems.push('AUTH_MODE=dev is not allowed when NODE_ENV=production');
  }
  const sentinels = candidate['REDIS_SENTINELS'];
  if ('REDIS_SENTINELS' in schema.properties && typeof sentinels === 'string' && !parseSentinels(sentinels)) {
    problems.push(`REDIS_SENTINELS must be a comma-separated list of host:port, e.g. ${SENTINELS_EXAMPLE}`);
  }
  if (problems.length > 0) throw new ConfigError(service, problems);
  return candidate as Static<S>;
}
