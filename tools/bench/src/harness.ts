import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';
import { freePort } from '@one-data/testing';

/** A server under test, in its own process so it never shares an event loop with the load generator. */
export interface ServerProcess {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/**
 * Runs `node --import tsx <entry>` with the environment given (PORT included) and waits until
 * `/health` answers. Its stdout is discarded (the service logs as it would in production); stderr
 * passes through.
 */
export async function startServerProcess(
  entry: string,
  env: Record<string, string>,
  args: (port: number) => string[] = () => [],
): Promise<ServerProcess> {
  const port = await freePort();
  // TypeScript sources run through tsx; a built bundle (.js) runs as it would in the image.
  const loader = entry.endsWith('.ts') ? ['--import', 'tsx'] : [];
  // e.g. BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the servers under test
  const nodeArgs = process.env['BENCH_NODE_ARGS']?.split(/\s+/).filter(Boolean) ?? [];
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, ...loader, entry, ...args(port)], {
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let attempt = 0; attempt < 300; attempt++) {
    if (child.exitCode !== null) throw new Error(`${entry} exited with ${child.exitCode} before serving`);
    try {
      if ((await fetch(`${url}/health`)).ok) break;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  return {
    url,
    pid: child.pid ?? 0,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}


/** CPU time (user + system) a process has used so far, in milliseconds, from /proc. */
export async function cpuMillis(pid: number): Promise<number> {
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]?.split(' ') ?? [];
  // utime and stime are fields 14 and 15 of /proc/<pid>/stat, in clock ticks (100 per second)
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

export interface LoadResult {
  label: string;
  /** Server CPU per request, in microseconds: robust where other processes share the cores. */
  serverCpuMicros?: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
}

export interface LoadOptions {
  connections: number;
  durationSeconds: number;
  warmupSeconds: number;
  headers?: Record<string, string>;
}

/** Warms up, then measures, with autocannon; fails loudly if any request failed. */
export async function measure(label: string, url: string, options: LoadOptions, serverPid?: number): Promise<LoadResult> {
  const common = { url, connections: options.connections, headers: options.headers ?? {} };
  await autocannon({ ...common, duration: options.warmupSeconds });
  const cpuBefore = serverPid ? await cpuMillis(serverPid) : 0;
  const result = await autocannon({ ...common, duration: options.durationSeconds });
  const cpuAfter = serverPid ? await cpuMillis(serverPid) : 0;
  return {
    label,
    ...(serverPid ? { serverCpuMicros: ((cpuAfter - cpuBefore) * 1000) / result.requests.total } : {}),
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

export function printTable(results: LoadResult[]): void {
  const rows = results.map((result) => ({
    server: result.label,
    'req/s': Math.round(result.requestsPerSecond),
    'p50 ms': result.p50Ms,
    'p99 ms': result.p99Ms,
    'non-2xx': result.non2xx,
    errors: result.errors,
    'server CPU µs/req': result.serverCpuMicros === undefined ? '' : Math.round(result.serverCpuMicros),
  }));
  console.table(rows);
}
