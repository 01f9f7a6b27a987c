/**
 * The finance change feed and invoiceStatusChanged end to end: a payment posted inside
 * the ERP (the sandbox's pay-invoice action, as a finance user would post it) is found
 * by polling NetSuite by last-modified time, invalidates the cache, and reaches a real
 * graphql-ws client through the gateway once, with the customer's name from Salesforce.
 * Plus who may subscribe to what, and the feed's restart behaviour.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createClient, type Client } from 'graphql-ws';
import { hasCustomerNumber } from '../../sandbox/dataset/model.js';
import { startStack, type Stack, type StackCache } from '../support/stack.js';
import { financeWiring } from '../support/wiring.js';
import { signedHeaders } from '../support/auth.js';
import { makeCaller } from '../../lib/auth/index.js';

let stack: Stack & StackCache;
const clients: Client[] = [];

beforeAll(async () => {
  stack = await startStack({ cache: {} });
}, 60_000);

afterAll(async () => {
  for (const c of clients) await c.dispose();
  await stack?.close();
});

const SUBSCRIPTION = /* GraphQL */ `
  subscription Invoices($customerId: ID, $invoiceId: ID) {
    invoiceStatusChanged(customerId: $customerId, invoiceId: $invoiceId) {
      eventId
      previousStatus
      status
      amountDue { amount }
      changedAt
      invoice { id status amountDue { amount } customer { id name } }
    }
  }
`;

/** The same without the field from another subgraph: what the finance subgraph alone answers. */
const SUBSCRIPTION_FINANCE_ONLY = SUBSCRIPTION.replace('customer { id name }', 'customer { id }');

interface Change {
  eventId: string;
  previousStatus: string | null;
  status: string;
  amountDue: { amount: string };
  changedAt: string;
  invoice: { id: string; status: string; amountDue: { amount: string }; customer: { id: string; name: string | null } };
}

interface Subscription {
  events: Change[];
  errors: Array<{ message: string; extensions?: Record<string, unknown> }>;
  completed: boolean;
  stop(): void;
}

/** A graphql-ws client through the gateway, recording every message it gets. */
function subscribe(variables: Record<string, unknown>, token: string, query = SUBSCRIPTION_FINANCE_ONLY): Subscription {
  const client = createClient({
    url: stack.wsUrl,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    retryAttempts: 0,
  });
  clients.push(client);
  const sub: Subscription = { events: [], errors: [], completed: false, stop: () => undefined };
  sub.stop = client.subscribe<{ invoiceStatusChanged: Change }>(
    { query, variables },
    {
      next: (msg) => {
        if (msg.errors) sub.errors.push(...(msg.errors as Subscription['errors']));
        if (msg.data?.invoiceStatusChanged) sub.events.push(msg.data.invoiceStatusChanged);
      },
      error: (err) => {
        const list = Array.isArray(err) ? err : [err];
        sub.errors.push(...list.map((e: { message?: string; extensions?: Record<string, unknown> }) => ({ message: String(e.message ?? e), ...(e.extensions ? { extensions: e.extensions } : {}) })));
        sub.completed = true;
      },
      complete: () => {
        sub.completed = true;
      },
    },
  );
  return sub;
}

async function until<T>(read: () => T | undefined | Promise<T | undefined>, what: string, ms = 8000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Waits until the subscription has reached the finance subgraph's bus: graphql-ws has no
 * acknowledgement of a subscribe, and an event published before it would not be delivered.
 */
async function established(): Promise<void> {
  await sleep(600);
}

async function payInvoice(invoiceId: string, amount: string): Promise<void> {
  const res = await fetch(`${stack.sandboxUrls.netsuite}/__sandbox/actions/pay-invoice`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ invoiceId, amount }),
  });
  expect(res.status, await res.clone().text()).toBe(200);
}

/**
 * Open invoices of a customer in the dataset, with what remains to pay and whether they are past
 * due today: the ERP derives OVERDUE from the due date and its own clock, and the dataset's
 * "today" is fixed while the clock moves on, so a test must not assume any invoice is still current.
 */
function openInvoices(customerId: string): Array<{ id: string; remaining: number; overdue: boolean }> {
  const ns = stack.dataset.netsuite;
  const customer = ns.customers.find((c) => c.externalid === customerId);
  if (!customer) throw new Error(`no customer ${customerId}`);
  const today = new Date().toISOString().slice(0, 10);
  return ns.transactions
    .filter((t) => t.type === 'CustInvc' && t.entity === customer.id && t.status === 'A' && Number(t.foreignamountremaining) > 20)
    .filter((t) => !used.has(t.tranid))
    .map((t) => ({ id: t.tranid, remaining: Number(t.foreignamountremaining), overdue: (t.duedate ?? '') < today }))
    .sort((a, b) => Number(a.overdue) - Number(b.overdue));
}

