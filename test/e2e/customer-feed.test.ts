/**
 * The customer change feed end to end: a change made inside Salesforce (the
 * sandbox's set-loyalty-tier action, as a user in the Lightning UI would make it)
 * reaches the cache through Change Data Capture, and a restarted feed resumes
 * from its stored replay id without losing or repeating an event.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack, StackCache } from '../support/stack.js';
import { customerWiring } from '../support/wiring.js';
import { eventsSoFar, salesforceAction, streaming, until, backendTitle, REDIS_URL, startFeedStack, type FeedBackend } from './customer-feed-helpers.js';

let stack: Stack & StackCache;
const action = (name: string, body: unknown): Promise<Record<string, unknown>> => salesforceAction(stack, name, body);

const TIER = /* GraphQL */ `
  query Tier($id: ID!) {
    customer(id: $id) { id loyalty { tier } version }
  }
`;


/**
 * The same suite on both backends: the embedded default (journal, files, in-process bus) and,
 * with REDIS_URL, Redis for the cache, the write queue, the feed state and the bus, under a
 * key prefix of this run's own.
 */
function suite(backend: FeedBackend): void {
  const title = backendTitle(backend);
  describe.skipIf(backend === 'redis' && !REDIS_URL)(`customer change feed (Salesforce CDC)${title}`, () => {
  beforeAll(async () => {
    stack = await startFeedStack(backend);
  }, 30_000);

  afterAll(async () => {
    await stack?.close();
  });

  it('invalidates the cached customer on a change made in Salesforce: the next read shows it and costs exactly one query', async () => {
    const id = 'C-000042';
    const warm = await stack.query<{ customer: { loyalty: { tier: string } | null } }>(TIER, { id });
    const before = warm.body.data?.customer?.loyalty?.tier;
    // A second read is served from the cache: proof that the re-read below is not a cold read.
    const cached = await stack.query(TIER, { id });
    expect((await stack.stats('salesforce', cached.correlationId)).total).toBe(0);

    const tier = before === 'PLATINUM' ? 'SILVER' : 'PLATINUM';
    await action('set-loyalty-tier', { customerId: id, tier });
    // The feed handles the event within a second; drain() waits for what has arrived.
    await until(async () => ((await eventsSoFar()).some((e) => e.payload.customerId === id && e.payload.changedFields.includes('Loyalty_Tier__c')) ? true : undefined), 'the CDC event', 1000);
    await customerWiring.current?.feed?.drain();

    const reread = await stack.query<{ customer: { loyalty: { tier: string } | null } }>(TIER, { id });
    expect(reread.body.data?.customer?.loyalty?.tier).toBe(tier);
    // Invalidated by the change event, not by TTL (300 s): exactly one SOQL query for the re-read.
    expect((await stack.stats('salesforce', reread.correlationId)).calls).toEqual({ 'GET /services/data/:version/query': 1 });
  });

  it('publishes one customer.changed event per change, with the change identity as its eventId', async () => {
    const id = 'C-000007';
    await action('set-loyalty-tier', { customerId: id, tier: 'GOLD' });
    const events = await until(async () => {
      const mine = (await eventsSoFar()).filter((e) => e.payload.customerId === id);
      return mine.length > 0 ? mine : undefined;
    }, 'the event');
    expect(events).toHaveLength(1);
    expect(events[0]?.eventId).toMatch(/^salesforce-cdc:.+:1:C-000007$/);
    expect(events[0]?.payload).toMatchObject({ entity: 'Account', changeType: 'UPDATE', source: 'cdc', changeOrigin: '' });
  });

  it('resumes from the stored replay id after a restart: the change made while it was down arrives once, and nothing earlier repeats', async () => {
    const missed = 'C-000011';
    await customerWiring.current?.feed?.drain();
    const seenBefore = new Set((await eventsSoFar()).map((e) => e.eventId));
    expect(seenBefore.size).toBeGreaterThan(0); // earlier tests' changes, which must not come again
    await stack.stopSubgraph('customer');
    const change = await action('set-loyalty-tier', { customerId: missed, tier: 'BRONZE' });
    await stack.startSubgraph('customer');
    await streaming();
    await until(async () => ((await eventsSoFar()).some((e) => e.payload.customerId === missed) ? true : undefined), 'the missed event after the restart');
    await customerWiring.current?.feed?.drain();
    const fresh = (await eventsSoFar()).filter((e) => !seenBefore.has(e.eventId));
    // Exactly the one missed change: replayed from the stored id, not from the start (-2) and not lost (-1).
    expect(fresh.map((e) => e.payload.customerId)).toEqual([missed]);
    expect(fresh[0]?.payload.replayId).toBe(change.replayId);
  }, 20_000);

  it('falls back to polling SystemModstamp when a channel cannot be subscribed, and still invalidates', async () => {
    const { createCustomerFeed } = await import('../../subgraphs/customer/src/feed.js');
    const { createSalesforceClient } = await import('../../lib/clients/salesforce.js');
    const { loadSalesforceConfig } = await import('../../lib/config.js');
    const { createCustomerDirectory } = await import('../../subgraphs/customer/src/salesforce.js');
    const { loadOrgMapping } = await import('../../lib/mapping.js');
    const { inProcessBus } = await import('../../lib/events/bus.js');
    const { join } = await import('node:path');
    const mapping = loadOrgMapping(join(import.meta.dirname, '..', '..', 'config', 'org-mapping.json'));
    const client = createSalesforceClient(loadSalesforceConfig({ SALESFORCE_LOGIN_URL: stack.sandboxUrls.salesforce }));
    const memory = (): { load(): Promise<{ known: Record<string, string>; watermark?: string }>; save(s: { known: Record<string, string>; watermark?: string }): Promise<void> } => {
      let state: { known: Record<string, string>; watermark?: string } = { known: {} };
      return { load: async () => structuredClone(state), save: async (s) => void (state = structuredClone(s)) };
    };
    const invalidated: string[][] = [];
    const feed = createCustomerFeed({
      client,
      directory: createCustomerDirectory(client, mapping),
      bus: inProcessBus(),
      invalidate: async (tags) => void invalidated.push(tags),
      customerNumberField: 'Customer_Number__c',
      store: memory(),
      pollStore: memory(),
      // A channel this org does not publish: Salesforce refuses the subscription.
      channels: ['/data/NoSuchObject__ChangeEvent'],
      pollIntervalMs: 60_000,
    });
    try {
      await feed.start();
      expect(feed.status().phase).toBe('polling');
      await feed.pollOnce(); // sets the watermark at now
      await action('set-loyalty-tier', { customerId: 'C-000023', tier: 'SILVER' });
      expect(await feed.pollOnce()).toBe(1);
      expect(invalidated.flat()).toContain('Customer:C-000023');
    } finally {
      await feed.stop();
      await client.close();
    }
  }, 15_000);

  it('polling-only mode stays polling: it never tries streaming', async () => {
    const { createCustomerFeed } = await import('../../subgraphs/customer/src/feed.js');
    const { createSalesforceClient } = await import('../../lib/clients/salesforce.js');
    const { loadSalesforceConfig } = await import('../../lib/config.js');
    const { createCustomerDirectory } = await import('../../subgraphs/customer/src/salesforce.js');
    const { loadOrgMapping } = await import('../../lib/mapping.js');
    const { inProcessBus } = await import('../../lib/events/bus.js');
    const { join } = await import('node:path');
    const mapping = loadOrgMapping(join(import.meta.dirname, '..', '..', 'config', 'org-mapping.json'));
    const client = createSalesforceClient(loadSalesforceConfig({ SALESFORCE_LOGIN_URL: stack.sandboxUrls.salesforce }));
    const memory = (): { load(): Promise<{ known: Record<string, string>; watermark?: string }>; save(s: { known: Record<string, string>; watermark?: string }): Promise<void> } => {
      let state: { known: Record<string, string>; watermark?: string } = { known: {} };
      return { load: async () => structuredClone(state), save: async (s) => void (state = structuredClone(s)) };
    };
    const feed = createCustomerFeed({
      client,
      directory: createCustomerDirectory(client, mapping),
      bus: inProcessBus(),
      invalidate: async () => undefined,
      customerNumberField: 'Customer_Number__c',
      store: memory(),
      pollStore: memory(),
      mode: 'polling',
      pollIntervalMs: 60_000,
      streamingRetryMs: 100,
    });
    try {
      await feed.start();
      await new Promise((r) => setTimeout(r, 1500));
      expect(feed.status()).toEqual({ phase: 'polling', reason: 'CUSTOMER_FEED_MODE=polling' });
    } finally {
      await feed.stop();
      await client.close();
    }
  }, 15_000);
});
}

suite('embedded');
suite('redis');
