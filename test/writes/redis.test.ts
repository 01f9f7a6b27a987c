/**
 * Replicas sharing one Redis: two coordinators (two clients, one namespace) stand
 * for two subgraph replicas. Skipped when REDIS_URL is not set.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { checkRedisPersistence, RedisStore, WriteCoordinator } from '../../lib/writes/index.js';
import { FakeSystem, redisFactory } from './support.js';

const REDIS_URL = process.env.REDIS_URL;

describe.skipIf(!REDIS_URL)('write coordinator replicas sharing Redis (skipped: REDIS_URL is not set)', () => {
  const factory = redisFactory(REDIS_URL as string);
  afterAll(async () => {
    await factory.cleanup();
  });

  async function replicas(n: number, sys: FakeSystem, opts: { leaseMs?: number } = {}): Promise<WriteCoordinator[]> {
    await factory.open(); // reserves a namespace under the run's prefix, cleaned up at the end
    const namespace = factory.namespace();
    const out: WriteCoordinator[] = [];
    for (let i = 0; i < n; i++) {
      const wc = new WriteCoordinator({ name: 'service', store: new RedisStore(await factory.client(), { namespace, partition: 'service' }), owner: `replica-${i}`, backoffMs: 1, maxBackoffMs: 1, ...opts });
      wc.registerApplier('case.open', sys.apply, { dedupe: 'idempotency-key' });
      out.push(wc);
    }
    return out;
  }

  it('the same key sent to two replicas at once is applied once, and both answer with the same write', async () => {
    const sys = new FakeSystem();
    let open!: () => void;
    sys.gate = new Promise((r) => (open = r));
    const [a, b] = await replicas(2, sys);
    const req = { kind: 'case.open', entityKey: 'SERVICE_DESK:customer:C-000007', payload: { subject: 'Broken zip' }, scope: 'agent', idempotencyKey: `k-${randomUUID()}` };
    const both = Promise.all([a!.submit(req), b!.submit(req)]);
    await new Promise((r) => setTimeout(r, 50));
    open();
    const [ra, rb] = await both;
    expect(ra.status).toBe('APPLIED');
    expect(ra.writeId).toMatch(/^service:w_/);
    expect(rb).toEqual(ra);
    expect(sys.calls).toHaveLength(1);
    expect(sys.applied).toHaveLength(1);
    await Promise.all([a!.close(), b!.close()]);
  });

  it('a write left in flight by a dead replica is taken over after its lease, through the system dedupe', async () => {
    const sys = new FakeSystem();
    sys.gate = new Promise(() => undefined); // the first replica's call never returns: it "died" mid-call
    const [dead, alive] = await replicas(2, sys, { leaseMs: 300 });
    void dead!.submit({ kind: 'case.open', entityKey: 'E:1', payload: { subject: 'x' }, scope: 'agent', idempotencyKey: 'k-1' });
    await expect.poll(() => sys.calls.length).toBe(1);
    const [pending] = await alive!.list('pending');
    expect(pending).toMatchObject({ phase: 'in_flight', status: 'QUEUED' });
    expect(await alive!.runDue()).toBe(0); // the lease is still held
    sys.gate = undefined;
    await new Promise((r) => setTimeout(r, 400));
    expect(await alive!.runDue()).toBe(1);
    expect(await alive!.outcome(pending!.writeId)).toMatchObject({ status: 'APPLIED', attempts: 2 });
    expect(sys.calls.map((c) => [c.dedupeKey, c.resumed])).toEqual([
      [pending!.writeId, false],
      [pending!.writeId, true],
    ]);
    await alive!.close();
  });

  it('replays a queued write once even when both replicas run their workers', async () => {
    const sys = new FakeSystem();
    const [a, b] = await replicas(2, sys);
    sys.mode = 'down';
    const q = await a!.submit({ kind: 'case.open', entityKey: 'E:2', payload: {}, scope: 'agent', idempotencyKey: 'k-2' });
    sys.mode = 'up';
    await new Promise((r) => setTimeout(r, 5));
    await Promise.all([a!.runDue(), b!.runDue(), a!.runDue(), b!.runDue()]);
    expect(await b!.outcome(q.writeId)).toMatchObject({ status: 'APPLIED', attempts: 2 });
    expect(sys.calls).toHaveLength(2);
    await Promise.all([a!.close(), b!.close()]);
  });

  it('concurrent writes to one entity on two replicas wait their turn through Redis: all APPLIED, in submission order, one at a time', async () => {
    const sys = new FakeSystem();
    let open!: () => void;
    sys.gate = new Promise((r) => (open = r));
    const [a, b] = await replicas(2, sys);
    const outs = [];
    for (let n = 1; n <= 6; n++) {
      const replica = n % 2 === 0 ? b! : a!;
      outs.push(replica.submit({ kind: 'case.open', entityKey: 'E:shared', payload: { n }, scope: 'agent', idempotencyKey: `k-shared-${n}` }));
      await new Promise((r) => setTimeout(r, 10));
    }
    sys.gate = undefined;
    open();
    const done = await Promise.all(outs);
    expect(done.map((o) => o.status)).toEqual(['APPLIED', 'APPLIED', 'APPLIED', 'APPLIED', 'APPLIED', 'APPLIED']);
    expect(sys.applied.map((x) => x.payload)).toEqual([1, 2, 3, 4, 5, 6].map((n) => ({ n })));
    await Promise.all([a!.close(), b!.close()]);
  });

  it('says whether Redis keeps the queue across its own restart', async () => {
    const c = await factory.client();
    const found = await checkRedisPersistence(c);
    const aof = ((await c.configGet('appendonly')) as Record<string, string>).appendonly;
    const save = ((await c.configGet('save')) as Record<string, string>).save ?? '';
    expect(found).toBe(aof === 'yes' ? 'aof' : save.trim() !== '' ? 'rdb' : 'off');
  });
});
