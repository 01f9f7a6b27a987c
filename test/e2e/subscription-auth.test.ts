/**
 * Identity on the subscription transport, at the protocol level through the
 * gateway: the token comes in the connection parameters, a connection without
 * a valid one is closed with 4401, and an open connection is closed with 4401
 * when its token expires.
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

  it('closes an open subscription with 4401 when its token expires', async () => {
    const token = await stack.issuer.token({ sub: 'agent-short', roles: ['agent'] }, { expiresIn: '3s' });
    let acknowledged = false;
    const started = Date.now();
    const code = await connect({ authorization: `Bearer ${token}` }, (ws) => {
      acknowledged = true;
      ws.send(SUBSCRIBE);
    });
    expect(acknowledged).toBe(true);
    expect(code).toBe(AUTH_CLOSE_CODES.tokenExpired);
    // Closed by the expiry, not at once.
    expect(Date.now() - started).toBeGreaterThan(1000);
  });
});
