/**
 * Personal data by role, through the gateway against the sandbox systems: what
 * each role receives of one customer-360, and that neither gateway cache
 * (whole answers, subgraph responses) serves one role's answer to a role that
 * may see less of it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type GraphQLResponse, type Stack, type StackCache } from '../support/stack.js';
import { fetchesSoFar } from '../response-cache/support.js';

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
  afterAll(async () => {
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
});
