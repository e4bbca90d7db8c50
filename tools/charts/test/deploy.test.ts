// tools/deploy/deploy.sh --dry-run prints the seed §4.3 / §5.1 / §5.2 sequence without touching a cluster.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { workspaceRoot } from '../src/helm.js';

const run = promisify(execFile);
const DEPLOY = join(workspaceRoot, 'tools', 'deploy', 'deploy.sh');
const deploy = async (...args: string[]): Promise<string[]> =>
  (await run('bash', [DEPLOY, ...args, '--dry-run'])).stdout.trim().split('\n');

describe('deploy.sh --dry-run', () => {
  it('installs namespaces, infrastructure, waits, then data, model, agent, monitoring, then health checks', async () => {
    const lines = await deploy('install', '--env', 'prod');
    const index = (pattern: RegExp): number => lines.findIndex((line) => pattern.test(line));
    const order = [
      /--show-only templates\/namespaces.yaml \| kubectl apply -f -/,
      /^helm upgrade --install one-data-platform .*data.enabled=false/,
      /^helm upgrade --install infrastructure .* -n one-data-infra -f .*infrastructure\/values-prod.yaml --wait/,
      /^kubectl wait --for=condition=Ready pod .* -n one-data-infra/,
      /^helm upgrade --install data .*\/data -n one-data-data/,
      /^helm upgrade --install model .*\/model-studio -n one-data-model/,
      /^helm upgrade --install agent .*\/agent -n one-data-agent/,
      /^helm upgrade --install monitoring .*\/monitoring -n one-data-system/,
      /^helm test data -n one-data-data/,
      /^helm test agent -n one-data-agent/,
    ].map(index);
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it('upgrades one chart by image tag with a values backup, rollout check and helm test (seed §5.2)', async () => {
    const lines = await deploy('upgrade', '--tag', 'v1.1.0', '--chart', 'data');
    expect(lines).toEqual(
      expect.arrayContaining([
        'helm get values data -n one-data-data -o yaml > data-backup-values.yaml',
        expect.stringMatching(/^helm upgrade data .* --set global.imageTag=v1.1.0 --wait --timeout 10m$/),
        'kubectl rollout status deployment/data-api -n one-data-data --timeout 10m',
        'helm test data -n one-data-data --timeout 5m',
      ]),
    );
    expect(lines.some((line) => line.startsWith('helm upgrade model'))).toBe(false);
  });

  it('rolls back a release', async () => {
    expect(await deploy('rollback', '--chart', 'data', '--revision', '3')).toEqual(['helm rollback data 3 -n one-data-data --wait']);
  });

  it('refuses an upgrade without a tag', async () => {
    await expect(run('bash', [DEPLOY, 'upgrade', '--dry-run'])).rejects.toThrow(/needs --tag/);
  });
});
