/** The per-caller rate limit: per caller, per minute, shared across replicas through Redis. */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.LOG_LEVEL = 'warn';
});

import { createClient, type RedisClientType } from 'redis';
import { createCallerRateLimiter } from '../../gateway/src/limits-rate.js';
import { makeCaller } from '../../lib/auth/index.js';
import { captureLogLines } from '../support/logs.js';

const alice = makeCaller({ subject: 'alice', roles: ['agent'], via: 'token' });
const bob = makeCaller({ subject: 'bob', roles: ['agent'], via: 'token' });
const carol = makeCaller({ subject: 'carol', roles: ['agent'], via: 'token' });
const t0 = Date.UTC(2026, 10, 20, 10, 0, 15);

describe('in process', () => {
  it('allows perMinute operations per caller, then says when to retry', async () => {
    const l = createCallerRateLimiter({ perMinute: 3 });
    for (let i = 0; i < 3; i += 1) expect((await l.take(alice, t0)).phase).toBe('allowed');
    expect(await l.take(alice, t0)).toEqual({ phase: 'limited', retryAfterSeconds: 45 });
    expect((await l.take(bob, t0)).phase).toBe('allowed');
    expect((await l.take(alice, t0 + 45_000)).phase).toBe('allowed');
  });
});

describe.skipIf(!process.env.REDIS_URL)('shared through Redis (skipped: REDIS_URL not set)', () => {
  let redis: RedisClientType;
  const namespace = `test-${randomUUID()}`;

  beforeAll(async () => {
    redis = createClient({ url: process.env.REDIS_URL }) as RedisClientType;
    await redis.connect();
  });

  afterAll(async () => {
    const keys = await redis.keys(`${namespace}:*`);
    if (keys.length > 0) await redis.del(keys);
    await redis.quit();
  });

  it('two replicas draw from one budget, and the counters expire', async () => {
    const a = createCallerRateLimiter({ perMinute: 4, redis, namespace });
    const b = createCallerRateLimiter({ perMinute: 4, redis, namespace });
    const got = [await a.take(alice, t0), await b.take(alice, t0), await a.take(alice, t0), await b.take(alice, t0), await a.take(alice, t0)];
    expect(got.map((d) => d.phase)).toEqual(['allowed', 'allowed', 'allowed', 'allowed', 'limited']);
    expect((await b.take(bob, t0)).phase).toBe('allowed');
    const keys = await redis.keys(`${namespace}:*`);
    expect(keys.length).toBe(2);
    for (const k of keys) expect(await redis.pTTL(k)).toBeGreaterThan(0);
  });

  it('counts in process, and says so, while Redis cannot be reached', async () => {
    const lines = captureLogLines();
    const down = createClient({ url: process.env.REDIS_URL }) as RedisClientType;
    const l = createCallerRateLimiter({ perMinute: 2, redis: down, namespace });
    const got = [await l.take(carol, t0), await l.take(carol, t0), await l.take(carol, t0)];
    expect(got.map((d) => d.phase)).toEqual(['allowed', 'allowed', 'limited']);
    expect(got[2]).toEqual({ phase: 'limited', retryAfterSeconds: 45 });
    expect(lines.filter((l) => l.includes('rate limit store unavailable'))).toHaveLength(3);
    expect(await redis.keys(`${namespace}:*:carol:*`)).toEqual([]);
  });
});
