/**
 * The in-memory store: what it keeps past its bound, and what it forgets at
 * expiry. Each test counts the calls a fake system of record gets,
 * since a forgotten entry is a call the system pays for.
 *
 * On Redis, the store the caches use talks to the client directly: entries as
 * they are, tag versions in keyv's keys and envelope, so that keyv (a process of
 * the earlier release) and the caches read each other's invalidations; every
 * key has a TTL.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { EntityCache, INITIAL_TAG_VERSION, entityTag, loadCacheConfig, lookupValue, newTagVersion, readTagged, tagVersionKey, taggedValue, type CacheConfig, type EntryKind } from '../../lib/cache/index.js';
import { createCacheStore, type CacheStore } from '../../lib/cache/store.js';
import { UpstreamError } from '../../lib/errors.js';
import { deleteNamespace } from '../support/redis-keys.js';
import { countRedisTrips } from '../support/redis-trips.js';

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

  it('forgets an entry past its TTL on every read, and keeps the rest', async () => {
    const store = await createCacheStore({ maxMemoryEntries: 10 });
    await store.kv.setMany([
      { key: 'short', value: 'v', ttlMs: 20 },
      { key: 'long', value: 'w', ttlMs: 60_000 },
    ]);
    expect(await store.kv.getMany(['short', 'long'])).toEqual(['v', 'w']);
    await new Promise((r) => setTimeout(r, 40));
    expect(await store.kv.getMany(['short', 'long'])).toEqual([undefined, 'w']);
    expect((await store.kv.getTagged(['short', 'long'], 'tag:')).values).toEqual([undefined, 'w']);
    await store.close();
  });
});

/**
 * Guarded writes and tagged reads, the same on either store: a write records its tags'
 * versions, and is skipped when one was made after its `since`; a read of tagged values
 * answers the versions of every tag they name.
 */
async function guardedAndTagged(store: CacheStore, ns: string): Promise<void> {
  const tag = (t: string): string => tagVersionKey(ns, t);
  const t0 = Date.now();
  await store.kv.setMany([{ key: tag('Moved'), value: newTagVersion(t0), ttlMs: 60_000 }]);
  // One tag never invalidated, one moved before the write's `since`, one after.
  await store.kv.setMany([{ key: tag('Old'), value: newTagVersion(t0 - 60_000), ttlMs: 60_000 }]);
  const old = (await store.kv.getMany([tag('Old')]))[0] as string;
  const moved = (await store.kv.getMany([tag('Moved')]))[0] as string;
  const written = await store.kv.setGuarded(
    [
      { key: `${ns}:e:json`, ttlMs: 60_000, tagKeys: [tag('New'), tag('Old')], since: t0 - 1_000, head: '{"v":', tail: '}', versionsAs: 'json' },
      { key: `${ns}:e:single`, ttlMs: 60_000, tagKeys: [tag('Old')], since: t0 - 1_000, head: '5|', tail: '|data', versionsAs: 'single' },
      { key: `${ns}:e:late`, ttlMs: 60_000, tagKeys: [tag('Old'), tag('Moved')], since: t0 - 1_000, head: '', tail: '', versionsAs: 'json' },
    ],
    [{ key: `${ns}:e:plain`, value: 'as it is', ttlMs: 60_000 }],
  );
  expect(written).toEqual([true, true, false]);
  expect(await store.kv.getMany([`${ns}:e:json`, `${ns}:e:single`, `${ns}:e:late`, `${ns}:e:plain`])).toEqual([
    `{"v":${JSON.stringify([INITIAL_TAG_VERSION, old])}}`,
    `5|${old}|data`,
    undefined,
    'as it is',
  ]);

  await store.kv.setMany([
    { key: `${ns}:t:a`, value: taggedValue(['Old', 'New'], '{"a":1}'), ttlMs: 60_000 },
    { key: `${ns}:t:b`, value: taggedValue(['Moved', 'Old'], '{"b":2}'), ttlMs: 60_000 },
    { key: `${ns}:t:plain`, value: 'no tags here', ttlMs: 60_000 },
  ]);
  const read = await store.kv.getTagged([`${ns}:t:a`, `${ns}:t:none`, `${ns}:t:b`, `${ns}:t:plain`], tag(''));
  expect(read.values).toEqual([taggedValue(['Old', 'New'], '{"a":1}'), undefined, taggedValue(['Moved', 'Old'], '{"b":2}'), 'no tags here']);
  expect(new Map([...read.versions].sort())).toEqual(new Map([['Moved', moved], ['New', undefined], ['Old', old]]));
  expect(readTagged(read.values[0] as string)).toEqual({ tags: ['Old', 'New'], rest: '{"a":1}' });
}

describe('guarded writes and tagged reads', () => {
  it('in memory', async () => {
    const store = await createCacheStore();
    try {
      await guardedAndTagged(store, `test-kv-${randomUUID()}`);
    } finally {
      await store.close();
    }
  });

  it.skipIf(!process.env.REDIS_URL)('on Redis, each in one round trip, reading versions keyv wrote (skipped: REDIS_URL is not set)', async () => {
    await onRedis(async (store, ns) => {
      await guardedAndTagged(store, ns);
      const counter = countRedisTrips();
      try {
        await store.kv.setGuarded([{ key: `${ns}:e:one`, ttlMs: 60_000, tagKeys: [tagVersionKey(ns, 'A'), tagVersionKey(ns, 'B')], since: 0, head: '', tail: '', versionsAs: 'json' }], [
          { key: `${ns}:e:two`, value: 'x', ttlMs: 60_000 },
        ]);
        await store.kv.getTagged([`${ns}:t:a`, `${ns}:t:b`], tagVersionKey(ns, ''));
        expect(counter.byName().get('unnamed')?.roundTrips).toBe(2);
      } finally {
        counter.stop();
      }
      // A version keyv wrote (a process of the earlier release) is read as ours, in both scripts.
      const t = Date.now();
      await store.keyv.set(tagVersionKey(ns, 'K'), newTagVersion(t), 60_000);
      expect(await store.kv.setGuarded([{ key: `${ns}:e:k`, ttlMs: 60_000, tagKeys: [tagVersionKey(ns, 'K')], since: t - 1, head: '', tail: '', versionsAs: 'single' }])).toEqual([false]);
      await store.kv.setMany([{ key: `${ns}:t:k`, value: taggedValue(['K'], '{}'), ttlMs: 60_000 }]);
      const read = await store.kv.getTagged([`${ns}:t:k`], tagVersionKey(ns, ''));
      expect(read.versions.get('K')).toBe(await store.keyv.get(tagVersionKey(ns, 'K')));
    });
  });
});

