/**
 * orderStatusChanged end to end, with a real graphql-ws client through the
 * gateway: a change made inside the ERP (the sandbox's `ship-order`, as the
 * warehouse would) reaches the subscriber through the ERP change feed exactly
 * once, with fields from the customer subgraph; filters deliver only what they
 * name; a restart of the order subgraph loses and repeats nothing; and the
 * access rules hold for subscriptions too.
 */
import { randomUUID } from 'node:crypto';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LinkedNsCustomer } from '../../sandbox/dataset/model.js';
import { startStack, type Stack, type StackCache } from '../support/stack.js';
import { PLACE_ORDER, action, activeItems, eventually, orderableCustomers, type PlaceOrderResult } from './order-helpers.js';

const SUBSCRIPTION = /* GraphQL */ `
  subscription Watch($c: ID, $o: ID) {
    orderStatusChanged(customerId: $c, orderId: $o) {
      eventId
      previousStatus
      status
      changedAt
      order { id status customer { id } shipments { id status } }
    }
  }
`;

/** The same, with a field the customer subgraph (Salesforce) resolves for each event. */
const WITH_NAME = /* GraphQL */ `
  subscription WatchWithName($c: ID, $o: ID) {
    orderStatusChanged(customerId: $c, orderId: $o) {
      eventId
      status
      order { id status customer { id name } }
    }
  }
`;

interface Change {
  eventId: string;
  previousStatus: string | null;
  status: string;
  changedAt: string;
  order: { id: string; status: string; customer: { id: string; name?: string | null }; shipments: Array<{ id: string; status: string }> };
}

interface Watch {
  events: Change[];
  errors: unknown[];
  completed: boolean;
  stop(): void;
}

let stack: Stack & StackCache;
let customers: LinkedNsCustomer[];
let skus: string[];
const clients: Client[] = [];
const nextCustomer = (): string => (customers.shift() as LinkedNsCustomer).externalid;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
/** Long enough for several polls of the change feed (every 150 ms in the test stack) and the gateway's enrichment. */
const SETTLE_MS = 1200;

beforeAll(async () => {
  stack = await startStack({ cache: {} });
  customers = orderableCustomers(stack).slice(0, 20);
  skus = activeItems(stack).map((i) => i.itemid);
});

afterAll(async () => {
  await Promise.allSettled(clients.map((c) => c.dispose()));
  await stack?.close();
});

