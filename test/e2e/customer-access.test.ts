/**
 * Who may read and change customers, through the gateway: every role × every
 * customer operation with its outcome asserted; a storefront caller's reach for
 * another customer (root field, nested reference, mutation, write outcome)
 * refused before any Salesforce call; and the audit trail of personal-data
 * reads and writes, which names the customer and never holds the data.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.LOG_LEVEL = 'info';
});

import { makeCaller } from '../../lib/auth/index.js';
import { startStack, type GraphQLResponse, type Stack, type StackCache } from '../support/stack.js';
import { signedHeaders } from '../support/auth.js';
import { captureLogLines } from '../support/logs.js';

let stack: Stack & StackCache;
const lines: string[] = [];
const OWN = 'C-000001'; // the stack's storefront customer
const OTHER = 'C-000002';

type Role = 'agent' | 'finance' | 'operator' | 'storefront';
const ROLES: Role[] = ['agent', 'finance', 'operator', 'storefront'];
const tokenOf = (role: Role): string => (role === 'storefront' ? stack.tokens.storefront.token : stack.tokens[role]);

const OPS = {
  customerOwn: { query: `query Q($id: ID!) { customer(id: $id) { id name contacts { id } } }`, vars: () => ({ id: OWN }) },
  customerOther: { query: `query Q($id: ID!) { customer(id: $id) { id name contacts { id } } }`, vars: () => ({ id: OTHER }) },
  customers: { query: `{ customers(first: 2) { nodes { id name } } }`, vars: () => ({}) },
  updateOwn: {
    query: `mutation M($id: ID!, $key: String) { updateCustomerEngagement(id: $id, input: { preferredStoreId: "STORE-001" }, idempotencyKey: $key) { status writeId } }`,
    vars: () => ({ id: OWN, key: `k-${randomUUID()}` }),
  },
  updateOther: {
    query: `mutation M($id: ID!, $key: String) { updateCustomerEngagement(id: $id, input: { preferredStoreId: "STORE-002" }, idempotencyKey: $key) { status writeId } }`,
    vars: () => ({ id: OTHER, key: `k-${randomUUID()}` }),
  },
  writeQueue: { query: `{ customerWriteQueue(status: PENDING) { writeId } }`, vars: () => ({}) },
  retryWrite: { query: `mutation { retryCustomerWrite(writeId: "customer:no-such-write") { status } }`, vars: () => ({}) },
  discardWrite: { query: `mutation { discardCustomerWrite(writeId: "customer:no-such-write", reason: "test") { status } }`, vars: () => ({}) },
} as const;
type Op = keyof typeof OPS;

/** allowed: data and no error; FORBIDDEN: that code and no Salesforce call; NOT_FOUND: passed the role check, found nothing. */
type Outcome = 'allowed' | 'FORBIDDEN' | 'NOT_FOUND';
const STAFF: Record<Op, Outcome> = {
  customerOwn: 'allowed',
  customerOther: 'allowed',
  customers: 'allowed',
  updateOwn: 'allowed',
  updateOther: 'allowed',
  writeQueue: 'FORBIDDEN',
  retryWrite: 'FORBIDDEN',
  discardWrite: 'FORBIDDEN',
};
const MATRIX: Record<Role, Record<Op, Outcome>> = {
  agent: STAFF,
  finance: STAFF,
  operator: { ...STAFF, writeQueue: 'allowed', retryWrite: 'NOT_FOUND', discardWrite: 'NOT_FOUND' },
  storefront: { ...STAFF, customerOther: 'FORBIDDEN', customers: 'FORBIDDEN', updateOther: 'FORBIDDEN', writeQueue: 'FORBIDDEN' },
};

beforeAll(async () => {
  captureLogLines(lines);
  stack = await startStack({ cache: {} });
}, 30_000);

afterAll(async () => {
  await stack?.close();
});

async function assertOutcome(res: GraphQLResponse, expected: Outcome, what: string): Promise<void> {
  const code = res.body.errors?.[0]?.extensions?.code;
  switch (expected) {
    case 'allowed':
      expect(res.body.errors, what).toBeUndefined();
      expect(res.body.data, what).toBeTruthy();
      break;
    case 'FORBIDDEN':
      expect(code, what).toBe('FORBIDDEN');
      // Refused before Salesforce was asked anything.
      expect((await stack.stats('salesforce', res.correlationId)).total, what).toBe(0);
      break;
    case 'NOT_FOUND':
      expect(code, what).toBe('NOT_FOUND');
      break;
    default: {
      const never: never = expected;
      throw new Error(`unknown outcome ${String(never)}`);
    }
  }
}

