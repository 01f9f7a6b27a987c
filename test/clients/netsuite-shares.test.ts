/**
 * NetSuite counts concurrent requests per account. Without Redis each subgraph
 * counts only its own calls, so each takes a share of the account's limit and the
 * shares add up to no more than it; with Redis every caller draws from one count.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { randomUUID } from 'node:crypto';
import { createClient, type RedisClientType } from 'redis';
import { netsuiteLimiter } from '../../lib/clients/netsuite.js';
import { ConfigError, loadCommonConfig, loadNetSuiteConfig, netsuiteShares } from '../../lib/config.js';
import { LimitTimeoutError } from '../../lib/limits.js';
import { startStack, type Stack } from '../support/stack.js';

describe('shares of the account limit without Redis', () => {
  it('split 5 slots as order 2, finance 2, service 1 by default, and follow a larger limit', () => {
    expect(netsuiteShares(loadNetSuiteConfig({}))).toEqual({ order: 2, finance: 2, service: 1 });
    expect(netsuiteShares(loadNetSuiteConfig({ NETSUITE_MAX_CONCURRENT: '10' }))).toEqual({ order: 5, finance: 4, service: 1 });
  });

  it('take explicit shares, and give what they leave to the subgraphs not named', () => {
    expect(netsuiteShares(loadNetSuiteConfig({ NETSUITE_MAX_CONCURRENT: '10', NETSUITE_SHARE_ORDER: '6' }))).toEqual({ order: 6, finance: 3, service: 1 });
    expect(
      netsuiteShares(loadNetSuiteConfig({ NETSUITE_MAX_CONCURRENT: '15', NETSUITE_SHARE_ORDER: '8', NETSUITE_SHARE_FINANCE: '5', NETSUITE_SHARE_SERVICE: '2' })),
    ).toEqual({ order: 8, finance: 5, service: 2 });
  });

  it('refuse, at boot, shares that add up to more than the account allows, or that leave a subgraph none', () => {
    const over = loadNetSuiteConfig({ NETSUITE_SHARE_ORDER: '3', NETSUITE_SHARE_FINANCE: '3' });
    expect(() => netsuiteShares(over)).toThrow(ConfigError);
    expect(() => netsuiteShares(over)).toThrow(/add up to 6, more than NETSUITE_MAX_CONCURRENT=5/);
    // The subgraph's main() builds its limiter at boot, so the process stops there.
    expect(() => netsuiteLimiter(loadCommonConfig({}), over, undefined, 'order')).toThrow(ConfigError);
    expect(() => netsuiteShares(loadNetSuiteConfig({ NETSUITE_MAX_CONCURRENT: '2' }))).toThrow(/no concurrency slot for finance/);
  });

  it("set the customer subgraph's identity lookups a slot aside only when NETSUITE_SHARE_CUSTOMER asks, counted with the others", () => {
    const common = loadCommonConfig({});
    // Without a share the customer subgraph has no limiter of its own: its NetSuite lookups say why.
    expect(() => netsuiteLimiter(common, loadNetSuiteConfig({}), undefined, 'customer')).toThrow(/NETSUITE_SHARE_CUSTOMER/);
    expect(netsuiteShares(loadNetSuiteConfig({ NETSUITE_MAX_CONCURRENT: '6', NETSUITE_SHARE_CUSTOMER: '1' }))).toEqual({ order: 2, finance: 2, service: 1, customer: 1 });
    const over = loadNetSuiteConfig({ NETSUITE_SHARE_ORDER: '2', NETSUITE_SHARE_FINANCE: '2', NETSUITE_SHARE_CUSTOMER: '2' });
    expect(() => netsuiteShares(over)).toThrow(/customer 2\) add up to 6, more than NETSUITE_MAX_CONCURRENT=5/);
  });

  it('limit each subgraph to its own share', async () => {
    const config = loadNetSuiteConfig({});
    const order = netsuiteLimiter(loadCommonConfig({}), config, undefined, 'order');
    const held = [await order.acquire(10), await order.acquire(10)];
    await expect(order.acquire(50)).rejects.toBeInstanceOf(LimitTimeoutError);
    for (const release of held) release();
  });
});

describe.skipIf(!process.env.REDIS_URL)('one count of the whole limit with Redis', () => {
  let redis: RedisClientType;
  beforeAll(async () => {
    redis = createClient({ url: process.env.REDIS_URL }) as RedisClientType;
    await redis.connect();
  });
  afterAll(async () => {
    await redis?.quit();
  });

  it('every subgraph draws from the account limit, not from a share', async () => {
    const common = { ...loadCommonConfig({}), namespace: `test-shares-${randomUUID()}` };
    const config = loadNetSuiteConfig({ NETSUITE_MAX_CONCURRENT: '3' });
    const order = netsuiteLimiter(common, config, redis, 'order');
    const finance = netsuiteLimiter(common, config, redis, 'finance');
    // Order may take more than its share would be (1 of 3) while the others are idle...
    const held = [await order.acquire(200), await order.acquire(200), await finance.acquire(200)];
    // ...and nobody gets a fourth slot.
    await expect(finance.acquire(100)).rejects.toBeInstanceOf(LimitTimeoutError);
    await expect(order.acquire(100)).rejects.toBeInstanceOf(LimitTimeoutError);
    const key = `${common.namespace}:limits:netsuite:${config.accountId}:slots`;
    expect(await redis.pTTL(key)).toBeGreaterThan(0);
    for (const release of held) release();
  });
});

describe('the order and finance subgraphs under load at once, without Redis', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ customers: 120 });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('never exceed the account limit: NetSuite refuses nothing, and no client sees a rate limit', async () => {
    const customers = stack.dataset.netsuite.customers.slice(0, 24).map((c) => c.externalid);
    const ORDERS = `query ($id: ID!) { customer(id: $id) { id orders(first: 20) { nodes { id status lines { sku } } } } }`;
    const FINANCE = `query ($id: ID!) { customer(id: $id) { id financials { balance { amount } creditHold } invoices(first: 20) { nodes { id status } } } }`;
    // The account limit is the default NETSUITE_MAX_CONCURRENT; latency keeps calls in flight long enough to overlap.
    await stack.faults('netsuite', { maxConcurrent: 5, latencyMs: 40 });
    try {
      const requests = customers.flatMap((id) => [
        { query: ORDERS, id },
        { query: FINANCE, id },
      ]);
      const answers = await Promise.all(requests.map((r) => stack.query(r.query, { id: r.id })));
      let arrived = 0;
      let served = 0;
      for (const a of answers) {
        const stats = await stack.stats('netsuite', a.correlationId);
        const log = (await (await fetch(`${stack.sandboxUrls.netsuite}/__sandbox/requests?correlationId=${a.correlationId}`)).json()) as { requests: unknown[] };
        arrived += stats.total;
        // A call refused at the door is counted on arrival but never reaches the API, so it is not in the request log.
        served += log.requests.length;
      }
      // The load reached NetSuite. Reads that wait for a slot join another request's call of the same
      // kind (lib/slot-batcher.ts), so there may be fewer calls than requests; each is counted once, under
      // the correlation id of the request that opened it.
      expect(arrived).toBeGreaterThan(0);
      expect({ refusedByNetSuite: arrived - served }).toEqual({ refusedByNetSuite: 0 });
      const codes = answers.flatMap((a) => (a.body.errors ?? []).map((e) => e.extensions?.code));
      expect(codes).toEqual([]);
      expect(answers.every((a) => a.body.data?.customer)).toBe(true);
    } finally {
      await stack.clearFaults();
    }
  });
});

describe('the subgraphs of one process, without Redis', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ customers: 60, inProcess: true, cache: {} });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('share one count of the whole limit: one subgraph may use more than its share while the others are idle, never more than the account allows', async () => {
    const customers = stack.dataset.netsuite.customers.slice(0, 12).map((c) => c.externalid);
    const ORDERS = `query ($id: ID!) { customer(id: $id) { id orders(first: 20) { nodes { id status lines { sku } } } } }`;
    // Slow enough that the order subgraph's calls overlap; as separate processes its share would be 2 of 5.
    await stack.faults('netsuite', { maxConcurrent: 5, latencyMs: 150 });
    try {
      const answers = await Promise.all(customers.map((id) => stack.query(ORDERS, { id })));
      expect(answers.flatMap((a) => (a.body.errors ?? []).map((e) => e.extensions?.code))).toEqual([]);
      const calls: Array<[number, number]> = [];
      for (const a of answers) {
        const log = (await (await fetch(`${stack.sandboxUrls.netsuite}/__sandbox/requests?correlationId=${a.correlationId}`)).json()) as {
          requests: Array<{ receivedAtMs: number; durationMs: number | null }>;
        };
        for (const r of log.requests) calls.push([r.receivedAtMs, r.receivedAtMs + (r.durationMs ?? 0)]);
      }
      // The most calls NetSuite had in flight at once, from its own request log.
      const most = Math.max(...calls.map(([start]) => calls.filter(([s, e]) => s <= start && start < e).length));
      expect(most).toBeGreaterThan(2);
      expect(most).toBeLessThanOrEqual(5);
    } finally {
      await stack.clearFaults();
    }
  });
});
