/**
 * The gateway's subgraph-response cache through the whole stack: what each
 * client query cost at the systems of record (sandbox stats by correlation id)
 * and at the subgraphs, counted both by the gateway's own counter and by
 * recording every request its data sources put on the wire.
 */
import { randomUUID } from 'node:crypto';
import { RemoteGraphQLDataSource } from '@apollo/gateway';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startStack, type Stack, type StackCache } from '../support/stack.js';
import { subgraphFetches } from '../../gateway/src/response-cache/index.js';
import { responseCacheStores, subgraphCacheLookups } from '../../gateway/src/response-cache/metrics.js';
import { loadCacheConfig } from '../../lib/cache/index.js';

type SubgraphName = keyof Stack['subgraphUrls'];
interface Sent {
  subgraph: SubgraphName | string;
  query: string;
  representations: unknown[] | undefined;
}

/** Every request the gateway's data sources send from now on, in order. */
function recordSent(stacks: ReadonlyArray<Stack>): { sent: Sent[]; restore(): void } {
  const sent: Sent[] = [];
  const original = RemoteGraphQLDataSource.prototype.process;
  const spy = vi.spyOn(RemoteGraphQLDataSource.prototype, 'process').mockImplementation(function (this: RemoteGraphQLDataSource, options) {
    const owner = stacks.find((s) => Object.values(s.subgraphUrls).includes(this.url));
    const subgraph = owner ? (Object.entries(owner.subgraphUrls).find(([, u]) => u === this.url)?.[0] ?? this.url) : this.url;
    const reps = options.request.variables?.representations as unknown[] | undefined;
    sent.push({ subgraph, query: options.request.query ?? '', representations: reps ? [...reps] : undefined });
    return original.call(this, options);
  });
  return { sent, restore: () => spy.mockRestore() };
}

/** Fetches of one subgraph looked up so far with this result. */
async function lookups(subgraph: string, result: string): Promise<number> {
  const m = await subgraphCacheLookups.get();
  return m.values.find((v) => v.labels.subgraph === subgraph && v.labels.result === result)?.value ?? 0;
}

/** Whole answers the response cache stored so far. */
async function storesFor(result: string): Promise<number> {
  const m = await responseCacheStores.get();
  return m.values.find((v) => v.labels.result === result)?.value ?? 0;
}

async function fetchesSoFar(): Promise<number> {
  const m = await subgraphFetches.get();
  return m.values.reduce((n, v) => n + v.value, 0);
}

/** What a request cost: calls at the three systems, the gateway's subgraph-fetch counter, and the requests recorded on the wire. */
async function costOf<T>(
  stack: Stack,
  wire: { sent: Sent[] },
  run: () => Promise<{ correlationId: string; body: T }>,
): Promise<{ systems: number; subgraphs: number; sent: Sent[]; body: T }> {
  const before = await fetchesSoFar();
  const from = wire.sent.length;
  const { correlationId, body } = await run();
  const subgraphs = (await fetchesSoFar()) - before;
  const s = await stack.allStats(correlationId);
  return { systems: s.salesforce.total + s.netsuite.total + s.zendesk.total, subgraphs, sent: wire.sent.slice(from), body };
}

const ORDER_OWNER = 'query OrderOwner($id: ID!) { order(id: $id) { id status customer { id name } } }';
const CUSTOMER_BALANCE = 'query Balance($id: ID!) { customer(id: $id) { id name financials { balance { amount currency } } } }';
const ORDER_INVOICES = 'query OrderInvoices($id: ID!) { order(id: $id) { id status invoices { id status } } }';
const CUSTOMER_ORDER_INVOICES = 'query Orders($id: ID!) { customer(id: $id) { orders(first: 10) { nodes { id invoices { id status } } } } }';

