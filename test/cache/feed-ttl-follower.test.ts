/**
 * Feed-aware TTLs on a replica that does not poll, counted in ERP calls at the
 * sandbox: a second order subgraph on the same Redis namespace follows the feed
 * lease (2 s) while the stack's own replica leads and polls the ERP. The
 * follower judges the feed by the leader's recorded polls, not its own (it has
 * none): it serves a cached order past the plain TTL while the leader's polls
 * succeed, and drops back to the plain TTL once they stop succeeding (the ERP
 * down, or the leader's poller stopped). Needs Redis: set REDIS_URL.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BootedSubgraph } from '../../lib/boot.js';
import { createEntityCache, loadCacheConfig, type CacheHandle } from '../../lib/cache/index.js';
import { HEALTHY_INTERVALS } from '../../lib/feeds/poller.js';
import type { OrderSubgraph } from '../../subgraphs/order/src/index.js';
import { freePort } from '../support/ports.js';
import { startStack, type Stack, type StackCache } from '../support/stack.js';
import { bootForTest, runningModules } from '../support/wiring.js';
import { untilTrue, warmPastPlainTtl, type CountedRead, type Freshness } from '../support/feed-ttl.js';

const REDIS_URL = process.env.REDIS_URL;
const TTL_SECONDS = 1;
const FACTOR = 30;
/** Past the plain TTL, well inside the stretched one (30 s). */
const PAST_PLAIN_TTL_MS = TTL_SECONDS * 1000 + 300;
const INTERVAL_MS = 500;
const SETTINGS = { ORDER_FEED_INTERVAL_MS: String(INTERVAL_MS), FEED_LEASE_MS: '2000' };

const ORDER = /* GraphQL */ `
  query Order($id: ID!) {
    order(id: $id) { id status freshness { fetchedAt stale } }
  }
`;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe.skipIf(!REDIS_URL)('feed-aware TTLs on a follower replica (REDIS_URL)', () => {
  let stack: Stack & StackCache;
  let leader: OrderSubgraph;
  let follower: BootedSubgraph;
  let followerCache: CacheHandle;
  let dir: string;
  let shippable: string[] = [];

  /** The follower's stretch of order headers now, as its next lookup will see it. */
  const followerFactor = (): number => followerCache.cache.feedFactor('orderStatus');

  async function role(): Promise<string | undefined> {
    const res = await fetch(follower.url.replace(/\/graphql$/, '/health/ready'));
    const body = (await res.json()) as { parts: Array<{ name: string; details?: { role?: string } }> };
    return body.parts.find((p) => p.name === 'feed:order-status')?.details?.role;
  }

  /** One read through the follower replica itself, and the ERP calls it cost. */
  async function readOnFollower(id: string): Promise<CountedRead> {
    const res = await stack.query<{ order: { freshness: Freshness } | null }>(ORDER, { id }, { url: follower.url });
    expect(res.body.errors).toBeUndefined();
    const order = res.body.data?.order;
    if (!order) throw new Error(`no order ${id}: ${JSON.stringify(res.body)}`);
    return { freshness: order.freshness, calls: (await stack.stats('netsuite', res.correlationId)).total };
  }

  beforeAll(async () => {
    const config = loadCacheConfig({
      CACHE_TTL_ORDER_STATUS_SECONDS: String(TTL_SECONDS),
      CACHE_CHANGE_FEED_TTL_FACTOR: String(FACTOR),
    });
    stack = await startStack({ customers: 60, redisUrl: REDIS_URL, cache: { redisUrl: REDIS_URL, config }, settings: SETTINGS });
    leader = runningModules.get('order') as OrderSubgraph;
    shippable = stack.dataset.netsuite.transactions.filter((t) => t.type === 'SalesOrd' && t.status === 'B').map((t) => t.tranid);
    await untilTrue(() => leader.feed.healthy(), 'the leader to poll the ERP');

    dir = await mkdtemp(join(tmpdir(), 'rsg-feed-follower-'));
    followerCache = await createEntityCache({ namespace: stack.cacheNamespace, redisUrl: REDIS_URL, config });
    follower = await bootForTest('order', {
      env: { NETSUITE_BASE_URL: `${stack.sandboxUrls.netsuite}/services/rest` },
      port: await freePort(),
      dataDir: dir,
      namespace: stack.cacheNamespace,
      redisUrl: REDIS_URL,
      cache: followerCache,
      policy: { retries: 1, backoffMs: 20 },
      settings: SETTINGS,
    });
    // The stack's helpers reach the stack's own replica, the leader.
    runningModules.set('order', leader);
    expect(await role()).toBe('follower');
    await untilTrue(() => followerFactor() === FACTOR, "the follower to read the leader's polls");
  }, 60_000);

  afterAll(async () => {
    await stack?.clearFaults();
    await follower?.close();
    await followerCache?.close();
    await stack?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('serves an order past its plain TTL without an ERP call while the leader polls, though it polls nothing itself', async () => {
    const id = shippable[0] as string;
    const cold = await warmPastPlainTtl(readOnFollower, id, PAST_PLAIN_TTL_MS);
    await sleep(PAST_PLAIN_TTL_MS);
    const again = await readOnFollower(id);
    expect(again.calls).toBe(0);
    expect(again.freshness).toEqual(cold.freshness);
    // Its own feed never polled: the stretch is the leader's.
    expect((follower.module as OrderSubgraph).feed.healthy()).toBe(false);
    expect(await role()).toBe('follower');
  });

  it("once the ERP is down and the leader's polls fail, drops back within three intervals: the next read asks the ERP and serves the order stale", async () => {
    const id = shippable[1] as string;
    const cold = await warmPastPlainTtl(readOnFollower, id, PAST_PLAIN_TTL_MS);
    await stack.faults('netsuite', { down: true });
    try {
      const downAt = Date.now();
      await untilTrue(() => followerFactor() === 1, 'the follower to drop the stretch');
      // Three intervals from the leader's last success, plus one look at its record and a poll in flight.
      expect(Date.now() - downAt).toBeLessThan(HEALTHY_INTERVALS * INTERVAL_MS + 1500);
      const next = await readOnFollower(id);
      expect(next.calls).toBeGreaterThan(0);
      expect(next.freshness).toEqual({ fetchedAt: cold.freshness.fetchedAt, stale: true });
    } finally {
      await stack.clearFaults();
    }
    await untilTrue(() => followerFactor() === FACTOR, "the follower to follow the leader's recovered polls");
  });

  it('once the leader stops polling (still holding the lease), the next read past the plain TTL costs what a cold read does, and answers fresh', async () => {
    const id = shippable[2] as string;
    const cold = await warmPastPlainTtl(readOnFollower, id, PAST_PLAIN_TTL_MS);
    await leader.feed.stop();
    try {
      await untilTrue(() => followerFactor() === 1, 'the follower to drop the stretch');
      expect(await role()).toBe('follower');
      const next = await readOnFollower(id);
      expect(next.calls).toBe(cold.calls);
      expect(next.freshness.stale).toBe(false);
      expect(Date.parse(next.freshness.fetchedAt)).toBeGreaterThan(Date.parse(cold.freshness.fetchedAt));
    } finally {
      await leader.feed.start();
    }
    await untilTrue(() => followerFactor() === FACTOR, 'the follower to follow the leader again');
  });
});
