/**
 * The in-memory store behind keyv: what it keeps past its bound, and that
 * expiry stays keyv's. Each test counts the calls a fake system of record gets,
 * since a forgotten entry is a call the system pays for.
 *
 * On Redis, the store the caches use talks to the client directly but keeps
 * keyv's keys and values, so keyv (persisted queries, processes still on it)
 * and the caches read each other's writes, and every key has a TTL.
 */
import { randomUUID } from 'node:crypto';
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
    const cache = new EntityCache({ store: store.kv, namespace: 'lru', config });
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
    const cache = new EntityCache({ store: store.kv, namespace: 'lru-tags', config });
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

describe.skipIf(!process.env.REDIS_URL)('the Redis store (skipped: REDIS_URL is not set)', () => {
  it("writes keyv's keys and values, with a TTL on every key, and reads what keyv wrote", async () => {
    const store = await createCacheStore({ redisUrl: process.env.REDIS_URL });
    if (store.phase !== 'redis') throw new Error('no Redis store');
    const ns = `test-kv-${randomUUID()}`;
    try {
      // A value that starts with ':' is one keyv escapes: it must come back as written either way.
      await store.kv.setMany([
        { key: `${ns}:a`, value: '17|0|{"x":"y"}', ttlMs: 60_000 },
        { key: `${ns}:b`, value: ':colon', ttlMs: 60_000.4 },
      ]);
      await store.kv.setMany([{ key: `${ns}:c`, value: 'one', ttlMs: 0 }]);
      expect(await store.keyv.getMany([`${ns}:a`, `${ns}:b`])).toEqual(['17|0|{"x":"y"}', ':colon']);
      await store.keyv.set(`${ns}:d`, ':from keyv', 60_000);
      expect(await store.kv.getMany([`${ns}:d`, `${ns}:a`, `${ns}:b`, `${ns}:none`])).toEqual([':from keyv', '17|0|{"x":"y"}', ':colon', undefined]);

      const keys = [`${ns}:a`, `${ns}:b`, `${ns}:c`, `${ns}:d`].map((k) => `keyv::${k}`);
      const ttls = await Promise.all(keys.map((k) => store.client.pTTL(k)));
      expect(ttls.slice(0, 2).every((t) => t > 59_000 && t <= 60_001)).toBe(true);
      // A TTL of 0 still expires (at once) rather than never.
      expect(ttls[2]).toBeLessThanOrEqual(1);
      expect(ttls[3]).toBeGreaterThan(59_000);

      // Values the store cannot have written are misses, not failures.
      await store.client.set(`keyv::${ns}:raw`, 'not json', { PX: 60_000 });
      await store.client.set(`keyv::${ns}:number`, JSON.stringify({ value: 7, expires: null }), { PX: 60_000 });
      await store.client.set(`keyv::${ns}:past`, JSON.stringify({ value: 'old', expires: Date.now() - 1_000 }), { PX: 60_000 });
      expect(await store.kv.getMany([`${ns}:raw`, `${ns}:number`, `${ns}:past`])).toEqual([undefined, undefined, undefined]);

      await store.kv.deleteMany([`${ns}:a`, `${ns}:d`]);
      expect(await store.kv.getMany([`${ns}:a`, `${ns}:b`, `${ns}:d`])).toEqual([undefined, ':colon', undefined]);
    } finally {
      const left = await store.client.keys(`keyv::${ns}:*`);
      if (left.length > 0) await store.client.unlink(left);
      await store.close();
    }
  });

  it('rejects at once while Redis is unreachable, so the caches fall back to the system', async () => {
    const store = await createCacheStore({ redisUrl: 'redis://127.0.0.1:1', connectTimeoutMs: 200 });
    try {
      await expect(store.kv.getMany(['test-kv-down:a'])).rejects.toThrow();
      await expect(store.kv.setMany([{ key: 'test-kv-down:a', value: 'v', ttlMs: 1_000 }])).rejects.toThrow();
      await expect(store.kv.setMany([{ key: 'test-kv-down:a', value: 'v', ttlMs: 1_000 }, { key: 'test-kv-down:b', value: 'v', ttlMs: 1_000 }])).rejects.toThrow();
    } finally {
      await store.close();
    }
  });
});