/** The `nth` customer (from 0) with at least `n` orders, and their order numbers in the graph's order. */
async function customerWithOrders(stack: Stack, n: number, nth = 0): Promise<{ id: string; orders: string[] }> {
  const ns = stack.dataset.netsuite;
  const counts = new Map<number, number>();
  for (const t of ns.transactions) if (t.type === 'SalesOrd') counts.set(t.entity as number, (counts.get(t.entity as number) ?? 0) + 1);
  const customer = ns.customers.filter((c) => (counts.get(c.id) ?? 0) >= n)[nth] as { externalid?: string } | undefined;
  const id = customer?.externalid as string;
  expect(id).toMatch(/^C-/);
  const listed = await stack.query<{ customer: { orders: { nodes: Array<{ id: string }> } } }>(
    'query List($id: ID!) { customer(id: $id) { orders(first: 10) { nodes { id } } } }',
    { id },
  );
  expect(listed.body.errors).toBeUndefined();
  const orders = listed.body.data!.customer.orders.nodes.map((o) => o.id);
  expect(orders.length).toBeGreaterThanOrEqual(n);
  return { id, orders };
}

type StackOptions = NonNullable<Parameters<typeof startStack>[0]>;

/** Stacks for one suite, started before it and closed after it, with every request their gateways send recorded. */
function suiteStacks(...options: StackOptions[]): { stacks: Array<Stack & StackCache>; wire: { sent: Sent[]; restore(): void } } {
  const suite = { stacks: [] as Array<Stack & StackCache>, wire: { sent: [] as Sent[], restore: (): void => undefined } };
  beforeAll(async () => {
    for (const o of options) suite.stacks.push(await startStack(o));
    suite.wire = recordSent(suite.stacks);
  }, 60_000);
  afterAll(async () => {
    suite.wire.restore();
    for (const s of suite.stacks) {
      await s.clearFaults();
      await s.close();
    }
  });
  return suite;
}

