/**
 * gateway/src/datasource.ts `subgraphFetcher`: how the gateway's fetches reach a
 * subgraph over HTTP. What the subgraph receives, what Apollo's data source then
 * reads, and that the connections are pooled and can be closed.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { subgraphFetcher } from '../../gateway/src/datasource.js';

interface Received {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

async function subgraph(answer: (req: Received, res: ServerResponse) => void): Promise<{ server: Server; url: string; received: Received[]; connections: () => number }> {
  const received: Received[] = [];
  let connections = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      received.push(r);
      answer(r, res);
    });
  });
  server.on('connection', () => (connections += 1));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`, received, connections: () => connections };
}

const open: Array<{ close(): unknown }> = [];
afterEach(async () => {
  for (const o of open.splice(0)) await o.close();
});

function started<T extends { close(): unknown }>(o: T): T {
  open.push(o);
  return o;
}

const json = (res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void => {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(body);
};

describe('the gateway fetching from a subgraph over HTTP', () => {
  it('sends the method, headers and body bytes as given, and reads the answer as a Response', async () => {
    const sg = await subgraph((_req, res) => json(res, 200, '{"data":{"é":1}}', { 'x-correlation-id': 'c-7', 'cache-control': 'max-age=30' }));
    started({ close: () => new Promise((r) => sg.server.close(r)) });
    const { fetcher, close } = subgraphFetcher();
    started({ close });
    const body = JSON.stringify({ query: '{ a }', variables: { name: 'Zoë' } });
    const res = await fetcher(sg.url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-internal-caller': 'v2.abc.def' }, body });

    expect(sg.received).toHaveLength(1);
    expect(sg.received[0]).toMatchObject({ method: 'POST', url: '/graphql', body });
    expect(sg.received[0]!.headers['x-internal-caller']).toBe('v2.abc.def');
    expect(sg.received[0]!.headers['content-length']).toBe(String(Buffer.byteLength(body)));
    expect(res.status).toBe(200);
    expect(res.ok).toBe(true);
    expect(res.url).toBe(sg.url);
    expect(res.headers.get('Content-Type')).toBe('application/json; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('max-age=30');
    expect(res.headers.get('x-correlation-id')).toBe('c-7');
    expect(await res.json()).toEqual({ data: { é: 1 } });
  });

  it('reuses its connections: fetches one after another open no new one', async () => {
    const sg = await subgraph((_req, res) => json(res, 200, '{"data":{}}'));
    started({ close: () => new Promise((r) => sg.server.close(r)) });
    const { fetcher, close } = subgraphFetcher();
    started({ close });
    const send = async (n: number): Promise<void> => {
      for (let i = 0; i < n; i++) expect((await (await fetcher(sg.url, { method: 'POST', headers: {}, body: '{}' })).json())).toEqual({ data: {} });
    };
    await send(3);
    const opened = sg.connections();
    // The pool may open a second connection while the first is finishing its answer, never one per fetch.
    expect(opened).toBeLessThanOrEqual(2);
    await send(20);
    expect(sg.received).toHaveLength(23);
    expect(sg.connections()).toBe(opened);
  });

  it('reads an answer a proxy compressed, and a refusal whole, as Apollo reads the body of a status it rejects', async () => {
    const sg = await subgraph((req, res) => {
      if (req.body === 'gzip') {
        res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
        res.end(gzipSync('{"data":{"zipped":true}}'));
      } else json(res, 503, '{"errors":[{"message":"draining"}]}');
    });
    started({ close: () => new Promise((r) => sg.server.close(r)) });
    const { fetcher, close } = subgraphFetcher();
    started({ close });
    expect(await (await fetcher(sg.url, { method: 'POST', headers: {}, body: 'gzip' })).json()).toEqual({ data: { zipped: true } });
    const refused = await fetcher(sg.url, { method: 'POST', headers: {}, body: 'x' });
    expect(refused.status).toBe(503);
    expect(refused.ok).toBe(false);
    expect(await refused.text()).toBe('{"errors":[{"message":"draining"}]}');
  });

  it('follows a redirect, as fetch did: a 307 keeps the method and the body', async () => {
    const sg = await subgraph((req, res) => {
      if (req.url === '/old/graphql') {
        res.writeHead(307, { location: '/graphql' });
        res.end();
      } else json(res, 200, JSON.stringify({ data: { echoed: req.body } }));
    });
    started({ close: () => new Promise((r) => sg.server.close(r)) });
    const { fetcher, close } = subgraphFetcher();
    started({ close });
    const res = await fetcher(sg.url.replace('/graphql', '/old/graphql'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ a }"}' });
    expect(await res.json()).toEqual({ data: { echoed: '{"query":"{ a }"}' } });
    expect(sg.received.map((r) => [r.method, r.url])).toEqual([
      ['POST', '/old/graphql'],
      ['POST', '/graphql'],
    ]);
  });

  it('fails with the network error when the subgraph is not there', async () => {
    const sg = await subgraph((_req, res) => json(res, 200, '{}'));
    const url = sg.url;
    await new Promise((r) => sg.server.close(r));
    const { fetcher, close } = subgraphFetcher();
    started({ close });
    await expect(fetcher(url, { method: 'POST', headers: {}, body: '{}' })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('ends its pooled connections on close()', async () => {
    const sg = await subgraph((_req, res) => json(res, 200, '{"data":{}}'));
    started({ close: () => new Promise((r) => sg.server.close(r)) });
    const { fetcher, close } = subgraphFetcher();
    await fetcher(sg.url, { method: 'POST', headers: {}, body: '{}' });
    const ended = new Promise<void>((resolve) => sg.server.once('close', resolve));
    await close();
    // server.close() resolves only once no connection is left open.
    sg.server.close();
    await ended;
  });
});
