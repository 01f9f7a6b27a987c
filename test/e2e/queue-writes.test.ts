/**
 * Operating a write queue at scale, through the gateway over the sandbox: cursor
 * pages filtered by listing, kind, customer and time, bulk retry and discard by
 * filter, the operator role for all of it, and an audit record of every action
 * (who, what, how many, correlation id). The customer subgraph stands for all
 * four: they share the machinery (lib/writes/graph.ts) and the types.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
vi.hoisted(() => {
  // The logger is silent under NODE_ENV=test; this file reads the audit records, so it must exist first at info.
  process.env.LOG_LEVEL = 'info';
});
import { startStack, type Stack, type StackCache } from '../support/stack.js';
import { captureLogLines } from '../support/logs.js';

let stack: Stack & StackCache;
const lines: string[] = [];

const UPDATE = /* GraphQL */ `
  mutation U($id: ID!, $phone: String!, $key: String) {
    updateCustomerEngagement(id: $id, input: { phone: $phone }, idempotencyKey: $key) { status writeId }
  }
`;
const OUTCOME = /* GraphQL */ `query O($w: ID!) { customerWrite(writeId: $w) { status attempts lastError { code } } }`;
const PAGE = /* GraphQL */ `
  query P($filter: WriteQueueFilter, $first: Int, $after: String) {
    customerWrites(filter: $filter, first: $first, after: $after) {
      totalCount
      nodes { writeId status kind customerId system }
      edges { cursor node { writeId } }
      pageInfo { hasNextPage endCursor }
    }
  }
`;
const RETRY = /* GraphQL */ `
  mutation R($filter: WriteQueueFilter!) { retryCustomerWrites(filter: $filter) { affected writeIds failures { writeId code } hasMore } }
`;
const DISCARD = /* GraphQL */ `
  mutation D($filter: WriteQueueFilter!, $reason: String!, $max: Int) {
    discardCustomerWrites(filter: $filter, reason: $reason, max: $max) { affected writeIds failures { writeId code } hasMore }
  }
`;

