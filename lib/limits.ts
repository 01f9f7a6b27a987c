/**
 * Per-account limits of a system of record, shared by everything that calls that
 * account: NetSuite's concurrent-request limit and Zendesk's requests per minute.
 * In process by default; in Redis when a client is given, so that every replica,
 * subgraph and poller draws from one budget.
 *
 * Written here rather than taken from a package because the limit must be one
 * budget across processes with leases that expire when a holder dies; the npm
 * limiters either stay in process or need a queue service we do not run.
 */
import { randomUUID } from 'node:crypto';
import type { RedisClientType } from 'redis';

/** A permit to make one call; release it when the call is over. */
export type Release = () => void;

export interface Limiter {
  /** Waits for a permit. Rejects with LimitTimeoutError after `waitMs`. */
  acquire(waitMs: number): Promise<Release>;
}

export class LimitTimeoutError extends Error {
  override readonly name = 'LimitTimeoutError';
  constructor(
    message: string,
    /**
     * `concurrency`: every slot stayed busy for the whole wait (the calls holding them are slow);
     * `rate`: the per-minute budget is spent, and the next slot opens after the wait allowed.
     */
    readonly kind: 'concurrency' | 'rate' = 'concurrency',
  ) {
    super(message);
  }
}

export interface LimitSpec {
  /** Calls in flight at once. @default unlimited */
  maxConcurrent?: number;
  /** Calls started per rolling minute. @default unlimited */
  perMinute?: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** In-process limiter: a FIFO semaphore plus a sliding one-minute window. */
export function localLimiter(spec: LimitSpec): Limiter {
  let inFlight = 0;
  const waiters: Array<() => void> = [];
  let starts: number[] = [];

  const release = (): void => {
    inFlight -= 1;
    const next = waiters.shift();
    if (next) next();
  };

  return {
    async acquire(waitMs) {
      const deadline = Date.now() + waitMs;
      if (spec.maxConcurrent !== undefined && inFlight >= spec.maxConcurrent) {
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => {
            const i = waiters.indexOf(wake);
            if (i >= 0) waiters.splice(i, 1);
            reject(new LimitTimeoutError(`waited ${waitMs} ms for one of ${spec.maxConcurrent} concurrent slots`));
          }, waitMs);
          const wake = (): void => {
            clearTimeout(timer);
            resolve();
          };
          waiters.push(wake);
        });
      }
      inFlight += 1;
      if (spec.perMinute !== undefined) {
        for (;;) {
          const now = Date.now();
          starts = starts.filter((t) => now - t < 60_000);
          if (starts.length < spec.perMinute) {
            starts.push(now);
            break;
          }
          const wait = (starts[0] ?? now) + 60_000 - now;
          if (now + wait > deadline) {
            release();
            throw new LimitTimeoutError(`rate budget of ${spec.perMinute}/min spent; next slot in ${wait} ms`, 'rate');
          }
          await sleep(wait);
        }
      }
      let released = false;
      return () => {
        if (!released) {
          released = true;
          release();
        }
      };
    },
  };
}

// Atomically: drop expired leases, and take one if fewer than the limit are held.
const ACQUIRE_SLOT = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], ARGV[3], ARGV[4])
  redis.call('PEXPIRE', KEYS[1], ARGV[5])
  return 1
end
return 0`;

// Atomically: count starts in the last minute, and record one if under the budget.
const TAKE_RATE = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], ARGV[3], ARGV[4])
  redis.call('PEXPIRE', KEYS[1], 61000)
  return -1
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return tonumber(oldest[2])`;

/**
 * Redis limiter: concurrency as leases in a sorted set (a crashed holder's lease
 * expires after `leaseMs`), rate as a sliding window of start times.
 */
export function redisLimiter(
  redis: RedisClientType,
  key: string,
  spec: LimitSpec,
  opts: { leaseMs?: number; pollMs?: number } = {},
): Limiter {
  const leaseMs = opts.leaseMs ?? 120_000;
  const pollMs = opts.pollMs ?? 25;
  const slotsKey = `${key}:slots`;
  const rateKey = `${key}:rate`;

  return {
    async acquire(waitMs) {
      const deadline = Date.now() + waitMs;
      const id = randomUUID();
      if (spec.maxConcurrent !== undefined) {
        for (;;) {
          const now = Date.now();
          const got = await redis.eval(ACQUIRE_SLOT, {
            keys: [slotsKey],
            arguments: [String(now), String(spec.maxConcurrent), String(now + leaseMs), id, String(leaseMs * 2)],
          });
          if (got === 1) break;
          if (Date.now() + pollMs > deadline) {
            throw new LimitTimeoutError(`waited ${waitMs} ms for one of ${spec.maxConcurrent} concurrent slots`);
          }
          await sleep(pollMs + Math.random() * pollMs);
        }
      }
      const release: Release = () => {
        if (spec.maxConcurrent !== undefined) void redis.zRem(slotsKey, id).catch(() => undefined);
      };
      if (spec.perMinute !== undefined) {
        for (;;) {
          const now = Date.now();
          const oldest = Number(
            await redis.eval(TAKE_RATE, {
              keys: [rateKey],
              arguments: [String(now - 60_000), String(spec.perMinute), String(now), `${id}:${now}`],
            }),
          );
          if (oldest < 0) break;
          const wait = oldest + 60_000 - now;
          if (now + wait > deadline) {
            release();
            throw new LimitTimeoutError(`rate budget of ${spec.perMinute}/min spent; next slot in ${wait} ms`, 'rate');
          }
          await sleep(wait);
        }
      }
      return release;
    },
  };
}
