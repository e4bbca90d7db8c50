import type { K8sObject } from './render.js';

interface Dashboard {
  uid: string;
  panels: { targets?: { expr?: string }[] }[];
}

/** The Grafana dashboards provisioned by the monitoring chart's ConfigMaps, by uid. */
export function provisionedDashboards(objects: K8sObject[]): Dashboard[] {
  return objects
    .filter((o) => o.kind === 'ConfigMap')
    .flatMap((o) => Object.entries((o as { data?: Record<string, string> }).data ?? {}))
    .filter(([file]) => file.endsWith('.json'))
    .map(([, json]) => JSON.parse(json) as Dashboard);
}

/**
 * The metric names a PromQL expression reads: what is left once strings, label matchers, ranges,
 * grouping clauses and function calls are taken out.
 */
export function metricsOf(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names = [...bare.matchAll(/(?<![\w:.])([a-zA-Z_:][\w:]*)(?![\w:]|\s*\()/g)].map((match) => match[1]!);
  return [...new Set(names.filter((name) => !['and', 'or', 'unless', 'bool', 'offset'].includes(name)))];
}

/** Metric families in a Prometheus text exposition (`# TYPE` lines), with the series names each one yields. */
export function exposedSeries(text: string): Set<string> {
  const series = new Set<string>();
  for (const [, name, type] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    series.add(name!);
    if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) series.add(`${name}${suffix}`);
    if (type === 'summary') for (const suffix of ['_sum', '_count']) series.add(`${name}${suffix}`);
  }
  return series;
}
