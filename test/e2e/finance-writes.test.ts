/**
 * updateBillingAddress end to end, through the gateway against the NetSuite sandbox:
 * who may call it, what reaches the ERP (counted per request with
 * /__sandbox/stats?correlationId=), idempotency, the durable queue while the ERP is
 * down, conflicts on replay, dead letters and the operator's fields.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { circuitPhase, startStack, type CallStats, type Stack, type StackCache } from '../support/stack.js';
import type { PostalAddress } from '../../lib/erp/address.js';

let stack: Stack & StackCache;

beforeAll(async () => {
  stack = await startStack({ cache: {} });
}, 60_000);

afterAll(async () => {
  await stack?.close();
});

const UPDATE = /* GraphQL */ `
  mutation Update($customerId: ID!, $address: AddressInput!, $expectedVersion: String, $key: String) {
    updateBillingAddress(customerId: $customerId, address: $address, expectedVersion: $expectedVersion, idempotencyKey: $key) {
      status
      writeId
      errors { code message }
      financials { version billingAddress { line1 line2 city region postalCode country } }
    }
  }
`;

const FINANCIALS = /* GraphQL */ `
  query Financials($id: ID!, $maxAge: Int) {
    customer(id: $id) { id financials(maxAgeSeconds: $maxAge) { version billingAddress { line1 line2 city region postalCode country } shippingAddresses { line1 } } }
  }
`;

const OUTCOME = /* GraphQL */ `
  query Outcome($id: ID!) { financeWrite(writeId: $id) { writeId status attempts system lastError { code message } } }
`;

type Address = PostalAddress;
interface UpdateResult {
  updateBillingAddress: {
    status: string;
    writeId: string;
    errors: Array<{ code: string; message: string }>;
    financials: { version: string | null; billingAddress: Address | null } | null;
  } | null;
}
interface FinancialsResult {
  customer: { financials: { version: string | null; billingAddress: Address | null; shippingAddresses: Array<{ line1: string }> } | null } | null;
}
interface OutcomeResult {
  financeWrite: { writeId: string; status: string; attempts: number; system: string; lastError: { code: string; message: string } | null } | null;
}

/** Write calls (anything but GET and SuiteQL queries) in a stats answer. */
function writeCalls(stats: CallStats): Record<string, number> {
  return Object.fromEntries(Object.entries(stats.calls).filter(([route]) => !route.startsWith('GET ') && !route.includes('/query/v1/suiteql')));
}

async function noCallsAnywhere(correlationId: string): Promise<void> {
  const all = await stack.allStats(correlationId);
  expect(all.netsuite.total + all.salesforce.total + all.zendesk.total).toBe(0);
}

