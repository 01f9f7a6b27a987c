/**
 * The circuit breaker at work over the sandbox (docs/operations.md, "Circuit
 * breakers"), with the defaults the product ships (threshold 5, half-open after
 * 5 s): while Salesforce is down, a few failed calls open the customer
 * subgraph's circuit; from then on the sandbox counts no call at all, a read is
 * served stale from the cache (saying so) or fails at once with
 * UPSTREAM_UNAVAILABLE naming SALESFORCE, and a write answers QUEUED at once.
 * Readiness and the metrics show the open circuit. Once Salesforce is back, the
 * queue's replay is let through as the test call, closes the circuit and is applied.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';
import { sample, scrape } from '../support/metrics.js';
import { until } from '../e2e/customer-feed-helpers.js';
import { loadCacheConfig } from '../../lib/cache/index.js';
import { loadSalesforceConfig } from '../../lib/config.js';
import type { PartReport, ReadyReport } from '../../lib/health.js';

const READ = /* GraphQL */ `
  query Read($id: ID!) {
    customer(id: $id) { id name preferredStoreId freshness { stale } }
  }
`;
const UPDATE = /* GraphQL */ `
  mutation Update($id: ID!, $input: CustomerEngagementInput!, $key: String) {
    updateCustomerEngagement(id: $id, input: $input, idempotencyKey: $key) { status writeId errors { code message } }
  }
`;
const OUTCOME = /* GraphQL */ `
  query Outcome($writeId: ID!) {
    customerWrite(writeId: $writeId) { status attempts }
  }
`;

interface Read {
  customer: { id: string; name: string | null; preferredStoreId: string | null; freshness: { stale: boolean } | null } | null;
}

async function salesforcePart(url: string): Promise<{ httpStatus: number; report: ReadyReport; part: PartReport | undefined }> {
  const res = await fetch(new URL('/health/ready', url));
  const report = (await res.json()) as ReadyReport;
  return { httpStatus: res.status, report, part: report.parts.find((p) => p.name === 'system:SALESFORCE') };
}

/** What Salesforce's breaker is with no setting at all: on. */
const PRODUCT_BREAKER = (() => {
  const breaker = loadSalesforceConfig({}).breaker;
  if (!breaker) throw new Error('the Salesforce breaker is off by default; this test is about the default');
  return breaker;
})();

