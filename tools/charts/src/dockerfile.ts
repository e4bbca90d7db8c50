/**
 * docker/Dockerfile without a Docker engine: its instructions parsed, and carried out on this machine
 * (each stage in its own directory standing in for the image's root filesystem, this machine's node
 * standing in for the base image). The smoke test builds every service this way, so an image that
 * would not build or start fails here too. Like BuildKit, it can keep the filesystem after each RUN
 * and reuse it when the next build reaches the same point (LayerCache). What cannot be reproduced:
 * the base image itself, USER (recorded, not switched to), and RUN commands that name absolute paths
 * or install system packages: those would act on this machine, so the build refuses them.
 */
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cp, mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { basename, dirname, join, posix, relative } from 'node:path';
import { promisify } from 'node:util';
import type { Ignore } from '@balena/dockerignore';

// Docker's own .dockerignore matching. The package is CommonJS (`module.exports = factory`) while its
// types declare a default export, which TypeScript's NodeNext resolution would not let us call.
const dockerignore = createRequire(import.meta.url)('@balena/dockerignore') as () => Ignore;

export interface Instruction {
  op: string;
  args: string;
}

export interface Stage {
  name?: string;
  from: string;
  instructions: Instruction[];
}

export interface Dockerfile {
  /** ARGs before the first FROM: usable in FROM lines, and in a stage that declares them again. */
  globalArgs: Instruction[];
  stages: Stage[];
}

