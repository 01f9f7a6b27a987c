/**
 * The service desk's default stretch, counted in system calls: at the default factors,
 * a customer's cases and its orders' cases stay fresh ten times longer than what the ERP's
 * feed gives its orders, since the Zendesk feed (webhook and export) sees every case change.
 * A read past six times the plain TTL costs Zendesk nothing while the ERP is read again;
 * once the case feed stops, the next read asks Zendesk again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCacheConfig } from '../../lib/cache/index.js';
import type { OrderSubgraph } from '../../subgraphs/order/src/index.js';
import type { ServiceSubgraph } from '../../subgraphs/service/src/index.js';
import { startStack, type Stack, type StackCache } from '../support/stack.js';
import { runningModules } from '../support/wiring.js';
import { untilTrue } from '../support/feed-ttl.js';

const TTL_SECONDS = 1;
/** Past the stretch every other feed gets by default (6 × 1 s), well inside the service desk's (60 × 1 s). */
const PAST_DEFAULT_STRETCH_MS = 6 * TTL_SECONDS * 1000 + 1000;
const ORDER_FEED_INTERVAL_MS = 500;
/** Zendesk allows 10 export calls a minute, and so does the sandbox. */
const CASE_EXPORT_INTERVAL_MS = 7000;

const VIEW = /* GraphQL */ `
  query CaseLists($id: ID!) {
    customer(id: $id) {
      id
      orders(first: 5) { nodes { id status cases { id status } } }
      cases(first: 10) { nodes { id status } }
    }
  }
`;

let stack: Stack & StackCache;
let customers: string[] = [];
const orderModule = (): OrderSubgraph => runningModules.get('order') as OrderSubgraph;
const serviceModule = (): ServiceSubgraph => runningModules.get('service') as ServiceSubgraph;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** One view through the gateway, what it showed, and what it cost each system. */
async function view(id: string): Promise<{ shown: unknown; zendesk: number; netsuite: number }> {
  const res = await stack.query<{ customer: unknown }>(VIEW, { id });
  expect(res.body.errors).toBeUndefined();
  expect(res.body.data?.customer).toBeTruthy();
  const [zendesk, netsuite] = await Promise.all([stack.stats('zendesk', res.correlationId), stack.stats('netsuite', res.correlationId)]);
  return { shown: res.body.data?.customer, zendesk: zendesk.total, netsuite: netsuite.total };
}

beforeAll(async () => {
  // Plain TTLs of a second, and no factor set: each feed's default stretch applies.
  const config = loadCacheConfig({
    CACHE_TTL_ORDER_STATUS_SECONDS: String(TTL_SECONDS),
    CACHE_TTL_ORDER_LISTS_SECONDS: String(TTL_SECONDS),
    CACHE_TTL_CASES_SECONDS: String(TTL_SECONDS),
    CACHE_TTL_CASE_LISTS_SECONDS: String(TTL_SECONDS),
  });
  expect(config.feedTtlFactors.caseLists).toBe(60);
  expect(config.feedTtlFactors.orderLists).toBe(6);
  stack = await startStack({
    customers: 30,
    cache: { config },
    settings: { ORDER_FEED_INTERVAL_MS: String(ORDER_FEED_INTERVAL_MS), SERVICE_FEED_POLL_MS: String(CASE_EXPORT_INTERVAL_MS) },
  });
  // Customers whose orders and cases are both in the dataset, so that every list has something to show.
  const withCases = new Set(stack.dataset.zendesk.organizations.flatMap((o) => (o.external_id && stack.dataset.zendesk.tickets.some((t) => t.organization_id === o.id) ? [o.external_id] : [])));
  customers = stack.dataset.netsuite.customers.flatMap((c) => (c.externalid && withCases.has(c.externalid) ? [c.externalid] : []));
  expect(customers.length).toBeGreaterThan(1);
  await serviceModule().feed?.ready();
  await serviceModule().feed?.pollOnce();
  await untilTrue(() => orderModule().feed.healthy(), 'a successful ERP poll');
  await untilTrue(() => serviceModule().feed?.healthy() === true, 'the Zendesk webhook and a successful export poll');
}, 60_000);

afterAll(async () => {
  await stack?.close();
});

describe('case lists under a healthy Zendesk feed, at the default factors', () => {
  it('are read again from the cache past six plain TTLs, when the ERP is asked again for the orders', { timeout: 30_000 }, async () => {
    const id = customers[0] as string;
    const cold = await view(id);
    expect(cold.zendesk).toBeGreaterThanOrEqual(2);
    expect(cold.netsuite).toBeGreaterThan(0);
    await sleep(PAST_DEFAULT_STRETCH_MS);
    expect(serviceModule().feed?.healthy()).toBe(true);
    const later = await view(id);
    expect(later.zendesk).toBe(0);
    expect(later.netsuite).toBeGreaterThan(0);
    expect(later.shown).toEqual(cold.shown);
  });

  it('are searched again at the next view once the case feed stops', { timeout: 30_000 }, async () => {
    const id = customers[1] as string;
    const cold = await view(id);
    expect(cold.zendesk).toBeGreaterThanOrEqual(2);
    await sleep(TTL_SECONDS * 1000 + 300);
    expect((await view(id)).zendesk).toBe(0);
    const feed = serviceModule().feed;
    await feed?.stop();
    try {
      expect(feed?.healthy()).toBe(false);
      const next = await view(id);
      // Both searches (the customer's cases and its orders') go to Zendesk again.
      expect(next.zendesk).toBeGreaterThanOrEqual(2);
      expect(next.shown).toEqual(cold.shown);
    } finally {
      await feed?.start();
    }
  });
});
