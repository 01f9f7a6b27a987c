/**
 * The entity cache through the gateway: what a query costs each system of
 * record when the subgraphs cache, counted by the sandboxes per correlation id.
 * Each test uses customers no other test in its stack has read, so it starts cold.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { register } from 'prom-client';
import { startStack, type CallStats, type Stack, type StackCache, type SystemName } from '../support/stack.js';
import { loadCacheConfig, TTL_DOMAINS, type CacheConfig } from '../../lib/cache/index.js';

const CUSTOMER_360 = /* GraphQL */ `
  query Customer360($id: ID!) {
    customer(id: $id) {
      id
      name
      loyalty { tier points }
      freshness { source fetchedAt stale }
      financials { balance { amount currency } creditHold freshness { fetchedAt stale } }
      orders(first: 20) {
        totalCount
        freshness { fetchedAt stale }
        nodes {
          id
          status
          total { amount currency }
          lines { sku quantity }
          invoices { id status amountDue { amount } }
          cases { id status }
          freshness { fetchedAt stale }
        }
      }
      invoices(first: 10) { nodes { id status } }
      cases(first: 10) { nodes { id subject status freshness { fetchedAt stale } } }
    }
  }
`;

/** Other fields of the same entities, and list arguments the resolvers page in memory. */
const OTHER_SELECTION = /* GraphQL */ `
  query OtherView($id: ID!) {
    customer(id: $id) {
      email
      phone
      segment
      contacts { name }
      financials { overdueBalance { amount } paymentTerms billingAddress { city } }
      orders(first: 3) { nodes { placedAt channel lines { description quantityShipped } invoices { dueAt total { amount } } } }
      invoices(first: 10) { nodes { issuedAt total { amount } } }
      cases(first: 10) { nodes { priority createdAt } }
    }
  }
`;

type Stats = Record<SystemName, CallStats>;
const totals = (s: Stats): Record<SystemName, number> => ({ salesforce: s.salesforce.total, netsuite: s.netsuite.total, zendesk: s.zendesk.total });
const NONE = { salesforce: 0, netsuite: 0, zendesk: 0 };
const withoutReadTimes = (body: unknown): string => JSON.stringify(body).replace(/"fetchedAt":"[^"]+"/g, '"fetchedAt":"…"');

async function errorCount(): Promise<number> {
  const m = register.getSingleMetric('rsg_cache_errors_total');
  if (!m) return 0;
  return (await m.get()).values.reduce((a, v) => a + v.value, 0);
}

function ordersOf(stack: Stack, customerId: string): string[] {
  const ns = stack.dataset.netsuite;
  const customer = ns.customers.find((c) => (c as { externalid?: string }).externalid === customerId) as { id: number } | undefined;
  return ns.transactions.filter((t) => t.type === 'SalesOrd' && t.entity === customer?.id).map((t) => t.tranid);
}