describe('customer role matrix', () => {
  for (const role of ROLES) {
    it(`${role}: every customer operation`, async () => {
      for (const [op, expected] of Object.entries(MATRIX[role]) as Array<[Op, Outcome]>) {
        const res = await stack.query(OPS[op].query, OPS[op].vars(), { token: tokenOf(role) });
        await assertOutcome(res, expected, `${role} ${op}`);
      }
    });
  }

  it('refuses a request without a token with UNAUTHENTICATED before any call', async () => {
    for (const op of Object.keys(OPS) as Op[]) {
      const res = await stack.query(OPS[op].query, OPS[op].vars(), { token: null });
      expect(res.body.errors?.[0]?.extensions?.code, op).toBe('UNAUTHENTICATED');
      expect((await stack.stats('salesforce', res.correlationId)).total).toBe(0);
    }
  });
});

describe('storefront reach', () => {
  it('a storefront caller sees its own customer and contacts', async () => {
    const res = await stack.query<{ customer: { id: string; name: string } }>(OPS.customerOwn.query, { id: OWN }, { token: tokenOf('storefront') });
    expect(res.body.data?.customer).toMatchObject({ id: OWN });
    expect(res.body.data?.customer.name).toBeTruthy();
  });

  it('a reference to another customer resolves its id only: every Salesforce field is FORBIDDEN, with no call', async () => {
    // What a crafted plan step would ask: the gateway signs the storefront caller, the subgraph must not trust the reference.
    const correlationId = `test-${randomUUID()}`;
    const caller = makeCaller({ subject: OWN, roles: ['storefront'], customerId: OWN, via: 'token' });
    const request = {
      query: `query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { id name email contacts { id } } } }`,
      variables: { r: [{ __typename: 'Customer', id: OTHER }] },
    };
    const res = await fetch(stack.subgraphUrls.customer, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...signedHeaders(correlationId, 'customer', request, caller) },
      body: JSON.stringify(request),
    });
    const body = (await res.json()) as { data: { _entities: Array<{ id: string; name: null; contacts: null } | null> }; errors: Array<{ extensions: { code: string } }> };
    expect(body.data._entities[0]).toMatchObject({ id: OTHER, name: null, email: null, contacts: null });
    expect(new Set(body.errors.map((e) => e.extensions.code))).toEqual(new Set(['FORBIDDEN']));
    expect((await stack.stats('salesforce', correlationId)).total).toBe(0);
  });

  it("a storefront caller reads its own write's outcome, not another customer's", async () => {
    const agentWrite = await stack.query<{ updateCustomerEngagement: { writeId: string } }>(OPS.updateOther.query, OPS.updateOther.vars());
    const ownWrite = await stack.query<{ updateCustomerEngagement: { writeId: string } }>(OPS.updateOwn.query, OPS.updateOwn.vars(), { token: tokenOf('storefront') });
    const outcome = `query O($w: ID!) { customerWrite(writeId: $w) { status system } }`;
    const own = await stack.query<{ customerWrite: { status: string } }>(outcome, { w: ownWrite.body.data?.updateCustomerEngagement.writeId }, { token: tokenOf('storefront') });
    expect(own.body.data?.customerWrite).toEqual({ status: 'APPLIED', system: 'SALESFORCE' });
    // Another customer's write reads exactly like an unknown id: the answer tells nothing about whether it exists.
    const other = await stack.query(outcome, { w: agentWrite.body.data?.updateCustomerEngagement.writeId }, { token: tokenOf('storefront') });
    const unknown = await stack.query(outcome, { w: `customer:w_${randomUUID()}` }, { token: tokenOf('storefront') });
    expect(other.body).toEqual({ data: { customerWrite: null } });
    expect(unknown.body).toEqual(other.body);
  });
});

describe('audit', () => {
  it('records personal-data reads and writes with who, which customer and what, never the values', async () => {
    const before = lines.length;
    const email = `audit.${randomUUID().slice(0, 8)}@example.com`;
    const read = await stack.query(`query Q($id: ID!) { customer(id: $id) { name email contacts { name } } }`, { id: OTHER });
    const write = await stack.query(`mutation M($id: ID!, $e: String) { updateCustomerEngagement(id: $id, input: { email: $e }) { status } }`, { id: OTHER, e: email });
    expect(write.body.errors).toBeUndefined();
    const records = lines
      .slice(before)
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((r) => r.audit === true);
    const readRecord = records.find((r) => r.action === 'read' && r.correlationId === read.correlationId && r.customerId === OTHER);
    expect(readRecord).toMatchObject({ subject: 'agent-test', roles: ['agent'], fieldGroups: ['contact', 'contacts', 'identity'] });
    const writeRecord = records.find((r) => r.action === 'write' && r.correlationId === write.correlationId);
    expect(writeRecord).toMatchObject({ operation: 'updateCustomerEngagement', customerId: OTHER, outcome: 'succeeded', subject: 'agent-test' });
    expect(lines.slice(before).join('')).not.toContain(email);
  });
});
