// `npm run bench [-- <name>] [-- --duration 10 --connections 16]`: runs the benchmarks and prints
// their figures measured side by side in this one run. Not part of `npm test`: timings belong here.
import { parseArgs } from 'node:util';
import { benchDatasetsGet } from './datasets-get/bench.js';
import { benchGateway } from './gateway/bench.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    duration: { type: 'string', default: '8' },
    rounds: { type: 'string', default: '3' },
    warmup: { type: 'string', default: '3' },
    connections: { type: 'string', default: '16' },
    streams: { type: 'string', default: '500' },
    'latency-requests': { type: 'string', default: '2000' },
  },
});

const benchmarks: Record<string, () => Promise<unknown>> = {
  'datasets-get': () =>
    benchDatasetsGet({
      durationSeconds: Number(values.duration),
      warmupSeconds: Number(values.warmup),
      connections: Number(values.connections),
      rounds: Number(values.rounds),
    }),
  gateway: () =>
    benchGateway({
      latencyRequests: Number(values['latency-requests']),
      sweepSeconds: 3,
      streams: Number(values.streams),
      chunks: 64,
      chunkGapMs: 20,
    }),
};

const selected = positionals.length > 0 ? positionals : Object.keys(benchmarks);
for (const name of selected) {
  const bench = benchmarks[name];
  if (!bench) {
    console.error(`unknown benchmark '${name}'; known: ${Object.keys(benchmarks).join(', ')}`);
    process.exit(2);
  }
  console.log(`\n== ${name} ==`);
  await bench();
}