describe('the entity cache through the gateway', () => {
  let stack: Stack & StackCache;
  beforeAll(async () => {
    stack = await startStack({ cache: {} });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('a second identical customer-360 within the TTL costs no call to any system, and answers the same', async () => {
    const cold = await stack.query(CUSTOMER_360, { id: 'C-000004' });
    expect(cold.body.errors).toBeUndefined();
    const coldCalls = totals(await stack.allStats(cold.correlationId));
    expect(coldCalls.salesforce).toBeGreaterThan(0);
    expect(coldCalls.netsuite).toBeGreaterThan(0);
    expect(coldCalls.zendesk).toBeGreaterThan(0);

    const warm = await stack.query(CUSTOMER_360, { id: 'C-000004' });
    expect(totals(await stack.allStats(warm.correlationId))).toEqual(NONE);
    // Same data, same fetchedAt (the cached copies keep the time of the original read), stale: false.
    expect(warm.body).toEqual(cold.body);
  });

  it('a different selection over the same entities also costs no call', async () => {
    await stack.query(CUSTOMER_360, { id: 'C-000005' });
    const other = await stack.query<{ customer: { email: string | null; orders: { nodes: unknown[] } | null } }>(OTHER_SELECTION, { id: 'C-000005' });
    expect(other.body.errors).toBeUndefined();
    expect(other.body.data?.customer.email).toEqual(expect.any(String));
    expect(totals(await stack.allStats(other.correlationId))).toEqual(NONE);
  });

  it('100 concurrent requests for one cold customer cost one call per system per plan step', async () => {
    // What one cold customer-360 costs (C-000003 has hundreds of orders, C-000001 one: the cost per plan step is the same).
    const single = await stack.query(CUSTOMER_360, { id: 'C-000003' });
    const one = totals(await stack.allStats(single.correlationId));

    const correlationId = `burst-${randomUUID()}`;
    const answers = await Promise.all(Array.from({ length: 100 }, () => stack.query(CUSTOMER_360, { id: 'C-000001' }, { correlationId })));
    expect(answers.every((a) => a.status === 200 && a.body.errors === undefined)).toBe(true);
    // One answer for all, apart from when each record was read (a case read by two plan steps has two read times).
    expect(new Set(answers.map((a) => withoutReadTimes(a.body))).size).toBe(1);
    expect(totals(await stack.allStats(correlationId))).toEqual(one);
  });

  it('financials(maxAgeSeconds: 0) reads the ERP now; without it the cached balance serves', async () => {
    const q = `query F($id: ID!, $age: Int) { customer(id: $id) { financials(maxAgeSeconds: $age) { balance { amount } freshness { fetchedAt stale } } } }`;
    const first = await stack.query<{ customer: { financials: { freshness: { fetchedAt: string } } } }>(q, { id: 'C-000006' });
    const cached = await stack.query(q, { id: 'C-000006' });
    expect(totals(await stack.allStats(cached.correlationId))).toEqual(NONE);

    const now = await stack.query<{ customer: { financials: { freshness: { fetchedAt: string } } } }>(q, { id: 'C-000006', age: 0 });
    expect(await stack.stats('netsuite', now.correlationId)).toEqual({ total: 1, calls: { 'POST /services/rest/query/v1/suiteql': 1 } });
    expect((now.body.data?.customer.financials.freshness.fetchedAt ?? '') > (first.body.data?.customer.financials.freshness.fetchedAt ?? '')).toBe(true);

    const withinAge = await stack.query(q, { id: 'C-000006', age: 30 });
    expect(totals(await stack.allStats(withinAge.correlationId))).toEqual(NONE);
  });

  it('after invalidating a list membership, the next read costs exactly one call to the owning system', async () => {
    await stack.query(CUSTOMER_360, { id: 'C-000007' });
    await stack.invalidate(['Customer:C-000007:orders']);
    const again = await stack.query(CUSTOMER_360, { id: 'C-000007' });
    expect(totals(await stack.allStats(again.correlationId))).toEqual({ salesforce: 0, netsuite: 1, zendesk: 0 });
  });

  it("after invalidating a customer's case list, the next read costs one Zendesk search: the customer's organization stays cached", async () => {
    const cold = await stack.query(CUSTOMER_360, { id: 'C-000012' });
    expect(cold.body.errors).toBeUndefined();
    expect((await stack.stats('zendesk', cold.correlationId)).calls).toMatchObject({ 'GET /api/v2/organizations/show_many': 1 });

    await stack.invalidate(['Customer:C-000012:cases']);
    const again = await stack.query(CUSTOMER_360, { id: 'C-000012' });
    expect(totals(await stack.allStats(again.correlationId))).toEqual({ salesforce: 0, netsuite: 0, zendesk: 1 });
    expect(await stack.stats('zendesk', again.correlationId)).toEqual({ total: 1, calls: { 'GET /api/v2/search': 1 } });
    expect(withoutReadTimes(again.body)).toBe(withoutReadTimes(cold.body));
  });
});

describe('stale-if-error through the gateway', () => {
  let stack: Stack & StackCache;
  // TTLs of one second, so a test can let entries expire, however healthy the feeds; a long maximum staleness.
  const config: CacheConfig = {
    ...loadCacheConfig({ CACHE_CHANGE_FEED_TTL_FACTOR: '1' }),
    ttlSeconds: Object.fromEntries(TTL_DOMAINS.map((d) => [d, 1])) as CacheConfig['ttlSeconds'],
    maxStaleSeconds: 3600,
  };
  beforeAll(async () => {
    stack = await startStack({ cache: { config } });
  });
  afterAll(async () => {
    await stack?.clearFaults();
    await stack?.close();
  });

  it('with the ERP down, cached orders are served stale: true and an uncached one fails with UPSTREAM_UNAVAILABLE while the rest answers', async () => {
    const q = `query Q($id: ID!, $other: ID!) {
      customer(id: $id) {
        name
        orders(first: 5) { freshness { fetchedAt stale } nodes { id status freshness { fetchedAt stale } } }
      }
      order(id: $other) { id status }
    }`;
    type R = {
      customer: { name: string | null; orders: { freshness: { fetchedAt: string; stale: boolean }; nodes: Array<{ id: string; freshness: { fetchedAt: string; stale: boolean } }> } | null };
      order: { id: string } | null;
    };
    const other = ordersOf(stack, 'C-000009')[0] as string;
    expect(other).toMatch(/^SO-/);
    const warm = await stack.query<R>(`query W($id: ID!) { customer(id: $id) { orders(first: 5) { nodes { id status freshness { fetchedAt stale } } } } }`, { id: 'C-000008' });
    const warmNodes = warm.body.data?.customer.orders?.nodes ?? [];
    expect(warmNodes.length).toBeGreaterThan(0);

    await new Promise((r) => setTimeout(r, 1100));
    await stack.faults('netsuite', { down: true });
    const res = await stack.query<R>(q, { id: 'C-000008', other });
    await stack.clearFaults();

    const orders = res.body.data?.customer.orders;
    expect(orders?.nodes.map((n) => n.id)).toEqual(warmNodes.map((n) => n.id));
    expect(orders?.nodes.every((n) => n.freshness.stale)).toBe(true);
    expect(orders?.nodes.map((n) => n.freshness.fetchedAt)).toEqual(warmNodes.map((n) => n.freshness.fetchedAt));
    expect(orders?.freshness.stale).toBe(true);
    expect(res.body.data?.customer.name).toEqual(expect.any(String));
    expect(res.body.data?.order).toBeNull();
    expect(res.body.errors).toEqual([
      expect.objectContaining({ path: ['order'], extensions: expect.objectContaining({ code: 'UPSTREAM_UNAVAILABLE', system: 'ERP' }) }),
    ]);
    // It did try the ERP: stale data is served only when the system fails.
    expect((await stack.stats('netsuite', res.correlationId)).total).toBeGreaterThan(0);
  });
});

/** A TCP proxy in front of Redis that a test can cut, as if Redis stopped. */
async function redisProxy(target: URL): Promise<{ url: string; cut(): Promise<void>; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let server: Server | undefined = createServer((client) => {
    const upstream = connect(Number(target.port || 6379), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  const cut = async (): Promise<void> => {
    const s = server;
    server = undefined;
    for (const sock of sockets) sock.destroy();
    if (s) await new Promise<void>((r) => s.close(() => r()));
  };
  return { url: `redis://127.0.0.1:${port}`, cut, close: cut };
}

describe.skipIf(!process.env.REDIS_URL)('with Redis (skipped: REDIS_URL is not set)', () => {
  const redisUrl = process.env.REDIS_URL as string;

  it('a second set of subgraphs sharing the Redis cache finds the first one\'s cache warm', async () => {
    const namespace = `test-${randomUUID()}`;
    const first = await startStack({ cache: { redisUrl, namespace } });
    const second = await startStack({ cache: { redisUrl, namespace } });
    try {
      const a = await first.query(CUSTOMER_360, { id: 'C-000010' });
      expect(totals(await first.allStats(a.correlationId)).netsuite).toBeGreaterThan(0);
      const b = await second.query(CUSTOMER_360, { id: 'C-000010' });
      expect(totals(await second.allStats(b.correlationId))).toEqual(NONE);
      expect(b.body).toEqual(a.body);

      // An invalidation through one set reaches the other: the order list is read again, once.
      await first.invalidate(['Customer:C-000010:orders']);
      const c = await second.query(CUSTOMER_360, { id: 'C-000010' });
      expect(totals(await second.allStats(c.correlationId))).toEqual({ salesforce: 0, netsuite: 1, zendesk: 0 });
    } finally {
      await first.close();
      await second.close();
    }
  });

  it('with Redis stopped mid-run, requests are still answered from the systems, and the failures are counted', async () => {
    const proxy = await redisProxy(new URL(redisUrl));
    const stack = await startStack({ cache: { redisUrl: proxy.url } });
    try {
      const warm = await stack.query(CUSTOMER_360, { id: 'C-000011' });
      const again = await stack.query(CUSTOMER_360, { id: 'C-000011' });
      expect(totals(await stack.allStats(again.correlationId))).toEqual(NONE);

      await proxy.cut();
      const before = await errorCount();
      const res = await stack.query(CUSTOMER_360, { id: 'C-000011' });
      expect(res.status).toBe(200);
      expect(res.body.errors).toBeUndefined();
      const calls = totals(await stack.allStats(res.correlationId));
      expect(calls.salesforce).toBeGreaterThan(0);
      expect(calls.netsuite).toBeGreaterThan(0);
      expect(calls.zendesk).toBeGreaterThan(0);
      expect(await errorCount()).toBeGreaterThan(before);
      // The same data as when the cache worked, apart from when it was read.
      expect(withoutReadTimes(res.body)).toBe(withoutReadTimes(warm.body));
    } finally {
      await stack.close();
      await proxy.close();
    }
  });
});
