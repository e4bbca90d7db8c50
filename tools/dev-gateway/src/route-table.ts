/**
 * The route table: what the charts' VirtualServices route (helm-charts/common/templates/_istio.tpl),
 * read from the same values, with each service's development port in place of its Service.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseEnv } from 'node:util';
import { parse as parseYaml } from 'yaml';

/** One `match.uri.prefix` → destination entry of a rendered VirtualService. */
export interface ChartRoute {
  host: string;
  prefix: string;
  /** `<namePrefix>-<component>`, the Service name and the app's folder under apps/. */
  service: string;
}

export interface Route extends ChartRoute {
  /** Where the service listens in development (127.0.0.1). */
  port: number;
}

/** A service's development port, or why it has none here. */
export type DevPort = { port: number } | { missing: string };

export interface RouteTable {
  active: Route[];
  /** Routes the charts have whose service does not run locally. */
  inactive: (ChartRoute & { missing: string })[];
}

interface IngressValues {
  enabled?: boolean;
  className?: string;
  hosts?: { host: string; paths?: { path: string }[] }[];
}

interface ComponentValues {
  enabled?: boolean;
  fullnameOverride?: string;
  ingress?: IngressValues;
}

// The chart's templates/virtualservices.yaml names the components it routes, in one include.
const COMPONENT_LIST = /"common\.istio\.virtualServices"\s+\(dict\s+"ctx"\s+\$\s+"components"\s+\(list((?:\s+"[^"]+")+)\)\)/;

const readYaml = (path: string): Record<string, unknown> => (parseYaml(readFileSync(path, 'utf8')) ?? {}) as Record<string, unknown>;

function chartComponents(templatePath: string): string[] {
  const match = COMPONENT_LIST.exec(readFileSync(templatePath, 'utf8'));
  if (!match?.[1]) throw new Error(`${templatePath}: no common.istio.virtualServices include with a component list`);
  return [...match[1].matchAll(/"([^"]+)"/g)].map((m) => m[1] as string);
}

// Byte order, as Helm's sortAlpha compares.
const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The order of a host's routes in its VirtualService, where the first matching prefix wins: longer
 * prefixes first, then by prefix, then by service.
 */
export const byPrecedence = (a: ChartRoute, b: ChartRoute): number =>
  b.prefix.length - a.prefix.length || compare(a.prefix, b.prefix) || compare(a.service, b.service);

/** Every route the VirtualServices of the charts under helmChartsDir send somewhere. */
export function chartRoutes(helmChartsDir: string): ChartRoute[] {
  const routes: ChartRoute[] = [];
  for (const chart of readdirSync(helmChartsDir).sort()) {
    const template = join(helmChartsDir, chart, 'templates', 'virtualservices.yaml');
    if (!existsSync(template)) continue;
    const values = readYaml(join(helmChartsDir, chart, 'values.yaml'));
    const chartName = String(readYaml(join(helmChartsDir, chart, 'Chart.yaml'))['name']);
    const namePrefix = String(values['fullnameOverride'] || values['namePrefix'] || chartName);
    for (const component of chartComponents(template)) {
      const settings = (values[component] ?? {}) as ComponentValues;
      const ingress = settings.ingress ?? {};
      if (!settings.enabled || !ingress.enabled || (ingress.className || 'istio') !== 'istio') continue;
      const service = settings.fullnameOverride || `${namePrefix}-${component}`;
      for (const { host, paths } of ingress.hosts ?? []) {
        for (const { path } of paths ?? []) routes.push({ host, prefix: path, service });
      }
    }
  }
  return routes.sort((a, b) => compare(a.host, b.host) || byPrecedence(a, b));
}

// The files Nx loads for `nx serve <app>`, the first to define a variable winning (nx task-env-paths).
const SERVE_ENV_FILES = ['.env.serve.local', '.env.serve', '.serve.local.env', '.serve.env', '.env.local', '.local.env', '.env'];

/** The PORT `nx serve <service>` gives apps/<service>, read from the .env files Nx loads. */
function appDevPort(workspaceRoot: string, service: string): DevPort {
  const appDir = join(workspaceRoot, 'apps', service);
  if (!existsSync(appDir)) return { missing: `no apps/${service}` };
  for (const dir of [appDir, workspaceRoot]) {
    for (const file of SERVE_ENV_FILES) {
      const path = join(dir, file);
      const port = existsSync(path) ? parseEnv(readFileSync(path, 'utf8'))['PORT'] : undefined;
      if (port === undefined) continue;
      const valid = /^[1-9]\d{0,4}$/.test(port) && Number(port) <= 65535;
      return valid ? { port: Number(port) } : { missing: `${relative(workspaceRoot, path)} has PORT=${port}` };
    }
  }
  return { missing: `apps/${service} sets no PORT in its .env` };
}

/**
 * The charts' routes whose service runs locally. devPort defaults to the apps' .env files; tests
 * pass their own upstreams' ports.
 */
export function loadRouteTable(
  workspaceRoot: string,
  devPort: (service: string) => DevPort = (service) => appDevPort(workspaceRoot, service),
): RouteTable {
  const table: RouteTable = { active: [], inactive: [] };
  for (const route of chartRoutes(join(workspaceRoot, 'helm-charts'))) {
    const dev = devPort(route.service);
    if ('port' in dev) table.active.push({ ...route, port: dev.port });
    else table.inactive.push({ ...route, missing: dev.missing });
  }
  return table;
}