describe('subgraph-response cache, in process memory', () => {
  const suite = suiteStacks({ customers: 60, responseCache: true });
  let stack: Stack & StackCache;
  let wire: { sent: Sent[] };
  beforeAll(() => {
    [stack] = suite.stacks as [Stack & StackCache];
    wire = suite.wire;
  });

  it('a query of a new overall shape whose subgraph fetches were all answered before costs no subgraph fetch and no system call', async () => {
    // Far down the list: not the storefront caller's customer, whose entries a later test needs unbothered by this one's invalidation.
    const { id, orders } = await customerWithOrders(stack, 1, 5);
    expect(id).not.toBe(stack.tokens.storefront.customerId);
    const order = orders[0] as string;
    // Two queries warm the fetches: the order's root fetch, and the customer's balance as a Customer entity in finance.
    expect((await stack.query(ORDER_OWNER, { id: order })).body.errors).toBeUndefined();
    const balance = await stack.query<{ customer: { name: string; financials: unknown } }>(CUSTOMER_BALANCE, { id });
    expect(balance.body.errors).toBeUndefined();

    // A query never seen as a whole: the order, its customer and that customer's balance.
    const combined = 'query Combined($id: ID!) { order(id: $id) { id status customer { id name financials { balance { amount currency } } } } }';
    type R = { order: { id: string; customer: { id: string; name: string; financials: unknown } } };
    const stored = await storesFor('stored');
    const cost = await costOf(stack, wire, () => stack.query<R>(combined, { id: order }));
    expect(cost.body.errors).toBeUndefined();
    expect(cost.body.data?.order.customer).toEqual({ id, name: balance.body.data?.customer.name, financials: balance.body.data?.customer.financials });
    expect({ systems: cost.systems, subgraphs: cost.subgraphs, sent: cost.sent }).toEqual({ systems: 0, subgraphs: 0, sent: [] });

    // The whole answer was stored from served entries, with their tags: an invalidation of one reaches it too.
    expect(await storesFor('stored')).toBe(stored + 1);
    await stack.invalidate([`Customer:${id}`]);
    const after = await costOf(stack, wire, () => stack.query<R>(combined, { id: order }));
    expect(after.sent.map((s) => s.subgraph).sort()).toEqual(['customer', 'finance', 'order']);
    expect(after.body.data).toEqual(cost.body.data);
  });

  it('a batch of entities sends only those not cached, and answers them in the order asked', async () => {
    const { id, orders } = await customerWithOrders(stack, 3);
    const warm = orders[1] as string;
    const one = await stack.query<{ order: { invoices: unknown[] } }>(ORDER_INVOICES, { id: warm });
    expect(one.body.errors).toBeUndefined();

    type R = { customer: { orders: { nodes: Array<{ id: string; invoices: unknown[] }> } } };
    const partialBefore = await lookups('finance', 'partial');
    const cost = await costOf(stack, wire, () => stack.query<R>(CUSTOMER_ORDER_INVOICES, { id }));
    expect(await lookups('finance', 'partial')).toBe(partialBefore + 1);
    expect(cost.body.errors).toBeUndefined();
    const toFinance = cost.sent.filter((s) => s.subgraph === 'finance');
    expect(toFinance).toHaveLength(1);
    // Every order but the one already cached, in the order the plan gave them.
    expect(toFinance[0]?.representations).toEqual(orders.filter((o) => o !== warm).map((o) => ({ __typename: 'Order', id: o })));
    const nodes = cost.body.data!.customer.orders.nodes;
    expect(nodes.map((n) => n.id)).toEqual(orders);
    expect(nodes[1]?.invoices).toEqual(one.body.data?.order.invoices);

    // Now every order's invoices are cached: the same query again, under another name, sends nothing to finance.
    const hitsBefore = await lookups('finance', 'hit');
    const again = await costOf(stack, wire, () => stack.query<R>(CUSTOMER_ORDER_INVOICES.replace('query Orders', 'query OrdersAgain'), { id }));
    expect(await lookups('finance', 'hit')).toBe(hitsBefore + 1);
    expect(again.sent.filter((s) => s.subgraph === 'finance')).toEqual([]);
    expect(again.body.data).toEqual(cost.body.data);
  });

  it('errors of a partial batch keep the paths of the entities they belong to, and nothing of that fetch is stored', async () => {
    const { id, orders } = await customerWithOrders(stack, 3, 1);
    const warm = orders[1] as string;
    expect((await stack.query(ORDER_INVOICES, { id: warm })).body.errors).toBeUndefined();
    await stack.faults('netsuite', { down: true });
    type R = { customer: { orders: { nodes: Array<{ id: string; invoices: unknown[] | null }> } } };
    let failed: Awaited<ReturnType<typeof costOf<Awaited<ReturnType<Stack['query']>>['body']>>>;
    try {
      // The order list comes from the order subgraph's entity cache (warmed above); the invoices of the other orders need the ERP.
      failed = await costOf(stack, wire, () => stack.query<R>(CUSTOMER_ORDER_INVOICES, { id }));
    } finally {
      await stack.clearFaults();
    }
    const data = failed.body.data as R;
    const paths = (failed.body.errors ?? []).map((e) => (e as { path?: unknown[] }).path);
    const failedAt = orders.map((_, i) => i).filter((i) => i !== 1);
    expect(paths).toEqual(expect.arrayContaining(failedAt.map((i) => ['customer', 'orders', 'nodes', i, 'invoices'])));
    expect(paths.every((p) => p?.[3] !== 1)).toBe(true);
    expect(data.customer.orders.nodes[1]?.invoices).not.toBeNull();

    // Nothing of the failed fetch was stored: the ERP is back, and the same orders go to finance again.
    const next = await costOf(stack, wire, () => stack.query<R>(CUSTOMER_ORDER_INVOICES, { id }));
    expect(next.body.errors).toBeUndefined();
    expect(next.sent.filter((s) => s.subgraph === 'finance').map((s) => s.representations)).toEqual([failedAt.map((i) => ({ __typename: 'Order', id: orders[i] }))]);
  });

  it('after an invalidation or a write through the graph, the next read refetches and shows the new data', async () => {
    const id = 'C-000012';
    const tierOf = 'query Tier($id: ID!) { customer(id: $id) { id loyalty { tier } } }';
    const tierAgain = 'query TierAgain($id: ID!) { customer(id: $id) { id loyalty { tier } } }';
    type R = { customer: { loyalty: { tier: string }; email?: string } };
    const before = await stack.query<R>(tierOf, { id });
    expect(before.body.errors).toBeUndefined();
    // Warm: a new operation over the same fetch costs nothing.
    expect((await costOf(stack, wire, () => stack.query<R>(tierAgain, { id }))).subgraphs).toBe(0);

    const newTier = before.body.data?.customer.loyalty.tier === 'PLATINUM' ? 'BRONZE' : 'PLATINUM';
    await stack.action('salesforce', 'set-loyalty-tier', { customerId: id, tier: newTier });
    await stack.invalidate([`Customer:${id}`]);
    const after = await costOf(stack, wire, () => stack.query<R>('query TierThird($id: ID!) { customer(id: $id) { id loyalty { tier } } }', { id }));
    expect(after.sent.map((s) => s.subgraph)).toEqual(['customer']);
    expect(after.systems).toBe(1);
    expect(after.body.data?.customer.loyalty.tier).toBe(newTier);

    // A write through the graph: its own report invalidates, nobody else has to. Another customer, so the
    // invalidation above, within the clock-skew margin, does not keep what is read now from being stored.
    const writer = 'C-000013';
    const read = 'query Email($id: ID!) { customer(id: $id) { id email } }';
    await stack.query(read, { id: writer });
    expect((await costOf(stack, wire, () => stack.query(read.replace('query Email', 'query EmailAgain'), { id: writer }))).subgraphs).toBe(0);
    const email = `sc-${Date.now()}@example.com`;
    const uncacheableBefore = await lookups('customer', 'uncacheable');
    const write = await stack.query<{ updateCustomerEngagement: { status: string } }>(
      'mutation U($id: ID!, $email: String!) { updateCustomerEngagement(id: $id, input: { email: $email }) { status } }',
      { id: writer, email },
    );
    expect(write.body.data?.updateCustomerEngagement.status).toBe('APPLIED');
    // A mutation's fetch is never looked up.
    expect(await lookups('customer', 'uncacheable')).toBe(uncacheableBefore + 1);
    const written = await costOf(stack, wire, () => stack.query<R>(read.replace('query Email', 'query EmailThird'), { id: writer }));
    expect(written.sent.map((s) => s.subgraph)).toEqual(['customer']);
    expect(written.body.data?.customer.email).toBe(email);
  });

  it('a storefront caller is never served staff\'s entries, nor another storefront caller\'s', async () => {
    const own = stack.tokens.storefront.customerId;
    const other = await stack.issuer.token({ sub: 'C-000002', roles: ['storefront'] });
    const mine = 'query Mine($id: ID!) { customer(id: $id) { id name email orders(first: 3) { nodes { id status } } } }';
    const mineAgain = 'query MineAgain($id: ID!) { customer(id: $id) { id name email orders(first: 3) { nodes { id status } } } }';
    type R = { customer: { name: string } | null };

    const staff = await stack.query<R>(mine, { id: own });
    expect(staff.body.errors).toBeUndefined();
    const name = staff.body.data?.customer?.name as string;
    expect(name).toBeTruthy();

    // The storefront customer, on fetches staff cached: each one goes to its subgraph.
    const first = await costOf(stack, wire, () => stack.query<R>(mineAgain, { id: own }, { token: stack.tokens.storefront.token }));
    expect(first.body.data?.customer?.name).toBe(name);
    expect(first.sent.map((s) => s.subgraph).sort()).toEqual(['customer', 'order']);
    // Now cached for that customer.
    expect((await costOf(stack, wire, () => stack.query<R>(mine, { id: own }, { token: stack.tokens.storefront.token }))).sent).toEqual([]);

    // Another storefront customer asking the same: sent again, and refused as ever.
    const stranger = await costOf(stack, wire, () => stack.query<R>(mineAgain.replace('MineAgain', 'Stranger'), { id: own }, { token: other }));
    expect(stranger.sent.map((s) => s.subgraph)).toContain('customer');
    expect(JSON.stringify(stranger.body)).not.toContain(name);
  });
});

