/**
 * A customer's financials follow the finance feed, counted in ERP calls at the
 * sandbox: while the feed is healthy they stay cached past their plain TTL; a
 * credit-limit edit of the customer record, a credit memo applied to no invoice,
 * or a journal entry naming the customer on a line drops them within a poll interval, so the next read asks the ERP and
 * shows the change; once the ERP is down for three intervals the stretch is gone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCacheConfig } from '../../lib/cache/index.js';
import { createNetSuiteClient } from '../../lib/clients/netsuite.js';
import { loadNetSuiteConfig } from '../../lib/config.js';
import type { FinanceSubgraph } from '../../subgraphs/finance/src/index.js';
import { startStack, type Stack, type StackCache } from '../support/stack.js';
import { runningModules } from '../support/wiring.js';
import { action, eventually } from '../e2e/order-helpers.js';
import { untilTrue, warmPastPlainTtl, type CountedRead, type Freshness } from '../support/feed-ttl.js';

const TTL_SECONDS = 1;
/** Past the plain TTL, well inside the stretched one (30 s). */
const PAST_PLAIN_TTL_MS = TTL_SECONDS * 1000 + 300;
const FINANCE_FEED_INTERVAL_MS = 500;

const FINANCIALS = /* GraphQL */ `
  query Financials($id: ID!) {
    customer(id: $id) { id financials { creditLimit { amount } freshness { fetchedAt stale } } }
  }
`;

interface Read extends CountedRead {
  creditLimit: string | null;
}

let stack: Stack & StackCache;
const financeModule = (): FinanceSubgraph => runningModules.get('finance') as FinanceSubgraph;
const healthy = (): boolean => financeModule().feed?.healthy() === true;

async function readFinancials(id: string): Promise<Read> {
  const res = await stack.query<{ customer: { financials: { creditLimit: { amount: string } | null; freshness: Freshness } | null } | null }>(FINANCIALS, { id });
  expect(res.body.errors).toBeUndefined();
  const f = res.body.data?.customer?.financials;
  if (!f) throw new Error(`no financials for ${id}: ${JSON.stringify(res.body)}`);
  return { creditLimit: f.creditLimit?.amount ?? null, freshness: f.freshness, calls: (await stack.stats('netsuite', res.correlationId)).total };
}

/** Customers the ERP knows by customer number; each test takes its own. */
let customers: string[] = [];

beforeAll(async () => {
  const config = loadCacheConfig({
    CACHE_TTL_BALANCES_SECONDS: String(TTL_SECONDS),
    CACHE_CHANGE_FEED_TTL_FACTOR: '2',
    CACHE_BALANCES_FEED_TTL_FACTOR: '30',
  });
  stack = await startStack({
    customers: 40,
    cache: { config },
    // See feed-ttl.test.ts: three intervals outlast a poll on a loaded machine, and the ERP's one
    // circuit stays closed while the polls fail, so that the reads reach the ERP.
    settings: { FINANCE_FEED_INTERVAL_MS: String(FINANCE_FEED_INTERVAL_MS), NETSUITE_BREAKER_THRESHOLD: '1000' },
  });
  customers = stack.dataset.netsuite.customers.flatMap((c) => (c.externalid ? [c.externalid] : []));
  await untilTrue(healthy, 'a successful finance poll');
}, 60_000);

afterAll(async () => {
  await stack?.clearFaults();
  await stack?.close();
});

describe('financials while the finance feed is healthy', () => {
  it('are read past their plain TTL without an ERP call', async () => {
    const id = customers[0] as string;
    const cold = await warmPastPlainTtl(readFinancials, id, PAST_PLAIN_TTL_MS);
    await new Promise((r) => setTimeout(r, PAST_PLAIN_TTL_MS));
    const again = await readFinancials(id);
    expect(again.calls).toBe(0);
    expect(again.freshness).toEqual(cold.freshness);
  });

  it('show a credit limit edited in the ERP once a poll has run: the next read asks the ERP', async () => {
    const id = customers[1] as string;
    const cold = await warmPastPlainTtl(readFinancials, id, PAST_PLAIN_TTL_MS);
    const limit = cold.creditLimit === '98765.00' ? 87654 : 98765;
    const erp = createNetSuiteClient(loadNetSuiteConfig({ NETSUITE_BASE_URL: `${stack.sandboxUrls.netsuite}/services/rest` }));
    await erp.updateRecord('customer', `eid:${id}`, { creditLimit: limit });
    // Within one poll interval (plus the poll itself); every read before that is still answered warm.
    const after = await eventually(async () => {
      const r = await readFinancials(id);
      return r.calls > 0 ? r : undefined;
    }, 4 * FINANCE_FEED_INTERVAL_MS + 2000, 'the credit-limit edit to reach the cache');
    expect(after.creditLimit).toBe(limit.toFixed(2));
    expect(after.freshness.stale).toBe(false);
    expect(Date.parse(after.freshness.fetchedAt)).toBeGreaterThan(Date.parse(cold.freshness.fetchedAt));
  });

  it.each([
    ['a credit memo on no invoice', 'issue-credit-memo', 2],
    ['a journal entry naming the customer on a line', 'post-journal', 4],
  ])('are read again once %s is entered for the customer', async (what, name, k) => {
    const id = customers[k] as string;
    const cold = await warmPastPlainTtl(readFinancials, id, PAST_PLAIN_TTL_MS);
    await action(stack, 'netsuite', name, { customerId: id, amount: '25.00' });
    const after = await eventually(async () => {
      const r = await readFinancials(id);
      return r.calls > 0 ? r : undefined;
    }, 4 * FINANCE_FEED_INTERVAL_MS + 2000, `${what} to reach the cache`);
    expect(Date.parse(after.freshness.fetchedAt)).toBeGreaterThan(Date.parse(cold.freshness.fetchedAt));
  });

  it('once the ERP is down and the polls fail for three intervals, the next read past the plain TTL asks the ERP, and serves the figures stale', async () => {
    const id = customers[3] as string;
    const cold = await warmPastPlainTtl(readFinancials, id, PAST_PLAIN_TTL_MS);
    await stack.faults('netsuite', { down: true });
    try {
      await untilTrue(() => !healthy(), 'the finance feed to fail');
      const next = await readFinancials(id);
      expect(next.calls).toBeGreaterThan(0);
      expect(next.freshness).toEqual({ fetchedAt: cold.freshness.fetchedAt, stale: true });
    } finally {
      await stack.clearFaults();
    }
    await untilTrue(healthy, 'the finance feed to recover');
  });
});
