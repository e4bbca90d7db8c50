import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { chartRoutes, loadRouteTable } from './route-table.js';

const workspaceRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

describe('the route table from the real charts', () => {
  const { active, inactive } = loadRouteTable(workspaceRoot);

  it('routes data.example.com/api to data-api and model.example.com/v1/ to model-api on their .env ports', () => {
    expect(active).toContainEqual({ host: 'data.example.com', prefix: '/api', service: 'data-api', port: 3001 });
    expect(active).toContainEqual({ host: 'model.example.com', prefix: '/v1/', service: 'model-api', port: 3010 });
    expect(active).toContainEqual({ host: 'model.example.com', prefix: '/api', service: 'model-api', port: 3010 });
  });

  it('routes only services with an app here, and says why the others are left out', () => {
    for (const route of active) expect(existsSync(join(workspaceRoot, 'apps', route.service))).toBe(true);
    for (const route of inactive) expect(route.missing).toBe(`no apps/${route.service}`);
  });
});

describe('chartRoutes and loadRouteTable on a chart made for the test', () => {
  let root: string;

  const write = async (path: string, text: string): Promise<void> => {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  };
  const component = (host: string, paths: string[], className = 'istio') => ({
    enabled: true,
    ingress: { enabled: true, className, hosts: [{ host, paths: paths.map((path) => ({ path, pathType: 'Prefix' })) }] },
  });

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'dev-gateway-'));
    await write('helm-charts/shop/Chart.yaml', 'name: shop\nversion: 0.1.0\n');
    await write(
      'helm-charts/shop/templates/virtualservices.yaml',
      '{{- include "common.istio.virtualServices" (dict "ctx" $ "components" (list "api" "web" "off" "closed" "nginx" "named")) }}\n',
    );
    const closed = component('shop.example.com', ['/closed']);
    await write(
      'helm-charts/shop/values.yaml',
      stringify({
        namePrefix: 'store',
        api: component('shop.example.com', ['/api', '/api/v1/orders', '/api/v1/ordersx']),
        web: component('shop.example.com', ['/']),
        off: { ...component('shop.example.com', ['/off']), enabled: false },
        closed: { ...closed, ingress: { ...closed.ingress, enabled: false } },
        nginx: component('shop.example.com', ['/nginx'], 'nginx'),
        named: { ...component('pay.example.com', ['/']), fullnameOverride: 'checkout' },
        unlisted: component('shop.example.com', ['/unlisted']),
      }),
    );
    // A chart without VirtualServices contributes nothing.
    await write('helm-charts/infra/values.yaml', stringify({ api: component('infra.example.com', ['/']) }));
    await write('apps/store-api/.env', 'PORT=4001\n');
    await write('apps/store-web/.env', 'PORT=4002\n');
    await write('apps/store-web/.env.local', '# a developer moved it\nPORT=4102\n');
    await write('apps/checkout/.env', 'LOG_LEVEL=debug\n');
  });

  afterAll(() => rm(root, { recursive: true, force: true }));

  it('keeps enabled istio ingress of the listed components, longest prefix first per host', () => {
    expect(chartRoutes(join(root, 'helm-charts'))).toEqual([
      { host: 'pay.example.com', prefix: '/', service: 'checkout' },
      { host: 'shop.example.com', prefix: '/api/v1/ordersx', service: 'store-api' },
      { host: 'shop.example.com', prefix: '/api/v1/orders', service: 'store-api' },
      { host: 'shop.example.com', prefix: '/api', service: 'store-api' },
      { host: 'shop.example.com', prefix: '/', service: 'store-web' },
    ]);
  });

  it('takes each port from the .env files nx serve loads, .env.local first', () => {
    const { active, inactive } = loadRouteTable(root);
    expect(active.map((route) => `${route.host}${route.prefix} ${route.service}:${route.port}`)).toEqual([
      'shop.example.com/api/v1/ordersx store-api:4001',
      'shop.example.com/api/v1/orders store-api:4001',
      'shop.example.com/api store-api:4001',
      'shop.example.com/ store-web:4102',
    ]);
    expect(inactive).toEqual([
      { host: 'pay.example.com', prefix: '/', service: 'checkout', missing: 'apps/checkout sets no PORT in its .env' },
    ]);
  });
});
