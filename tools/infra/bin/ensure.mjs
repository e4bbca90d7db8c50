#!/usr/bin/env node
// Makes sure the local infrastructure the services and tests need is reachable: MySQL/MariaDB and
// Redis. Starts a locally installed server when one is down; otherwise says exactly how to get one.
// Plain Node with no dependencies, so it runs before `npm ci` too.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

const endpoint = (url, fallbackPort) => {
  const parsed = new URL(url);
  return { host: parsed.hostname || '127.0.0.1', port: Number(parsed.port || fallbackPort) };
};

const SERVICES = [
  {
    name: 'MySQL/MariaDB',
    ...endpoint(process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306', 3306),
    binaries: ['/usr/sbin/mariadbd', '/usr/sbin/mysqld'],
    start: (binary) => {
      mkdirSync('/run/mysqld', { recursive: true });
      spawnSync('chown', ['mysql:mysql', '/run/mysqld']);
      return ['start-stop-daemon', ['--start', '--oknodo', '--background', '--exec', binary]];
    },
    install: 'apt-get install -y mariadb-server   # or: docker compose -f docker/compose.yaml up -d mysql',
  },
  {
    name: 'Redis',
    ...endpoint(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379', 6379),
    binaries: ['/usr/bin/redis-server', '/usr/local/bin/redis-server'],
    start: (binary) => {
      mkdirSync('/var/lib/redis', { recursive: true });
      return [binary, ['--daemonize', 'yes', '--bind', '127.0.0.1', '--port', '6379', '--save', '', '--appendonly', 'no', '--dir', '/var/lib/redis']];
    },
    install: 'apt-get install -y redis-server   # or: docker compose -f docker/compose.yaml up -d redis',
  },
];

const reachable = ({ host, port }) =>
  new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 1000 });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });

const isLocal = (host) => ['127.0.0.1', 'localhost', '::1'].includes(host);

let failed = false;
for (const service of SERVICES) {
  const where = `${service.host}:${service.port}`;
  if (await reachable(service)) continue;
  const binary = service.binaries.find((candidate) => existsSync(candidate));
  if (!isLocal(service.host) || !binary) {
    failed = true;
    console.error(`✗ ${service.name} is not reachable at ${where}.`);
    console.error(`  Install and start it:  ${service.install}`);
    continue;
  }
  const [command, args] = service.start(binary);
  console.error(`… ${service.name} is down at ${where}; starting ${binary}`);
  const result = spawnSync(command, args, { stdio: 'inherit' });
  if (result.error) console.error(`  could not run ${command}: ${result.error.message}`);
  let up = false;
  for (let attempt = 0; attempt < 60 && !up; attempt++) {
    up = await reachable(service);
    if (!up) await sleep(500);
  }
  if (up) console.error(`✓ ${service.name} started at ${where}`);
  else {
    failed = true;
    console.error(`✗ ${service.name} did not come up at ${where} within 30 s. Start it by hand: ${command} ${args.join(' ')}`);
  }
}
process.exit(failed ? 1 : 0);
