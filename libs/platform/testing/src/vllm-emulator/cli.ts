/**
 * Standalone vLLM emulator:
 *   tsx libs/platform/testing/src/vllm-emulator/cli.ts --port 8000 --models a,b --token-delay-ms 20 --name e1
 * Prints `LISTENING <url>` on stdout once it accepts connections; SIGTERM / SIGINT close it.
 */
import { parseArgs } from 'node:util';
import { startVllmEmulator } from './emulator.js';
import type { EmulatorOptions } from './types.js';

function integer(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) {
    process.stderr.write(`--${name} must be a non-negative integer, got ${JSON.stringify(value)}\n`);
    process.exit(2);
  }
  return n;
}

const { values } = parseArgs({
  options: {
    host: { type: 'string' },
    port: { type: 'string' },
    models: { type: 'string' },
    'token-delay-ms': { type: 'string' },
    'default-max-tokens': { type: 'string' },
    'embedding-dimensions': { type: 'string' },
    'max-model-len': { type: 'string' },
    name: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
  strict: true,
});

if (values.help) {
  process.stdout.write(
    'usage: cli.ts [--host 127.0.0.1] [--port 0] [--models a,b] [--token-delay-ms 0] [--default-max-tokens 16]\n' +
      '              [--embedding-dimensions 8] [--max-model-len 32768] [--name NAME]\n',
  );
  process.exit(0);
}

const options: EmulatorOptions = {};
if (values.host !== undefined) options.host = values.host;
const port = integer('port', values.port);
if (port !== undefined) options.port = port;
if (values.models !== undefined) options.models = values.models.split(',').map((m) => m.trim()).filter((m) => m !== '');
const tokenDelayMs = integer('token-delay-ms', values['token-delay-ms']);
if (tokenDelayMs !== undefined) options.tokenDelayMs = tokenDelayMs;
const defaultMaxTokens = integer('default-max-tokens', values['default-max-tokens']);
if (defaultMaxTokens !== undefined) options.defaultMaxTokens = defaultMaxTokens;
const embeddingDimensions = integer('embedding-dimensions', values['embedding-dimensions']);
if (embeddingDimensions !== undefined) options.embeddingDimensions = embeddingDimensions;
const maxModelLen = integer('max-model-len', values['max-model-len']);
if (maxModelLen !== undefined) options.maxModelLen = maxModelLen;
if (values.name !== undefined) options.name = values.name;

const emulator = await startVllmEmulator(options);
process.stdout.write(`LISTENING ${emulator.url}\n`);

let stopping = false;
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  void emulator.close().then(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
