import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '@one-data/testing';
import type { FastifyInstance } from 'fastify';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { createGateway } from './gateway.js';
import { loadRouteTable, type Route } from './route-table.js';

const workspaceRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((server) => server.close()));
});

/** A real HTTP server on a free port, closed after the test. */
async function upstream(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<number> {
  const server: Server = createServer(handler).listen(0, '127.0.0.1');
  await once(server, 'listening');
  open.push({
    close: async () => {
      server.closeAllConnections();
      await new Promise((done) => server.close(done));
    },
  });
  return (server.address() as AddressInfo).port;
}

/** An upstream that answers with what it received, so a test sees what the gateway forwarded. */
const echo = (name: string): Promise<number> =>
  upstream(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    res.setHeader('content-type', 'application/json');
    res.setHeader('x-upstream', name);
    res.end(JSON.stringify({ name, method: req.method, url: req.url, headers: req.headers, body }));
  });

async function gateway(routes: Route[]): Promise<string> {
  const app: FastifyInstance = createGateway({ routes });
  await app.listen({ host: '127.0.0.1', port: 0 });
  open.push({ close: () => app.close() });
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}

interface Echoed {
  name: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

async function call(base: string, host: string, path: string, init: { method?: 'GET' | 'POST'; body?: string } = {}) {
  const response = await request(`${base}${path}`, { method: init.method ?? 'GET', headers: { host }, body: init.body ?? null });
  const text = await response.body.text();
  return { status: response.statusCode, headers: response.headers, text, json: () => JSON.parse(text) as Echoed };
}

describe('dev gateway', () => {
  it('routes by host and path prefix, forwarding method, path, query, headers and body', async () => {
    const [data, model] = await Promise.all([echo('data'), echo('model')]);
    const base = await gateway([
      { host: 'data.example.com', prefix: '/api', service: 'data-api', port: data },
      { host: 'model.example.com', prefix: '/v1/', service: 'model-api', port: model },
    ]);

    const created = await call(base, 'data.example.com', '/api/v1/datasets?limit=2&cursor=a%20b', {
      method: 'POST',
      body: '{"name":"orders"}',
    });
    expect(created.status).toBe(200);
    expect(created.headers['x-upstream']).toBe('data');
    const seen = created.json();
    expect(seen).toMatchObject({ method: 'POST', url: '/api/v1/datasets?limit=2&cursor=a%20b', body: '{"name":"orders"}' });
    expect(seen.headers).toMatchObject({
      host: 'data.example.com',
      'x-forwarded-host': 'data.example.com',
      'x-forwarded-proto': 'http',
      'x-forwarded-for': '127.0.0.1',
    });

    expect((await call(base, 'model.example.com', '/v1/models')).json()).toMatchObject({ name: 'model', url: '/v1/models' });
    // Same path, other host: model.example.com has no /api route here.
    expect((await call(base, 'model.example.com', '/api/v1/datasets')).status).toBe(404);
  });

  it('answers <first label>.localhost, with or without a port, for the chart host', async () => {
    const model = await echo('model');
    const base = await gateway([{ host: 'model.example.com', prefix: '/v1/', service: 'model-api', port: model }]);
    const answer = await call(base, 'model.localhost:8080', '/v1/chat/completions', { method: 'POST', body: '{}' });
    expect(answer.json()).toMatchObject({ name: 'model', url: '/v1/chat/completions' });
    expect(answer.json().headers['x-forwarded-host']).toBe('model.localhost:8080');
  });

  it('lets the longest matching prefix win, whatever order the routes come in', async () => {
    const [api, metadata, frontend] = await Promise.all([echo('api'), echo('metadata'), echo('frontend')]);
    const base = await gateway([
      { host: 'data.example.com', prefix: '/', service: 'data-frontend', port: frontend },
      { host: 'data.example.com', prefix: '/api', service: 'data-api', port: api },
      { host: 'data.example.com', prefix: '/api/v1/catalog', service: 'data-metadata', port: metadata },
    ]);
    const upstreamOf = async (path: string) => (await call(base, 'data.example.com', path)).json().name;
    expect(await upstreamOf('/api/v1/catalog/tables')).toBe('metadata');
    expect(await upstreamOf('/api/v1/datasets')).toBe('api');
    expect(await upstreamOf('/index.html')).toBe('frontend');
    // Istio's uri prefix is a plain string prefix, not a path segment.
    expect(await upstreamOf('/api/v1/catalogue')).toBe('metadata');
  });

  it('answers an unknown host or path with a 404 problem naming them and the known hosts', async () => {
    const data = await echo('data');
    const base = await gateway([{ host: 'data.example.com', prefix: '/api', service: 'data-api', port: data }]);
    for (const [host, path] of [
      ['nowhere.example.com', '/api/v1/datasets'],
      ['data.localhost', '/docs'],
    ] as const) {
      const answer = await call(base, host, `${path}?x=1`);
      expect(answer.status).toBe(404);
      expect(answer.headers['content-type']).toBe('application/problem+json; charset=utf-8');
      const problem = JSON.parse(answer.text) as Record<string, unknown>;
      expect(problem).toMatchObject({ status: 404, code: 'route_not_found', instance: path });
      expect(problem['detail']).toBe(`No route for host '${host}' and path '${path}'.`);
      expect(problem['knownHosts']).toEqual(['data.example.com (data.localhost)']);
    }
  });

  it('answers a 502 problem naming the service and its port when nothing listens there', async () => {
    const port = await freePort();
    const base = await gateway([{ host: 'data.example.com', prefix: '/api', service: 'data-api', port }]);
    const answer = await call(base, 'data.example.com', '/api/v1/datasets');
    expect(answer.status).toBe(502);
    expect(answer.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(JSON.parse(answer.text)).toMatchObject({
      status: 502,
      code: 'upstream_unavailable',
      service: 'data-api',
      port,
      detail: `data-api did not answer on 127.0.0.1:${port} (ECONNREFUSED): is \`nx serve data-api\` running?`,
    });
  });

  it('streams an event stream chunk by chunk, before the upstream has finished', async () => {
    let releaseSecond!: () => void;
    const secondMayGo = new Promise<void>((resolve) => (releaseSecond = resolve));
    const model = await upstream(async (req, res) => {
      req.resume();
      await once(req, 'end');
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: {"n":1}\n\n');
      await secondMayGo;
      res.write('data: {"n":2}\n\n');
      res.end('data: [DONE]\n\n');
    });
    const base = await gateway([{ host: 'model.example.com', prefix: '/v1/', service: 'model-api', port: model }]);

    const response = await request(`${base}/v1/chat/completions`, {
      method: 'POST',
      headers: { host: 'model.localhost:8080', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'dev-chat', stream: true, messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(response.headers['content-type']).toBe('text/event-stream');
    const chunks: string[] = [];
    for await (const chunk of response.body) {
      chunks.push(String(chunk));
      // The upstream holds its second event until the first has reached the client.
      if (chunks.length === 1) releaseSecond();
    }
    expect(chunks[0]).toBe('data: {"n":1}\n\n');
    expect(chunks.join('')).toBe('data: {"n":1}\n\ndata: {"n":2}\n\ndata: [DONE]\n\n');
  });

  it('aborts the upstream request when the client disconnects mid-stream', async () => {
    let upstreamClosed!: () => void;
    const closed = new Promise<void>((resolve) => (upstreamClosed = resolve));
    const model = await upstream((_req, res) => {
      res.on('close', () => {
        if (!res.writableFinished) upstreamClosed();
      });
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: {"n":1}\n\n'); // and never ends
    });
    const base = await gateway([{ host: 'model.example.com', prefix: '/v1/', service: 'model-api', port: model }]);

    const client = new AbortController();
    const response = await request(`${base}/v1/chat/completions`, { headers: { host: 'model.example.com' }, signal: client.signal });
    const body = response.body.on('error', () => undefined); // the abort ends it with an AbortError
    const [first] = await once(body, 'data');
    expect(String(first)).toBe('data: {"n":1}\n\n');
    client.abort();
    await closed;
  });

  it('aborts the upstream request when the client disconnects before the upstream answers', async () => {
    let received!: () => void;
    const requestArrived = new Promise<void>((resolve) => (received = resolve));
    let upstreamClosed!: () => void;
    const closed = new Promise<void>((resolve) => (upstreamClosed = resolve));
    const model = await upstream((_req, res) => {
      res.on('close', () => upstreamClosed());
      received(); // and never answers
    });
    const base = await gateway([{ host: 'model.example.com', prefix: '/v1/', service: 'model-api', port: model }]);

    const client = new AbortController();
    const pending = request(`${base}/v1/completions`, { headers: { host: 'model.example.com' }, signal: client.signal });
    await requestArrived;
    client.abort();
    await expect(pending).rejects.toThrow();
    await closed;
  });

  it('routes the real charts’ table to the services given by an injected port map', async () => {
    const ports: Record<string, number> = { 'data-api': await echo('data-api'), 'model-api': await echo('model-api') };
    const { active } = loadRouteTable(workspaceRoot, (service) => {
      const port = ports[service];
      return port === undefined ? { missing: 'not in this test' } : { port };
    });
    const base = await gateway(active);
    expect((await call(base, 'data.localhost:8080', '/api/v1/datasets')).json().name).toBe('data-api');
    expect((await call(base, 'model.example.com', '/v1/embeddings')).json().name).toBe('model-api');
    expect((await call(base, 'model.localhost', '/api/v1/models')).json().name).toBe('model-api');
  });
});
