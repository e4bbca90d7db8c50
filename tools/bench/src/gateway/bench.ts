import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { Pool } from 'undici';
import { authEnvFor, createTestDatabase, startTestIdentityProvider, TEST_REDIS_URL } from '@one-data/testing';
import { startServerProcess, type ServerProcess } from '../harness.js';
import { ascending, percentile, round } from '../stats.js';
import { nginxAvailable, startNginx } from './nginx.js';

// The gateway runs from its production bundle, as in the image; the bench builds it first.
const MODEL_API_BUNDLE = fileURLToPath(new URL('../../../../dist/apps/model-api/main.js', import.meta.url));
const MODEL_API_MIGRATIONS = fileURLToPath(new URL('../../../../apps/model-api/drizzle', import.meta.url));
const EMULATOR = fileURLToPath(new URL('../../../../libs/platform/testing/src/vllm-emulator/cli.ts', import.meta.url));

const TARGETS = {
  latencyP50AddedMs: 1.5,
  latencyP99AddedMs: 5,
  throughputVsNginx: 0.5,
  streamTtftP99AddedMs: 2,
  streamGapP99AddedMs: 0.5,
  streamRssMb: 150,
};

export interface GatewayBenchOptions {
  latencyRequests: number;
  sweepSeconds: number;
  streams: number;
  chunks: number;
  chunkGapMs: number;
}

const chatBody = (model: string, maxTokens: number, stream = false) =>
  JSON.stringify({ model, messages: [{ role: 'user', content: 'benchmark prompt with a few words' }], max_tokens: maxTokens, stream });

/** Sequential requests on one connection, timed with a sub-millisecond clock. */
async function latencyAtConcurrencyOne(url: string, headers: Record<string, string>, requests: number): Promise<number[]> {
  const pool = new Pool(url, { connections: 1 });
  const samples: number[] = [];
  const body = chatBody('fast', 16);
  try {
    for (let index = 0; index < requests + 200; index++) {
      const started = performance.now();
      const response = await pool.request({ path: '/v1/chat/completions', method: 'POST', headers, body });
      await response.body.text();
      if (response.statusCode !== 200) throw new Error(`${url} answered ${response.statusCode}`);
      if (index >= 200) samples.push(performance.now() - started); // the first 200 warm up
    }
  } finally {
    await pool.close();
  }
  return ascending(samples);
}

/** Highest req/s whose p99 stays under 50 ms, over a sweep of connection counts. */
async function bestThroughput(url: string, headers: Record<string, string>, seconds: number) {
  let best = { connections: 0, requestsPerSecond: 0, p99Ms: 0 };
  for (const connections of [1, 4, 8, 16, 32, 64]) {
    const result = await autocannon({
      url: `${url}/v1/chat/completions`,
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: chatBody('fast', 16),
      connections,
      duration: seconds,
    });
    if (result.errors + result.non2xx + result.timeouts > 0) throw new Error(`${url}: failures at ${connections} connections`);
    if (result.latency.p99 < 50 && result.requests.average > best.requestsPerSecond) {
      best = { connections, requestsPerSecond: result.requests.average, p99Ms: result.latency.p99 };
    }
  }
  return best;
}

interface StreamRun {
  ttft: number[];
  gaps: number[];
  chunkCounts: number[];
  peakRssMb: number | undefined;
}

const rssMb = async (pid: number): Promise<number> => {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
};

