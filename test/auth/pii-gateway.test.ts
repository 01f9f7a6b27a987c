/**
 * Personal data by role, through the gateway against the sandbox systems: what
 * each role receives of one customer-360, and that neither gateway cache
 * (whole answers, subgraph responses) serves one role's answer to a role that
 * may see less of it; subscribers of different roles do not share an event's
 * enrichment; and the change events carry no personal data.
 */
import { randomUUID } from 'node:crypto';
import { createClient, type Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

// The audit records are written at info level.
vi.hoisted(() => {
  process.env.LOG_LEVEL = 'info';
});

import WebSocket from 'ws';
import { startStack, type GraphQLResponse, type Stack, type StackCache } from '../support/stack.js';
import { customerWiring, financeWiring } from '../support/wiring.js';
import { fetchesSoFar } from '../response-cache/support.js';
import { eventually } from '../e2e/order-helpers.js';
import { captureLogLines } from '../support/logs.js';
import type { DomainEvent, EventBus } from '../../lib/events/bus.js';
import { CUSTOMER_CHANGED } from '../../subgraphs/customer/src/feed.js';
import { BILLING_EVENT_TOPIC } from '../../subgraphs/finance/src/writes.js';

const PII_VIEW = /* GraphQL */ `
  query PiiView($id: ID!) {
    customer(id: $id) {
      id
      name
      email
      phone
      consent { emailOptIn smsOptIn }
      contacts { name email phone }
      financials { balance { amount } billingAddress { line1 city postalCode country } }
    }
  }
`;

const SHIPPING = 'query Shipping($id: ID!) { customer(id: $id) { id financials { balance { amount } shippingAddresses { line1 city } } } }';

interface View {
  customer: {
    id: string;
    name: string | null;
    email: string | null;
    phone: string | null;
    consent: { emailOptIn: boolean; smsOptIn: boolean } | null;
    contacts: Array<{ name: string | null; email: string | null; phone: string | null }> | null;
    financials: { balance: { amount: string }; billingAddress: { line1: string; city: string } | null } | null;
  } | null;
}

type Errors = NonNullable<GraphQLResponse['body']['errors']>;

const lines = captureLogLines();

/** The PII_HIDDEN errors of an answer, as `path → field`. */
function hidden(errors: Errors | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const e of errors ?? []) if (e.extensions?.code === 'PII_HIDDEN') out[(e.path ?? []).join('.')] = e.extensions.field;
  return out;
}

