/**
 * The product's central promise, through the gateway over the sandbox: an
 * agent's customer-360 in one round trip, whose cost at each system of record
 * does not grow with the customer's number of orders, with partial answers
 * when a system fails and refusals of bad input that cost nothing.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';

const CUSTOMER_360 = /* GraphQL */ `
  query Customer360($id: ID!) {
    customer(id: $id) {
      id
      name
      loyalty { tier points }
      contacts { name role }
      financials { balance { amount currency } overdueBalance { amount } creditHold paymentTerms billingAddress { city country } }
      orders(first: 100) {
        totalCount
        nodes {
          id
          status
          total { amount currency }
          lines { sku quantity unitPrice { amount } }
          invoices { id status amountDue { amount } }
          cases { id status }
        }
      }
      cases(first: 10) { nodes { id subject status } }
    }
  }
`;

/**
 * What one customer-360 costs, per route template, whatever the number of orders:
 * - Salesforce: one SOQL for the account and its contacts.
 * - NetSuite: four SuiteQL queries: the customer's orders, the lines of the page's
 *   orders, the financials, and the invoices of the page's orders.
 * - Zendesk: organizations by external id, one search for the customer's cases,
 *   one search for the cases of the page's orders.
 */
const EXPECTED_CALLS = {
  salesforce: { 'GET /services/data/:version/query': 1 },
  netsuite: { 'POST /services/rest/query/v1/suiteql': 4 },
  zendesk: { 'GET /api/v2/organizations/show_many': 1, 'GET /api/v2/search': 2 },
};

interface C360 {
  customer: {
    id: string;
    name: string | null;
    loyalty: { tier: string; points: number } | null;
    financials: { balance: { amount: string }; creditHold: boolean } | null;
    orders: {
      totalCount: number;
      nodes: Array<{ id: string; total: { amount: string }; lines: Array<{ sku: string; quantity: number }>; invoices: Array<{ id: string; amountDue: { amount: string } }> | null; cases: Array<{ id: string }> | null }>;
    } | null;
    cases: { nodes: Array<{ id: string; subject: string }> } | null;
  } | null;
}

let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
  // Sign in to Salesforce once so that the measured requests show only their own calls.
  await stack.query('{ customer(id: "C-000010") { name } }');
});

afterAll(async () => {
  await stack?.close();
});

afterEach(async () => {
  await stack.clearFaults();
});

function ordersOf(customerNumber: string) {
  const ns = stack.dataset.netsuite;
  const customer = ns.customers.find((c) => c.externalid === customerNumber);
  if (!customer) throw new Error(`no ERP customer ${customerNumber}`);
  return ns.transactions.filter((t) => t.type === 'SalesOrd' && t.entity === customer.id);
}

