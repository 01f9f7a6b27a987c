/**
 * customerByIdentity(system: NETSUITE) in the deployed layout (one process per
 * subgraph, no Redis), where each subgraph counts its own NetSuite calls: the
 * customer subgraph's lookups run only with a slot of their own
 * (NETSUITE_SHARE_CUSTOMER, counted with the other shares), and without one they
 * answer UPSTREAM_UNAVAILABLE naming the ERP and the setting, calling nothing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';

const BY_NETSUITE = `query By($id: ID!) { customerByIdentity(system: NETSUITE, id: $id) { id } }`;

let stack: Stack | undefined;

afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

function netsuiteIdOf(s: Stack, n: number): { number: string; netsuiteId: string } {
  const number = s.dataset.salesforce.accounts[n - 1]?.Customer_Number__c ?? '';
  const ns = s.dataset.netsuite.customers.find((c) => c.externalid === number);
  if (!ns) throw new Error(`customer ${number} has no NetSuite record`);
  return { number, netsuiteId: String(ns.id) };
}

describe('customerByIdentity(system: NETSUITE) in separate processes without Redis', () => {
  it('answers UPSTREAM_UNAVAILABLE naming the ERP and NETSUITE_SHARE_CUSTOMER when the customer subgraph has no share', async () => {
    stack = await startStack({ customers: 20 });
    const c = netsuiteIdOf(stack, 3);
    const res = await stack.query<{ customerByIdentity: unknown }>(BY_NETSUITE, { id: c.netsuiteId });
    expect(res.body.data?.customerByIdentity ?? null).toBeNull();
    expect(res.body.errors?.[0]?.extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', system: 'ERP' });
    expect(res.body.errors?.[0]?.message).toContain('NETSUITE_SHARE_CUSTOMER');
    expect((await stack.stats('netsuite', res.correlationId)).total).toBe(0);
  }, 60_000);

  it('finds the customer with NETSUITE_SHARE_CUSTOMER set within the account limit', async () => {
    stack = await startStack({ customers: 20, settings: { NETSUITE_MAX_CONCURRENT: '6', NETSUITE_SHARE_CUSTOMER: '1' } });
    const c = netsuiteIdOf(stack, 3);
    const res = await stack.query<{ customerByIdentity: { id: string } | null }>(BY_NETSUITE, { id: c.netsuiteId });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data?.customerByIdentity?.id).toBe(c.number);
    expect((await stack.stats('netsuite', res.correlationId)).total).toBe(1);
  }, 60_000);
});
