/**
 * The feed lease: one leader per feed and deployment, a leader that cannot renew
 * stops its feed at once, a follower takes over when the lease runs out, and the
 * fencing token keeps a stale leader from writing the shared feed state or its
 * record of success, which followers read and which runs out on its own.
 * Needs Redis: set REDIS_URL.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type RedisClientType } from 'redis';
import { fencedStateStore, healthKey, leaseKey, redisFeedLease, soleLease, StaleLeaderError, type FeedLease, type LeaderWork } from '../../lib/feeds/lease.js';
import { waitUntil } from '../support/leases.js';
import { deleteNamespace } from '../support/redis-keys.js';

const REDIS_URL = process.env.REDIS_URL;

/** A feed as the lease sees it: records when it runs. */
function work(): LeaderWork & { running: boolean; starts: number; stops: number; startedAt: number[] } {
  const w = {
    running: false,
    starts: 0,
    stops: 0,
    startedAt: [] as number[],
    async start() {
      w.running = true;
      w.starts += 1;
      w.startedAt.push(Date.now());
    },
    async stop() {
      w.running = false;
      w.stops += 1;
    },
    note: () => 'streaming',
  };
  return w;
}

describe('soleLease (no Redis)', () => {
  it('makes the one process the leader at once, and stops its feed on stop', async () => {
    const lease = soleLease('order-status');
    const w = work();
    await lease.run(w);
    expect(w.running).toBe(true);
    expect(lease.status().phase).toBe('leader');
    await lease.stop();
    expect(w.running).toBe(false);
  });

  it('has nobody to tell of a successful read, and no leader to ask about', async () => {
    const lease = soleLease('order-status');
    await lease.run(work());
    expect(await lease.recordSuccess(500)).toBe(false);
    expect(await lease.leaderSuccess()).toBeNull();
    await lease.stop();
  });
});

describe('a leader whose Redis stops answering', () => {
  it('stops its feed when the lease runs out, without waiting for the renewal to answer', async () => {
    let calls = 0;
    // Redis as a replica sees it while the connection is being re-established: the first call
    // (the acquisition) answers, and every later command waits in the offline queue.
    const hanging = {
      eval: async (): Promise<unknown> => {
        calls += 1;
        return calls === 1 ? [1, 1] : new Promise(() => undefined);
      },
    } as unknown as RedisClientType;
    const lease = redisFeedLease({ redis: hanging, namespace: 'test-lease-hang', feed: 'order-status', ttlMs: 400, renewMs: 100 });
    const w = work();
    await lease.run(w);
    expect(w.running).toBe(true);
    expect(lease.token()).toBe(1);
    await waitUntil(() => !w.running, 1_000, 'the feed to stop once its lease ran out unrenewed');
    expect(lease.token()).toBeUndefined();
    expect(lease.status().phase).toBe('follower');
    await lease.stop();
  });
});