/** N concurrent streams; time to first token, gaps between chunks, events per stream. */
async function concurrentStreams(url: string, headers: Record<string, string>, options: GatewayBenchOptions, watchPid?: number): Promise<StreamRun> {
  const pool = new Pool(url, { connections: options.streams + 10, pipelining: 1 });
  const ttft: number[] = [];
  const gaps: number[] = [];
  const chunkCounts: number[] = [];
  let peakRssMb: number | undefined;
  const sampler = watchPid
    ? setInterval(() => {
        void rssMb(watchPid).then((mb) => (peakRssMb = Math.max(peakRssMb ?? 0, mb)));
      }, 100)
    : undefined;
  const body = chatBody('stream', options.chunks, true);
  try {
    await Promise.all(
      Array.from({ length: options.streams }, async () => {
        const started = performance.now();
        const response = await pool.request({ path: '/v1/chat/completions', method: 'POST', headers, body });
        let last: number | undefined;
        let events = 0;
        for await (const chunk of response.body) {
          const now = performance.now();
          if (last === undefined) ttft.push(now - started);
          else gaps.push(now - last);
          last = now;
          events += (chunk as Buffer).toString('utf8').split('\n\n').length - 1;
        }
        chunkCounts.push(events);
      }),
    );
  } finally {
    clearInterval(sampler);
    await pool.close();
  }
  return { ttft: ascending(ttft), gaps: ascending(gaps), chunkCounts, peakRssMb };
}

