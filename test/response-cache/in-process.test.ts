/**
 * The embedded default's layout (scripts/graph.ts, through the same wiring:
 * startInProcess): the subgraphs run in the gateway's process, without Redis,
 * and the gateway's response cache is in memory. What it must still do, counted
 * at the systems of record (sandbox stats by correlation id) and at the
 * gateway's data sources: serve warm repeats from the cache, drop an answer as
 * soon as a write or a change event in a system of record invalidates what it
 * shows, and never serve one caller's answer to another.
 */
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startStack, type Stack, type StackCache } from '../support/stack.js';
import { CUSTOMER_360, fetchesSoFar } from './support.js';
import { action, eventually } from '../e2e/order-helpers.js';

type Customer360 = { customer: { id: string; name: string | null; email: string | null; loyalty: { tier: string } | null; orders: { nodes: Array<{ id: string; status: string }> } } };

describe('the embedded default: subgraphs in the gateway process, response cache in memory', () => {
  let stack: Stack & StackCache;
  beforeAll(async () => {
    stack = await startStack({ customers: 60, inProcess: true, responseCache: true });
  }, 60_000);
  afterAll(async () => {
    await stack?.close();
  });

  /** One customer-360 read: its answer, the calls each system received for it, and the gateway's subgraph fetches. */
  async function read(id: string, token?: string): Promise<{ data: Customer360 | null | undefined; errors: unknown; salesforce: number; netsuite: number; zendesk: number; fetches: number }> {
    const before = await fetchesSoFar();
    const res = await stack.query<Customer360>(CUSTOMER_360, { id }, token ? { token } : {});
    const fetches = (await fetchesSoFar()) - before;
    const s = await stack.allStats(res.correlationId);
    return { data: res.body.data, errors: res.body.errors, salesforce: s.salesforce.total, netsuite: s.netsuite.total, zendesk: s.zendesk.total, fetches };
  }

  it('is the in-memory cache with its own versions', () => {
    expect(stack.responseCache?.phase).toBe('local');
  });

  it('a warm repeat of a customer-360 costs no system call and no subgraph fetch, and answers the same', async () => {
    const cold = await read('C-000003');
    expect(cold.errors).toBeUndefined();
    expect(cold.salesforce + cold.netsuite + cold.zendesk).toBeGreaterThan(0);
    expect(cold.fetches).toBeGreaterThan(0);
    const warm = await read('C-000003');
    expect(warm).toMatchObject({ salesforce: 0, netsuite: 0, zendesk: 0, fetches: 0 });
    expect(warm.data).toEqual(cold.data);
  });

  it('after a write through the graph, the next read reaches Salesforce once and shows the new data', async () => {
    const id = 'C-000004';
    await read(id);
    expect((await read(id)).fetches).toBe(0);
    const email = `changed.${Date.now()}@example.com`;
    const write = await stack.query<{ updateCustomerEngagement: { status: string } }>(
      'mutation($id: ID!, $email: String!) { updateCustomerEngagement(id: $id, input: { email: $email }) { status } }',
      { id, email },
    );
    expect(write.body.data?.updateCustomerEngagement.status).toBe('APPLIED');
    const after = await read(id);
    expect(after.data?.customer.email).toBe(email);
    expect(after.salesforce).toBe(1);
    // The other systems' parts still come from their entity caches.
    expect(after.netsuite + after.zendesk).toBe(0);
  });

  it('after a change event in Salesforce (CDC), the cached answer goes, with no call from the test to any cache', async () => {
    const id = 'C-000005';
    const before = await read(id);
    const tier = before.data?.customer.loyalty?.tier === 'PLATINUM' ? 'BRONZE' : 'PLATINUM';
    expect((await read(id)).fetches).toBe(0);
    await action(stack, 'salesforce', 'set-loyalty-tier', { customerId: id, tier: tier === 'PLATINUM' ? 'Platinum' : 'Bronze' });
    // The change reaches the customer subgraph's feed, which invalidates its entity cache and, in process, the gateway's answer.
    const after = await eventually(async () => {
      const r = await read(id);
      return r.data?.customer.loyalty?.tier === tier ? r : undefined;
    }, 5000, `the new loyalty tier ${tier}`);
    expect(after.salesforce).toBe(1);
    expect(after.netsuite + after.zendesk).toBe(0);
  });

  it('after an order ships in the ERP (the order feed), the next read reaches the ERP and shows it shipped', async () => {
    const { netsuite } = stack.dataset;
    const order = netsuite.transactions.find(
      (t) => t.type === 'SalesOrd' && t.status === 'B' && netsuite.customers.some((c) => c.id === t.entity && (c.externalid ?? '') > 'C-000010'),
    );
    const id = netsuite.customers.find((c) => c.id === order?.entity)?.externalid ?? '';
    const query = 'query($id: ID!) { order(id: $id) { id status } }';
    const statusOf = async (): Promise<{ status: string | undefined; netsuite: number; fetches: number }> => {
      const before = await fetchesSoFar();
      const res = await stack.query<{ order: { status: string } }>(query, { id: order?.tranid });
      const fetches = (await fetchesSoFar()) - before;
      return { status: res.body.data?.order.status, netsuite: (await stack.stats('netsuite', res.correlationId)).total, fetches };
    };
    expect(id).toMatch(/^C-/);
    const first = await statusOf();
    expect(first.status).not.toBe('SHIPPED');
    expect(await statusOf()).toMatchObject({ netsuite: 0, fetches: 0 });
    await action(stack, 'netsuite', 'ship-order', { orderId: order?.tranid });
    const after = await eventually(async () => {
      const r = await statusOf();
      return r.status === 'SHIPPED' ? r : undefined;
    }, 5000, 'the shipped status');
    expect(after.netsuite).toBeGreaterThan(0);
  });

  it('subscriptions still reach the subgraphs over graphql-ws, and their events select fields of other subgraphs', async () => {
    const { netsuite, salesforce } = stack.dataset;
    const shippable = netsuite.transactions.filter((t) => t.type === 'SalesOrd' && t.status === 'B');
    // One the other tests leave alone: the last of them.
    const order = shippable.at(-1);
    const customerId = netsuite.customers.find((c) => c.id === order?.entity)?.externalid ?? '';
    const client = createClient({ url: stack.wsUrl, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${stack.tokens.agent}` }, retryAttempts: 0 });
    const events: Array<{ status: string; order: { id: string; customer: { id: string; name: string | null } } }> = [];
    const errors: unknown[] = [];
    try {
      client.subscribe<{ orderStatusChanged: (typeof events)[number] }>(
        { query: 'subscription($o: ID) { orderStatusChanged(orderId: $o) { status order { id customer { id name } } } }', variables: { o: order?.tranid } },
        { next: (m) => (m.data ? events.push(m.data.orderStatusChanged) : errors.push(m.errors)), error: (e) => errors.push(e), complete: () => undefined },
      );
      // The subscription is in place once the gateway has acknowledged it; a read in between gives it time.
      await stack.query('{ __typename }');
      await new Promise((r) => setTimeout(r, 500));
      await action(stack, 'netsuite', 'ship-order', { orderId: order?.tranid });
      const event = await eventually(async () => events.find((e) => e.status === 'SHIPPED'), 8000, 'the SHIPPED event');
      expect(errors).toEqual([]);
      const account = salesforce.accounts.find((a) => a.Customer_Number__c === customerId);
      expect(event.order).toEqual({ id: order?.tranid, customer: { id: customerId, name: account?.Name } });
    } finally {
      await client.dispose();
    }
  });

  it("a storefront caller is never served the staff's cached answer nor another customer's", async () => {
    const own = stack.tokens.storefront.customerId;
    const other = await stack.issuer.token({ sub: 'C-000002', roles: ['storefront'] });
    // Staff reads both customers first, so both answers are cached for the agent.
    for (const id of [own, 'C-000002']) expect((await read(id)).errors).toBeUndefined();
    // The storefront's own read is a miss (its own scope) and goes to the subgraphs.
    const mine = await read(own, stack.tokens.storefront.token);
    expect(mine.fetches).toBeGreaterThan(0);
    expect(mine.data?.customer.id).toBe(own);
    expect((await read(own, stack.tokens.storefront.token)).fetches).toBe(0);
    // Another storefront customer asking for the first one's view gets no data of it, from no cache.
    const theirs = await read(own, other);
    expect(theirs.data?.customer ?? null).toBeNull();
    expect(JSON.stringify(theirs.errors)).toContain('FORBIDDEN');
    expect(theirs.salesforce + theirs.netsuite + theirs.zendesk).toBe(0);
    // And the agent still gets its own answer, from the cache.
    expect((await read(own)).fetches).toBe(0);
  });
});
