import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { randomUUID } from 'node:crypto';
import { CROSSWALK_ACCOUNTS } from '../../sandbox/dataset/crosswalk.js';
import { generateDataset } from '../../sandbox/dataset/generate.js';
import type { RetailDataset, SfAccount } from '../../sandbox/dataset/model.js';
import { createSalesforceSandbox, type SalesforceSandbox } from '../../sandbox/salesforce/index.js';
import { createSalesforceClient, type SalesforceClient } from '../../lib/clients/salesforce.js';
import { loadSalesforceConfig } from '../../lib/config.js';
import { loadOrgMapping } from '../../lib/mapping.js';
import { serveSubgraph, type RunningService } from '../../lib/subgraph.js';
import { TEST_TRUST, signedHeaders } from '../support/auth.js';
import { createCustomerSubgraph } from '../../subgraphs/customer/src/index.js';

type Json = Record<string, unknown>;
interface GqlError {
  message: string;
  path?: (string | number)[];
  extensions?: Json;
}
interface GqlResult {
  data?: Json | null;
  errors?: GqlError[];
}

const QUERY_ROUTE = 'GET /services/data/:version/query';

let dataset: RetailDataset;
let sandbox: SalesforceSandbox;
let sfUrl: string;
let salesforce: SalesforceClient;
let subgraph: RunningService;

async function gql(query: string, variables: Json = {}, correlationId = randomUUID()): Promise<GqlResult & { correlationId: string }> {
  const res = await fetch(subgraph.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...signedHeaders(correlationId, 'customer', { query, variables }) },
    body: JSON.stringify({ query, variables }),
  });
  return { ...((await res.json()) as GqlResult), correlationId };
}

async function calls(correlationId: string): Promise<{ total: number; calls: Record<string, number> }> {
  const res = await fetch(`${sfUrl}/__sandbox/stats?correlationId=${encodeURIComponent(correlationId)}`);
  return (await res.json()) as { total: number; calls: Record<string, number> };
}

