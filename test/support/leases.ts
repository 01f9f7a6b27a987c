/**
 * Feed leases in memory, for tests of what replicas do with them: a group of
 * leases of one feed whose phases the test sets, sharing one record of the
 * leader's last success (as `<ns>:feeds:<feed>:health` is shared in Redis), with
 * its deadline. Each lease counts its reads and writes of the record.
 */
import type { FeedLease, LeasePhase, RecordedSuccess } from '../../lib/feeds/lease.js';
import { HEALTHY_INTERVALS } from '../../lib/feeds/poller.js';

export interface MemoryRecord {
  at: number;
  intervalMs: number;
  /** When it runs out (epoch ms). */
  until: number;
}

export interface MemoryLease extends FeedLease {
  phase: LeasePhase['phase'];
  /** Calls to leaderSuccess. */
  reads: number;
  /** The interval of each recordSuccess call. */
  records: number[];
  /** leaderSuccess rejects while set, as with Redis gone. */
  failReads: boolean;
  /** How long recordSuccess takes to answer. */
  recordDelayMs: number;
}

export function memoryLeaseGroup(feed: string): { shared: { record: MemoryRecord | undefined }; lease(phase: LeasePhase['phase']): MemoryLease } {
  const shared: { record: MemoryRecord | undefined } = { record: undefined };
  const lease = (phase: LeasePhase['phase']): MemoryLease => {
    const l: MemoryLease = {
      phase,
      reads: 0,
      records: [],
      failReads: false,
      recordDelayMs: 0,
      feed,
      owner: `memory-${Math.random().toString(16).slice(2)}`,
      shared: true,
      status: (): LeasePhase =>
        l.phase === 'leader' ? { phase: 'leader', token: 1, since: 0 } : l.phase === 'follower' ? { phase: 'follower', leader: null } : { phase: 'stopped' },
      token: () => (l.phase === 'leader' ? 1 : undefined),
      run: async () => undefined,
      stop: async () => undefined,
      async recordSuccess(intervalMs) {
        l.records.push(intervalMs);
        if (l.recordDelayMs > 0) await new Promise((r) => setTimeout(r, l.recordDelayMs));
        if (l.phase !== 'leader') return false;
        shared.record = { at: Date.now(), intervalMs, until: Date.now() + HEALTHY_INTERVALS * intervalMs };
        return true;
      },
      async leaderSuccess(): Promise<RecordedSuccess | null> {
        l.reads += 1;
        if (l.failReads) throw new Error('redis is gone');
        const r = shared.record;
        const remainingMs = r ? r.until - Date.now() : 0;
        return r && remainingMs > 0 ? { at: r.at, intervalMs: r.intervalMs, remainingMs } : null;
      },
    };
    return l;
  };
  return { shared, lease };
}

/** Waits until `check` holds, looking every 5 ms (lease timings in tests are tens of ms), or fails after `ms` naming `what`. */
export async function waitUntil(check: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`expected ${what} within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