describe('the circuit breaker over the sandbox', () => {
  let stack: Stack;
  const metrics = (): Promise<string> => scrape(new URL(stack.subgraphUrls.customer).origin).then((s) => s.text);

  beforeAll(async () => {
    // A one-second engagement TTL, so that a cached customer is past it (and served stale) while Salesforce is down.
    // The product's half-open wait, not the test stack's short one: long enough that no test call interrupts the checks below.
    stack = await startStack({
      customers: 40,
      cache: { config: loadCacheConfig({ CACHE_TTL_ENGAGEMENT_SECONDS: '1', CACHE_CHANGE_FEED_TTL_FACTOR: '1' }) },
      settings: { SALESFORCE_BREAKER_HALF_OPEN_MS: String(PRODUCT_BREAKER.halfOpenAfterMs) },
    });
  }, 60_000);
  afterAll(async () => {
    await stack?.clearFaults().catch(() => undefined);
    await stack?.close();
  });

  it('opens after repeated failures, stops calling Salesforce, serves stale or fails at once, queues writes, and closes on a successful test call', async () => {
    const cached = 'C-000005';
    const warmAt = Date.now();
    const warm = await stack.query<Read>(READ, { id: cached });
    expect(warm.body.errors).toBeUndefined();
    const name = warm.body.data?.customer?.name;
    expect(name).toBeTruthy();
    const transitionsBefore = sample(await metrics(), 'rsg_breaker_transitions_total', { system: 'SALESFORCE', phase: 'open' }) ?? 0;

    await stack.faults('salesforce', { down: true });
    // Customers nobody read yet: each read needs Salesforce and fails. The circuit opens after `threshold` in a row.
    let failedReads = 0;
    for (let n = 10; (await salesforcePart(stack.subgraphUrls.customer)).part?.details?.breaker !== 'open'; n++) {
      expect(failedReads, 'reads before the circuit opened').toBeLessThan(PRODUCT_BREAKER.threshold);
      const res = await stack.query<Read>(READ, { id: `C-0000${n}` });
      expect(res.body.data?.customer?.name ?? null).toBeNull();
      expect(res.body.errors?.[0]?.extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', system: 'SALESFORCE' });
      expect((await stack.stats('salesforce', res.correlationId)).total).toBeGreaterThan(0);
      failedReads++;
    }
    expect(failedReads).toBeGreaterThan(0);

    // Open: a read of an uncached customer fails at once with the coded error, and Salesforce sees no call.
    const refused = await stack.query<Read>(READ, { id: 'C-000030' });
    expect(refused.body.data?.customer?.name ?? null).toBeNull();
    expect(refused.body.errors?.[0]?.extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', system: 'SALESFORCE' });
    expect(refused.body.errors?.[0]?.message).toMatch(/failing repeatedly/);
    expect((await stack.stats('salesforce', refused.correlationId)).total).toBe(0);

    // A cached customer past its TTL is served stale, saying so, without a call.
    await new Promise((r) => setTimeout(r, Math.max(0, warmAt + 1_500 - Date.now())));
    const stale = await stack.query<Read>(READ, { id: cached });
    expect(stale.body.data?.customer).toMatchObject({ id: cached, name, freshness: { stale: true } });
    expect((await stack.stats('salesforce', stale.correlationId)).total).toBe(0);

    // A write is QUEUED at once, without reaching Salesforce.
    const write = await stack.query<{ updateCustomerEngagement: { status: string; writeId: string; errors: Array<{ code: string }> | null } }>(UPDATE, {
      id: cached,
      input: { preferredStoreId: 'STORE-077' },
      key: randomUUID(),
    });
    expect(write.body.data?.updateCustomerEngagement.status).toBe('QUEUED');
    expect(write.body.data?.updateCustomerEngagement.errors?.[0]?.code).toBe('UPSTREAM_UNAVAILABLE');
    expect((await stack.stats('salesforce', write.correlationId)).total).toBe(0);
    const writeId = write.body.data?.updateCustomerEngagement.writeId as string;

    // Readiness: degraded (still serving), naming the system and the open circuit. Metrics: the gauge and a transition.
    const ready = await salesforcePart(stack.subgraphUrls.customer);
    expect(ready.httpStatus).toBe(200);
    expect(ready.report.status).toBe('degraded');
    expect(ready.part?.status).toBe('degraded');
    expect(ready.part?.reasons.join(' ')).toMatch(/circuit open for SALESFORCE/);
    // What the system itself last said is kept; the circuit's own refusals do not hide it.
    expect(ready.part?.details?.lastFailure).toMatch(/HTTP 503/);
    const open = await metrics();
    expect(sample(open, 'rsg_breaker_state', { system: 'SALESFORCE' })).toBe(2);
    expect(sample(open, 'rsg_breaker_transitions_total', { system: 'SALESFORCE', phase: 'open' })).toBe(transitionsBefore + 1);

    // Salesforce is back. The next call after the half-open wait is the test: the queue's replay.
    await stack.clearFaults();
    const applied = await until(
      async () => {
        const o = await stack.query<{ customerWrite: { status: string; attempts: number } }>(OUTCOME, { writeId });
        return o.body.data?.customerWrite.status === 'APPLIED' ? o.body.data.customerWrite : undefined;
      },
      'the queued write to be applied',
      15_000,
    );
    expect(applied.attempts).toBeGreaterThanOrEqual(2);
    const closed = await salesforcePart(stack.subgraphUrls.customer);
    expect(closed.part?.details?.breaker).toBe('closed');
    const after = await metrics();
    expect(sample(after, 'rsg_breaker_state', { system: 'SALESFORCE' })).toBe(0);
    expect(sample(after, 'rsg_breaker_transitions_total', { system: 'SALESFORCE', phase: 'half_open' })).toBeGreaterThanOrEqual(1);
    const fresh = await stack.query<Read>(READ, { id: cached });
    expect(fresh.body.errors).toBeUndefined();
    expect(fresh.body.data?.customer?.preferredStoreId).toBe('STORE-077');
  }, 40_000);
});
