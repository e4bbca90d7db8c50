// `tsx tools/charts/src/cli.ts [3|4]` prints the cached helm binary's path (fetching it once);
// `tsx tools/charts/src/cli.ts docs` regenerates values.schema.json and the README parameter tables.
import { ensureHelm, type HelmMajor } from './helm.js';
import { writeChartDocs } from './params.js';

const [command = '3'] = process.argv.slice(2);
if (command === 'docs') {
  for (const line of await writeChartDocs()) process.stdout.write(`${line}\n`);
} else if (command === '3' || command === '4') {
  const binary = await ensureHelm(Number(command) as HelmMajor, (line) => process.stderr.write(`${line}\n`));
  process.stdout.write(`${binary}\n`);
} else {
  process.stderr.write('usage: cli.ts [3|4|docs]\n');
  process.exit(2);
}