describe.skipIf(!process.env.REDIS_URL)('subgraph-response cache on Redis (skipped: REDIS_URL is not set)', () => {
  const cache = { redisUrl: process.env.REDIS_URL as string, namespace: `test-scache-${randomUUID()}` };
  const suite = suiteStacks({ customers: 40, cache, responseCache: true }, { customers: 40, cache, responseCache: true });
  let a: Stack & StackCache;
  let b: Stack & StackCache;
  let wire: { sent: Sent[] };
  beforeAll(() => {
    [a, b] = suite.stacks as [Stack & StackCache, Stack & StackCache];
    wire = suite.wire;
  });

  it('a second gateway answers from the first one\'s entries, and both see an invalidation made by either', async () => {
    const id = 'C-000004';
    const balance = (name: string): string => CUSTOMER_BALANCE.replace('query Balance', `query ${name}`);
    type R = { customer: { name: string; financials: unknown } };
    const first = await a.query<R>(balance('FromA'), { id });
    expect(first.body.errors).toBeUndefined();

    // Another operation (so no whole answer of A's can serve it) over the same fetches.
    const fromB = await costOf(b, wire, () => b.query<R>(balance('FromB'), { id }));
    expect(fromB.body.data).toEqual(first.body.data);
    expect({ systems: fromB.systems, subgraphs: fromB.subgraphs, sent: fromB.sent }).toEqual({ systems: 0, subgraphs: 0, sent: [] });

    // An invalidation by A's subgraphs (as a write or change event there would make) moves the shared version.
    await a.invalidate([`Customer:${id}`]);
    const afterB = await costOf(b, wire, () => b.query<R>(balance('AfterB'), { id }));
    expect(afterB.body.data).toEqual(first.body.data);
    expect(afterB.sent.map((s) => s.subgraph).sort()).toEqual(['customer', 'finance']);
    // Only Salesforce is read again: the ERP part comes from the shared entity cache, whose tag was not touched.
    expect(afterB.systems).toBe(1);
  });
});

