/**
 * Candidates from the ERP through the gateway (docs/identity.md#candidates-from-the-erp): a
 * customer whose NetSuite customer record lost its external id gets that record as a MATCHED
 * candidate, found by e-mail or phone in one SuiteQL query that a warm view does not repeat; confirming it
 * writes the external id once, after which the customer-360 reads its ERP data; rejecting it hides
 * it. Calls are counted, and the SuiteQL text read, at the NetSuite sandbox.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack, type StackCache } from '../support/stack.js';
import { erpClient } from './order-helpers.js';
import type { NetSuiteClient } from '../../lib/clients/netsuite.js';
import { CROSSWALK_FIXTURES as F, crosswalkExpectations } from '../../sandbox/dataset/crosswalk.js';

let stack: Stack & StackCache;
let erp: NetSuiteClient;

interface Identity {
  system: string;
  recordType: string;
  recordId: string;
  linkedBy: string;
  matchedOn: string[];
  confidence: number;
  suggested: boolean;
}

interface View {
  customer: { identities: Identity[] | null; financials: { balance: { amount: string } } | null; invoices: { totalCount: number } | null };
}

const VIEW = `query View($id: ID!) { customer(id: $id) {
  id identities { system recordType recordId linkedBy matchedOn confidence suggested }
  financials { balance { amount } } invoices(first: 100) { totalCount }
} }`;
const CONFIRM = `mutation Confirm($customerId: ID!, $recordId: ID!, $key: String) {
  confirmErpIdentity(customerId: $customerId, recordType: NETSUITE_CUSTOMER, recordId: $recordId, idempotencyKey: $key) {
    status writeId identity { system recordType recordId linkedBy confidence }
  }
}`;
const REJECT = `mutation Reject($customerId: ID!, $recordId: ID!) { rejectErpIdentity(customerId: $customerId, recordType: NETSUITE_CUSTOMER, recordId: $recordId) }`;
const PATCH = 'PATCH /services/rest/record/v1/customer/:id';

beforeAll(async () => {
  stack = await startStack({ cache: {}, inProcess: true });
  erp = erpClient(stack);
}, 30_000);

afterAll(async () => {
  await stack?.close();
});

const used: string[] = [];

/**
 * A customer not used yet (among `among`, by default past the first 60) whose NetSuite record has
 * the Account's e-mail (unique in the ERP) and some invoices.
 */
function unlinkable(among?: readonly string[]): { number: string; netsuiteId: string; invoices: number } {
  const d = stack.dataset;
  for (const a of among ? d.salesforce.accounts : d.salesforce.accounts.slice(60)) {
    const number = a.Customer_Number__c;
    const email = a.Email__c?.toLowerCase();
    if (used.includes(number) || !email || (among && !among.includes(number))) continue;
    const ns = d.netsuite.customers.find((c) => c.externalid === number);
    if (!ns || ns.email?.toLowerCase() !== email || d.netsuite.customers.filter((c) => c.email?.toLowerCase() === email).length !== 1) continue;
    const invoices = d.netsuite.transactions.filter((t) => t.type === 'CustInvc' && t.entity === ns.id).length;
    if (invoices === 0) continue;
    used.push(number);
    return { number, netsuiteId: String(ns.id), invoices };
  }
  throw new Error('the dataset has no customer to unlink');
}

/** The ERP loses the link, as an administrator would break it (no correlation id: not counted). */
async function unlink(netsuiteId: string): Promise<void> {
  await erp.updateRecord('customer', netsuiteId, { externalId: null });
  const rec = await erp.getRecord<{ externalId?: string }>('customer', netsuiteId);
  expect(rec?.externalId).toBeUndefined();
}

/** The SuiteQL statements the ERP received for one request. */
async function suiteql(correlationId: string): Promise<string[]> {
  const res = await fetch(`${stack.sandboxUrls.netsuite}/__sandbox/requests?correlationId=${encodeURIComponent(correlationId)}`);
  const { requests } = (await res.json()) as { requests: Array<{ route: string; body: unknown }> };
  return requests.filter((r) => r.route.includes('/query/v1/suiteql')).map((r) => String((r.body as { q?: string } | null)?.q ?? ''));
}

