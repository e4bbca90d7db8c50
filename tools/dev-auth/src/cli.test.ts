import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_AUDIENCE, DEV_ISSUER, createTokenVerifier } from '@one-data/auth';

const tsxCli = createRequire(import.meta.url).resolve('tsx/cli');
const cliPath = fileURLToPath(new URL('./cli.ts', import.meta.url));

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

// Each case starts a tsx process, which takes a second or so on a cold machine.
describe('dev-auth token CLI', { timeout: 30_000 }, () => {
  let keyDir: string;

  const runCli = (args: string[]): Promise<CliResult> =>
    new Promise((resolve) => {
      execFile(process.execPath, [tsxCli, cliPath, ...args], { env: { ...process.env, AUTH_DEV_KEY_DIR: keyDir } }, (error, stdout, stderr) => {
        resolve({ code: typeof error?.code === 'number' ? error.code : 0, stdout, stderr });
      });
    });

  beforeAll(async () => {
    keyDir = join(await mkdtemp(join(tmpdir(), 'dev-auth-cli-')), 'keys');
  });
  afterAll(() => rm(join(keyDir, '..'), { recursive: true, force: true }));

  it('prints only a token that the dev-mode verifier accepts', async () => {
    const result = await runCli(['--tenant', 'acme', '--roles', 'developer,viewer', '--sub', 'alice', '--ttl', '60']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);

    const verifier = await createTokenVerifier({ mode: 'dev', issuer: DEV_ISSUER, audience: DEV_AUDIENCE, devKeyDir: keyDir });
    expect(await verifier.verify(result.stdout.trim())).toEqual({
      subject: 'alice',
      tenantId: 'acme',
      roles: ['developer', 'viewer'],
      scopes: [],
      via: 'jwt',
    });
  });

  it('exits 2 with usage on stderr when arguments are missing or wrong', async () => {
    const badArgs = [[], ['--tenant', 'acme'], ['--roles', 'viewer'], ['--tenant', 'acme', '--roles', 'viewer', '--ttl', 'soon'], ['--bogus']];
    for (const result of await Promise.all(badArgs.map(runCli))) {
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain('Usage: npm run -s token');
    }
  });

  it('names the valid roles when given an unknown one', async () => {
    const result = await runCli(['--tenant', 'acme', '--roles', 'viewer,root']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("Unknown role 'root'. Valid roles: admin, developer, viewer.");
  });
});
