/**
 * Feed-aware TTLs, counted in system-of-record calls: while the ERP order feed
 * and the Zendesk case feed keep up, orders and cases stay fresh past their
 * plain TTL; once a feed fails (its system down, or the feed stopped), the next
 * read past the plain TTL reaches the system again. And the first change the
 * ERP feed sees of an order says the status an earlier read cached.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCacheConfig } from '../../lib/cache/index.js';
import type { DomainEvent } from '../../lib/events/bus.js';
import type { OrderSubgraph } from '../../subgraphs/order/src/index.js';
import type { ServiceSubgraph } from '../../subgraphs/service/src/index.js';
import { ORDER_STATUS_TOPIC, type OrderStatusEvent } from '../../subgraphs/order/src/writes.js';
import { startStack, type Stack, type StackCache, type SystemName } from '../support/stack.js';
import { runningModules } from '../support/wiring.js';
import { action, eventually } from '../e2e/order-helpers.js';
import { untilFeedsHealthy, untilTrue, warmPastPlainTtl, type CountedRead, type Freshness } from '../support/feed-ttl.js';

const TTL_SECONDS = 1;
/** Past the plain TTL, well inside the stretched one (30 s). */
const PAST_PLAIN_TTL_MS = TTL_SECONDS * 1000 + 300;
const ORDER_FEED_INTERVAL_MS = 500;
/** Zendesk allows 10 export calls a minute, and so does the sandbox. */
const CASE_EXPORT_INTERVAL_MS = 7000;

const ORDER = /* GraphQL */ `
  query Order($id: ID!) {
    order(id: $id) { id status lines { sku quantity } freshness { fetchedAt stale } }
  }
`;
const CASE = /* GraphQL */ `
  query Case($id: ID!) {
    supportCase(id: $id) { id status comments { body } freshness { fetchedAt stale } }
  }
`;

interface Read extends CountedRead {
  status: string;
}

let stack: Stack & StackCache;
const orderModule = (): OrderSubgraph => runningModules.get('order') as OrderSubgraph;
const serviceModule = (): ServiceSubgraph => runningModules.get('service') as ServiceSubgraph;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** One read through the gateway, and the calls it cost `system`. */
async function read(query: string, field: 'order' | 'supportCase', id: string, system: SystemName): Promise<Read> {
  const res = await stack.query<Record<string, { status: string; freshness: Freshness } | null>>(query, { id });
  expect(res.body.errors).toBeUndefined();
  const value = res.body.data?.[field];
  if (!value) throw new Error(`no ${field} ${id}: ${JSON.stringify(res.body)}`);
  return { status: value.status, freshness: value.freshness, calls: (await stack.stats(system, res.correlationId)).total };
}

const readOrder = (id: string): Promise<Read> => read(ORDER, 'order', id, 'netsuite');
const readCase = (id: string): Promise<Read> => read(CASE, 'supportCase', id, 'zendesk');

/** Sales orders the ERP can still ship, in dataset order; each test takes its own. */
let shippable: string[] = [];
let caseIds: string[] = [];

beforeAll(async () => {
  const config = loadCacheConfig({
    CACHE_TTL_ORDER_STATUS_SECONDS: String(TTL_SECONDS),
    CACHE_TTL_ORDER_LINES_SECONDS: String(TTL_SECONDS),
    CACHE_TTL_CASES_SECONDS: String(TTL_SECONDS),
    CACHE_TTL_CASE_COMMENTS_SECONDS: String(TTL_SECONDS),
    CACHE_CHANGE_FEED_TTL_FACTOR: '30',
  });
  stack = await startStack({
    customers: 60,
    cache: { config },
    // Three intervals must outlast a poll on a loaded machine, or the stretch would flicker.
    // The ERP's one circuit counts every subgraph's failed polls while it is down: a threshold above
    // them keeps it closed, so that the reads these tests are about reach the ERP, not the open circuit.
    settings: { ORDER_FEED_INTERVAL_MS: String(ORDER_FEED_INTERVAL_MS), SERVICE_FEED_POLL_MS: String(CASE_EXPORT_INTERVAL_MS), NETSUITE_BREAKER_THRESHOLD: '1000' },
  });
  shippable = stack.dataset.netsuite.transactions.filter((t) => t.type === 'SalesOrd' && t.status === 'B').map((t) => t.tranid);
  caseIds = stack.dataset.zendesk.tickets.map((t) => String(t.id));
  await untilFeedsHealthy(orderModule, serviceModule);
}, 60_000);

afterAll(async () => {
  await stack?.clearFaults();
  await stack?.close();
});

