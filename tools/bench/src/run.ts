// `npm run bench [-- <name>] [-- --duration 10 --connections 16]`: runs the benchmarks and prints
// their figures measured side by side in this one run. Not part of `npm test`: timings belong here.
import { parseArgs } from 'node:util';
import { benchDatasetsGet } from './datasets-get/bench.js';

const benchmarks: Record<string, (load: Parameters<typeof benchDatasetsGet>[0]) => Promise<unknown>> = {
  'datasets-get': benchDatasetsGet,
};

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '3' },
    connections: { type: 'string', default: '16' },
  },
});

const selected = positionals.length > 0 ? positionals : Object.keys(benchmarks);
for (const name of selected) {
  const bench = benchmarks[name];
  if (!bench) {
    console.error(`unknown benchmark '${name}'; known: ${Object.keys(benchmarks).join(', ')}`);
    process.exit(2);
  }
  console.log(`\n== ${name} ==`);
  await bench({
    durationSeconds: Number(values.duration),
    warmupSeconds: Number(values.warmup),
    connections: Number(values.connections),
  });
}
