/**
 * The gateway's caches under a feed's stretch, in the embedded default (subgraphs in the
 * gateway's process, response cache in memory): an order read past its plain TTL while the
 * ERP feed is healthy costs the ERP nothing (the entity cache's stretch), and the answer is
 * kept by the gateway, so a repeat costs no subgraph fetch either. The change feed still
 * drops it: an order shipped in the ERP is shown shipped at the next read, at one ERP call.
 * Counted at the sandbox (calls by correlation id) and at the gateway's data sources.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCacheConfig } from '../../lib/cache/index.js';
import { startStack, type Stack, type StackCache } from '../support/stack.js';
import { action, eventually } from '../e2e/order-helpers.js';
import { fetchesSoFar } from './support.js';

/** Long enough that an answer kept one plain TTL from now passes the gateway's 1 s minimum. */
const TTL_SECONDS = 3;
const ORDER_FEED_INTERVAL_MS = 500;
const QUERY = 'query($id: ID!) { order(id: $id) { id status lines { sku quantity } freshness { fetchedAt stale } } }';

interface Read {
  status: string | undefined;
  fetchedAt: string | undefined;
  netsuite: number;
  fetches: number;
}

describe('answers served under a feed stretch', () => {
  let stack: Stack & StackCache;
  beforeAll(async () => {
    const config = loadCacheConfig({
      CACHE_TTL_ORDER_STATUS_SECONDS: String(TTL_SECONDS),
      CACHE_TTL_ORDER_LINES_SECONDS: String(TTL_SECONDS),
      CACHE_CHANGE_FEED_TTL_FACTOR: '30',
    });
    stack = await startStack({
      customers: 60,
      inProcess: true,
      responseCache: true,
      cache: { config },
      settings: { ORDER_FEED_INTERVAL_MS: String(ORDER_FEED_INTERVAL_MS) },
    });
  }, 60_000);
  afterAll(async () => {
    await stack?.close();
  });

  async function read(id: string): Promise<Read> {
    const before = await fetchesSoFar();
    const res = await stack.query<{ order: { status: string; freshness: { fetchedAt: string } } | null }>(QUERY, { id });
    expect(res.body.errors).toBeUndefined();
    const fetches = (await fetchesSoFar()) - before;
    return { status: res.body.data?.order?.status, fetchedAt: res.body.data?.order?.freshness.fetchedAt, netsuite: (await stack.stats('netsuite', res.correlationId)).total, fetches };
  }

  it('keeps an answer read past the plain TTL under the stretch, and drops it when the feed sees a change', async () => {
    const order = stack.dataset.netsuite.transactions.find((t) => t.type === 'SalesOrd' && t.status === 'B');
    const id = order?.tranid ?? '';
    expect(id).not.toBe('');
    const cold = await read(id);
    expect(cold.netsuite).toBeGreaterThan(0);
    expect(cold.status).not.toBe('SHIPPED');
    // The ERP feed has polled by now, so the order domains are stretched.
    await new Promise((r) => setTimeout(r, TTL_SECONDS * 1000 + 300));

    const stretched = await read(id);
    // The gateway's copy lived one plain TTL; the subgraph answers from its stretched entry.
    expect(stretched).toMatchObject({ netsuite: 0, fetchedAt: cold.fetchedAt });
    expect(stretched.fetches).toBeGreaterThan(0);
    // Kept by the gateway this time: no subgraph fetch, no ERP call, the same honest fetchedAt.
    expect(await read(id)).toMatchObject({ netsuite: 0, fetches: 0, fetchedAt: cold.fetchedAt, status: cold.status });

    await action(stack, 'netsuite', 'ship-order', { orderId: id });
    const shipped = await eventually(async () => {
      const r = await read(id);
      return r.status === 'SHIPPED' ? r : undefined;
    }, 5000, 'the shipped status');
    expect(shipped.netsuite).toBeGreaterThan(0);
  });
});
