/**
 * The case writes through the gateway over the sandbox: routed to Zendesk only,
 * validated before any write call, refused for storefront callers outside their
 * own customer with no call at all, idempotent down to Zendesk's Idempotency-Key,
 * queued while Zendesk is down and applied once when it is back, and conditional
 * on expectedVersion (CONFLICT instead of overwriting a newer change, also on replay).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hasCustomerNumber } from '../../sandbox/dataset/model.js';
import { circuitPhase, startStack, type Stack, type StackCache } from '../support/stack.js';

let stack: Stack & StackCache;

const CASE_FIELDS = 'id subject description status priority version customer { id } order { id } comments { body public }';

const OPEN = /* GraphQL */ `
  mutation Open($input: OpenCaseInput!, $key: String!) {
    openCase(input: $input, idempotencyKey: $key) { status writeId supportCase { ${CASE_FIELDS} } }
  }
`;
const COMMENT = /* GraphQL */ `
  mutation Comment($caseId: ID!, $body: String!, $public: Boolean, $key: String) {
    addCaseComment(caseId: $caseId, body: $body, public: $public, idempotencyKey: $key) { status writeId supportCase { ${CASE_FIELDS} } }
  }
`;
const STATUS = /* GraphQL */ `
  mutation Status($caseId: ID!, $status: CaseStatus!, $expectedVersion: String, $key: String) {
    updateCaseStatus(caseId: $caseId, status: $status, expectedVersion: $expectedVersion, idempotencyKey: $key) { status writeId supportCase { id status version } }
  }
`;
const OUTCOME = /* GraphQL */ `
  query Outcome($writeId: ID!) { serviceWrite(writeId: $writeId) { writeId status system attempts lastError { code message } } }
`;
const READ_CASE = /* GraphQL */ `query Read($id: ID!) { supportCase(id: $id) { ${CASE_FIELDS} } }`;

interface CaseView {
  id: string;
  subject: string;
  status: string;
  version: string;
  customer: { id: string };
  order: { id: string } | null;
  comments: Array<{ body: string; public: boolean }>;
}
interface WriteResult {
  status: string;
  writeId: string;
  supportCase: CaseView | null;
}

/** Calls that change something (not GET, not a SuiteQL read) one system received for a correlation id. */
async function writeCalls(system: 'salesforce' | 'netsuite' | 'zendesk', correlationId: string): Promise<Record<string, number>> {
  const { calls } = await stack.stats(system, correlationId);
  return Object.fromEntries(Object.entries(calls).filter(([route]) => !route.startsWith('GET ') && route !== 'POST /services/rest/query/v1/suiteql'));
}

async function totalCalls(correlationId: string): Promise<number> {
  const all = await stack.allStats(correlationId);
  return all.salesforce.total + all.netsuite.total + all.zendesk.total;
}

const ZD_AUTH = `Basic ${Buffer.from('agent@sandbox.example/token:sandbox').toString('base64')}`;
/** Reads Zendesk directly (as the test's own eyes, not through the graph). */
async function zendesk<T>(path: string): Promise<T> {
  const res = await fetch(`${stack.sandboxUrls.zendesk}/api/v2/${path}`, { headers: { authorization: ZD_AUTH } });
  expect(res.status).toBe(200);
  return (await res.json()) as T;
}
const ticketsWithSubject = async (subject: string): Promise<Array<{ id: number; subject: string }>> =>
  (await zendesk<{ results: Array<{ id: number; subject: string }> }>(`search.json?query=${encodeURIComponent(`type:ticket subject:"${subject}"`)}`)).results.filter(
    (t) => t.subject === subject,
  );
const commentsOf = async (caseId: string): Promise<Array<{ body: string; public: boolean; author_id: number }>> =>
  (await zendesk<{ comments: Array<{ body: string; public: boolean; author_id: number }> }>(`tickets/${caseId}/comments.json?per_page=100`)).comments;

