/**
 * The customer change feed recovering from what Salesforce does to a long-lived CDC
 * subscription: an outage of the instance (held long polls cut, every CometD request
 * answered 503 while it lasts), and stored replay ids Salesforce no longer has (past
 * retention, or a client session Salesforce forgot), which it refuses in the
 * /meta/subscribe reply. Each is judged by what a client of the graph sees, and how soon.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack, StackCache } from '../support/stack.js';
import { customerWiring } from '../support/wiring.js';
import { eventsSoFar, salesforceAction, streaming, until, backendTitle, REDIS_URL, startFeedStack, type FeedBackend } from './customer-feed-helpers.js';

let stack: Stack & StackCache;
const action = (name: string, body: unknown): Promise<Record<string, unknown>> => salesforceAction(stack, name, body);

const TIER = /* GraphQL */ `
  query Tier($id: ID!) {
    customer(id: $id) { id loyalty { tier } }
  }
`;

type TierData = { customer: { loyalty: { tier: string } | null } | null };

async function tierOf(id: string): Promise<string | undefined> {
  const res = await stack.query<TierData>(TIER, { id });
  return res.body.data?.customer?.loyalty?.tier;
}

/**
 * Reads the customer until a read costs Salesforce nothing: the cache holds it, so the graph
 * can only show a change once the feed has invalidated it. (A cache write may land just after
 * the answer that caused it, hence more than one read.)
 */
async function warm(id: string): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    const res = await stack.query<TierData>(TIER, { id });
    const calls = (await stack.stats('salesforce', res.correlationId)).total;
    if (calls === 0) return res.body.data?.customer?.loyalty?.tier ?? '';
    if (attempt === 4) expect(calls, `a read of ${id} still reaches Salesforce after ${attempt + 1} reads`).toBe(0);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** How long after `since` the graph shows `tier` for the customer, ms (the cache is invalidated only by the feed). */
async function visibleAfter(id: string, tier: string, since: number, ms: number): Promise<number> {
  await until(async () => ((await tierOf(id)) === tier ? true : undefined), `${id} to show ${tier} through the graph`, ms);
  return Date.now() - since;
}

const other = (tier: string, a: string, b: string): string => (tier === a ? b : a);


