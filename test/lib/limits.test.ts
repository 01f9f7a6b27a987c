/**
 * The account limiters give way to views: background work (feed polls, write
 * replays) never takes the slots kept for interactive work, and a freed slot
 * goes to a waiting view before a waiting poll.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type RedisClientType } from 'redis';
import { createPoller } from '../../lib/feeds/poller.js';
import { inProcessBus } from '../../lib/events/bus.js';
import type { FeedState } from '../../lib/feeds/state.js';
import {
  currentPriority,
  giveBackHeldPermit,
  honouringHeldPermits,
  inBackground,
  LimitTimeoutError,
  localLimiter,
  redisLimiter,
  runWithPermit,
  type Priority,
  type Release,
} from '../../lib/limits.js';

const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 5));

describe('in-process limiter', () => {
  it('keeps one slot of several from background work, so a view is served at once while polls hold the rest', async () => {
    const limiter = localLimiter({ maxConcurrent: 3 });
    const polls = [await limiter.acquire(50, 'background'), await limiter.acquire(50, 'background')];
    await expect(limiter.acquire(50, 'background')).rejects.toBeInstanceOf(LimitTimeoutError);
    const view = await limiter.acquire(0, 'interactive');
    for (const release of [...polls, view]) release();
  });

  it('hands a freed slot to the waiting view before a poll that waited longer', async () => {
    const limiter = localLimiter({ maxConcurrent: 2, reservedForInteractive: 0 });
    const held = [await limiter.acquire(10), await limiter.acquire(10)];
    const order: Priority[] = [];
    const waiting = (p: Priority): Promise<Release> =>
      limiter.acquire(1000, p).then((release) => {
        order.push(p);
        return release;
      });
    const poll = waiting('background');
    await settle();
    const view = waiting('interactive');
    held[0]!();
    await settle();
    expect(order).toEqual(['interactive']);
    held[1]!();
    (await view)();
    (await poll)();
    expect(order).toEqual(['interactive', 'background']);
  });

  it('never lets a caller arriving just after a release take the slot as well as the waiter it was handed to', async () => {
    const limiter = localLimiter({ maxConcurrent: 1 });
    const first = await limiter.acquire(10);
    let inFlight = 1;
    let most = 1;
    const use = async (): Promise<void> => {
      const release = await limiter.acquire(1000);
      inFlight += 1;
      most = Math.max(most, inFlight);
      await settle();
      inFlight -= 1;
      release();
    };
    const waiter = use();
    await settle();
    inFlight -= 1;
    first();
    // In the same tick as the release: it must queue behind the waiter, not share the slot.
    const late = use();
    await Promise.all([waiter, late]);
    expect(most).toBe(1);
  });

  it('lets work holding a granted slot give it back before it waits, once, and only to the limiter it came from', async () => {
    const limiter = localLimiter({ maxConcurrent: 1, reservedForInteractive: 0 });
    const other = localLimiter({ maxConcurrent: 1, reservedForInteractive: 0 });
    const granted = await limiter.acquire(10);
    await runWithPermit(limiter, granted, async () => {
      // Another limiter's slot is not this one: nothing is given back.
      giveBackHeldPermit(other);
      await expect(limiter.acquire(20)).rejects.toBeInstanceOf(LimitTimeoutError);
      // Through the wrapper a call policy holds, the held slot goes back, and someone waiting gets it.
      const policyLimiter = honouringHeldPermits(limiter);
      const waiter = limiter.acquire(1000);
      giveBackHeldPermit(policyLimiter);
      const release = await waiter;
      // Given back once: a second call changes nothing, and the work's next permit is a wait like anyone's.
      giveBackHeldPermit(policyLimiter);
      await expect(policyLimiter.acquire(20)).rejects.toBeInstanceOf(LimitTimeoutError);
      release();
      (await policyLimiter.acquire(20))();
    });
    // runWithPermit does not release the given-back slot a second time: one slot, free once.
    const again = await limiter.acquire(10);
    await expect(limiter.acquire(20)).rejects.toBeInstanceOf(LimitTimeoutError);
    again();
  });

  it('knows background work across awaits and timers, and nothing else', async () => {
    expect(currentPriority()).toBe('interactive');
    const seen = await inBackground(async () => {
      await settle();
      return new Promise<Priority>((r) => setTimeout(() => r(currentPriority()), 1));
    });
    expect(seen).toBe('background');
    expect(currentPriority()).toBe('interactive');
  });

  it('runs a change feed poll as background work', async () => {
    const seen: Priority[] = [];
    let state: FeedState = { known: {} };
    const poller = createPoller({
      name: 'test',
      bus: inProcessBus(),
      store: {
        load: async () => state,
        save: async (next) => {
          state = next;
        },
      },
      readChanges: async () => {
        seen.push(currentPriority());
        return [];
      },
      toEvents: () => [],
    });
    await poller.pollOnce();
    expect(seen).toEqual(['background']);
  });
});

describe.skipIf(!process.env.REDIS_URL)('Redis limiter (skipped: REDIS_URL is not set)', () => {
  let redis: RedisClientType;
  const key = `test-limits-${randomUUID()}`;
  beforeAll(async () => {
    redis = createClient({ url: process.env.REDIS_URL }) as RedisClientType;
    await redis.connect();
  });
  afterAll(async () => {
    await redis?.del([`${key}:slots`, `${key}:rate`]);
    await redis?.quit();
  });

  it('keeps the reserve from background work in every process that shares the count', async () => {
    const a = redisLimiter(redis, key, { maxConcurrent: 2 });
    const b = redisLimiter(redis, key, { maxConcurrent: 2 });
    const poll = await a.acquire(100, 'background');
    await expect(b.acquire(100, 'background')).rejects.toBeInstanceOf(LimitTimeoutError);
    const view = await b.acquire(100, 'interactive');
    await expect(a.acquire(100, 'interactive')).rejects.toBeInstanceOf(LimitTimeoutError);
    // Leases expire if a holder dies without releasing.
    expect(await redis.pTTL(`${key}:slots`)).toBeGreaterThan(0);
    poll();
    view();
  });

  it('hands a slot released in this process to a caller waiting here at once, a view before background work', async () => {
    const wakeKey = `${key}-wake`;
    // Polls far apart: a caller that gets the slot well before one comes round was woken by the release.
    const limiter = redisLimiter(redis, wakeKey, { maxConcurrent: 1 }, { pollMs: 3_000 });
    try {
      const held = await limiter.acquire(100);
      const order: string[] = [];
      const background = limiter.acquire(10_000, 'background').then((r) => (order.push('background'), r));
      await new Promise((r) => setTimeout(r, 30));
      const view = limiter.acquire(10_000, 'interactive').then((r) => (order.push('view'), r));
      // Both have found the slot taken and are waiting for their next try.
      await new Promise((r) => setTimeout(r, 100));
      const releasedAt = performance.now();
      held();
      const viewRelease = await view;
      expect(performance.now() - releasedAt).toBeLessThan(1_000);
      expect(order).toEqual(['view']);
      const handedOnAt = performance.now();
      viewRelease();
      (await background)();
      expect(performance.now() - handedOnAt).toBeLessThan(1_000);
      expect(order).toEqual(['view', 'background']);
    } finally {
      await redis.del(`${wakeKey}:slots`);
    }
  });
});
