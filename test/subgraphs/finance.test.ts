/**
 * The finance subgraph against the NetSuite sandbox, over HTTP: what a client gets,
 * checked against the sandbox's records, and how many calls reached the ERP,
 * counted per request with /__sandbox/stats?correlationId=.
 */
import { randomUUID } from 'node:crypto';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { generateDataset } from '../../sandbox/dataset/generate.js';
import type { NsCustomer, NsTransaction, RetailDataset } from '../../sandbox/dataset/model.js';
import { createNetSuiteSandbox, type NetSuiteSandbox } from '../../sandbox/netsuite/index.js';
import { createNetSuiteClient, type NetSuiteClient, type SuiteQLRow } from '../../lib/clients/netsuite.js';
import { loadNetSuiteConfig } from '../../lib/config.js';
import { loadOrgMapping } from '../../lib/mapping.js';
import { serveSubgraph, type RunningService } from '../../lib/subgraph.js';
import { TEST_TRUST, signedHeaders } from '../support/auth.js';
import { createFinanceSubgraph } from '../../subgraphs/finance/src/index.js';
import { formatCents, toCents } from '../../lib/money.js';
import { createNetSuiteFinance } from '../../subgraphs/finance/src/netsuite.js';
import { candidatePhone } from '../../lib/identity-link.js';

type Json = Record<string, unknown>;
interface GqlResult {
  data?: Json | null;
  errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Json }>;
}

const now = new Date();
// The dataset's "today" is the sandbox clock's date, so that OVERDUE means the same to both.
const asOf = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
const today = asOf.toISOString().slice(0, 10);

let dataset: RetailDataset;
let sandbox: NetSuiteSandbox;
let erpUrl: string;
let finance: RunningService;

beforeAll(async () => {
  dataset = generateDataset({ seed: 31, customers: 200, asOf });
  sandbox = await createNetSuiteSandbox({ dataset });
  erpUrl = await sandbox.listen(0, '127.0.0.1');
  const netsuite = createNetSuiteClient(loadNetSuiteConfig({ NETSUITE_BASE_URL: `${erpUrl}/services/rest` }), {
    // Keep the ERP-down tests short: one quick retry is enough to show the policy is in place.
    policy: { retries: 1, backoffMs: 10 },
  });
  finance = await serveSubgraph(createFinanceSubgraph({ netsuite, mapping: loadOrgMapping('config/org-mapping.json') }), {
    port: 0,
    host: '127.0.0.1',
  }, { trust: TEST_TRUST });
});

afterAll(async () => {
  await finance?.close();
  await sandbox?.close();
});

async function gql(query: string, variables: Json = {}, correlationId = randomUUID()): Promise<GqlResult & { correlationId: string }> {
  const res = await fetch(finance.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...signedHeaders(correlationId, 'finance', { query, variables }) },
    body: JSON.stringify({ query, variables }),
  });
  return { ...((await res.json()) as GqlResult), correlationId };
}

async function erpCalls(correlationId: string): Promise<{ total: number; calls: Record<string, number> }> {
  const res = await fetch(`${erpUrl}/__sandbox/stats?correlationId=${encodeURIComponent(correlationId)}`);
  return (await res.json()) as { total: number; calls: Record<string, number> };
}

async function setFaults(faults: Json): Promise<void> {
  const res = await fetch(`${erpUrl}/__sandbox/faults`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(faults),
  });
  expect(res.status).toBe(200);
}

// ------------------------------------------------------------------ the sandbox's truth

const customerOf = (n: string): NsCustomer => {
  const c = dataset.netsuite.customers.find((x) => x.externalid === n);
  if (!c) throw new Error(`fixture ${n} missing`);
  return c;
};
const invoices = (): NsTransaction[] => dataset.netsuite.transactions.filter((t) => t.type === 'CustInvc');
const tranById = (id: number | null): NsTransaction | undefined => dataset.netsuite.transactions.find((t) => t.id === id);
const cents = (d: string | null | undefined): bigint => toCents(d ?? '0') ?? 0n;
const amount = (c: bigint): string => formatCents(c);

