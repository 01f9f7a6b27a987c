/**
 * Readiness that tells the truth, through the test stack over the sandbox: a
 * system of record that goes down degrades its subgraph (and the gateway, which
 * summarises its subgraphs) without taking either out of service, and both read
 * ok again once the system answers. Liveness does not change meanwhile.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';
import type { PartReport, ReadyReport } from '../../lib/health.js';

const CUSTOMER = /* GraphQL */ `
  query ($id: ID!) {
    customer(id: $id) { id name orders(first: 1) { totalCount } }
  }
`;

async function readiness(graphqlUrl: string): Promise<{ httpStatus: number; body: ReadyReport }> {
  const res = await fetch(new URL('/health/ready', graphqlUrl));
  return { httpStatus: res.status, body: (await res.json()) as ReadyReport };
}

const part = (report: ReadyReport, name: string): PartReport | undefined => report.parts.find((p) => p.name === name);

describe('readiness over the sandbox', () => {
  let stack: Stack;
  let customerId: string;

  beforeAll(async () => {
    stack = await startStack({ customers: 30 });
    customerId = 'C-000003';
  }, 60_000);

  afterAll(async () => {
    await stack?.clearFaults().catch(() => undefined);
    await stack?.close();
  });

  it('degrades the customer subgraph and the gateway while Salesforce is down, keeps them in service, and reads ok once it is back', async () => {
    const before = await stack.query(CUSTOMER, { id: customerId });
    expect(before.body.errors).toBeUndefined();
    expect((await readiness(stack.subgraphUrls.customer)).body.status).toBe('ok');

    await stack.faults('salesforce', { down: true });
    const during = await stack.query<{ customer: { name: string | null; orders: { totalCount: number } } }>(CUSTOMER, { id: customerId });
    // The other systems still answer: the process can work, so it stays ready.
    expect(during.body.data?.customer.name).toBeNull();
    expect(during.body.data?.customer.orders.totalCount).toBeGreaterThanOrEqual(0);

    const customer = await readiness(stack.subgraphUrls.customer);
    expect(customer.httpStatus).toBe(200);
    expect(customer.body.status).toBe('degraded');
    const salesforce = part(customer.body, 'system:SALESFORCE');
    expect(salesforce?.status).toBe('degraded');
    expect(salesforce?.reasons.join(' ')).toMatch(/Salesforce answered HTTP 503/);
    expect(salesforce?.details?.lastFailureAgeMs).toEqual(expect.any(Number));
    expect(salesforce?.details?.lastSuccessAgeMs).toEqual(expect.any(Number));

    // The order subgraph never called Salesforce.
    expect(part((await readiness(stack.subgraphUrls.order)).body, 'system:SALESFORCE')).toBeUndefined();

    const gateway = await readiness(stack.gatewayUrl);
    expect(gateway.httpStatus).toBe(200);
    expect(gateway.body.status).toBe('degraded');
    expect(part(gateway.body, 'subgraph:customer')?.reasons.join(' ')).toMatch(/system:SALESFORCE/);
    expect(part(gateway.body, 'subgraph:order')?.status).toBe('ok');
    expect(part(gateway.body, 'supergraph')?.status).toBe('ok');

    const live = await fetch(new URL('/health/live', stack.subgraphUrls.customer));
    expect(live.status).toBe(200);
    expect(((await live.json()) as { status: string }).status).toBe('ok');

    await stack.faults('salesforce', {});
    const after = await stack.query<{ customer: { name: string | null } }>(CUSTOMER, { id: customerId });
    expect(after.body.data?.customer.name).toEqual(expect.any(String));
    // A call that began before the system came back may still end after this one: wait for the next verdict.
    await expect.poll(async () => (await readiness(stack.subgraphUrls.customer)).body.status, { timeout: 5_000 }).toBe('ok');
    await expect.poll(async () => (await readiness(stack.gatewayUrl)).body.status, { timeout: 5_000 }).toBe('ok');
    // /health stays what it was for the checks written before the split: readiness, with the subgraph's name.
    const legacy = (await (await fetch(new URL('/health', stack.subgraphUrls.customer))).json()) as ReadyReport & { subgraph: string };
    expect(legacy).toMatchObject({ status: 'ok', subgraph: 'customer' });
  }, 60_000);
});
