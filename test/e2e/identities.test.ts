/**
 * The identity crosswalk through the gateway (docs/identity.md): Customer.identities
 * lists each system's record, each contributed by the subgraph that wraps it, for one
 * call per system cold and none warm; customerByIdentity finds the customer from a
 * NetSuite or Zendesk id, refusing ids that are not ids before any call.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack, type StackCache } from '../support/stack.js';

let stack: Stack & StackCache;

interface Identity {
  system: string;
  recordType: string;
  recordId: string;
  linkedBy: string;
  matchedOn: string[];
  confidence: number;
}

const IDENTITIES = `query Ids($id: ID!) { customer(id: $id) { id identities { system recordType recordId linkedBy matchedOn confidence } } }`;
const BY_IDENTITY = `query By($system: IdentitySystem!, $id: ID!) { customerByIdentity(system: $system, id: $id) { id name } }`;

/** The nth customer of the dataset, with its record in each system. */
function customer(n: number): { number: string; accountId: string; contactIds: string[]; netsuiteId: string; organizationId: string; userIds: string[] } {
  const d = stack.dataset;
  const a = d.salesforce.accounts[n - 1];
  if (!a) throw new Error(`the dataset has no customer ${n}`);
  const number = a.Customer_Number__c;
  const ns = d.netsuite.customers.find((c) => c.externalid === number);
  const org = d.zendesk.organizations.find((o) => o.external_id === number);
  if (!ns || !org) throw new Error(`customer ${number} lacks a NetSuite or Zendesk record`);
  return {
    number,
    accountId: a.Id,
    contactIds: d.salesforce.contacts
      .filter((c) => c.AccountId === a.Id)
      .sort((x, y) => x.Name.localeCompare(y.Name))
      .map((c) => c.Id),
    netsuiteId: String(ns.id),
    organizationId: String(org.id),
    userIds: d.zendesk.users.filter((u) => u.external_id === number).map((u) => String(u.id)),
  };
}

beforeAll(async () => {
  // As `npm start` runs them: subgraphs in one process share NetSuite's concurrency count, so the
  // customer subgraph's NetSuite lookups need no share of their own (docs/identity.md).
  stack = await startStack({ cache: {}, inProcess: true });
}, 30_000);

afterAll(async () => {
  await stack?.close();
});

describe('Customer.identities', () => {
  it("lists each system's record by the shared key: one call per system cold, none warm", async () => {
    const c = customer(5);
    const res = await stack.query<{ customer: { id: string; identities: Identity[] } }>(IDENTITIES, { id: c.number });
    expect(res.body.errors).toBeUndefined();
    const ids = res.body.data?.customer.identities ?? [];
    const shared = { linkedBy: 'SHARED_KEY', matchedOn: [], confidence: 1 };
    expect(ids).toEqual([
      { system: 'SALESFORCE', recordType: 'SALESFORCE_ACCOUNT', recordId: c.accountId, ...shared },
      ...c.contactIds.map((id) => ({ system: 'SALESFORCE', recordType: 'SALESFORCE_CONTACT', recordId: id, ...shared })),
      { system: 'NETSUITE', recordType: 'NETSUITE_CUSTOMER', recordId: c.netsuiteId, ...shared },
      { system: 'ZENDESK', recordType: 'ZENDESK_ORGANIZATION', recordId: c.organizationId, ...shared },
    ]);
    const cold = await stack.allStats(res.correlationId);
    expect(cold.salesforce.total).toBe(1);
    expect(cold.netsuite.total).toBe(1);
    expect(cold.zendesk.total).toBe(1);

    const again = await stack.query<{ customer: { identities: Identity[] } }>(IDENTITIES, { id: c.number });
    expect(again.body.data?.customer.identities).toEqual(ids);
    const warm = await stack.allStats(again.correlationId);
    expect([warm.salesforce.total, warm.netsuite.total, warm.zendesk.total]).toEqual([0, 0, 0]);
  });

  it('costs the ERP nothing more when the view reads the financials too', async () => {
    const c = customer(6);
    const res = await stack.query<{ customer: { identities: Identity[]; financials: { balance: { amount: string } } | null } }>(
      `query Q($id: ID!) { customer(id: $id) { identities { recordType recordId } financials { balance { amount } } } }`,
      { id: c.number },
    );
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data?.customer.identities).toContainEqual({ recordType: 'NETSUITE_CUSTOMER', recordId: c.netsuiteId });
    expect((await stack.stats('netsuite', res.correlationId)).total).toBe(1);
  });

  it('is refused to storefront callers', async () => {
    const own = stack.tokens.storefront;
    const res = await stack.query<{ customer: { identities: Identity[] | null } }>(IDENTITIES, { id: own.customerId }, { token: own.token });
    expect(res.body.errors?.map((e) => e.extensions?.code)).toContain('FORBIDDEN');
    expect(res.body.data?.customer.identities ?? null).toBeNull();
  });

  it('is null with an error naming the system that could not answer', async () => {
    const c = customer(8);
    await stack.faults('zendesk', { down: true });
    try {
      const res = await stack.query<{ customer: { identities: Identity[] | null } }>(IDENTITIES, { id: c.number });
      expect(res.body.data?.customer.identities ?? null).toBeNull();
      expect(res.body.errors?.map((e) => e.extensions?.system)).toContain('SERVICE_DESK');
    } finally {
      await stack.clearFaults();
    }
  });
});

