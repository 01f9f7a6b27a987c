/**
 * The health kit itself (lib/health.ts, lib/server.ts shutDown): liveness and
 * readiness answer differently once a process drains; a stop turns readiness
 * 503 before any service closes; Redis that a subgraph needs makes it not
 * ready; a feed retrying without progress and a write queue with dead letters
 * degrade it without taking it out of service.
 */
import type { Server } from 'node:http';
import express from 'express';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Health, feedProgressTracker, redisCheck, writeQueueCheck, type ReadyReport } from '../../lib/health.js';
import { createAppServer, listenGraphQL, loadShutdownConfig, shutDown, type RunningService } from '../../lib/server.js';
import { ConfigError } from '../../lib/config.js';
import type { FeedState } from '../../lib/feeds/state.js';
import type { FeedLease, LeasePhase, RecordedSuccess } from '../../lib/feeds/lease.js';

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((resolve) => s.close(resolve));
});

async function serve(health: Health): Promise<string> {
  const app = express();
  health.serve(app);
  const server = createAppServer(app);
  servers.push(server);
  return listenGraphQL(server, { host: '127.0.0.1', port: 0 });
}

async function get(url: string, path: string): Promise<{ status: number; body: ReadyReport & { eventLoopDelayMs?: Record<string, number> } }> {
  const res = await fetch(new URL(path, url));
  return { status: res.status, body: (await res.json()) as ReadyReport & { eventLoopDelayMs?: Record<string, number> } };
}

