import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';
import { createTestDatabase, startTestIdentityProvider, startVllmEmulator } from '@one-data/testing';
const database = await createTestDatabase({ migrationsFolder: '/work/main/apps/model-api/drizzle' });
const idp = await startTestIdentityProvider();
const emu = spawn(process.execPath, ['--import', 'tsx', 'libs/platform/testing/src/vllm-emulator/cli.ts', '--port', '3997', '--models', 'fast'], { stdio: 'ignore' });
const prof = process.env.PROF === '1' ? ['--cpu-prof', '--cpu-prof-dir=/tmp/prof'] : [];
const child = spawn(process.execPath, [...prof, ...(process.env.BUNDLE ? ['dist/apps/model-api/main.js'] : ['--import', 'tsx', 'apps/model-api/src/main.ts'])], {
  env: { ...process.env, PORT: '3996', HOST: '127.0.0.1', NODE_ENV: 'production', LOG_LEVEL: process.env.LL ?? 'info', DATABASE_URL: database.url, REDIS_URL: 'redis://127.0.0.1:6379', REDIS_KEY_PREFIX: 'prof:', AUTH_MODE: 'jwks', AUTH_JWKS_URL: idp.jwksUrl, AUTH_ISSUER: idp.issuer, AUTH_AUDIENCE: idp.audience, SERVING_POOLS: JSON.stringify([{ model: 'fast', endpoints: ['http://127.0.0.1:3997'] }]) },
  stdio: ['ignore', 'ignore', 'inherit'],
});
for (let i = 0; i < 100; i++) { try { if ((await fetch('http://127.0.0.1:3996/health')).ok && (await fetch('http://127.0.0.1:3997/health')).ok) break; } catch {} await sleep(100); }
const issued = await fetch('http://127.0.0.1:3996/api/v1/api-keys', { method: 'POST', headers: { authorization: `Bearer ${await idp.token('b', ['developer'])}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'b', requestsPerMinute: process.env.NOLIMIT ? undefined : 100000000 }) });
const { secret } = await issued.json() as any;
const body = JSON.stringify({ model: 'fast', messages: [{ role: 'user', content: 'benchmark prompt with a few words' }], max_tokens: 16 });
const cpu0 = (await import('node:fs')).readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(' ');
const r = await autocannon({ url: 'http://127.0.0.1:3996/v1/chat/completions', method: 'POST', headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' }, body, connections: 8, duration: 5 });
const cpu1 = (await import('node:fs')).readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(' ');
const ticks = (Number(cpu1[13]) + Number(cpu1[14])) - (Number(cpu0[13]) + Number(cpu0[14]));
console.log('gateway cpu ms/request', (ticks * 10 / r.requests.total).toFixed(3), 'cpu util', (ticks / 5 / 100).toFixed(2));
console.log('req/s', r.requests.average, 'p99', r.latency.p99, 'non2xx', r.non2xx, 'err', r.errors);
const rss = (await import('node:fs')).readFileSync(`/proc/${child.pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)?.[1];
console.log('rss MB', Number(rss) / 1024);
child.kill('SIGTERM'); emu.kill('SIGTERM'); await new Promise(r => child.on('exit', r));
await idp.close(); await database.drop();
