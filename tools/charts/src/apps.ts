import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { workspaceRoot } from './helm.js';

/** The services that exist: apps/<name> with a build target, each one an image of docker/Dockerfile. */
export async function buildableApps(): Promise<string[]> {
  const apps = await Promise.all(
    (await readdir(join(workspaceRoot, 'apps'))).map(async (app) => {
      const project = JSON.parse(await readFile(join(workspaceRoot, 'apps', app, 'project.json'), 'utf8')) as { targets?: Record<string, unknown> };
      return project.targets?.['build'] ? app : undefined;
    }),
  );
  return apps.filter((app): app is string => app !== undefined).sort();
}
