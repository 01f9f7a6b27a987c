/**
 * The caller header on a subgraph's graphql-ws endpoint, at the protocol level:
 * the upgrade's header is good for one connection to one subgraph, and each
 * subscribe's signed caller for one subscribe of the operation it was signed
 * for. A replayed or re-targeted signature is refused.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startStack, type Stack } from '../support/stack.js';
import { TEST_AGENT, TEST_TRUST } from '../support/auth.js';
import { CALLER_HEADER, signCaller, type SignedOperation } from '../../lib/auth/index.js';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ customers: 20 });
}, 60_000);

afterAll(async () => {
  await stack?.close();
});

const wsUrl = (name: 'order' | 'customer'): string => stack.subgraphUrls[name].replace(/^http/, 'ws');

function connectionHeaders(audience: string): Record<string, string> {
  const correlationId = `link-${randomUUID()}`;
  return { 'x-correlation-id': correlationId, [CALLER_HEADER]: signCaller(TEST_AGENT, { trust: TEST_TRUST, correlationId, bind: { audience, operation: 'connection' } }) };
}

/** Opens a graphql-transport-ws connection; resolves with it once acknowledged, or with the HTTP status that refused the upgrade. */
function open(url: string, headers: Record<string, string>): Promise<{ ws: WebSocket } | { refused: number }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, 'graphql-transport-ws', { headers });
    ws.once('unexpected-response', (_req, res) => resolve({ refused: res.statusCode ?? 0 }));
    ws.once('error', () => undefined);
    ws.once('open', () => ws.send(JSON.stringify({ type: 'connection_init' })));
    ws.on('message', (raw) => {
      if ((JSON.parse(String(raw)) as { type: string }).type === 'connection_ack') resolve({ ws });
    });
    setTimeout(() => reject(new Error('no answer to the upgrade')), 10_000);
  });
}

/** Sends a subscribe and resolves with the error payload's code, or 'active' if none came within a moment. */
function subscribe(ws: WebSocket, id: string, payload: Record<string, unknown>): Promise<string> {
  return new Promise((resolve) => {
    const onMessage = (raw: WebSocket.RawData): void => {
      const msg = JSON.parse(String(raw)) as { id?: string; type: string; payload?: Array<{ extensions?: { code?: string } }> };
      if (msg.id !== id) return;
      ws.off('message', onMessage);
      clearTimeout(timer);
      resolve(msg.type === 'error' ? (msg.payload?.[0]?.extensions?.code ?? 'error') : msg.type);
    };
    const timer = setTimeout(() => {
      ws.off('message', onMessage);
      resolve('active');
    }, 700);
    ws.on('message', onMessage);
    ws.send(JSON.stringify({ id, type: 'subscribe', payload }));
  });
}

const QUERY = 'subscription($c: ID) { orderStatusChanged(customerId: $c) { eventId status } }';

describe("a subgraph's graphql-ws endpoint", () => {
  it('refuses an upgrade header replayed, or signed for another subgraph', async () => {
    const headers = connectionHeaders('order');
    const first = await open(wsUrl('order'), headers);
    expect('ws' in first).toBe(true);
    if ('ws' in first) first.ws.close();
    expect(await open(wsUrl('order'), headers)).toEqual({ refused: 401 });
    expect(await open(wsUrl('order'), connectionHeaders('customer'))).toEqual({ refused: 401 });
  });

  it('accepts a subscribe signed for its operation once; refuses the same signature again, or on another operation', async () => {
    const conn = await open(wsUrl('order'), connectionHeaders('order'));
    if (!('ws' in conn)) throw new Error(`upgrade refused with ${conn.refused}`);
    const correlationId = `sub-${randomUUID()}`;
    const operation: SignedOperation = { query: QUERY, variables: { c: 'C-000003' } };
    const caller = signCaller(TEST_AGENT, { trust: TEST_TRUST, correlationId, bind: { audience: 'order', operation } });
    const extensions = { correlationId, caller };
    try {
      expect(await subscribe(conn.ws, '1', { query: QUERY, variables: { c: 'C-000003' }, extensions })).toBe('active');
      // The same signature again (a replay), then on another customer's events, then for another subgraph's name.
      expect(await subscribe(conn.ws, '2', { query: QUERY, variables: { c: 'C-000003' }, extensions })).toBe('UNAUTHENTICATED');
      const fresh = (variables: Record<string, unknown>, audience = 'order') => ({
        correlationId,
        caller: signCaller(TEST_AGENT, { trust: TEST_TRUST, correlationId, bind: { audience, operation: { query: QUERY, variables } } }),
      });
      expect(await subscribe(conn.ws, '3', { query: QUERY, variables: { c: 'C-000004' }, extensions: fresh({ c: 'C-000003' }) })).toBe('UNAUTHENTICATED');
      expect(await subscribe(conn.ws, '4', { query: QUERY, variables: { c: 'C-000004' }, extensions: fresh({ c: 'C-000004' }, 'customer') })).toBe('UNAUTHENTICATED');
      // The control: signed afresh for what it runs.
      expect(await subscribe(conn.ws, '5', { query: QUERY, variables: { c: 'C-000004' }, extensions: fresh({ c: 'C-000004' }) })).toBe('active');
    } finally {
      conn.ws.close();
    }
  });
});