describe('customer-360 through the gateway, cold', () => {
  it.each([
    ['C-000001', 'one order'],
    ['C-000003', 'hundreds of orders'],
  ])('%s (%s) costs the same fixed calls at each system, and each subgraph calls only its own system', async (id) => {
    const res = await stack.query<C360>(CUSTOMER_360, { id });
    expect(res.body.errors).toBeUndefined();
    const stats = await stack.allStats(res.correlationId);
    expect(stats.salesforce.calls).toEqual(EXPECTED_CALLS.salesforce);
    expect(stats.netsuite.calls).toEqual(EXPECTED_CALLS.netsuite);
    expect(stats.zendesk.calls).toEqual(EXPECTED_CALLS.zendesk);
  });

  it('returns the records the systems hold', async () => {
    const res = await stack.query<C360>(CUSTOMER_360, { id: 'C-000003' });
    const c = res.body.data?.customer;
    const account = stack.dataset.salesforce.accounts.find((a) => a.Customer_Number__c === 'C-000003');
    expect(c?.name).toBe(account?.Name);
    expect(c?.loyalty?.tier).toBe(account?.Loyalty_Tier__c.toUpperCase());
    expect(c?.loyalty?.points).toBe(account?.Loyalty_Points__c);

    const orders = ordersOf('C-000003');
    expect(orders.length).toBeGreaterThan(100);
    expect(c?.orders?.totalCount).toBe(orders.length);
    expect(c?.orders?.nodes).toHaveLength(100);
    const newest = [...orders].sort((a, b) => b.createddate.localeCompare(a.createddate) || b.id - a.id)[0];
    expect(c?.orders?.nodes[0]?.id).toBe(newest?.tranid);

    // Every order's total is the sum of its lines, as the ERP has it.
    for (const order of c?.orders?.nodes ?? []) {
      const record = orders.find((o) => o.tranid === order.id);
      expect(order.total.amount).toBe(record?.foreigntotal);
      const lines = stack.dataset.netsuite.lines.filter((l) => l.transaction === record?.id);
      expect(order.lines.map((l) => l.quantity)).toEqual(lines.map((l) => l.quantity));
    }

    // Invoices hang off their orders.
    const invoiced = c?.orders?.nodes.filter((o) => (o.invoices?.length ?? 0) > 0) ?? [];
    expect(invoiced.length).toBeGreaterThan(0);
    for (const order of invoiced) {
      const record = orders.find((o) => o.tranid === order.id);
      const invoices = stack.dataset.netsuite.transactions.filter((t) => t.type === 'CustInvc' && t.createdfrom === record?.id);
      expect(order.invoices?.map((i) => i.id).sort()).toEqual(invoices.map((i) => i.tranid).sort());
    }
  });

  it('links the customer\'s open case to its order (C-000001)', async () => {
    const res = await stack.query<C360>(CUSTOMER_360, { id: 'C-000001' });
    const c = res.body.data?.customer;
    expect(c?.orders?.nodes).toHaveLength(1);
    const orderCases = c?.orders?.nodes[0]?.cases ?? [];
    expect(orderCases.length).toBeGreaterThan(0);
    expect(c?.cases?.nodes.map((n) => n.id)).toEqual(expect.arrayContaining(orderCases.map((o) => o.id)));
  });

  it('returns the correlation id it was given, and forwards it to every system', async () => {
    const res = await fetch(stack.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-correlation-id': 'corr-c360-echo', authorization: `Bearer ${stack.tokens.agent}` },
      body: JSON.stringify({ query: CUSTOMER_360, variables: { id: 'C-000001' } }),
    });
    expect(res.headers.get('x-correlation-id')).toBe('corr-c360-echo');
    const stats = await stack.allStats('corr-c360-echo');
    expect(stats.salesforce.total + stats.netsuite.total + stats.zendesk.total).toBe(8);
  });
});

