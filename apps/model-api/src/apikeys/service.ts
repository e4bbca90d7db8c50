import { hasRole, type Principal } from '@one-data/auth';
import { ProblemError, badRequest, decodeCursor, newId, notFound, toPage } from '@one-data/service-kit';
import type { ApiKey, CreateApiKey, ListApiKeysQuery, UpdateApiKey } from '../schemas/api-key.js';
import type { ApiKeyRepository, ApiKeyRow, NewApiKeyRow } from './repository.js';
import { displayPrefix, hashKeySecret, newKeySecret } from './secrets.js';
import type { ApiKeyStore } from './store.js';

export const toApiKey = (row: ApiKeyRow): ApiKey => ({
  id: row.id,
  name: row.name,
  prefix: row.prefix,
  models: row.models ?? null,
  requestsPerMinute: row.requestsPerMinute,
  tokensPerMinute: row.tokensPerMinute,
  maxConcurrency: row.maxConcurrency,
  expiresAt: row.expiresAt?.toISOString() ?? null,
  revokedAt: row.revokedAt?.toISOString() ?? null,
  createdBy: row.createdBy,
  createdAt: row.createdAt.toISOString(),
});

const futureDate = (value: string | null | undefined): Date | null | undefined => {
  if (value === undefined || value === null) return value;
  const date = new Date(value);
  if (date.getTime() <= Date.now()) {
    throw badRequest('validation_failed', 'The request is invalid', {
      detail: '/body/expiresAt must be in the future',
      errors: [{ path: '/body/expiresAt', message: 'must be in the future' }],
    });
  }
  return date;
};

/** Developers manage the keys they created; admins manage every key of their tenant. */
const mayManage = (principal: Principal, row: ApiKeyRow): boolean =>
  hasRole(principal, 'admin') || row.createdBy === principal.subject;

export class ApiKeyService {
  constructor(
    private readonly repository: ApiKeyRepository,
    private readonly store: ApiKeyStore,
  ) {}

  async create(principal: Principal, input: CreateApiKey): Promise<ApiKey & { secret: string }> {
    const secret = newKeySecret();
    const row: NewApiKeyRow = {
      id: newId('key'),
      tenantId: principal.tenantId,
      name: input.name,
      prefix: displayPrefix(secret),
      secretHash: hashKeySecret(secret),
      models: input.models ?? null,
      requestsPerMinute: input.requestsPerMinute ?? null,
      tokensPerMinute: input.tokensPerMinute ?? null,
      maxConcurrency: input.maxConcurrency ?? null,
      expiresAt: futureDate(input.expiresAt) ?? null,
      createdBy: principal.subject,
    };
    await this.repository.insert(row);
    return { ...toApiKey(await this.getRow(principal, row.id)), secret };
  }

  async list(principal: Principal, query: ListApiKeysQuery) {
    const beforeId = query.cursor ? decodeCursor(query.cursor, { id: 'string' }).id : undefined;
    const rows = await this.repository.list(principal.tenantId, {
      limit: query.limit,
      includeRevoked: query.includeRevoked,
      ...(beforeId ? { beforeId } : {}),
    });
    const visible = hasRole(principal, 'admin') ? rows : rows.filter((row) => row.createdBy === principal.subject);
    return toPage(visible, query.limit, (row) => ({ id: row.id }), toApiKey);
  }

  async get(principal: Principal, id: string): Promise<ApiKey> {
    return toApiKey(await this.getRow(principal, id));
  }

  async update(principal: Principal, id: string, input: UpdateApiKey): Promise<ApiKey> {
    const row = await this.getRow(principal, id);
    if (row.revokedAt) throw new ProblemError(409, 'key_revoked', 'Key revoked', { detail: 'A revoked key cannot be changed.' });
    const { expiresAt, ...rest } = input;
    await this.repository.update(principal.tenantId, id, {
      ...rest,
      ...(expiresAt === undefined ? {} : { expiresAt: futureDate(expiresAt) ?? null }),
    });
    await this.store.forget(row.secretHash);
    return this.get(principal, id);
  }

  /** Revokes at once on every replica; the key stays listed (with `revokedAt`) for audit. */
  async revoke(principal: Principal, id: string): Promise<void> {
    const row = await this.getRow(principal, id);
    if (!row.revokedAt) await this.repository.update(principal.tenantId, id, { revokedAt: new Date() });
    await this.store.forget(row.secretHash);
  }

  private async getRow(principal: Principal, id: string): Promise<ApiKeyRow> {
    const row = await this.repository.findById(principal.tenantId, id);
    if (!row || !mayManage(principal, row)) throw notFound('API key', id);
    return row;
  }
}
