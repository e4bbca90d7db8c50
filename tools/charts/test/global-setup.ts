// Fetches both helm binaries once (cached in .cache/helm) before any test file runs.
import { ensureHelm } from '../src/helm.js';

export default async function setup(): Promise<void> {
  const log = (line: string): void => void process.stderr.write(`[charts] ${line}\n`);
  await ensureHelm(3, log);
  await ensureHelm(4, log);
}