function expectedStatus(t: NsTransaction): string {
  const due = cents(t.foreignamountremaining ?? t.foreigntotal);
  if (t.status === 'V') return 'VOID';
  if (t.status === 'B' || due <= 0n) return 'PAID';
  if (t.duedate && t.duedate < today) return 'OVERDUE';
  if (due < cents(t.foreigntotal)) return 'PARTIALLY_PAID';
  return 'OPEN';
}

function expectedDue(t: NsTransaction): string {
  return t.status === 'V' ? '0.00' : amount(cents(t.foreignamountremaining ?? t.foreigntotal));
}

function expectedPayments(t: NsTransaction): Array<{ id: string; amount: string; receivedAt: string; method: string | null }> {
  return dataset.netsuite.links
    .filter((l) => l.previousdoc === t.id && tranById(l.nextdoc)?.type === 'CustPymt')
    .map((l) => ({ l, p: tranById(l.nextdoc) as NsTransaction }))
    .sort((a, b) => (a.p.trandate < b.p.trandate ? -1 : a.p.trandate > b.p.trandate ? 1 : a.p.id - b.p.id))
    .map(({ l, p }) => ({ id: p.tranid, amount: amount(cents(l.foreignamount)), receivedAt: `${p.trandate}T00:00:00.000Z`, method: p.paymentmethod }));
}

/** Newest first, as the subgraph promises. */
function customerInvoices(n: string): NsTransaction[] {
  const c = customerOf(n);
  return invoices()
    .filter((t) => t.entity === c.id)
    .sort((a, b) => (a.trandate !== b.trandate ? (a.trandate < b.trandate ? 1 : -1) : b.id - a.id));
}

const INVOICE_FIELDS = `id status issuedAt dueAt total { amount currency } amountDue { amount currency }
  customer { id } order { id } freshness { source stale fetchedAt }`;

function expectInvoiceMatches(got: Json, t: NsTransaction): void {
  const order = tranById(t.createdfrom);
  expect(got).toMatchObject({
    id: t.tranid,
    status: expectedStatus(t),
    issuedAt: `${t.trandate}T00:00:00.000Z`,
    dueAt: `${t.duedate ?? t.trandate}T00:00:00.000Z`,
    total: { amount: amount(cents(t.foreigntotal)), currency: 'USD' },
    amountDue: { amount: expectedDue(t), currency: 'USD' },
    customer: { id: dataset.netsuite.customers.find((c) => c.id === t.entity)?.externalid },
    order: order?.type === 'SalesOrd' ? { id: order.tranid } : null,
    freshness: { source: 'ERP', stale: false },
  });
}

// ------------------------------------------------------------------ tests

describe('money', () => {
  it('parses NetSuite decimals to cents and formats two places, without floats', () => {
    expect(toCents('129.9')).toBe(12990n);
    expect(toCents('-5')).toBe(-500n);
    expect(toCents('0.005')).toBe(1n);
    expect(toCents('1200')).toBe(120000n);
    expect(toCents('.5')).toBe(50n);
    expect(toCents('abc')).toBeUndefined();
    expect(formatCents(-1n)).toBe('-0.01');
    expect(formatCents(toCents('0.1')! + toCents('0.2')!)).toBe('0.30');
  });
});