describe('personal data by role, through the gateway and its caches', () => {
  let stack: Stack & StackCache;
  let id: string;

  beforeAll(async () => {
    stack = await startStack({ customers: 40, responseCache: true });
    // A customer (not the storefront token's) with phone, contacts with e-mail and a billing address in the dataset.
    const { salesforce, netsuite } = stack.dataset;
    const candidate = salesforce.accounts.find(
      (a) =>
        a.Customer_Number__c !== stack.tokens.storefront.customerId &&
        a.Phone &&
        salesforce.contacts.some((c) => c.AccountId === a.Id && c.Email) &&
        netsuite.customers.some((n) => n.externalid === a.Customer_Number__c && n.billaddress !== null && n.shipaddresses.length > 0),
    );
    id = candidate?.Customer_Number__c ?? '';
  }, 60_000);
  const clients: Client[] = [];
  afterAll(async () => {
    for (const c of clients) await c.dispose();
    await stack?.close();
  });

  async function read(token: string, query = PII_VIEW, customerId = id): Promise<{ res: GraphQLResponse<View>; fetches: number }> {
    const before = await fetchesSoFar();
    const res = await stack.query<View>(query, { id: customerId }, { token });
    return { res, fetches: (await fetchesSoFar()) - before };
  }

  it('an agent sees all of it, and a repeat comes from the cache', async () => {
    expect(id).toMatch(/^C-/);
    const cold = await read(stack.tokens.agent);
    expect(cold.res.body.errors).toBeUndefined();
    const c = cold.res.body.data?.customer;
    expect(c?.email).toMatch(/@/);
    expect(c?.phone).toBeTruthy();
    expect(c?.consent).toEqual({ emailOptIn: expect.any(Boolean), smsOptIn: expect.any(Boolean) });
    expect(c?.contacts?.some((k) => k.email?.includes('@'))).toBe(true);
    expect(c?.financials?.billingAddress?.line1).toBeTruthy();
    const warm = await read(stack.tokens.agent);
    expect(warm.fetches).toBe(0);
    expect(warm.res.body.data).toEqual(cold.res.body.data);
  });

  it("finance, right after the agent's answer was cached, gets contact data and the billing address but not the consent", async () => {
    const agent = (await read(stack.tokens.agent)).res.body.data?.customer;
    const { res, fetches } = await read(stack.tokens.finance);
    // Not the agent's cached answer, nor its cached subgraph responses: the subgraphs were asked for this view.
    expect(fetches).toBeGreaterThan(0);
    expect(hidden(res.body.errors)).toEqual({ 'customer.consent': 'Customer.consent' });
    expect(res.body.errors).toHaveLength(1);
    const c = res.body.data?.customer;
    expect(c?.consent).toBeNull();
    expect({ email: c?.email, phone: c?.phone, contacts: c?.contacts, financials: c?.financials }).toEqual({
      email: agent?.email,
      phone: agent?.phone,
      contacts: agent?.contacts,
      financials: agent?.financials,
    });
    // An answer with errors is never stored: the next read asks the subgraphs again, and still hides the consent.
    const again = await read(stack.tokens.finance);
    expect(again.fetches).toBeGreaterThan(0);
    expect(again.res.body.data?.customer?.consent).toBeNull();
  });

  it('an operator gets the customer, its balance and its contacts’ names, with every field of personal data hidden', async () => {
    const agent = (await read(stack.tokens.agent)).res.body.data?.customer;
    const { res, fetches } = await read(stack.tokens.operator);
    expect(fetches).toBeGreaterThan(0);
    const c = res.body.data?.customer;
    expect(c).toMatchObject({ id, name: agent?.name, email: null, phone: null, consent: null, financials: { balance: agent?.financials?.balance, billingAddress: null } });
    expect(c?.contacts?.map((k) => k.name)).toEqual(agent?.contacts?.map((k) => k.name));
    expect(c?.contacts?.every((k) => k.email === null && k.phone === null)).toBe(true);
    const paths = hidden(res.body.errors);
    expect(paths).toMatchObject({
      'customer.email': 'Customer.email',
      'customer.phone': 'Customer.phone',
      'customer.consent': 'Customer.consent',
      'customer.financials.billingAddress': 'CustomerFinancials.billingAddress',
      'customer.contacts.0.email': 'Contact.email',
    });
    // Nothing but PII_HIDDEN: the rest of the answer stands.
    expect(res.body.errors?.every((e) => e.extensions?.code === 'PII_HIDDEN')).toBe(true);
  });

  it('hidden shipping addresses, a non-null list, null the financials that hold them, as GraphQL does', async () => {
    const agent = await read(stack.tokens.agent, SHIPPING);
    expect(agent.res.body.errors).toBeUndefined();
    const operator = await read(stack.tokens.operator, SHIPPING);
    expect(operator.res.body.data?.customer).toEqual({ id, financials: null });
    expect(hidden(operator.res.body.errors)).toEqual({ 'customer.financials.shippingAddresses': 'CustomerFinancials.shippingAddresses' });
  });

  it('a storefront caller sees all of its own data, and another customer is refused as before, at no system call', async () => {
    const own = stack.tokens.storefront;
    const mine = await read(own.token, PII_VIEW, own.customerId);
    expect(mine.res.body.errors).toBeUndefined();
    expect(mine.res.body.data?.customer).toMatchObject({ id: own.customerId, email: expect.stringMatching(/@/), consent: expect.any(Object) });
    const other = await read(own.token, PII_VIEW, id);
    expect(other.res.body.data?.customer ?? null).toBeNull();
    expect(other.res.body.errors?.map((e) => e.extensions?.code)).toContain('FORBIDDEN');
    const s = await stack.allStats(other.res.correlationId);
    expect(s.salesforce.total + s.netsuite.total + s.zendesk.total).toBe(0);
  });

  it("an operator's cacheable answer is not served to an agent, nor the agent's to the operator", async () => {
    // Without personal data the operator's answer has no errors, so it is stored, in the operator's scope.
    const q = 'query Names($id: ID!) { customer(id: $id) { id name contacts { name } } }';
    const op1 = await read(stack.tokens.operator, q);
    expect(op1.res.body.errors).toBeUndefined();
    expect((await read(stack.tokens.operator, q)).fetches).toBe(0);
    const ag = await read(stack.tokens.agent, q);
    expect(ag.fetches).toBeGreaterThan(0);
    expect(ag.res.body.data).toEqual(op1.res.body.data);
    expect((await read(stack.tokens.agent, q)).fetches).toBe(0);
  });

  it('an agent and an operator subscribed to the same document each get their own view of an event', async () => {
    // A customer of this dataset with an open invoice, and an e-mail and a billing address to show.
    const ns = stack.dataset.netsuite;
    const invoice = ns.transactions.find(
      (t) =>
        t.type === 'CustInvc' &&
        t.status === 'A' &&
        Number(t.foreignamountremaining) > 5 &&
        ns.customers.some((c) => c.id === t.entity && c.billaddress !== null && c.externalid !== id && c.externalid !== stack.tokens.storefront.customerId),
    );
    const customerId = ns.customers.find((c) => c.id === invoice?.entity)?.externalid ?? '';
    expect(customerId).toMatch(/^C-/);
    const query = 'subscription Paid($c: ID) { invoiceStatusChanged(customerId: $c) { status invoice { id customer { id email financials { billingAddress { city } } } } } }';
    type Event = { invoice: { id: string; customer: { id: string; email: string | null; financials: { billingAddress: { city: string } | null } | null } } };
    const subscribe = (token: string): { events: Event[]; errors: Errors } => {
      const got: { events: Event[]; errors: Errors } = { events: [], errors: [] };
      const client = createClient({ url: stack.wsUrl, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${token}` }, retryAttempts: 0 });
      clients.push(client);
      client.subscribe<{ invoiceStatusChanged: Event }>(
        { query, variables: { c: customerId } },
        {
          next: (m) => {
            if (m.errors) got.errors.push(...(m.errors as Errors));
            if (m.data?.invoiceStatusChanged) got.events.push(m.data.invoiceStatusChanged);
          },
          error: (e) => got.errors.push({ message: String(e) }),
          complete: () => undefined,
        },
      );
      return got;
    };
    const agent = subscribe(stack.tokens.agent);
    const operator = subscribe(stack.tokens.operator);
    // graphql-ws does not acknowledge a subscribe: give both time to reach the finance subgraph.
    await new Promise((r) => setTimeout(r, 600));
    await stack.action('netsuite', 'pay-invoice', { invoiceId: invoice?.tranid, amount: '1.00' });
    const [a, o] = await eventually(async () => (agent.events[0] && operator.events[0] ? [agent.events[0], operator.events[0]] : undefined), 8000, 'the payment event for both');
    expect(agent.errors).toEqual([]);
    expect(a.invoice.customer.email).toMatch(/@/);
    expect(a.invoice.customer.financials?.billingAddress?.city).toBeTruthy();
    expect(o.invoice).toEqual({ id: a.invoice.id, customer: { id: customerId, email: null, financials: { billingAddress: null } } });
    expect(operator.errors.map((e) => [e.path?.join('.'), e.extensions?.code]).sort()).toEqual([
      ['invoiceStatusChanged.invoice.customer.email', 'PII_HIDDEN'],
      ['invoiceStatusChanged.invoice.customer.financials.billingAddress', 'PII_HIDDEN'],
    ]);
  });

  it('the change events of a contact-data write and a billing-address write carry the customer number and field names, not the values', async () => {
    const customerId = stack.dataset.salesforce.accounts.map((a) => a.Customer_Number__c).find((n) => n !== id && n !== stack.tokens.storefront.customerId && n > 'C-000020') ?? '';
    const email = `pii.${randomUUID().slice(0, 8)}@example.com`;
    const line1 = `${Math.floor(Math.random() * 900 + 100)} Privacy Road`;
    const seen: DomainEvent[] = [];
    const watch = async (bus: EventBus | undefined, topic: string, eventId: () => string | undefined): Promise<void> => {
      const sub = bus?.subscribe<unknown>(topic, { after: '0-0' });
      if (!sub) throw new Error(`no bus for ${topic}`);
      for (;;) {
        const n = await sub.next();
        if (n.done) throw new Error('the bus ended');
        if ((n.value.payload as { customerId?: string }).customerId === customerId) seen.push(n.value);
        if (n.value.eventId === eventId()) break;
      }
      await sub.return?.();
    };
    const engagement = await stack.query<{ updateCustomerEngagement: { status: string; writeId: string } }>(
      'mutation($id: ID!, $email: String!) { updateCustomerEngagement(id: $id, input: { email: $email, phone: "+1 415-555-0199" }) { status writeId } }',
      { id: customerId, email },
    );
    expect(engagement.body.data?.updateCustomerEngagement.status).toBe('APPLIED');
    const billing = await stack.query<{ updateBillingAddress: { status: string; writeId: string } }>(
      'mutation($id: ID!, $line1: String!) { updateBillingAddress(customerId: $id, address: { line1: $line1, city: "Springfield", postalCode: "12345", country: "US" }) { status writeId } }',
      { id: customerId, line1 },
      { token: stack.tokens.finance },
    );
    expect(billing.body.data?.updateBillingAddress.status).toBe('APPLIED');
    await watch(customerWiring.current?.bus, CUSTOMER_CHANGED, () => `write:${engagement.body.data?.updateCustomerEngagement.writeId}`);
    await watch(financeWiring.current?.bus, BILLING_EVENT_TOPIC, () => billing.body.data?.updateBillingAddress.writeId);
    expect(seen.find((e) => e.eventId.startsWith('write:'))?.payload).toMatchObject({ customerId, changedFields: ['email', 'phone'] });
    expect(seen.find((e) => e.topic === BILLING_EVENT_TOPIC)?.payload).toEqual({ type: 'BillingAddressChanged', customerId });
    const text = JSON.stringify(seen);
    for (const value of [email, '555-0199', line1, 'Springfield', '12345']) expect(text).not.toContain(value);
  });

  it('a hidden field is not audited as read: the audit names what the caller was given', async () => {
    const groups = async (token: string): Promise<string[]> => {
      const { res } = await read(token, PII_VIEW, 'C-000012');
      const records = lines
        .map((l) => JSON.parse(l) as { audit?: boolean; action?: string; correlationId?: string; fieldGroups?: string[] })
        .filter((r) => r.audit === true && r.action === 'read' && r.correlationId === res.correlationId);
      return [...new Set(records.flatMap((r) => r.fieldGroups ?? []))].sort();
    };
    expect(await groups(stack.tokens.agent)).toEqual(['consent', 'contact', 'contacts', 'financials', 'identity']);
    expect(await groups(stack.tokens.finance)).toEqual(['contact', 'contacts', 'financials', 'identity']);
    expect(await groups(stack.tokens.operator)).toEqual(['contacts', 'financials', 'identity']);
  });
});
