import { and, eq, gte, lt, sql, type SQL } from 'drizzle-orm';
import { badRequest } from '@one-data/service-kit';
import type { ModelDb } from '../db/index.js';
import { usageHourly } from '../db/schema.js';

export const USAGE_GROUPS = ['model', 'apiKey', 'hour', 'day'] as const;
export type UsageGroup = (typeof USAGE_GROUPS)[number];

export interface UsageQuery {
  from: string;
  to: string;
  groupBy: UsageGroup[];
  model?: string;
  apiKeyId?: string;
}

export interface UsageRow {
  model?: string;
  apiKeyId?: string;
  period?: string;
  requests: number;
  errors: number;
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

const MAX_RANGE_MS = 366 * 24 * 3_600_000;

/** Sums of the hourly usage rows of one tenant over [from, to), grouped as asked. */
export async function queryUsage(db: ModelDb, tenantId: string, query: UsageQuery): Promise<UsageRow[]> {
  const from = new Date(query.from);
  const to = new Date(query.to);
  if (!(from < to)) {
    throw badRequest('validation_failed', 'The request is invalid', {
      detail: '/querystring/to must be after from',
      errors: [{ path: '/querystring/to', message: 'must be after from' }],
    });
  }
  if (to.getTime() - from.getTime() > MAX_RANGE_MS) {
    throw badRequest('validation_failed', 'The request is invalid', {
      detail: 'the range may span at most 366 days',
      errors: [{ path: '/querystring/from', message: 'the range may span at most 366 days' }],
    });
  }
  const conditions: SQL[] = [eq(usageHourly.tenantId, tenantId), gte(usageHourly.hour, from), lt(usageHourly.hour, to)];
  if (query.model) conditions.push(eq(usageHourly.model, query.model));
  if (query.apiKeyId !== undefined) conditions.push(eq(usageHourly.apiKeyId, query.apiKeyId));

  const groups = new Set(query.groupBy);
  const period = groups.has('hour')
    ? sql<string>`date_format(${usageHourly.hour}, '%Y-%m-%dT%H:00:00Z')`
    : groups.has('day')
      ? sql<string>`date_format(${usageHourly.hour}, '%Y-%m-%dT00:00:00Z')`
      : undefined;
  const selection = {
    ...(groups.has('model') ? { model: usageHourly.model } : {}),
    ...(groups.has('apiKey') ? { apiKeyId: usageHourly.apiKeyId } : {}),
    ...(period ? { period: period.as('period') } : {}),
    requests: sql<string>`sum(${usageHourly.requests})`,
    errors: sql<string>`sum(${usageHourly.errors})`,
    promptTokens: sql<string>`sum(${usageHourly.promptTokens})`,
    completionTokens: sql<string>`sum(${usageHourly.completionTokens})`,
  };
  const groupColumns = [
    ...(groups.has('model') ? [usageHourly.model] : []),
    ...(groups.has('apiKey') ? [usageHourly.apiKeyId] : []),
    ...(period ? [sql`period`] : []),
  ];
  const base = db.select(selection).from(usageHourly).where(and(...conditions));
  const rows = groupColumns.length > 0 ? await base.groupBy(...groupColumns).orderBy(...groupColumns) : await base;
  return rows
    .filter((row) => row.requests !== null)
    .map((row) => {
      const promptTokens = Number(row.promptTokens);
      const completionTokens = Number(row.completionTokens);
      return {
        ...('model' in row ? { model: row.model as string } : {}),
        ...('apiKeyId' in row ? { apiKeyId: row.apiKeyId as string } : {}),
        ...('period' in row ? { period: row.period as string } : {}),
        requests: Number(row.requests),
        errors: Number(row.errors),
        promptTokens,
        completionTokens,
        totalTokens: promptTokens + completionTokens,
      };
    });
}
