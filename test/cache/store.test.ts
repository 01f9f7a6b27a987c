/**
 * The in-memory store behind keyv: what it keeps past its bound, and that
 * expiry stays keyv's. Each test counts the calls a fake system of record gets,
 * since a forgotten entry is a call the system pays for.
 */
import { describe, expect, it } from 'vitest';
import { EntityCache, entityTag, loadCacheConfig, lookupValue, type CacheConfig, type EntryKind } from '../../lib/cache/index.js';
import { createCacheStore } from '../../lib/cache/store.js';
import { UpstreamError } from '../../lib/errors.js';

const config: CacheConfig = { ...loadCacheConfig({}), maxStaleSeconds: 600, opTimeoutMs: 1000 };
const ORDER: EntryKind = { name: 'test/Order', domain: 'orderStatus', tag: (id) => entityTag('Order', id) };

function system(version = 1) {
  const calls: string[][] = [];
  return {
    calls,
    fetch: async (ids: string[]) => {
      calls.push([...ids]);
      return new Map(ids.map((id) => [id, { id, v: version }]));
    },
  };
}

describe('the in-memory store', () => {
  it('evicts the least recently read entry, so a key read all along survives a fill past the bound', async () => {
    const store = await createCacheStore({ maxMemoryEntries: 3 });
    const cache = new EntityCache({ keyv: store.keyv, namespace: 'lru', config });
    const sys = system();
    await cache.load(ORDER, ['SO-1', 'SO-2', 'SO-3'], sys.fetch);
    for (let n = 4; n <= 9; n++) {
      await cache.load(ORDER, ['SO-1'], sys.fetch);
      await cache.load(ORDER, [`SO-${n}`], sys.fetch);
    }
    await cache.load(ORDER, ['SO-1', 'SO-9'], sys.fetch);
    // SO-1 was read before every write, so it never cost a second call; the bound still holds for the rest.
    expect(sys.calls).toEqual([['SO-1', 'SO-2', 'SO-3'], ['SO-4'], ['SO-5'], ['SO-6'], ['SO-7'], ['SO-8'], ['SO-9']]);
    await cache.load(ORDER, ['SO-2', 'SO-7'], sys.fetch);
    expect(sys.calls.at(-1)).toEqual(['SO-2', 'SO-7']);
    await store.close();
  });

  it('never forgets an invalidation before the entry it made stale, however often that entry is read', async () => {
    const store = await createCacheStore({ maxMemoryEntries: 4 });
    const cache = new EntityCache({ keyv: store.keyv, namespace: 'lru-tags', config });
    await cache.load(ORDER, ['SO-1'], system(1).fetch);
    await cache.invalidate([entityTag('Order', 'SO-1')]);
    // The system is down for SO-1: each load reads its invalidated entry (never served, not even as stale)
    // without rewriting it, while other entries fill the store past its bound.
    const down = async (): Promise<Map<string, Error>> => {
      throw new UpstreamError('ERP', 'unavailable', 'the ERP answered 503');
    };
    const others = system();
    for (let n = 2; n <= 12; n++) {
      const r = await cache.load(ORDER, ['SO-1'], down);
      expect(r.get('SO-1')?.phase).toBe('failed');
      await cache.load(ORDER, [`SO-${n}`], others.fetch);
    }
    // Back up: the invalidated entry must not pass for fresh, whatever the store evicted meanwhile.
    const up = system(2);
    const r = await cache.load(ORDER, ['SO-1'], up.fetch);
    expect(up.calls).toEqual([['SO-1']]);
    expect(lookupValue(r.get('SO-1'))).toEqual({ id: 'SO-1', v: 2 });
    await store.close();
  });

  it('leaves expiry to keyv: an entry past its TTL is gone for get and has alike', async () => {
    const store = await createCacheStore({ maxMemoryEntries: 10 });
    await store.keyv.set('short', 'v', 20);
    await store.keyv.set('long', 'v', 60_000);
    expect(await store.keyv.has('short')).toBe(true);
    await new Promise((r) => setTimeout(r, 40));
    expect(await store.keyv.has('short')).toBe(false);
    expect(await store.keyv.get('short')).toBeUndefined();
    expect(await store.keyv.get('long')).toBe('v');
    await store.close();
  });
});
