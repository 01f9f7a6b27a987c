/**
 * A feed's health as each replica judges it (lib/feeds/shared-health.ts): the
 * leader from its own feed, recording each success for the others; a follower
 * from the leader's record, read in the background, so a lookup costs no round
 * trip; the record's deadline is never overstepped, whether it is refreshed or not.
 */
import { describe, expect, it } from 'vitest';
import { soleLease } from '../../lib/feeds/lease.js';
import { sharedFeedHealth } from '../../lib/feeds/shared-health.js';
import { memoryLeaseGroup, waitUntil } from '../support/leases.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('sharedFeedHealth', () => {
  it("answers from the leader's own feed while it leads, and records each success for the followers, one write at a time", async () => {
    const lease = memoryLeaseGroup('order-status').lease('leader');
    let local = true;
    const health = sharedFeedHealth({ lease, intervalMs: 100, local: () => local });
    health.start();
    try {
      expect(health.healthy()).toBe(true);
      local = false;
      // At once, whatever it recorded before.
      expect(health.healthy()).toBe(false);
      lease.recordDelayMs = 50;
      health.succeeded();
      health.succeeded();
      health.succeeded();
      expect(lease.records).toEqual([100]);
      await sleep(70);
      health.succeeded();
      expect(lease.records).toEqual([100, 100]);
      // A leader does not read its own record.
      expect(lease.reads).toBe(0);
    } finally {
      health.stop();
    }
  });

  it("answers a follower from the leader's record, with no round trip per lookup, and drops back once the record runs out", async () => {
    const group = memoryLeaseGroup('order-status');
    const lease = group.lease('follower');
    const health = sharedFeedHealth({ lease, intervalMs: 100, local: () => false, refreshMs: 20 });
    const recorded = (): { until: number; at: number; intervalMs: number } => ({ until: Date.now() + 300, at: Date.now(), intervalMs: 100 });
    group.shared.record = { ...recorded(), until: Date.now() + 2_000 };
    health.start();
    try {
      await waitUntil(() => health.healthy(), 500, "the follower to read the leader's record");
      // It records nothing: it does not lead.
      health.succeeded();
      expect(lease.records).toEqual([]);
      const readsBefore = lease.reads;
      for (let i = 0; i < 10_000; i++) expect(health.healthy()).toBe(true);
      // Reads are the background refresh's alone (at most one started during the loop).
      expect(lease.reads - readsBefore).toBeLessThanOrEqual(1);
      // The leader keeps reading its system: the record moves on, and so does the follower.
      for (let i = 0; i < 5; i++) {
        group.shared.record = recorded();
        await sleep(60);
        expect(health.healthy()).toBe(true);
      }
      // The leader stops recording: three intervals after its last success, the follower drops back.
      const last = group.shared.record;
      await waitUntil(() => !health.healthy(), 1_000, 'the follower to drop back');
      expect(Date.now()).toBeGreaterThanOrEqual(last.until - 5);
    } finally {
      health.stop();
    }
  });

  it('never answers past the deadline of the last record it read, though it cannot read a newer one', async () => {
    const group = memoryLeaseGroup('order-status');
    const lease = group.lease('follower');
    const health = sharedFeedHealth({ lease, intervalMs: 60, local: () => false, refreshMs: 20 });
    group.shared.record = { until: Date.now() + 150, at: Date.now(), intervalMs: 60 };
    health.start();
    try {
      await waitUntil(() => health.healthy(), 200, "the follower to read the leader's record");
      const deadline = group.shared.record.until;
      // Redis stops answering; the leader's newer records would not be seen.
      lease.failReads = true;
      group.shared.record = { until: Date.now() + 10_000, at: Date.now(), intervalMs: 60 };
      await waitUntil(() => !health.healthy(), 400, 'the follower to drop back');
      expect(Date.now()).toBeGreaterThanOrEqual(deadline - 5);
      // Reads come back: so does the stretch.
      lease.failReads = false;
      await waitUntil(() => health.healthy(), 200, 'the follower to read the record again');
    } finally {
      health.stop();
    }
  });

  it('reads nothing without shared state (one process, soleLease) and answers from the feed alone', async () => {
    const lease = soleLease('order-status');
    let local = false;
    const health = sharedFeedHealth({ lease, intervalMs: 20, local: () => local });
    health.start();
    try {
      // Before the lease runs, nobody leads and nothing is shared: not healthy.
      expect(health.healthy()).toBe(false);
      await lease.run({ start: async () => undefined, stop: async () => undefined });
      expect(health.healthy()).toBe(false);
      local = true;
      expect(health.healthy()).toBe(true);
      health.succeeded();
    } finally {
      health.stop();
      await lease.stop();
    }
  });
});
