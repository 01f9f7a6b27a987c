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
import { scopeSlot } from './scope.js';

/** A permit to make one call; release it when the call is over. */
export type Release = () => void;

/**
 * Whose call waits for a permit. `interactive`: someone is waiting on the answer
 * (a view, a mutation). `background`: the change feeds' polls and the write
 * queue's replays, which nobody watches and which can run a moment later.
 */
export type Priority = 'interactive' | 'background';

/** Who the current work is (inBackground) and the permit it holds (runWithPermit): one slot of the async scope (lib/scope.ts) for both. */
interface WorkScope {
  priority?: Priority;
  permit?: HeldPermit;
}

const work = scopeSlot<WorkScope>('work');

/**
 * Runs `fn` as background work: every permit it asks for, on any later tick, is
 * a background one. Carried across ticks like the correlation id (lib/scope.ts), so the
 * connectors between a feed and the limiter need not pass it along.
 */
export function inBackground<T>(fn: () => T): T {
  return work.run({ ...work.get(), priority: 'background' }, fn);
}

/** The priority of the work running now; interactive unless inside inBackground. */
export function currentPriority(): Priority {
  return work.get()?.priority ?? 'interactive';
}

export interface Limiter {
  /**
   * Waits for a permit. Rejects with LimitTimeoutError after `waitMs`, and with
   * the signal's reason once `signal` aborts (the waiter gave up its place).
   * @param priority @default currentPriority()
   */
  acquire(waitMs: number, priority?: Priority, signal?: AbortSignal): Promise<Release>;
}

interface HeldPermit {
  limiter: Limiter;
  release: Release;
  taken: boolean;
}

/**
 * Runs `fn` holding a permit of `limiter` that was granted already (a batch that
 * waited for its slot, lib/slot-batcher.ts): the first permit `fn` asks of that
 * limiter, through `honouringHeldPermits`, is this one, at once. The permit is
 * released when that call releases it, or when `fn` settles if it never asked.
 */
export async function runWithPermit<T>(limiter: Limiter, release: Release, fn: () => Promise<T>): Promise<T> {
  const permit: HeldPermit = { limiter, release, taken: false };
  try {
    return await work.run({ ...work.get(), permit }, fn);
  } finally {
    if (!permit.taken) {
      permit.taken = true;
      release();
    }
  }
}

/** The limiter each honouringHeldPermits wrapper hands out the held permits of. */
const honoured = new WeakMap<Limiter, Limiter>();

/** `limiter`, handing out a permit held by runWithPermit (once) before it waits for one of its own. */
export function honouringHeldPermits(limiter: Limiter): Limiter {
  const wrapper: Limiter = {
    acquire(waitMs, priority, signal) {
      const permit = work.get()?.permit;
      if (permit && permit.limiter === limiter && !permit.taken) {
        permit.taken = true;
        return Promise.resolve(permit.release);
      }
      return limiter.acquire(waitMs, priority, signal);
    },
  };
  honoured.set(wrapper, limiter);
  return wrapper;
}

/**
 * Gives back the permit of `limiter` (or of the limiter an honouringHeldPermits
 * wrapper stands for) that runWithPermit holds for the work running now, if no
 * call has taken it yet: the work's next call then waits for a slot like any
 * other. For a call about to wait on something that may itself need that slot
 * (a half-open circuit's test call, lib/http.ts), which would otherwise wait
 * for it until its deadline.
 */
