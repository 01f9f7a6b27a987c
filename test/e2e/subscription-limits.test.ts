/**
 * Subscriptions through the real gateway obey the limits and access rules of
 * a query: an agent subscription that nests a customer's orders three levels deep is refused at subscribe time
 * with the QUERY_TOO_COMPLEX a query gets; aliases of __typename count over HTTP
 * and over graphql-ws; finance and operator may subscribe without a customer
 * filter as agents do; a forbidden subscribe is an `error` message and the
 * connection stays open to serve the next one.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { startStack, type Stack, type StackCache } from '../support/stack.js';
import { PLACE_ORDER, action, activeItems, eventually, orderableCustomers, type PlaceOrderResult } from './order-helpers.js';
import { rawSocket } from '../gateway/fixture.js';

let stack: Stack & StackCache;
const clients: Client[] = [];
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  stack = await startStack({ customers: 60 });
});

afterAll(async () => {
  await Promise.allSettled(clients.map((c) => c.dispose()));
  await stack?.close();
});

/** An abusive selection: three levels of a customer's 100 orders, each with its customer. */
const PROBE_SELECTION = 'order { customer { orders(first: 100) { nodes { customer { orders(first: 100) { nodes { customer { orders(first: 100) { nodes { id } } } } } } } } } }';
const ALIASES = Array.from({ length: 200 }, (_, i) => `t${i}: __typename`).join(' ');

type WireError = { message: string; extensions?: Record<string, unknown> };

describe('subscription limits through the gateway', () => {
  it("refuses a deeply nested subscription at subscribe time with the error a query of the same shape gets", async () => {
    const http = await stack.query(`{ ${PROBE_SELECTION.replace(/^order/, 'order(id: "SO-100001")')} }`);
    // 200 with errors: the request is application/json (docs/errors.md, HTTP status codes).
    expect(http.status).toBe(200);
    expect(http.body.data).toBeUndefined();
    const httpError = http.body.errors?.[0] as WireError;
    expect(httpError).toEqual({ message: 'the operation nests fields 11 deep; the limit is 10', extensions: { code: 'QUERY_TOO_COMPLEX', limit: 'depth', found: 11, max: 10 } });

    const sock = await rawSocket(stack.wsUrl, { authorization: `Bearer ${stack.tokens.agent}` });
    await sock.next('connection_ack');
    sock.send({ id: 'probe', type: 'subscribe', payload: { query: `subscription { orderStatusChanged { eventId ${PROBE_SELECTION} } }` } });
    const refused = await sock.next('error', 'probe');
    // One level deeper than the query, under the subscription's root field; otherwise the same refusal.
    expect(refused.payload).toEqual([{ message: 'the operation nests fields 12 deep; the limit is 10', extensions: { code: 'QUERY_TOO_COMPLEX', limit: 'depth', found: 12, max: 10 } }]);

    // The connection is still usable.
    sock.send({ id: 'aliases', type: 'subscribe', payload: { query: `subscription { orderStatusChanged { ${ALIASES} eventId } }` } });
    const aliases = await sock.next('error', 'aliases');
    expect((aliases.payload as WireError[])[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'aliases', found: 200, max: 15 });
    expect(sock.ws.readyState).toBe(sock.ws.OPEN);
    sock.ws.close(1000);
  });

  it('counts aliases of __typename against the alias limit over HTTP', async () => {
    const r = await stack.query(`{ ${ALIASES} }`);
    expect(r.status).toBe(200);
    expect(r.body.data).toBeUndefined();
    expect(r.body.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'aliases', found: 200, max: 15 });
  });
});

describe('who may subscribe without a customer filter', () => {
  it('refuses a storefront subscribe without its own customerId with an error message, and keeps the connection open', async () => {
    const sock = await rawSocket(stack.wsUrl, { authorization: `Bearer ${stack.tokens.storefront.token}` });
    await sock.next('connection_ack');
    sock.send({ id: 'all', type: 'subscribe', payload: { query: 'subscription { orderStatusChanged { eventId } }' } });
    const refused = await sock.next('error', 'all');
    expect((refused.payload as WireError[])[0]?.extensions).toMatchObject({ code: 'FORBIDDEN' });
    sock.send({ id: 'other', type: 'subscribe', payload: { query: 'subscription { orderStatusChanged(customerId: "C-000002") { eventId } }' } });
    expect(((await sock.next('error', 'other')).payload as WireError[])[0]?.extensions).toMatchObject({ code: 'FORBIDDEN' });
    await sleep(200);
    expect(sock.ws.readyState).toBe(sock.ws.OPEN);
    // The same connection may then subscribe to its own customer.
    sock.send({ id: 'own', type: 'subscribe', payload: { query: `subscription { orderStatusChanged(customerId: "${stack.tokens.storefront.customerId}") { eventId } }` } });
    await sleep(500);
    expect(sock.messages.filter((m) => m.id === 'own' && m.type !== 'next')).toEqual([]);
    sock.ws.close(1000);
  });

  it('delivers an unfiltered order event to finance and operator, as to an agent', async () => {
    const customerId = (orderableCustomers(stack)[0] as { externalid: string }).externalid;
    const sku = activeItems(stack)[0]?.itemid;
    const placed = await stack.query<PlaceOrderResult>(PLACE_ORDER, { input: { customerId, lines: [{ sku, quantity: 1 }] }, key: `roles-${randomUUID()}` });
    const orderId = placed.body.data?.placeOrder.order?.id;
    expect(orderId).toBeTruthy();
    await sleep(1_200);
    const seen: Record<string, Array<{ order: { id: string }; status: string }>> = { agent: [], finance: [], operator: [] };
    const failures: unknown[] = [];
    for (const role of ['agent', 'finance', 'operator'] as const) {
      const c = createClient({ url: stack.wsUrl, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${stack.tokens[role]}` }, retryAttempts: 0, lazy: true });
      clients.push(c);
      c.subscribe<{ orderStatusChanged: { status: string; order: { id: string } } }>(
        { query: 'subscription { orderStatusChanged { status order { id } } }' },
        {
          next: (m) => (m.errors ? failures.push(...m.errors) : m.data && seen[role]?.push(m.data.orderStatusChanged)),
          error: (e) => failures.push(e),
          complete: () => undefined,
        },
      );
    }
    await sleep(1_200);
    await action(stack, 'netsuite', 'ship-order', { orderId });
    for (const role of ['agent', 'finance', 'operator']) {
      await eventually(async () => seen[role]?.find((e) => e.order.id === orderId && e.status === 'SHIPPED'), 10_000, `the SHIPPED event for ${role}`);
    }
    expect(failures).toEqual([]);
  });
});
