/**
 * Checks of docker/Dockerfile: the linter of the VS Code Docker language server (dockerfile-utils:
 * syntax, flags, instruction arguments, duplicate CMD/HEALTHCHECK, casing, deprecated instructions;
 * hadolint itself ships only as a GitHub binary, out of reach here), then the rules the images must
 * follow, applied to the parsed instructions.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { validate, ValidationSeverity } from 'dockerfile-utils';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseDockerfile } from '../src/dockerfile.js';
import { workspaceRoot } from '../src/helm.js';

const text = await readFile(join(workspaceRoot, 'docker', 'Dockerfile'), 'utf8');
const { globalArgs, stages } = parseDockerfile(text);
const instructions = [...globalArgs, ...stages.flatMap((stage) => stage.instructions)];
const [build, runtime] = stages.map((stage) => stage.instructions);

describe('docker/Dockerfile', () => {
  it('passes the Dockerfile linter with every rule at warning or stricter, without a finding', () => {
    const strict = ValidationSeverity.WARNING;
    const findings = validate(text, {
      deprecatedMaintainer: strict,
      directiveCasing: strict,
      emptyContinuationLine: strict,
      instructionCasing: strict,
      instructionCmdMultiple: strict,
      instructionEntrypointMultiple: strict,
      instructionHealthcheckMultiple: strict,
      instructionJSONInSingleQuotes: strict,
      instructionWorkdirRelative: strict,
    });
    expect(findings.map((finding) => `line ${finding.range.start.line + 1}: ${finding.message}`)).toEqual([]);
    // the same call does report a broken file
    expect(validate('FROM node:24-slim\nEXPOSE http\nCMD a\nCMD b\n', { instructionCmdMultiple: strict })).toHaveLength(2);
  });
  it('is multi-stage on a pinned Node LTS slim image, parameterised by SERVICE', () => {
    expect(stages.map((stage) => stage.from)).toEqual(['${NODE_IMAGE}', '${NODE_IMAGE}']);
    expect(globalArgs.find((i) => i.op === 'ARG')?.args).toMatch(/^NODE_IMAGE=node:(22|24)\.\d+-\w+-slim$/);
    expect(instructions.filter((i) => i.op === 'ARG' && i.args.startsWith('SERVICE'))).toHaveLength(2);
    // declared after `npm ci`, so every service's build shares the dependency layer
    const buildOps = (build ?? []).map((i) => `${i.op} ${i.args}`);
    expect(buildOps.findIndex((i) => i === 'ARG SERVICE')).toBeGreaterThan(buildOps.findIndex((i) => i.includes('npm ci')));
  });
  it('builds with npm ci + nx build and installs production dependencies only from the generated lockfile', () => {
    expect(text).toContain('npm ci --no-audit');
    expect(text).toContain('npx nx build "$SERVICE"');
    expect(runtime?.some((i) => i.op === 'RUN' && i.args.includes('npm ci --omit=dev'))).toBe(true);
    expect(runtime?.some((i) => i.op === 'COPY' && i.args.includes('dist/apps/${SERVICE}/package-lock.json'))).toBe(true);
  });
  it('runs as a non-root user with a node HEALTHCHECK on /health, OCI labels and an exec-form CMD', () => {
    const user = runtime?.filter((i) => i.op === 'USER').at(-1);
    expect(user?.args).not.toMatch(/^(root|0)$/);
    expect(runtime?.find((i) => i.op === 'HEALTHCHECK')?.args).toMatch(/CMD \["node", "-e", ".*\/health/);
    expect(runtime?.find((i) => i.op === 'LABEL')?.args).toMatch(/org\.opencontainers\.image\.(title|version|revision|source)/);
    expect(runtime?.at(-1)).toEqual({ op: 'CMD', args: '["node", "main.js"]' });
  });
  it('follows the common lint rules: no latest tags, no sudo, no apt without cleanup, WORKDIR absolute, cache mounts kept', () => {
    for (const i of instructions) {
      expect(`${i.op} ${i.args}`).not.toMatch(/:latest\b|\bsudo\b/);
      if (i.op === 'WORKDIR') expect(i.args.startsWith('/')).toBe(true);
      if (i.op === 'RUN' && i.args.includes('apt-get install')) expect(i.args).toMatch(/rm -rf \/var\/lib\/apt\/lists/);
      // a cache mount is outside the image: cleaning it only throws the next build's cache away
      if (i.op === 'RUN' && i.args.includes('--mount=type=cache')) expect(i.args).not.toMatch(/npm cache clean/);
    }
  });
  it('has a .dockerignore that keeps node_modules, dist and .git out of the context', async () => {
    const ignore = await readFile(join(workspaceRoot, '.dockerignore'), 'utf8');
    for (const entry of ['**/node_modules', '**/dist', '.git', '.cache']) expect(ignore).toContain(entry);
  });
});

describe('docker/compose.yaml', () => {
  type Service = { build?: { dockerfile: string; args?: Record<string, string> }; command?: string[]; environment?: Record<string, string>; depends_on?: Record<string, unknown> };

  it('runs model-api like data-api: built from docker/Dockerfile, migrate then main, against the compose infrastructure', async () => {
    const compose = parse(await readFile(join(workspaceRoot, 'docker', 'compose.yaml'), 'utf8'), { merge: true }) as { services: Record<string, Service> };
    const service = (name: string): Service => {
      const found = compose.services[name];
      if (!found) throw new Error(`compose.yaml has no service ${name}`);
      return found;
    };
    for (const name of ['data-api', 'model-api']) {
      const app = service(name);
      expect(app.build).toMatchObject({ dockerfile: 'docker/Dockerfile', args: { SERVICE: name } });
      expect(app.command).toEqual(['sh', '-c', 'node migrate.js && exec node main.js']);
      expect(app.environment).toMatchObject({ NODE_ENV: 'production', AUTH_MODE: 'jwks', REDIS_URL: expect.stringMatching(/@redis:6379\//) });
      expect(Object.keys(app.depends_on ?? {})).toEqual(expect.arrayContaining(['mysql', 'redis']));
    }
    const env = service('model-api').environment ?? {};
    expect(env['DATABASE_URL']).toBe('mysql://model:model-dev@mysql:3306/model');
    expect(env).toMatchObject({ ARTIFACTS_S3_ENDPOINT: 'http://minio:9000', ARTIFACTS_S3_BUCKET: 'models', KUBERNETES_MODE: 'off' });
    const pools = JSON.parse(env['SERVING_POOLS'] ?? 'null') as { model: string; endpoints: string[] }[];
    expect(pools.length).toBeGreaterThan(0);
    // the bucket model-api writes to exists before it starts
    expect(service('minio-buckets').command).toEqual(expect.arrayContaining(['mb', 'local/models']));
    expect(service('model-api').depends_on).toHaveProperty('minio-buckets');
  });
});