describe('Query.invoice', () => {
  it('answers an invoice as the ERP has it, with payments, for two ERP calls', async () => {
    const withTwoPayments = invoices().find((t) => expectedPayments(t).length === 2);
    const partial = invoices().find((t) => expectedStatus(t) === 'PARTIALLY_PAID' || (expectedPayments(t).length === 1 && expectedStatus(t) === 'OVERDUE'));
    const voided = invoices().find((t) => t.status === 'V');
    for (const t of [withTwoPayments, partial, voided]) {
      expect(t, 'the dataset should hold this kind of invoice').toBeDefined();
      const r = await gql(`query($id: ID!) { invoice(id: $id) { ${INVOICE_FIELDS} payments { id amount { amount currency } receivedAt method } } }`, {
        id: t!.tranid,
      });
      expect(r.errors).toBeUndefined();
      const inv = r.data?.invoice as Json;
      expectInvoiceMatches(inv, t!);
      expect(inv.payments).toEqual(expectedPayments(t!).map((p) => ({ ...p, amount: { amount: p.amount, currency: 'USD' } })));
      expect((await erpCalls(r.correlationId)).calls).toEqual({ 'POST /services/rest/query/v1/suiteql': 2 });
    }
  });

  it('answers null for a well-formed number the ERP does not know', async () => {
    const r = await gql('{ invoice(id: "INV-9999999") { id } }');
    expect(r.errors).toBeUndefined();
    expect(r.data).toEqual({ invoice: null });
    expect((await erpCalls(r.correlationId)).total).toBe(1);
  });

  it('refuses a malformed or hostile number with BAD_USER_INPUT before calling the ERP', async () => {
    for (const id of ['abc', "INV-1' OR '1'='1", 'SO-100234', 'INV-12']) {
      const r = await gql('query($id: ID!) { invoice(id: $id) { id } }', { id });
      expect(r.data).toEqual({ invoice: null });
      expect(r.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(r.errors?.[0]?.message).toContain('expected an invoice number like INV-300017');
      expect((await erpCalls(r.correlationId)).total).toBe(0);
    }
  });
});

describe('_entities batching', () => {
  it('resolves 50 invoices in one ERP call, and their payments in one more', async () => {
    const sample = invoices().slice(0, 50);
    const reps = sample.map((t) => ({ __typename: 'Invoice', id: t.tranid }));
    const r = await gql(`query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Invoice { ${INVOICE_FIELDS} payments { id } } } }`, {
      reps,
    });
    expect(r.errors).toBeUndefined();
    const got = r.data?._entities as Json[];
    expect(got).toHaveLength(50);
    got.forEach((inv, i) => {
      expectInvoiceMatches(inv, sample[i]!);
      expect(inv.payments).toEqual(expectedPayments(sample[i]!).map((p) => ({ id: p.id })));
    });
    expect((await erpCalls(r.correlationId)).calls).toEqual({ 'POST /services/rest/query/v1/suiteql': 2 });
  });

  it('answers null for unknown invoices among known ones, still in one call', async () => {
    const t = invoices()[3]!;
    const r = await gql('query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Invoice { id } } }', {
      reps: [
        { __typename: 'Invoice', id: 'INV-9999998' },
        { __typename: 'Invoice', id: t.tranid },
      ],
    });
    expect(r.errors).toBeUndefined();
    expect(r.data?._entities).toEqual([null, { id: t.tranid }]);
    expect((await erpCalls(r.correlationId)).total).toBe(1);
  });

  it('resolves Order.invoices for 100 orders in one ERP call', async () => {
    const orders = dataset.netsuite.transactions.filter((t) => t.type === 'SalesOrd').slice(0, 100);
    const r = await gql('query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Order { id invoices { id total { amount } } } } }', {
      reps: orders.map((o) => ({ __typename: 'Order', id: o.tranid })),
    });
    expect(r.errors).toBeUndefined();
    const got = r.data?._entities as Array<{ id: string; invoices: Array<{ id: string }> }>;
    expect(got).toHaveLength(100);
    let billed = 0;
    got.forEach((o, i) => {
      const expected = invoices()
        .filter((t) => t.createdfrom === orders[i]!.id)
        .map((t) => t.tranid)
        .sort();
      billed += expected.length;
      expect(o.invoices.map((x) => x.id).sort()).toEqual(expected);
    });
    expect(billed).toBeGreaterThan(0);
    expect((await erpCalls(r.correlationId)).calls).toEqual({ 'POST /services/rest/query/v1/suiteql': 1 });
  });

  it('resolves Customer.invoices across 20 customers in one ERP call, newest first', async () => {
    const customers = dataset.netsuite.customers.slice(0, 20).map((c) => c.externalid);
    const r = await gql(
      `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Customer { id invoices(first: 5) {
        totalCount pageInfo { hasNextPage endCursor } nodes { id status } edges { cursor node { id } } freshness { source } } } } }`,
      { reps: customers.map((id) => ({ __typename: 'Customer', id })) },
    );
    expect(r.errors).toBeUndefined();
    const got = r.data?._entities as Array<{ id: string; invoices: Json }>;
    got.forEach((c, i) => {
      const expected = customerInvoices(customers[i]!);
      const conn = c.invoices as { totalCount: number; pageInfo: { hasNextPage: boolean }; nodes: Array<{ id: string; status: string }>; edges: Array<{ node: { id: string } }> };
      expect(c.id).toBe(customers[i]);
      expect(conn.totalCount).toBe(expected.length);
      expect(conn.pageInfo.hasNextPage).toBe(expected.length > 5);
      expect(conn.nodes).toEqual(expected.slice(0, 5).map((t) => ({ id: t.tranid, status: expectedStatus(t) })));
      expect(conn.edges.map((e) => e.node.id)).toEqual(expected.slice(0, 5).map((t) => t.tranid));
    });
    expect((await erpCalls(r.correlationId)).calls).toEqual({ 'POST /services/rest/query/v1/suiteql': 1 });
  });

  it('resolves financials for 20 customers in one ERP call', async () => {
    const customers = dataset.netsuite.customers.slice(0, 20).map((c) => c.externalid);
    const r = await gql(
      `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Customer { id financials { balance { amount }
        overdueBalance { amount } creditLimit { amount } creditHold paymentTerms } } } }`,
      { reps: customers.map((id) => ({ __typename: 'Customer', id })) },
    );
    expect(r.errors).toBeUndefined();
    expect((r.data?._entities as Json[]).every((c) => c.financials !== null)).toBe(true);
    expect((await erpCalls(r.correlationId)).calls).toEqual({ 'POST /services/rest/query/v1/suiteql': 1 });
  });
});

describe('Customer.invoices', () => {
  const PAGE = `query($reps: [_Any!]!, $first: Int, $after: String, $status: [InvoiceStatus!]) {
    _entities(representations: $reps) { ... on Customer { invoices(first: $first, after: $after, status: $status) {
      totalCount pageInfo { hasNextPage endCursor } nodes { id status } } } } }`;
  type Page = { totalCount: number | null; pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: Array<{ id: string; status: string }> };
  const page = async (customer: string, vars: Json): Promise<{ page: Page; correlationId: string }> => {
    const r = await gql(PAGE, { reps: [{ __typename: 'Customer', id: customer }], ...vars });
    expect(r.errors).toBeUndefined();
    return { page: (r.data?._entities as Array<{ invoices: Page }>)[0]!.invoices, correlationId: r.correlationId };
  };

  it('pages through a large customer newest first, one call per page, no gaps or repeats', async () => {
    const expected = customerInvoices('C-000003');
    expect(expected.length).toBeGreaterThan(100);
    const seen: string[] = [];
    let after: string | null = null;
    for (let i = 0; i < 10; i++) {
      const { page: p, correlationId } = await page('C-000003', { first: 100, after });
      expect((await erpCalls(correlationId)).total).toBe(1);
      seen.push(...p.nodes.map((n) => n.id));
      if (!p.pageInfo.hasNextPage) break;
      after = p.pageInfo.endCursor;
    }
    expect(seen).toEqual(expected.map((t) => t.tranid));
  });

  it('costs one call for a page of invoices and one for all their payments', async () => {
    const r = await gql(
      `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Customer { invoices(first: 50) {
        nodes { id payments { id amount { amount } method } } } } } }`,
      { reps: [{ __typename: 'Customer', id: 'C-000004' }, { __typename: 'Customer', id: 'C-000003' }] },
    );
    expect(r.errors).toBeUndefined();
    const nodes = (r.data?._entities as Array<{ invoices: { nodes: Array<{ id: string; payments: Array<{ id: string }> }> } }>).flatMap(
      (c) => c.invoices.nodes,
    );
    expect(nodes).toHaveLength(100);
    for (const n of nodes) {
      const t = invoices().find((x) => x.tranid === n.id)!;
      expect(n.payments.map((p) => p.id)).toEqual(expectedPayments(t).map((p) => p.id));
    }
    expect(nodes.some((n) => n.payments.length > 0)).toBe(true);
    expect((await erpCalls(r.correlationId)).calls).toEqual({ 'POST /services/rest/query/v1/suiteql': 2 });
  });

  it('filters by derived status', async () => {
    const customer = 'C-000005';
    for (const status of [['OVERDUE'], ['PAID', 'VOID'], ['OPEN', 'PARTIALLY_PAID']]) {
      const expected = customerInvoices(customer).filter((t) => status.includes(expectedStatus(t)));
      const { page: p } = await page(customer, { first: 100, status });
      expect(p.totalCount).toBe(expected.length);
      expect(p.nodes.map((n) => n.id)).toEqual(expected.map((t) => t.tranid));
    }
    expect(customerInvoices(customer).some((t) => expectedStatus(t) === 'OVERDUE')).toBe(true);
  });

  it('answers an empty list for a customer without invoices', async () => {
    const { page: p } = await page('C-000002', {});
    expect(p).toEqual({ totalCount: 0, pageInfo: { hasNextPage: false, endCursor: null }, nodes: [] });
  });

  it('refuses first outside 1..100 and foreign cursors with BAD_USER_INPUT and no ERP call', async () => {
    for (const vars of [{ first: 0 }, { first: 101 }, { after: 'not-a-cursor!' }, { after: Buffer.from('{"d":"x"}').toString('base64url') }]) {
      const r = await gql(PAGE, { reps: [{ __typename: 'Customer', id: 'C-000003' }], ...vars });
      expect(r.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect((await erpCalls(r.correlationId)).total).toBe(0);
    }
  });
});

describe('Customer.financials', () => {
  const Q = `query($reps: [_Any!]!, $max: Int) { _entities(representations: $reps) { ... on Customer { id financials(maxAgeSeconds: $max) {
    balance { amount currency } overdueBalance { amount } creditLimit { amount currency } creditHold paymentTerms
    billingAddress { line1 line2 city region postalCode country }
    shippingAddresses { line1 line2 city region postalCode country } freshness { source stale } } } } }`;

  const addr = (a: NsCustomer['billaddress']): Json | null =>
    a && { line1: a.addr1, line2: a.addr2 || null, city: a.city, region: a.state || null, postalCode: a.zip, country: a.country };

  it('matches the ERP record: balances in exact cents, credit, terms and addresses', async () => {
    const numbers = ['C-000003', 'C-000005', 'C-000007', 'C-000008', 'C-000002'];
    const r = await gql(Q, { reps: numbers.map((id) => ({ __typename: 'Customer', id })), max: 0 });
    expect(r.errors).toBeUndefined();
    const got = r.data?._entities as Array<{ id: string; financials: Json }>;
    got.forEach((g, i) => {
      const c = customerOf(numbers[i]!);
      const open = invoices().filter((t) => t.entity === c.id && t.status !== 'V' && cents(t.foreignamountremaining) > 0n);
      const balance = open.reduce((s, t) => s + cents(t.foreignamountremaining), 0n);
      const overdue = open.filter((t) => (t.duedate ?? '') < today).reduce((s, t) => s + cents(t.foreignamountremaining), 0n);
      const limit = c.creditlimit == null ? null : cents(c.creditlimit);
      const hold = c.credithold === 'ON' || (c.credithold === 'AUTO' && limit !== null && balance > limit);
      const terms = dataset.netsuite.terms.find((t) => t.id === c.terms)?.name ?? null;
      expect(g.financials).toEqual({
        balance: { amount: amount(balance), currency: 'USD' },
        overdueBalance: { amount: amount(overdue) },
        creditLimit: limit === null ? null : { amount: amount(limit), currency: 'USD' },
        creditHold: hold,
        paymentTerms: terms,
        billingAddress: addr(c.billaddress),
        shippingAddresses: c.shipaddresses.map(addr),
        freshness: { source: 'ERP', stale: false },
      });
    });
    expect(got[1]?.financials).toMatchObject({ creditHold: true, paymentTerms: 'Net 30' });
    expect((await erpCalls(r.correlationId)).total).toBe(1);
  });

  it('answers null for an unknown customer number and refuses a negative maxAgeSeconds', async () => {
    const unknown = await gql(Q, { reps: [{ __typename: 'Customer', id: 'C-999998' }] });
    expect(unknown.errors).toBeUndefined();
    expect(unknown.data?._entities).toEqual([{ id: 'C-999998', financials: null }]);

    const negative = await gql(Q, { reps: [{ __typename: 'Customer', id: 'C-000001' }], max: -1 });
    expect(negative.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await erpCalls(negative.correlationId)).total).toBe(0);
  });

  it('refuses a malformed customer number, even a hostile one, without calling the ERP', async () => {
    const r = await gql(Q, { reps: [{ __typename: 'Customer', id: "C-1' OR 1=1 --" }] });
    expect(r.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(r.errors?.[0]?.message).toContain('expected a customer number like C-000042');
    expect((await erpCalls(r.correlationId)).total).toBe(0);
  });
});

describe('changes in the ERP', () => {
  it('shows a payment made in the ERP on the next read', async () => {
    const t = invoices().find((x) => expectedStatus(x) === 'OPEN' && cents(x.foreigntotal) >= 1000n);
    expect(t, 'an open invoice of at least 10.00').toBeDefined();
    const res = await fetch(`${erpUrl}/__sandbox/actions/pay-invoice`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ invoiceId: t!.tranid, amount: '5.00', method: 'Visa' }),
    });
    expect(res.status).toBe(200);
    const r = await gql('query($id: ID!) { invoice(id: $id) { status amountDue { amount } payments { amount { amount } method } } }', { id: t!.tranid });
    expect(r.errors).toBeUndefined();
    expect(r.data?.invoice).toEqual({
      status: 'PARTIALLY_PAID',
      amountDue: { amount: amount(cents(t!.foreigntotal) - 500n) },
      payments: [{ amount: { amount: '5.00' }, method: 'Visa' }],
    });
  });
});

