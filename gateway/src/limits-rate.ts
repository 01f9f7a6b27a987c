/**
 * The per-caller rate limit: at most N operations per caller per minute,
 * counted in Redis when the gateway has it (so every replica draws from one
 * budget) and in process otherwise. Applied right after authentication, before
 * the request is parsed, so a caller over its budget costs almost nothing.
 *
 * A fixed one-minute window (INCR plus PEXPIRE NX on a key per caller and
 * minute): one round trip, and a key that disappears on its own. lib/limits.ts
 * limits what we send to a system of record and waits for a permit; this
 * refuses at once instead, so it is a different, smaller tool.
 */
import { GraphQLError } from 'graphql';
import { HeaderMap } from '@apollo/server';
import type { RedisClientType } from 'redis';
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
  const perMinute = opts.perMinute ?? 600;
  const prefix = `${opts.namespace ?? 'rsg'}:gateway:rate`;
  const local = new Map<string, { window: number; count: number }>();

  const count = async (key: string, window: number): Promise<number> => {
    if (opts.redis) {
      const k = `${prefix}:${key}:${window}`;
      try {
        const [n] = (await opts.redis.multi().incr(k).pExpire(k, WINDOW_MS * 2, 'NX').exec()) as unknown as [number, number];
        return Number(n);
      } catch (e) {
        // Best effort: an unreachable Redis must not take the graph down with it.
        // Fall back to this replica's own count, and say so.
        log.warn({ err: e }, 'rate limit store unavailable; counting in process');
      }
    }
    const entry = local.get(key);
    if (!entry || entry.window !== window) {
      // Drop other callers' stale windows now and then so the map stays small.
      if (local.size > 10_000) for (const [k, v] of local) if (v.window !== window) local.delete(k);
      local.set(key, { window, count: 1 });
      return 1;
    }
    entry.count += 1;
    return entry.count;
  };

  return {
    async take(caller, now = Date.now()) {
      const window = Math.floor(now / WINDOW_MS);
      const n = await count(`${caller.via}:${caller.subject}`, window);
      if (n > perMinute) return { phase: 'limited', retryAfterSeconds: Math.max(1, Math.ceil(((window + 1) * WINDOW_MS - now) / 1000)) };
      return { phase: 'allowed', remaining: perMinute - n };
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