function suite(backend: FeedBackend): void {
  const title = backendTitle(backend);
  describe.skipIf(backend === 'redis' && !REDIS_URL)(`customer change feed recovery${title}`, () => {
    beforeAll(async () => {
      stack = await startFeedStack(backend);
    }, 30_000);

    afterAll(async () => {
      await stack?.clearFaults();
      await stack?.close();
    });

    it('after a Salesforce outage, a change made once it is back reaches the graph within seconds', async () => {
      const id = 'C-000042';
      const before = await warm(id);
      // The outage cuts the long poll the stream holds; every reconnect meets a 503 until it ends.
      await stack.faults('salesforce', { down: true });
      await new Promise((r) => setTimeout(r, 4000));
      await stack.faults('salesforce', {});
      const recovered = Date.now();
      await new Promise((r) => setTimeout(r, 1000));
      const tier = other(before, 'PLATINUM', 'SILVER');
      await action('set-loyalty-tier', { customerId: id, tier });
      // faye sends the failed connect again on its 5 s retry interval; before, it waited 132 s (1.2 × the 110 s long poll).
      const took = await visibleAfter(id, tier, recovered, 12_000);
      expect(took).toBeLessThan(9_000);
      expect(customerWiring.current?.feed?.status().phase).toBe('streaming');
    }, 40_000);

    it('when Salesforce forgets the stream and its events, the feed resumes at -1, reconciles the gap once, and streams within a second', async () => {
      const gap = 'C-000031';
      const later = 'C-000032';
      const gapBefore = await warm(gap);
      const laterBefore = await warm(later);
      await customerWiring.current?.feed?.drain();
      const seenBefore = new Set((await eventsSoFar()).map((e) => e.eventId));

      // A disconnect longer than Salesforce keeps a client, with a change made meanwhile, and the
      // change's event past retention by the time the client is back: its replay id is refused.
      await stack.faults('salesforce', { down: true });
      const gapTier = other(gapBefore, 'GOLD', 'BRONZE');
      await action('set-loyalty-tier', { customerId: gap, tier: gapTier });
      await action('drop-streaming-clients', {});
      await action('expire-change-events', {});
      await stack.faults('salesforce', {});
      const recovered = Date.now();

      // The gap's change reaches the graph through the reconciliation query, not 300 s of polling retries.
      const took = await visibleAfter(gap, gapTier, recovered, 15_000);
      expect(took).toBeLessThan(10_000);
      await streaming(1000);
      await customerWiring.current?.feed?.drain();
      const fresh = (await eventsSoFar()).filter((e) => !seenBefore.has(e.eventId));
      // Published once, by the reconciliation; nothing handled before the gap is published again.
      expect(fresh.map((e) => [e.payload.customerId, e.payload.source])).toEqual([[gap, 'poll']]);

      // Streaming again: a new change is invalidated within about a second, not a 15 s poll away.
      const laterTier = other(laterBefore, 'SILVER', 'GOLD');
      const changed = Date.now();
      await action('set-loyalty-tier', { customerId: later, tier: laterTier });
      expect(await visibleAfter(later, laterTier, changed, 5000)).toBeLessThan(1500);
      const events = (await eventsSoFar()).filter((e) => e.payload.customerId === later && !seenBefore.has(e.eventId));
      expect(events.map((e) => e.payload.source)).toEqual(['cdc']);
    }, 60_000);

    it('a restart with a stored replay id past retention resubscribes at -1 and reconciles the change made while it was down', async () => {
      const gap = 'C-000033';
      const later = 'C-000034';
      await customerWiring.current?.feed?.drain();
      const seenBefore = new Set((await eventsSoFar()).map((e) => e.eventId));
      await stack.stopSubgraph('customer');
      const gapTier = other(await tierOfDataset(gap), 'PLATINUM', 'BRONZE');
      const change = await action('set-loyalty-tier', { customerId: gap, tier: gapTier });
      await action('expire-change-events', {});
      const started = Date.now();
      await stack.startSubgraph('customer');
      await streaming(5000);
      expect(Date.now() - started).toBeLessThan(5000);
      await until(async () => ((await eventsSoFar()).some((e) => e.payload.customerId === gap) ? true : undefined), 'the reconciled change');
      await customerWiring.current?.feed?.drain();
      const fresh = (await eventsSoFar()).filter((e) => !seenBefore.has(e.eventId));
      expect(fresh.map((e) => [e.payload.customerId, e.payload.source])).toEqual([[gap, 'poll']]);
      expect(fresh[0]?.occurredAt).toBe(new Date(String(change.lastModifiedDate)).toISOString());
      expect(await tierOf(gap)).toBe(gapTier);

      // The dead id is gone for good: a later change streams in, and its replay id is the one stored next.
      const laterBefore = await warm(later);
      const laterTier = other(laterBefore, 'GOLD', 'SILVER');
      const changed = Date.now();
      await action('set-loyalty-tier', { customerId: later, tier: laterTier });
      expect(await visibleAfter(later, laterTier, changed, 5000)).toBeLessThan(1500);
    }, 60_000);

    it.skipIf(backend !== 'embedded')('a feed that had to fall back to polling because Salesforce was down streams again within seconds of its return', async () => {
      const { createCustomerFeed } = await import('../../subgraphs/customer/src/feed.js');
      const { createSalesforceClient } = await import('../../lib/clients/salesforce.js');
      const { loadSalesforceConfig } = await import('../../lib/config.js');
      const { createCustomerDirectory } = await import('../../subgraphs/customer/src/salesforce.js');
      const { loadOrgMapping } = await import('../../lib/mapping.js');
      const { inProcessBus } = await import('../../lib/events/bus.js');
      const { join } = await import('node:path');
      const mapping = loadOrgMapping(join(import.meta.dirname, '..', '..', 'config', 'org-mapping.json'));
      const client = createSalesforceClient(loadSalesforceConfig({ SALESFORCE_LOGIN_URL: stack.sandboxUrls.salesforce }), { policy: { retries: 0 } });
      const memory = (): { load(): Promise<{ known: Record<string, string>; watermark?: string }>; save(s: { known: Record<string, string>; watermark?: string }): Promise<void> } => {
        let state: { known: Record<string, string>; watermark?: string } = { known: {} };
        return { load: async () => structuredClone(state), save: async (s) => void (state = structuredClone(s)) };
      };
      const invalidated: string[] = [];
      const feed = createCustomerFeed({
        client,
        directory: createCustomerDirectory(client, mapping),
        bus: inProcessBus(),
        invalidate: async (tags) => void invalidated.push(...tags),
        customerNumberField: 'Customer_Number__c',
        store: memory(),
        pollStore: memory(),
        subscribeTimeoutMs: 2000,
        pollIntervalMs: 60_000,
      });
      try {
        await stack.faults('salesforce', { down: true });
        await feed.start();
        expect(feed.status().phase).toBe('polling');
        await stack.faults('salesforce', {});
        const recovered = Date.now();
        // The default CUSTOMER_FEED_STREAMING_RETRY_MS is 300 s; an outage is retried from 5 s.
        await until(() => (feed.status().phase === 'streaming' ? true : undefined), 'streaming after the outage', 12_000);
        expect(Date.now() - recovered).toBeLessThan(8000);
        await action('set-loyalty-tier', { customerId: 'C-000035', tier: 'SILVER' });
        await until(() => (invalidated.includes('Customer:C-000035') ? true : undefined), 'the CDC invalidation', 2000);
      } finally {
        await stack.clearFaults();
        await feed.stop();
        await client.close();
      }
    }, 30_000);
  });
}

/** The tier the dataset's account has now, read from Salesforce's side (the sandbox), not the graph. */
async function tierOfDataset(id: string): Promise<string> {
  const account = stack.dataset.salesforce.accounts.find((a) => a.Customer_Number__c === id);
  return String(account?.Loyalty_Tier__c ?? '').toUpperCase();
}

suite('embedded');
suite('redis');
