/**
 * The response cache reads the entity cache's tag versions directly when they
 * share a store: their key and token formats must agree. Also the per-request
 * report the entity cache notes for the gateway.
 */
import { describe, expect, it } from 'vitest';
import { collectCacheReport, createCacheStore, currentCacheReport, loadCacheConfig, ReportingEntityCache, tagVersionTime } from '../../lib/cache/index.js';
import { sharedTagVersions } from '../../gateway/src/response-cache/versions.js';

const kind = { name: 'test/Order', domain: 'orderStatus' as const, tag: (id: string) => `Order:${id}` };

describe('tag versions shared with the entity cache', () => {
  it('an entity cache invalidation moves the version the response cache reads, and its time is readable', async () => {
    const store = await createCacheStore();
    const cache = new ReportingEntityCache({ store: store.kv, namespace: 'ns', config: loadCacheConfig({}) });
    const versions = sharedTagVersions(store.kv, 'ns', 60_000);
    expect(await versions.read(['Order:SO-1'])).toEqual(['0']);
    const before = Date.now();
    await cache.invalidate(['Order:SO-1']);
    const [v] = await versions.read(['Order:SO-1']);
    expect(v).not.toBe('0');
    expect(tagVersionTime(v as string)).toBeGreaterThanOrEqual(before);
  });
});

describe('the cache report of a request', () => {
  it('notes the tags read, the least remaining freshness, and what was invalidated; nothing outside a request', async () => {
    const store = await createCacheStore();
    const cache = new ReportingEntityCache({ store: store.kv, namespace: 'ns', config: loadCacheConfig({}) });
    const fetch = async (ids: string[]) => new Map(ids.map((id) => [id, { id }]));
    const report = await collectCacheReport(async () => {
      await cache.load(kind, ['SO-1', 'SO-2'], fetch);
      await cache.invalidate(['Customer:C-1:orders']);
      return currentCacheReport();
    });
    expect(report?.tags.sort()).toEqual(['Order:SO-1', 'Order:SO-2']);
    expect(report?.invalidated).toEqual(['Customer:C-1:orders']);
    expect(report?.maxAgeMs).toBeGreaterThan(0);
    expect(report?.maxAgeMs).toBeLessThanOrEqual(30_000);
    expect(report?.stale).toBe(false);
    // maxAgeSeconds 0 reads the system now: such an answer is good for no time at all.
    const bypass = await collectCacheReport(async () => {
      await cache.load(kind, ['SO-3'], fetch, { maxAgeSeconds: 0 });
      return currentCacheReport();
    });
    expect(bypass?.maxAgeMs).toBe(0);
    await cache.load(kind, ['SO-4'], fetch);
    expect(currentCacheReport()).toBeUndefined();
  });
});