async function faults(f: Json): Promise<void> {
  const res = await fetch(`${sfUrl}/__sandbox/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(f) });
  expect(res.status).toBeLessThan(300);
}

function account(number: string): SfAccount {
  const a = dataset.salesforce.accounts.find((x) => x.Customer_Number__c === number);
  if (!a) throw new Error(`fixture ${number} missing`);
  return a;
}

const FULL = /* GraphQL */ `
  id salesforceId name email phone segment preferredStoreId
  loyalty { tier points }
  consent { emailOptIn smsOptIn updatedAt }
  contacts { id name email phone role }
  freshness { source fetchedAt stale }
`;

const ENTITIES = /* GraphQL */ `
  query ($representations: [_Any!]!) {
    _entities(representations: $representations) { ... on Customer { id name email loyalty { tier } } }
  }
`;

beforeAll(async () => {
  dataset = generateDataset({ seed: 42, customers: 200, asOf: new Date('2026-11-20T00:00:00Z') });
  sandbox = await createSalesforceSandbox({ dataset });
  sfUrl = await sandbox.listen(0, '127.0.0.1');
  salesforce = createSalesforceClient(loadSalesforceConfig({ SALESFORCE_LOGIN_URL: sfUrl }), { policy: { backoffMs: 1 } });
  // Signing in now keeps the token call out of every measured request.
  await salesforce.connect();
  subgraph = await serveSubgraph(createCustomerSubgraph({ salesforce, mapping: loadOrgMapping('config/org-mapping.json') }), { port: 0, host: '127.0.0.1' }, { trust: TEST_TRUST });
});

afterAll(async () => {
  await subgraph?.close();
  await sandbox?.close();
});

describe('customer(id)', () => {
  it("answers a customer as Salesforce holds it, for one query call", async () => {
    const r = await gql(`{ customer(id: "C-000007") { ${FULL} } }`);
    expect(r.errors).toBeUndefined();
    const a = account('C-000007');
    const c = r.data?.customer as Json;
    expect(c).toMatchObject({
      id: 'C-000007',
      salesforceId: a.Id,
      name: "Siobhan O'Brien",
      email: a.Email__c,
      phone: a.Phone,
      segment: a.Segment__c.toUpperCase(),
      preferredStoreId: a.Preferred_Store__c,
      loyalty: { tier: a.Loyalty_Tier__c.toUpperCase(), points: a.Loyalty_Points__c },
      consent: { emailOptIn: a.Email_Opt_In__c, smsOptIn: a.SMS_Opt_In__c, updatedAt: a.Consent_Updated_At__c ? new Date(a.Consent_Updated_At__c).toISOString() : null },
      freshness: { source: 'SALESFORCE', stale: false },
    });
    expect(await calls(r.correlationId)).toEqual({ total: 1, calls: { [QUERY_ROUTE]: 1 } });
  });

  it('carries contacts in the same query', async () => {
    const r = await gql(`{ customer(id: "C-000006") { name segment contacts { id name role email } } }`);
    expect(r.errors).toBeUndefined();
    const c = r.data?.customer as { name: string; segment: string; contacts: Json[] };
    expect(c.name).toBe("O'Neill's Boutique");
    expect(c.segment).toBe('BUSINESS');
    const expected = dataset.salesforce.contacts.filter((x) => x.AccountId === account('C-000006').Id);
    expect(c.contacts).toHaveLength(4);
    expect(c.contacts.map((x) => x.id).sort()).toEqual(expected.map((x) => x.Id).sort());
    expect((await calls(r.correlationId)).total).toBe(1);
  });

  it('answers non-ASCII names intact', async () => {
    const r = await gql(`{ customer(id: "C-000008") { name } }`);
    expect(r.data?.customer).toEqual({ name: 'Jürgen Müller' });
  });

  it('gives null, without an error, for a well-formed number Salesforce does not know', async () => {
    const r = await gql(`{ customer(id: "C-999999") { id name } }`);
    expect(r.errors).toBeUndefined();
    expect(r.data?.customer).toBeNull();
    expect((await calls(r.correlationId)).total).toBe(1);
  });

  it.each(['abc', 'C-1', "C-000001' OR Name != '", 'c-000001x', ''])('refuses the malformed id %j with BAD_USER_INPUT and no call', async (id) => {
    const r = await gql(`query ($id: ID!) { customer(id: $id) { id name } }`, { id });
    expect(r.data?.customer).toBeNull();
    expect(r.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(r.errors?.[0]?.message).toContain('expected a customer number like C-000042');
    expect((await calls(r.correlationId)).total).toBe(0);
  });
});

describe('_entities', () => {
  it('resolves 50 customers with one Salesforce query, in order', async () => {
    const numbers = dataset.salesforce.accounts.slice(0, 50).map((a) => a.Customer_Number__c).reverse();
    const r = await gql(ENTITIES, { representations: numbers.map((id) => ({ __typename: 'Customer', id })) });
    expect(r.errors).toBeUndefined();
    const entities = r.data?._entities as Json[];
    expect(entities.map((e) => e.id)).toEqual(numbers);
    expect(entities.map((e) => e.name)).toEqual(numbers.map((n) => account(n).Name));
    expect(await calls(r.correlationId)).toEqual({ total: 1, calls: { [QUERY_ROUTE]: 1 } });
  });

  it('keeps an unknown customer as its id with null Salesforce fields, and refuses a malformed one', async () => {
    const r = await gql(ENTITIES, {
      representations: [
        { __typename: 'Customer', id: 'C-000002' },
        { __typename: 'Customer', id: 'C-999998' },
        { __typename: 'Customer', id: 'nope' },
      ],
    });
    const entities = r.data?._entities as (Json | null)[];
    expect(entities[0]).toMatchObject({ id: 'C-000002', name: account('C-000002').Name });
    expect(entities[1]).toEqual({ id: 'C-999998', name: null, email: null, loyalty: null });
    expect(entities[2]).toBeNull();
    expect(r.errors).toHaveLength(1);
    expect(r.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await calls(r.correlationId)).total).toBe(1);
  });
});

describe('customers(filter)', () => {
  const SEARCH = /* GraphQL */ `
    query ($filter: CustomerFilter, $first: Int, $after: String) {
      customers(filter: $filter, first: $first, after: $after) {
        nodes { id name email phone }
        edges { cursor node { id } }
        pageInfo { hasNextPage endCursor }
        freshness { source stale }
      }
    }
  `;
  type Page = { nodes: Json[]; edges: { cursor: string; node: Json }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };

  it('finds O\'Brien by "O\'Bri", in one query', async () => {
    const r = await gql(SEARCH, { filter: { namePrefix: "O'Bri" } });
    expect(r.errors).toBeUndefined();
    const page = r.data?.customers as Page;
    expect(page.nodes.map((n) => n.id)).toContain('C-000007');
    for (const n of page.nodes) expect(String(n.name).toLowerCase()).toMatch(/(^| )o'bri/);
    expect(await calls(r.correlationId)).toEqual({ total: 1, calls: { [QUERY_ROUTE]: 1 } });
  });

  it('matches e-mail and phone exactly', async () => {
    const a = dataset.salesforce.accounts.find((x) => x.Email__c && x.Phone);
    if (!a) throw new Error('no account with both e-mail and phone');
    const byEmail = await gql(SEARCH, { filter: { email: a.Email__c?.toUpperCase() } });
    expect((byEmail.data?.customers as Page).nodes.map((n) => n.id)).toEqual([a.Customer_Number__c]);
    const byPhone = await gql(SEARCH, { filter: { phone: a.Phone } });
    const phoneIds = (byPhone.data?.customers as Page).nodes.map((n) => n.id);
    expect(phoneIds).toContain(a.Customer_Number__c);
    expect([...phoneIds].sort()).toEqual(dataset.salesforce.accounts.filter((x) => x.Phone === a.Phone).map((x) => x.Customer_Number__c).sort());
    // A prefix that is still an e-mail address matches nothing; one that is not is refused before any call.
    const prefixOnly = await gql(SEARCH, { filter: { email: String(a.Email__c).slice(0, -1) } });
    expect(prefixOnly.errors).toBeUndefined();
    expect((prefixOnly.data?.customers as Page).nodes).toEqual([]);
    const notAnEmail = await gql(SEARCH, { filter: { email: String(a.Email__c).slice(0, 5) } });
    expect(notAnEmail.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName: 'filter.email' });
    expect((await calls(notAnEmail.correlationId)).total).toBe(0);
  });

  it.each([
    { namePrefix: "' OR Name LIKE '%" },
    { namePrefix: '%' },
    { namePrefix: '_' },
    { namePrefix: "\\' OR Id != null OR Name = '" },
    // Hostile but well-formed e-mail addresses reach Salesforce, escaped (a phone number cannot hold a quote).
    { email: "x'OR(Name!='x)@example.com" },
    { email: "')OR(Name_LIKE'%@example.com" },
    { namePrefix: "O'Bri", email: "'OR'Name'LIKE'%@example.com" },
  ])('returns no foreign rows and no malformed query for the hostile filter %j', async (filter) => {
    const r = await gql(SEARCH, { filter });
    expect(r.errors).toBeUndefined();
    expect((r.data?.customers as Page).nodes).toEqual([]);
    expect((await calls(r.correlationId)).total).toBe(1);
  });

  it.each([
    { email: "x' OR Name != 'x" },
    { email: "') OR (Name LIKE '%" },
    { phone: "' OR Phone != null OR Phone = '" },
    { phone: '\\' },
    { namePrefix: "O'Bri", email: "' OR Name LIKE '%" },
  ])('refuses the malformed filter %j with BAD_USER_INPUT before any call', async (filter) => {
    const r = await gql(SEARCH, { filter });
    expect(r.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(r.errors?.[0]?.extensions?.argumentName).toMatch(/^filter\.(email|phone)$/);
    expect((await calls(r.correlationId)).total).toBe(0);
  });

  it('pages by cursor in name order, and counts on request', async () => {
    const r1 = await gql(`query { customers(first: 7) { nodes { id name } pageInfo { hasNextPage endCursor } totalCount } }`);
    expect(r1.errors).toBeUndefined();
    const p1 = r1.data?.customers as Page & { totalCount: number };
    expect(p1.nodes).toHaveLength(7);
    expect(p1.pageInfo.hasNextPage).toBe(true);
    // The 200 customers and the crosswalk fixtures' accounts: Salesforce customers like any other.
    expect(p1.totalCount).toBe(200 + CROSSWALK_ACCOUNTS);
    // The page and the count.
    expect((await calls(r1.correlationId)).calls[QUERY_ROUTE]).toBe(2);

    const r2 = await gql(SEARCH, { first: 7, after: p1.pageInfo.endCursor });
    const p2 = r2.data?.customers as Page;
    expect(p2.nodes).toHaveLength(7);
    expect(p2.edges.map((e) => e.node.id)).toEqual(p2.nodes.map((n) => n.id));
    expect((await calls(r2.correlationId)).total).toBe(1);

    const expected = [...dataset.salesforce.accounts]
      .sort((a, b) => {
        const x = a.Name.toLowerCase();
        const y = b.Name.toLowerCase();
        return x < y ? -1 : x > y ? 1 : a.Customer_Number__c < b.Customer_Number__c ? -1 : 1;
      })
      .slice(0, 14)
      .map((a) => a.Customer_Number__c);
    expect([...p1.nodes, ...p2.nodes].map((n) => n.id)).toEqual(expected);
  });

  it.each([0, 101, -1])('refuses first: %i with BAD_USER_INPUT and no call', async (first) => {
    const r = await gql(SEARCH, { first });
    expect(r.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await calls(r.correlationId)).total).toBe(0);
  });

  it('refuses a foreign cursor with BAD_USER_INPUT', async () => {
    const r = await gql(SEARCH, { after: "' OR 1=1" });
    expect(r.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await calls(r.correlationId)).total).toBe(0);
  });
});

describe('when Salesforce fails', () => {
  it('still answers the customer id, with every Salesforce field null and an UPSTREAM_UNAVAILABLE error naming SALESFORCE', async () => {
    await faults({ down: true });
    try {
      const r = await gql(`{ customer(id: "C-000001") { id salesforceId name email loyalty { tier } contacts { id } freshness { stale } } }`);
      expect(r.data?.customer).toEqual({ id: 'C-000001', salesforceId: null, name: null, email: null, loyalty: null, contacts: null, freshness: null });
      expect(r.errors?.length).toBe(6);
      for (const e of r.errors ?? []) {
        expect(e.extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', system: 'SALESFORCE' });
        expect(e.path?.[0]).toBe('customer');
      }

      const entities = await gql(ENTITIES, { representations: [{ __typename: 'Customer', id: 'C-000001' }, { __typename: 'Customer', id: 'C-000003' }] });
      expect(entities.data?._entities).toEqual([
        { id: 'C-000001', name: null, email: null, loyalty: null },
        { id: 'C-000003', name: null, email: null, loyalty: null },
      ]);
      expect(entities.errors?.every((e) => e.extensions?.code === 'UPSTREAM_UNAVAILABLE' && e.extensions.system === 'SALESFORCE')).toBe(true);
    } finally {
      await faults({});
    }
  });

  it('reports the daily limit as UPSTREAM_RATE_LIMITED', async () => {
    await faults({ rateLimitPerMinute: 1 });
    try {
      await gql(`{ customer(id: "C-000002") { name } }`);
      const r = await gql(`{ customer(id: "C-000002") { id name } }`);
      expect(r.data?.customer).toEqual({ id: 'C-000002', name: null });
      expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'UPSTREAM_RATE_LIMITED', system: 'SALESFORCE' });
    } finally {
      await faults({});
    }
  });

  it('recovers once Salesforce is back', async () => {
    const r = await gql(`{ customer(id: "C-000001") { id name } }`);
    expect(r.errors).toBeUndefined();
    expect(r.data?.customer).toEqual({ id: 'C-000001', name: account('C-000001').Name });
  });
});

describe('schema', () => {
  it('composes, links Federation 2.9 and describes every type, field, argument, enum value and input field', async () => {
    const { readFileSync } = await import('node:fs');
    const { parse, Kind } = await import('graphql');
    const { composeServices } = await import('@apollo/composition');
    const { subgraphSdl } = await import('../../lib/subgraph.js');
    const file = 'subgraphs/customer/schema.graphql';
    const own = readFileSync(file, 'utf8');
    expect(own.trimStart().startsWith('extend schema @link(url: "https://specs.apollo.dev/federation/v2.9"')).toBe(true);
    expect(own).not.toMatch(/\bextend type\b/);
    const missing: string[] = [];
    for (const def of parse(own).definitions) {
      if (!('name' in def) || !def.name) continue;
      const name = def.name.value;
      if (!('description' in def) || !def.description) missing.push(name);
      if (def.kind === Kind.OBJECT_TYPE_DEFINITION || def.kind === Kind.INPUT_OBJECT_TYPE_DEFINITION) {
        for (const f of def.fields ?? []) {
          if (!f.description) missing.push(`${name}.${f.name.value}`);
          if ('arguments' in f) for (const a of f.arguments ?? []) if (!a.description) missing.push(`${name}.${f.name.value}(${a.name.value})`);
        }
      }
      if (def.kind === Kind.ENUM_TYPE_DEFINITION) for (const v of def.values ?? []) if (!v.description) missing.push(`${name}.${v.name.value}`);
    }
    expect(missing).toEqual([]);
    // Customer.identities @requires fields the finance and service subgraphs contribute, so the
    // customer subgraph composes together with those two.
    const result = composeServices(
      ['customer', 'finance', 'service'].map((name) => ({ name, url: `http://${name}.invalid/graphql`, typeDefs: parse(subgraphSdl(`subgraphs/${name}/schema.graphql`)) })),
    );
    expect(result.errors ?? []).toEqual([]);
  });
});