describe('liveness and readiness', () => {
  it('turns readiness 503 before any service closes, while liveness still answers 200', async () => {
    const health = new Health('test');
    const url = await serve(health);
    expect((await get(url, '/health/ready')).status).toBe(200);

    let finishClose!: () => void;
    const seenDuringClose: Array<{ path: string; status: number; state: string }> = [];
    const service: RunningService = {
      name: 'test',
      url,
      drain: () => health.drain(),
      async close() {
        for (const path of ['/health/ready', '/health', '/health/live']) {
          const r = await get(url, path);
          seenDuringClose.push({ path, status: r.status, state: r.body.status });
        }
        await new Promise<void>((resolve) => (finishClose = resolve));
      },
    };
    const stopped = shutDown([service], { deadlineMs: 60_000 });
    await expect.poll(() => seenDuringClose.length).toBe(3);
    expect(seenDuringClose).toEqual([
      { path: '/health/ready', status: 503, state: 'draining' },
      { path: '/health', status: 503, state: 'draining' },
      { path: '/health/live', status: 200, state: 'ok' },
    ]);
    finishClose();
    expect(await stopped).toBe('closed');
  });

  it('gives up on a service that does not close by the deadline', async () => {
    const hanging: RunningService = { name: 'hanging', url: '', close: () => new Promise(() => undefined) };
    expect(await shutDown([hanging], { deadlineMs: 50 })).toBe('deadline');
  });

  it('keeps serving, not ready, for the drain delay before closing, and refuses a delay the deadline cannot hold', async () => {
    const health = new Health('test');
    const url = await serve(health);
    let closed = false;
    const stopped = shutDown([{ name: 'test', url, drain: () => health.drain(), close: async () => void (closed = true) }], { deadlineMs: 60_000, drainDelayMs: 300 });
    expect((await get(url, '/health/ready')).body.status).toBe('draining');
    expect(closed).toBe(false);
    expect(await stopped).toBe('closed');
    expect(closed).toBe(true);
    expect(loadShutdownConfig({})).toEqual({ deadlineMs: 20_000, drainDelayMs: 0 });
    expect(() => loadShutdownConfig({ SHUTDOWN_DEADLINE_MS: '5000', SHUTDOWN_DRAIN_DELAY_MS: '5000' })).toThrow(ConfigError);
    expect(() => loadShutdownConfig({ SHUTDOWN_DEADLINE_MS: '5000', SHUTDOWN_DRAIN_DELAY_MS: '5000' })).toThrow(/SHUTDOWN_DRAIN_DELAY_MS="5000": expected less than SHUTDOWN_DEADLINE_MS/);
  });

  it('reports the event loop delay on liveness', async () => {
    const url = await serve(new Health('test'));
    const live = await get(url, '/health/live');
    expect(live.status).toBe(200);
    expect(live.body.eventLoopDelayMs).toEqual({ mean: expect.any(Number), p99: expect.any(Number), max: expect.any(Number) });
  });

  it('sees a stalled event loop on liveness, though it samples the loop only every 100 ms', async () => {
    const url = await serve(new Health('test'));
    await get(url, '/health/live'); // the figures start again from here
    await new Promise((r) => setTimeout(r, 150)); // past one sample, so the stall below delays the next
    const until = Date.now() + 400;
    while (Date.now() < until) {
      // A synchronous stall, as a runaway resolver would make.
    }
    await new Promise((r) => setTimeout(r, 120)); // let the delayed sample land
    const live = await get(url, '/health/live');
    expect(live.body.eventLoopDelayMs?.max).toBeGreaterThanOrEqual(250);
  });

  it('is not ready without a Redis it needs, and only degraded without one it can do without', async () => {
    const redis = { isReady: false };
    const required = await get(await serve(new Health('subgraph', [redisCheck(redis, { required: true })])), '/health/ready');
    expect(required.status).toBe(503);
    expect(required.body.status).toBe('unavailable');
    expect(required.body.parts).toEqual([{ name: 'redis', status: 'unavailable', reasons: ['not connected to REDIS_URL'] }]);

    const optional = await get(await serve(new Health('gateway', [redisCheck(redis, { required: false })])), '/health/ready');
    expect(optional.status).toBe(200);
    expect(optional.body.status).toBe('degraded');

    redis.isReady = true;
    expect((await get(await serve(new Health('subgraph', [redisCheck(redis, { required: true })])), '/health/ready')).body.status).toBe('ok');
  });

  it('degrades on dead letters and a long queue, with the depths in the body', async () => {
    const counts = { pending: 3, dead_lettered: 0 };
    const store = { count: async (q: { listings: readonly ('pending' | 'dead_lettered')[] }) => q.listings.reduce((n, l) => n + counts[l], 0) };
    const health = new Health('subgraph', [writeQueueCheck(store, 5)]);
    expect((await health.ready()).parts).toEqual([{ name: 'writes', status: 'ok', reasons: [], details: { pending: 3, deadLettered: 0 } }]);
    counts.pending = 6;
    counts.dead_lettered = 2;
    const report = await health.ready();
    expect(report.status).toBe('degraded');
    expect(report.parts[0]?.details).toEqual({ pending: 6, deadLettered: 2 });
    expect(report.parts[0]?.reasons).toEqual([expect.stringMatching(/^6 writes wait/), expect.stringMatching(/^2 dead-lettered writes/)]);
  });

  it('degrades a feed that keeps retrying without progress, and a feed whose state store fails, not a quiet one', async () => {
    let now = 1_000_000;
    vi.useFakeTimers({ toFake: ['Date'], now });
    const advance = (ms: number): void => {
      now += ms;
      vi.setSystemTime(now);
    };
    try {
      let failing = false;
      const inner = {
        load: async (): Promise<FeedState> => ({ known: {} }),
        save: async () => {
          if (failing) throw new Error('redis is gone');
        },
      };
      const feeds = feedProgressTracker(60_000);
      const poller = feeds.track('order-status', inner);
      const quiet = feeds.track('customer-cdc', inner);
      const health = new Health('subgraph', feeds.checks);
      await quiet.load();
      await poller.load();
      await poller.save({ known: {} });
      advance(30_000);
      await poller.load(); // a round whose read failed: no save
      expect((await health.ready()).status).toBe('ok');
      advance(40_000);
      await poller.load();
      const lagging = await health.ready();
      expect(lagging.status).toBe('degraded');
      expect(lagging.parts.find((p) => p.name === 'feed:order-status')?.details).toEqual({ lastProgressAgeMs: 70_000, lastAttemptAgeMs: 0 });
      // Loaded once at start and waiting for pushes ten minutes later: not lagging.
      expect(lagging.parts.find((p) => p.name === 'feed:customer-cdc')?.status).toBe('ok');

      await poller.save({ known: {} });
      expect((await health.ready()).status).toBe('ok');
      failing = true;
      await expect(poller.save({ known: {} })).rejects.toThrow('redis is gone');
      expect((await health.ready()).parts.find((p) => p.name === 'feed:order-status')?.reasons).toEqual(['its state store failed: redis is gone']);
    } finally {
      vi.useRealTimers();
    }
  });

  it('says which replica leads a leased feed; a follower is ok by design and reports the shared watermark', async () => {
    const watermark = new Date(Date.now() - 4_000).toISOString();
    const shared = { load: async (): Promise<FeedState> => ({ watermark, known: {} }), save: async () => undefined };
    const leader: LeasePhase = { phase: 'leader', token: 7, since: Date.parse('2026-12-07T02:00:00Z') };
    let follower: LeasePhase = { phase: 'follower', leader: { owner: 'host-a:11:ab', token: 7, note: null } };
    let success: RecordedSuccess | null = null;
    const lease = (status: () => LeasePhase, owner: string): FeedLease => ({
      feed: 'order-status',
      owner,
      shared: true,
      status,
      token: () => undefined,
      run: async () => undefined,
      stop: async () => undefined,
      recordSuccess: async () => false,
      leaderSuccess: async () => success,
    });
    const onLeader = feedProgressTracker(60_000);
    onLeader.track('order-status', shared, lease(() => leader, 'host-a:11:ab'));
    const onFollower = feedProgressTracker(60_000);
    const store = onFollower.track('order-status', { ...shared, save: async () => Promise.reject(new Error('expected fencing token 7 to be the newest')) }, lease(() => follower, 'host-b:12:cd'));

    const lead = (await new Health('a', onLeader.checks).ready()).parts[0];
    expect(lead?.details).toMatchObject({ role: 'leader', leader: 'host-a:11:ab', leaderSince: '2026-12-07T02:00:00.000Z', fencingToken: 7 });
    // A follower whose last save was refused when it lost the lease (fenced), and which polls nothing: still ok.
    await store.load();
    await expect(store.save({ known: {} })).rejects.toThrow('fencing token');
    const report = await new Health('b', onFollower.checks).ready();
    expect(report.status).toBe('ok');
    expect(report.parts[0]?.details).toMatchObject({ role: 'follower', leader: 'host-a:11:ab', lastProgressAgeMs: null });
    expect(report.parts[0]?.details?.sharedWatermarkAgeMs).toBeGreaterThanOrEqual(4_000);
    // No successful read recorded by the leader in force: its feed-aware TTLs are off on this replica.
    expect(report.parts[0]?.details).toMatchObject({ leaderLastSuccess: null, leaderHealthyForMs: 0 });
    success = { at: Date.parse('2026-12-07T02:00:05Z'), intervalMs: 5_000, remainingMs: 12_000 };
    expect((await new Health('b', onFollower.checks).ready()).parts[0]?.details).toMatchObject({ leaderLastSuccess: '2026-12-07T02:00:05.000Z', leaderHealthyForMs: 12_000 });
    // A replica that never runs the feed (ORDER_FEED_ENABLED=false) goes by the same record.
    follower = { phase: 'stopped' };
    expect((await new Health('b', onFollower.checks).ready()).parts[0]?.details).toMatchObject({ role: 'stopped', leaderHealthyForMs: 12_000 });
    follower = { phase: 'follower', leader: { owner: 'host-a:11:ab', token: 7, note: 'streaming' } };
    expect((await new Health('b', onFollower.checks).ready()).parts[0]?.details).toMatchObject({ leaderNote: 'streaming' });
  });
});