function client(token: string = stack.tokens.agent): Client {
  const c = createClient({ url: stack.wsUrl, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${token}` }, retryAttempts: 0, lazy: true });
  clients.push(c);
  return c;
}

function watch(variables: { c?: string; o?: string }, token?: string, query = SUBSCRIPTION): Watch {
  const w: Watch = { events: [], errors: [], completed: false, stop: () => undefined };
  w.stop = client(token).subscribe<{ orderStatusChanged: Change }>(
    { query, variables },
    {
      next: (msg) => {
        if (msg.errors) w.errors.push(...msg.errors);
        if (msg.data?.orderStatusChanged) w.events.push(msg.data.orderStatusChanged);
      },
      error: (e) => w.errors.push(e),
      complete: () => {
        w.completed = true;
      },
    },
  );
  return w;
}

async function placeOrder(customerId: string): Promise<string> {
  const r = await stack.query<PlaceOrderResult>(PLACE_ORDER, { input: { customerId, lines: [{ sku: skus[0], quantity: 1 }] }, key: `sub-${randomUUID()}` });
  const id = r.body.data?.placeOrder.order?.id;
  if (!id) throw new Error(`placing an order failed: ${JSON.stringify(r.body)}`);
  return id;
}

const shipped = (w: Watch) => async (): Promise<Change | undefined> => w.events.find((e) => e.status === 'SHIPPED');

describe('orderStatusChanged', () => {
  it('delivers one event per ship-order, with the order as the ERP holds it after the change', async () => {
    const customerId = nextCustomer();
    const orderId = await placeOrder(customerId);
    // Let the feed see the new order first, so the event can say what the status was before.
    await sleep(SETTLE_MS);
    const w = watch({ c: customerId, o: orderId });
    await sleep(SETTLE_MS);
    await action(stack, 'netsuite', 'ship-order', { orderId });
    const change = await eventually(shipped(w), 10_000, 'the SHIPPED event');
    await sleep(SETTLE_MS);
    expect(w.errors).toEqual([]);
    expect(w.events).toHaveLength(1);
    expect(change).toMatchObject({ previousStatus: 'BOOKED', status: 'SHIPPED', order: { id: orderId, status: 'SHIPPED', customer: { id: customerId } } });
    expect(change.eventId).toContain(orderId);
    expect(change.order.shipments).toHaveLength(1);
    w.stop();
  });

  it("carries the customer's name from the customer subgraph in each event", async () => {
    const customerId = nextCustomer();
    const orderId = await placeOrder(customerId);
    await sleep(SETTLE_MS);
    const w = watch({ c: customerId, o: orderId }, undefined, WITH_NAME);
    await sleep(SETTLE_MS);
    await action(stack, 'netsuite', 'ship-order', { orderId });
    await eventually(async () => (w.events.length || w.errors.length ? true : undefined), 10_000, 'the event');
    await sleep(SETTLE_MS);
    expect(w.errors).toEqual([]);
    expect(w.events).toHaveLength(1);
    const account = stack.dataset.salesforce.accounts.find((a) => a.Customer_Number__c === customerId);
    expect(w.events[0]?.order.customer).toEqual({ id: customerId, name: account?.Name });
    w.stop();
  });

  it('delivers an order placed through the graph once, though both the write and the change feed report it', async () => {
    const customerId = nextCustomer();
    const w = watch({ c: customerId });
    await sleep(SETTLE_MS);
    const orderId = await placeOrder(customerId);
    await eventually(async () => w.events.find((e) => e.status === 'BOOKED'), 10_000, 'the BOOKED event');
    // Several polls later the feed has read the new order too; its report of the change has the same id.
    await sleep(SETTLE_MS * 2);
    expect(w.errors).toEqual([]);
    expect(w.events.map((e) => [e.order.id, e.previousStatus, e.status])).toEqual([[orderId, null, 'BOOKED']]);
    w.stop();
  });

  it("delivers only the filtered customer's events", async () => {
    const mine = nextCustomer();
    const theirs = nextCustomer();
    const [myOrder, theirOrder] = [await placeOrder(mine), await placeOrder(theirs)];
    await sleep(SETTLE_MS);
    const w = watch({ c: mine });
    await sleep(SETTLE_MS);
    await action(stack, 'netsuite', 'ship-order', { orderId: theirOrder });
    await action(stack, 'netsuite', 'ship-order', { orderId: myOrder });
    await eventually(shipped(w), 10_000, 'the SHIPPED event');
    await sleep(SETTLE_MS);
    expect(w.errors).toEqual([]);
    expect(w.events.map((e) => [e.order.id, e.status])).toEqual([[myOrder, 'SHIPPED']]);
    expect(w.events.every((e) => e.order.customer.id === mine)).toBe(true);
    w.stop();
  });

  it('delivers exactly one event for a change made while the order subgraph was down', async () => {
    const customerId = nextCustomer();
    const w = watch({ c: customerId });
    await sleep(SETTLE_MS);
    // The order placed through the graph is the subscription's first event: from then on the
    // gateway knows the subscription's position on the bus, and resumes after it.
    const orderId = await placeOrder(customerId);
    await eventually(async () => w.events.find((e) => e.status === 'BOOKED'), 10_000, 'the BOOKED event');
    await stack.stopSubgraph('order');
    await action(stack, 'netsuite', 'ship-order', { orderId });
    // Down for longer than the feed's overlap window (2 s in the test stack): only the persisted watermark finds the change.
    await sleep(2500);
    await stack.startSubgraph('order');
    const change = await eventually(shipped(w), 20_000, 'the SHIPPED event after the restart');
    await sleep(SETTLE_MS * 2);
    expect(w.errors).toEqual([]);
    expect(w.events.map((e) => e.status)).toEqual(['BOOKED', 'SHIPPED']);
    expect(change.order).toMatchObject({ id: orderId, status: 'SHIPPED' });
    w.stop();
  });
});

describe('orderStatusChanged access', () => {
  it("refuses a storefront caller another customer's events, and a subscription without a customer filter", async () => {
    const { token, customerId } = stack.tokens.storefront;
    const other = watch({ c: 'C-000002' }, token);
    const unfiltered = watch({}, token);
    await eventually(async () => (other.errors.length && unfiltered.errors.length ? true : undefined), 5000, 'both refusals');
    expect(JSON.stringify(other.errors)).toMatch(/FORBIDDEN|4403|Forbidden/);
    expect(JSON.stringify(unfiltered.errors)).toMatch(/FORBIDDEN|4403|Forbidden/);
    // Its own customer is allowed.
    const own = watch({ c: customerId }, token);
    await sleep(500);
    expect(own.errors).toEqual([]);
    own.stop();
  });
});