describe('customerByIdentity(system: NETSUITE | ZENDESK)', () => {
  it("finds the customer from its NetSuite customer's internal id: one SuiteQL query, then none", async () => {
    const c = customer(9);
    const res = await stack.query<{ customerByIdentity: { id: string; name: string } | null }>(BY_IDENTITY, { system: 'NETSUITE', id: c.netsuiteId });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data?.customerByIdentity?.id).toBe(c.number);
    expect(res.body.data?.customerByIdentity?.name).toBeTruthy();
    expect((await stack.stats('netsuite', res.correlationId)).calls).toEqual({ 'POST /services/rest/query/v1/suiteql': 1 });

    const again = await stack.query<{ customerByIdentity: { id: string } | null }>(BY_IDENTITY, { system: 'NETSUITE', id: c.netsuiteId });
    expect(again.body.data?.customerByIdentity?.id).toBe(c.number);
    expect((await stack.allStats(again.correlationId)).netsuite.total).toBe(0);
  });

  it('finds the customer from its Zendesk organization and from its end user, in one call per kind', async () => {
    const c = customer(10);
    expect(c.userIds.length).toBeGreaterThan(0);
    const res = await stack.query<Record<string, { id: string } | null>>(
      `query Q($org: ID!, $orgPrefixed: ID!, $user: ID!) {
        org: customerByIdentity(system: ZENDESK, id: $org) { id }
        orgPrefixed: customerByIdentity(system: ZENDESK, id: $orgPrefixed) { id }
        user: customerByIdentity(system: ZENDESK, id: $user) { id }
      }`,
      { org: c.organizationId, orgPrefixed: `organization:${c.organizationId}`, user: `user:${c.userIds[0]}` },
    );
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data).toEqual({ org: { id: c.number }, orgPrefixed: { id: c.number }, user: { id: c.number } });
    const zendesk = await stack.stats('zendesk', res.correlationId);
    expect(zendesk.total).toBe(2);
  });

  it('gives null for a record the system does not know', async () => {
    for (const [system, id] of [
      ['NETSUITE', '999999999'],
      ['ZENDESK', '999999999'],
      ['ZENDESK', 'user:999999999'],
    ] as const) {
      const res = await stack.query<{ customerByIdentity: unknown }>(BY_IDENTITY, { system, id });
      expect(res.body.errors, `${system} ${id}`).toBeUndefined();
      expect(res.body.data?.customerByIdentity, `${system} ${id}`).toBeNull();
    }
  });

  it('refuses ids that are not ids with BAD_USER_INPUT, before any call', async () => {
    const hostile: Array<['NETSUITE' | 'ZENDESK', string]> = [
      ['NETSUITE', '1 OR 1=1'],
      ['NETSUITE', '1) OR (1=1'],
      ['NETSUITE', "1'--"],
      ['NETSUITE', '0'],
      ['NETSUITE', '-5'],
      ['NETSUITE', 'C-000001'],
      ['NETSUITE', '9'.repeat(13)],
      ['ZENDESK', '1,2,3'],
      ['ZENDESK', 'user:'],
      ['ZENDESK', 'group:5'],
      ['ZENDESK', '5&external_ids=C-000001'],
      ['ZENDESK', ''],
      ['ZENDESK', 'x'.repeat(900)],
    ];
    for (const [system, id] of hostile) {
      const res = await stack.query<{ customerByIdentity: unknown }>(BY_IDENTITY, { system, id });
      expect(res.body.errors?.[0]?.extensions?.code, `${system} ${id}`).toBe('BAD_USER_INPUT');
      expect(res.body.data?.customerByIdentity ?? null).toBeNull();
      const calls = await stack.allStats(res.correlationId);
      expect([calls.netsuite.total, calls.zendesk.total, calls.salesforce.total], `${system} ${id}`).toEqual([0, 0, 0]);
    }
  });

  it("lets a storefront caller find its own customer only, from another system's id too", async () => {
    const own = stack.tokens.storefront;
    const mine = customer(1);
    expect(mine.number).toBe(own.customerId);
    const ok = await stack.query<{ customerByIdentity: { id: string } | null }>(BY_IDENTITY, { system: 'NETSUITE', id: mine.netsuiteId }, { token: own.token });
    expect(ok.body.data?.customerByIdentity?.id).toBe(mine.number);
    const other = customer(2);
    const res = await stack.query<{ customerByIdentity: unknown }>(BY_IDENTITY, { system: 'ZENDESK', id: other.organizationId }, { token: own.token });
    expect(res.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(JSON.stringify(res.body)).not.toContain(other.number);
  });
});
