/**
 * Engagement entries stay fresh longer while Salesforce Change Data Capture is
 * streaming: a change then invalidates them within a second, so the TTL only
 * bounds what a lost event could leave behind. Once the stream stops, the plain
 * TTL applies again at the next lookup. Counted in Salesforce calls per read.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack, type StackCache } from '../support/stack.js';
import { customerWiring } from '../support/wiring.js';
import Keyv from 'keyv';
import { EntityCache, keyvStore, loadCacheConfig } from '../../lib/cache/index.js';

const NAME = /* GraphQL */ `
  query Name($id: ID!) {
    customer(id: $id) { id name freshness { stale } }
  }
`;

const TTL_SECONDS = 1;
let stack: Stack & StackCache;

async function until(check: () => boolean, what: string, ms = 8000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function salesforceCalls(id: string): Promise<number> {
  const res = await stack.query<{ customer: { name: string | null; freshness: { stale: boolean } | null } | null }>(NAME, { id });
  expect(res.body.errors).toBeUndefined();
  expect(res.body.data?.customer?.name).toBeTruthy();
  expect(res.body.data?.customer?.freshness?.stale).toBe(false);
  return (await stack.stats('salesforce', res.correlationId)).total;
}

describe('engagement TTL while the change feed streams', () => {
  beforeAll(async () => {
    const config = loadCacheConfig({ CACHE_TTL_ENGAGEMENT_SECONDS: String(TTL_SECONDS), CACHE_CHANGE_FEED_TTL_FACTOR: '30' });
    stack = await startStack({ cache: { config } });
    await until(() => customerWiring.current?.feed?.status().phase === 'streaming', 'the CDC subscription');
  }, 30_000);

  afterAll(async () => {
    await stack?.close();
  });

  it('keeps a customer fresh past the plain TTL while CDC streams, and falls back to the plain TTL once it stops', async () => {
    const id = 'C-000031';
    expect(await salesforceCalls(id)).toBe(1);
    await sleep(TTL_SECONDS * 1000 + 300);
    // Past the plain TTL, inside the stretched one: served from the cache.
    expect(await salesforceCalls(id)).toBe(0);

    await customerWiring.current?.feed?.stop();
    expect(customerWiring.current?.feed?.status().phase).toBe('stopped');
    // Without the stream, the same entry is past its TTL: one query, and the answer is fresh.
    expect(await salesforceCalls(id)).toBe(1);
    expect(await salesforceCalls(id)).toBe(0);
  });

  it('multiplies the quota stretch by the streaming stretch, and only while streaming', () => {
    const cache = new EntityCache({ store: keyvStore(new Keyv()), namespace: 'ns', config: loadCacheConfig({ CACHE_TTL_ENGAGEMENT_SECONDS: '1' }) });
    let streaming = false;
    cache.coverByFeed(['engagement'], () => streaming);
    expect(cache.ttlMs('engagement', 1)).toBe(1000);
    streaming = true;
    expect(cache.ttlMs('engagement', 1)).toBe(6000);
    expect(cache.ttlMs('engagement', 4)).toBe(24_000);
    streaming = false;
    expect(cache.ttlMs('engagement', 4)).toBe(4000);
  });

  it('reads the streaming stretch from CACHE_CHANGE_FEED_TTL_FACTOR, 6 by default, and refuses a factor below 1', () => {
    expect(loadCacheConfig({}).changeFeedTtlFactor).toBe(6);
    expect(loadCacheConfig({ CACHE_CHANGE_FEED_TTL_FACTOR: '1' }).changeFeedTtlFactor).toBe(1);
    expect(() => loadCacheConfig({ CACHE_CHANGE_FEED_TTL_FACTOR: '0.5' })).toThrow(/CACHE_CHANGE_FEED_TTL_FACTOR.*factor of 1 or more/);
  });
});
