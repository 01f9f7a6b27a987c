/**
 * The write coordinator's contract, run against both stores: the local journal
 * always, and Redis when REDIS_URL is set. Every test asserts how the system of
 * record was called (FakeSystem.calls) and what it holds (FakeSystem.applied),
 * not only the outcome the client saw.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DomainError } from '../../lib/errors.js';
import { rejectionError, WriteCoordinator, type PublishedWriteEvent, type WriteOutcome } from '../../lib/writes/index.js';
import { FakeSystem, journalFactory, redisFactory, type StoreFactory } from './support.js';

const REDIS_URL = process.env.REDIS_URL;

function contract(title: string, factory: StoreFactory): void {
  describe(title, () => {
    let t: number;
    let sys: FakeSystem;
    let wc: WriteCoordinator;
    let tags: string[][];
    let events: PublishedWriteEvent[];
    let settled: WriteOutcome[];

    beforeEach(async () => {
      t = 1_700_000_000_000;
      sys = new FakeSystem();
      tags = [];
      events = [];
      settled = [];
      wc = new WriteCoordinator({
        store: await factory.open(),
        now: () => t,
        random: () => 0.5,
        backoffMs: 1_000,
        maxAttempts: 3,
        invalidate: (ts) => void tags.push(ts),
        publish: (e) => void events.push(e),
        onSettled: (o) => void settled.push(o),
      });
      wc.registerApplier('order.place', sys.apply, {
        dedupe: 'external-id',
        invalidates: (p, r) => [`customer-orders:${(p as { customerId: string }).customerId}`, `order:${r.id}`],
        event: (_p, r) => ({ type: 'OrderPlaced', data: { orderId: r.id } }),
      });
    });
    afterEach(async () => {
      await wc.close();
    });
    afterAll(async () => {
      await factory.cleanup();
    });

    const place = (key: string | undefined, payload: unknown = { customerId: 'C-000001', sku: 'SKU-1', qty: 1 }, entityKey = 'ERP:customer:C-000001') =>
      wc.submit<unknown, { id: string }>({ kind: 'order.place', entityKey, payload, scope: 'agent', idempotencyKey: key });

    it('applies at once when the system is up, then invalidates tags and publishes the event', async () => {
      const out = await place('k-1');
      expect(out).toMatchObject({ status: 'APPLIED', phase: 'applied', attempts: 1, lastError: null, result: { id: 'R-1' } });
      expect(out.writeId).toMatch(/^w_/);
      expect(sys.calls).toEqual([expect.objectContaining({ dedupeKey: out.writeId, attempt: 1, replay: false, resumed: false })]);
      expect(tags).toEqual([['customer-orders:C-000001', 'order:R-1']]);
      expect(events).toEqual([expect.objectContaining({ type: 'OrderPlaced', data: { orderId: 'R-1' }, writeId: out.writeId, kind: 'order.place' })]);
      expect(settled.map((o) => o.status)).toEqual(['APPLIED']);
      expect(await wc.outcome(out.writeId)).toEqual(out);
    });

    it('the same key twice in sequence: one call, one record, the same outcome', async () => {
      const a = await place('k-seq');
      const b = await place('k-seq');
      expect(b).toEqual(a);
      expect(sys.calls).toHaveLength(1);
      expect(sys.applied).toHaveLength(1);
    });

    it('the same key twice at once: one call, both answers name the same write', async () => {
      let open!: () => void;
      sys.gate = new Promise((r) => (open = r));
      const both = Promise.all([place('k-conc'), place('k-conc'), place('k-conc')]);
      await new Promise((r) => setTimeout(r, 20));
      open();
      const [a, b, c] = await both;
      expect(a.status).toBe('APPLIED');
      expect(b).toEqual(a);
      expect(c).toEqual(a);
      expect(sys.calls).toHaveLength(1);
      expect(sys.applied).toHaveLength(1);
    });

    it('once the host releases its mutations (shutdown deadline near), one waiting on its write in flight answers QUEUED with its writeId, and the attempt still settles it', async () => {
      const stopping = new AbortController();
      const held = new WriteCoordinator({ store: await factory.open(), now: () => t, random: () => 0.5, release: stopping.signal });
      held.registerApplier('order.place', sys.apply, { dedupe: 'external-id' });
      let open!: () => void;
      sys.gate = new Promise((r) => (open = r));
      const answer = held.submit<unknown, { id: string }>({ kind: 'order.place', entityKey: 'ERP:customer:C-000009', payload: { sku: 'SKU-9' }, scope: 'agent', idempotencyKey: 'k-release' });
      while (sys.calls.length === 0) await new Promise((r) => setTimeout(r, 5));
      stopping.abort();
      const out = await answer;
      expect(out).toMatchObject({ status: 'QUEUED', phase: 'in_flight', attempts: 1, result: null });
      expect(sys.applied).toHaveLength(0);
      open();
      await held.close();
      expect(sys.applied).toEqual([{ dedupeKey: out.writeId, payload: { sku: 'SKU-9' } }]);
      expect((await held.store.get(out.writeId))?.state.phase).toBe('applied');
      // Released already: a mutation arriving now answers as its write stands, without waiting.
      const late = new WriteCoordinator({ store: await factory.open(), now: () => t, release: stopping.signal });
      late.registerApplier('order.place', sys.apply, { dedupe: 'external-id' });
      sys.gate = new Promise(() => undefined);
      const at = await late.submit({ kind: 'order.place', entityKey: 'ERP:customer:C-000010', payload: {}, scope: 'agent', idempotencyKey: 'k-late' });
      expect(at.status).toBe('QUEUED');
    });

    it('key order inside the payload does not matter', async () => {
      const a = await place('k-order', { qty: 1, sku: 'SKU-1', customerId: 'C-000001' });
      const b = await place('k-order', { customerId: 'C-000001', sku: 'SKU-1', qty: 1 });
      expect(b.writeId).toBe(a.writeId);
    });

    it('the same key with a different payload is IDEMPOTENCY_KEY_REUSED and calls nothing', async () => {
      await place('k-reuse', { customerId: 'C-000001', sku: 'SKU-1', qty: 1 });
      const err = await place('k-reuse', { customerId: 'C-000001', sku: 'SKU-1', qty: 2 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DomainError);
      expect((err as DomainError).code).toBe('IDEMPOTENCY_KEY_REUSED');
      expect(sys.calls).toHaveLength(1);
    });

    it('keys are scoped by caller scope and by operation', async () => {
      const a = await place('k-scope');
      const b = await wc.submit({ kind: 'order.place', entityKey: 'ERP:customer:C-000001', payload: { x: 1 }, scope: 'storefront:C-000001', idempotencyKey: 'k-scope' });
      expect(b.writeId).not.toBe(a.writeId);
      expect(sys.applied).toHaveLength(2);
    });

    it('a malformed key is BAD_USER_INPUT', async () => {
      const err = await place('has space').catch((e: unknown) => e);
      expect((err as DomainError).code).toBe('BAD_USER_INPUT');
      expect(sys.calls).toHaveLength(0);
    });

    it('a transient failure answers QUEUED; the replay applies it once, with the same dedupe key', async () => {
      sys.mode = 'down';
      const q = await place('k-down');
      expect(q).toMatchObject({ status: 'QUEUED', phase: 'queued', attempts: 1, result: null, lastError: { code: 'UPSTREAM_UNAVAILABLE', system: 'ERP' } });
      // A client retrying meanwhile gets the queued write back, and no new call is made.
      expect(await place('k-down')).toMatchObject({ writeId: q.writeId, status: 'QUEUED' });
      expect(sys.calls).toHaveLength(1);
      expect(tags).toEqual([]);

      expect(await wc.runDue()).toBe(0); // not due before its backoff
      sys.mode = 'up';
      t += 1_000;
      expect(await wc.runDue()).toBe(1);
      const done = await wc.outcome(q.writeId);
      expect(done).toMatchObject({ status: 'APPLIED', attempts: 2, result: { id: 'R-1' }, lastError: null });
      expect(sys.calls.map((c) => [c.dedupeKey, c.attempt, c.replay])).toEqual([
        [q.writeId, 1, false],
        [q.writeId, 2, true],
      ]);
      expect(sys.applied).toHaveLength(1);
      expect(tags).toHaveLength(1);
      expect(events).toHaveLength(1);
      expect(await wc.runDue()).toBe(0);
      expect(await place('k-down')).toMatchObject({ writeId: q.writeId, status: 'APPLIED' });
    });

    it('backs off exponentially with jitter and honours a longer Retry-After', async () => {
      sys.mode = 'down';
      const q = await place('k-backoff');
      const when = async (): Promise<number> => Date.parse((await wc.list('pending')).find((w) => w.writeId === q.writeId)?.nextAttemptAt ?? '');
      expect((await when()) - t).toBe(750); // 1000 * 2^0, equal jitter at random 0.5
      t += 750;
      await wc.runDue();
      expect((await when()) - t).toBe(1_500); // doubled
    });

    it('a refusal on replay ends REJECTED with the reason, and is not retried', async () => {
      sys.mode = 'down';
      const q = await place('k-refuse');
      sys.mode = 'refuse';
      t += 10_000;
      await wc.runDue();
      const out = await wc.outcome(q.writeId);
      expect(out).toMatchObject({ status: 'REJECTED', lastError: { code: 'CREDIT_HOLD', message: 'customer C-000001 is on credit hold' } });
      t += 600_000;
      expect(await wc.runDue()).toBe(0);
      expect(sys.calls).toHaveLength(2);
      expect(sys.applied).toHaveLength(0);
      expect(settled.map((o) => o.status)).toEqual(['REJECTED']);
    });

    it('a non-transient upstream error is a refusal, kept with the system that refused', async () => {
      sys.mode = 'error';
      const out = await place('k-err');
      expect(out).toMatchObject({ status: 'REJECTED', lastError: { code: 'UPSTREAM_ERROR', system: 'ERP' } });
      expect(await place('k-err')).toEqual(out);
      expect(sys.calls).toHaveLength(1);
      const err = rejectionError(out);
      expect(err).toBeInstanceOf(DomainError);
      expect(err).toMatchObject({ code: 'UPSTREAM_ERROR', message: 'ERP answered 400 INVALID_FLD_VALUE', extensions: { writeId: out.writeId, system: 'ERP' } });
      expect(rejectionError(await place('k-err-ok-2'))).toMatchObject({ code: 'UPSTREAM_ERROR' });
      sys.mode = 'up';
      expect(rejectionError(await place('k-fine'))).toBeUndefined();
    });

    it('a queued update whose record changed meanwhile is REJECTED with CONFLICT, and the newer value survives', async () => {
      sys.mode = 'down';
      const q = await wc.submit({ kind: 'order.place', entityKey: 'ERP:order:SO-1', payload: { status: 'CANCELLED' }, scope: 'agent', idempotencyKey: 'k-v', expectedVersion: '1' });
      sys.versions.set('ERP:order:SO-1', 2); // someone changed it inside the system
      sys.mode = 'up';
      t += 10_000;
      await wc.runDue();
      expect(await wc.outcome(q.writeId)).toMatchObject({ status: 'REJECTED', lastError: { code: 'CONFLICT' } });
      expect(sys.calls.at(-1)?.expectedVersion).toBe('1');
      expect(sys.applied).toHaveLength(0);
      expect(sys.versions.get('ERP:order:SO-1')).toBe(2);
    });

    it('an expectedVersion is part of the payload identity', async () => {
      await wc.submit({ kind: 'order.place', entityKey: 'ERP:order:SO-2', payload: { a: 1 }, scope: 'agent', idempotencyKey: 'k-ev', expectedVersion: '1' });
      const err = await wc
        .submit({ kind: 'order.place', entityKey: 'ERP:order:SO-2', payload: { a: 1 }, scope: 'agent', idempotencyKey: 'k-ev', expectedVersion: '2' })
        .catch((e: unknown) => e);
      expect((err as DomainError).code).toBe('IDEMPOTENCY_KEY_REUSED');
    });

    it('dead-letters after the attempt bound; an operator retry applies it', async () => {
      sys.mode = 'down';
      const q = await place('k-dead');
      for (let i = 0; i < 5; i++) {
        t += 600_000;
        await wc.runDue();
      }
      const dead = await wc.outcome(q.writeId);
      expect(dead).toMatchObject({ status: 'DEAD_LETTERED', attempts: 3, lastError: { code: 'UPSTREAM_UNAVAILABLE' } });
      expect(dead?.lastError?.message).toMatch(/gave up after 3 attempts/);
      expect(sys.calls).toHaveLength(3);
      expect((await wc.list('dead_lettered')).map((w) => w.writeId)).toEqual([q.writeId]);
      expect((await wc.list('pending')).map((w) => w.writeId)).toEqual([]);

      sys.mode = 'up';
      expect(await wc.retry(q.writeId)).toMatchObject({ status: 'QUEUED', attempts: 0 });
      await wc.runDue();
      expect(await wc.outcome(q.writeId)).toMatchObject({ status: 'APPLIED', attempts: 1 });
      expect(sys.applied).toHaveLength(1);
      expect(await wc.list('dead_lettered')).toEqual([]);
    });

    it('dead-letters a write older than the age bound without calling the system', async () => {
      const aged = new WriteCoordinator({ store: await factory.open(), now: () => t, maxAgeMs: 60_000 });
      aged.registerApplier('order.place', sys.apply, { dedupe: 'external-id' });
      sys.mode = 'down';
      const q = await aged.submit({ kind: 'order.place', entityKey: 'E:1', payload: {}, scope: 'agent' });
      t += 61_000;
      await aged.runDue();
      expect(await aged.outcome(q.writeId)).toMatchObject({ status: 'DEAD_LETTERED', attempts: 1 });
      expect(sys.calls).toHaveLength(1);
      // A retry gets a fresh age budget, and keeps its original creation time.
      sys.mode = 'up';
      await aged.retry(q.writeId);
      await aged.runDue();
      expect(await aged.outcome(q.writeId)).toMatchObject({ status: 'APPLIED', createdAt: q.createdAt });
      expect(sys.applied).toHaveLength(1);
      await aged.close();
    });

    it('an applier bug is retried, never silently dropped, and ends dead-lettered', async () => {
      sys.mode = 'bug';
      const q = await place('k-bug');
      expect(q).toMatchObject({ status: 'QUEUED', lastError: { code: 'INTERNAL_SERVER_ERROR' } });
      for (let i = 0; i < 3; i++) {
        t += 600_000;
        await wc.runDue();
      }
      expect(await wc.outcome(q.writeId)).toMatchObject({ status: 'DEAD_LETTERED' });
    });

    it('discard: a queued write is given up for good, REJECTED with DISCARDED, and never applied', async () => {
      sys.mode = 'down';
      const q = await place('k-discard');
      const out = await wc.discard(q.writeId, 'ops@example.com', 'customer called to cancel');
      expect(out).toMatchObject({ status: 'REJECTED', phase: 'discarded', lastError: { code: 'DISCARDED', message: 'discarded by ops@example.com: customer called to cancel' } });
      sys.mode = 'up';
      t += 600_000;
      expect(await wc.runDue()).toBe(0);
      expect(sys.applied).toHaveLength(0);
      expect(rejectionError(out)).toMatchObject({ code: 'CONFLICT', extensions: { writeId: q.writeId, reason: 'DISCARDED' } });
      const again = await wc.discard(q.writeId, 'ops', 'twice').catch((e: unknown) => e);
      expect((again as DomainError).code).toBe('INVALID_STATUS_TRANSITION');
      const retry = await wc.retry(q.writeId).catch((e: unknown) => e);
      expect((retry as DomainError).code).toBe('INVALID_STATUS_TRANSITION');
      const unknown = await wc.retry('w_nope').catch((e: unknown) => e);
      expect((unknown as DomainError).code).toBe('NOT_FOUND');
    });

    it('keeps order per entity: a later write waits behind a queued one, other entities do not', async () => {
      sys.mode = 'down';
      const first = await place('k-o1', { n: 1 }, 'E:a');
      sys.mode = 'up';
      const second = await place('k-o2', { n: 2 }, 'E:a');
      const other = await place('k-o3', { n: 3 }, 'E:b');
      expect(second).toMatchObject({ status: 'QUEUED', attempts: 0 });
      expect(other.status).toBe('APPLIED');
      expect(sys.calls.map((c) => c.payload)).toEqual([{ n: 1 }, { n: 3 }]);
      t += 1_000;
      await wc.runDue();
      expect(sys.applied.map((a) => a.payload)).toEqual([{ n: 3 }, { n: 1 }, { n: 2 }]);
      expect((await wc.outcome(first.writeId))?.status).toBe('APPLIED');
      expect((await wc.outcome(second.writeId))?.status).toBe('APPLIED');
    });

    it('concurrent writes to one entity on a healthy system wait their turn and are all APPLIED, in submission order, one call at a time', async () => {
      let open!: () => void;
      sys.gate = new Promise((r) => (open = r));
      let inFlight = 0;
      let overlapped = false;
      const apply = sys.apply;
      sys.apply = async (p, ctx) => {
        if (++inFlight > 1) overlapped = true;
        try {
          return await apply(p, ctx);
        } finally {
          inFlight--;
        }
      };
      const turns = new WriteCoordinator({ store: await factory.open(), now: () => t });
      turns.registerApplier('order.place', (p, ctx) => sys.apply(p, ctx), { dedupe: 'external-id' });
      const outs: Array<Promise<WriteOutcome>> = [];
      for (let n = 1; n <= 6; n++) {
        outs.push(turns.submit({ kind: 'order.place', entityKey: 'E:busy', payload: { n }, scope: 'agent', idempotencyKey: `k-turn-${n}` }));
        // Submission order is the order the coordinator saw them in; let each reach the store first.
        await new Promise((r) => setTimeout(r, 5));
      }
      sys.gate = undefined;
      open();
      const done = await Promise.all(outs);
      expect(done.map((o) => o.status)).toEqual(['APPLIED', 'APPLIED', 'APPLIED', 'APPLIED', 'APPLIED', 'APPLIED']);
      expect(done.map((o) => o.attempts)).toEqual([1, 1, 1, 1, 1, 1]);
      expect(sys.applied.map((a) => a.payload)).toEqual([1, 2, 3, 4, 5, 6].map((n) => ({ n })));
      expect(sys.calls.map((c) => c.replay)).toEqual([false, false, false, false, false, false]);
      expect(overlapped).toBe(false);
      await turns.close();
    });

    it('past turnWaitMs a waiting write answers UPSTREAM_TIMEOUT (ENTITY_BUSY) with its writeId, never QUEUED, and is still applied in order', async () => {
      let open!: () => void;
      sys.gate = new Promise((r) => (open = r));
      const turns = new WriteCoordinator({ store: await factory.open(), now: () => t, turnWaitMs: 150, duplicateWaitMs: 100, pollMs: 10 });
      turns.registerApplier('order.place', sys.apply, { dedupe: 'external-id' });
      const first = turns.submit({ kind: 'order.place', entityKey: 'E:slow', payload: { n: 1 }, scope: 'agent', idempotencyKey: 'k-slow-1' });
      await new Promise((r) => setTimeout(r, 5));
      const err = (await turns
        .submit({ kind: 'order.place', entityKey: 'E:slow', payload: { n: 2 }, scope: 'agent', idempotencyKey: 'k-slow-2' })
        .catch((e: unknown) => e)) as DomainError;
      expect(err).toBeInstanceOf(DomainError);
      expect(err.code).toBe('UPSTREAM_TIMEOUT');
      expect(err.extensions).toMatchObject({ reason: 'ENTITY_BUSY', writeId: expect.stringMatching(/^w_/) });
      const secondId = err.extensions.writeId as string;
      // A retry with the same key is told the same, not QUEUED.
      const again = (await turns
        .submit({ kind: 'order.place', entityKey: 'E:slow', payload: { n: 2 }, scope: 'agent', idempotencyKey: 'k-slow-2' })
        .catch((e: unknown) => e)) as DomainError;
      expect(again.extensions).toMatchObject({ reason: 'ENTITY_BUSY', writeId: secondId });
      sys.gate = undefined;
      open();
      expect((await first).status).toBe('APPLIED');
      t += 1_000;
      await turns.runDue();
      expect((await turns.outcome(secondId))?.status).toBe('APPLIED');
      expect(sys.applied.map((a) => a.payload)).toEqual([{ n: 1 }, { n: 2 }]);
      await turns.close();
    });

    it('a failing hook never changes the outcome', async () => {
      const hooked = new WriteCoordinator({
        store: await factory.open(),
        invalidate: () => {
          throw new Error('cache down');
        },
        publish: async () => {
          throw new Error('bus down');
        },
      });
      hooked.registerApplier('x', sys.apply, { dedupe: 'idempotency-key', invalidates: () => ['t'], event: () => ({ type: 'X', data: {} }) });
      expect((await hooked.submit({ kind: 'x', entityKey: 'E', payload: {}, scope: 's' })).status).toBe('APPLIED');
      await hooked.close();
    });

    it('refuses unknown kinds and double registration', async () => {
      await expect(wc.submit({ kind: 'nope', entityKey: 'E', payload: {}, scope: 's' })).rejects.toThrow(/no applier is registered for write kind 'nope'/);
      expect(() => wc.registerApplier('order.place', sys.apply, { dedupe: 'upsert' })).toThrow(/already registered/);
    });

    it('the worker replays by itself once started', async () => {
      const live = new WriteCoordinator({ store: await factory.open(), backoffMs: 5, maxBackoffMs: 5, pollMs: 10 });
      live.registerApplier('order.place', sys.apply, { dedupe: 'external-id' });
      sys.mode = 'down';
      const q = await live.submit({ kind: 'order.place', entityKey: 'E:w', payload: {}, scope: 's', idempotencyKey: 'k-w' });
      await live.start();
      sys.mode = 'up';
      await expect.poll(async () => (await live.outcome(q.writeId))?.status, { timeout: 5_000 }).toBe('APPLIED');
      expect(sys.applied).toHaveLength(1);
      await live.close();
    });
  });
}

contract('write coordinator on the local journal', journalFactory());
describe.skipIf(!REDIS_URL)('with Redis (skipped: REDIS_URL is not set)', () => {
  contract('write coordinator on Redis', redisFactory(REDIS_URL as string));
});
