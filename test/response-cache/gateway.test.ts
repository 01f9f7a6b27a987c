/**
 * The gateway's response cache through the whole stack, counting what each
 * request cost at the systems of record (sandbox stats by correlation id) and
 * at the gateway's data sources (rsg_gateway_subgraph_fetches_total).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack, type StackCache } from '../support/stack.js';
import { subgraphFetches } from '../../gateway/src/response-cache/index.js';
import { responseCacheStores } from '../../gateway/src/response-cache/metrics.js';
import { loadCacheConfig } from '../../lib/cache/index.js';

const CUSTOMER_360 = /* GraphQL */ `
  query Customer360($id: ID!) {
    customer(id: $id) {
      id
      name
      loyalty { tier points }
      financials { balance { amount currency } creditHold }
      orders(first: 10) { totalCount nodes { id status total { amount } invoices { id status } } }
      cases(first: 5) { nodes { id subject status } }
    }
  }
`;

async function fetchesSoFar(): Promise<number> {
  const m = await subgraphFetches.get();
  return m.values.reduce((n, v) => n + v.value, 0);
}

/** What a request cost: calls at the three systems and requests from the gateway to the subgraphs. */
async function costOf(stack: Stack, run: () => Promise<{ correlationId: string }>): Promise<{ systems: number; subgraphs: number }> {
  const before = await fetchesSoFar();
  const { correlationId } = await run();
  const subgraphs = (await fetchesSoFar()) - before;
  const s = await stack.allStats(correlationId);
  return { systems: s.salesforce.total + s.netsuite.total + s.zendesk.total, subgraphs };
}

async function storesFor(result: string): Promise<number> {
  const m = await responseCacheStores.get();
  return m.values.find((v) => v.labels.result === result)?.value ?? 0;
}