interface Page {
  customerWrites: {
    totalCount: number | null;
    nodes: Array<{ writeId: string; status: string; kind: string; customerId: string | null; system: string }>;
    edges: Array<{ cursor: string; node: { writeId: string } }>;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
}
interface Bulk {
  affected: number;
  writeIds: string[];
  failures: Array<{ writeId: string; code: string }>;
  hasMore: boolean;
}

async function statusOf(writeId: string): Promise<string | undefined> {
  const o = await stack.query<{ customerWrite: { status: string } | null }>(OUTCOME, { w: writeId });
  return o.body.data?.customerWrite?.status;
}

async function until(probe: () => Promise<boolean>, what: string, ms = 8000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function auditRecords(from: number): Array<Record<string, unknown>> {
  return lines
    .slice(from)
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((r) => r.audit === true && r.action === 'queue');
}

describe('operating the customer write queue', () => {
  const customers = ['C-000121', 'C-000122', 'C-000123'];
  let since = '';
  const dead: string[] = [];

  beforeAll(async () => {
    captureLogLines(lines);
    stack = await startStack({ cache: {} });
    since = new Date(Date.now() - 1).toISOString();
    // Three writes, one per customer, dead-lettered while Salesforce is down (the test wiring allows 3 attempts).
    await stack.faults('salesforce', { down: true });
    try {
      for (const id of customers) {
        const res = await stack.query<{ updateCustomerEngagement: { status: string; writeId: string } }>(UPDATE, { id, phone: '+1 503-555-0101', key: `k-${randomUUID()}` });
        expect(res.body.data?.updateCustomerEngagement.status).toBe('QUEUED');
        dead.push(res.body.data?.updateCustomerEngagement.writeId as string);
        await new Promise((r) => setTimeout(r, 5));
      }
      for (const w of dead) await until(async () => (await statusOf(w)) === 'DEAD_LETTERED', `${w} to be dead-lettered`);
    } finally {
      await stack.clearFaults();
    }
    // Salesforce's circuit opened while it was down; the first read after the half-open wait tests it and closes it.
    await until(async () => {
      const read = await stack.query<{ customer: { name: string | null } | null }>('query R($id: ID!) { customer(id: $id) { name } }', { id: 'C-000125' });
      return Boolean(read.body.data?.customer?.name);
    }, 'Salesforce to answer again');
  }, 60_000);

  afterAll(async () => {
    await stack?.close();
  });

  it('pages the dead letters oldest first with a cursor, without repeating or skipping one while writes are appended', async () => {
    const filter = { listing: ['DEAD_LETTERED'], kinds: ['customer.engagement'], since };
    const first = await stack.query<Page>(PAGE, { filter, first: 2 }, { token: stack.tokens.operator });
    expect(first.body.errors).toBeUndefined();
    const p1 = first.body.data!.customerWrites;
    expect(p1.totalCount).toBe(3);
    expect(p1.nodes.map((n) => n.writeId)).toEqual(dead.slice(0, 2));
    expect(p1.edges.map((e) => e.node.writeId)).toEqual(dead.slice(0, 2));
    expect(p1.nodes[0]).toMatchObject({ status: 'DEAD_LETTERED', kind: 'customer.engagement', customerId: customers[0], system: 'SALESFORCE' });
    expect(p1.pageInfo).toEqual({ hasNextPage: true, endCursor: p1.edges[1]!.cursor });
    // A write appended between two pages comes after every page already read.
    const appended = await stack.query<{ updateCustomerEngagement: { status: string } }>(UPDATE, { id: 'C-000124', phone: '+1 503-555-0102', key: `k-${randomUUID()}` });
    expect(appended.body.data?.updateCustomerEngagement.status).toBe('APPLIED');
    const second = await stack.query<Page>(PAGE, { filter, first: 2, after: p1.pageInfo.endCursor }, { token: stack.tokens.operator });
    expect(second.body.data?.customerWrites.nodes.map((n) => n.writeId)).toEqual(dead.slice(2));
    expect(second.body.data?.customerWrites.pageInfo.hasNextPage).toBe(false);
  });

  it('filters by customer and by time, and refuses what cannot match with BAD_USER_INPUT', async () => {
    const byCustomer = await stack.query<Page>(PAGE, { filter: { customerId: customers[1] } }, { token: stack.tokens.operator });
    expect(byCustomer.body.data?.customerWrites.nodes.map((n) => n.writeId)).toEqual([dead[1]]);
    const future = await stack.query<Page>(PAGE, { filter: { since: new Date(Date.now() + 60_000).toISOString() } }, { token: stack.tokens.operator });
    expect(future.body.data?.customerWrites.nodes).toEqual([]);
    for (const [filter, argumentName] of [
      [{ kinds: ['order.place'] }, 'filter.kinds'],
      [{ since: 'yesterday' }, 'filter.since'],
      [{ since: '2026-01-02T00:00:00Z', until: '2026-01-01T00:00:00Z' }, 'filter.since'],
    ] as const) {
      const res = await stack.query(PAGE, { filter }, { token: stack.tokens.operator });
      expect(res.body.errors?.[0]?.extensions, JSON.stringify(filter)).toMatchObject({ code: 'BAD_USER_INPUT', argumentName });
    }
    const badCursor = await stack.query(PAGE, { after: 'bm90LWEtY3Vyc29y' }, { token: stack.tokens.operator });
    expect(badCursor.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const tooMany = await stack.query(PAGE, { first: 101 }, { token: stack.tokens.operator });
    expect(tooMany.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('is for operators only: every other role is FORBIDDEN and the queue is untouched', async () => {
    for (const token of [stack.tokens.agent, stack.tokens.finance]) {
      const page = await stack.query(PAGE, {}, { token });
      expect(page.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const retry = await stack.query(RETRY, { filter: { listing: ['DEAD_LETTERED'] } }, { token });
      expect(retry.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    for (const w of dead) expect(await statusOf(w)).toBe('DEAD_LETTERED');
  });

  it('retries and discards in bulk by filter, says how many and which, and audits who did it under the correlation id', async () => {
    const noListing = await stack.query(DISCARD, { filter: { customerId: customers[0] }, reason: 'cleanup' }, { token: stack.tokens.operator });
    expect(noListing.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName: 'filter.listing' });

    const before = lines.length;
    const correlationId = `test-${randomUUID()}`;
    const retried = await stack.query<{ retryCustomerWrites: Bulk }>(RETRY, { filter: { listing: ['DEAD_LETTERED'], customerId: customers[0] } }, { token: stack.tokens.operator, correlationId });
    expect(retried.body.errors).toBeUndefined();
    expect(retried.body.data?.retryCustomerWrites).toEqual({ affected: 1, writeIds: [dead[0]], failures: [], hasMore: false });
    await until(async () => (await statusOf(dead[0]!)) === 'APPLIED', 'the retried write');

    const discarded = await stack.query<{ discardCustomerWrites: Bulk }>(
      DISCARD,
      { filter: { listing: ['DEAD_LETTERED'], since }, reason: 'superseded by a newer change', max: 1 },
      { token: stack.tokens.operator, correlationId },
    );
    expect(discarded.body.data?.discardCustomerWrites).toEqual({ affected: 1, writeIds: [dead[1]], failures: [], hasMore: true });
    const rest = await stack.query<{ discardCustomerWrites: Bulk }>(DISCARD, { filter: { listing: ['DEAD_LETTERED'], since }, reason: 'superseded' }, { token: stack.tokens.operator, correlationId });
    expect(rest.body.data?.discardCustomerWrites).toEqual({ affected: 1, writeIds: [dead[2]], failures: [], hasMore: false });
    for (const w of [dead[1]!, dead[2]!]) {
      const o = await stack.query<{ customerWrite: { status: string; lastError: { code: string } } }>(OUTCOME, { w });
      expect(o.body.data?.customerWrite).toMatchObject({ status: 'REJECTED', lastError: { code: 'DISCARDED' } });
    }
    // Salesforce got the retried write only: the discarded ones were never sent.
    const patches = (await stack.stats('salesforce', correlationId)).calls['PATCH /services/data/:version/sobjects/:sobject/:id'] ?? 0;
    expect(patches).toBe(0); // the retry replays under the submitting request's correlation id, not the operator's

    const records = auditRecords(before);
    expect(records.map((r) => [r.operation, r.affected, r.writeIds, r.correlationId, r.subject])).toEqual([
      ['retryCustomerWrites', 1, [dead[0]], correlationId, expect.any(String)],
      ['discardCustomerWrites', 1, [dead[1]], correlationId, expect.any(String)],
      ['discardCustomerWrites', 1, [dead[2]], correlationId, expect.any(String)],
    ]);
    expect(records[0]).toMatchObject({ roles: ['operator'], filter: { listings: ['dead_lettered'], customerId: customers[0] } });
  });
});