describe('the connector', () => {
  it('keeps hostile keys literal even when an org mapping would let them through', async () => {
    const connector = createNetSuiteFinance({
      netsuite: createNetSuiteClient(loadNetSuiteConfig({ NETSUITE_BASE_URL: `${erpUrl}/services/rest` })),
      mapping: loadOrgMapping('config/org-mapping.json'),
    });
    const hostile = ["INV-1' OR '1'='1", "x') OR t.tranid LIKE '%' --"];
    const got = await connector.invoicesByNumber(hostile);
    expect(got.every((r) => r instanceof Error)).toBe(true);
    expect(await connector.invoicesByOrderNumber(["SO-1' OR so.tranid LIKE '%"])).toEqual([[]]);
    expect(await connector.paymentsByInvoice(["' OR 1=1 --"])).toEqual([[]]);
    const fin = await connector.financialsByCustomer(["C-000003' OR c.externalid LIKE 'C%"]);
    expect(fin[0]).toBeInstanceOf(Error);
    const pages = await connector.invoicePagesByCustomer(["C-0' OR 1=1 --"], { first: 10 });
    expect(pages[0]).toMatchObject({ invoices: [], totalCount: 0 });
  });

  /** A connector to the sandbox that records the SuiteQL it sends. */
  const recordingConnector = (): { client: NetSuiteClient; sent: string[]; connector: ReturnType<typeof createNetSuiteFinance> } => {
    const client = createNetSuiteClient(loadNetSuiteConfig({ NETSUITE_BASE_URL: `${erpUrl}/services/rest` }));
    const sent: string[] = [];
    const connector = createNetSuiteFinance({
      netsuite: { ...client, suiteql: <Row extends SuiteQLRow>(q: string, opts?: { maxRows?: number }) => (sent.push(q), client.suiteql<Row>(q, opts)) },
      mapping: loadOrgMapping('config/org-mapping.json'),
    });
    return { client, sent, connector };
  };

  it('searches identity candidates by hostile e-mail addresses as literals only, and sends none that is not an address', async () => {
    const { client, sent, connector } = recordingConnector();
    // An unlinked customer with a quote in its address, as an injection would try to use one.
    const victim = dataset.netsuite.customers[7] as NsCustomer;
    const quoted = "o'hara||'x@example.com";
    expect(await connector.customersByContact(["a@b.c');drop--", "' or 1=1 --@x.com", 'x@y.com) OR (1=1'])).toEqual([[], [], []]);
    expect(sent).toEqual([]);

    await client.updateRecord('customer', String(victim.id), { externalId: null, email: quoted });
    const got = await connector.customersByContact([quoted, "x'or'1'='1@example.com", 'not-searchable@'.repeat(3)]);
    expect(got[0]).toEqual([expect.objectContaining({ internalId: String(victim.id), email: quoted })]);
    expect(got.slice(1)).toEqual([[], []]);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toContain("'o''hara||''x@example.com'");
    expect(sent[0]).toContain("'x''or''1''=''1@example.com'");
    expect(sent[0]).not.toContain('not-searchable');
  });

  it('searches by phone only with digit forms built from a checked phone key, and sends none for any other key', async () => {
    const { sent, connector } = recordingConnector();
    const hostile = ["tel:+1-212' OR '1'='1", "tel:+1-2125550147') OR (1=1", 'tel:+12', 'tel:+1-', 'tel:+0012125550147', 'tel:+1-2125550147 ', 'tel:' + '9'.repeat(16)];
    expect(await connector.customersByContact(hostile)).toEqual(hostile.map(() => []));
    expect(sent).toEqual([]);
    // The key the resolver builds from whatever text Salesforce holds: digits only, or none.
    expect(candidatePhone({ phone: "(212) 555-0147' OR '1'='1" }, '1')).toBe('tel:+1-212555014711');
    expect(candidatePhone({ phone: "'); DROP --" }, '1')).toBeNull();
    expect(candidatePhone({ phone: '+1 (212) 555-0147' }, '1')).toBe('tel:+1-2125550147');
    expect(candidatePhone({ phone: '0044 20 7946 0731' }, '1')).toBe('tel:+442079460731');
  });
});

describe('ERP down', () => {
  it('nulls only the finance fields, with UPSTREAM_UNAVAILABLE naming the ERP', async () => {
    await setFaults({ down: true });
    try {
      const r = await gql(
        `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Customer { id financials { creditHold } invoices { totalCount } } } }`,
        { reps: [{ __typename: 'Customer', id: 'C-000003' }] },
      );
      expect(r.data?._entities).toEqual([{ id: 'C-000003', financials: null, invoices: null }]);
      expect(r.errors).toHaveLength(2);
      for (const e of r.errors ?? []) expect(e.extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', system: 'ERP' });

      const single = await gql('{ invoice(id: "INV-300001") { id } }');
      expect(single.data).toEqual({ invoice: null });
      expect(single.errors?.[0]?.extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', system: 'ERP' });
    } finally {
      await setFaults({});
    }
  });
});
