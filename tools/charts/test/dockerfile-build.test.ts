// The Docker-less build (src/dockerfile.ts) on a small Dockerfile: the semantics the smoke test relies on.
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWithoutDocker, LayerCache, parseDockerfile } from '../src/dockerfile.js';

const DOCKERFILE = `# syntax=docker/dockerfile:1.7
ARG BASE=node:24-slim
FROM \${BASE} AS build
ARG NAME=default
ENV GREETING="hello there" MODE=build
WORKDIR /src
COPY files/ files/
COPY top.txt ./
RUN --mount=type=cache,target=/root/.npm mkdir -p out && \\
    # comment lines inside a continuation are dropped, as Docker does
    printf '%s %s' "$GREETING" "$NAME" > out/\${NAME}.txt

FROM \${BASE}
ARG NAME
ENV MODE=runtime
LABEL org.opencontainers.image.title="app-\${NAME}"
WORKDIR /app
COPY --from=build /src/out/ ./
COPY --from=build /src/top.txt /src/files/kept.txt ./copied/
USER node
HEALTHCHECK --interval=5s CMD ["node", "-e", "process.exit(0)"]
CMD ["node", "main.js"]
`;

describe('buildWithoutDocker', () => {
  let context = '';
  beforeAll(async () => {
    context = await mkdtemp(join(tmpdir(), 'dockerfile-build-test-'));
    await mkdir(join(context, 'files', 'node_modules'), { recursive: true });
    await writeFile(join(context, 'files', 'kept.txt'), 'kept');
    await writeFile(join(context, 'files', 'secret.env'), 'nope');
    await writeFile(join(context, 'files', 'node_modules', 'x.js'), '');
    await writeFile(join(context, 'top.txt'), 'top');
    await writeFile(join(context, '.dockerignore'), '**/node_modules\n**/*.env\n');
    await writeFile(join(context, 'Dockerfile'), DOCKERFILE);
  });
  afterAll(async () => {
    await rm(context, { recursive: true, force: true });
  });

  it('parses stages, global ARGs and continuation lines as Docker does', () => {
    const { globalArgs, stages } = parseDockerfile(DOCKERFILE);
    expect(globalArgs).toEqual([{ op: 'ARG', args: 'BASE=node:24-slim' }]);
    expect(stages.map((stage) => [stage.name, stage.from])).toEqual([
      ['build', '${BASE}'],
      [undefined, '${BASE}'],
    ]);
    expect(stages[0]?.instructions.find((i) => i.op === 'RUN')?.args).toBe(
      `--mount=type=cache,target=/root/.npm mkdir -p out && printf '%s %s' "$GREETING" "$NAME" > out/\${NAME}.txt`,
    );
  });

  it('carries out ARG, ENV, WORKDIR, COPY (also --from), RUN, and records the image config', async () => {
    const image = await buildWithoutDocker({ dockerfile: join(context, 'Dockerfile'), context, buildArgs: { NAME: 'svc' } });
    try {
      expect(await readFile(join(image.workdir, 'svc.txt'), 'utf8')).toBe('hello there svc');
      expect((await readdir(join(image.workdir, 'copied'))).sort()).toEqual(['kept.txt', 'top.txt']);
      expect(image).toMatchObject({
        env: { MODE: 'runtime' },
        labels: { 'org.opencontainers.image.title': 'app-svc' },
        user: 'node',
        cmd: ['node', 'main.js'],
        healthcheck: ['node', '-e', 'process.exit(0)'],
      });
    } finally {
      await image.remove();
    }
  });

  it('leaves out what .dockerignore excludes', async () => {
    const probe = `FROM scratch\nWORKDIR /c\nCOPY files/ ./\nCMD ["true"]\n`;
    await writeFile(join(context, 'Probe.Dockerfile'), probe);
    const image = await buildWithoutDocker({ dockerfile: join(context, 'Probe.Dockerfile'), context, buildArgs: {} });
    try {
      expect(await readdir(image.workdir)).toEqual(['kept.txt']);
    } finally {
      await image.remove();
    }
  });

  it('reuses a RUN layer when everything before it is the same, as BuildKit does, and only then', async () => {
    const cached = `FROM scratch\nARG EARLY\nWORKDIR /w\nRUN echo "$EARLY" > early; date +%s%N > stamp\nARG LATE\nRUN echo "$LATE" > late\nCMD ["true"]\n`;
    await writeFile(join(context, 'Cached.Dockerfile'), cached);
    const cache = new LayerCache();
    const build = (args: Record<string, string>) => buildWithoutDocker({ dockerfile: join(context, 'Cached.Dockerfile'), context, buildArgs: args, cache });
    const images = [await build({ EARLY: 'a', LATE: '1' }), await build({ EARLY: 'a', LATE: '2' }), await build({ EARLY: 'b', LATE: '2' })];
    try {
      const read = (index: number, file: string) => readFile(join(images[index]!.workdir, file), 'utf8');
      expect(await read(1, 'stamp')).toBe(await read(0, 'stamp')); // first RUN from the cache
      expect(await read(1, 'late')).toBe('2\n'); // the second RUN carried out with the new value
      expect(await read(2, 'stamp')).not.toBe(await read(0, 'stamp')); // EARLY changed: no reuse
      expect(await read(2, 'early')).toBe('b\n');
      expect(cache.hits).toBe(1);
    } finally {
      await Promise.all(images.map((image) => image.remove()));
      await cache.remove();
    }
  });

  it('stops with the output of a failing RUN, before a RUN that would act on this machine, and on an instruction it cannot carry out', async () => {
    await writeFile(join(context, 'Fails.Dockerfile'), 'FROM scratch\nRUN echo broken-step >&2; exit 3\n');
    await expect(buildWithoutDocker({ dockerfile: join(context, 'Fails.Dockerfile'), context, buildArgs: {} })).rejects.toThrow(/exited 3:\s+broken-step/);
    await writeFile(join(context, 'Host.Dockerfile'), 'FROM scratch\nRUN rm -rf /var/lib/apt/lists/*\n');
    await expect(buildWithoutDocker({ dockerfile: join(context, 'Host.Dockerfile'), context, buildArgs: {} })).rejects.toThrow(/absolute path/);
    await writeFile(join(context, 'Add.Dockerfile'), 'FROM scratch\nADD https://example.com/x /x\n');
    await expect(buildWithoutDocker({ dockerfile: join(context, 'Add.Dockerfile'), context, buildArgs: {} })).rejects.toThrow(/ADD is not supported/);
  });
});