/** Invoices a test has paid: the dataset no longer says what remains on them. */
const used = new Set<string>();

/**
 * `n` open invoices of one customer (other than the excluded ones) that no test has touched; they
 * are taken. Invoices not yet due come first, while the dataset still holds some.
 */
function takeInvoices(n: number, exclude: readonly string[] = []): { customerId: string; invoices: Array<{ id: string; remaining: number; overdue: boolean }> } {
  const candidates = stack.dataset.netsuite.customers.filter(hasCustomerNumber).filter((x) => !exclude.includes(x.externalid) && openInvoices(x.externalid).length >= n);
  const current = (c: { externalid: string }): boolean => openInvoices(c.externalid).slice(0, n).every((i) => !i.overdue);
  const c = candidates.find(current) ?? candidates[0];
  if (!c) throw new Error(`no customer with ${n} open invoices`);
  const invoices = openInvoices(c.externalid).slice(0, n);
  for (const i of invoices) used.add(i.id);
  return { customerId: c.externalid, invoices };
}

const NAME = /* GraphQL */ `query Name($id: ID!) { customer(id: $id) { name } }`;

describe('invoiceStatusChanged through the gateway', () => {
  it('delivers a payment posted in the ERP exactly once, with the customer name from Salesforce, to a customerId subscriber only', async () => {
    const { customerId, invoices: [invoice] } = takeInvoices(1);
    const { invoices: [otherInvoice] } = takeInvoices(1, [customerId]);
    if (!invoice || !otherInvoice) throw new Error('no invoices');
    const name = (await stack.query<{ customer: { name: string } }>(NAME, { id: customerId })).body.data?.customer.name;
    expect(name).toBeTruthy();

    const mine = subscribe({ customerId }, stack.tokens.agent, SUBSCRIPTION);
    await established();
    await payInvoice(otherInvoice.id, '1.00');
    await payInvoice(invoice.id, '2.00');
    const event = await until(() => mine.events[0], 'the payment event');
    expect(mine.errors).toEqual([]);
    expect(event.invoice.id).toBe(invoice.id);
    // The first change the feed sees of this invoice: what it was before is not known to it.
    expect(event.previousStatus).toBeNull();
    // A partial payment leaves a current invoice PARTIALLY_PAID and an overdue one OVERDUE.
    const partly = invoice.overdue ? 'OVERDUE' : 'PARTIALLY_PAID';
    expect(event.status).toBe(partly);
    expect(event.invoice.status).toBe(partly);
    expect(event.amountDue.amount).toBe((invoice.remaining - 2).toFixed(2));
    expect(event.invoice.customer).toEqual({ id: customerId, name });
    expect(event.eventId).toMatch(new RegExp(`^erp:invoice:${invoice.id}:`));

    // Several polls later (the feed's overlap re-reads the same change each time) nothing more
    // arrived: one action, one event; and the other customer's payment never did.
    await sleep(1000);
    expect(mine.events.map((e) => e.invoice.id)).toEqual([invoice.id]);

    await payInvoice(invoice.id, '1.00');
    const second = await until(() => mine.events[1], 'the second payment event');
    expect(second.previousStatus).toBe(partly);
    expect(second.amountDue.amount).toBe((invoice.remaining - 3).toFixed(2));
    await sleep(500);
    expect(mine.events).toHaveLength(2);
  });

  it('says what an invoice was before the first change the feed sees of it, when an earlier read cached it', async () => {
    const { invoices: [invoice] } = takeInvoices(1);
    if (!invoice) throw new Error('no invoice');
    const read = await stack.query<{ invoice: { status: string } }>('query Status($id: ID!) { invoice(id: $id) { status } }', { id: invoice.id });
    const before = read.body.data?.invoice.status;
    expect(before).toMatch(/^(OPEN|PARTIALLY_PAID|OVERDUE)$/);
    const sub = subscribe({ invoiceId: invoice.id }, stack.tokens.agent);
    await established();
    // The ERP stamps changes in whole seconds: a change in the second of the read could not be placed after it.
    await sleep(500);
    await payInvoice(invoice.id, '1.00');
    const event = await until(() => sub.events[0], 'the payment event');
    expect(event.previousStatus).toBe(before);
    expect(event.amountDue.amount).toBe((invoice.remaining - 1).toFixed(2));
  });

  it('filters by invoiceId, and a payment that settles the invoice reads PAID', async () => {
    const { invoices: [a, b] } = takeInvoices(2);
    if (!a || !b) throw new Error('no invoices');
    const sub = subscribe({ invoiceId: b.id }, stack.tokens.agent);
    await established();
    await payInvoice(a.id, '1.00');
    await payInvoice(b.id, b.remaining.toFixed(2));
    const event = await until(() => sub.events[0], 'the PAID event');
    expect(event.invoice.id).toBe(b.id);
    expect(event.status).toBe('PAID');
    expect(event.amountDue.amount).toBe('0.00');
    await sleep(500);
    expect(sub.events).toHaveLength(1);
  });

  it('lets a storefront caller subscribe to its own customer only, and needs the agent role without a filter', async () => {
    const someoneElse = subscribe({ customerId: 'C-000002' }, stack.tokens.storefront.token);
    const unfiltered = subscribe({}, stack.tokens.storefront.token);
    const byInvoiceOnly = subscribe({ invoiceId: 'INV-300001' }, stack.tokens.storefront.token);
    for (const s of [someoneElse, unfiltered, byInvoiceOnly]) {
      await until(() => (s.errors.length > 0 ? true : undefined), 'the refusal');
      expect(s.errors[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(s.events).toEqual([]);
    }

    // A storefront caller whose customer has an invoice to pay (overdue or not: only the owner matters here).
    const ns = stack.dataset.netsuite;
    const ownInvoice = ns.transactions.find((t) => t.type === 'CustInvc' && t.status === 'A' && Number(t.foreignamountremaining) > 2 && !used.has(t.tranid));
    const own = ns.customers.find((c) => c.id === ownInvoice?.entity)?.externalid;
    if (!ownInvoice || !own) throw new Error('the dataset has no open invoice');
    used.add(ownInvoice.tranid);
    const token = await stack.issuer.token({ sub: own, roles: ['storefront'] });
    const mine = subscribe({ customerId: own }, token);
    await established();
    expect(mine.errors).toEqual([]);
    await payInvoice(ownInvoice.tranid, '1.00');
    const event = await until(() => mine.events[0], 'the storefront caller’s own event');
    expect(event.invoice.id).toBe(ownInvoice.tranid);
    expect(event.invoice.customer.id).toBe(own);
  });

  it('invalidates the cached invoice and financials on a change: the next read shows it and costs one ERP query each', async () => {
    const { customerId, invoices: [invoice] } = takeInvoices(1, ['C-000001']);
    if (!invoice) throw new Error('no invoice');
    const READ = /* GraphQL */ `
      query R($id: ID!, $inv: ID!) {
        invoice(id: $inv) { id status amountDue { amount } }
        customer(id: $id) { financials { balance { amount } } }
      }
    `;
    const warm = await stack.query<{ invoice: { amountDue: { amount: string } }; customer: { financials: { balance: { amount: string } } } }>(READ, { id: customerId, inv: invoice.id });
    const cached = await stack.query(READ, { id: customerId, inv: invoice.id });
    expect((await stack.stats('netsuite', cached.correlationId)).total).toBe(0);

    // Waits on the subgraph's bus: the feed invalidates before it publishes.
    const bus = financeWiring.current?.bus;
    if (!bus) throw new Error('no bus');
    const events = bus.subscribe<{ invoiceId: string }>('invoice.status');
    await payInvoice(invoice.id, '3.00');
    for (;;) {
      const next = await Promise.race([events.next(), sleep(8000).then(() => 'timeout' as const)]);
      if (next === 'timeout' || next.done) throw new Error('no event for the payment');
      if (next.value.payload.invoiceId === invoice.id) break;
    }
    await events.return?.();

    const after = await stack.query<{ invoice: { amountDue: { amount: string } }; customer: { financials: { balance: { amount: string } } } }>(READ, { id: customerId, inv: invoice.id });
    expect(after.body.data?.invoice.amountDue.amount).toBe((invoice.remaining - 3).toFixed(2));
    const balanceBefore = Number(warm.body.data?.customer.financials.balance.amount);
    expect(Number(after.body.data?.customer.financials.balance.amount)).toBeCloseTo(balanceBefore - 3, 2);
    const stats = await stack.stats('netsuite', after.correlationId);
    expect(stats.calls).toEqual({ 'POST /services/rest/query/v1/suiteql': 2 });
  });

  it('resumes from its persisted watermark after a restart: a payment made while finance was down arrives once', async () => {
    const { invoices: [invoice] } = takeInvoices(1, ['C-000001']);
    if (!invoice) throw new Error('no invoice');
    await stack.stopSubgraph('finance');
    await payInvoice(invoice.id, '4.00');
    // Longer than the feed's overlap (2 s in the test wiring): only the persisted watermark, not
    // the overlap of a feed starting from "now", can find this payment after the restart.
    await sleep(2500);
    await stack.startSubgraph('finance');
    const feed = financeWiring.current?.feed;
    if (!feed) throw new Error('the finance feed is not running');
    // The restarted feed's first poll covers the time it was down; read what it published.
    const bus = financeWiring.current?.bus;
    if (!bus) throw new Error('no bus');
    const it = bus.subscribe<{ invoiceId: string; status: string }>('invoice.status', { after: '0-0' });
    await feed.pollOnce();
    await feed.pollOnce();
    const seen: string[] = [];
    for (;;) {
      const next = await Promise.race([it.next(), sleep(300).then(() => 'idle' as const)]);
      if (next === 'idle' || next.done) break;
      seen.push(next.value.payload.invoiceId);
    }
    await it.return?.();
    expect(seen.filter((id) => id === invoice.id)).toHaveLength(1);
  });
});

describe('storefront reads of finance data', () => {
  it("refuses another customer's financials and invoices with FORBIDDEN at no ERP cost, and reads another customer's invoice as null", async () => {
    const own = stack.dataset.netsuite.customers.find((c) => c.externalid === stack.tokens.storefront.customerId);
    const invoice = stack.dataset.netsuite.transactions.find((t) => t.type === 'CustInvc' && t.entity !== own?.id);
    const other = stack.dataset.netsuite.customers.find((c) => c.id === invoice?.entity)?.externalid;
    const correlationId = `test-${randomUUID()}`;
    const res = await stack.query<{ customer: unknown }>(
      /* GraphQL */ `query O($id: ID!) { customer(id: $id) { id financials { balance { amount } } invoices { nodes { id } } } }`,
      { id: other },
      { token: stack.tokens.storefront.token, correlationId },
    );
    expect(res.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const all = await stack.allStats(correlationId);
    expect(all.netsuite.total + all.salesforce.total + all.zendesk.total).toBe(0);

    const inv = await stack.query<{ invoice: unknown }>(/* GraphQL */ `query I($id: ID!) { invoice(id: $id) { id } }`, { id: invoice?.tranid }, { token: stack.tokens.storefront.token });
    expect(inv.body.errors).toBeUndefined();
    expect(inv.body.data?.invoice).toBeNull();

    const ownRes = await stack.query<{ customer: { financials: unknown } }>(
      /* GraphQL */ `query O($id: ID!) { customer(id: $id) { financials { balance { amount } } } }`,
      { id: stack.tokens.storefront.customerId },
      { token: stack.tokens.storefront.token },
    );
    expect(ownRes.body.errors).toBeUndefined();
    expect(ownRes.body.data?.customer.financials).not.toBeNull();
  });

  it('refuses the same through a direct entity reference: the finance subgraph checks the signed caller itself', async () => {
    // As the gateway would send a nested reference to another customer (e.g. from another
    // subgraph's entity): the finance subgraph must refuse it without asking the ERP.
    const caller = makeCaller({ subject: 'C-000001', roles: ['storefront'], customerId: 'C-000001', via: 'token' });
    const ask = async (id: string): Promise<{ correlationId: string; body: { data?: { _entities: Array<Record<string, unknown> | null> }; errors?: Array<{ extensions?: Record<string, unknown> }> } }> => {
      const correlationId = `test-${randomUUID()}`;
      const request = {
        query: 'query E($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { id financials { balance { amount } } invoices { nodes { id } } } } }',
        variables: { r: [{ __typename: 'Customer', id }] },
      };
      const res = await fetch(stack.subgraphUrls.finance, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...signedHeaders(correlationId, 'finance', request, caller) },
        body: JSON.stringify(request),
      });
      return { correlationId, body: (await res.json()) as never };
    };
    const other = await ask('C-000002');
    expect(other.body.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN', 'FORBIDDEN']);
    expect((await stack.stats('netsuite', other.correlationId)).total).toBe(0);
    const own = await ask('C-000001');
    expect(own.body.errors).toBeUndefined();
    expect(own.body.data?._entities[0]?.financials).not.toBeNull();
  });
});