/** Runs `body` on a Redis store and a fresh test namespace, then deletes the namespace's keys and closes the store. */
async function onRedis(body: (store: Extract<CacheStore, { phase: 'redis' }>, ns: string) => Promise<void>): Promise<void> {
  const store = await createCacheStore({ redisUrl: process.env.REDIS_URL });
  if (store.phase !== 'redis') throw new Error('no Redis store');
  const ns = `test-kv-${randomUUID()}`;
  try {
    await body(store, ns);
  } finally {
    await deleteNamespace(store.client, ns);
    await store.close();
  }
}

describe.skipIf(!process.env.REDIS_URL)('the Redis store (skipped: REDIS_URL is not set)', () => {
  it('stores entries as they are under their own key, with a TTL on every key', async () => {
    await onRedis(async (store, ns) => {
      await store.kv.setMany([
        { key: `${ns}:cache:v2:a`, value: '17|0|{"x":"y"}', ttlMs: 60_000 },
        { key: `${ns}:cache:v2:b`, value: ':colon', ttlMs: 60_000.4 },
      ]);
      await store.kv.setMany([{ key: `${ns}:cache:v2:c`, value: 'one', ttlMs: 0 }]);
      expect(await store.client.mGet([`${ns}:cache:v2:a`, `${ns}:cache:v2:b`])).toEqual(['17|0|{"x":"y"}', ':colon']);
      expect(await store.kv.getMany([`${ns}:cache:v2:a`, `${ns}:cache:v2:b`, `${ns}:cache:v2:none`])).toEqual(['17|0|{"x":"y"}', ':colon', undefined]);
      const ttls = await Promise.all([`${ns}:cache:v2:a`, `${ns}:cache:v2:b`, `${ns}:cache:v2:c`].map((k) => store.client.pTTL(k)));
      expect(ttls.slice(0, 2).every((t) => t > 59_000 && t <= 60_001)).toBe(true);
      // A TTL of 0 still expires (at once) rather than never.
      expect(ttls[2]).toBeLessThanOrEqual(1);

      await store.kv.deleteMany([`${ns}:cache:v2:a`]);
      expect(await store.kv.getMany([`${ns}:cache:v2:a`, `${ns}:cache:v2:b`])).toEqual([undefined, ':colon']);
    });
  });

  it("keeps tag versions in keyv's keys and envelope, so keyv reads ours and we read keyv's", async () => {
    await onRedis(async (store, ns) => {
      const tag = (t: string): string => tagVersionKey(ns, t);
      // A value that starts with ':' is one keyv escapes: it must come back as written either way.
      await store.kv.setMany([
        { key: tag('A'), value: 'v1.ab', ttlMs: 60_000 },
        { key: tag('B'), value: ':colon', ttlMs: 60_000 },
      ]);
      expect(await store.keyv.getMany([tag('A'), tag('B')])).toEqual(['v1.ab', ':colon']);
      expect(await store.client.pTTL(`keyv::${tag('A')}`)).toBeGreaterThan(59_000);
      await store.keyv.set(tag('C'), ':from keyv', 60_000);
      expect(await store.kv.getMany([tag('C'), tag('A'), tag('none')])).toEqual([':from keyv', 'v1.ab', undefined]);

      // Values neither could have written are misses, not failures.
      await store.client.set(`keyv::${tag('raw')}`, 'not json', { PX: 60_000 });
      await store.client.set(`keyv::${tag('number')}`, JSON.stringify({ value: 7, expires: null }), { PX: 60_000 });
      await store.client.set(`keyv::${tag('past')}`, JSON.stringify({ value: 'old', expires: Date.now() - 1_000 }), { PX: 60_000 });
      expect(await store.kv.getMany([tag('raw'), tag('number'), tag('past')])).toEqual([undefined, undefined, undefined]);
    });
  });

  it('an entry written in the earlier format (keyv, key v1) is never read: the cache asks the system', async () => {
    await onRedis(async (store, ns) => {
      const cache = new EntityCache({ store: store.kv, namespace: ns, config });
      const old = cache.key(ORDER, 'SO-1').replace(':cache:v2:', ':cache:v1:');
      await store.keyv.set(old, `${Date.now()}|0|{"id":"SO-1","v":0}`, 60_000);
      // Garbage under the new key is a miss too, never a failed read.
      await store.client.set(cache.key(ORDER, 'SO-2'), JSON.stringify({ value: 'x', expires: null }), { PX: 60_000 });
      const sys = system(1);
      const r = await cache.load(ORDER, ['SO-1', 'SO-2'], sys.fetch);
      expect(sys.calls).toEqual([['SO-1', 'SO-2']]);
      expect(lookupValue(r.get('SO-1'))).toEqual({ id: 'SO-1', v: 1 });
      expect(lookupValue(r.get('SO-2'))).toEqual({ id: 'SO-2', v: 1 });
    });
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
