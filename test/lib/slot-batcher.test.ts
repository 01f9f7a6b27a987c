/**
 * Cross-request batching while waiting for a slot (lib/slot-batcher.ts): keys
 * of one kind that arrive while a batch waits for the account's slot join it,
 * one call answers them all, each request gets only its own keys, and a request
 * whose wait or deadline runs out leaves without failing the others.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RedisClientType } from 'redis';
import { connectOnce } from '../support/redis-keys.js';
import { currentScope, runInScope } from '../../lib/context.js';
import { UpstreamError } from '../../lib/errors.js';
import { honouringHeldPermits, inBackground, localLimiter, redisLimiter, type Limiter, type Release } from '../../lib/limits.js';
import { createSlotBatcher, type SlotBatcher } from '../../lib/slot-batcher.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A limiter that counts the permits held at once, and the most ever held. */
function countingLimiter(maxConcurrent: number): Limiter & { held: () => number; peak: () => number } {
  const inner = localLimiter({ maxConcurrent, reservedForInteractive: 0 });
  let held = 0;
  let peak = 0;
  return {
    async acquire(waitMs, priority, signal) {
      const release = await inner.acquire(waitMs, priority, signal);
      held += 1;
      peak = Math.max(peak, held);
      let done = false;
      return () => {
        if (done) return;
        done = true;
        held -= 1;
        release();
      };
    },
    held: () => held,
    peak: () => peak,
  };
}

/** A read as a connector makes it: takes its permit from the limiter (as the call policy does), answers `value(key)` for known keys. */
function recordingRead(limiter: Limiter, opts: { latencyMs?: number; unknown?: string[] } = {}) {
  const calls: string[][] = [];
  const policyLimiter = honouringHeldPermits(limiter);
  const read = async (keys: string[]): Promise<Map<string, string>> => {
    calls.push([...keys].sort());
    const release = await policyLimiter.acquire(10_000);
    try {
      await sleep(opts.latencyMs ?? 5);
      return new Map(keys.filter((k) => !opts.unknown?.includes(k)).map((k) => [k, `value of ${k}`]));
    } finally {
      release();
    }
  };
  return { calls, read };
}

/** A request for EARLY, then 100 ms later one for LATE: EARLY's outcome (its answer's name, or its error) and LATE's answer. */
async function earlyThenLate(batcher: SlotBatcher, read: (keys: string[]) => Promise<Map<string, string>>) {
  const earlyOutcome = batcher.load('kind', ['EARLY'], read).then(
    () => 'answered',
    (e: unknown) => e,
  );
  await sleep(100);
  return { earlyOutcome, late: batcher.load('kind', ['LATE'], read) };
}