async function action(name: string, body: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${stack.sandboxUrls.zendesk}/__sandbox/actions/${name}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.status).toBeLessThan(300);
}

async function outcome(writeId: string, token?: string): Promise<{ status: string; attempts: number; lastError: { code: string } | null } | null> {
  const res = await stack.query<{ serviceWrite: { status: string; attempts: number; lastError: { code: string } | null } | null }>(OUTCOME, { writeId }, token ? { token } : {});
  expect(res.body.errors).toBeUndefined();
  return res.body.data?.serviceWrite ?? null;
}

async function settled(writeId: string, timeoutMs = 15_000): Promise<{ status: string; attempts: number; lastError: { code: string } | null }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const o = await outcome(writeId);
    if (o && o.status !== 'QUEUED') return o;
    if (Date.now() > deadline) throw new Error(`write ${writeId} still ${o?.status} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}


/** A customer with an end user in Zendesk and at least one order, with one of their orders. */
function customerWithOrder(exclude: string[] = [stack.tokens.storefront.customerId]): { customerId: string; orderId: string } {
  const ns = stack.dataset.netsuite;
  for (const c of ns.customers.filter(hasCustomerNumber)) {
    if (exclude.includes(c.externalid)) continue;
    const user = stack.dataset.zendesk.users.find((u) => u.external_id === c.externalid && u.role === 'end-user');
    const order = ns.transactions.find((t) => t.type === 'SalesOrd' && t.entity === c.id);
    if (user && order) return { customerId: c.externalid, orderId: order.tranid };
  }
  throw new Error('no customer with an order and a Zendesk end user');
}

/** A new case of a customer other than the storefront's, about one of their orders, opened through the graph. */
async function freshCase(): Promise<{ caseId: string; customerId: string; orderId: string }> {
  const { customerId, orderId } = customerWithOrder();
  const res = await stack.query<{ openCase: WriteResult }>(OPEN, {
    input: { customerId, orderId, subject: `Fixture ${randomUUID().slice(0, 8)}`, description: 'A case for a test' },
    key: randomUUID(),
  });
  expect(res.body.errors).toBeUndefined();
  const caseId = res.body.data?.openCase.supportCase?.id;
  if (!caseId) throw new Error('could not open a fixture case');
  return { caseId, customerId, orderId };
}

beforeAll(async () => {
  stack = await startStack({ customers: 120 });
}, 60_000);

afterEach(async () => {
  await stack.clearFaults();
});

afterAll(async () => {
  await stack?.close();
});

describe('openCase', () => {
  it('opens the case in Zendesk only, checks the order with a read, and the next query shows it', async () => {
    const { customerId, orderId } = customerWithOrder();
    const subject = `Parcel damaged ${randomUUID().slice(0, 8)}`;
    const res = await stack.query<{ openCase: WriteResult }>(OPEN, {
      input: { customerId, orderId, subject, description: 'The box arrived crushed.', priority: 'HIGH' },
      key: randomUUID(),
    });
    expect(res.body.errors).toBeUndefined();
    const r = res.body.data?.openCase;
    expect(r?.status).toBe('APPLIED');
    expect(r?.writeId).toMatch(/^service:w_/);
    expect(r?.supportCase).toMatchObject({ subject, status: 'NEW', priority: 'HIGH', customer: { id: customerId }, order: { id: orderId } });
    expect(r?.supportCase?.comments).toEqual([{ body: 'The box arrived crushed.', public: true }]);
    // One create in Zendesk; the ERP was only read (whose order it is); Salesforce not called.
    expect(await writeCalls('zendesk', res.correlationId)).toEqual({ 'POST /api/v2/tickets': 1 });
    expect(await writeCalls('netsuite', res.correlationId)).toEqual({});
    expect((await stack.stats('salesforce', res.correlationId)).total).toBe(0);

    const list = await stack.query<{ customer: { cases: { nodes: Array<{ id: string; subject: string }> } } }>(
      `query($id: ID!) { customer(id: $id) { cases(first: 5) { nodes { id subject } } } }`,
      { id: customerId },
    );
    expect(list.body.data?.customer.cases.nodes[0]).toEqual({ id: r?.supportCase?.id, subject });
  });

  it('gives one ticket for one idempotency key, sequentially and concurrently; another payload is IDEMPOTENCY_KEY_REUSED', async () => {
    const { customerId } = customerWithOrder();
    const subject = `Refund missing ${randomUUID().slice(0, 8)}`;
    const key = randomUUID();
    const vars = { input: { customerId, subject, description: 'Where is my refund?' }, key };
    const [a, b] = await Promise.all([stack.query<{ openCase: WriteResult }>(OPEN, vars), stack.query<{ openCase: WriteResult }>(OPEN, vars)]);
    const c = await stack.query<{ openCase: WriteResult }>(OPEN, vars);
    for (const r of [a, b, c]) expect(r.body.data?.openCase.status).toBe('APPLIED');
    expect(new Set([a, b, c].map((r) => r.body.data?.openCase.writeId)).size).toBe(1);
    expect(new Set([a, b, c].map((r) => r.body.data?.openCase.supportCase?.id)).size).toBe(1);
    expect(await ticketsWithSubject(subject)).toHaveLength(1);

    const other = await stack.query(OPEN, { ...vars, input: { ...vars.input, description: 'Something else' } });
    expect(other.body.errors?.[0]?.extensions?.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await writeCalls('zendesk', other.correlationId)).toEqual({});
  });

  it('scopes idempotency keys per person: two staff members sending the same key make two tickets, and neither sees the other\'s write', async () => {
    const { customerId } = customerWithOrder();
    const subject = `Same key, two agents ${randomUUID().slice(0, 8)}`;
    const vars = { input: { customerId, subject, description: 'Parcel arrived damaged' }, key: randomUUID() };
    // The finance role is staff too (it includes the agent's rights), under another subject.
    const mine = await stack.query<{ openCase: WriteResult }>(OPEN, vars);
    const theirs = await stack.query<{ openCase: WriteResult }>(OPEN, vars, { token: stack.tokens.finance });
    const otherPayload = await stack.query<{ openCase: WriteResult }>(OPEN, { ...vars, input: { ...vars.input, description: 'Something else' } }, { token: stack.tokens.finance });
    expect(mine.body.data?.openCase.status).toBe('APPLIED');
    expect(theirs.body.data?.openCase.status).toBe('APPLIED');
    expect(theirs.body.data?.openCase.writeId).not.toBe(mine.body.data?.openCase.writeId);
    expect(theirs.body.data?.openCase.supportCase?.id).not.toBe(mine.body.data?.openCase.supportCase?.id);
    // The second person's own retry with another payload is theirs to misuse, not the first person's.
    expect(otherPayload.body.errors?.[0]?.extensions?.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await ticketsWithSubject(subject)).toHaveLength(2);
  });

  it('makes exactly one ticket when Zendesk commits and the response is lost', async () => {
    const { customerId } = customerWithOrder();
    const subject = `Lost answer ${randomUUID().slice(0, 8)}`;
    await stack.faults('zendesk', { dropResponseAfterCommitRate: 1 });
    const res = await stack.query<{ openCase: WriteResult }>(OPEN, { input: { customerId, subject, description: 'Hello?' }, key: randomUUID() });
    expect(res.body.errors).toBeUndefined();
    const writeId = res.body.data?.openCase.writeId ?? '';
    await stack.clearFaults();
    // Retried under the same Idempotency-Key (now or by the queue): Zendesk replays its first answer.
    const final = res.body.data?.openCase.status === 'APPLIED' ? { status: 'APPLIED' } : await settled(writeId);
    expect(final.status).toBe('APPLIED');
    expect(await ticketsWithSubject(subject)).toHaveLength(1);
  });

  it('answers QUEUED while Zendesk is down and applies the write once when it is back', async () => {
    const { customerId } = customerWithOrder();
    const subject = `While down ${randomUUID().slice(0, 8)}`;
    await stack.faults('zendesk', { down: true });
    const res = await stack.query<{ openCase: WriteResult }>(OPEN, { input: { customerId, subject, description: 'Queued please' }, key: randomUUID() });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data?.openCase).toMatchObject({ status: 'QUEUED', supportCase: null });
    const writeId = res.body.data?.openCase.writeId ?? '';
    expect((await outcome(writeId))?.status).toBe('QUEUED');
    await stack.clearFaults();
    expect((await settled(writeId)).status).toBe('APPLIED');
    expect(await ticketsWithSubject(subject)).toHaveLength(1);
  });

  it("answers QUEUED at once while Zendesk's circuit is open, without a call, and applies the write once when it is back", async () => {
    const { customerId } = customerWithOrder();
    const subject = `Circuit open ${randomUUID().slice(0, 8)}`;
    const circuit = (): Promise<unknown> => circuitPhase(stack, 'service', 'SERVICE_DESK');
    await stack.faults('zendesk', { down: true });
    try {
      // Reads of cases nobody read yet fail until the circuit opens.
      const unread = stack.dataset.zendesk.tickets.slice(-20).map((t) => String(t.id));
      for (const id of unread) {
        if ((await circuit()) === 'open') break;
        await stack.query(READ_CASE, { id });
      }
      expect(await circuit()).toBe('open');
      const res = await stack.query<{ openCase: WriteResult }>(OPEN, { input: { customerId, subject, description: 'Queued at once' }, key: randomUUID() });
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data?.openCase).toMatchObject({ status: 'QUEUED', supportCase: null });
      expect(await totalCalls(res.correlationId)).toBe(0);
      const writeId = res.body.data?.openCase.writeId ?? '';
      expect((await outcome(writeId))?.lastError?.code).toBe('UPSTREAM_UNAVAILABLE');
      await stack.clearFaults();
      expect((await settled(writeId)).status).toBe('APPLIED');
      expect(await ticketsWithSubject(subject)).toHaveLength(1);
    } finally {
      await stack.clearFaults();
    }
  });

  it.each([
    ['an empty subject', { subject: '   ' }, 'BAD_USER_INPUT'],
    ['a subject over 150 characters', { subject: 'x'.repeat(151) }, 'BAD_USER_INPUT'],
    ['an empty description', { description: '' }, 'BAD_USER_INPUT'],
    ['a malformed order number', { orderId: 'ORDER-1' }, 'BAD_USER_INPUT'],
    ['a malformed customer number', { customerId: 'customer 1' }, 'BAD_USER_INPUT'],
  ])('refuses %s with no call to any system', async (_what, change, code) => {
    const { customerId } = customerWithOrder();
    const res = await stack.query(OPEN, { input: { customerId, subject: 'Fine', description: 'Fine', ...change }, key: randomUUID() });
    expect(res.body.errors?.[0]?.extensions?.code).toBe(code);
    expect(await totalCalls(res.correlationId)).toBe(0);
  });

  it("refuses another customer's order with BAD_USER_INPUT after one ERP read and no write", async () => {
    const a = customerWithOrder();
    const b = customerWithOrder([a.customerId, stack.tokens.storefront.customerId]);
    const res = await stack.query(OPEN, { input: { customerId: a.customerId, orderId: b.orderId, subject: 'Wrong order', description: 'x' }, key: randomUUID() });
    expect(res.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.body.errors?.[0]?.message).toContain(`is not an order of customer ${a.customerId}`);
    expect((await stack.stats('netsuite', res.correlationId)).calls).toEqual({ 'POST /services/rest/query/v1/suiteql': 1 });
    expect(await writeCalls('zendesk', res.correlationId)).toEqual({});
  });
});

describe('storefront callers', () => {
  const token = (): string => stack.tokens.storefront.token;

  it('open a case for their own customer; the comment is theirs', async () => {
    const own = stack.tokens.storefront.customerId;
    const subject = `My own case ${randomUUID().slice(0, 8)}`;
    const res = await stack.query<{ openCase: WriteResult }>(OPEN, { input: { customerId: own, subject, description: 'Please help' }, key: randomUUID() }, { token: token() });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data?.openCase).toMatchObject({ status: 'APPLIED', supportCase: { subject, customer: { id: own } } });
    const writeId = res.body.data?.openCase.writeId ?? '';
    // Its outcome is readable by the customer who made it, and by no other storefront customer.
    expect((await outcome(writeId, token()))?.status).toBe('APPLIED');
    const other = await stack.issuer.token({ sub: 'C-000002', roles: ['storefront'] });
    expect(await outcome(writeId, other)).toBeNull();
  });

  it('comment on their own case as the customer (the case requester), not as an agent', async () => {
    const own = stack.tokens.storefront.customerId;
    const opened = await stack.query<{ openCase: WriteResult }>(OPEN, { input: { customerId: own, subject: `Reply ${randomUUID().slice(0, 8)}`, description: 'First' }, key: randomUUID() }, { token: token() });
    const caseId = opened.body.data?.openCase.supportCase?.id ?? '';
    const body = `Any news? ${randomUUID().slice(0, 8)}`;
    const res = await stack.query<{ addCaseComment: WriteResult }>(COMMENT, { caseId, body, key: randomUUID() }, { token: token() });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data?.addCaseComment.status).toBe('APPLIED');
    const ticket = await zendesk<{ ticket: { requester_id: number } }>(`tickets/${caseId}.json`);
    const mine = (await commentsOf(caseId)).find((c) => c.body === body);
    expect(mine).toMatchObject({ public: true, author_id: ticket.ticket.requester_id });
  });

  it.each([
    ['open a case for another customer', OPEN, () => ({ input: { customerId: 'C-000002', subject: 'x', description: 'y' }, key: randomUUID() })],
    ['add an internal note', COMMENT, () => ({ caseId: '1', body: 'psst', public: false })],
    ['change a status', STATUS, () => ({ caseId: '1', status: 'SOLVED' })],
  ])('may not %s: FORBIDDEN with no call to any system', async (_what, doc, vars) => {
    const res = await stack.query(doc, vars(), { token: token() });
    expect(res.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await totalCalls(res.correlationId)).toBe(0);
  });

  it("cannot comment on another customer's case: NOT_FOUND, no write", async () => {
    const { caseId } = await freshCase();
    const res = await stack.query(COMMENT, { caseId, body: 'Hello from elsewhere' }, { token: token() });
    expect(res.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(await writeCalls('zendesk', res.correlationId)).toEqual({});
  });
});

describe('addCaseComment', () => {
  it('adds an internal note that staff see', async () => {
    const { caseId } = await freshCase();
    const body = `Checked with the warehouse ${randomUUID().slice(0, 8)}`;
    const res = await stack.query<{ addCaseComment: WriteResult }>(COMMENT, { caseId, body, public: false, key: randomUUID() });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data?.addCaseComment.status).toBe('APPLIED');
    expect(res.body.data?.addCaseComment.supportCase?.comments.at(-1)).toEqual({ body, public: false });
    expect(await writeCalls('zendesk', res.correlationId)).toEqual({ 'PUT /api/v2/tickets/:ticket_id': 1 });
  });

  it('adds the comment once when the response is lost after Zendesk committed it', async () => {
    const { caseId } = await freshCase();
    const body = `Lost comment ${randomUUID().slice(0, 8)}`;
    await stack.faults('zendesk', { dropResponseAfterCommitRate: 1 });
    const res = await stack.query<{ addCaseComment: WriteResult }>(COMMENT, { caseId, body, key: randomUUID() });
    expect(res.body.errors).toBeUndefined();
    await stack.clearFaults();
    const writeId = res.body.data?.addCaseComment.writeId ?? '';
    expect((await settled(writeId)).status).toBe('APPLIED');
    expect((await commentsOf(caseId)).filter((c) => c.body === body)).toHaveLength(1);
  });

  it('refuses a comment on a closed case with INVALID_STATUS_TRANSITION and no write', async () => {
    const { caseId } = await freshCase();
    await action('close-case', { caseId });
    const res = await stack.query(COMMENT, { caseId, body: 'Too late' });
    expect(res.body.errors?.[0]?.extensions?.code).toBe('INVALID_STATUS_TRANSITION');
    expect(await writeCalls('zendesk', res.correlationId)).toEqual({});
  });
});

describe('updateCaseStatus', () => {
  async function readCase(id: string): Promise<CaseView> {
    const res = await stack.query<{ supportCase: CaseView }>(READ_CASE, { id });
    expect(res.body.errors).toBeUndefined();
    return res.body.data?.supportCase as CaseView;
  }

  it('applies with the current version and answers the new version', async () => {
    const { caseId } = await freshCase();
    const before = await readCase(caseId);
    const res = await stack.query<{ updateCaseStatus: WriteResult }>(STATUS, { caseId, status: 'ON_HOLD', expectedVersion: before.version });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data?.updateCaseStatus).toMatchObject({ status: 'APPLIED', supportCase: { id: caseId, status: 'ON_HOLD' } });
    expect(res.body.data?.updateCaseStatus.supportCase?.version).not.toBe(before.version);
    expect(await writeCalls('zendesk', res.correlationId)).toEqual({ 'PUT /api/v2/tickets/:ticket_id': 1 });
  });

  it('refuses with CONFLICT when the case changed in Zendesk after the version read, and the newer change survives', async () => {
    const { caseId } = await freshCase();
    const before = await readCase(caseId);
    await action('agent-reply', { caseId, body: 'An agent answered meanwhile', status: 'pending' });
    const res = await stack.query(STATUS, { caseId, status: 'SOLVED', expectedVersion: before.version });
    expect(res.body.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(res.body.errors?.[0]?.extensions?.writeId).toMatch(/^service:w_/);
    expect((await readCase(caseId)).status).toBe('PENDING');
  });

  it('queued while Zendesk is down, a replay over a newer change ends REJECTED with CONFLICT', async () => {
    const { caseId } = await freshCase();
    const before = await readCase(caseId);
    await stack.faults('zendesk', { down: true });
    const res = await stack.query<{ updateCaseStatus: WriteResult }>(STATUS, { caseId, status: 'SOLVED', expectedVersion: before.version, key: randomUUID() });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data?.updateCaseStatus.status).toBe('QUEUED');
    await action('agent-reply', { caseId, body: 'Changed while the graph could not reach us', status: 'hold' });
    await stack.clearFaults();
    const final = await settled(res.body.data?.updateCaseStatus.writeId ?? '');
    expect(final).toMatchObject({ status: 'REJECTED', lastError: { code: 'CONFLICT' } });
    expect((await readCase(caseId)).status).toBe('ON_HOLD');
  });

  it.each([
    ['back to NEW', 'NEW', undefined],
    ['to CLOSED before it is solved', 'CLOSED', undefined],
    ['from CLOSED', 'OPEN', 'close-case'],
  ])('refuses a move %s with INVALID_STATUS_TRANSITION and no write', async (_what, status, before) => {
    const { caseId } = await freshCase();
    if (before) await action(before, { caseId });
    const res = await stack.query(STATUS, { caseId, status });
    expect(res.body.errors?.[0]?.extensions?.code).toBe('INVALID_STATUS_TRANSITION');
    expect(await writeCalls('zendesk', res.correlationId)).toEqual({});
  });

  it('is refused with BAD_USER_INPUT for a malformed version, with no call', async () => {
    const res = await stack.query(STATUS, { caseId: '1', status: 'SOLVED', expectedVersion: 'yesterday' });
    expect(res.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(await totalCalls(res.correlationId)).toBe(0);
  });
});

describe('the write queue, for operators', () => {
  it('lists, and only operators may list, retry or discard', async () => {
    const list = `query { serviceWriteQueue(status: DEAD_LETTERED) { writeId status } }`;
    const denied = await stack.query(list);
    expect(denied.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const ok = await stack.query<{ serviceWriteQueue: unknown[] }>(list, {}, { token: stack.tokens.operator });
    expect(ok.body.errors).toBeUndefined();
    expect(Array.isArray(ok.body.data?.serviceWriteQueue)).toBe(true);
  });

  it('dead-letters a write after its attempts, and an operator retry applies it', async () => {
    const { caseId } = await freshCase();
    const body = `Persistent ${randomUUID().slice(0, 8)}`;
    // 500s rather than `down`: the sandbox's 503 asks for 5 s between attempts.
    await stack.faults('zendesk', { errorRate: 1 });
    const res = await stack.query<{ addCaseComment: WriteResult }>(COMMENT, { caseId, body, key: randomUUID() });
    // The case read for validation fails too: a staff write is queued and checked when applied.
    expect(res.body.errors).toBeUndefined();
    const writeId = res.body.data?.addCaseComment.writeId ?? '';
    expect((await settled(writeId, 20_000)).status).toBe('DEAD_LETTERED');
    const dead = await stack.query<{ serviceWriteQueue: Array<{ writeId: string }> }>(`query { serviceWriteQueue(status: DEAD_LETTERED) { writeId } }`, {}, { token: stack.tokens.operator });
    expect(dead.body.data?.serviceWriteQueue.map((w) => w.writeId)).toContain(writeId);
    await stack.clearFaults();
    const retried = await stack.query<{ retryServiceWrite: { status: string } }>(`mutation($id: ID!) { retryServiceWrite(writeId: $id) { status } }`, { id: writeId }, { token: stack.tokens.operator });
    expect(retried.body.errors).toBeUndefined();
    expect((await settled(writeId)).status).toBe('APPLIED');
    expect((await commentsOf(caseId)).filter((c) => c.body === body)).toHaveLength(1);
  }, 40_000);
});

describe('reads by storefront callers', () => {
  const token = (): string => stack.tokens.storefront.token;

  it('see their own case with its public comments only, never the internal notes', async () => {
    const own = stack.tokens.storefront.customerId;
    const opened = await stack.query<{ openCase: WriteResult }>(OPEN, { input: { customerId: own, subject: `Mine ${randomUUID().slice(0, 8)}`, description: 'Public question' }, key: randomUUID() }, { token: token() });
    const caseId = opened.body.data?.openCase.supportCase?.id ?? '';
    expect(caseId).not.toBe('');
    const note = await stack.query(COMMENT, { caseId, body: 'Internal: customer is on a watch list', public: false });
    expect(note.body.errors).toBeUndefined();

    const staff = await stack.query<{ supportCase: CaseView }>(READ_CASE, { id: caseId });
    expect(staff.body.data?.supportCase.comments.map((c) => c.public)).toEqual([true, false]);
    const mine = await stack.query<{ supportCase: CaseView }>(READ_CASE, { id: caseId }, { token: token() });
    expect(mine.body.errors).toBeUndefined();
    expect(mine.body.data?.supportCase.comments).toEqual([{ body: 'Public question', public: true }]);
  });

  it("read another customer's case as null, as if it did not exist", async () => {
    const { caseId } = await freshCase();
    const res = await stack.query<{ supportCase: CaseView | null }>(READ_CASE, { id: caseId }, { token: token() });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data?.supportCase).toBeNull();
    expect(await writeCalls('zendesk', res.correlationId)).toEqual({});
  });

  it("are refused another customer's list of cases before any call", async () => {
    const res = await stack.query(`query { customer(id: "C-000002") { id cases(first: 5) { nodes { id } } } }`, {}, { token: token() });
    expect(res.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await totalCalls(res.correlationId)).toBe(0);
  });
});
