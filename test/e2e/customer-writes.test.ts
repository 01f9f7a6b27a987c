/**
 * updateCustomerEngagement through the gateway over the sandbox: routed to
 * Salesforce only, validated before any write call, idempotent, queued while
 * Salesforce is down and applied once when it is back, conditional on
 * expectedVersion (CONFLICT instead of overwriting a newer change, also on
 * replay), and followed by invalidation and a domain event.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack, type StackCache } from '../support/stack.js';
import { customerWiring } from '../support/wiring.js';
import { CUSTOMER_CHANGED, type CustomerChangedPayload } from '../../subgraphs/customer/src/index.js';

let stack: Stack & StackCache;

const UPDATE = /* GraphQL */ `
  mutation Update($id: ID!, $input: CustomerEngagementInput!, $expectedVersion: String, $key: String) {
    updateCustomerEngagement(id: $id, input: $input, expectedVersion: $expectedVersion, idempotencyKey: $key) {
      status
      writeId
      errors { code message }
      customer { id email phone preferredStoreId consent { emailOptIn smsOptIn updatedAt } version }
    }
  }
`;

const READ = /* GraphQL */ `
  query Read($id: ID!) {
    customer(id: $id) { id email phone preferredStoreId consent { emailOptIn smsOptIn updatedAt } loyalty { tier } version }
  }
`;

const OUTCOME = /* GraphQL */ `
  query Outcome($writeId: ID!) {
    customerWrite(writeId: $writeId) { writeId status system attempts lastError { code message } }
  }
`;

interface Customer {
  id: string;
  email: string | null;
  phone: string | null;
  preferredStoreId: string | null;
  consent: { emailOptIn: boolean; smsOptIn: boolean; updatedAt: string | null } | null;
  loyalty?: { tier: string } | null;
  version: string | null;
}
interface UpdateResult {
  updateCustomerEngagement: { status: string; writeId: string; errors: Array<{ code: string; message: string }> | null; customer: Customer | null } | null;
}

/** Write calls (anything but GET) one system received for a correlation id. */
async function writeCalls(system: 'salesforce' | 'netsuite' | 'zendesk', correlationId: string): Promise<Record<string, number>> {
  const { calls } = await stack.stats(system, correlationId);
  return Object.fromEntries(Object.entries(calls).filter(([route]) => !route.startsWith('GET ')));
}

/** Account PATCHes Salesforce received in all, whoever sent them. */
async function allPatches(): Promise<number> {
  const res = await fetch(`${stack.sandboxUrls.salesforce}/__sandbox/stats`);
  const stats = (await res.json()) as { calls: Record<string, number> };
  return stats.calls['PATCH /services/data/:version/sobjects/:sobject/:id'] ?? 0;
}

async function read(id: string): Promise<Customer> {
  const res = await stack.query<{ customer: Customer }>(READ, { id });
  expect(res.body.errors).toBeUndefined();
  return res.body.data?.customer as Customer;
}

async function action(name: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${stack.sandboxUrls.salesforce}/__sandbox/actions/${name}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, unknown>;
}