describe('slot batcher', () => {
  it('merges the keys of requests that arrive while a batch waits for the slot into one call, and answers each only its own keys', async () => {
    const limiter = countingLimiter(1);
    const batcher = createSlotBatcher({ system: 'ERP', limiter, permitWaitMs: 2000, deadlineMs: 5000 });
    const { calls, read } = recordingRead(limiter, { unknown: ['K-7'] });
    const blocker = await limiter.acquire(100);
    const requests = Array.from({ length: 10 }, (_, i) => batcher.load('kind', [`K-${i}`, 'K-shared'], read));
    await sleep(20);
    expect(calls).toEqual([]);
    blocker();
    const answers = await Promise.all(requests);
    expect(calls).toEqual([[...Array.from({ length: 10 }, (_, i) => `K-${i}`), 'K-shared'].sort()]);
    answers.forEach((answer, i) => {
      const expected: Array<[string, string]> = i === 7 ? [] : [[`K-${i}`, `value of K-${i}`]];
      expect([...answer]).toEqual([...expected, ['K-shared', 'value of K-shared']]);
    });
    // The call used the slot granted to its batch: never two permits at once, none left behind.
    expect(limiter.peak()).toBe(1);
    expect(limiter.held()).toBe(0);
  });

  it('never merges past maxKeys: a full batch keeps its place and the next requests wait in a new one', async () => {
    const limiter = countingLimiter(1);
    const batcher = createSlotBatcher({ system: 'ERP', limiter, permitWaitMs: 2000, deadlineMs: 5000, maxKeys: 4 });
    const { calls, read } = recordingRead(limiter);
    const blocker = await limiter.acquire(100);
    const requests = Array.from({ length: 10 }, (_, i) => batcher.load('kind', [`K-${i}`], read));
    blocker();
    await Promise.all(requests);
    expect(calls.map((c) => c.length)).toEqual([4, 4, 2]);
  });

  it('keeps different kinds, and background from interactive work, in different calls', async () => {
    const limiter = countingLimiter(1);
    const batcher = createSlotBatcher({ system: 'ERP', limiter, permitWaitMs: 2000, deadlineMs: 5000 });
    const { calls, read } = recordingRead(limiter);
    const blocker = await limiter.acquire(100);
    const requests = [
      batcher.load('orders', ['A'], read),
      batcher.load('lines', ['B'], read),
      batcher.load('orders', ['C'], read),
      inBackground(() => batcher.load('orders', ['D'], read)),
    ];
    blocker();
    await Promise.all(requests);
    expect(calls.sort()).toEqual([['A', 'C'], ['B'], ['D']]);
  });

  it('makes the call in the context of the request that opened the batch, whose correlation id it carries', async () => {
    const limiter = countingLimiter(1);
    const batcher = createSlotBatcher({ system: 'ERP', limiter, permitWaitMs: 2000, deadlineMs: 5000 });
    const seen: Array<string | undefined> = [];
    const { read } = recordingRead(limiter);
    const reading = async (keys: string[]): Promise<Map<string, string>> => {
      seen.push(currentScope()?.correlationId);
      return read(keys);
    };
    const blocker = await limiter.acquire(100);
    const scope = (id: string) => ({ correlationId: id, traceparent: `00-${'1'.repeat(32)}-${'2'.repeat(16)}-01` });
    const first = runInScope(scope('first'), () => batcher.load('kind', ['A'], reading));
    const second = runInScope(scope('second'), () => batcher.load('kind', ['B'], reading));
    blocker();
    await Promise.all([first, second]);
    expect(seen).toEqual(['first']);
  });

  it('lets a request whose wait for a slot runs out leave, with UPSTREAM_TIMEOUT, while a later one still gets its data; the leaver\'s keys are not read', async () => {
    const limiter = countingLimiter(1);
    const batcher = createSlotBatcher({ system: 'ERP', limiter, permitWaitMs: 150, deadlineMs: 5000 });
    const { calls, read } = recordingRead(limiter);
    const blocker = await limiter.acquire(100);
    const { earlyOutcome, late } = await earlyThenLate(batcher, read);
    const err = await earlyOutcome;
    expect(err).toBeInstanceOf(UpstreamError);
    expect(err).toMatchObject({ system: 'ERP', failure: 'timeout' });
    expect(calls).toEqual([]);
    blocker();
    expect([...(await late)]).toEqual([['LATE', 'value of LATE']]);
    expect(calls).toEqual([['LATE']]);
    expect(limiter.held()).toBe(0);
  });

  it('lets a request whose deadline passes during the shared call stop waiting; the call goes on for the others', async () => {
    const limiter = countingLimiter(1);
    const batcher = createSlotBatcher({ system: 'ERP', limiter, permitWaitMs: 300, deadlineMs: 300 });
    const { calls, read } = recordingRead(limiter, { latencyMs: 250 });
    const blocker = await limiter.acquire(100);
    const { earlyOutcome, late } = await earlyThenLate(batcher, read);
    blocker();
    // The call starts now and takes 250 ms: EARLY's 300 ms end ~200 ms in, LATE's ~300 ms in.
    const err = await earlyOutcome;
    expect(err).toMatchObject({ system: 'ERP', failure: 'timeout' });
    expect([...(await late)]).toEqual([['LATE', 'value of LATE']]);
    expect(calls).toEqual([['EARLY', 'LATE']]);
  });

  it('fails every request of a call that fails, and frees the slot', async () => {
    const limiter = countingLimiter(1);
    const batcher = createSlotBatcher({ system: 'ERP', limiter, permitWaitMs: 2000, deadlineMs: 5000 });
    const boom = new UpstreamError('ERP', 'unavailable', 'ERP answered HTTP 503');
    const read = async (): Promise<Map<string, string>> => {
      await sleep(5);
      throw boom;
    };
    const blocker: Release = await limiter.acquire(100);
    const requests = [batcher.load('kind', ['A'], read), batcher.load('kind', ['B'], read)];
    blocker();
    for (const r of requests) await expect(r).rejects.toBe(boom);
    expect(limiter.held()).toBe(0);
  });

  it('runs a request with more keys than one merged call takes on its own, at once when a slot is free', async () => {
    const limiter = countingLimiter(2);
    const batcher = createSlotBatcher({ system: 'ERP', limiter, permitWaitMs: 2000, deadlineMs: 5000, maxKeys: 3 });
    const { calls, read } = recordingRead(limiter);
    const answer = await batcher.load('kind', ['A', 'B', 'C', 'D'], read);
    expect(answer.size).toBe(4);
    expect(calls).toEqual([['A', 'B', 'C', 'D']]);
  });
});

describe.skipIf(!process.env.REDIS_URL)('slot batcher on the Redis limiter (skipped: REDIS_URL is not set)', () => {
  let redis: RedisClientType;
  const key = `test-batch-${randomUUID()}`;
  beforeAll(async () => void (redis = await connectOnce(process.env.REDIS_URL as string)));
  afterAll(async () => {
    await redis?.del(`${key}:slots`);
    await redis?.quit();
  });

  it('merges waiting requests into one call that uses the batch\'s lease, and gives up the wait of a batch everyone left', async () => {
    const limiter = redisLimiter(redis, key, { maxConcurrent: 1 }, { pollMs: 5 });
    const batcher = createSlotBatcher({ system: 'ERP', limiter, permitWaitMs: 200, deadlineMs: 5000 });
    const { calls, read } = recordingRead(limiter);
    const blocker = await limiter.acquire(100);
    const requests = Array.from({ length: 5 }, (_, i) => batcher.load('kind', [`K-${i}`], read));
    await sleep(30);
    blocker();
    const answers = await Promise.all(requests);
    expect(calls).toEqual([['K-0', 'K-1', 'K-2', 'K-3', 'K-4']]);
    answers.forEach((a, i) => expect([...a.keys()]).toEqual([`K-${i}`]));
    expect(await redis.zCard(`${key}:slots`)).toBe(0);

    // Everyone leaves a batch that never got its slot: no lease is taken afterwards.
    const held = await limiter.acquire(100);
    await expect(batcher.load('kind', ['LEFT'], read)).rejects.toMatchObject({ failure: 'timeout' });
    held();
    await sleep(50);
    expect(await redis.zCard(`${key}:slots`)).toBe(0);
    expect(calls).toHaveLength(1);
  });
});
