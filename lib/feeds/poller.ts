/**
 * A change feed that polls a system of record by last-modified time (the ERP
 * has no push mechanism the product can rely on). Each round reads every record
 * modified since the watermark minus an overlap, following pages, in
 * (modified, key) order; a change seen twice has the same eventId and the bus
 * drops the repeat. The overlap is what makes equal timestamps and changes that
 * become visible late safe: a watermark of "strictly after" would skip a record
 * committed in the same second as the last one read.
 */
import { childLogger } from '../log.js';
import { inBackground } from '../limits.js';
import type { EventBus, NewEvent } from '../events/bus.js';
import { boundKnown, type FeedStateStore } from './state.js';

export interface ChangedRecord {
  /** Stable key of the record, e.g. an order number. */
  key: string;
  /** When the system last modified it, ISO-8601 UTC. */
  modifiedAt: string;
  /** The value whose changes matter (e.g. the status); kept as the record's last-known value. */
  value: string;
}

export interface PollerOptions<R extends ChangedRecord> {
  name: string;
  bus: EventBus;
  store: FeedStateStore;
  /** Milliseconds between polls. @default 5000 */
  intervalMs?: number;
  /** How far before the watermark each poll starts again. @default 10000 */
  overlapMs?: number;
  /** Last-known values kept for "previous value" reporting. @default 50000 */
  knownLimit?: number;
  /** Reads every record modified at or after `since` (all pages), in (modifiedAt, key) order. */
  readChanges(since: Date): Promise<R[]>;
  /** The events for one change; `previous` is the record's last-known value, if any. */
  toEvents(record: R, previous: string | undefined): Array<NewEvent>;
  /** Called for every changed record before its events are published (cache invalidation). */
  onChange?(records: R[]): Promise<void> | void;
  /**
   * What the rest of the product last knew of records this feed has no value for yet
   * (a cached read), by key: the `previous` of their first change. Asked before
   * `onChange`, which drops those caches. It only informs an event, never suppresses
   * one: a first sight is announced whatever it says. @default nothing is known
   */
  seedKnown?(records: R[]): Promise<Map<string, string>>;
  /** Where a first start begins. @default now: history is not replayed as events */
  startAt?: () => Date;
  /** Told after each successful poll (the other replicas' judgement of the feed's health; lib/feeds/shared-health.ts). @default nothing */
  onSuccess?: () => void;
}

/** A feed is healthy while it runs and has read its system within this many of its intervals. */
export const HEALTHY_INTERVALS = 3;

/** True when a feed's last successful read (epoch ms) is within HEALTHY_INTERVALS of its interval before `now`. */
export function readRecently(lastSuccessAt: number | undefined, intervalMs: number, now: number = Date.now()): boolean {
  return lastSuccessAt !== undefined && now - lastSuccessAt <= HEALTHY_INTERVALS * intervalMs;
}

export interface Poller {
  /** Milliseconds between polls. */
  readonly intervalMs: number;
  start(): Promise<void>;
  /**
   * Whether the feed is keeping its caches current: started, and a poll succeeded within
   * HEALTHY_INTERVALS intervals. Read at every cache lookup of the domains it covers, so cheap.
   */
  healthy(): boolean;
  /** Runs one poll now (also used by tests to avoid waiting for the interval). */
  pollOnce(): Promise<number>;
  stop(): Promise<void>;
}

export function createPoller<R extends ChangedRecord>(opts: PollerOptions<R>): Poller {
  const log = childLogger(`feed:${opts.name}`);
  const interval = opts.intervalMs ?? 5000;
  const overlap = opts.overlapMs ?? 10_000;
  let stopped = true;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<number> | undefined;
  let lastSuccessAt: number | undefined;

  const poll = async (): Promise<number> => {
    const state = await opts.store.load();
    const watermark = state.watermark ? new Date(state.watermark) : (opts.startAt?.() ?? new Date());
    const since = new Date(watermark.getTime() - overlap);
    const records = await opts.readChanges(since);
    const unseen = records.filter((r) => state.known[r.key] === undefined);
    const seeded = unseen.length > 0 && opts.seedKnown ? await opts.seedKnown(unseen) : new Map<string, string>();
    if (records.length > 0) await opts.onChange?.(records);
    let published = 0;
    let newest = watermark.getTime();
    for (const r of records) {
      // Only a changed value is news; a record re-read inside the overlap with the same value is not.
      const previous = state.known[r.key];
      if (previous !== r.value) {
        for (const e of opts.toEvents(r, previous ?? seeded.get(r.key))) if ((await opts.bus.publish(e)) !== null) published += 1;
        state.known[r.key] = r.value;
      }
      newest = Math.max(newest, Date.parse(r.modifiedAt));
    }
    // The watermark never passes "now minus nothing": records modified later still fall inside the next overlap.
    await opts.store.save({ watermark: new Date(newest).toISOString(), known: boundKnown(state.known, opts.knownLimit ?? 50_000) });
    lastSuccessAt = Date.now();
    opts.onSuccess?.();
    return published;
  };

  const pollOnce = (): Promise<number> => {
    // Nobody waits on a poll: its calls give way to views for the account's concurrency slots.
    inFlight ??= inBackground(poll).finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  };

  const schedule = (): void => {
    if (stopped) return;
    timer = setTimeout(() => {
      pollOnce()
        .catch((e: unknown) => log.warn({ err: e instanceof Error ? e.message : e }, 'poll failed; will retry'))
        .finally(schedule);
    }, interval);
    timer.unref?.();
  };

  return {
    intervalMs: interval,
    async start() {
      if (!stopped) return;
      stopped = false;
      try {
        const state = await opts.store.load();
        if (!state.watermark) await opts.store.save({ ...state, watermark: (opts.startAt?.() ?? new Date()).toISOString() });
      } catch (e) {
        // The system (or the state store) is unreachable at boot: the subgraph still starts, and the
        // first poll that reaches them sets the watermark (from "now", as a first start would).
        log.warn({ err: e instanceof Error ? e.message : e }, 'could not read the feed state at start; polling will retry');
      }
      schedule();
    },
    healthy: () => !stopped && readRecently(lastSuccessAt, interval),
    pollOnce,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await inFlight?.catch(() => undefined);
    },
  };
}
