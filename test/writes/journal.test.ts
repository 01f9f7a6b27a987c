/**
 * The local journal: what it keeps across a restart, a torn last line, damage it
 * refuses to guess about, compaction, and the one-process lock.
 */
import { appendFileSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { JournalCorruptError, JournalStore, WriteCoordinator } from '../../lib/writes/index.js';
import { FakeSystem, tempDir } from './support.js';

const JOURNAL = 'writes.jsonl';

describe('the local write journal', () => {
  const dirs: Array<{ dir: string; remove(): void }> = [];
  const open: Array<{ close(): Promise<void> }> = [];
  afterEach(async () => {
    for (const c of open.splice(0)) await c.close();
    for (const d of dirs.splice(0)) d.remove();
  });
  const dir = (): string => {
    const d = tempDir();
    dirs.push(d);
    return d.dir;
  };
  const coordinator = (d: string, sys: FakeSystem, opts: { compactAfterLines?: number; retentionMs?: number; now?: () => number } = {}): WriteCoordinator => {
    const wc = new WriteCoordinator({ store: JournalStore.open({ dir: d, compactAfterLines: opts.compactAfterLines, retentionMs: opts.retentionMs, now: opts.now }), maxAttempts: 2, backoffMs: 1, maxBackoffMs: 1, now: opts.now });
    wc.registerApplier('order.place', sys.apply, { dedupe: 'external-id' });
    open.push(wc);
    return wc;
  };
  const submit = (wc: WriteCoordinator, key: string, payload: unknown = { n: key }, entityKey = `E:${key}`) =>
    wc.submit({ kind: 'order.place', entityKey, payload, scope: 'agent', idempotencyKey: key });

  it('after a restart, idempotency records and queued writes are all there', async () => {
    const d = dir();
    const sys = new FakeSystem();
    const before = coordinator(d, sys);
    const applied = await submit(before, 'a');
    sys.mode = 'down';
    const queued = await submit(before, 'b');
    await before.close();

    const after = coordinator(d, sys);
    expect(await submit(after, 'a')).toEqual(applied);
    expect(await after.outcome(queued.writeId)).toMatchObject({ status: 'QUEUED', attempts: 1 });
    expect(await submit(after, 'a', { changed: true }).catch((e: unknown) => e)).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    sys.mode = 'up';
    await new Promise((r) => setTimeout(r, 5));
    await after.runDue();
    expect(await after.outcome(queued.writeId)).toMatchObject({ status: 'APPLIED', attempts: 2 });
    expect(sys.applied.map((a) => a.dedupeKey)).toEqual([applied.writeId, queued.writeId]);
  });

  it('cuts off a torn last line and keeps every acknowledged record', async () => {
    const d = dir();
    const sys = new FakeSystem();
    const wc = coordinator(d, sys);
    const a = await submit(wc, 'a');
    const b = await submit(wc, 'b');
    await wc.close();
    const path = join(d, JOURNAL);
    const good = statSync(path).size;
    appendFileSync(path, '{"op":"save","w":{"writeId":"w_torn","kind":"order.pl');

    const again = coordinator(d, sys);
    expect(await again.outcome(a.writeId)).toMatchObject({ status: 'APPLIED' });
    expect(await again.outcome(b.writeId)).toMatchObject({ status: 'APPLIED' });
    expect(await again.outcome('w_torn')).toBeUndefined();
    const text = readFileSync(path, 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    expect(text).not.toContain('w_torn');
    expect(statSync(path).size).toBeLessThanOrEqual(good);
    expect(await submit(again, 'c')).toMatchObject({ status: 'APPLIED' });
  });

  it('a whole last record without its newline was never acknowledged, and is cut off too', async () => {
    const d = dir();
    const sys = new FakeSystem();
    const wc = coordinator(d, sys);
    const a = await submit(wc, 'a');
    await wc.close();
    const path = join(d, JOURNAL);
    // Two lines: created in flight, then applied. Drop the newline of the second.
    const text = readFileSync(path, 'utf8');
    expect(text.trimEnd().split('\n')).toHaveLength(2);
    writeFileSync(path, text.trimEnd());
    const store = JournalStore.open({ dir: d, compactAfterLines: 1_000 });
    open.push(store);
    // Back to in flight: the replay will retry it through the system's dedupe.
    expect((await store.get(a.writeId))?.state.phase).toBe('in_flight');
    expect(readFileSync(path, 'utf8').trimEnd().split('\n')).toHaveLength(1);
  });

  it('refuses to open a journal damaged in the middle, naming the line, and leaves the file untouched', async () => {
    const d = dir();
    const sys = new FakeSystem();
    const wc = coordinator(d, sys);
    await submit(wc, 'a');
    await submit(wc, 'b');
    await wc.close();
    const path = join(d, JOURNAL);
    const lines = readFileSync(path, 'utf8').split('\n');
    lines[0] = 'not json at all';
    writeFileSync(path, lines.join('\n'));
    const before = readFileSync(path, 'utf8');
    expect(() => JournalStore.open({ dir: d })).toThrow(JournalCorruptError);
    expect(() => JournalStore.open({ dir: d })).toThrow(/writes\.jsonl line 1: expected a JSON journal record/);
    expect(readFileSync(path, 'utf8')).toBe(before);
  });

  it('compaction rewrites the journal small and keeps everything live: unsettled, dead letters, recent outcomes, idempotency records', async () => {
    const d = dir();
    let t = 1_700_000_000_000;
    const sys = new FakeSystem();
    const wc = coordinator(d, sys, { compactAfterLines: 1_000_000, retentionMs: 3_600_000, now: () => t });
    const old = await submit(wc, 'old');
    sys.mode = 'down';
    const dead = await submit(wc, 'dead');
    t += 10;
    await wc.runDue();
    expect((await wc.outcome(dead.writeId))?.status).toBe('DEAD_LETTERED');
    t += 2 * 3_600_000; // `old` and `dead` are now past retention
    const queued = await submit(wc, 'queued');
    sys.mode = 'up';
    const recent = await submit(wc, 'recent');
    for (let i = 0; i < 20; i++) await submit(wc, 'recent'); // duplicates append nothing
    const store = wc.store as JournalStore;
    const linesBefore = store.journalLines;
    store.compact(t);
    expect(store.journalLines).toBeLessThan(linesBefore);
    expect(store.journalLines).toBe(3);
    await wc.close();

    const after = coordinator(d, sys, { retentionMs: 3_600_000, now: () => t });
    expect(await after.outcome(old.writeId)).toBeUndefined(); // settled and past retention
    expect(await after.outcome(dead.writeId)).toMatchObject({ status: 'DEAD_LETTERED' }); // waits for an operator, however old
    expect(await after.outcome(queued.writeId)).toMatchObject({ status: 'QUEUED' });
    expect(await after.outcome(recent.writeId)).toMatchObject({ status: 'APPLIED' });
    expect((await submit(after, 'recent')).writeId).toBe(recent.writeId);
    expect((await submit(after, 'queued')).writeId).toBe(queued.writeId);
    expect(readFileSync(join(d, JOURNAL), 'utf8').trimEnd().split('\n')).toHaveLength(3);
  });

  it('compacts by itself once the journal outgrows its live records', async () => {
    const d = dir();
    const sys = new FakeSystem();
    const wc = coordinator(d, sys, { compactAfterLines: 10 });
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) ids.push((await submit(wc, `k${i}`)).writeId);
    const store = wc.store as JournalStore;
    // Each applied write is two lines (created in flight, then applied); compaction keeps one.
    expect(store.journalLines).toBeLessThan(2 * 30);
    for (const id of ids) expect((await wc.outcome(id))?.status).toBe('APPLIED');
  });

  it('one process per journal: a live holder is refused, a dead one\'s lock is taken over', async () => {
    const d = dir();
    const store = JournalStore.open({ dir: d });
    open.push(store);
    writeFileSync(join(d, 'writes.lock'), String(process.ppid));
    expect(() => JournalStore.open({ dir: d })).toThrow(new RegExp(`in use by process ${process.ppid}`));
    writeFileSync(join(d, 'writes.lock'), '999999999');
    const again = JournalStore.open({ dir: d });
    open.push(again);
    expect(readFileSync(join(d, 'writes.lock'), 'utf8')).toBe(String(process.pid));
  });
});
