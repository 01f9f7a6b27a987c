/**
 * The case feed's health on a replica that does not read the Zendesk export:
 * its own webhook registration, and the export as the leader reads it (the
 * leader's recorded success, lib/feeds/shared-health.ts), not the export it never
 * reads itself. Two feeds of one deployment on leases in memory, with a service
 * desk that counts export reads.
 */
import { describe, expect, it } from 'vitest';
import { inProcessBus } from '../../lib/events/bus.js';
import type { FeedState, FeedStateStore } from '../../lib/feeds/state.js';
import { childLogger } from '../../lib/log.js';
import { createCaseFeed, type CaseFeed } from '../../subgraphs/service/src/feed.js';
import type { ServiceDeskFeed } from '../../subgraphs/service/src/zendesk-feed.js';
import { memoryLeaseGroup, waitUntil, type MemoryLease } from '../support/leases.js';

const POLL_MS = 100;

function desk(registers = true): ServiceDeskFeed & { exports: number } {
  const d = {
    exports: 0,
    ensureWebhook: async () => (registers ? 'webhook-1' : Promise.reject(new Error('Zendesk is unreachable'))),
    signingSecret: async () => 'secret',
    async exportPage() {
      d.exports += 1;
      return { cases: [], afterCursor: `cursor-${d.exports}`, endOfStream: true };
    },
  };
  return d;
}

function memoryState(): FeedStateStore {
  let state: FeedState = { known: {} };
  return {
    load: async () => state,
    save: async (s) => {
      state = s;
    },
  };
}

function caseFeed(lease: MemoryLease, d: ServiceDeskFeed): CaseFeed {
  return createCaseFeed({
    bus: inProcessBus(),
    desk: d,
    state: memoryState(),
    invalidate: async () => undefined,
    readCases: async (ids) => ids.map(() => null),
    customerOfCase: async () => null,
    log: childLogger('test:service-feed-replicas'),
    webhookUrl: 'http://127.0.0.1:1/webhooks/zendesk',
    pollIntervalMs: POLL_MS,
    lease,
  });
}

describe('the case feed on a replica that does not read the export', () => {
  it("is healthy while the leader's export reads succeed, and drops back within three intervals once they stop", async () => {
    const group = memoryLeaseGroup('service-cases');
    const leaderDesk = desk();
    const followerDesk = desk();
    // The lease of this test runs no work: the leader's export is read when the test says.
    const leader = caseFeed(group.lease('leader'), leaderDesk);
    const follower = caseFeed(group.lease('follower'), followerDesk);
    await leader.start();
    await follower.start();
    try {
      await Promise.all([leader.ready(), follower.ready()]);
      // No export read anywhere yet.
      await new Promise((r) => setTimeout(r, POLL_MS));
      expect(follower.healthy()).toBe(false);

      await leader.pollOnce();
      expect(leader.healthy()).toBe(true);
      await waitUntil(() => follower.healthy(), POLL_MS * 2, "the follower to read the leader's record");
      // Its health is the leader's export: it read none itself.
      expect(followerDesk.exports).toBe(0);
      for (let i = 0; i < 4; i++) {
        await new Promise((r) => setTimeout(r, POLL_MS));
        await leader.pollOnce();
        expect(follower.healthy()).toBe(true);
      }

      // The leader stops reading the export: both drop back, the follower within three intervals.
      const lastAt = Date.now();
      await waitUntil(() => !follower.healthy(), 3 * POLL_MS + 300, 'the follower to drop back');
      expect(Date.now() - lastAt).toBeGreaterThanOrEqual(3 * POLL_MS - 50);
      await waitUntil(() => !leader.healthy(), POLL_MS, 'the leader to drop back too');
    } finally {
      await follower.stop();
      await leader.stop();
    }
  });

  it("is not healthy without its own webhook registration, however fresh the leader's export", async () => {
    const group = memoryLeaseGroup('service-cases');
    const leader = caseFeed(group.lease('leader'), desk());
    const unregistered = caseFeed(group.lease('follower'), desk(false));
    await leader.start();
    await unregistered.start();
    try {
      await leader.ready();
      await leader.pollOnce();
      expect(group.shared.record).toBeDefined();
      await new Promise((r) => setTimeout(r, POLL_MS / 2));
      expect(leader.healthy()).toBe(true);
      expect(unregistered.healthy()).toBe(false);
    } finally {
      await unregistered.stop();
      await leader.stop();
    }
  });
});
