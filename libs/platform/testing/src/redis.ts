import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { freePort } from './ports.js';

export const TEST_REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

export interface TestRedis {
  redis: Redis;
  /** Every key this client touches starts with it, so parallel test files never see each other's keys. */
  keyPrefix: string;
  /** Deletes this test's keys and disconnects. */
  cleanup(): Promise<void>;
}

export function createTestRedis(): TestRedis {
  const keyPrefix = `test:${randomBytes(6).toString('hex')}:`;
  const redis = new Redis(TEST_REDIS_URL, { keyPrefix, maxRetriesPerRequest: 1 });
  return {
    redis,
    keyPrefix,
    async cleanup() {
      // SCAN ignores keyPrefix, so match on the full prefix and delete with a prefix-less client.
      const raw = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
      try {
        let cursor = '0';
        do {
          const [next, keys] = await raw.scan(cursor, 'MATCH', `${keyPrefix}*`, 'COUNT', 500);
          if (keys.length > 0) await raw.del(...keys);
          cursor = next;
        } while (cursor !== '0');
      } finally {
        raw.disconnect();
        redis.disconnect();
      }
    },
  };
}

const REDIS_SERVER = process.env['REDIS_SERVER_BINARY'] ?? 'redis-server';

/** Why no real redis-server (or Sentinel) can be started here; undefined when one can. */
export function redisServerUnavailable(): string | undefined {
  const result = spawnSync(REDIS_SERVER, ['--version'], { encoding: 'utf8' });
  if (result.status === 0) return undefined;
  return `${REDIS_SERVER} cannot run (${result.error?.message ?? result.stderr.trim()}): apt-get install redis-server`;
}

/** A Redis server or Sentinel process this test started, on 127.0.0.1. */
export interface RedisProcess {
  host: string;
  port: number;
  /** Kills the process and removes its directory. */
  stop(): Promise<void>;
}

/** A config-file string: quoted, so passwords with spaces or quotes survive. */
const quoted = (value: string): string => JSON.stringify(value);

/**
 * A throwaway redis-server on a free port without persistence; `replicaOf` makes it replicate that
 * port, `password` requires it (requirepass) and uses it towards its primary (masterauth).
 */
export function startRedisServer(options: { replicaOf?: number; password?: string } = {}): Promise<RedisProcess> {
  const replica = options.replicaOf === undefined ? [] : [`replicaof 127.0.0.1 ${options.replicaOf}`];
  const auth = options.password ? [`requirepass ${quoted(options.password)}`, `masterauth ${quoted(options.password)}`] : [];
  return startRedisProcess(['save ""', 'appendonly no', ...replica, ...auth], [], options.password);
}

/**
 * A real Redis Sentinel on a free port monitoring `master` as `name`, with quorum 1 (it alone decides
 * a failover) and a 1 s down-after, so a test's failover takes seconds. `requirepass` makes the
 * sentinel itself demand a password, as the infrastructure chart's sentinels do.
 */
export function startRedisSentinel(
  name: string,
  master: { host: string; port: number; password?: string },
  options: { requirepass?: string } = {},
): Promise<RedisProcess> {
  return startRedisProcess(
    [
      `sentinel monitor ${name} ${master.host} ${master.port} 1`,
      ...(master.password ? [`sentinel auth-pass ${name} ${quoted(master.password)}`] : []),
      `sentinel down-after-milliseconds ${name} 1000`,
      `sentinel failover-timeout ${name} 10000`,
      ...(options.requirepass ? [`requirepass ${quoted(options.requirepass)}`] : []),
    ],
    ['--sentinel'],
    options.requirepass,
  );
}

async function startRedisProcess(config: string[], args: string[] = [], password?: string): Promise<RedisProcess> {
  // Its own directory: a sentinel rewrites its config file as it learns about the group.
  const dir = await mkdtemp(join(tmpdir(), 'one-data-redis-'));
  const port = await freePort();
  const file = join(dir, 'redis.conf');
  await writeFile(file, [`port ${port}`, 'bind 127.0.0.1', `dir ${dir}`, ...config, ''].join('\n'));
  const child = spawn(REDIS_SERVER, [file, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let ended = false;
  const exited = new Promise<void>((resolve) => {
    const end = () => {
      ended = true;
      resolve();
    };
    child.once('exit', end);
    child.once('error', (error) => {
      output += String(error);
      end();
    });
  });
  const kill = () => child.kill('SIGKILL');
  process.once('exit', kill); // never outlive the test process
  const stop = async () => {
    process.off('exit', kill);
    if (!ended) {
      child.kill('SIGTERM');
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  };
  for (const deadline = Date.now() + 10_000; Date.now() < deadline && !ended; await sleep(50)) {
    const probe = new Redis({ host: '127.0.0.1', port, password, lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    probe.on('error', () => undefined);
    try {
      await probe.connect();
      if ((await probe.ping()) === 'PONG') return { host: '127.0.0.1', port, stop };
    } catch {
      // not listening yet
    } finally {
      probe.disconnect();
    }
  }
  await stop();
  throw new Error(`${REDIS_SERVER} ${args.join(' ')} did not answer on port ${port}:\n${output}`);
}
