/**
 * Early entity fetches (gateway/src/early-fetches.ts), through the gateway over
 * the sandbox: a cold customer-360 asks the ERP and the service desk while
 * Salesforce is still answering, for the same calls and the same answer as
 * when each step waits for the one before; bad keys and other customers' keys
 * cost no call at the other systems.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { startStack, type Stack, type SystemName } from '../support/stack.js';

const VIEW = /* GraphQL */ `
  query View($id: ID!) {
    customer(id: $id) {
      id
      name
      financials { balance { amount currency } creditHold }
      orders(first: 10) { totalCount nodes { id status lines { sku } invoices { id } cases { id } } }
      cases(first: 10) { nodes { id subject } }
    }
  }
`;

interface Arrival {
  route: string;
  receivedAtMs: number;
  durationMs: number | null;
}

const SYSTEMS: SystemName[] = ['salesforce', 'netsuite', 'zendesk'];

async function arrivals(stack: Stack, correlationId: string): Promise<Record<SystemName, Arrival[]>> {
  const out = {} as Record<SystemName, Arrival[]>;
  for (const system of SYSTEMS) {
    const res = await fetch(`${stack.sandboxUrls[system]}/__sandbox/requests?correlationId=${encodeURIComponent(correlationId)}`);
    out[system] = ((await res.json()) as { requests: Arrival[] }).requests;
  }
  return out;
}

/** Calls per system and route, as the sandboxes counted them. */
async function calls(stack: Stack, correlationId: string): Promise<Record<SystemName, Record<string, number>>> {
  const stats = await stack.allStats(correlationId);
  return { salesforce: stats.salesforce.calls, netsuite: stats.netsuite.calls, zendesk: stats.zendesk.calls };
}

/** One view with Salesforce slowed down: when each system was asked, relative to Salesforce's answer. */
async function slowSalesforceView(stack: Stack, id: string): Promise<{ body: unknown; log: Record<SystemName, Arrival[]>; correlationId: string }> {
  await stack.faults('salesforce', { latencyMs: 400 });
  try {
    const correlationId = `early-${randomUUID()}`;
    const res = await stack.query(VIEW, { id }, { correlationId });
    expect(res.body.errors).toBeUndefined();
    return { body: res.body.data, log: await arrivals(stack, correlationId), correlationId };
  } finally {
    await stack.clearFaults();
  }
}

const salesforceAnswered = (log: Record<SystemName, Arrival[]>): number => {
  const query = log.salesforce.find((a) => a.route.includes('/query'));
  expect(query?.durationMs).toBeGreaterThanOrEqual(400);
  return query!.receivedAtMs + query!.durationMs!;
};
const firstAsked = (arrivalsOf: Arrival[]): number => Math.min(...arrivalsOf.map((a) => a.receivedAtMs));

describe.each([
  ['separate processes', false],
  ['one process', true],
])('early entity fetches, subgraphs in %s', (_layout, inProcess) => {
  let stack: Stack;
  let waiting: Stack;

  beforeAll(async () => {
    // In one process the subgraphs always keep an entity cache (it tells the gateway of invalidations): each test views a customer of its own.
    const cache = inProcess ? { cache: {} } : {};
    [stack, waiting] = await Promise.all([startStack({ inProcess, ...cache }), startStack({ inProcess, ...cache, earlyFetches: [] })]);
    // Sign in to Salesforce once so that the measured requests show only their own calls.
    await Promise.all([stack.query('{ customer(id: "C-000010") { name } }'), waiting.query('{ customer(id: "C-000010") { name } }')]);
  });

  afterAll(async () => {
    await Promise.all([stack?.close(), waiting?.close()]);
  });

  it('a cold customer-360 asks the ERP and the service desk while Salesforce answers, for the same calls and the same answer', async () => {
    const early = await slowSalesforceView(stack, 'C-000001');
    const late = await slowSalesforceView(waiting, 'C-000001');
    expect(early.body).toEqual(late.body);
    expect(await calls(stack, early.correlationId)).toEqual(await calls(waiting, late.correlationId));

    // Early: both other systems were asked well before Salesforce's 400 ms answer ended.
    for (const system of ['netsuite', 'zendesk'] as const) expect(firstAsked(early.log[system])).toBeLessThan(salesforceAnswered(early.log) - 300);
    // Waiting for the customer first, neither was asked before it came back.
    for (const system of ['netsuite', 'zendesk'] as const) expect(firstAsked(late.log[system])).toBeGreaterThanOrEqual(salesforceAnswered(late.log) - 1);
  });

  it('an alias and a literal id are sent early too', async () => {
    await stack.faults('salesforce', { latencyMs: 400 });
    try {
      const correlationId = `early-${randomUUID()}`;
      const res = await stack.query<{ c: { orders: { totalCount: number } } }>('{ c: customer(id: "C-000003") { orders(first: 5) { totalCount } } }', {}, { correlationId });
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data?.c.orders.totalCount).toBeGreaterThan(0);
      const log = await arrivals(stack, correlationId);
      expect(firstAsked(log.netsuite)).toBeLessThan(salesforceAnswered(log) - 300);
    } finally {
      await stack.clearFaults();
    }
  });

  it('a malformed customer number is refused by the customer subgraph alone: no system is called', async () => {
    const res = await stack.query('{ customer(id: "42") { id orders(first: 5) { totalCount } cases(first: 5) { nodes { id } } financials { creditHold } } }');
    expect(res.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const stats = await stack.allStats(res.correlationId);
    expect([stats.salesforce.total, stats.netsuite.total, stats.zendesk.total]).toEqual([0, 0, 0]);
  });

  it("a storefront caller naming another customer gets nothing of it, and the other systems are not asked for it", async () => {
    const res = await stack.query<{ customer: unknown }>(
      VIEW,
      { id: 'C-000002' },
      { token: stack.tokens.storefront.token },
    );
    expect(res.body.data?.customer ?? null).toBeNull();
    const stats = await stack.allStats(res.correlationId);
    expect([stats.netsuite.total, stats.zendesk.total]).toEqual([0, 0]);
  });
});
