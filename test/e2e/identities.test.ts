/**
 * The identity crosswalk through the gateway (docs/identity.md): Customer.identities
 * lists each system's record, each contributed by the subgraph that wraps it, for one
 * call per system cold and none warm; customerByIdentity finds the customer from a
 * NetSuite or Zendesk id, refusing ids that are not ids before any call. The dataset's crosswalk
 * fixtures (records lacking the key, near-duplicates, orphans) are read as they are generated.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CROSSWALK_FIXTURES as F } from '../../sandbox/dataset/crosswalk.js';
import { startStack, type Stack, type StackCache } from '../support/stack.js';

let stack: Stack & StackCache;

interface Identity {
  system: string;
  recordType: string;
  recordId: string;
  linkedBy: string;
  matchedOn: string[];
  confidence: number;
  suggested: boolean;
}

const IDENTITIES = `query Ids($id: ID!) { customer(id: $id) { id identities { system recordType recordId linkedBy matchedOn confidence suggested } } }`;
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
    userIds: d.zendesk.users
      .filter((u) => u.external_id?.toLowerCase() === number.toLowerCase())
      .map((u) => u.id)
      .sort((x, y) => x - y)
      .map(String),
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

/** Customers the page test listed (and so cached), which the candidate tests leave alone. */
const listed: string[] = [];
const ZENDESK_COLD = { 'GET /api/v2/organizations/show_many': 1, 'GET /api/v2/users/show_many': 1 };

