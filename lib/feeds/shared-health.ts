/**
 * A change feed's health as every replica judges it: the feed's, not the
 * replica's. Only the replica holding the feed's lease reads the system, so only
 * it knows first-hand whether the feed keeps up; the others would otherwise see
 * a feed that never polls, and keep plain TTLs for the domains it covers.
 *
 * - **The leader** answers from its own feed (`local`), exactly and at once, and
 *   records each successful read in the shared state (`FeedLease#recordSuccess`:
 *   when, and the interval, beside the watermark, lasting HEALTHY_INTERVALS
 *   intervals).
 * - **A follower** answers from that record, read in the background every
 *   `refreshMs` (a fraction of the interval) and kept as a deadline on its own
 *   clock: `healthy()` is a comparison, never a Redis round trip, so an entity
 *   read costs nothing more. The deadline is the moment the record runs out in
 *   Redis (measured from before the read), so a cached answer never claims
 *   health past three intervals from the leader's last success; a newer read only
 *   moves it on. A leader that dies or stops reading stops refreshing the record,
 *   and the followers drop back within three intervals, until a new leader reads.
 *   A read that fails leaves the deadline as it was, to run out.
 *
 * Without Redis (`soleLease`) there is one process and it leads: `local` alone.
 */
import { childLogger } from '../log.js';
import type { FeedLease } from './lease.js';

export interface SharedFeedHealthOptions {
  lease: FeedLease;
  /** The feed's interval between reads of its system, ms. */
  intervalMs: number;
  /** This replica's own feed: healthy while it leads and reads (the feed's `healthy()`). */
  local: () => boolean;
  /** How often a follower reads the leader's record, ms. @default a third of the interval */
  refreshMs?: number;
}

export interface SharedFeedHealth {
  /** Whether the feed keeps its caches current; for EntityCache#coverByFeed. Cheap: no I/O. */
  healthy(): boolean;
  /** The feed has just read its system successfully: recorded for the followers while this replica leads. Never throws. */
  succeeded(): void;
  /** Starts reading the leader's record while this replica follows (nothing without shared state). Idempotent. */
  start(): void;
  /** Stops reading it; the last answer runs out on its own. Idempotent. */
  stop(): void;
}

export function sharedFeedHealth(opts: SharedFeedHealthOptions): SharedFeedHealth {
  const { lease, intervalMs, local } = opts;
  const log = childLogger(`feed:${lease.feed}`);
  const refreshMs = Math.max(10, opts.refreshMs ?? Math.floor(intervalMs / 3));
  /** Until when (this replica's clock) the leader's record says the feed is healthy. */
  let healthyUntil = 0;
  let timer: NodeJS.Timeout | undefined;
  let reading = false;
  let recording = false;
  let failing = false;
  const leads = (): boolean => lease.status().phase === 'leader';
  // A feed that never reads (an interval of 0 turns the Zendesk export off) has nothing to share.
  const shared = lease.shared && intervalMs > 0;

  const refresh = async (): Promise<void> => {
    if (reading || leads()) return;
    reading = true;
    const startedAt = Date.now();
    try {
      const record = await lease.leaderSuccess();
      healthyUntil = record ? startedAt + record.remainingMs : 0;
      failing = false;
    } catch (err) {
      if (!failing) log.warn({ err: err instanceof Error ? err.message : String(err) }, "could not read the feed leader's last success; the feed's health runs out unless a read succeeds");
      failing = true;
    } finally {
      reading = false;
    }
  };

  return {
    healthy: () => (leads() ? local() : Date.now() < healthyUntil),
    succeeded() {
      // One write at a time: a Redis that hangs does not pile them up; the next success records again.
      if (!shared || recording || !leads()) return;
      recording = true;
      lease
        .recordSuccess(intervalMs)
        .catch((err: unknown) => log.warn({ err: err instanceof Error ? err.message : String(err) }, 'could not record a successful read for the other replicas'))
        .finally(() => (recording = false));
    },
    start() {
      if (!shared || timer) return;
      void refresh();
      timer = setInterval(() => void refresh(), refreshMs);
      timer.unref?.();
    },
    stop() {
      clearInterval(timer);
      timer = undefined;
    },
  };
}
