/**
 * customerByIdentity(system: SALESFORCE, id:), the lookup a Salesforce record
 * page makes with its recordId, through the gateway: both id forms find the same
 * customer for one SOQL query and then none (the crosswalk and the customer are
 * cached); ids that are not Account ids are refused before any Salesforce call;
 * a storefront caller reaches its own customer only; and an uncached Account
 * while Salesforce is down is an error naming SALESFORCE.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack, type StackCache } from '../support/stack.js';

let stack: Stack & StackCache;

const QUERY = `query ByAccount($id: ID!) { customerByIdentity(system: SALESFORCE, id: $id) { id salesforceId name } }`;
const SOQL = 'GET /services/data/:version/query';

interface ByIdentity {
  customerByIdentity: { id: string; salesforceId: string; name: string } | null;
}

/** The Account of the nth customer of the stack's dataset (1 is the storefront token's customer). */
function account(n: number): { id18: string; id15: string; number: string } {
  const a = stack.dataset.salesforce.accounts[n - 1];
  if (!a) throw new Error(`the dataset has no customer ${n}`);
  return { id18: a.Id, id15: a.Id.slice(0, 15), number: a.Customer_Number__c };
}

beforeAll(async () => {
  stack = await startStack({ cache: {} });
}, 30_000);

afterAll(async () => {
  await stack?.close();
});

describe('customerByIdentity(system: SALESFORCE)', () => {
  it('finds the same customer by the 15- and the 18-character id: one SOQL query, then none', async () => {
    const a = account(7);
    expect(a.id18).toHaveLength(18);

    const first = await stack.query<ByIdentity>(QUERY, { id: a.id15 });
    expect(first.body.errors).toBeUndefined();
    expect(first.body.data?.customerByIdentity).toMatchObject({ id: a.number, salesforceId: a.id18 });
    expect(first.body.data?.customerByIdentity?.name).toBeTruthy();
    const cold = await stack.stats('salesforce', first.correlationId);
    expect(cold.total).toBe(1);
    expect(cold.calls[SOQL]).toBe(1);

    const second = await stack.query<ByIdentity>(QUERY, { id: a.id18 });
    expect(second.body.data?.customerByIdentity).toEqual(first.body.data?.customerByIdentity);
    expect((await stack.stats('salesforce', second.correlationId)).total).toBe(0);

    // The customer is the one customer(id:) finds, from the same cache entry.
    const byNumber = await stack.query<{ customer: { id: string; salesforceId: string; name: string } }>(
      `query Q($id: ID!) { customer(id: $id) { id salesforceId name } }`,
      { id: a.number },
    );
    expect(byNumber.body.data?.customer).toEqual(first.body.data?.customerByIdentity);
    expect((await stack.stats('salesforce', byNumber.correlationId)).total).toBe(0);
  });

  it('batches every Account id of one request into one SOQL query', async () => {
    const [a, b] = [account(11), account(12)];
    const res = await stack.query<Record<string, { id: string } | null>>(
      `query Q($a15: ID!, $a18: ID!, $b: ID!) {
        a15: customerByIdentity(system: SALESFORCE, id: $a15) { id name }
        a18: customerByIdentity(system: SALESFORCE, id: $a18) { id name }
        b: customerByIdentity(system: SALESFORCE, id: $b) { id name }
      }`,
      { a15: a.id15, a18: a.id18, b: b.id18 },
    );
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data).toMatchObject({ a15: { id: a.number }, a18: { id: a.number }, b: { id: b.number } });
    expect((await stack.stats('salesforce', res.correlationId)).calls[SOQL]).toBe(1);
  });

  it('gives null for a well-formed Account id Salesforce does not know', async () => {
    const unknown = '001Dn0000000000IAA';
    const res = await stack.query<ByIdentity>(QUERY, { id: unknown });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data?.customerByIdentity).toBeNull();
  });

  it('refuses ids that are not Account ids with BAD_USER_INPUT and no Salesforce call', async () => {
    const a = account(3);
    const flipped = a.id15.replace(/[A-Za-z]/, (c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase()));
    const hostile = [
      "001' OR Name != '",
      "001Dn0000000000' OR Id != '",
      `${a.id15}) OR (Id != null`,
      '',
      'C-000001',
      a.id15.slice(0, 14),
      `${a.id18}A`,
      `003${a.id18.slice(3)}`, // a Contact's key prefix
      `${flipped}${a.id18.slice(15)}`, // the case of one letter changed: the suffix no longer matches
      `${a.id15}ZZ9`,
      `${a.id15.slice(0, 14)}é`,
      'x'.repeat(900),
    ];
    for (const id of hostile) {
      const res = await stack.query<ByIdentity>(QUERY, { id });
      expect(res.body.errors?.[0]?.extensions?.code, id).toBe('BAD_USER_INPUT');
      expect(res.body.errors?.[0]?.message, id).toMatch(/Account id|last three characters/);
      expect(res.body.data?.customerByIdentity ?? null, id).toBeNull();
      expect((await stack.stats('salesforce', res.correlationId)).total, id).toBe(0);
    }
  });

  it('lets a storefront caller find its own customer only', async () => {
    const own = account(1);
    expect(own.number).toBe(stack.tokens.storefront.customerId);
    const token = stack.tokens.storefront.token;

    const mine = await stack.query<ByIdentity>(QUERY, { id: own.id15 }, { token });
    expect(mine.body.errors).toBeUndefined();
    expect(mine.body.data?.customerByIdentity?.id).toBe(own.number);

    for (const id of [account(2).id18, account(2).id15, '001Dn0000000000IAA']) {
      const res = await stack.query<ByIdentity>(QUERY, { id }, { token });
      expect(res.body.errors?.[0]?.extensions?.code, id).toBe('FORBIDDEN');
      expect(res.body.data?.customerByIdentity ?? null, id).toBeNull();
      // Nothing of the other customer crossed the wire.
      expect(JSON.stringify(res.body), id).not.toContain(account(2).number);
    }
  });

  it('serves a cached Account while Salesforce is down, and names SALESFORCE for an uncached one', async () => {
    const [cached, cold] = [account(21), account(22)];
    const warm = await stack.query<ByIdentity>(QUERY, { id: cached.id18 });
    expect(warm.body.data?.customerByIdentity?.id).toBe(cached.number);

    await stack.faults('salesforce', { down: true });
    try {
      const fromCache = await stack.query<ByIdentity>(QUERY, { id: cached.id15 });
      expect(fromCache.body.errors).toBeUndefined();
      expect(fromCache.body.data?.customerByIdentity).toEqual(warm.body.data?.customerByIdentity);

      const res = await stack.query<ByIdentity>(QUERY, { id: cold.id18 });
      expect(res.body.data?.customerByIdentity ?? null).toBeNull();
      expect(res.body.errors?.[0]?.extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', system: 'SALESFORCE' });
    } finally {
      await stack.clearFaults();
    }
  });
});