describe('order TTLs while the ERP feed is healthy', () => {
  it('reads an order past its plain TTL without an ERP call, reporting when it was read', async () => {
    const id = shippable[0] as string;
    const cold = await warmPastPlainTtl(readOrder, id, PAST_PLAIN_TTL_MS);
    await sleep(PAST_PLAIN_TTL_MS);
    const again = await readOrder(id);
    expect(again.calls).toBe(0);
    expect(again.freshness).toEqual(cold.freshness);
  });

  it('once the ERP is down and its polls fail, the next read past the plain TTL asks the ERP, and serves the cached order stale', async () => {
    const id = shippable[1] as string;
    const cold = await warmPastPlainTtl(readOrder, id, PAST_PLAIN_TTL_MS);
    await stack.faults('netsuite', { down: true });
    try {
      await untilTrue(() => !orderModule().feed.healthy(), 'the ERP feed to fail');
      const next = await readOrder(id);
      expect(next.calls).toBeGreaterThan(0);
      expect(next.freshness).toEqual({ fetchedAt: cold.freshness.fetchedAt, stale: true });
    } finally {
      await stack.clearFaults();
    }
    await untilTrue(() => orderModule().feed.healthy(), 'the ERP feed to recover');
  });

  it('once the poller stops, the next read past the plain TTL costs what a cold read does, and answers fresh', async () => {
    const id = shippable[2] as string;
    const cold = await warmPastPlainTtl(readOrder, id, PAST_PLAIN_TTL_MS);
    const feed = orderModule().feed;
    await feed.stop();
    try {
      expect(feed.healthy()).toBe(false);
      const next = await readOrder(id);
      expect(next.calls).toBe(cold.calls);
      expect(next.freshness.stale).toBe(false);
      expect(Date.parse(next.freshness.fetchedAt)).toBeGreaterThan(Date.parse(cold.freshness.fetchedAt));
    } finally {
      await feed.start();
    }
    await untilTrue(() => feed.healthy(), 'the ERP feed to poll again');
  });
});

describe('case TTLs while the Zendesk feed is healthy', () => {
  it('reads a case past its plain TTL without a Zendesk call; once Zendesk is down, the next read asks it and serves the case stale', { timeout: 60_000 }, async () => {
    const id = caseIds[0] as string;
    const cold = await warmPastPlainTtl(readCase, id, PAST_PLAIN_TTL_MS);

    await stack.faults('zendesk', { down: true });
    try {
      await untilTrue(() => serviceModule().feed?.healthy() === false, 'the export polls to fail', 4 * CASE_EXPORT_INTERVAL_MS);
      const next = await readCase(id);
      expect(next.calls).toBeGreaterThan(0);
      expect(next.freshness).toEqual({ fetchedAt: cold.freshness.fetchedAt, stale: true });
    } finally {
      await stack.clearFaults();
    }
    // An operator's nudge polls now, rather than at the next interval; Zendesk's circuit, opened by the
    // failed polls, lets a test call through after its half-open wait, so the nudge is repeated until then.
    await eventually(async () => ((await serviceModule().feed?.pollOnce().then(() => true, () => false)) ? true : undefined), 5000, 'the export to poll again');
    expect(serviceModule().feed?.healthy()).toBe(true);
  });

  it('once the case feed stops, the next read past the plain TTL asks Zendesk again and answers fresh', async () => {
    const id = caseIds[1] as string;
    const cold = await warmPastPlainTtl(readCase, id, PAST_PLAIN_TTL_MS);
    const feed = serviceModule().feed;
    await feed?.stop();
    try {
      expect(feed?.healthy()).toBe(false);
      const next = await readCase(id);
      // The case and its comments are read again (the directory, which no feed covers, stays cached).
      expect(next.calls).toBeGreaterThan(0);
      expect(next.freshness.stale).toBe(false);
      expect(Date.parse(next.freshness.fetchedAt)).toBeGreaterThan(Date.parse(cold.freshness.fetchedAt));
    } finally {
      await feed?.start();
    }
    await untilTrue(() => feed?.healthy() === true, 'the case feed to run again');
  });
});

describe('previousStatus of the first change the ERP feed sees', () => {
  it('is the status an earlier read cached, and null for an order nothing had read', async () => {
    const [readFirst, neverRead] = [shippable[3] as string, shippable[4] as string];
    const events: Array<DomainEvent<OrderStatusEvent>> = [];
    const subscription = orderModule().bus.subscribe<OrderStatusEvent>(ORDER_STATUS_TOPIC);
    const collecting = (async () => {
      for await (const e of subscription) events.push(e);
    })();
    try {
      const before = await readOrder(readFirst);
      // NetSuite stamps changes in whole seconds: a change in the second of the read could not be placed after it.
      await sleep(1100);
      await action(stack, 'netsuite', 'ship-order', { orderId: readFirst });
      await action(stack, 'netsuite', 'ship-order', { orderId: neverRead });
      const shipped = (id: string) => async () => events.find((e) => e.payload.orderId === id && e.payload.status === 'SHIPPED')?.payload;
      const first = await eventually(shipped(readFirst), 10_000, `the SHIPPED event of ${readFirst}`);
      const second = await eventually(shipped(neverRead), 10_000, `the SHIPPED event of ${neverRead}`);
      expect(first.previousStatus).toBe(before.status);
      expect(before.status).not.toBe('SHIPPED');
      expect(second.previousStatus).toBeNull();
    } finally {
      await subscription.return?.();
      await collecting;
    }
  });
});