describe('subgraph-response cache and stale data', () => {
  // Orders go stale after a second, even while the ERP feed is healthy; a long maximum staleness, so they are then served stale while the ERP is down.
  const config = { ...loadCacheConfig({ CACHE_TTL_ORDER_STATUS_SECONDS: '1', CACHE_TTL_ORDER_LISTS_SECONDS: '1', CACHE_CHANGE_FEED_TTL_FACTOR: '1' }), maxStaleSeconds: 3600 };
  const suite = suiteStacks({ customers: 60, cache: { config }, responseCache: { minTtlSeconds: 0 } });
  let stack: Stack & StackCache;
  let wire: { sent: Sent[] };
  beforeAll(() => {
    [stack] = suite.stacks as [Stack & StackCache];
    wire = suite.wire;
  });

  it('a served entry keeps the time its data was read; a fetch with a value served stale is not stored', async () => {
    const { id } = await customerWithOrders(stack, 1);
    const q = (name: string): string => `query ${name}($id: ID!) { customer(id: $id) { id orders(first: 5) { freshness { stale fetchedAt } nodes { id status } } } }`;
    type R = { customer: { orders: { freshness: { stale: boolean; fetchedAt: string } } | null } };
    const warm = await stack.query<R>(q('Warm'), { id });
    expect(warm.body.data?.customer.orders?.freshness.stale).toBe(false);
    const served = await costOf(stack, wire, () => stack.query<R>(q('Served'), { id }));
    expect(served.sent).toEqual([]);
    expect(served.body.data?.customer.orders?.freshness).toEqual(warm.body.data?.customer.orders?.freshness);

    await new Promise((r) => setTimeout(r, 1100));
    await stack.faults('netsuite', { down: true });
    try {
      const stale = await costOf(stack, wire, () => stack.query<R>(q('Stale'), { id }));
      expect(stale.body.errors).toBeUndefined();
      expect(stale.body.data?.customer.orders?.freshness.stale).toBe(true);
      expect(stale.sent.map((s) => s.subgraph)).toContain('order');
      // Within the entity cache's TTL of a second, a stored stale answer would be served now; it was not stored.
      const again = await costOf(stack, wire, () => stack.query<R>(q('StaleAgain'), { id }));
      expect(again.sent.map((s) => s.subgraph)).toContain('order');
      expect(again.body.data?.customer.orders?.freshness.stale).toBe(true);
    } finally {
      await stack.clearFaults();
    }
  });
});