export async function benchGateway(options: GatewayBenchOptions): Promise<void> {
  if (!nginxAvailable()) {
    console.error('nginx is needed for the comparison: apt-get install -y nginx-light');
    process.exit(2);
  }
  const database = await createTestDatabase({ migrationsFolder: MODEL_API_MIGRATIONS });
  const idp = await startTestIdentityProvider();
  const processes: ServerProcess[] = [];
  try {
    const fast = await startServerProcess(EMULATOR, {}, (port) => ['--port', String(port), '--models', 'fast', '--name', 'fast']);
    processes.push(fast);
    const slow = await startServerProcess(EMULATOR, {}, (port) => [
      '--port', String(port), '--models', 'stream', '--token-delay-ms', String(options.chunkGapMs), '--name', 'stream',
    ]);
    processes.push(slow);
    execFileSync('npx', ['nx', 'build', 'model-api', '--output-style=static'], { stdio: 'ignore' });
    const gateway = await startServerProcess(MODEL_API_BUNDLE, {
      NODE_ENV: 'production',
      LOG_LEVEL: 'info',
      DATABASE_URL: database.url,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_KEY_PREFIX: `bench:${Date.now()}:`,
      ...authEnvFor(idp),
      SERVING_POOLS: JSON.stringify([
        { model: 'fast', endpoints: [fast.url] },
        { model: 'stream', endpoints: [slow.url] },
      ]),
    });
    processes.push(gateway);
    const nginx = await startNginx(fast.url);
    processes.push(nginx);

    // Auth + limits + usage on: an API key with (high) limits, so every call is admitted in Redis.
    const issued = await fetch(`${gateway.url}/api/v1/api-keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await idp.token('bench', ['developer'])}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'bench', requestsPerMinute: 100_000_000, tokensPerMinute: 100_000_000, maxConcurrency: 10_000 }),
    });
    const { secret } = (await issued.json()) as { secret: string };
    const keyHeaders = { authorization: `Bearer ${secret}`, 'content-type': 'application/json' };
    const plain = { 'content-type': 'application/json' };

    console.log(`\nnon-streaming, concurrency 1, ${options.latencyRequests} requests each (ms):`);
    const direct = await latencyAtConcurrencyOne(fast.url, plain, options.latencyRequests);
    const viaGateway = await latencyAtConcurrencyOne(gateway.url, keyHeaders, options.latencyRequests);
    const viaNginx = await latencyAtConcurrencyOne(nginx.url, plain, options.latencyRequests);
    console.table(
      Object.fromEntries(
        [['direct', direct], ['gateway', viaGateway], ['nginx', viaNginx]].map(([name, samples]) => [
          name,
          { p50: round(percentile(samples as number[], 50), 3), p99: round(percentile(samples as number[], 99), 3) },
        ]),
      ),
    );
    const addedP50 = percentile(viaGateway, 50) - percentile(direct, 50);
    const addedP99 = percentile(viaGateway, 99) - percentile(direct, 99);

    console.log(`\nthroughput: highest req/s with p99 < 50 ms (${options.sweepSeconds} s per step):`);
    const throughput = {
      direct: await bestThroughput(fast.url, plain, options.sweepSeconds),
      gateway: await bestThroughput(gateway.url, keyHeaders, options.sweepSeconds),
      nginx: await bestThroughput(nginx.url, plain, options.sweepSeconds),
    };
    console.table(
      Object.fromEntries(
        Object.entries(throughput).map(([name, best]) => [name, { 'req/s': Math.round(best.requestsPerSecond), connections: best.connections, 'p99 ms': best.p99Ms }]),
      ),
    );
    const throughputRatio = throughput.gateway.requestsPerSecond / throughput.nginx.requestsPerSecond;

    console.log(`\nstreaming: ${options.streams} concurrent streams × ${options.chunks} chunks, ${options.chunkGapMs} ms apart (ms):`);
    const streamsDirect = await concurrentStreams(slow.url, plain, options);
    const streamsGateway = await concurrentStreams(gateway.url, keyHeaders, options, gateway.pid);
    console.table({
      direct: {
        'ttft p50': round(percentile(streamsDirect.ttft, 50)),
        'ttft p99': round(percentile(streamsDirect.ttft, 99)),
        'gap p50': round(percentile(streamsDirect.gaps, 50)),
        'gap p99': round(percentile(streamsDirect.gaps, 99)),
        'events/stream': [...new Set(streamsDirect.chunkCounts)].join(','),
      },
      gateway: {
        'ttft p50': round(percentile(streamsGateway.ttft, 50)),
        'ttft p99': round(percentile(streamsGateway.ttft, 99)),
        'gap p50': round(percentile(streamsGateway.gaps, 50)),
        'gap p99': round(percentile(streamsGateway.gaps, 99)),
        'events/stream': [...new Set(streamsGateway.chunkCounts)].join(','),
      },
    });
    const addedTtft = percentile(streamsGateway.ttft, 99) - percentile(streamsDirect.ttft, 99);
    const addedGap = percentile(streamsGateway.gaps, 99) - percentile(streamsDirect.gaps, 99);
    // Direct streams asked for no usage; the gateway drops the usage event it adds, so counts must match.
    const sameChunks = JSON.stringify(ascending(streamsDirect.chunkCounts)) === JSON.stringify(ascending(streamsGateway.chunkCounts));

    const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');
    console.log('\ngateway targets:');
    console.table({
      'added p50 latency (c=1)': { measured: `${round(addedP50, 3)} ms`, target: `≤ ${TARGETS.latencyP50AddedMs} ms`, result: verdict(addedP50 <= TARGETS.latencyP50AddedMs) },
      'added p99 latency (c=1)': { measured: `${round(addedP99, 3)} ms`, target: `≤ ${TARGETS.latencyP99AddedMs} ms`, result: verdict(addedP99 <= TARGETS.latencyP99AddedMs) },
      'throughput vs nginx': { measured: round(throughputRatio), target: `≥ ${TARGETS.throughputVsNginx}`, result: verdict(throughputRatio >= TARGETS.throughputVsNginx) },
      'added TTFT p99 (streams)': { measured: `${round(addedTtft)} ms`, target: `≤ ${TARGETS.streamTtftP99AddedMs} ms`, result: verdict(addedTtft <= TARGETS.streamTtftP99AddedMs) },
      'added gap p99 (streams)': { measured: `${round(addedGap)} ms`, target: `≤ ${TARGETS.streamGapP99AddedMs} ms`, result: verdict(addedGap <= TARGETS.streamGapP99AddedMs) },
      'chunks identical to direct': { measured: String(sameChunks), target: 'true', result: verdict(sameChunks) },
      'gateway RSS with open streams': {
        measured: `${round(streamsGateway.peakRssMb ?? Number.NaN, 1)} MB`,
        target: `≤ ${TARGETS.streamRssMb} MB`,
        result: verdict((streamsGateway.peakRssMb ?? Infinity) <= TARGETS.streamRssMb),
      },
    });
  } finally {
    for (const process of processes.reverse()) await process.stop();
    await idp.close();
    await database.drop();
  }
}