async function post(stack: Stack, body: unknown, token: string): Promise<Response> {
  return fetch(stack.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
}

describe('response cache, in process memory', () => {
  let stack: Stack & StackCache;
  beforeAll(async () => {
    stack = await startStack({ customers: 60, responseCache: true });
  }, 60_000);
  afterAll(async () => {
    await stack?.close();
  });

  it('a warm repeat of a customer-360 costs no subgraph fetch and no system call, and answers the same', async () => {
    const first = await stack.query(CUSTOMER_360, { id: 'C-000003' });
    expect(first.body.errors).toBeUndefined();
    const firstCost = await stack.allStats(first.correlationId);
    expect(firstCost.salesforce.total + firstCost.netsuite.total + firstCost.zendesk.total).toBeGreaterThan(0);

    let again: Awaited<ReturnType<Stack['query']>> | undefined;
    const cost = await costOf(stack, async () => (again = await stack.query(CUSTOMER_360, { id: 'C-000003' })));
    expect(cost).toEqual({ systems: 0, subgraphs: 0 });
    expect(again?.body).toEqual(first.body);
  });

  it('a hit says how old it is, and the subgraphs\' report never reaches the client', async () => {
    const body = { query: CUSTOMER_360, variables: { id: 'C-000004' } };
    const miss = await post(stack, body, stack.tokens.agent);
    expect(miss.headers.get('age')).toBeNull();
    const missBody = (await miss.json()) as { extensions?: Record<string, unknown> };
    expect(JSON.stringify(missBody)).not.toContain('rsgCacheReport');
    const hit = await post(stack, body, stack.tokens.agent);
    expect(hit.headers.get('age')).toMatch(/^\d+$/);
    expect(await hit.json()).toEqual(missBody);
  });

  it('the same operation written differently (whitespace, variable order) shares an entry; other variables do not', async () => {
    await stack.query(CUSTOMER_360, { id: 'C-000005' });
    const reformatted = CUSTOMER_360.replace(/\s+/g, '  ');
    expect(await costOf(stack, () => stack.query(reformatted, { id: 'C-000005' }))).toEqual({ systems: 0, subgraphs: 0 });
    const other = await costOf(stack, () => stack.query(CUSTOMER_360, { id: 'C-000006' }));
    expect(other.subgraphs).toBeGreaterThan(0);
  });

  it('a storefront caller never gets the agent\'s cached answer, nor the agent the storefront\'s', async () => {
    const own = stack.tokens.storefront.customerId;
    const q = 'query Mine($id: ID!) { customer(id: $id) { id name orders(first: 5) { nodes { id status } } } }';
    const agent = await stack.query(q, { id: own });
    expect(agent.body.errors).toBeUndefined();
    // Same operation, same variables, another scope: a miss that goes to the subgraphs.
    const storefront = await costOf(stack, () => stack.query(q, { id: own }, { token: stack.tokens.storefront.token }));
    expect(storefront.subgraphs).toBeGreaterThan(0);
    // Each scope then hits its own entry.
    expect(await costOf(stack, () => stack.query(q, { id: own }, { token: stack.tokens.storefront.token }))).toEqual({ systems: 0, subgraphs: 0 });
    expect(await costOf(stack, () => stack.query(q, { id: own }))).toEqual({ systems: 0, subgraphs: 0 });
  });

  it('after an invalidation of a tag the answer contains, the next request misses and shows the new data', async () => {
    const id = 'C-000007';
    const before = await stack.query<{ customer: { loyalty: { tier: string } } }>(CUSTOMER_360, { id });
    const oldTier = before.body.data?.customer.loyalty.tier;
    const newTier = oldTier === 'PLATINUM' ? 'BRONZE' : 'PLATINUM';
    await stack.action('salesforce', 'set-loyalty-tier', { customerId: id, tier: newTier });
    // Until told, the cached answer stands (within its TTL): it is what the entity cache would serve too.
    await stack.invalidate([`Customer:${id}`]);
    let after: Awaited<ReturnType<Stack['query']>> | undefined;
    const cost = await costOf(stack, async () => (after = await stack.query(CUSTOMER_360, { id })));
    expect(cost.subgraphs).toBeGreaterThan(0);
    // Only Salesforce is asked again: the other systems' parts come from their entity caches.
    const stats = await stack.allStats(after!.correlationId);
    expect(stats.salesforce.total).toBe(1);
    expect(stats.netsuite.total + stats.zendesk.total).toBe(0);
    expect((after!.body.data as { customer: { loyalty: { tier: string } } }).customer.loyalty.tier).toBe(newTier);
  });

  it('an invalidation of a list tag (a new order) drops the answers that show the list', async () => {
    const id = 'C-000008';
    await stack.query(CUSTOMER_360, { id });
    expect((await costOf(stack, () => stack.query(CUSTOMER_360, { id }))).subgraphs).toBe(0);
    await stack.invalidate([`Customer:${id}:orders`]);
    const cost = await costOf(stack, () => stack.query(CUSTOMER_360, { id }));
    expect(cost.subgraphs).toBeGreaterThan(0);
  });

  it('a mutation is never served from the cache, and the tags it invalidates make the next read miss', async () => {
    const id = 'C-000011';
    const read = 'query E($id: ID!) { customer(id: $id) { id email orders(first: 3) { nodes { id } } } }';
    await stack.query(read, { id });
    expect((await costOf(stack, () => stack.query(read, { id }))).subgraphs).toBe(0);
    const email = `rc-${Date.now()}@example.com`;
    const m = 'mutation U($id: ID!, $email: String!) { updateCustomerEngagement(id: $id, input: { email: $email }) { status } }';
    const write = await stack.query<{ updateCustomerEngagement: { status: string } }>(m, { id, email });
    expect(write.body.errors).toBeUndefined();
    expect(write.body.data?.updateCustomerEngagement.status).toBe('APPLIED');
    // The same mutation again goes to the subgraph again (it is its own write).
    expect((await costOf(stack, () => stack.query(m, { id, email }))).subgraphs).toBeGreaterThan(0);
    // Told nothing by the test: the mutation's own report bumped Customer:<id> before it answered.
    const after = await stack.query<{ customer: { email: string } }>(read, { id });
    expect(after.body.data?.customer.email).toBe(email);
  });

  it('an answer with errors is not stored', async () => {
    await stack.faults('zendesk', { down: true });
    try {
      const before = await storesFor('errors');
      const first = await stack.query(CUSTOMER_360, { id: 'C-000010' });
      expect(first.body.errors?.length).toBeGreaterThan(0);
      expect(await storesFor('errors')).toBe(before + 1);
    } finally {
      await stack.clearFaults();
    }
    const next = await costOf(stack, () => stack.query(CUSTOMER_360, { id: 'C-000010' }));
    expect(next.subgraphs).toBeGreaterThan(0);
  });
});

describe('response cache and stale data', () => {
  let stack: Stack & StackCache;
  beforeAll(async () => {
    // Orders go stale after a second, even while the ERP feed is healthy; a long maximum staleness, so they are then served stale while the ERP is down.
    const config = { ...loadCacheConfig({ CACHE_TTL_ORDER_STATUS_SECONDS: '1', CACHE_TTL_ORDER_LISTS_SECONDS: '1', CACHE_CHANGE_FEED_TTL_FACTOR: '1' }), maxStaleSeconds: 3600 };
    stack = await startStack({ customers: 60, cache: { config }, responseCache: { minTtlSeconds: 0 } });
  }, 60_000);
  afterAll(async () => {
    await stack?.clearFaults();
    await stack?.close();
  });

  it('an answer with a value served stale is not stored, nor served later as fresh', async () => {
    const ns = stack.dataset.netsuite;
    const withOrders = ns.customers
      .map((c) => (c as { externalid?: string; id: number }))
      .find((c) => ns.transactions.some((t) => t.type === 'SalesOrd' && t.entity === c.id));
    const id = withOrders?.externalid as string;
    expect(id).toMatch(/^C-/);
    const q = 'query($id: ID!) { customer(id: $id) { id orders(first: 5) { freshness { stale } nodes { id status freshness { stale } } } } }';
    type R = { customer: { orders: { freshness: { stale: boolean } } | null } };
    const warm = await stack.query<R>(q, { id });
    expect(warm.body.data?.customer.orders?.freshness.stale).toBe(false);
    await new Promise((r) => setTimeout(r, 1100));
    await stack.faults('netsuite', { down: true });
    const staleBefore = await storesFor('stale');
    const stale = await stack.query<R>(q, { id });
    expect(stale.body.errors).toBeUndefined();
    expect(stale.body.data?.customer.orders?.freshness.stale).toBe(true);
    expect(await storesFor('stale')).toBe(staleBefore + 1);
    // Nothing was stored, so the next request goes to the subgraphs again.
    const again = await costOf(stack, () => stack.query(q, { id }));
    expect(again.subgraphs).toBeGreaterThan(0);
  });
});
