/**
 * A system of record that takes 10 s to answer, seen by a client of the gateway:
 * the answer comes within the default deadline (plus a margin), the slow system's
 * fields are null with UPSTREAM_TIMEOUT naming it, and the other systems' fields
 * are there. Before the deadline, one slow system cost the client a timeout per
 * attempt and per call in sequence, 20 to 30 s.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';
import { DEFAULT_DEADLINE_MS } from '../../lib/http.js';

const QUERY = /* GraphQL */ `
  query Slow($id: ID!) {
    customer(id: $id) {
      id
      name
      financials { balance { amount } }
      orders(first: 5) { nodes { id status lines { sku } } }
      cases(first: 5) { nodes { id status } }
    }
  }
`;

interface Answer {
  customer: {
    id: string;
    name: string | null;
    financials: unknown;
    orders: { nodes: unknown[] } | null;
    cases: { nodes: unknown[] } | null;
  } | null;
}

// Generous: a behaviour test (the deadline holds), not a benchmark.
const WITHIN_MS = DEFAULT_DEADLINE_MS + 2_000;

let stack: Stack;
let customerId: string;

beforeAll(async () => {
  stack = await startStack({ customers: 80 });
  customerId = stack.dataset.netsuite.customers[3]?.externalid ?? 'C-000004';
  // Sign in to Salesforce now, so that the timed requests hold only their own calls.
  await stack.query('{ customer(id: "C-000001") { name } }');
});

afterAll(async () => {
  await stack?.clearFaults();
  await stack?.close();
});

afterEach(async () => {
  await stack.clearFaults();
});

async function timedQuery(): Promise<{ ms: number; data: Answer['customer']; errors: Array<{ path?: Array<string | number>; extensions?: Record<string, unknown> }> }> {
  const started = Date.now();
  const res = await stack.query<Answer>(QUERY, { id: customerId });
  return { ms: Date.now() - started, data: res.body.data?.customer ?? null, errors: res.body.errors ?? [] };
}

describe('a slow system of record costs the client one deadline', () => {
  it('ERP slowness: UPSTREAM_TIMEOUT naming the ERP (not a rate limit), with Salesforce and service-desk fields present', async () => {
    await stack.faults('netsuite', { latencyMs: 10_000 });
    const { ms, data, errors } = await timedQuery();
    expect(ms).toBeLessThan(WITHIN_MS);
    expect(errors.length).toBeGreaterThan(0);
    for (const e of errors) expect(e.extensions).toMatchObject({ code: 'UPSTREAM_TIMEOUT', system: 'ERP' });
    expect(errors.map((e) => e.path?.[1]).sort()).toEqual(['financials', 'orders']);
    expect(data?.name).toBeTruthy();
    expect(data?.cases?.nodes).toBeDefined();
    expect(data?.orders).toBeNull();
    expect(data?.financials).toBeNull();
  }, 45_000);

  it('service-desk slowness: UPSTREAM_TIMEOUT naming the service desk, with Salesforce and ERP fields present', async () => {
    await stack.faults('zendesk', { latencyMs: 10_000 });
    const { ms, data, errors } = await timedQuery();
    expect(ms).toBeLessThan(WITHIN_MS);
    expect(errors.length).toBeGreaterThan(0);
    for (const e of errors) expect(e.extensions).toMatchObject({ code: 'UPSTREAM_TIMEOUT', system: 'SERVICE_DESK' });
    expect(data?.name).toBeTruthy();
    expect(data?.orders?.nodes).toBeDefined();
    expect(data?.financials).not.toBeNull();
    expect(data?.cases).toBeNull();
  }, 45_000);
});
