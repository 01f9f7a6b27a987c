/**
 * The per-caller rate limit: at most N operations per caller per minute,
 * counted in Redis when the gateway has it (so every replica draws from one
 * budget) and in process otherwise. Applied right after authentication, before
 * the request is parsed, so a caller over its budget costs almost nothing.
 *
 * rate-limiter-flexible counts: in Redis one atomic script (SET NX EX, INCRBY,
 * PTTL) on a key that expires on its own, in process a map whose keys expire on
 * timers. Windows are fixed clock minutes, so the minute is part of the key and
 * Retry-After is the time left in it; the library's own windows would start at
 * each caller's first operation. lib/limits.ts limits what we send to a system
 * of record and waits for a permit; this refuses at once instead, so it is a
 * different, smaller tool.
 */
import { GraphQLError } from 'graphql';
import { HeaderMap } from '@apollo/server';
import type { RedisClientType } from 'redis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { ErrorCode } from '../../lib/errors.js';
import { childLogger } from '../../lib/log.js';
import type { Caller } from '../../lib/auth/index.js';

const log = childLogger('gateway:rate-limit');
const WINDOW_MS = 60_000;

export interface RateLimitOptions {
  /** Operations one caller (token subject) may send per minute. @default 600 */
  perMinute?: number;
  /** Shared counters across replicas. @default in-process counters */
  redis?: RedisClientType;
  /** Key prefix in Redis. @default 'rsg' */
  namespace?: string;
}

export type RateDecision = { phase: 'allowed'; remaining: number } | { phase: 'limited'; retryAfterSeconds: number };

export interface CallerRateLimiter {
  take(caller: Caller, now?: number): Promise<RateDecision>;
}

export function createCallerRateLimiter(opts: RateLimitOptions = {}): CallerRateLimiter {
  // A key outlives its minute, so that replicas whose clocks differ a little still count in the same one.
  const limits = { points: opts.perMinute ?? 600, duration: (2 * WINDOW_MS) / 1000, keyPrefix: `${opts.namespace ?? 'rsg'}:gateway:rate` };
  const local = new RateLimiterMemory(limits);
  // Fails at once while the client is not connected rather than waiting in its offline queue.
  const shared = opts.redis ? new RateLimiterRedis({ ...limits, storeClient: opts.redis, useRedisPackage: true, rejectIfRedisNotReady: true }) : undefined;

  /** The library resolves under the limit and rejects with its result over it; anything else it rejects with is a store failure. */
  const consume = async (key: string): Promise<RateLimiterRes> => {
    const outcome = (limiter: RateLimiterMemory | RateLimiterRedis): Promise<RateLimiterRes> =>
      limiter.consume(key).catch((e: unknown) => (e instanceof RateLimiterRes ? e : Promise.reject(e)));
    if (shared) {
      try {
        return await outcome(shared);
      } catch (e) {
        // Best effort: an unreachable Redis must not take the graph down with it.
        // Fall back to this replica's own count, and say so.
        log.warn({ err: e }, 'rate limit store unavailable; counting in process');
      }
    }
    return outcome(local);
  };

  return {
    async take(caller, now = Date.now()) {
      const window = Math.floor(now / WINDOW_MS);
      const res = await consume(`${caller.via}:${caller.subject}:${window}`);
      if (res.consumedPoints > limits.points) return { phase: 'limited', retryAfterSeconds: Math.max(1, Math.ceil(((window + 1) * WINDOW_MS - now) / 1000)) };
      return { phase: 'allowed', remaining: res.remainingPoints };
    },
  };
}

/** HTTP 429 with Retry-After, code RATE_LIMITED. */
export function rateLimitedError(retryAfterSeconds: number, perMinute: number): GraphQLError {
  const extensions: Record<string, unknown> = {
    code: ErrorCode.RATE_LIMITED,
    retryAfterSeconds,
    http: { status: 429, headers: new HeaderMap([['retry-after', String(retryAfterSeconds)]]) },
  };
  return new GraphQLError(`this caller has sent more than ${perMinute} operations this minute; retry in ${retryAfterSeconds} s`, { extensions });
}