/** Instructions the way Docker reads them: comments dropped, continuation lines joined, ops upper-cased. */
export function parseDockerfile(text: string): Dockerfile {
  const instructions: Instruction[] = [];
  let pending = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('#') || (!line && !pending)) continue;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1).trim()} `;
      continue;
    }
    const whole = (pending + line).trim();
    pending = '';
    if (!whole) continue;
    const space = whole.search(/\s/);
    instructions.push(space < 0 ? { op: whole.toUpperCase(), args: '' } : { op: whole.slice(0, space).toUpperCase(), args: whole.slice(space + 1).trim() });
  }
  const firstFrom = instructions.findIndex((i) => i.op === 'FROM');
  const stages: Stage[] = [];
  for (const instruction of instructions.slice(Math.max(firstFrom, 0))) {
    if (instruction.op === 'FROM') {
      const [image = '', as, name] = instruction.args.split(/\s+/);
      stages.push({ from: image, name: as?.toUpperCase() === 'AS' ? name : undefined, instructions: [] });
    } else {
      stages.at(-1)?.instructions.push(instruction);
    }
  }
  return { globalArgs: firstFrom < 0 ? instructions : instructions.slice(0, firstFrom), stages };
}

const FLAG = /^--([\w-]+)(?:=(\S*))?\s+/;

/** `--name=value` flags in front of an instruction's arguments, and the rest. */
function splitFlags(args: string): { flags: Record<string, string>; rest: string } {
  const flags: Record<string, string> = {};
  let rest = args;
  for (let match = FLAG.exec(rest); match; match = FLAG.exec(rest)) {
    const [whole, name = '', value = ''] = match;
    flags[name] = value;
    rest = rest.slice(whole.length);
  }
  return { flags, rest };
}

/** `KEY=value KEY2="two words"` (ENV, LABEL, ARG defaults). */
function parseAssignments(args: string): [string, string][] {
  return [...args.matchAll(/([\w.-]+)=("(?:[^"\\]|\\.)*"|\S*)/g)].map(([, key = '', value = '']) => [
    key,
    value.startsWith('"') ? (JSON.parse(value) as string) : value,
  ]);
}

const expand = (text: string, vars: Record<string, string>): string =>
  text.replace(/\$\{(\w+)\}|\$(\w+)/g, (_match, braced: string | undefined, bare: string | undefined) => vars[braced ?? bare ?? ''] ?? '');

const HOST_UNSAFE = /(^|[\s=;&|('"])\/(?!dev\/null\b)|\b(apt-get|apt|apk|yum|dnf|microdnf|sudo)\b/;

/** Exec form (`["node", "main.js"]`) or shell form (run by `sh -c`). */
const commandOf = (args: string): string[] => (args.startsWith('[') ? (JSON.parse(args) as string[]) : ['/bin/sh', '-c', args]);

export interface BuiltImage {
  /** The final stage's root filesystem on this machine. */
  root: string;
  /** WORKDIR of the final stage, as a path on this machine. */
  workdir: string;
  /** Its ENV (build ARGs are not part of the image). */
  env: Record<string, string>;
  user?: string;
  labels: Record<string, string>;
  cmd: string[];
  /** The HEALTHCHECK command, or undefined without one. */
  healthcheck?: string[];
  /** Removes every stage's directory. */
  remove(): Promise<void>;
}

// `cp -a`: a stage's node_modules is some 40,000 files, which fs.cp copies ten times slower.
const copyTree = async (from: string, to: string): Promise<void> => void (await promisify(execFile)('cp', ['-a', from, to]));

/**
 * Docker's layer cache, for builds of one Dockerfile from an unchanged context: the filesystem after
 * each RUN, keyed by everything that led to it (base, instructions, ARG and ENV values). Builds that
 * share a prefix (every service's image, up to `ARG SERVICE`) carry it out once.
 */
export class LayerCache {
  readonly #snapshots = new Map<string, string>();
  #dir: string | undefined;
  /** How many RUN instructions were taken from the cache instead of being carried out. */
  hits = 0;

  get(key: string): string | undefined {
    return this.#snapshots.get(key);
  }

  async save(key: string, root: string): Promise<void> {
    this.#dir ??= await mkdtemp(join(tmpdir(), 'dockerfile-layers-'));
    const snapshot = join(this.#dir, String(this.#snapshots.size));
    await copyTree(root, snapshot);
    this.#snapshots.set(key, snapshot);
  }

  async remove(): Promise<void> {
    if (this.#dir) await rm(this.#dir, { recursive: true, force: true });
    this.#snapshots.clear();
  }
}

export interface BuildOptions {
  dockerfile: string;
  context: string;
  buildArgs: Record<string, string>;
  cache?: LayerCache;
}

function run([file = '', ...args]: string[], cwd: string, env: Record<string, string>): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk: Buffer): void => void (output = (output + String(chunk)).slice(-16_000));
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`RUN ${[file, ...args].join(' ')} exited ${code}:\n${output}`))));
  });
}

/** Builds the Dockerfile's last stage, carrying out every instruction of the stages it needs, in order. */
export async function buildWithoutDocker({ dockerfile, context, buildArgs, cache }: BuildOptions): Promise<BuiltImage> {
  const parsed = parseDockerfile(await readFile(dockerfile, 'utf8'));
  const ignoreFile = await readFile(join(context, '.dockerignore'), 'utf8').catch(() => '');
  const ignored = dockerignore().add(ignoreFile.split('\n'));
  const declare = (args: string, into: Record<string, string>, outer: Record<string, string>): void => {
    const [name = '', fallback] = args.split('=', 2);
    into[name] = buildArgs[name] ?? outer[name] ?? fallback ?? '';
  };
  const globals: Record<string, string> = {};
  for (const instruction of parsed.globalArgs) if (instruction.op === 'ARG') declare(instruction.args, globals, {});

  const roots = new Map<string, string>();
  const stageLayers = new Map<string, string>();
  const remove = async (): Promise<void> => {
    await Promise.all([...roots.values()].map((dir) => rm(dir, { recursive: true, force: true })));
  };
  try {
    let image: Omit<BuiltImage, 'remove'> | undefined;
    for (const [index, stage] of parsed.stages.entries()) {
      const root = await mkdtemp(join(tmpdir(), `dockerfile-stage-${index}-`));
      roots.set(stage.name ?? String(index), root);
      const inRoot = (path: string): string => join(root, path);
      const args: Record<string, string> = {};
      const env: Record<string, string> = {};
      const labels: Record<string, string> = {};
      let workdir = '/';
      let user: string | undefined;
      let cmd: string[] = [];
      let healthcheck: string[] | undefined;
      const vars = (): Record<string, string> => ({ ...args, ...env });
      // the layer cache key so far, and a cached filesystem to put in place before the next change
      let layer = JSON.stringify([expand(stage.from, globals)]);
      let restore: string | undefined;
      const materialize = async (): Promise<void> => {
        if (restore) {
          await rm(root, { recursive: true, force: true });
          await copyTree(restore, root);
          restore = undefined;
        }
        await mkdir(inRoot(workdir), { recursive: true });
      };

      for (const { op, args: raw } of stage.instructions) {
        const text = op === 'RUN' || op === 'CMD' || op === 'HEALTHCHECK' ? raw : expand(raw, vars());
        const from = op === 'COPY' ? splitFlags(text).flags['from'] : undefined;
        layer = createHash('sha256')
          .update(JSON.stringify([layer, op, raw, vars(), from === undefined ? '' : stageLayers.get(from)]))
          .digest('hex');
        switch (op) {
          case 'ARG':
            declare(text, args, globals);
            break;
          case 'ENV':
            for (const [key, value] of parseAssignments(text)) env[key] = value;
            break;
          case 'LABEL':
            for (const [key, value] of parseAssignments(text)) labels[key] = value;
            break;
          case 'WORKDIR':
            workdir = posix.resolve(workdir, text);
            break;
          case 'COPY': {
            const { flags, rest } = splitFlags(text);
            const parts = rest.split(/\s+/);
            const destination = posix.resolve(workdir, parts.pop() ?? '');
            const intoDirectory = rest.endsWith('/') || parts.length > 1;
            const source = flags['from'] === undefined ? context : roots.get(flags['from']);
            if (!source) throw new Error(`COPY --from=${flags['from']}: no earlier stage of that name`);
            await materialize();
            // the build context is what .dockerignore leaves; another stage's files are all there
            const filter = source === context ? (path: string): boolean => !ignored.ignores(relative(context, path) || '.') : undefined;
            for (const part of parts) {
              const from = join(source, part);
              // a directory's contents go into the destination; a file goes to it, or into it when it is a folder
              const target = (await stat(from)).isDirectory() || !intoDirectory ? inRoot(destination) : join(inRoot(destination), basename(from));
              await mkdir(dirname(target), { recursive: true });
              await cp(from, target, { recursive: true, filter, verbatimSymlinks: true });
            }
            break;
          }
          case 'RUN': {
            const cached = cache?.get(layer);
            if (cache && cached) {
              restore = cached;
              cache.hits += 1;
              break;
            }
            // --mount=type=cache: this machine's npm cache serves as the cache mount
            const { rest } = splitFlags(raw);
            // carried out on this machine, not in a container: nothing that reaches outside the stage
            if (HOST_UNSAFE.test(rest)) throw new Error(`RUN ${rest}: names an absolute path or a system package manager, which the Docker-less build will not run on this machine`);
            await materialize();
            await run(commandOf(rest), inRoot(workdir), { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...vars() });
            await cache?.save(layer, root);
            break;
          }
          case 'USER':
            user = text;
            break;
          case 'CMD':
            cmd = commandOf(raw);
            break;
          case 'HEALTHCHECK': {
            const { rest } = splitFlags(raw);
            healthcheck = rest.toUpperCase() === 'NONE' ? undefined : commandOf(rest.replace(/^CMD\s+/i, ''));
            break;
          }
          case 'EXPOSE':
          case 'STOPSIGNAL':
            break;
          default:
            throw new Error(`${op} is not supported by the Docker-less build; extend tools/charts/src/dockerfile.ts`);
        }
      }
      await materialize();
      stageLayers.set(stage.name ?? String(index), layer);
      image = { root, workdir: inRoot(workdir), env, user, labels, cmd, healthcheck };
    }
    if (!image) throw new Error(`${dockerfile} has no FROM`);
    return { ...image, remove };
  } catch (error) {
    await remove();
    throw error;
  }
}