async function sandboxAction(name: string, body: unknown): Promise<void> {
  const res = await fetch(`${stack.sandboxUrls.netsuite}/__sandbox/actions/${name}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status, await res.clone().text()).toBe(200);
}

async function until<T>(read: () => Promise<T | undefined>, what: string, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const outcomeOf = async (writeId: string): Promise<NonNullable<OutcomeResult['financeWrite']>> => {
  const res = await stack.query<OutcomeResult>(OUTCOME, { id: writeId }, { token: stack.tokens.finance });
  expect(res.body.errors).toBeUndefined();
  const o = res.body.data?.financeWrite;
  if (!o) throw new Error(`no outcome for ${writeId}`);
  return o;
};

const settled = (writeId: string, status: string): Promise<NonNullable<OutcomeResult['financeWrite']>> =>
  until(async () => {
    const o = await outcomeOf(writeId);
    return o.status === status ? o : undefined;
  }, `write ${writeId} to be ${status}`);

const readFinancials = async (id: string): Promise<NonNullable<NonNullable<FinancialsResult['customer']>['financials']>> => {
  const res = await stack.query<FinancialsResult>(FINANCIALS, { id, maxAge: 0 });
  expect(res.body.errors).toBeUndefined();
  const f = res.body.data?.customer?.financials;
  if (!f) throw new Error(`no financials for ${id}`);
  return f;
};

const erpBreaker = (subgraph: 'finance' | 'order'): Promise<unknown> => circuitPhase(stack, subgraph, 'ERP');

const address = (tag: string): Address => ({ line1: `${tag} Harbour Road`, line2: null, city: 'Portland', region: 'OR', postalCode: '97201', country: 'US' });

describe('updateBillingAddress', () => {
  it('writes to the ERP only, with one read and one PATCH, and the next read shows the new address', async () => {
    const id = 'C-000011';
    const before = await readFinancials(id);
    const target = { ...address('12'), line2: 'Suite 4' };
    const res = await stack.query<UpdateResult>(UPDATE, { customerId: id, address: target, key: `k-${randomUUID()}` }, { token: stack.tokens.finance });
    expect(res.body.errors).toBeUndefined();
    const r = res.body.data?.updateBillingAddress;
    expect(r?.status).toBe('APPLIED');
    expect(r?.writeId).toMatch(/^finance:w_/);
    expect(r?.errors).toEqual([]);
    expect(r?.financials?.billingAddress).toEqual({ ...target });
    expect(r?.financials?.version).not.toBe(before.version);

    const all = await stack.allStats(res.correlationId);
    expect(all.salesforce.total).toBe(0);
    expect(all.zendesk.total).toBe(0);
    // Exactly one write, to the owning system: the customer's address book.
    expect(writeCalls(all.netsuite)).toEqual({ 'PATCH /services/rest/record/v1/customer/:id': 1 });

    const after = await readFinancials(id);
    expect(after.billingAddress).toEqual(target);
    expect(after.version).toBe(r?.financials?.version);
  });

  it('is idempotent: the same key returns the first result without a second write, and the same address again writes nothing', async () => {
    const id = 'C-000012';
    const key = `k-${randomUUID()}`;
    const vars = { customerId: id, address: address('34'), key };
    const first = await stack.query<UpdateResult>(UPDATE, vars, { token: stack.tokens.finance });
    expect(first.body.data?.updateBillingAddress?.status).toBe('APPLIED');
    const [again, concurrent] = await Promise.all([
      stack.query<UpdateResult>(UPDATE, vars, { token: stack.tokens.finance }),
      stack.query<UpdateResult>(UPDATE, vars, { token: stack.tokens.finance }),
    ]);
    for (const r of [again, concurrent]) {
      expect(r.body.data?.updateBillingAddress?.writeId).toBe(first.body.data?.updateBillingAddress?.writeId);
      expect(writeCalls((await stack.allStats(r.correlationId)).netsuite)).toEqual({});
    }

    // A new key for the address the customer already has: APPLIED, and the ERP is not written.
    const same = await stack.query<UpdateResult>(UPDATE, { ...vars, key: `k-${randomUUID()}` }, { token: stack.tokens.finance });
    expect(same.body.data?.updateBillingAddress?.status).toBe('APPLIED');
    expect(writeCalls((await stack.allStats(same.correlationId)).netsuite)).toEqual({});

    // The same key with another address is a different request.
    const reused = await stack.query<UpdateResult>(UPDATE, { ...vars, address: address('35') }, { token: stack.tokens.finance });
    expect(reused.body.errors?.[0]?.extensions?.code).toBe('IDEMPOTENCY_KEY_REUSED');
    await noCallsAnywhere(reused.correlationId);
  });

  it('refuses agents, operators and storefront callers with FORBIDDEN before any call', async () => {
    for (const token of [stack.tokens.agent, stack.tokens.operator, stack.tokens.storefront.token]) {
      const res = await stack.query<UpdateResult>(UPDATE, { customerId: stack.tokens.storefront.customerId, address: address('56') }, { token });
      expect(res.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      await noCallsAnywhere(res.correlationId);
    }
  });

  it('refuses a malformed address, customer number or version with BAD_USER_INPUT before any call', async () => {
    const bad: Array<[Record<string, unknown>, string]> = [
      [{ customerId: 'C-000013', address: { ...address('1'), country: 'XX' } }, 'address.country'],
      [{ customerId: 'C-000013', address: { ...address('1'), country: 'USA' } }, 'address.country'],
      [{ customerId: 'C-000013', address: { ...address('1'), line1: '   ' } }, 'address.line1'],
      [{ customerId: 'C-000013', address: { ...address('1'), city: 'x'.repeat(51) } }, 'address.city'],
      [{ customerId: 'C-000013', address: { ...address('1'), postalCode: '' } }, 'address.postalCode'],
      [{ customerId: 'nobody', address: address('1') }, 'customerId'],
      [{ customerId: 'C-000013', address: address('1'), expectedVersion: 'yesterday' }, 'expectedVersion'],
    ];
    for (const [vars, argumentName] of bad) {
      const res = await stack.query<UpdateResult>(UPDATE, vars, { token: stack.tokens.finance });
      expect(res.body.errors?.[0]?.extensions?.code, JSON.stringify(vars)).toBe('BAD_USER_INPUT');
      expect(res.body.errors?.[0]?.extensions?.argumentName).toBe(argumentName);
      await noCallsAnywhere(res.correlationId);
    }
  });

  it('refuses an unknown customer with NOT_FOUND and sends no write', async () => {
    const res = await stack.query<UpdateResult>(UPDATE, { customerId: 'C-999999', address: address('1') }, { token: stack.tokens.finance });
    expect(res.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(writeCalls((await stack.allStats(res.correlationId)).netsuite)).toEqual({});
  });

  it('answers CONFLICT at once when the ERP record is newer than expectedVersion, and the ERP keeps its value', async () => {
    const id = 'C-000014';
    const before = await readFinancials(id);
    const res = await stack.query<UpdateResult>(UPDATE, { customerId: id, address: address('78'), expectedVersion: '2020-01-01T00:00:00Z' }, { token: stack.tokens.finance });
    expect(res.body.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(res.body.errors?.[0]?.extensions?.writeId).toMatch(/^finance:w_/);
    expect(writeCalls((await stack.allStats(res.correlationId)).netsuite)).toEqual({});
    expect((await readFinancials(id)).billingAddress).toEqual(before.billingAddress);
  });
});

describe('the finance write queue', () => {
  it('queues while the ERP is down and applies the write once when it is back', async () => {
    const id = 'C-000015';
    await readFinancials(id); // warm: the business check reads the cache, not the ERP
    await stack.faults('netsuite', { down: true });
    let writeId: string;
    try {
      const res = await stack.query<UpdateResult>(UPDATE, { customerId: id, address: address('90'), key: `k-${randomUUID()}` }, { token: stack.tokens.finance });
      expect(res.body.errors).toBeUndefined();
      const r = res.body.data?.updateBillingAddress;
      expect(r?.status).toBe('QUEUED');
      expect(r?.financials).toBeNull();
      expect(r?.errors[0]?.code).toBe('UPSTREAM_UNAVAILABLE');
      writeId = r?.writeId ?? '';
    } finally {
      await stack.clearFaults();
    }
    const done = await settled(writeId, 'APPLIED');
    expect(done.system).toBe('ERP');
    expect((await readFinancials(id)).billingAddress?.line1).toBe('90 Harbour Road');
  });

  it("queues at once while the ERP's circuit is open, without a call, and applies the write once when the ERP is back", async () => {
    const id = 'C-000020';
    const before = await readFinancials(id);
    await stack.faults('netsuite', { down: true });
    let writeId: string;
    let correlationId: string;
    try {
      // Reads of customers nobody read yet fail, as do the change feeds' polls, until the circuit opens.
      for (let n = 40; (await erpBreaker('finance')) !== 'open'; n++) {
        expect(n, 'reads before the circuit opened').toBeLessThan(60);
        await stack.query<FinancialsResult>(FINANCIALS, { id: `C-0000${n}`, maxAge: 0 });
      }
      // One circuit per system in the process: the order subgraph's ERP calls meet the same open circuit.
      await until(async () => ((await erpBreaker('order')) === 'open' ? true : undefined), "the order subgraph to report the ERP's circuit open");
      const res = await stack.query<UpdateResult>(UPDATE, { customerId: id, address: address('24'), key: `k-${randomUUID()}` }, { token: stack.tokens.finance });
      correlationId = res.correlationId;
      expect(res.body.errors).toBeUndefined();
      const r = res.body.data?.updateBillingAddress;
      expect(r?.status).toBe('QUEUED');
      expect(r?.writeId).toMatch(/^finance:w_/);
      expect(r?.errors[0]?.code).toBe('UPSTREAM_UNAVAILABLE');
      expect(r?.errors[0]?.message).toMatch(/failing repeatedly/);
      // Refused by the circuit: the ERP saw nothing of this request.
      expect((await stack.allStats(correlationId)).netsuite.total).toBe(0);
      writeId = r?.writeId ?? '';
    } finally {
      await stack.clearFaults();
    }
    const done = await settled(writeId, 'APPLIED');
    expect(done.attempts).toBeGreaterThanOrEqual(2);
    expect(await erpBreaker('finance')).toBe('closed');
    const after = await readFinancials(id);
    expect(after.billingAddress?.line1).toBe('24 Harbour Road');
    expect(after.version).not.toBe(before.version);
    // The replays carry the write's correlation id: one PATCH in all, however many replays the circuit refused.
    expect(writeCalls((await stack.allStats(correlationId)).netsuite)).toEqual({ 'PATCH /services/rest/record/v1/customer/:id': 1 });
  });

  it('applies a write whose response was lost after the ERP committed it exactly once', async () => {
    const id = 'C-000019';
    await readFinancials(id);
    await stack.faults('netsuite', { dropResponseAfterCommitRate: 1 });
    let writeId: string;
    let correlationId: string;
    try {
      const res = await stack.query<UpdateResult>(UPDATE, { customerId: id, address: address('17'), key: `k-${randomUUID()}` }, { token: stack.tokens.finance });
      correlationId = res.correlationId;
      expect(res.body.data?.updateBillingAddress?.status).toBe('QUEUED');
      writeId = res.body.data?.updateBillingAddress?.writeId ?? '';
      // The PATCH reached the ERP once: the client does not resend a write on its own.
      expect(writeCalls((await stack.allStats(res.correlationId)).netsuite)).toEqual({ 'PATCH /services/rest/record/v1/customer/:id': 1 });
    } finally {
      await stack.clearFaults();
    }
    await settled(writeId, 'APPLIED');
    // The replay carries the write's correlation id: it read the record, found its own
    // commit, and wrote nothing more.
    const calls = (await stack.allStats(correlationId)).netsuite.calls;
    expect(calls['GET /services/rest/record/v1/customer/:id']).toBe(2);
    expect(writeCalls({ total: 0, calls })).toEqual({ 'PATCH /services/rest/record/v1/customer/:id': 1 });
    const after = await readFinancials(id);
    expect(after.billingAddress?.line1).toBe('17 Harbour Road');
    expect(after.shippingAddresses.filter((a) => a.line1 === '17 Harbour Road')).toEqual([]);
  });

  it('rejects a queued update with CONFLICT when the record changed in the ERP meanwhile, and the newer value survives', async () => {
    const id = 'C-000016';
    const seen = await readFinancials(id);
    await stack.faults('netsuite', { down: true });
    let writeId: string;
    try {
      const res = await stack.query<UpdateResult>(
        UPDATE,
        { customerId: id, address: address('11'), expectedVersion: seen.version, key: `k-${randomUUID()}` },
        { token: stack.tokens.finance },
      );
      expect(res.body.data?.updateBillingAddress?.status).toBe('QUEUED');
      writeId = res.body.data?.updateBillingAddress?.writeId ?? '';
      // A finance user changes the customer inside the ERP while we cannot reach it.
      await sandboxAction('set-credit-hold', { customerId: id, hold: true });
    } finally {
      await stack.clearFaults();
    }
    const rejected = await settled(writeId, 'REJECTED');
    expect(rejected.lastError?.code).toBe('CONFLICT');
    const now = await readFinancials(id);
    expect(now.billingAddress).toEqual(seen.billingAddress);
    expect(now.version).not.toBe(seen.version);
  });

  it('dead-letters after the attempt bound; operators list and retry it, and only operators may', async () => {
    const id = 'C-000017';
    await readFinancials(id);
    await stack.faults('netsuite', { down: true });
    let writeId = '';
    try {
      const res = await stack.query<UpdateResult>(UPDATE, { customerId: id, address: address('13'), key: `k-${randomUUID()}` }, { token: stack.tokens.finance });
      writeId = res.body.data?.updateBillingAddress?.writeId ?? '';
      expect(res.body.data?.updateBillingAddress?.status).toBe('QUEUED');
      await settled(writeId, 'DEAD_LETTERED');
    } finally {
      await stack.clearFaults();
    }
    // The same shape as the other subgraphs' queues: the shared WriteOutcome, with its kind and customer.
    const QUEUE = /* GraphQL */ `
      query Q { financeWriteQueue(status: DEAD_LETTERED) { writeId status kind customerId lastError { code } } }
    `;
    const PAGE = /* GraphQL */ `
      query P($c: ID!) { financeWrites(filter: { listing: [DEAD_LETTERED], customerId: $c }, first: 10) { totalCount nodes { writeId status kind customerId } } }
    `;
    for (const token of [stack.tokens.finance, stack.tokens.agent]) {
      for (const [q, vars] of [[QUEUE, {}], [PAGE, { c: id }]] as const) {
        const refused = await stack.query(q, vars, { token });
        expect(refused.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      }
    }
    const listed = await stack.query<{ financeWriteQueue: Array<{ writeId: string; status: string; kind: string; customerId: string }> }>(QUEUE, {}, {
      token: stack.tokens.operator,
    });
    expect(listed.body.errors).toBeUndefined();
    expect(listed.body.data?.financeWriteQueue).toContainEqual(
      expect.objectContaining({ kind: 'finance.billingAddress', customerId: id, writeId, status: 'DEAD_LETTERED' }),
    );
    const paged = await stack.query<{ financeWrites: { totalCount: number; nodes: Array<{ writeId: string; status: string; kind: string; customerId: string }> } }>(
      PAGE,
      { c: id },
      { token: stack.tokens.operator },
    );
    expect(paged.body.errors).toBeUndefined();
    expect(paged.body.data?.financeWrites.nodes).toEqual([{ writeId, status: 'DEAD_LETTERED', kind: 'finance.billingAddress', customerId: id }]);
    expect(paged.body.data?.financeWrites.totalCount).toBe(1);

    const RETRY = /* GraphQL */ `mutation R($id: ID!) { retryFinanceWrite(writeId: $id) { writeId status } }`;
    const notOperator = await stack.query(RETRY, { id: writeId }, { token: stack.tokens.finance });
    expect(notOperator.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const retried = await stack.query<{ retryFinanceWrite: { status: string } }>(RETRY, { id: writeId }, { token: stack.tokens.operator });
    expect(retried.body.errors).toBeUndefined();
    await settled(writeId, 'APPLIED');
    expect((await readFinancials(id)).billingAddress?.line1).toBe('13 Harbour Road');
  });

  it('lets an operator discard a queued write, which then reads REJECTED with DISCARDED', async () => {
    const id = 'C-000018';
    const before = await readFinancials(id);
    await stack.faults('netsuite', { down: true });
    let writeId = '';
    try {
      const res = await stack.query<UpdateResult>(UPDATE, { customerId: id, address: address('15'), key: `k-${randomUUID()}` }, { token: stack.tokens.finance });
      writeId = res.body.data?.updateBillingAddress?.writeId ?? '';
      // Dead-lettered first: a queued write may be in flight at the moment we ask, which discard refuses.
      await settled(writeId, 'DEAD_LETTERED');
      const DISCARD = /* GraphQL */ `mutation D($id: ID!) { discardFinanceWrite(writeId: $id, reason: "customer called back") { status lastError { code } } }`;
      const d = await stack.query<{ discardFinanceWrite: { status: string; lastError: { code: string } } }>(DISCARD, { id: writeId }, { token: stack.tokens.operator });
      expect(d.body.errors).toBeUndefined();
      expect(d.body.data?.discardFinanceWrite).toEqual({ status: 'REJECTED', lastError: { code: 'DISCARDED' } });
    } finally {
      await stack.clearFaults();
    }
    // Once a call gets through again (a feed's poll or a read: its test call closes the ERP's one circuit,
    // for writes too), the discarded write has not reached the ERP, and stays discarded.
    await until(async () => ((await erpBreaker('finance')) === 'closed' ? true : undefined), "the ERP's circuit to close");
    expect((await readFinancials(id)).billingAddress).toEqual(before.billingAddress);
    expect((await outcomeOf(writeId)).status).toBe('REJECTED');
  });

  it("answers a storefront caller alike for another customer's write and an unknown id (null), and shows it its own customer's", async () => {
    const own = stack.tokens.storefront.customerId;
    const other = own === 'C-000031' ? 'C-000032' : 'C-000031';
    const write = async (customerId: string): Promise<string> => {
      const res = await stack.query<UpdateResult>(UPDATE, { customerId, address: address('77'), key: `k-${randomUUID()}` }, { token: stack.tokens.finance });
      expect(res.body.data?.updateBillingAddress?.status, JSON.stringify(res.body)).toBe('APPLIED');
      return res.body.data?.updateBillingAddress?.writeId as string;
    };
    const [ownWrite, otherWrite] = [await write(own), await write(other)];
    const asStorefront = (id: string) => stack.query<OutcomeResult>(OUTCOME, { id }, { token: stack.tokens.storefront.token });
    const foreign = await asStorefront(otherWrite);
    const unknown = await asStorefront(`finance:w_${randomUUID()}`);
    expect(foreign.body).toEqual({ data: { financeWrite: null } });
    expect(unknown.body).toEqual(foreign.body);
    expect((await asStorefront(ownWrite)).body.data?.financeWrite).toMatchObject({ writeId: ownWrite, status: 'APPLIED' });
    // Staff read any customer's write.
    const staff = await stack.query<OutcomeResult>(OUTCOME, { id: otherWrite }, { token: stack.tokens.agent });
    expect(staff.body.data?.financeWrite).toMatchObject({ writeId: otherWrite, status: 'APPLIED' });
  });

  it('refuses a malformed write id before reading the queue', async () => {
    const res = await stack.query(OUTCOME, { id: 'order:w_123' }, { token: stack.tokens.finance });
    expect(res.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
