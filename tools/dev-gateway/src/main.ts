/** `nx serve dev-gateway`: the charts' routes on 127.0.0.1:8080 (DEV_GATEWAY_PORT), to the apps' dev ports. */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createGateway } from './gateway.js';
import { loadRouteTable } from './route-table.js';

const workspaceRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

const portSetting = process.env['DEV_GATEWAY_PORT'] ?? '8080';
const port = Number(portSetting);
if (!Number.isInteger(port) || port < 1 || port > 65535) {
  console.error(`DEV_GATEWAY_PORT must be a port number (1-65535), not '${portSetting}'`);
  process.exit(2);
}

const { active, inactive } = loadRouteTable(workspaceRoot);
const app = createGateway({ routes: active, logger: { level: process.env['LOG_LEVEL'] ?? 'info' } });

const list = (entries: string[]): string => entries.join(', ') || 'none';
app.log.info(`active routes: ${list(active.map((r) => `${r.host}${r.prefix} -> ${r.service} :${r.port}`))}`);
app.log.info(`inactive routes: ${list(inactive.map((r) => `${r.host}${r.prefix} -> ${r.service} (${r.missing})`))}`);

await app.listen({ host: '127.0.0.1', port });
