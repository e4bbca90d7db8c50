import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { SignJWT, calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import { ROLES, isRole, type Role } from './roles.js';

/** Issuer of development tokens; verifiers in dev mode should expect it together with DEV_AUDIENCE. */
export const DEV_ISSUER = 'one-data-dev';
export const DEV_AUDIENCE = 'one-data';
export const DEV_TOKEN_TTL_SECONDS = 8 * 3600;

const KEY_FILE = 'signing-key.jwk.json';
// Members that make a JWK private (RFC 7518 §6.2.2, §6.3.2); stripped to publish the key.
const PRIVATE_MEMBERS = new Set(['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth']);

export interface DevKeys {
  privateJwk: JWK;
  publicJwks: { keys: JWK[] };
  kid: string;
}

function workspaceRoot(start: string): string {
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'nx.json'))) return dir;
    if (dirname(dir) === dir) return resolve(start);
  }
}

/** Explicit folder, else `AUTH_DEV_KEY_DIR`, else `<workspace root>/.local/dev-auth`. */
export function devKeyDir(dir?: string): string {
  return resolve(dir ?? process.env['AUTH_DEV_KEY_DIR'] ?? join(workspaceRoot(process.cwd()), '.local', 'dev-auth'));
}

const isMissingFile = (error: unknown): boolean => (error as NodeJS.ErrnoException).code === 'ENOENT';
const alreadyExists = (error: unknown): boolean => (error as NodeJS.ErrnoException).code === 'EEXIST';

async function readKeyFile(file: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as unknown;
  } catch (error) {
    if (isMissingFile(error)) return undefined;
    throw error;
  }
}

/**
 * Services start in parallel (`nx run-many -t serve`), so creation must be race-free: the key is
 * written to a private temp file and hard-linked into place, which fails if another process won.
 */
async function createKeyFile(dir: string, file: string): Promise<unknown> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const kid = await calculateJwkThumbprint(await exportJWK(publicKey));
  const privateJwk: JWK = { ...(await exportJWK(privateKey)), kid, alg: 'ES256', use: 'sig' };
  const temp = `${file}.${randomUUID()}.tmp`;
  await writeFile(temp, `${JSON.stringify(privateJwk, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  try {
    await link(temp, file);
    return privateJwk;
  } catch (error) {
    if (alreadyExists(error)) return await readKeyFile(file);
    throw error;
  } finally {
    await unlink(temp);
  }
}

function devKeysFrom(stored: unknown, file: string): DevKeys {
  const jwk = stored as JWK | undefined;
  const alg = jwk?.kty === 'EC' && jwk.crv === 'P-256' ? 'ES256' : jwk?.kty === 'RSA' ? 'RS256' : undefined;
  if (jwk === undefined || alg === undefined || typeof jwk.d !== 'string') {
    throw new Error(`${file} does not hold an ES256 or RS256 private JWK; delete it to generate a new key.`);
  }
  const kid = jwk.kid ?? `dev-${alg.toLowerCase()}`;
  const privateJwk: JWK = { ...jwk, kid, alg, use: 'sig' };
  const publicJwk = Object.fromEntries(Object.entries(privateJwk).filter(([member]) => !PRIVATE_MEMBERS.has(member))) as JWK;
  return { privateJwk, publicJwks: { keys: [publicJwk] }, kid };
}

/** The local development signing key, generated (ES256, file mode 0600) on first use. */
export async function loadOrCreateDevKeys(dir?: string): Promise<DevKeys> {
  const keyDir = devKeyDir(dir);
  const file = join(keyDir, KEY_FILE);
  return devKeysFrom((await readKeyFile(file)) ?? (await createKeyFile(keyDir, file)), file);
}

export interface DevTokenInput {
  tenantId: string;
  roles: Role[];
  /** default `dev-user` */
  subject?: string;
  /** default 8 hours */
  ttlSeconds?: number;
  /** default DEV_AUDIENCE */
  audience?: string;
  /** default DEV_ISSUER */
  issuer?: string;
  /** key folder, as for loadOrCreateDevKeys */
  dir?: string;
}

/** Signs a development token with the local key; claims use the defaults a dev-mode verifier reads. */
export async function mintDevToken(input: DevTokenInput): Promise<string> {
  const ttlSeconds = input.ttlSeconds ?? DEV_TOKEN_TTL_SECONDS;
  if (input.tenantId.trim() === '') throw new Error('tenantId must not be empty');
  const unknownRoles = input.roles.filter((role) => !isRole(role));
  if (unknownRoles.length > 0) {
    throw new Error(`Unknown role '${unknownRoles.join("', '")}'. Valid roles: ${ROLES.join(', ')}.`);
  }
  if (!Number.isInteger(ttlSeconds) || ttlSeconds <= 0) throw new Error('ttlSeconds must be a positive integer');

  const { privateJwk, kid } = await loadOrCreateDevKeys(input.dir);
  const alg = privateJwk.alg ?? 'ES256';
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ tenant_id: input.tenantId, roles: [...new Set(input.roles)] })
    .setProtectedHeader({ alg, kid, typ: 'JWT' })
    .setSubject(input.subject ?? 'dev-user')
    .setIssuer(input.issuer ?? DEV_ISSUER)
    .setAudience(input.audience ?? DEV_AUDIENCE)
    .setIssuedAt(now)
    .setExpirationTime(now + ttlSeconds)
    .sign(await importJWK(privateJwk, alg));
}
