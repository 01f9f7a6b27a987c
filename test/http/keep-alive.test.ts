/**
 * The gateway keeps a pool of connections to each subgraph. A server that closes an
 * idle one while the gateway sends on it makes the request fail with "socket hang up",
 * which a client sees as INTERNAL_SERVER_ERROR. Our servers keep idle connections
 * longer than Node's 5 s default, so a pooled connection idle for longer still serves.
 */
import { Agent, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, describe, expect, it } from 'vitest';
import { createAppServer, KEEP_ALIVE_TIMEOUT_MS } from '../../lib/server.js';

const app = express();
app.get('/ping', (_req, res) => {
  res.json({ ok: true });
});
const server = createAppServer(app);
const agent = new Agent({ keepAlive: true, maxSockets: 1 });

afterAll(async () => {
  agent.destroy();
  await new Promise((r) => server.close(r));
});

function ping(port: number): Promise<{ status: number; reused: boolean }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/ping', agent }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, reused: req.reusedSocket }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('keep-alive on our HTTP servers', () => {
  it('serves a pooled connection that has been idle longer than Node\'s 5 s default', async () => {
    expect(KEEP_ALIVE_TIMEOUT_MS).toBeGreaterThan(60_000);
    expect(server.headersTimeout).toBeGreaterThan(server.keepAliveTimeout);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    expect(await ping(port)).toEqual({ status: 200, reused: false });
    await new Promise((r) => setTimeout(r, 5_500));
    // The same connection, still open on both sides: no hang-up, no new handshake.
    expect(await ping(port)).toEqual({ status: 200, reused: true });
  }, 15_000);
});