describe('Customer.identities', () => {
  it("lists a page of customers' service-desk records with one batched Zendesk call per kind of record, and none warm", async () => {
    // A name prefix whose customers no other test here reads: a page of them is one entity batch for the service subgraph.
    const accounts = stack.dataset.salesforce.accounts;
    const late = (a: (typeof accounts)[number]): boolean => accounts.indexOf(a) >= 150;
    const prefix = accounts
      .slice(150)
      .map((a) => a.Name.slice(0, 2))
      .find((p) => {
        // As namePrefix matches: the name, or one of its words, starts with the prefix.
        const matching = accounts.filter((a) => ` ${a.Name.toLowerCase()}`.includes(` ${p.toLowerCase()}`));
        return matching.length >= 3 && matching.length <= 20 && matching.every(late);
      });
    if (!prefix) throw new Error('the dataset has no name prefix of late customers only');
    const PAGE = `query Page($prefix: String!) { customers(first: 20, filter: { namePrefix: $prefix }) { nodes { id identities { system recordType recordId } } } }`;
    type Paged = { customers: { nodes: Array<{ id: string; identities: Array<Pick<Identity, 'system' | 'recordType' | 'recordId'>> }> } };
    const res = await stack.query<Paged>(PAGE, { prefix });
    expect(res.body.errors).toBeUndefined();
    const nodes = res.body.data?.customers.nodes ?? [];
    expect(nodes.length).toBeGreaterThanOrEqual(3);
    for (const n of nodes) {
      listed.push(n.id);
      const c = customer(accounts.findIndex((a) => a.Customer_Number__c === n.id) + 1);
      expect(c.userIds.length, n.id).toBeGreaterThan(0);
      expect(
        n.identities.filter((x) => x.system === 'ZENDESK'),
        n.id,
      ).toEqual([
        { system: 'ZENDESK', recordType: 'ZENDESK_ORGANIZATION', recordId: c.organizationId },
        ...c.userIds.map((id) => ({ system: 'ZENDESK', recordType: 'ZENDESK_USER', recordId: id })),
      ]);
    }
    expect((await stack.stats('zendesk', res.correlationId)).calls).toEqual(ZENDESK_COLD);

    const again = await stack.query<Paged>(PAGE, { prefix });
    expect(again.body.data).toEqual(res.body.data);
    expect((await stack.stats('zendesk', again.correlationId)).total).toBe(0);
  });

  it("lists each system's record by the shared key: one call per system and kind cold, none warm", async () => {
    const c = customer(5);
    const res = await stack.query<{ customer: { id: string; identities: Identity[] } }>(IDENTITIES, { id: c.number });
    expect(res.body.errors).toBeUndefined();
    const ids = res.body.data?.customer.identities ?? [];
    const shared = { linkedBy: 'SHARED_KEY', matchedOn: [], confidence: 1, suggested: false };
    expect(ids).toEqual([
      { system: 'SALESFORCE', recordType: 'SALESFORCE_ACCOUNT', recordId: c.accountId, ...shared },
      ...c.contactIds.map((id) => ({ system: 'SALESFORCE', recordType: 'SALESFORCE_CONTACT', recordId: id, ...shared })),
      { system: 'NETSUITE', recordType: 'NETSUITE_CUSTOMER', recordId: c.netsuiteId, ...shared },
      { system: 'ZENDESK', recordType: 'ZENDESK_ORGANIZATION', recordId: c.organizationId, ...shared },
      ...c.userIds.map((id) => ({ system: 'ZENDESK', recordType: 'ZENDESK_USER', recordId: id, ...shared })),
    ]);
    expect(c.userIds.length).toBeGreaterThan(0);
    const cold = await stack.allStats(res.correlationId);
    expect(cold.salesforce.total).toBe(1);
    expect(cold.netsuite.total).toBe(1);
    expect(cold.zendesk.calls).toEqual(ZENDESK_COLD);

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

const ZD_AUTH = `Basic ${Buffer.from('agent@sandbox.example/token:sandbox').toString('base64')}`;

/** A change made in Zendesk itself, as an administrator would make it (no correlation id: not counted). */
async function zendeskPut(path: string, body: unknown): Promise<number> {
  const res = await fetch(`${stack.sandboxUrls.zendesk}/api/v2/${path}`, {
    method: 'PUT',
    headers: { authorization: ZD_AUTH, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  await res.text();
  return res.status;
}

/**
 * A consumer customer (not the storefront's, not used above) whose Zendesk end user has the
 * Account's e-mail and belongs to its organization, which holds some of its tickets.
 */
function unlinkable(skip: readonly string[]): { number: string; organizationId: string; tickets: number; userIds: string[] } {
  const d = stack.dataset;
  for (const a of d.salesforce.accounts.slice(20)) {
    const number = a.Customer_Number__c;
    if (skip.includes(number) || a.Segment__c !== 'Consumer' || !a.Email__c) continue;
    const org = d.zendesk.organizations.find((o) => o.external_id === number);
    const user = d.zendesk.users.find((u) => u.role === 'end-user' && u.organization_id === org?.id && u.email.toLowerCase() === a.Email__c?.toLowerCase());
    const tickets = d.zendesk.tickets.filter((t) => t.organization_id === org?.id).length;
    if (org && user && tickets > 0) return { number, organizationId: String(org.id), tickets, userIds: customer(d.salesforce.accounts.indexOf(a) + 1).userIds };
  }
  throw new Error('the dataset has no customer to unlink');
}

const VIEW = `query View($id: ID!) { customer(id: $id) { id identities { system recordType recordId linkedBy matchedOn confidence suggested } cases(first: 100) { totalCount } } }`;
const CONFIRM = `mutation Confirm($customerId: ID!, $recordId: ID!, $key: String) {
  confirmServiceDeskIdentity(customerId: $customerId, recordType: ZENDESK_ORGANIZATION, recordId: $recordId, idempotencyKey: $key) {
    status writeId identity { system recordType recordId linkedBy confidence }
  }
}`;
const REJECT = `mutation Reject($customerId: ID!, $recordId: ID!) { rejectServiceDeskIdentity(customerId: $customerId, recordType: ZENDESK_ORGANIZATION, recordId: $recordId) }`;

interface View {
  customer: { identities: Identity[] | null; cases: { totalCount: number } | null };
}

/** The service desk's organizations in a view: linked or candidates. */
const zendeskEntries = (v: View | null | undefined): Identity[] => (v?.customer.identities ?? []).filter((i) => i.recordType === 'ZENDESK_ORGANIZATION');
/** The end users holding the customer number, listed whether an organization holds it or not. */
const zendeskUsers = (v: View | null | undefined): string[] =>
  (v?.customer.identities ?? []).filter((i) => i.recordType === 'ZENDESK_USER' && i.linkedBy === 'SHARED_KEY').map((i) => i.recordId);

describe('candidates where the service desk lacks the customer number', () => {
  const used: string[] = [];

  it('lists the organization as a MATCHED candidate, without its cases; confirming writes the external id once, and the cases follow', async () => {
    const c = unlinkable([...used, ...listed]);
    used.push(c.number);
    expect(await zendeskPut(`organizations/${c.organizationId}.json`, { organization: { external_id: null } })).toBe(200);

    const before = await stack.query<View>(VIEW, { id: c.number });
    expect(before.body.errors).toBeUndefined();
    // The end user still holds the number: a shared key, listed before the candidate.
    expect(zendeskUsers(before.body.data)).toEqual(c.userIds);
    expect(before.body.data?.customer.identities?.find((i) => i.system === 'ZENDESK')?.recordType).toBe('ZENDESK_USER');
    const [candidate, ...others] = zendeskEntries(before.body.data);
    expect(others).toEqual([]);
    // The e-mail agrees: 0.9 or more, which the default suggest threshold (0.85) prompts to confirm.
    expect(candidate).toMatchObject({ recordType: 'ZENDESK_ORGANIZATION', recordId: c.organizationId, linkedBy: 'MATCHED', suggested: true });
    expect(candidate?.matchedOn[0]).toBe('email');
    expect(candidate?.confidence).toBeGreaterThanOrEqual(0.9);
    expect(candidate?.confidence).toBeLessThan(1);
    // Not merged: the candidate's cases are not the customer's until it is confirmed.
    expect(before.body.data?.customer.cases?.totalCount).toBe(0);

    // The candidate search is cached: a second view does not search again.
    const again = await stack.query<View>(VIEW, { id: c.number });
    expect(zendeskEntries(again.body.data)).toEqual([candidate]);
    expect((await stack.stats('zendesk', again.correlationId)).calls['GET /api/v2/users/search']).toBeUndefined();

    const confirmed = await stack.query<{ confirmServiceDeskIdentity: { status: string; identity: unknown } }>(CONFIRM, {
      customerId: c.number,
      recordId: c.organizationId,
      key: `confirm-${c.number}`,
    });
    expect(confirmed.body.errors).toBeUndefined();
    expect(confirmed.body.data?.confirmServiceDeskIdentity).toMatchObject({
      status: 'APPLIED',
      identity: { system: 'ZENDESK', recordType: 'ZENDESK_ORGANIZATION', recordId: c.organizationId, linkedBy: 'SHARED_KEY', confidence: 1 },
    });
    expect((await stack.stats('zendesk', confirmed.correlationId)).calls['PUT /api/v2/organizations/:organization_id']).toBe(1);

    // Confirming again, even under another key, finds the number already there and writes nothing.
    const repeat = await stack.query<{ confirmServiceDeskIdentity: { status: string } }>(CONFIRM, { customerId: c.number, recordId: c.organizationId, key: `again-${c.number}` });
    expect(repeat.body.data?.confirmServiceDeskIdentity.status).toBe('APPLIED');
    expect((await stack.stats('zendesk', repeat.correlationId)).calls['PUT /api/v2/organizations/:organization_id']).toBeUndefined();

    const after = await stack.query<View>(VIEW, { id: c.number });
    expect(after.body.errors).toBeUndefined();
    expect(zendeskEntries(after.body.data)).toEqual([
      { system: 'ZENDESK', recordType: 'ZENDESK_ORGANIZATION', recordId: c.organizationId, linkedBy: 'SHARED_KEY', matchedOn: [], confidence: 1, suggested: false },
    ]);
    expect(after.body.data?.customer.cases?.totalCount).toBe(c.tickets);
  });

  it('does not suggest a rejected candidate again', async () => {
    const c = unlinkable([...used, ...listed]);
    used.push(c.number);
    expect(await zendeskPut(`organizations/${c.organizationId}.json`, { organization: { external_id: null } })).toBe(200);
    const before = await stack.query<View>(VIEW, { id: c.number });
    expect(zendeskEntries(before.body.data).map((i) => [i.recordId, i.linkedBy])).toEqual([[c.organizationId, 'MATCHED']]);

    const rejected = await stack.query<{ rejectServiceDeskIdentity: boolean }>(REJECT, { customerId: c.number, recordId: c.organizationId });
    expect(rejected.body.errors).toBeUndefined();
    expect(rejected.body.data?.rejectServiceDeskIdentity).toBe(true);
    expect((await stack.allStats(rejected.correlationId)).zendesk.total).toBe(0);

    const after = await stack.query<View>(VIEW, { id: c.number });
    expect(after.body.errors).toBeUndefined();
    expect(zendeskEntries(after.body.data)).toEqual([]);
    expect(after.body.data?.customer.cases?.totalCount).toBe(0);
  });

  it('refuses storefront callers and records that are not organization ids, before any call', async () => {
    const own = stack.tokens.storefront;
    const forbidden = await stack.query(CONFIRM, { customerId: own.customerId, recordId: '5' }, { token: own.token });
    expect(forbidden.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    for (const recordId of ['0', 'abc', '5,6', '1'.repeat(17)]) {
      const res = await stack.query(CONFIRM, { customerId: customer(4).number, recordId });
      expect(res.body.errors?.[0]?.extensions?.code, recordId).toBe('BAD_USER_INPUT');
      expect((await stack.allStats(res.correlationId)).zendesk.total, recordId).toBe(0);
    }
    const user = await stack.query(`mutation { confirmServiceDeskIdentity(customerId: "${customer(4).number}", recordType: ZENDESK_USER, recordId: "5") { status } }`);
    expect(user.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe("the dataset's crosswalk fixtures (sandbox/dataset/crosswalk.ts)", () => {
  const entries = (res: { body: { data?: { customer: { identities: Identity[] | null } } | null } }, system: string): Identity[] =>
    (res.body.data?.customer.identities ?? []).filter((i) => i.system === system);

  it('lists the organization that lacks the customer number as a MATCHED candidate, found by e-mail and phone', async () => {
    const c = F.serviceDeskMissingKey;
    const res = await stack.query<{ customer: { identities: Identity[] | null } }>(IDENTITIES, { id: c.customer });
    expect(res.body.errors).toBeUndefined();
    expect(entries(res, 'ZENDESK').filter((i) => i.recordType === 'ZENDESK_ORGANIZATION')).toEqual([
      // 1 - (1 - 0.9) * (1 - 0.75): the e-mail and the phone, written another way, agree.
      { system: 'ZENDESK', recordType: 'ZENDESK_ORGANIZATION', recordId: String(c.organizationId), linkedBy: 'MATCHED', matchedOn: [...c.matchedOn], confidence: 0.975, suggested: true },
    ]);
    expect(entries(res, 'NETSUITE')).toContainEqual(expect.objectContaining({ recordId: String(c.netsuiteId), linkedBy: 'SHARED_KEY' }));
  });

  it('does not link the near-duplicate with another postcode', async () => {
    const c = F.nearDuplicates;
    const res = await stack.query<{ customer: { identities: Identity[] | null } }>(IDENTITIES, { id: c.customer });
    expect(res.body.errors).toBeUndefined();
    const netsuite = entries(res, 'NETSUITE');
    expect(netsuite).toContainEqual(expect.objectContaining({ recordId: String(c.netsuiteId), linkedBy: 'SHARED_KEY' }));
    expect(netsuite.map((i) => i.recordId)).not.toContain(String(c.otherPostcode.netsuiteId));
    // Its organization holds the key, so the service desk lists no candidate.
    expect(entries(res, 'ZENDESK').filter((i) => i.recordType === 'ZENDESK_ORGANIZATION')).toEqual([
      expect.objectContaining({ recordId: String(c.organizationId), linkedBy: 'SHARED_KEY' }),
    ]);
  });

  it('resolves an orphan to nothing without a key, and to the number Salesforce does not know with one', async () => {
    const o = F.orphans;
    const res = await stack.query<Record<string, { id: string; name: string | null } | null>>(
      `query Q($org: ID!, $user: ID!, $orgUnknown: ID!, $ns: ID!, $nsUnknown: ID!) {
        org: customerByIdentity(system: ZENDESK, id: $org) { id name }
        user: customerByIdentity(system: ZENDESK, id: $user) { id name }
        orgUnknown: customerByIdentity(system: ZENDESK, id: $orgUnknown) { id name }
        ns: customerByIdentity(system: NETSUITE, id: $ns) { id name }
        nsUnknown: customerByIdentity(system: NETSUITE, id: $nsUnknown) { id name }
      }`,
      {
        org: String(o.organizationWithoutKey.organizationId),
        user: `user:${o.organizationWithoutKey.userId}`,
        orgUnknown: String(o.organizationUnknownNumber.organizationId),
        ns: String(o.netsuiteWithoutKey.netsuiteId),
        nsUnknown: String(o.netsuiteUnknownNumber.netsuiteId),
      },
    );
    expect(res.body.errors).toBeUndefined();
    // Salesforce has no account C-980099: the customer resolves with its Salesforce fields null.
    const unknown = { id: o.unknownCustomer, name: null };
    expect(res.body.data).toEqual({ org: null, user: null, orgUnknown: unknown, ns: null, nsUnknown: unknown });
  });
});
