import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '@one-data/testing';
import type { ServerProcess } from '../harness.js';

const NGINX = '/usr/sbin/nginx';

export const nginxAvailable = (): boolean => spawnSync(NGINX, ['-v']).status === 0;

/**
 * nginx (from Debian) as the baseline reverse proxy: one worker, keep-alive to the upstream,
 * `proxy_buffering off` as one would configure it for streamed completions.
 */
export async function startNginx(upstream: string): Promise<ServerProcess> {
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'bench-nginx-'));
  const conf = `
worker_processes 1;
error_log ${dir}/error.log warn;
pid ${dir}/nginx.pid;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  upstream vllm { server ${upstream.replace('http://', '')}; keepalive 256; }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://vllm;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffering off;
    }
  }
}`;
  await writeFile(join(dir, 'nginx.conf'), conf);
  const child = spawn(NGINX, ['-c', join(dir, 'nginx.conf'), '-p', dir, '-g', 'daemon off;'], { stdio: ['ignore', 'ignore', 'inherit'] });
  const url = `http://127.0.0.1:${port}`;
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      await fetch(`${url}/health`);
      break;
    } catch {
      await sleep(50);
    }
  }
  return {
    url,
    pid: child.pid ?? 0,
    async stop() {
      child.kill('SIGTERM');
      await once(child, 'exit');
      await rm(dir, { recursive: true, force: true });
    },
  };
}
