/** lib/http.ts: what an attempt does on the wire besides the exchange itself, as fetch did it (redirects, compression, headers). */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeBody, defaultPolicy, responseHeaders, systemPolicy } from '../../lib/http.js';

const answer = { ok: true, name: 'Zoë' };
let server: Server;
let base = '';
const seen: IncomingHttpHeaders[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    seen.push(req.headers);
    if (req.url === '/moved') {
      res.writeHead(302, { location: '/here' }).end();
      return;
    }
    const json = Buffer.from(JSON.stringify(answer));
    if (req.url === '/gzip') res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'x-twice': ['a', 'b'] }).end(gzipSync(json));
    else res.writeHead(200, { 'content-type': 'application/json' }).end(json);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('a system call on the wire', () => {
  const policy = systemPolicy(defaultPolicy('SERVICE_DESK', { retries: 0 }));

  it('asks for a compressed body and reads it decoded, with its headers as Headers.get gives them', async () => {
    const res = await policy.call({ method: 'GET', url: `${base}/gzip`, idempotent: true });
    expect(res.json()).toEqual(answer);
    expect(res.headers.get('Content-Type')).toBe('application/json');
    expect(res.headers.get('x-twice')).toBe('a, b');
    expect(res.headers.get('retry-after')).toBeNull();
    expect(seen.at(-1)?.['accept-encoding']).toBe('gzip, deflate');
    expect(seen.at(-1)?.['user-agent']).toBe('node');
  });

  it('follows a redirect', async () => {
    const res = await policy.call({ method: 'GET', url: `${base}/moved`, idempotent: true });
    expect(res.status).toBe(200);
    expect(res.json()).toEqual(answer);
  });
});

describe('decodeBody', () => {
  const text = JSON.stringify(answer);
  it('undoes gzip, deflate with or without its zlib header, and codings applied one over another', async () => {
    expect(await decodeBody(gzipSync(text), 'gzip')).toBe(text);
    expect(await decodeBody(deflateSync(text), 'deflate')).toBe(text);
    expect(await decodeBody(deflateRawSync(text), 'deflate')).toBe(text);
    expect(await decodeBody(gzipSync(deflateSync(text)), 'deflate, gzip')).toBe(text);
    expect(await decodeBody(Buffer.from(text), null)).toBe(text);
  });

  it('drops a leading byte-order mark, reads no body as empty, and refuses an encoding it does not know', async () => {
    expect(await decodeBody(Buffer.from(`\uFEFF${text}`), 'identity')).toBe(text);
    expect(await decodeBody(Buffer.alloc(0), 'gzip')).toBe('');
    await expect(decodeBody(Buffer.from(text), 'zstd')).rejects.toThrow(/zstd/);
  });

  it('reads header names whatever their case', () => {
    expect(responseHeaders({ location: '/x' }).get('Location')).toBe('/x');
  });
});
