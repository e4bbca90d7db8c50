/**
 * Mints a development token signed with the local dev key (the one services use in AUTH_MODE=dev).
 * stdout carries only the token so it can be captured: TOKEN=$(npm run -s token -- --tenant acme --roles developer)
 */
import { parseArgs } from 'node:util';
import { DEV_TOKEN_TTL_SECONDS, ROLES, mintDevToken, type Role } from '@one-data/auth';

const USAGE = `Usage: npm run -s token -- --tenant <id> --roles <role[,role]> [--sub <subject>] [--ttl <seconds>]

  --tenant  tenant id (tenant_id claim)
  --roles   comma-separated, from: ${ROLES.join(', ')}
  --sub     subject, default dev-user
  --ttl     lifetime in seconds, default ${DEV_TOKEN_TTL_SECONDS} (8 hours)

Keys live in AUTH_DEV_KEY_DIR, default <workspace>/.local/dev-auth (created on first use).`;

class UsageError extends Error {}

interface TokenRequest {
  tenantId: string;
  roles: Role[];
  subject: string | undefined;
  ttlSeconds: number | undefined;
}

function parseRoles(list: string): Role[] {
  const roles = list.split(',').map((role) => role.trim()).filter((role) => role !== '');
  if (roles.length === 0) throw new UsageError('--roles needs at least one role');
  const unknown = roles.filter((role) => !(ROLES as readonly string[]).includes(role));
  if (unknown.length > 0) throw new UsageError(`Unknown role '${unknown.join("', '")}'. Valid roles: ${ROLES.join(', ')}.`);
  return roles as Role[];
}

function parseTtl(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^[1-9]\d*$/.test(value)) throw new UsageError('--ttl must be a positive whole number of seconds');
  return Number(value);
}

/** Returns null when help was asked for. */
function parseRequest(args: string[]): TokenRequest | null {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        tenant: { type: 'string' },
        roles: { type: 'string' },
        sub: { type: 'string' },
        ttl: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help === true) return null;
  if (values.tenant === undefined || values.tenant.trim() === '') throw new UsageError('--tenant is required');
  if (values.roles === undefined) throw new UsageError('--roles is required');
  return { tenantId: values.tenant, roles: parseRoles(values.roles), subject: values.sub, ttlSeconds: parseTtl(values.ttl) };
}

async function main(args: string[]): Promise<number> {
  let request;
  try {
    request = parseRequest(args);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}\n\n${USAGE}\n`);
    return 2;
  }
  if (request === null) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  process.stdout.write(`${await mintDevToken(request)}\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`dev-auth: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