describe.skipIf(!REDIS_URL)('feed lease on Redis (REDIS_URL)', () => {
  const namespace = `test-lease-${randomUUID()}`;
  let redis: RedisClientType;
  const leases: FeedLease[] = [];
  const clients: RedisClientType[] = [];

  const connect = async (): Promise<RedisClientType> => {
    const c = createClient({ url: REDIS_URL, socket: { reconnectStrategy: false } }) as RedisClientType;
    c.on('error', () => undefined);
    await c.connect();
    clients.push(c);
    return c;
  };
  const lease = (client: RedisClientType, feed: string, ns = namespace, ttlMs = 600): FeedLease => {
    const l = redisFeedLease({ redis: client, namespace: ns, feed, ttlMs, renewMs: 200 });
    leases.push(l);
    return l;
  };

  beforeAll(async () => {
    redis = await connect();
  });

  afterAll(async () => {
    for (const l of leases) await l.stop().catch(() => undefined);
    await deleteNamespace(redis, namespace, { children: true });
    for (const c of clients) if (c.isOpen) await c.quit().catch(() => undefined);
  });

  it('gives the lease to one replica of three; the others follow and see who leads', async () => {
    const feed = `three-${randomUUID()}`;
    const replicas = [lease(redis, feed), lease(redis, feed), lease(redis, feed)];
    const works = replicas.map(() => work());
    await Promise.all(replicas.map((l, i) => l.run(works[i] as LeaderWork)));
    // Several renewal rounds: still exactly one leader, and it never changed.
    await new Promise((r) => setTimeout(r, 700));
    const leaders = replicas.filter((l) => l.status().phase === 'leader');
    expect(leaders).toHaveLength(1);
    expect(works.filter((w) => w.running)).toHaveLength(1);
    expect(works.reduce((n, w) => n + w.starts, 0)).toBe(1);
    for (const l of replicas.filter((x) => x !== leaders[0])) {
      const s = l.status();
      expect(s.phase === 'follower' && s.leader?.owner).toBe(leaders[0]?.owner);
      expect(s.phase === 'follower' && s.leader?.note).toBe('streaming');
    }
    // The leader's lease expires on its own in Redis if it is not renewed.
    expect(await redis.pTTL(leaseKey(namespace, feed))).toBeGreaterThan(0);
  });

  it('stops a leader whose renewal fails at once, and a follower takes over within one lease period', async () => {
    const feed = `takeover-${randomUUID()}`;
    const doomed = await connect();
    const a = lease(doomed, feed);
    const b = lease(redis, feed);
    const wa = work();
    const wb = work();
    await a.run(wa);
    await b.run(wb);
    expect(a.status().phase).toBe('leader');
    expect(b.status().phase).toBe('follower');
    const tokenA = a.token() as number;
    // The leader's connection dies: it cannot renew. It must stop its feed itself, without waiting for anyone.
    const diedAt = Date.now();
    await doomed.disconnect();
    await waitUntil(() => !wa.running, 1_000, 'the leader to stop its feed once a renewal failed');
    expect(a.token()).toBeUndefined();
    await waitUntil(() => wb.running, 2_000, 'the follower to take over');
    // Its lease was last renewed before the death, so it ran out at most one lease (600 ms) after it.
    expect((wb.startedAt[0] as number) - diedAt).toBeLessThanOrEqual(600 + 150);
    expect(b.token()).toBeGreaterThan(tokenA);
  });

  it('refuses the watermark write of a stale leader, atomically, and keeps the newer one', async () => {
    const feed = `fence-${randomUUID()}`;
    const a = lease(redis, feed, namespace, 5_000);
    const b = lease(redis, feed, namespace, 5_000);
    await a.run(work());
    const storeA = fencedStateStore(redis, namespace, feed, a);
    const storeB = fencedStateStore(redis, namespace, feed, b);
    await storeA.save({ watermark: '2026-12-01T10:00:00.000Z', known: { 'SO-1': 'PENDING' } });
    // A follower cannot write at all.
    await expect(storeB.save({ watermark: '2026-12-01T09:00:00.000Z', known: {} })).rejects.toBeInstanceOf(StaleLeaderError);
    // A stalls (a long pause) past its lease: it expires in Redis while A still believes it leads.
    await redis.del(leaseKey(namespace, feed));
    await b.run(work());
    expect(b.status().phase).toBe('leader');
    expect(a.status().phase).toBe('leader');
    expect(b.token()).toBeGreaterThan(a.token() as number);
    await storeB.save({ watermark: '2026-12-01T10:05:00.000Z', known: { 'SO-1': 'SHIPPED' } });
    // A wakes up and writes what it read before the pause: refused, the new leader's state stays.
    const stale = storeA.save({ watermark: '2026-12-01T10:01:00.000Z', known: { 'SO-1': 'BILLED' } });
    await expect(stale).rejects.toBeInstanceOf(StaleLeaderError);
    await expect(stale).rejects.toThrow(/newer leader took over/);
    expect(await storeA.load()).toEqual({ watermark: '2026-12-01T10:05:00.000Z', known: { 'SO-1': 'SHIPPED' } });
    // And A's next renewal tells it: it stops leading.
    await waitUntil(() => a.status().phase === 'follower', 1_000, 'the stale leader to notice its lease is gone');
  });

  it('keeps deployments apart: one leader per namespace on the same Redis', async () => {
    const feed = `ns-${randomUUID()}`;
    const one = lease(redis, feed, `${namespace}-blue`);
    const two = lease(redis, feed, `${namespace}-green`);
    await one.run(work());
    await two.run(work());
    expect(one.status().phase).toBe('leader');
    expect(two.status().phase).toBe('leader');
  });

  it("records the leader's successful reads for the followers, fenced, and lets the record run out three intervals later", async () => {
    const feed = `success-${randomUUID()}`;
    const a = lease(redis, feed, namespace, 5_000);
    const b = lease(redis, feed, namespace, 5_000);
    await a.run(work());
    await b.run(work());
    expect(await b.leaderSuccess()).toBeNull();
    // A follower records nothing.
    expect(await b.recordSuccess(100)).toBe(false);
    expect(await redis.exists(healthKey(namespace, feed))).toBe(0);
    const before = Date.now();
    expect(await a.recordSuccess(100)).toBe(true);
    const seen = await b.leaderSuccess();
    expect(seen).toMatchObject({ intervalMs: 100 });
    expect(seen?.at).toBeGreaterThanOrEqual(before);
    expect(seen?.remainingMs).toBeGreaterThan(0);
    expect(seen?.remainingMs).toBeLessThanOrEqual(300);
    // Beside the watermark, under the deployment's namespace.
    expect(healthKey(namespace, feed)).toBe(`${namespace}:feeds:${feed}:health`);
    // Not refreshed (the leader died, or stopped reading): gone three intervals later.
    await new Promise((r) => setTimeout(r, 350));
    expect(await b.leaderSuccess()).toBeNull();

    // A stale leader (its lease expired during a pause, C took over) cannot claim the feed is healthy.
    await b.stop();
    await redis.del(leaseKey(namespace, feed));
    const c = lease(redis, feed, namespace, 5_000);
    await c.run(work());
    expect(c.status().phase).toBe('leader');
    expect(a.status().phase).toBe('leader');
    expect(a.token()).toBeDefined();
    expect(await a.recordSuccess(1_000)).toBe(false);
    expect(await c.leaderSuccess()).toBeNull();
    expect(await c.recordSuccess(1_000)).toBe(true);
  });

  it("takes the leader's record with it when the leader stops cleanly", async () => {
    const feed = `success-release-${randomUUID()}`;
    const a = lease(redis, feed, namespace, 5_000);
    const b = lease(redis, feed, namespace, 5_000);
    await a.run(work());
    await b.run(work());
    expect(await a.recordSuccess(10_000)).toBe(true);
    expect(await b.leaderSuccess()).not.toBeNull();
    await a.stop();
    expect(await b.leaderSuccess()).toBeNull();
  });

  it('hands the lease on at once when the leader stops cleanly', async () => {
    const feed = `handoff-${randomUUID()}`;
    const a = lease(redis, feed, namespace, 5_000);
    const b = lease(redis, feed, namespace, 5_000);
    const wb = work();
    await a.run(work());
    await b.run(wb);
    await a.stop();
    // Released, not expired: the follower's next look (every 200 ms) finds it free, well before 5 s.
    await waitUntil(() => wb.running, 1_000, 'the follower to take over a released lease');
  });
});
