/**
 * The service desk's default stretch, counted in system calls: at the default factors,
 * a customer's cases and its orders' cases stay fresh ten times longer than what the ERP's
 * feed gives its orders, since the Zendesk feed (webhook and export) sees every case change.
 * A read past six times the plain TTL costs Zendesk nothing while the ERP is read again;
 * once the case feed stops, the next read asks Zendesk again. And a list searched while
 * Zendesk's search index still trails a change is searched again once it has caught up.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCacheConfig } from '../../lib/cache/index.js';
import type { OrderSubgraph } from '../../subgraphs/order/src/index.js';
import type { ServiceSubgraph } from '../../subgraphs/service/src/index.js';
import { startStack, type Stack, type StackCache } from '../support/stack.js';
import { runningModules } from '../support/wiring.js';
import { untilFeedsHealthy } from '../support/feed-ttl.js';

const TTL_SECONDS = 1;
/** Past the stretch every other feed gets by default (6 × 1 s), well inside the service desk's (60 × 1 s). */
const PAST_DEFAULT_STRETCH_MS = 6 * TTL_SECONDS * 1000 + 1000;
const ORDER_FEED_INTERVAL_MS = 500;
/** Zendesk allows 10 export calls a minute, and so does the sandbox. */
const CASE_EXPORT_INTERVAL_MS = 7000;
/** How far the sandbox's search trails its tickets, and when the feed drops a changed case's lists again. */
const SEARCH_LAG_MS = 1500;
const SEARCH_SETTLE_MS = 2500;

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
    settings: { ORDER_FEED_INTERVAL_MS: String(ORDER_FEED_INTERVAL_MS), SERVICE_FEED_POLL_MS: String(CASE_EXPORT_INTERVAL_MS), SERVICE_SEARCH_SETTLE_MS: String(SEARCH_SETTLE_MS) },
  });
  // Customers whose orders and cases are both in the dataset, so that every list has something to show.
  const withCases = new Set(stack.dataset.zendesk.organizations.flatMap((o) => (o.external_id && stack.dataset.zendesk.tickets.some((t) => t.organization_id === o.id) ? [o.external_id] : [])));
  // ...and who can open one about an order: an end user holding the customer number, and a sales order.
  const withRequester = new Set(stack.dataset.zendesk.users.flatMap((u) => (u.role === 'end-user' && u.external_id ? [u.external_id] : [])));
  const ns = stack.dataset.netsuite;
  customers = ns.customers.flatMap((c) => (c.externalid && withCases.has(c.externalid) && withRequester.has(c.externalid) && ns.transactions.some((t) => t.type === 'SalesOrd' && t.entity === c.id) ? [c.externalid] : []));
  expect(customers.length).toBeGreaterThan(2);
  await untilFeedsHealthy(orderModule, serviceModule);
}, 60_000);

afterAll(async () => {
  await stack?.clearFaults();
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

  it('are searched again once Zendesk has indexed a change, when a search made before missed it', { timeout: 30_000 }, async () => {
    const id = customers[2] as string;
    // An order the view shows, so that its cases are in the view too.
    const first = await view(id);
    const orderId = (first.shown as { orders: { nodes: Array<{ id: string }> } }).orders.nodes[0]?.id as string;
    expect(orderId).toBeTruthy();
    await stack.faults('zendesk', { searchLagMs: SEARCH_LAG_MS });
    const opened = await stack.query<{ openCase: { status: string; supportCase: { id: string } | null } }>(
      /* GraphQL */ `mutation Open($input: OpenCaseInput!, $key: String!) { openCase(input: $input, idempotencyKey: $key) { status supportCase { id } } }`,
      { input: { customerId: id, orderId, subject: `Lagging ${randomUUID().slice(0, 8)}`, description: 'Opened while search trails' }, key: randomUUID() },
    );
    expect(opened.body.errors).toBeUndefined();
    const caseId = opened.body.data?.openCase.supportCase?.id as string;
    expect(caseId).toBeTruthy();
    const ids = (shown: unknown): { customer: string[]; order: string[] } => {
      const c = shown as { orders: { nodes: Array<{ id: string; cases: Array<{ id: string }> }> }; cases: { nodes: Array<{ id: string }> } };
      return { customer: c.cases.nodes.map((n) => n.id), order: c.orders.nodes.find((o) => o.id === orderId)?.cases.map((n) => n.id) ?? [] };
    };
    // The write dropped the lists; searched at once, Zendesk's index does not have the case yet.
    const early = await view(id);
    expect(early.zendesk).toBeGreaterThan(0);
    expect(ids(early.shown).customer).not.toContain(caseId);
    // Once the index has caught up, the feed drops the lists again: the next view searches and finds it.
    await sleep(SEARCH_SETTLE_MS + 500);
    expect(serviceModule().feed?.healthy()).toBe(true);
    const settled = await view(id);
    expect(settled.zendesk).toBeGreaterThan(0);
    expect(ids(settled.shown).customer).toContain(caseId);
    expect(ids(settled.shown).order).toContain(caseId);
  });
});
