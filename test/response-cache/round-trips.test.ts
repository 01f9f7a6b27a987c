/**
 * What one agent customer-360 view (the bench's) costs in Redis round trips, per
 * layer: the gateway's caches (whole answers, subgraph responses, tag versions)
 * and each subgraph's entity cache. Cold is the first view of a customer in a
 * process that has served others; warm is the same view again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CUSTOMER_360 } from '../../bench/workloads.js';
import { entityCacheClientName } from '../../lib/cache/index.js';
import { RESPONSE_CACHE_CLIENT_NAME } from '../../gateway/src/response-cache/index.js';
import { startStack, type Stack, type StackCache } from '../support/stack.js';
import { countRedisTrips, type TripCounter, type Trips } from '../support/redis-trips.js';

const REDIS_URL = process.env.REDIS_URL;
const LAYERS = { gateway: RESPONSE_CACHE_CLIENT_NAME, ...Object.fromEntries(['customer', 'order', 'finance', 'service'].map((s) => [s, entityCacheClientName(s)])) };

describe.skipIf(!REDIS_URL)('Redis round trips of a customer-360 view (skipped: REDIS_URL is not set)', () => {
  let stack: Stack & StackCache;
  let counter: TripCounter;
  beforeAll(async () => {
    stack = await startStack({ customers: 40, cache: { redisUrl: REDIS_URL as string }, responseCache: true });
    counter = countRedisTrips();
  }, 60_000);
  afterAll(async () => {
    counter?.stop();
    await stack?.close();
  });

  const view = async (id: string): Promise<Record<string, Trips>> => {
    counter.reset();
    const res = await stack.query(CUSTOMER_360, { id });
    expect(res.body.errors).toBeUndefined();
    const counts = counter.byName();
    // Anything else (the subgraphs' replay guard on caller headers, one claim per request) is not a cache's.
    return Object.fromEntries(Object.entries(LAYERS).map(([layer, name]) => [layer, counts.get(name) ?? { roundTrips: 0, commands: 0 }]));
  };

  it('a cold view and its warm repeat stay within their round trips per layer', async () => {
    // The first view of the process also loads what every first request does; the next customer is the measured cold one.
    await view('C-000001');
    const cold = await view('C-000005');
    const warm = await view('C-000005');
    const trips = (counts: Record<string, Trips>): Record<string, number> => Object.fromEntries(Object.entries(counts).map(([layer, t]) => [layer, t.roundTrips]));
    // Cold: a lookup per whole answer and per subgraph fetch, and a guarded write for each (it reads the
    // tag versions and writes in one); per subgraph, a read and a write per kind it loads, a list's records
    // written with the list. Before the guarded writes and tagged reads: 21, 2, 6, 6, 10.
    const coldMost = { gateway: 14, customer: 2, order: 4, finance: 4, service: 6 };
    // Warm: the whole answer and its tags' versions in one read. Before: 2.
    const warmMost = { gateway: 1, customer: 0, order: 0, finance: 0, service: 0 };
    const within = (got: Record<string, number>, most: Record<string, number>): Record<string, number> =>
      Object.fromEntries(Object.entries(got).map(([layer, n]) => [layer, Math.min(n, most[layer] ?? 0)]));
    expect(within(trips(cold), coldMost)).toEqual(trips(cold));
    expect(within(trips(warm), warmMost)).toEqual(trips(warm));
    // Something was measured: a cold view reads every layer's cache.
    for (const layer of Object.keys(LAYERS)) expect(cold[layer]?.roundTrips).toBeGreaterThan(0);
  });
});
