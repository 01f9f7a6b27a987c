/**
 * Identity on the subscription transport, at the protocol level through the
 * gateway: the token comes in the connection parameters, a connection without
 * a valid one is closed with 4401, and an open connection is closed with 4401
 * when its token expires (exp plus the clock tolerance, as HTTP accepts it).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startStack, type Stack } from '../support/stack.js';
import { AUTH_CLOSE_CODES } from '../../gateway/src/auth.js';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ customers: 50 });
});

afterAll(async () => {
  await stack?.close();
});

/** Opens a raw graphql-transport-ws connection and resolves with the close code. */
function connect(connectionParams: Record<string, unknown> | undefined, onAck?: (ws: WebSocket) => void): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(stack.wsUrl, 'graphql-transport-ws');
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error('the connection was not closed'));
    }, 15_000);
    ws.once('open', () => ws.send(JSON.stringify({ type: 'connection_init', ...(connectionParams ? { payload: connectionParams } : {}) })));
    ws.on('message', (raw) => {
      const msg = JSON.parse(String(raw)) as { type: string };
      if (msg.type === 'connection_ack') onAck?.(ws);
    });
    ws.once('close', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
    ws.once('error', () => undefined);
  });
}

const SUBSCRIBE = JSON.stringify({ id: '1', type: 'subscribe', payload: { query: 'subscription { orderStatusChanged { eventId status } }' } });

describe('subscription identity', () => {
  it('closes a connection without a token, or with a forged one, with 4401', async () => {
    expect(await connect(undefined)).toBe(AUTH_CLOSE_CODES.unauthenticated);
    expect(await connect({ authorization: 'Bearer not-a-token' })).toBe(AUTH_CLOSE_CODES.unauthenticated);
  });

  it('closes an open subscription with 4401 when its token expires, as late as HTTP still accepts it (exp plus the 30 s clock tolerance)', async () => {
    // Past its exp by 27 s: HTTP still accepts it for about 3 s more, and so must the subscription.
    const token = await stack.issuer.token({ sub: 'agent-short', roles: ['agent'] }, { expiresIn: '-27s' });
    const http = await stack.query<{ customer: { id: string } }>('{ customer(id: "C-000001") { id } }', {}, { token });
    expect(http.body.data?.customer.id).toBe('C-000001');
    let acknowledged = false;
    const started = Date.now();
    const code = await connect({ authorization: `Bearer ${token}` }, (ws) => {
      acknowledged = true;
      ws.send(SUBSCRIBE);
    });
    expect(acknowledged).toBe(true);
    expect(code).toBe(AUTH_CLOSE_CODES.tokenExpired);
    // Closed at the end of the tolerance, not at exp (already past) and not much later.
    expect(Date.now() - started).toBeGreaterThan(1_500);
    expect(Date.now() - started).toBeLessThan(12_000);
    // And HTTP now refuses the same token.
    expect((await stack.query('{ customer(id: "C-000001") { id } }', {}, { token })).status).toBe(401);
  });
});