describe('partial results when one system fails', () => {
  it('Zendesk down: Salesforce and ERP data come back; cases are null with an error naming SERVICE_DESK', async () => {
    await stack.faults('zendesk', { down: true });
    const res = await stack.query<C360>(CUSTOMER_360, { id: 'C-000001' });
    const c = res.body.data?.customer;
    expect(c?.name).toBeTruthy();
    expect(c?.orders?.nodes).toHaveLength(1);
    expect(c?.financials?.balance.amount).toMatch(/^\d+\.\d{2}$/);
    expect(c?.cases).toBeNull();
    const caseErrors = res.body.errors?.filter((e) => e.path?.includes('cases')) ?? [];
    expect(caseErrors.length).toBeGreaterThan(0);
    for (const e of caseErrors) {
      expect(e.extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', system: 'SERVICE_DESK' });
    }
  });

  it('ERP down: Salesforce and Zendesk data come back; orders and financials are null with errors naming ERP', async () => {
    await stack.faults('netsuite', { down: true });
    const res = await stack.query<C360>(CUSTOMER_360, { id: 'C-000001' });
    const c = res.body.data?.customer;
    expect(c?.name).toBeTruthy();
    expect(c?.cases?.nodes.length).toBeGreaterThan(0);
    expect(c?.orders).toBeNull();
    expect(c?.financials).toBeNull();
    const erpErrors = res.body.errors ?? [];
    expect(erpErrors.map((e) => e.path?.[1]).sort()).toEqual(['financials', 'orders']);
    for (const e of erpErrors) expect(e.extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', system: 'ERP' });
  });

  it('Salesforce down: the customer keeps its id, orders and cases still come back, Salesforce fields are null with SALESFORCE errors', async () => {
    await stack.faults('salesforce', { down: true });
    const res = await stack.query<C360>(CUSTOMER_360, { id: 'C-000001' });
    const c = res.body.data?.customer;
    expect(c?.id).toBe('C-000001');
    expect(c?.name).toBeNull();
    expect(c?.loyalty).toBeNull();
    expect(c?.orders?.nodes).toHaveLength(1);
    expect(c?.cases?.nodes.length).toBeGreaterThan(0);
    const sfErrors = res.body.errors ?? [];
    expect(sfErrors.length).toBeGreaterThan(0);
    for (const e of sfErrors) expect(e.extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', system: 'SALESFORCE' });
  });
});

describe('bad input', () => {
  it('an unknown customer number gives null, without an error', async () => {
    const res = await stack.query<C360>('query($id: ID!) { customer(id: $id) { id name } }', { id: 'C-999999' });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data?.customer).toBeNull();
  });

  it.each([
    ['customer(id: "42")', 'customer number'],
    ["customer(id: \"C-000001' OR Name LIKE '%\")", 'customer number'],
    ['order(id: "abc")', 'order number'],
    ['invoice(id: "SO-100001")', 'invoice number'],
    ['supportCase(id: "1 OR 1=1")', 'case'],
  ])('a malformed id in %s is BAD_USER_INPUT and calls no system', async (field, kind) => {
    const res = await stack.query(`{ ${field} { id } }`);
    expect(res.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.body.errors?.[0]?.message).toContain(kind);
    const stats = await stack.allStats(res.correlationId);
    expect([stats.salesforce.total, stats.netsuite.total, stats.zendesk.total]).toEqual([0, 0, 0]);
  });

  it.each([0, 101])('first: %i is BAD_USER_INPUT and calls no system', async (first) => {
    const res = await stack.query(`{ customer(id: "C-000003") { orders(first: ${first}) { totalCount } } }`);
    expect(res.body.errors?.some((e) => e.extensions?.code === 'BAD_USER_INPUT')).toBe(true);
    const stats = await stack.allStats(res.correlationId);
    expect(stats.netsuite.total).toBe(0);
  });

  it.each([
    "' OR Name LIKE '%",
    "x' OR Name != '",
    "%') OR (Name LIKE '",
    '\\\' OR 1=1 --',
  ])('the hostile filter %j returns no foreign rows', async (hostile) => {
    const res = await stack.query<{ customers: { nodes: Array<{ id: string }> } }>(
      'query($f: CustomerFilter!) { customers(filter: $f, first: 50) { nodes { id } } }',
      { f: { namePrefix: hostile } },
    );
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data?.customers.nodes).toEqual([]);
  });

  it('namePrefix "O\'Bri" finds O\'Brien', async () => {
    const res = await stack.query<{ customers: { nodes: Array<{ id: string; name: string }> } }>(
      'query($f: CustomerFilter!) { customers(filter: $f) { nodes { id name } } }',
      { f: { namePrefix: "O'Bri" } },
    );
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data?.customers.nodes).toContainEqual({ id: 'C-000007', name: "Siobhan O'Brien" });
  });
});

describe('each subgraph talks only to its own system', () => {
  const direct: Array<[string, string, string]> = [
    ['customer', '{ customer(id: "C-000003") { id name contacts { name } } }', 'salesforce'],
    ['order', '{ order(id: "SO-100001") { id status lines { sku } shipments { id } returns { id } } }', 'netsuite'],
    ['finance', '{ invoice(id: "INV-300001") { id status payments { id } } }', 'netsuite'],
    ['service', '{ supportCase(id: "1") { id status comments { id } } }', 'zendesk'],
  ];
  it.each(direct)('%s', async (name, query, own) => {
    const res = await stack.query(query, undefined, { url: stack.subgraphUrls[name as keyof Stack['subgraphUrls']] });
    expect(res.body.errors).toBeUndefined();
    const stats = await stack.allStats(res.correlationId);
    for (const [system, s] of Object.entries(stats)) {
      if (system === own) expect(s.total, system).toBeGreaterThan(0);
      else expect(s.total, system).toBe(0);
    }
  });
});
