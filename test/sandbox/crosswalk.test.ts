/**
 * The crosswalk fixtures (sandbox/dataset/crosswalk.ts, docs/identity.md#sandbox-fixtures): each
 * case is read back through the NetSuite and Zendesk sandboxes' own APIs, as a connector would read
 * it, and scored by the matching rule with its defaults against the customer it is about.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMatchRule, matchScore, type MatchAttributes } from '../../lib/identity-match.js';
import {
  CROSSWALK_ACCOUNTS,
  CROSSWALK_FIXTURES as F,
  CROSSWALK_NETSUITE_CUSTOMERS,
  CROSSWALK_ORGANIZATIONS,
  crosswalkExpectations,
  isCrosswalkRecord,
} from '../../sandbox/dataset/crosswalk.js';
import { generateDataset } from '../../sandbox/dataset/generate.js';
import type { RetailDataset, SfAccount } from '../../sandbox/dataset/model.js';
import { createNetSuiteSandbox, type NetSuiteSandbox } from '../../sandbox/netsuite/index.js';
import { createZendeskSandbox, ZENDESK_SANDBOX_CREDENTIALS, type ZendeskSandbox } from '../../sandbox/zendesk/index.js';
import { NsClient, sqlString } from './netsuite-client.js';

const rule = loadMatchRule({});
const ZD_AUTH = `Basic ${Buffer.from(`${ZENDESK_SANDBOX_CREDENTIALS.email}/token:${ZENDESK_SANDBOX_CREDENTIALS.apiToken}`).toString('base64')}`;

// Three customers: the fixtures do not depend on the dataset's size.
let d: RetailDataset;
let nsServer: NetSuiteSandbox;
let zdServer: ZendeskSandbox;
let ns: NsClient;
let zdBase: string;

beforeAll(async () => {
  d = generateDataset({ seed: 42, customers: 3, asOf: new Date('2026-11-20T00:00:00.000Z') });
  nsServer = await createNetSuiteSandbox({ dataset: d });
  ns = new NsClient(await nsServer.listen(0));
  zdServer = await createZendeskSandbox({ dataset: d });
  zdBase = await zdServer.listen(0);
});

afterAll(async () => {
  await nsServer?.close();
  await zdServer?.close();
});

interface NsRow {
  id: number;
  externalid: string | null;
  entityid: string;
  name: string;
  email: string | null;
  phone: string | null;
  zip: string | null;
}

/** NetSuite customers as SuiteQL answers them, with the billing postcode. */
async function nsCustomers(where: string): Promise<NsRow[]> {
  const res = await ns.suiteql(
    `SELECT c.id AS id, c.externalid AS externalid, c.entityid AS entityid, c.altname AS name, c.email AS email, c.phone AS phone, a.zip AS zip
     FROM customer c LEFT JOIN entityaddress a ON a.nkey = c.defaultbillingaddress WHERE ${where} ORDER BY c.id`,
  );
  expect(res.status).toBe(200);
  // SuiteQL leaves out null columns and answers numbers as text.
  return (res.body.items as Record<string, string | undefined>[]).map((r) => ({
    id: Number(r.id),
    externalid: r.externalid ?? null,
    entityid: r.entityid ?? '',
    name: r.name ?? '',
    email: r.email ?? null,
    phone: r.phone ?? null,
    zip: r.zip ?? null,
  }));
}

async function nsCustomer(id: number): Promise<NsRow> {
  const [row] = await nsCustomers(`c.id = ${id}`);
  if (!row) throw new Error(`NetSuite has no customer ${id}`);
  return row;
}

async function zd<T>(path: string): Promise<T> {
  const res = await fetch(`${zdBase}/api/v2/${path}`, { headers: { authorization: ZD_AUTH } });
  expect(res.status, path).toBe(200);
  return (await res.json()) as T;
}

interface ZdOrg {
  id: number;
  external_id: string | null;
  name: string;
}
interface ZdUser {
  id: number;
  external_id: string | null;
  name: string;
  email: string;
  phone: string | null;
  organization_id: number | null;
}

const organizations = async (ids: readonly number[]): Promise<ZdOrg[]> => (await zd<{ organizations: ZdOrg[] }>(`organizations/show_many.json?ids=${ids.join(',')}`)).organizations;
const usersByEmail = async (email: string): Promise<ZdUser[]> =>
  (await zd<{ users: ZdUser[] }>(`users/search.json?query=${encodeURIComponent(`email:"${email}"`)}`)).users;

function account(number: string): SfAccount {
  const a = d.salesforce.accounts.find((x) => x.Customer_Number__c === number);
  if (!a) throw new Error(`Salesforce has no account ${number}`);
  return a;
}

/** The customer as the rule sees it: Salesforce's e-mail, phone and name, its linked ERP record's postcode. */
async function customerAttributes(number: string): Promise<MatchAttributes> {
  const a = account(number);
  const [linked, ...more] = await nsCustomers(`c.externalid = ${sqlString(number)}`);
  expect(more).toEqual([]);
  return { email: a.Email__c, phone: a.Phone, name: a.Name, postcode: linked?.zip ?? null };
}