export function giveBackHeldPermit(limiter: Limiter): void {
  const permit = work.get()?.permit;
  if (!permit || permit.taken || permit.limiter !== (honoured.get(limiter) ?? limiter)) return;
  permit.taken = true;
  permit.release();
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
  /**
   * Concurrency slots background work never takes, so that a view arriving while
   * the feeds and the write queue hold the rest gets a slot at once rather than
   * waiting behind them. @default 1 when maxConcurrent is 2 or more, else 0
   */
  reservedForInteractive?: number;
  /** Calls started per rolling minute. @default unlimited */
  perMinute?: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Slots that work of this priority may fill: all of them for interactive work, all but the reserve for background work. */
function slotsFor(spec: LimitSpec, priority: Priority): number {
  const max = spec.maxConcurrent ?? Infinity;
  if (priority === 'interactive') return max;
  const reserve = spec.reservedForInteractive ?? (max >= 2 ? 1 : 0);
  return Math.max(1, max - reserve);
}

/**
 * In-process limiter: a semaphore with two FIFO queues, interactive first, plus a
 * sliding one-minute window. A freed slot is handed to the next waiter directly,
 * so a caller arriving in between cannot take it as well.
 */
export function localLimiter(spec: LimitSpec): Limiter {
  let inFlight = 0;
  const queues: Record<Priority, Array<() => void>> = { interactive: [], background: [] };
  let starts: number[] = [];

  const dispatch = (): void => {
    for (const p of ['interactive', 'background'] as const) {
      const queue = queues[p];
      while (queue.length > 0 && inFlight < slotsFor(spec, p)) {
        inFlight += 1;
        queue.shift()?.();
      }
    }
  };
  const release = (): void => {
    inFlight -= 1;
    dispatch();
  };

  return {
    async acquire(waitMs, priority = currentPriority(), signal) {
      signal?.throwIfAborted();
      const deadline = Date.now() + waitMs;
      // Nobody overtakes a waiter of the same or a higher priority.
      const ahead = queues.interactive.length + (priority === 'background' ? queues.background.length : 0);
      if (ahead === 0 && inFlight < slotsFor(spec, priority)) inFlight += 1;
      else {
        await new Promise<void>((resolve, reject) => {
          const queue = queues[priority];
          const leave = (err: unknown): void => {
            clearTimeout(timer);
            signal?.removeEventListener('abort', onAbort);
            const i = queue.indexOf(wake);
            if (i >= 0) queue.splice(i, 1);
            reject(err);
          };
          const timer = setTimeout(() => leave(new LimitTimeoutError(`waited ${waitMs} ms for one of ${spec.maxConcurrent} concurrent slots`)), waitMs);
          const onAbort = (): void => leave(signal?.reason);
          // Called by dispatch with the slot already counted as ours.
          const wake = (): void => {
            clearTimeout(timer);
            signal?.removeEventListener('abort', onAbort);
            resolve();
          };
          signal?.addEventListener('abort', onAbort, { once: true });
          queue.push(wake);
        });
      }
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

/**
 * The limiters of the subgraphs that run in one process (the one-process layout,
 * scripts/graph.ts), one per account: without Redis they count their calls
 * together, so each may use the account's whole limit when the others are idle,
 * rather than a fixed share of it as separate processes must.
 */
export class ProcessLimits {
  private readonly byAccount = new Map<string, Limiter>();

  /** The limiter of `account`, made by `make` the first time it is asked for. */
  for(account: string, make: () => Limiter): Limiter {
    let limiter = this.byAccount.get(account);
    if (!limiter) {
      limiter = make();
      this.byAccount.set(account, limiter);
    }
    return limiter;
  }
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
 * expires after `leaseMs`), rate as a sliding window of start times. Background
 * work takes a lease only while more than the reserve is free, so the reserve
 * stays for views in every process.
 *
 * A caller that finds every slot taken tries again after `pollMs` (jittered), or
 * as soon as a lease of this limiter is released in this process, whichever
 * comes first: a slot freed next door is taken at once rather than up to two
 * polls later. A view waiting is woken before background work. The script
 * still decides who gets the slot, so another process may take it first.
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
  // Callers of this process waiting for a slot, by priority; each entry ends its wait early.
  const waiting: Record<Priority, Set<() => void>> = { interactive: new Set(), background: new Set() };
  const pause = (ms: number, priority: Priority): Promise<void> =>
    new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        waiting[priority].delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      waiting[priority].add(wake);
    });
  const wakeOne = (): void => {
    const next = waiting.interactive.values().next().value ?? waiting.background.values().next().value;
    next?.();
  };

  return {
    async acquire(waitMs, priority = currentPriority(), signal) {
      const deadline = Date.now() + waitMs;
      const id = randomUUID();
      if (spec.maxConcurrent !== undefined) {
        const slots = slotsFor(spec, priority);
        for (;;) {
          signal?.throwIfAborted();
          const now = Date.now();
          const got = await redis.eval(ACQUIRE_SLOT, {
            keys: [slotsKey],
            arguments: [String(now), String(slots), String(now + leaseMs), id, String(leaseMs * 2)],
          });
          if (got === 1) break;
          if (Date.now() + pollMs > deadline) {
            throw new LimitTimeoutError(`waited ${waitMs} ms for one of ${spec.maxConcurrent} concurrent slots`);
          }
          await pause(pollMs + Math.random() * pollMs, priority);
        }
      }
      const release: Release = () => {
        if (spec.maxConcurrent !== undefined) void redis.zRem(slotsKey, id).then(wakeOne, () => undefined);
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