async function until<T>(probe: () => Promise<T | undefined>, what: string, ms = 5000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const key = (): string => `k-${randomUUID()}`;

const REDIS_URL = process.env.REDIS_URL;

/**
 * The same suite on both backends: the embedded default (journal, files, in-process bus) and,
 * with REDIS_URL, Redis for the cache, the write queue, the feed state and the bus, under a
 * key prefix of this run's own.
 */
function suite(backend: 'embedded' | 'redis'): void {
  const title = backend === 'embedded' ? '' : REDIS_URL ? ' (Redis)' : ' (Redis: skipped, set REDIS_URL to run)';
  describe.skipIf(backend === 'redis' && !REDIS_URL)(`updateCustomerEngagement${title}`, () => {
  beforeAll(async () => {
    const namespace = `rsg-test-${randomUUID()}`;
    stack = await startStack(backend === 'redis' ? { cache: { redisUrl: REDIS_URL, namespace }, redisUrl: REDIS_URL } : { cache: {} });
  }, 30_000);

  afterEach(async () => {
    await stack.clearFaults();
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('applies in Salesforce only, with one PATCH, and the result and the next read show the change', async () => {
    const id = 'C-000101';
    await read(id); // warm the cache: the mutation's own checks and the Account id then cost no call
    const res = await stack.query<UpdateResult>(UPDATE, {
      id,
      input: { email: 'new.address@example.com', phone: '+1 415-555-0142', preferredStoreId: 'STORE-017', consent: { emailOptIn: true, smsOptIn: false } },
      key: key(),
    });
    expect(res.body.errors).toBeUndefined();
    const r = res.body.data?.updateCustomerEngagement;
    expect(r?.status).toBe('APPLIED');
    expect(r?.writeId).toMatch(/^customer:/);
    expect(r?.errors).toBeNull();
    expect(r?.customer).toMatchObject({ id, email: 'new.address@example.com', phone: '+1 415-555-0142', preferredStoreId: 'STORE-017', consent: { emailOptIn: true, smsOptIn: false } });
    // Consent changed, so its time was stamped.
    expect(Date.now() - Date.parse(r?.customer?.consent?.updatedAt ?? '')).toBeLessThan(60_000);
    expect(await writeCalls('salesforce', res.correlationId)).toEqual({ 'PATCH /services/data/:version/sobjects/:sobject/:id': 1 });
    // The ERP and the service desk received nothing at all.
    expect((await stack.stats('netsuite', res.correlationId)).total).toBe(0);
    expect((await stack.stats('zendesk', res.correlationId)).total).toBe(0);
    // Reading our own write: the cache entry was invalidated before the mutation answered.
    const after = await stack.query<{ customer: Customer }>(READ, { id });
    expect(after.body.data?.customer.email).toBe('new.address@example.com');
    expect(after.body.data?.customer.version).toBe(r?.customer?.version);
  });

  it('publishes one customer.changed event for an applied write', async () => {
    const id = 'C-000102';
    const sub = customerWiring.current?.bus.subscribe<CustomerChangedPayload>(CUSTOMER_CHANGED, { after: '0-0' });
    const res = await stack.query<UpdateResult>(UPDATE, { id, input: { preferredStoreId: 'STORE-003' }, key: key() });
    const writeId = res.body.data?.updateCustomerEngagement?.writeId;
    for (;;) {
      const n = await sub?.next();
      if (!n || n.done) throw new Error('the bus ended');
      if (n.value.eventId === `write:${writeId}`) {
        expect(n.value.payload).toMatchObject({ customerId: id, source: 'graph', changedFields: ['preferredStoreId'] });
        break;
      }
    }
    await sub?.return?.();
  });

  it.each([
    ['a malformed e-mail', { email: 'not-an-address' }, 'input.email'],
    ['a cleared e-mail', { email: null }, 'input.email'],
    ['a phone with letters', { phone: 'call me maybe' }, 'input.phone'],
    ['a phone too short', { phone: '12-34' }, 'input.phone'],
    ['a malformed store id', { preferredStoreId: 'store 17!' }, 'input.preferredStoreId'],
    ['nothing to change', {}, 'input'],
  ])('refuses %s with BAD_USER_INPUT and no call to any system', async (_what, input, argumentName) => {
    const res = await stack.query<UpdateResult>(UPDATE, { id: 'C-000103', input, key: key() });
    expect(res.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName });
    const stats = await stack.allStats(res.correlationId);
    expect([stats.salesforce.total, stats.netsuite.total, stats.zendesk.total]).toEqual([0, 0, 0]);
  });

  it('refuses a malformed customer number or expectedVersion with no call', async () => {
    for (const vars of [
      { id: 'C-42', input: { phone: '+1 415-555-0100' } },
      { id: 'C-000103', input: { phone: '+1 415-555-0100' }, expectedVersion: 'yesterday' },
    ]) {
      const res = await stack.query<UpdateResult>(UPDATE, vars);
      expect(res.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect((await stack.stats('salesforce', res.correlationId)).total).toBe(0);
    }
  });

  it('refuses an unknown customer with NOT_FOUND and no write call', async () => {
    const res = await stack.query<UpdateResult>(UPDATE, { id: 'C-999999', input: { phone: '+1 415-555-0100' }, key: key() });
    expect(res.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(await writeCalls('salesforce', res.correlationId)).toEqual({});
  });

  it('answers a retry with the same key from the first call, sequentially and concurrently, with one PATCH in all', async () => {
    const id = 'C-000104';
    await read(id);
    const k = key();
    const correlationId = `test-${randomUUID()}`;
    const vars = { id, input: { phone: '+44 20 7946 0123' }, key: k };
    const [a, b] = await Promise.all([stack.query<UpdateResult>(UPDATE, vars, { correlationId }), stack.query<UpdateResult>(UPDATE, vars, { correlationId })]);
    const c = await stack.query<UpdateResult>(UPDATE, vars, { correlationId });
    const ids = [a, b, c].map((r) => r.body.data?.updateCustomerEngagement?.writeId);
    expect(new Set(ids).size).toBe(1);
    expect([a, b, c].map((r) => r.body.data?.updateCustomerEngagement?.status)).toEqual(['APPLIED', 'APPLIED', 'APPLIED']);
    expect(await writeCalls('salesforce', correlationId)).toEqual({ 'PATCH /services/data/:version/sobjects/:sobject/:id': 1 });
    // The same key with another payload is a client bug, not a retry.
    const other = await stack.query<UpdateResult>(UPDATE, { ...vars, input: { phone: '+44 20 7946 0999' } });
    expect(other.body.errors?.[0]?.extensions?.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await writeCalls('salesforce', other.correlationId)).toEqual({});
  });

  it('applies with the current expectedVersion, and refuses a stale one with CONFLICT without a write call', async () => {
    const id = 'C-000105';
    const v1 = (await read(id)).version;
    expect(v1).toMatch(/^\d{4}-\d{2}-\d{2}T.*Z$/);
    const ok = await stack.query<UpdateResult>(UPDATE, { id, input: { consent: { smsOptIn: true } }, expectedVersion: v1, key: key() });
    expect(ok.body.data?.updateCustomerEngagement?.status).toBe('APPLIED');
    const v2 = ok.body.data?.updateCustomerEngagement?.customer?.version;
    expect(Date.parse(v2 ?? '')).toBeGreaterThan(Date.parse(v1 ?? ''));
    const stale = await stack.query<UpdateResult>(UPDATE, { id, input: { consent: { smsOptIn: false } }, expectedVersion: v1, key: key() });
    expect(stale.body.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT' });
    expect(await writeCalls('salesforce', stale.correlationId)).toEqual({});
    expect((await read(id)).consent?.smsOptIn).toBe(true);
  });

  it('sends If-Unmodified-Since and turns Salesforce 412 into CONFLICT when only Salesforce knows of the newer change', async () => {
    const id = 'C-000106';
    const v1 = (await read(id)).version; // cached now
    // A change inside Salesforce that this subgraph has not heard of: the feed is bypassed by
    // changing the record while the cache still holds v1 (the event reaches the cache later).
    await new Promise((r) => setTimeout(r, 1100)); // If-Unmodified-Since has one-second resolution
    await customerWiring.current?.feed?.stop();
    try {
      await action('update-account', { customerId: id, fields: { Phone: '+1 212-555-0177' } });
      const res = await stack.query<UpdateResult>(UPDATE, { id, input: { phone: '+1 212-555-0188' }, expectedVersion: v1, key: key() });
      expect(res.body.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT' });
      // One PATCH, refused by Salesforce (412): without If-Unmodified-Since it would have applied.
      expect(await writeCalls('salesforce', res.correlationId)).toEqual({ 'PATCH /services/data/:version/sobjects/:sobject/:id': 1 });
    } finally {
      await customerWiring.current?.feed?.start();
    }
    await stack.invalidate([`Customer:${id}`]);
    expect((await read(id)).phone).toBe('+1 212-555-0177'); // the newer value survived
  });

  it('applies 20 concurrent writes to one customer while Salesforce is up: all APPLIED, none QUEUED, one PATCH at a time in submission order', async () => {
    const id = 'C-000112';
    await read(id);
    const runs = Array.from({ length: 20 }, (_, i) => ({ phone: `+1 415-555-${1200 + i}`, correlationId: `test-${randomUUID()}` }));
    const results = await Promise.all(runs.map((r) => stack.query<UpdateResult>(UPDATE, { id, input: { phone: r.phone }, key: key() }, { correlationId: r.correlationId })));
    // APPLIED, or (only on a machine too slow to apply the writes ahead within WRITES_TURN_WAIT_MS) the documented
    // UPSTREAM_TIMEOUT with reason ENTITY_BUSY and the writeId. Never QUEUED: Salesforce is up.
    const answers = results.map((r) => r.body.data?.updateCustomerEngagement?.status ?? (r.body.errors?.[0]?.extensions as { reason?: string } | undefined)?.reason);
    expect(answers.filter((a) => a !== 'APPLIED' && a !== 'ENTITY_BUSY')).toEqual([]);
    expect(answers.filter((a) => a === 'APPLIED').length).toBeGreaterThan(0);
    const writeIds = results.map((r) => r.body.data?.updateCustomerEngagement?.writeId ?? ((r.body.errors?.[0]?.extensions as { writeId?: string } | undefined)?.writeId as string));
    for (const writeId of writeIds) {
      await until(async () => {
        const o = await stack.query<{ customerWrite: { status: string } }>(OUTCOME, { writeId });
        return o.body.data?.customerWrite.status === 'APPLIED' ? true : undefined;
      }, `write ${writeId} to be applied`, 20_000);
    }
    // Each mutation's own PATCH, as Salesforce received it, with when the write was accepted.
    const patches = await Promise.all(
      runs.map(async (r, i) => {
        const res = await fetch(`${stack.sandboxUrls.salesforce}/__sandbox/requests?correlationId=${encodeURIComponent(r.correlationId)}`);
        const sent = ((await res.json()) as { requests: Array<{ method: string; receivedAtMs: number; durationMs: number | null }> }).requests.filter((q) => q.method === 'PATCH');
        expect(sent, `the PATCHes of write ${i}`).toHaveLength(1);
        const writeId = writeIds[i] as string;
        const o = await stack.query<{ customerWrite: { createdAt: string; attempts: number } }>(`query O($w: ID!) { customerWrite(writeId: $w) { createdAt attempts } }`, { w: writeId });
        expect(o.body.data?.customerWrite.attempts).toBe(1);
        return { phone: r.phone, busy: answers[i] === 'ENTITY_BUSY', at: sent[0]!.receivedAtMs, ends: sent[0]!.receivedAtMs + (sent[0]!.durationMs ?? 0), createdAt: Date.parse(o.body.data?.customerWrite.createdAt ?? '') };
      }),
    );
    const inArrival = [...patches].sort((a, b) => a.at - b.at);
    for (let i = 1; i < inArrival.length; i++) {
      // One at a time: a PATCH arrives only after the previous one was answered, in the order the writes were accepted.
      expect(inArrival[i]!.at).toBeGreaterThanOrEqual(inArrival[i - 1]!.ends - 1);
      expect(inArrival[i]!.createdAt).toBeGreaterThanOrEqual(inArrival[i - 1]!.createdAt);
      // A write told ENTITY_BUSY was behind every write that was applied in time.
      if (inArrival[i - 1]!.busy) expect(inArrival[i]!.busy).toBe(true);
    }
    await stack.invalidate([`Customer:${id}`]);
    expect((await read(id)).phone).toBe(inArrival[inArrival.length - 1]!.phone);
  }, 30_000);

  it('answers QUEUED while Salesforce is down, then applies the write once when it is back', async () => {
    const id = 'C-000107';
    await read(id);
    await stack.faults('salesforce', { down: true });
    const res = await stack.query<UpdateResult>(UPDATE, { id, input: { preferredStoreId: 'STORE-042' }, key: key() });
    const r = res.body.data?.updateCustomerEngagement;
    expect(r?.status).toBe('QUEUED');
    expect(r?.customer).toBeNull();
    expect(r?.errors?.[0]?.code).toBe('UPSTREAM_UNAVAILABLE');
    const writeId = r?.writeId as string;
    const queued = await stack.query<{ customerWrite: { status: string } }>(OUTCOME, { writeId });
    expect(queued.body.data?.customerWrite.status).toBe('QUEUED');
    await stack.clearFaults();
    const outcome = await until(async () => {
      const o = await stack.query<{ customerWrite: { status: string; attempts: number } }>(OUTCOME, { writeId });
      return o.body.data?.customerWrite.status === 'APPLIED' ? o.body.data.customerWrite : undefined;
    }, 'the replay');
    expect(outcome.attempts).toBeGreaterThanOrEqual(2);
    expect((await read(id)).preferredStoreId).toBe('STORE-042');
  });

  it('keeps a QUEUED write across a restart of the subgraph and applies it exactly once afterwards', async () => {
    const id = 'C-000110';
    await read(id);
    await stack.faults('salesforce', { down: true });
    const res = await stack.query<UpdateResult>(UPDATE, { id, input: { phone: '+1 303-555-0199' }, key: key() });
    expect(res.body.data?.updateCustomerEngagement?.status).toBe('QUEUED');
    const writeId = res.body.data?.updateCustomerEngagement?.writeId as string;
    await stack.stopSubgraph('customer');
    const patchesBefore = await allPatches();
    await stack.clearFaults();
    await stack.startSubgraph('customer');
    await until(async () => {
      const o = await stack.query<{ customerWrite: { status: string } }>(OUTCOME, { writeId });
      return o.body.data?.customerWrite.status === 'APPLIED' ? true : undefined;
    }, 'the replay after the restart');
    // Replays run outside the request, so they are counted over all calls: this write alone.
    expect((await allPatches()) - patchesBefore).toBe(1);
    expect((await read(id)).phone).toBe('+1 303-555-0199');
  }, 15_000);

  it('recognises its own commit after a lost response: a conditional update whose answer was dropped ends APPLIED, not CONFLICT', async () => {
    const id = 'C-000111';
    const v1 = (await read(id)).version;
    await new Promise((r) => setTimeout(r, 1100)); // past the version's second, so the repeat meets a 412
    await stack.faults('salesforce', { dropResponseAfterCommitRate: 1 });
    const res = await stack.query<UpdateResult>(UPDATE, { id, input: { email: 'lost.answer@example.com' }, expectedVersion: v1, key: key() });
    await stack.clearFaults();
    // The first PATCH committed and its answer was lost; the repeat was refused (412) because of that
    // very commit, and the applier found its own values in the Account instead of a newer change.
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data?.updateCustomerEngagement).toMatchObject({ status: 'APPLIED', customer: { email: 'lost.answer@example.com' } });
    expect(await writeCalls('salesforce', res.correlationId)).toEqual({ 'PATCH /services/data/:version/sobjects/:sobject/:id': 2 });
  }, 15_000);

  it('rejects a queued update with CONFLICT on replay when the record changed in Salesforce meanwhile, and the newer value survives', async () => {
    const id = 'C-000108';
    const v1 = (await read(id)).version;
    await new Promise((r) => setTimeout(r, 1100));
    await stack.faults('salesforce', { down: true });
    const res = await stack.query<UpdateResult>(UPDATE, { id, input: { email: 'queued@example.com' }, expectedVersion: v1, key: key() });
    expect(res.body.data?.updateCustomerEngagement?.status).toBe('QUEUED');
    const writeId = res.body.data?.updateCustomerEngagement?.writeId as string;
    // A Salesforce user changes the account while our write waits (admin actions work while the API is down).
    await action('update-account', { customerId: id, fields: { Email__c: 'changed.in.salesforce@example.com' } });
    await stack.clearFaults();
    const outcome = await until(async () => {
      const o = await stack.query<{ customerWrite: { status: string; lastError: { code: string } | null } }>(OUTCOME, { writeId });
      return o.body.data?.customerWrite.status === 'REJECTED' ? o.body.data.customerWrite : undefined;
    }, 'the rejection', 8000);
    expect(outcome.lastError?.code).toBe('CONFLICT');
    await customerWiring.current?.feed?.drain();
    await stack.invalidate([`Customer:${id}`]);
    expect((await read(id)).email).toBe('changed.in.salesforce@example.com');
  });

  it('dead-letters a write after the attempt bound, lists it for operators, and an operator retry applies it', async () => {
    const id = 'C-000109';
    await read(id);
    await stack.faults('salesforce', { down: true });
    const res = await stack.query<UpdateResult>(UPDATE, { id, input: { phone: '+49 30 23125 111' }, key: key() });
    const writeId = res.body.data?.updateCustomerEngagement?.writeId as string;
    // The test wiring allows 3 attempts with 100-400 ms backoff.
    await until(async () => {
      const o = await stack.query<{ customerWrite: { status: string } }>(OUTCOME, { writeId });
      return o.body.data?.customerWrite.status === 'DEAD_LETTERED' ? true : undefined;
    }, 'the dead letter', 8000);
    const listed = await stack.query<{ customerWriteQueue: Array<{ writeId: string }> }>(`{ customerWriteQueue(status: DEAD_LETTERED) { writeId } }`, {}, { token: stack.tokens.operator });
    expect(listed.body.data?.customerWriteQueue.map((w) => w.writeId)).toContain(writeId);
    await stack.clearFaults();
    const retried = await stack.query<{ retryCustomerWrite: { status: string } }>(`mutation R($id: ID!) { retryCustomerWrite(writeId: $id) { status } }`, { id: writeId }, { token: stack.tokens.operator });
    expect(retried.body.errors).toBeUndefined();
    await until(async () => {
      const o = await stack.query<{ customerWrite: { status: string } }>(OUTCOME, { writeId });
      return o.body.data?.customerWrite.status === 'APPLIED' ? true : undefined;
    }, 'the retried write');
    expect((await read(id)).phone).toBe('+49 30 23125 111');
  });
});
}

suite('embedded');
suite('redis');