describe('crosswalk fixtures in the dataset', () => {
  it('are present in a three-customer dataset, in ranges of their own', () => {
    expect(d.salesforce.accounts.filter(isCrosswalkRecord.account).map((a) => a.Customer_Number__c)).toEqual(['C-980001', 'C-980002', 'C-980003', 'C-980004', 'C-980005']);
    expect(d.salesforce.accounts).toHaveLength(3 + CROSSWALK_ACCOUNTS);
    expect(d.netsuite.customers.filter(isCrosswalkRecord.netsuite)).toHaveLength(CROSSWALK_NETSUITE_CUSTOMERS);
    expect(d.netsuite.customers).toHaveLength(3 + CROSSWALK_NETSUITE_CUSTOMERS);
    expect(d.zendesk.organizations.filter(isCrosswalkRecord.organization)).toHaveLength(CROSSWALK_ORGANIZATIONS);
    expect(d.zendesk.users.filter(isCrosswalkRecord.user)).toHaveLength(CROSSWALK_ORGANIZATIONS);
    for (const ids of [d.netsuite.customers.map((c) => c.id), d.zendesk.organizations.map((o) => o.id), d.zendesk.users.map((u) => u.id)]) {
      expect(new Set(ids).size).toBe(ids.length);
    }
    // Below every customer's ids, so the next id each system hands out is the one it was.
    const regular = (ids: number[], fixture: number[]): void => expect(Math.max(...fixture)).toBeLessThan(Math.min(...ids));
    regular(d.netsuite.customers.filter((c) => !isCrosswalkRecord.netsuite(c)).map((c) => c.id), d.netsuite.customers.filter(isCrosswalkRecord.netsuite).map((c) => c.id));
    regular(d.zendesk.organizations.filter((o) => !isCrosswalkRecord.organization(o)).map((o) => o.id), d.zendesk.organizations.filter(isCrosswalkRecord.organization).map((o) => o.id));
    regular(d.zendesk.users.filter((u) => !isCrosswalkRecord.user(u)).map((u) => u.id), d.zendesk.users.filter(isCrosswalkRecord.user).map((u) => u.id));
    // No order and no ticket belongs to a fixture.
    const fixtureNs = new Set(d.netsuite.customers.filter(isCrosswalkRecord.netsuite).map((c) => c.id));
    const fixtureOrgs = new Set(d.zendesk.organizations.filter(isCrosswalkRecord.organization).map((o) => o.id));
    expect(d.netsuite.transactions.filter((t) => fixtureNs.has(t.entity))).toEqual([]);
    expect(d.zendesk.tickets.filter((t) => t.organization_id !== null && fixtureOrgs.has(t.organization_id))).toEqual([]);
  });

  it('scores each record as intended against its customer, read through the NetSuite and Zendesk APIs', async () => {
    for (const { customer, netsuiteId, organizationId, expectation } of crosswalkExpectations()) {
      const what = `${customer} ${netsuiteId ?? organizationId}: ${expectation.exercises}`;
      const attributes = await customerAttributes(customer);
      let score;
      if (netsuiteId !== undefined) {
        const r = await nsCustomer(netsuiteId);
        expect(r.externalid, what).toBeNull();
        expect(r.entityid, what).toBe(`CUST${netsuiteId}`);
        score = matchScore(rule, attributes, { email: r.email, phone: r.phone, name: r.name, postcode: r.zip });
      } else {
        // Zendesk: reached through the end users with the customer's e-mail, as the service subgraph searches.
        const [org] = await organizations([organizationId as number]);
        expect(org?.external_id, what).toBeNull();
        const users = (await usersByEmail(attributes.email as string)).filter((u) => u.organization_id === organizationId);
        expect(users, what).toHaveLength(1);
        expect(users[0]?.external_id, what).toBeNull();
        score = matchScore(rule, attributes, { email: users[0]?.email, phone: users[0]?.phone, name: users[0]?.name });
      }
      expect(score.matchedOn, what).toEqual(expectation.matchedOn);
      if (expectation.matchedOn.length > 0) expect(score.confidence, what).toBeGreaterThanOrEqual(rule.showThreshold);
      else expect(score.confidence, what).toBeLessThan(rule.showThreshold);
    }
  });

  it('hides each missing key from a lookup by the customer number', async () => {
    expect(await nsCustomers(`c.externalid IN ('C-980001', 'C-980002')`)).toEqual([]);
    expect((await zd<{ organizations: ZdOrg[] }>('organizations/show_many.json?external_ids=C-980003')).organizations).toEqual([]);
    // The linked records of the other fixture customers are found by it.
    for (const c of [F.serviceDeskMissingKey, F.duplicates, F.nearDuplicates]) {
      expect((await nsCustomers(`c.externalid = ${sqlString(c.customer)}`)).map((r) => r.id)).toEqual([c.netsuiteId]);
    }
    for (const c of [F.erpMissingKey.byEmail, F.erpMissingKey.byPhone, F.duplicates, F.nearDuplicates]) {
      const found = await zd<{ organizations: ZdOrg[] }>(`organizations/show_many.json?external_ids=${c.customer}`);
      expect(found.organizations.map((o) => o.id)).toEqual([c.organizationId]);
    }
  });

  it('writes the near-duplicates differently from the linked record, so only normalising makes them agree', async () => {
    const linked = await nsCustomer(F.nearDuplicates.netsuiteId);
    const a = account(F.nearDuplicates.customer);
    const byName = await nsCustomer(F.nearDuplicates.byName.netsuiteId);
    expect(byName.name).not.toBe(a.Name);
    expect(byName.name).not.toMatch(/[^\x20-\x7e]/);
    expect(byName.zip).not.toBe(linked.zip);
    expect((await nsCustomer(F.nearDuplicates.byPhone.netsuiteId)).phone).not.toBe(a.Phone);
    expect((await nsCustomer(F.nearDuplicates.byEmail.netsuiteId)).email).not.toBe(a.Email__c);
    const other = await nsCustomer(F.nearDuplicates.otherPostcode.netsuiteId);
    expect(other.name).toBe(a.Name);
    expect(other.zip).not.toBe(linked.zip);
    // The missing-key customers' phone and the Zendesk user's phone, in a national format.
    expect((await nsCustomer(F.erpMissingKey.byPhone.netsuiteId)).phone).toMatch(/^\(\d{3}\) \d{3}-\d{4}$/);
    const [user] = await usersByEmail(account(F.serviceDeskMissingKey.customer).Email__c as string);
    expect(user?.phone).toMatch(/^\(\d{3}\) \d{3}-\d{4}$/);
  });

  it('holds exact duplicates of a linked customer: a second NetSuite customer and a second organization whose user has the same e-mail', async () => {
    const linked = await nsCustomer(F.duplicates.netsuiteId);
    const copy = await nsCustomer(F.duplicates.erp.netsuiteId);
    expect({ ...copy, id: 0, externalid: null, entityid: '' }).toEqual({ ...linked, id: 0, externalid: null, entityid: '' });
    const users = await usersByEmail(account(F.duplicates.customer).Email__c as string);
    expect(users.map((u) => [u.id, u.external_id, u.organization_id]).sort()).toEqual([
      [F.duplicates.userId, F.duplicates.customer, F.duplicates.organizationId],
      [F.duplicates.serviceDesk.userId, null, F.duplicates.serviceDesk.organizationId],
    ]);
  });

  it('holds orphans: records no Salesforce account points at or resembles, one with a number Salesforce does not know', async () => {
    const o = F.orphans;
    expect(d.salesforce.accounts.some((a) => a.Customer_Number__c === o.unknownCustomer)).toBe(false);
    expect((await nsCustomers(`c.id IN (${o.netsuiteWithoutKey.netsuiteId}, ${o.netsuiteUnknownNumber.netsuiteId})`)).map((r) => [r.id, r.externalid])).toEqual([
      [o.netsuiteWithoutKey.netsuiteId, null],
      [o.netsuiteUnknownNumber.netsuiteId, o.unknownCustomer],
    ]);
    expect((await organizations([o.organizationWithoutKey.organizationId, o.organizationUnknownNumber.organizationId])).map((x) => [x.id, x.external_id])).toEqual([
      [o.organizationWithoutKey.organizationId, null],
      [o.organizationUnknownNumber.organizationId, o.unknownCustomer],
    ]);
    const users = (await zd<{ users: ZdUser[] }>(`users/show_many.json?ids=${o.organizationWithoutKey.userId},${o.organizationUnknownNumber.userId}`)).users;
    expect(users.map((u) => [u.id, u.external_id, u.organization_id])).toEqual([
      [o.organizationWithoutKey.userId, null, o.organizationWithoutKey.organizationId],
      [o.organizationUnknownNumber.userId, o.unknownCustomer, o.organizationUnknownNumber.organizationId],
    ]);
    // The orphan without a key resembles no customer of the dataset.
    const orphan = await nsCustomer(o.netsuiteWithoutKey.netsuiteId);
    const orphanUser = users[0] as ZdUser;
    for (const a of d.salesforce.accounts) {
      const customer = { email: a.Email__c, phone: a.Phone, name: a.Name };
      expect(matchScore(rule, customer, { email: orphan.email, phone: orphan.phone, name: orphan.name }).matchedOn, a.Customer_Number__c).toEqual([]);
      expect(matchScore(rule, customer, { email: orphanUser.email, name: orphanUser.name }).matchedOn, a.Customer_Number__c).toEqual([]);
    }
  });
});