const isCandidateSearch = (q: string): boolean => q.includes('WHERE c.externalid IS NULL AND (');
const candidateSearches = async (correlationId: string): Promise<number> => (await suiteql(correlationId)).filter(isCandidateSearch).length;

const erpEntries = (v: View | null | undefined): Identity[] => (v?.customer.identities ?? []).filter((i) => i.system === 'NETSUITE');

async function settled(writeId: string): Promise<string> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const res = await stack.query<{ financeWrite: { status: string } | null }>(`query W($id: ID!) { financeWrite(writeId: $id) { status } }`, { id: writeId });
    const status = res.body.data?.financeWrite?.status ?? 'UNKNOWN';
    if (status !== 'QUEUED' || Date.now() > deadline) return status;
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('candidates where the ERP lacks the customer number', () => {
  it('lists the NetSuite customer as a MATCHED candidate without its ERP data; confirming writes the external id once, and the data follows', async () => {
    const c = unlinkable();
    await unlink(c.netsuiteId);

    const before = await stack.query<View>(VIEW, { id: c.number });
    expect(before.body.errors).toBeUndefined();
    const [candidate, ...others] = erpEntries(before.body.data);
    expect(others).toEqual([]);
    expect(candidate).toMatchObject({ recordType: 'NETSUITE_CUSTOMER', recordId: c.netsuiteId, linkedBy: 'MATCHED', suggested: true });
    expect(candidate?.matchedOn[0]).toBe('email');
    expect(candidate?.confidence).toBeGreaterThanOrEqual(0.9);
    expect(candidate?.confidence).toBeLessThan(1);
    // Not merged: the record's figures and invoices are not the customer's until it is confirmed.
    expect(before.body.data?.customer.financials).toBeNull();
    expect(before.body.data?.customer.invoices?.totalCount).toBe(0);
    expect(await candidateSearches(before.correlationId)).toBe(1);

    // Cached by address: a second view does not search again.
    const again = await stack.query<View>(VIEW, { id: c.number });
    expect(erpEntries(again.body.data)).toEqual([candidate]);
    expect(await candidateSearches(again.correlationId)).toBe(0);

    const confirmed = await stack.query<{ confirmErpIdentity: { status: string; identity: unknown } }>(CONFIRM, {
      customerId: c.number,
      recordId: c.netsuiteId,
      key: `confirm-${c.number}`,
    });
    expect(confirmed.body.errors).toBeUndefined();
    expect(confirmed.body.data?.confirmErpIdentity).toMatchObject({
      status: 'APPLIED',
      identity: { system: 'NETSUITE', recordType: 'NETSUITE_CUSTOMER', recordId: c.netsuiteId, linkedBy: 'SHARED_KEY', confidence: 1 },
    });
    expect((await stack.stats('netsuite', confirmed.correlationId)).calls[PATCH]).toBe(1);
    expect((await erp.getRecord<{ externalId?: string }>('customer', c.netsuiteId))?.externalId).toBe(c.number);

    // Confirming again, even under another key, finds the number already there and writes nothing.
    const repeat = await stack.query<{ confirmErpIdentity: { status: string } }>(CONFIRM, { customerId: c.number, recordId: c.netsuiteId, key: `again-${c.number}` });
    expect(repeat.body.data?.confirmErpIdentity.status).toBe('APPLIED');
    expect((await stack.stats('netsuite', repeat.correlationId)).calls[PATCH]).toBeUndefined();

    const after = await stack.query<View>(VIEW, { id: c.number });
    expect(after.body.errors).toBeUndefined();
    expect(erpEntries(after.body.data)).toEqual([
      { system: 'NETSUITE', recordType: 'NETSUITE_CUSTOMER', recordId: c.netsuiteId, linkedBy: 'SHARED_KEY', matchedOn: [], confidence: 1, suggested: false },
    ]);
    expect(after.body.data?.customer.financials?.balance.amount).toMatch(/^\d+\.\d{2}$/);
    expect(after.body.data?.customer.invoices?.totalCount).toBe(c.invoices);
    expect(await candidateSearches(after.correlationId)).toBe(0);
  });

  it('searches the candidates of every unlinked customer of a list in one query', async () => {
    const PAGE = `{ customers(first: 50) { nodes { id erpIdentities { recordId linkedBy } } } }`;
    const ids = (await stack.query<{ customers: { nodes: Array<{ id: string }> } }>(`{ customers(first: 50) { nodes { id } } }`)).body.data?.customers.nodes.map((n) => n.id) ?? [];
    const [a, b] = [unlinkable(ids), unlinkable(ids)];
    await unlink(a.netsuiteId);
    await unlink(b.netsuiteId);
    const res = await stack.query<{ customers: { nodes: Array<{ id: string; erpIdentities: Array<{ recordId: string; linkedBy: string }> }> } }>(PAGE);
    expect(res.body.errors).toBeUndefined();
    const matched = (res.body.data?.customers.nodes ?? []).filter((n) => n.erpIdentities.some((i) => i.linkedBy === 'MATCHED'));
    // The dataset's own customers whose only ERP record lacks the key are candidates too, when listed.
    const fixtures = [F.erpMissingKey.byEmail, F.erpMissingKey.byPhone].filter((f) => ids.includes(f.customer));
    const expected = [...[a, b].map((c) => ({ number: c.number, netsuiteId: c.netsuiteId })), ...fixtures.map((f) => ({ number: f.customer, netsuiteId: String(f.netsuiteId) }))];
    expect(matched.map((n) => [n.id, n.erpIdentities])).toEqual(
      expected.sort((x, y) => ids.indexOf(x.number) - ids.indexOf(y.number)).map((c) => [c.number, [{ recordId: c.netsuiteId, linkedBy: 'MATCHED' }]]),
    );
    // The financial-standing read for all 50, then one candidate search for every address and phone.
    expect(await candidateSearches(res.correlationId)).toBe(1);
    expect((await stack.stats('netsuite', res.correlationId)).total).toBe(2);
  });

  it('does not suggest a rejected candidate again', async () => {
    const c = unlinkable();
    await unlink(c.netsuiteId);
    const before = await stack.query<View>(VIEW, { id: c.number });
    expect(erpEntries(before.body.data).map((i) => [i.recordId, i.linkedBy])).toEqual([[c.netsuiteId, 'MATCHED']]);

    const rejected = await stack.query<{ rejectErpIdentity: boolean }>(REJECT, { customerId: c.number, recordId: c.netsuiteId });
    expect(rejected.body.errors).toBeUndefined();
    expect(rejected.body.data?.rejectErpIdentity).toBe(true);
    expect((await stack.allStats(rejected.correlationId)).netsuite.total).toBe(0);

    const after = await stack.query<View>(VIEW, { id: c.number });
    expect(after.body.errors).toBeUndefined();
    expect(erpEntries(after.body.data)).toEqual([]);
  });

  it('refuses with CONFLICT a record for a customer another record already holds the number of, writing nothing', async () => {
    const c = unlinkable();
    const other = unlinkable();
    await unlink(c.netsuiteId);
    const res = await stack.query(CONFIRM, { customerId: other.number, recordId: c.netsuiteId, key: `conflict-${randomUUID()}` });
    expect(res.body.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect((await stack.stats('netsuite', res.correlationId)).calls[PATCH]).toBeUndefined();
    expect((await erp.getRecord<{ externalId?: string }>('customer', c.netsuiteId))?.externalId).toBeUndefined();
  });

  it('queues a confirmation while the ERP is down and applies it once when it is back', async () => {
    const c = unlinkable();
    await unlink(c.netsuiteId);
    await stack.faults('netsuite', { down: true });
    let writeId: string;
    try {
      const res = await stack.query<{ confirmErpIdentity: { status: string; writeId: string; identity: unknown } }>(CONFIRM, {
        customerId: c.number,
        recordId: c.netsuiteId,
        key: `queued-${c.number}`,
      });
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data?.confirmErpIdentity).toMatchObject({ status: 'QUEUED', identity: null });
      writeId = res.body.data?.confirmErpIdentity.writeId ?? '';
    } finally {
      await stack.clearFaults();
    }
    expect(await settled(writeId)).toBe('APPLIED');
    expect((await erp.getRecord<{ externalId?: string }>('customer', c.netsuiteId))?.externalId).toBe(c.number);
  });

  it('refuses storefront callers and records that are not NetSuite customer ids, before any call', async () => {
    const own = stack.tokens.storefront;
    const forbidden = await stack.query(CONFIRM, { customerId: own.customerId, recordId: '5' }, { token: own.token });
    expect(forbidden.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const rejectForbidden = await stack.query(REJECT, { customerId: own.customerId, recordId: '5' }, { token: own.token });
    expect(rejectForbidden.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const number = stack.dataset.salesforce.accounts[3]?.Customer_Number__c ?? '';
    for (const recordId of ['0', 'abc', '5,6', "5' OR '1'='1", '1'.repeat(13)]) {
      const res = await stack.query(CONFIRM, { customerId: number, recordId });
      expect(res.body.errors?.[0]?.extensions?.code, recordId).toBe('BAD_USER_INPUT');
      expect((await stack.allStats(res.correlationId)).netsuite.total, recordId).toBe(0);
    }
    const org = await stack.query(`mutation { confirmErpIdentity(customerId: "${number}", recordType: ZENDESK_ORGANIZATION, recordId: "5") { status } }`);
    expect(org.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe("candidates found by phone among the dataset's crosswalk fixtures (sandbox/dataset/crosswalk.ts)", () => {
  /** The fixture's expectation for one NetSuite record. */
  const expected = (netsuiteId: number): readonly string[] => {
    const e = crosswalkExpectations().find((x) => x.netsuiteId === netsuiteId);
    if (!e) throw new Error(`no crosswalk expectation for NetSuite ${netsuiteId}`);
    return e.expectation.matchedOn;
  };

  it('lists the record that shares only the phone, written another way, as MATCHED and not suggested, from the same one query; none warm', async () => {
    const c = F.erpMissingKey.byPhone;
    const res = await stack.query<View>(VIEW, { id: c.customer });
    expect(res.body.errors).toBeUndefined();
    // The phone's weight alone (0.75): shown, below the suggest threshold.
    expect(erpEntries(res.body.data)).toEqual([
      { system: 'NETSUITE', recordType: 'NETSUITE_CUSTOMER', recordId: String(c.netsuiteId), linkedBy: 'MATCHED', matchedOn: [...expected(c.netsuiteId)], confidence: 0.75, suggested: false },
    ]);
    const searches = (await suiteql(res.correlationId)).filter(isCandidateSearch);
    expect(searches).toHaveLength(1);
    // The e-mail and the number's digit forms (+1 212-555-0147) in the one query.
    expect(searches[0]).toContain("LOWER(LTRIM(RTRIM(c.email))) IN ('thaddeus.okonkwo@crosswalk.example')");
    expect(searches[0]).toContain("REGEXP_REPLACE(c.phone, '[^0-9]', '') IN ('12125550147', '0012125550147', '2125550147', '02125550147')");

    const again = await stack.query<View>(VIEW, { id: c.customer });
    expect(erpEntries(again.body.data)).toEqual(erpEntries(res.body.data));
    expect(await candidateSearches(again.correlationId)).toBe(0);
  });

  it('lists the near-duplicates found by phone and by e-mail once the customer record loses its key, never the one with another postcode', async () => {
    const c = F.nearDuplicates;
    await unlink(String(c.netsuiteId));
    try {
      const res = await stack.query<View>(VIEW, { id: c.customer });
      expect(res.body.errors).toBeUndefined();
      const found = erpEntries(res.body.data).map((i) => [i.recordId, i.matchedOn, i.confidence, i.suggested]);
      expect(found).toEqual([
        // The record that lost the key: e-mail and phone (the customer subgraph has no postcode).
        [String(c.netsuiteId), ['email', 'phone'], 0.975, true],
        [String(c.byEmail.netsuiteId), [...expected(c.byEmail.netsuiteId)], 0.9, true],
        // "0044 20 7946 0731" for +44 20 7946 0731, another country than the configured one.
        [String(c.byPhone.netsuiteId), [...expected(c.byPhone.netsuiteId)], 0.75, false],
      ]);
      expect(expected(c.otherPostcode.netsuiteId)).toEqual([]);
      expect(found.map(([id]) => id)).not.toContain(String(c.otherPostcode.netsuiteId));
      expect(await candidateSearches(res.correlationId)).toBe(1);
    } finally {
      await erp.updateRecord('customer', String(c.netsuiteId), { externalId: c.customer });
    }
  });
});
