/**
 * Cold start under a small NetSuite concurrency limit: 30 customer-360 views of
 * distinct customers at once, with two slots and a slow ERP, are all answered
 * in full, because reads of one kind from different requests that wait for a
 * slot share one call (lib/slot-batcher.ts). Each view still gets only its own
 * customer's data, and a storefront caller among them only its own.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';

const VIEW = /* GraphQL */ `
  query ColdView($id: ID!) {
    customer(id: $id) {
      id
      financials { balance { amount } creditHold }
      orders(first: 5) {
        totalCount
        nodes { id total { amount } lines { sku quantity } invoices { id } }
      }
    }
  }
`;

const MY_ORDERS = /* GraphQL */ `
  query MyOrders($id: ID!) {
    customer(id: $id) { id orders(first: 5) { nodes { id lines { sku } } } }
  }
`;

interface View {
  customer: {
    id: string;
    financials: { balance: { amount: string }; creditHold: boolean } | null;
    orders: { totalCount: number; nodes: Array<{ id: string; total: { amount: string }; lines: Array<{ sku: string; quantity: number }>; invoices: Array<{ id: string }> | null }> } | null;
  } | null;
}

/**
 * Latency of every ERP call: with two slots, 30 views' 90 separate calls would need 22 s, far past the
 * 10 s deadline. Long beside the time the burst takes to reach the ERP, so that a kind's calls come in few waves.
 */
const LATENCY_MS = 500;
const VIEWS = 30;
/**
 * The ERP reads of a cold view through the entity cache: the customer's orders with the page's lines
 * (one query, subgraphs/order/src/cached.ts), financials, invoices of the orders.
 */
const KINDS = 3;

let stack: Stack;

const layouts = [
  { layout: 'one process, no Redis (one count of the slots in process)', redisUrl: undefined },
  ...(process.env.REDIS_URL ? [{ layout: 'subgraphs over HTTP on Redis (one count of the slots in Redis)', redisUrl: process.env.REDIS_URL }] : []),
];

function erpOrdersOf(customerNumber: string) {
  const ns = stack.dataset.netsuite;
  const customer = ns.customers.find((c) => c.externalid === customerNumber);
  if (!customer) throw new Error(`no ERP customer ${customerNumber}`);
  return ns.transactions
    .filter((t) => t.type === 'SalesOrd' && t.entity === customer.id)
    .sort((a, b) => b.createddate.localeCompare(a.createddate) || b.id - a.id);
}

describe.each(layouts)('cold customer-360s for distinct customers with two NetSuite slots, $layout', ({ redisUrl }) => {
  beforeAll(async () => {
    stack = await startStack({
      ...(redisUrl ? { redisUrl, cache: { redisUrl } } : { inProcess: true, cache: {} }),
      // Two slots for the whole account; the change feeds kept out of the way so only views use them.
      settings: { NETSUITE_MAX_CONCURRENT: '2', ORDER_FEED_INTERVAL_MS: '600000', FINANCE_FEED_INTERVAL_MS: '600000' },
    });
    await stack.query('{ customer(id: "C-000010") { name } }');
    await stack.faults('netsuite', { latencyMs: LATENCY_MS });
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('answers every view in full, each with only its own customer, for a few ERP calls per kind of read', async () => {
    const ids = Array.from({ length: VIEWS }, (_, i) => `C-${String(i + 11).padStart(6, '0')}`);
    const storefrontId = stack.tokens.storefront.customerId;
    await fetch(`${stack.sandboxUrls.netsuite}/__sandbox/stats/reset`, { method: 'POST' });
    const [views, own, other] = await Promise.all([
      Promise.all(ids.map((id) => stack.query<View>(VIEW, { id }))),
      stack.query<View>(MY_ORDERS, { id: storefrontId }, { token: stack.tokens.storefront.token }),
      // A storefront caller asking for someone else, in the same burst.
      stack.query<View>(MY_ORDERS, { id: ids[0] }, { token: stack.tokens.storefront.token }),
    ]);

    for (const [i, res] of views.entries()) {
      const id = ids[i] as string;
      expect(res.body.errors, id).toBeUndefined();
      const c = res.body.data?.customer;
      expect(c?.id).toBe(id);
      expect(c?.financials?.balance.amount).toMatch(/^\d+\.\d{2}$/);
      const erp = erpOrdersOf(id);
      expect(c?.orders?.totalCount).toBe(erp.length);
      expect(c?.orders?.nodes.map((o) => o.id)).toEqual(erp.slice(0, 5).map((o) => o.tranid));
      for (const order of c?.orders?.nodes ?? []) {
        const record = erp.find((o) => o.tranid === order.id);
        const lines = stack.dataset.netsuite.lines.filter((l) => l.transaction === record?.id);
        expect(order.lines.map((l) => l.quantity)).toEqual(lines.map((l) => l.quantity));
        const invoices = stack.dataset.netsuite.transactions.filter((t) => t.type === 'CustInvc' && t.createdfrom === record?.id);
        expect(order.invoices?.map((inv) => inv.id).sort()).toEqual(invoices.map((inv) => inv.tranid).sort());
      }
    }

    // The storefront caller sees its own orders, and nothing of the customer it is not.
    expect(own.body.errors).toBeUndefined();
    expect(own.body.data?.customer?.orders?.nodes.map((o) => o.id)).toEqual(erpOrdersOf(storefrontId).slice(0, 5).map((o) => o.tranid));
    expect(other.body.data?.customer ?? null).toBeNull();
    expect(other.body.errors?.length).toBeGreaterThan(0);
    const othersOrders = new Set(erpOrdersOf(ids[0] as string).map((o) => o.tranid));
    expect(JSON.stringify(other.body)).not.toMatch(new RegExp([...othersOrders].join('|')));

    // Every ERP call of the burst carried the correlation id of one of its views: a merged call, that of the view
    // that opened its batch. So the calls counted per view add up to all the calls the ERP received.
    const counts = await Promise.all([...views, own, other].map(async (r) => (await stack.stats('netsuite', r.correlationId)).total));
    const all = (await (await fetch(`${stack.sandboxUrls.netsuite}/__sandbox/stats`)).json()) as { total: number };
    expect(counts.reduce((a, b) => a + b, 0)).toBe(all.total);
    // One call per view and kind would be 3 × 30 = 90 (plus the storefront's). Shared, a kind costs one call for the
    // views that find a slot free, then one per wave of views that arrived while it waited: a few waves of 500 ms.
    expect(all.total).toBeGreaterThanOrEqual(KINDS);
    expect(all.total).toBeLessThanOrEqual(KINDS * 5);
  });
});
