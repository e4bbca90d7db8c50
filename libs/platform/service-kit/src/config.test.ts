import { describe, expect, it } from 'vitest';
import { Type } from 'typebox';
import { CommonConfigSchema, ConfigError, DATABASE_URL, defineConfig, loadConfig } from './config.js';

const JWKS_ENV = {
  AUTH_JWKS_URL: 'https://keycloak.example.com/realms/one-data/protocol/openid-connect/certs',
  AUTH_ISSUER: 'https://keycloak.example.com/realms/one-data',
  AUTH_AUDIENCE: 'one-data',
};

/** The ConfigError thrown for `env`, or fails the test if none is thrown. */
function configError(schema: Parameters<typeof loadConfig>[1], env: Record<string, string>): ConfigError {
  try {
    loadConfig('test-svc', schema, env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('loadConfig accepted an invalid environment');
}

describe('loadConfig', () => {
  it('applies defaults for everything not set (empty counts as not set)', () => {
    const config = loadConfig('test-svc', CommonConfigSchema, { ...JWKS_ENV, PORT: '', CORS_ORIGINS: '' });
    expect(config).toEqual({
      ...JWKS_ENV,
      NODE_ENV: 'development',
      PORT: 8080,
      HOST: '0.0.0.0',
      LOG_LEVEL: 'info',
      REDIS_SENTINEL_MASTER: 'one-data',
      AUTH_MODE: 'jwks',
      AUTH_TENANT_CLAIM: 'tenant_id',
      CORS_ORIGINS: '',
      BODY_LIMIT_BYTES: 1_048_576,
      REQUEST_TIMEOUT_MS: 30_000,
      SHUTDOWN_DELAY_MS: 0,
      SHUTDOWN_TIMEOUT_MS: 25_000,
    });
  });

  it('converts numbers and booleans and ignores variables the schema does not name', () => {
    const schema = defineConfig({ WORKERS: Type.Integer({ minimum: 1 }), DRY_RUN: Type.Boolean({ default: false }) });
    const config = loadConfig('test-svc', schema, {
      ...JWKS_ENV,
      PORT: '3001',
      BODY_LIMIT_BYTES: '2048',
      SHUTDOWN_DELAY_MS: '5000',
      WORKERS: '4',
      DRY_RUN: 'true',
      UNRELATED: 'x',
    });
    expect(config.PORT).toBe(3001);
    expect(config.BODY_LIMIT_BYTES).toBe(2048);
    expect(config.SHUTDOWN_DELAY_MS).toBe(5000);
    expect(config.WORKERS).toBe(4);
    expect(config.DRY_RUN).toBe(true);
    expect(config).not.toHaveProperty('UNRELATED');
  });

  it('fails with one error listing every missing and invalid variable', () => {
    const schema = defineConfig({ DATABASE_URL, WORKERS: Type.Integer({ minimum: 1 }), SECRET_KEY: Type.String({ minLength: 32 }) });
    const error = configError(schema, {
      ...JWKS_ENV,
      PORT: 'eighty',
      LOG_LEVEL: 'loud',
      BODY_LIMIT_BYTES: '12',
      DATABASE_URL: 'postgres://db:5432/data',
      SECRET_KEY: 'too-short',
    });
    expect(error.service).toBe('test-svc');
    expect(error.problems.map((problem) => problem.split(' ')[0]).sort()).toEqual(
      ['BODY_LIMIT_BYTES', 'DATABASE_URL', 'LOG_LEVEL', 'PORT', 'SECRET_KEY', 'WORKERS'].sort(),
    );
    expect(error.problems).toContain('WORKERS is required');
    expect(error.problems.find((problem) => problem.startsWith('LOG_LEVEL'))).toContain('one of: fatal, error, warn, info');
    expect(error.problems.find((problem) => problem.startsWith('DATABASE_URL'))).toContain('mysql://user:password@host:3306/database');
    expect(error.message).toMatch(/^Invalid configuration for test-svc:\n {2}- /);
    for (const problem of error.problems) expect(error.message).toContain(`  - ${problem}`);
  });

  it('requires AUTH_JWKS_URL, AUTH_ISSUER and AUTH_AUDIENCE when AUTH_MODE=jwks (the default)', () => {
    const error = configError(CommonConfigSchema, {});
    expect(error.problems).toEqual([
      'AUTH_JWKS_URL is required when AUTH_MODE=jwks',
      'AUTH_ISSUER is required when AUTH_MODE=jwks',
      'AUTH_AUDIENCE is required when AUTH_MODE=jwks',
    ]);
    expect(configError(CommonConfigSchema, { ...JWKS_ENV, AUTH_AUDIENCE: '' }).problems).toEqual([
      'AUTH_AUDIENCE is required when AUTH_MODE=jwks',
    ]);
    expect(configError(CommonConfigSchema, { ...JWKS_ENV, AUTH_JWKS_URL: 'file:///etc/keys' }).problems).toEqual([
      'AUTH_JWKS_URL must match pattern "^https?://" (matching ^https?://)',
    ]);
    // dev mode needs none of them
    expect(loadConfig('test-svc', CommonConfigSchema, { AUTH_MODE: 'dev' }).AUTH_MODE).toBe('dev');
  });

  it('accepts REDIS_SENTINELS as host:port list and rejects anything else with what is expected', () => {
    const sentinels = 'redis-0.redis-headless.one-data-infra.svc.cluster.local:26379, 10.0.0.7:26380';
    const config = loadConfig('test-svc', CommonConfigSchema, { ...JWKS_ENV, REDIS_SENTINELS: sentinels, REDIS_SENTINEL_MASTER: 'mymaster' });
    expect(config).toMatchObject({ REDIS_SENTINELS: sentinels, REDIS_SENTINEL_MASTER: 'mymaster' });
    const expected = 'REDIS_SENTINELS must be a comma-separated list of host:port, e.g. redis-0.redis-headless:26379,redis-1.redis-headless:26379';
    for (const malformed of ['redis-0:26379,', 'redis-0', 'redis://redis-0:26379', 'redis-0:26379;redis-1:26379', 'redis-0:0', 'redis-0:65536', ' , ']) {
      expect(configError(CommonConfigSchema, { ...JWKS_ENV, REDIS_SENTINELS: malformed }).problems, malformed).toEqual([expected]);
    }
  });

  it('refuses AUTH_MODE=dev with NODE_ENV=production', () => {
    expect(configError(CommonConfigSchema, { AUTH_MODE: 'dev', NODE_ENV: 'production' }).problems).toEqual([
      'AUTH_MODE=dev is not allowed when NODE_ENV=production',
    ]);
    expect(loadConfig('test-svc', CommonConfigSchema, { ...JWKS_ENV, NODE_ENV: 'production' }).NODE_ENV).toBe('production');
  });

  it('never echoes the values, which may be secrets', () => {
    const schema = defineConfig({ DATABASE_URL, API_SECRET: Type.String({ minLength: 40 }), REPLICAS: Type.Integer() });
    const secrets = {
      DATABASE_URL: 'postgresql://admin:Hunter2-db-pass@db:5432/x',
      API_SECRET: 'sk-live-Tr0ub4dor',
      REDIS_URL: 'http://user:redis-Pa55@cache:6379',
      AUTH_JWKS_URL: 'ftp://idp-s3cr3t-host/certs',
      REPLICAS: 'rep-s3cr3t',
    };
    const error = configError(schema, { ...JWKS_ENV, ...secrets });
    expect(error.problems).toHaveLength(5);
    for (const value of Object.values(secrets)) expect(error.message).not.toContain(value);
    for (const fragment of ['Hunter2', 'Tr0ub4dor', 'redis-Pa55', 's3cr3t']) expect(error.message).not.toContain(fragment);
  });
});
