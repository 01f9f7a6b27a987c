/**
 * The polling feed's guarantees: no change is missed or doubled on equal
 * timestamps or late-visible commits, a restart resumes from the persisted
 * watermark, and unchanged re-reads inside the overlap publish nothing.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { inProcessBus, type DomainEvent } from '../../lib/events/bus.js';
import { fileStateStore } from '../../lib/feeds/state.js';
import { HEALTHY_INTERVALS, createPoller, readRecently, type ChangedRecord } from '../../lib/feeds/poller.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

/** A table the poller reads the way it reads the ERP: by modified time, whole seconds. */
function table() {
  const rows = new Map<string, ChangedRecord>();
  return {
    rows,
    set(key: string, value: string, at: string) {
      rows.set(key, { key, value, modifiedAt: at });
    },
    read: async (since: Date) =>
      [...rows.values()]
        .filter((r) => Date.parse(r.modifiedAt) >= since.getTime())
        .sort((a, b) => a.modifiedAt.localeCompare(b.modifiedAt) || a.key.localeCompare(b.key)),
  };
}

async function setup(t: ReturnType<typeof table>, dir: string, start: string, seed?: (records: ChangedRecord[]) => Promise<Map<string, string>>) {
  const bus = inProcessBus();
  const events: DomainEvent[] = [];
  const sub = bus.subscribe('order.status');
  void (async () => {
    for await (const e of sub) events.push(e);
  })();
  const poller = createPoller({
    name: 'orders',
    bus,
    store: fileStateStore(dir, 'orders'),
    overlapMs: 5000,
    readChanges: t.read,
    startAt: () => new Date(start),
    ...(seed ? { seedKnown: seed } : {}),
    toEvents: (r, previous) => [
      { eventId: `${r.key}:${r.modifiedAt}:${r.value}`, topic: 'order.status', occurredAt: r.modifiedAt, payload: { key: r.key, status: r.value, previous: previous ?? null } },
    ],
  });
  await poller.start();
  return { poller, events, bus, sub };
}

const flush = () => new Promise((r) => setTimeout(r, 20));

describe('polling change feed', () => {
  it('misses nothing committed late in the same second as the watermark, and doubles nothing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'feed-'));
    dirs.push(dir);
    const t = table();
    const { poller, events, sub } = await setup(t, dir, '2026-11-20T10:00:00Z');
    t.set('SO-2', 'SHIPPED', '2026-11-20T10:00:05Z');
    await poller.pollOnce();
    // Committed in the same second as the row already read, but visible only now.
    t.set('SO-1', 'SHIPPED', '2026-11-20T10:00:05Z');
    await poller.pollOnce();
    await poller.pollOnce();
    await flush();
    expect(events.map((e) => (e.payload as { key: string }).key)).toEqual(['SO-2', 'SO-1']);
    await sub.return?.();
    await poller.stop();
  });

  it('reports the previous value and resumes after a restart without repeating or losing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'feed-'));
    dirs.push(dir);
    const t = table();
    const first = await setup(t, dir, '2026-11-20T10:00:00Z');
    t.set('SO-7', 'BOOKED', '2026-11-20T10:01:00Z');
    await first.poller.pollOnce();
    await first.poller.stop();
    // Changed while the feed was stopped.
    t.set('SO-7', 'SHIPPED', '2026-11-20T10:02:00Z');
    const second = await setup(t, dir, '2030-01-01T00:00:00Z');
    await second.poller.pollOnce();
    await second.poller.pollOnce();
    await flush();
    expect(second.events.map((e) => e.payload)).toEqual([{ key: 'SO-7', status: 'SHIPPED', previous: 'BOOKED' }]);
    await first.sub.return?.();
    await second.sub.return?.();
    await second.poller.stop();
  });

  it('takes the previous value of a record it has not seen from what the product knew, and still announces a first sight that knowledge matches', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'feed-'));
    dirs.push(dir);
    const t = table();
    const asked: string[][] = [];
    const cached = new Map([['SO-1', 'BOOKED'], ['SO-3', 'SHIPPED']]);
    const seed = async (records: ChangedRecord[]) => {
      asked.push(records.map((r) => r.key));
      return new Map([...cached].filter(([k]) => records.some((r) => r.key === k)));
    };
    const { poller, events, sub } = await setup(t, dir, '2026-11-20T10:00:00Z', seed);
    t.set('SO-1', 'SHIPPED', '2026-11-20T10:00:05Z');
    t.set('SO-2', 'SHIPPED', '2026-11-20T10:00:05Z');
    t.set('SO-3', 'SHIPPED', '2026-11-20T10:00:05Z');
    await poller.pollOnce();
    t.set('SO-1', 'INVOICED', '2026-11-20T10:00:07Z');
    await poller.pollOnce();
    await flush();
    expect(events.map((e) => e.payload)).toEqual([
      { key: 'SO-1', status: 'SHIPPED', previous: 'BOOKED' },
      { key: 'SO-2', status: 'SHIPPED', previous: null },
      { key: 'SO-3', status: 'SHIPPED', previous: 'SHIPPED' },
      // Known to the feed now: its own last value, not the seed.
      { key: 'SO-1', status: 'INVOICED', previous: 'SHIPPED' },
    ]);
    // Only records the feed had no value for are looked up.
    expect(asked).toEqual([['SO-1', 'SO-2', 'SO-3']]);
    await sub.return?.();
    await poller.stop();
  });

  it('is healthy while started and a poll succeeded within three intervals', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'feed-'));
    dirs.push(dir);
    let failing = false;
    const t = table();
    const poller = createPoller({
      name: 'orders',
      bus: inProcessBus(),
      store: fileStateStore(dir, 'orders'),
      intervalMs: 60_000,
      readChanges: async (since) => {
        if (failing) throw new Error('the ERP is down');
        return t.read(since);
      },
      toEvents: () => [],
    });
    expect(poller.healthy()).toBe(false);
    await poller.start();
    expect(poller.healthy()).toBe(false);
    await poller.pollOnce();
    expect(poller.healthy()).toBe(true);
    failing = true;
    await expect(poller.pollOnce()).rejects.toThrow(/down/);
    // One failure is within the allowance; the clock decides (readRecently).
    expect(poller.healthy()).toBe(true);
    await poller.stop();
    expect(poller.healthy()).toBe(false);
    expect(HEALTHY_INTERVALS).toBe(3);
    expect(readRecently(1000, 100, 1300)).toBe(true);
    expect(readRecently(1000, 100, 1301)).toBe(false);
    expect(readRecently(undefined, 100, 0)).toBe(false);
  });
});
