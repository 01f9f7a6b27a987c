/**
 * The entity cache on its own: which keys reach the system of record, and when.
 * A fake system records every call (`calls`), in the manner of dataloader's own
 * tests; the clock is injected, so TTLs are exercised without waiting.
 */
import { describe, expect, it } from 'vitest';
import Keyv from 'keyv';
import { register } from 'prom-client';
import { UpstreamError } from '../../lib/errors.js';
import {
  DEFAULT_TTL_SECONDS,
  EntityCache,
  FEED_DOMAINS,
  ReportingEntityCache,
  collectCacheReport,
  currentCacheReport,
  feedFactorEnvName,
  entityTag,
  isStale,
  listTag,
  loadCacheConfig,
  loadLists,
  lookupValue,
  quotaTtlFactor,
  withStaleFreshness,
  type CacheConfig,
  type EntryKind,
  type KeyValueStore,
  type Lookup,
} from '../../lib/cache/index.js';
import { decodeValue, encodeValue } from '../../lib/cache/codec.js';
import { createCacheStore, keyvStore } from '../../lib/cache/store.js';

const config: CacheConfig = { ...loadCacheConfig({}), maxStaleSeconds: 600, opTimeoutMs: 1000 };

const ORDER: EntryKind = { name: 'test/Order', domain: 'orderStatus', tag: (id) => entityTag('Order', id) };
const LIST: EntryKind = { name: 'test/Customer.orders', domain: 'orderLists', tag: (id) => listTag('Customer', id, 'orders') };

interface Rec {
  id: string;
  v: number;
  fetchedAt: Date;
}

/** A fake system of record: answers `rec(id, version)` for known ids, records every call's keys. */
function system(known: (id: string) => boolean = () => true) {
  const calls: string[][] = [];
  let version = 1;
  let failure: Error | undefined;
  let gate: Promise<void> | undefined;
  const fetch = async (ids: string[]): Promise<Map<string, Rec | Error>> => {
    calls.push([...ids]);
    const v = version;
    if (gate) await gate;
    if (failure) throw failure;
    return new Map(ids.filter(known).map((id) => [id, { id, v, fetchedAt: new Date(1_700_000_000_000) }]));
  };
  return {
    calls,
    fetch,
    setVersion: (v: number) => void (version = v),
    fail: (e: Error | undefined) => void (failure = e),
    /** Holds every fetch until the returned function is called. */
    hold(): () => void {
      let open!: () => void;
      gate = new Promise<void>((r) => (open = r));
      return () => {
        gate = undefined;
        open();
      };
    },
  };
}

function clock(start = 1_800_000_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

function newCache(keyv = new Keyv({ useKeyPrefix: false }), c = clock(), cfg: CacheConfig = config) {
  return { cache: new EntityCache({ store: keyvStore(keyv), namespace: `t${Math.random().toString(36).slice(2)}`, config: cfg, now: c.now }), keyv, clock: c };
}

const values = <V>(m: Map<string, Lookup<V>>): Record<string, unknown> => Object.fromEntries([...m].map(([k, l]) => [k, lookupValue(l)]));

async function counterValue(name: string, labels: Record<string, string>): Promise<number> {
  const metric = register.getSingleMetric(name);
  if (!metric) return 0;
  const data = await metric.get();
  return data.values.filter((v) => Object.entries(labels).every(([k, x]) => v.labels[k] === x)).reduce((a, v) => a + v.value, 0);
}

describe('read-through', () => {
  it('a batch of 50 keys of which 45 are cached fetches the other 5, in one call', async () => {
    const { cache } = newCache();
    const sys = system();
    const ids = Array.from({ length: 50 }, (_, i) => `SO-${100000 + i}`);
    await cache.load(ORDER, ids.slice(0, 45), sys.fetch);
    expect(sys.calls).toEqual([ids.slice(0, 45)]);

    const all = await cache.load(ORDER, ids, sys.fetch);
    expect(sys.calls).toEqual([ids.slice(0, 45), ids.slice(45)]);
    expect(all.size).toBe(50);
    expect([...all.values()].every((l) => l.phase === 'fresh')).toBe(true);
  });

  it('is fresh for its domain TTL (milliseconds from a table in seconds), then reads again', async () => {
    const { cache, clock: c } = newCache();
    const sys = system();
    await cache.load(ORDER, ['SO-1'], sys.fetch);
    c.advance(DEFAULT_TTL_SECONDS.orderStatus * 1000 - 1);
    await cache.load(ORDER, ['SO-1'], sys.fetch);
    expect(sys.calls).toHaveLength(1);
    c.advance(1);
    await cache.load(ORDER, ['SO-1'], sys.fetch);
    expect(sys.calls).toHaveLength(2);
  });

  it('keeps the original fetchedAt (a Date) on cached copies, and never hands out the stored object', async () => {
    const { cache } = newCache();
    const sys = system();
    const first = await cache.load(ORDER, ['SO-1'], sys.fetch);
    const again = await cache.load(ORDER, ['SO-1'], sys.fetch);
    const a = lookupValue(first.get('SO-1')) as Rec;
    const b = lookupValue(again.get('SO-1')) as Rec;
    expect(b.fetchedAt).toBeInstanceOf(Date);
    expect(b.fetchedAt.getTime()).toBe(a.fetchedAt.getTime());
    expect(b).not.toBe(a);
  });

  it('does not cache what the system does not have', async () => {
    const { cache } = newCache();
    const sys = system((id) => id !== 'SO-404');
    const r = await cache.load(ORDER, ['SO-404'], sys.fetch);
    expect(r.get('SO-404')).toEqual({ phase: 'absent' });
    await cache.load(ORDER, ['SO-404'], sys.fetch);
    expect(sys.calls).toEqual([['SO-404'], ['SO-404']]);
  });

  it('keeps scopes and argument sets apart', async () => {
    const { cache } = newCache();
    const sys = system();
    await cache.load(LIST, ['C-1'], sys.fetch, { scope: 'customer:C-1', args: 'first=10' });
    await cache.load(LIST, ['C-1'], sys.fetch, { scope: 'customer:C-2', args: 'first=10' });
    await cache.load(LIST, ['C-1'], sys.fetch, { scope: 'customer:C-1', args: 'first=20' });
    await cache.load(LIST, ['C-1'], sys.fetch, { scope: 'customer:C-1', args: 'first=10' });
    expect(sys.calls).toHaveLength(3);
  });

  it('puts every key under the namespace', async () => {
    const keyv = new Keyv({ useKeyPrefix: false });
    const cache = new EntityCache({ store: keyvStore(keyv), namespace: 'acme-prod', config });
    await cache.load(ORDER, ['SO-1'], system().fetch);
    await cache.invalidate(['Order:SO-2']);
    const keys = [...(keyv.store as Map<string, unknown>).keys()];
    expect(keys.length).toBe(2);
    expect(keys.every((k) => k.startsWith('acme-prod:cache:'))).toBe(true);
  });
});

describe('maxAgeSeconds', () => {
  it('0 reads the system now, and the fresh value serves later reads', async () => {
    const { cache } = newCache();
    const sys = system();
    await cache.load(ORDER, ['SO-1'], sys.fetch);
    sys.setVersion(2);
    const now = await cache.load(ORDER, ['SO-1'], sys.fetch, { maxAgeSeconds: 0 });
    expect((lookupValue(now.get('SO-1')) as Rec).v).toBe(2);
    const later = await cache.load(ORDER, ['SO-1'], sys.fetch);
    expect((lookupValue(later.get('SO-1')) as Rec).v).toBe(2);
    expect(sys.calls).toHaveLength(2);
  });

  it('N accepts a cached value no older than N seconds', async () => {
    const { cache, clock: c } = newCache();
    const sys = system();
    await cache.load(ORDER, ['SO-1'], sys.fetch);
    c.advance(5_000);
    await cache.load(ORDER, ['SO-1'], sys.fetch, { maxAgeSeconds: 10 });
    expect(sys.calls).toHaveLength(1);
    await cache.load(ORDER, ['SO-1'], sys.fetch, { maxAgeSeconds: 5 });
    expect(sys.calls).toHaveLength(2);
  });
});

describe('single flight', () => {
  it('concurrent misses for one key share one call', async () => {
    const { cache } = newCache();
    const sys = system();
    const release = sys.hold();
    const loads = Array.from({ length: 100 }, () => cache.load(ORDER, ['SO-1'], sys.fetch));
    await new Promise((r) => setTimeout(r, 10));
    release();
    const results = await Promise.all(loads);
    expect(sys.calls).toEqual([['SO-1']]);
    expect(results.every((r) => (lookupValue(r.get('SO-1')) as Rec).id === 'SO-1')).toBe(true);
  });

  it('a batch overlapping one in flight fetches only its new keys', async () => {
    const { cache } = newCache();
    const sys = system();
    const release = sys.hold();
    const a = cache.load(ORDER, ['SO-1', 'SO-2'], sys.fetch);
    await new Promise((r) => setTimeout(r, 5));
    const b = cache.load(ORDER, ['SO-2', 'SO-3'], sys.fetch);
    await new Promise((r) => setTimeout(r, 5));
    release();
    const [, rb] = await Promise.all([a, b]);
    expect(sys.calls).toEqual([['SO-1', 'SO-2'], ['SO-3']]);
    expect(Object.keys(values(rb)).sort()).toEqual(['SO-2', 'SO-3']);
  });
});

/**
 * A customer's order list of SO-1 and SO-2, each list call recorded in `calls` and held until
 * `gate` resolves; its records are read through `cache` from `records` when not brought by the list.
 */
function ordersOfC1(cache: EntityCache, records: ReturnType<typeof system>, gate: Promise<void> = Promise.resolve(), calls: string[][] = []) {
  return {
    list: LIST,
    record: ORDER,
    idOf: (r: Rec) => r.id,
    async fetchLists(parents: string[]) {
      calls.push(parents);
      await gate;
      return new Map(parents.map((p) => [p, { records: ['SO-1', 'SO-2'].map((id) => ({ id, v: 1, fetchedAt: new Date() })), meta: {} }]));
    },
    loadRecords: (want: string[]) => cache.load(ORDER, want, records.fetch),
  };
}

/** A store whose writes wait until `release()`: what happens while a fetched value's write is still on its way. */
function slowWrites(keyv = new Keyv({ useKeyPrefix: false })) {
  const kv = keyvStore(keyv);
  let gate: Promise<void> | undefined;
  let open = (): void => undefined;
  const hold = <T>(write: () => Promise<T>): Promise<T> => (gate ? gate.then(write) : write());
  const store: KeyValueStore = { ...kv, setMany: (e) => hold(() => kv.setMany(e)), setGuarded: (g, plain) => hold(() => kv.setGuarded(g, plain)) };
  return {
    store,
    keyv,
    hold(): void {
      gate = new Promise<void>((r) => (open = r));
    },
    release(): void {
      gate = undefined;
      open();
    },
  };
}

describe('a fetched value on its way to the store', () => {
  it('is answered without waiting for its write, and served to the next request of this process meanwhile, without another call', async () => {
    const slow = slowWrites();
    const c = clock();
    const cache = new EntityCache({ store: slow.store, namespace: `t${Math.random().toString(36).slice(2)}`, config, now: c.now });
    const sys = system();
    slow.hold();
    const first = await cache.load(ORDER, ['SO-1'], sys.fetch);
    expect((lookupValue(first.get('SO-1')) as Rec).v).toBe(1);
    // Still not in the store, yet the next request takes the value being written.
    expect(await slow.store.getMany([cache.key(ORDER, 'SO-1')])).toEqual([undefined]);
    const second = await cache.load(ORDER, ['SO-1'], sys.fetch);
    expect((lookupValue(second.get('SO-1')) as Rec).v).toBe(1);
    expect(sys.calls).toEqual([['SO-1']]);
    slow.release();
    await cache.settled();
    expect((await slow.store.getMany([cache.key(ORDER, 'SO-1')]))[0]).toEqual(expect.any(String));
    // Landed: another process sharing the store finds it.
    const other = new EntityCache({ store: keyvStore(slow.keyv), namespace: (cache as unknown as { prefix: string }).prefix.replace(/:cache$/, ''), config, now: c.now });
    await other.load(ORDER, ['SO-1'], sys.fetch);
    expect(sys.calls).toEqual([['SO-1']]);
  });

  it('is not served once another process has invalidated it, though its write has not landed', async () => {
    const slow = slowWrites();
    const c = clock();
    const namespace = `t${Math.random().toString(36).slice(2)}`;
    const a = new EntityCache({ store: slow.store, namespace, config, now: c.now });
    const b = new EntityCache({ store: keyvStore(slow.keyv), namespace, config, now: c.now });
    const sys = system();
    slow.hold();
    await a.load(ORDER, ['SO-1'], sys.fetch);
    sys.setVersion(2);
    c.advance(1);
    await b.invalidate(['Order:SO-1']);
    const again = await a.load(ORDER, ['SO-1'], sys.fetch);
    expect((lookupValue(again.get('SO-1')) as Rec).v).toBe(2);
    expect(sys.calls).toEqual([['SO-1'], ['SO-1']]);
    slow.release();
    await a.settled();
  });

  it('the records that came with a list are served here before they land, unless their tag moved after the list call began', async () => {
    const slow = slowWrites();
    const c = clock();
    const cache = new EntityCache({ store: slow.store, namespace: `t${Math.random().toString(36).slice(2)}`, config, now: c.now });
    const records = system();
    let release!: () => void;
    const listHeld = new Promise<void>((r) => (release = r));
    const spec = ordersOfC1(cache, records, listHeld);
    const listed = loadLists(cache, ['C-1'], spec);
    await new Promise((r) => setTimeout(r, 5));
    // SO-2 changes in the system while the list call is on the wire.
    c.advance(10);
    await cache.invalidate(['Order:SO-2']);
    slow.hold();
    release();
    await listed;
    // Neither record has landed; SO-1 is served from the list's answer, SO-2 is read again.
    expect(await slow.store.getMany([cache.key(ORDER, 'SO-1')])).toEqual([undefined]);
    const byId = await cache.load(ORDER, ['SO-1', 'SO-2'], records.fetch);
    expect(Object.keys(values(byId)).sort()).toEqual(['SO-1', 'SO-2']);
    expect(records.calls).toEqual([['SO-2']]);
    slow.release();
    await cache.settled();
  });

  it('a list answered with its records: a request arriving before they land waits for them and reads them from the store', async () => {
    const slow = slowWrites();
    const cache = new EntityCache({ store: slow.store, namespace: `t${Math.random().toString(36).slice(2)}`, config, now: clock().now });
    const records = system();
    const listCalls: string[][] = [];
    const spec = ordersOfC1(cache, records, Promise.resolve(), listCalls);
    slow.hold();
    const first = await loadLists(cache, ['C-1'], spec);
    expect(first.get('C-1')?.phase).toBe('fresh');
    let answered = false;
    const later = loadLists(cache, ['C-1'], spec).then((r) => ((answered = true), r));
    await new Promise((r) => setTimeout(r, 10));
    expect(answered).toBe(false);
    slow.release();
    const l = (await later).get('C-1');
    expect(l?.phase === 'fresh' && l.value.records.map((r) => r.id)).toEqual(['SO-1', 'SO-2']);
    expect(listCalls).toEqual([['C-1']]);
    expect(records.calls).toEqual([]);
  });

});

describe('invalidation', () => {
  it('drops the records and list memberships of the tags it is given, and nothing else', async () => {
    const { cache } = newCache();
    const sys = system();
    await cache.load(ORDER, ['SO-1', 'SO-2'], sys.fetch);
    await cache.load(LIST, ['C-1'], sys.fetch);
    expect(await cache.invalidate([entityTag('Order', 'SO-1'), listTag('Customer', 'C-1', 'orders')])).toBe(true);
    await cache.load(ORDER, ['SO-1', 'SO-2'], sys.fetch);
    await cache.load(LIST, ['C-1'], sys.fetch);
    expect(sys.calls.slice(2)).toEqual([['SO-1'], ['C-1']]);
  });

  it('a miss in flight across an invalidation leaves no old value behind (same process)', async () => {
    const { cache } = newCache();
    const sys = system();
    const release = sys.hold();
    const inFlight = cache.load(ORDER, ['SO-1'], sys.fetch);
    await new Promise((r) => setTimeout(r, 5));
    // The system changes and says so while the read of the old value is still on the wire.
    sys.setVersion(2);
    await cache.invalidate(['Order:SO-1']);
    release();
    expect((lookupValue((await inFlight).get('SO-1')) as Rec).v).toBe(1);

    const next = await cache.load(ORDER, ['SO-1'], sys.fetch);
    expect((lookupValue(next.get('SO-1')) as Rec).v).toBe(2);
    expect(sys.calls).toHaveLength(2);
  });

  it('a miss in flight in one process is not served after another process invalidates (versions in the shared store)', async () => {
    const keyv = new Keyv({ useKeyPrefix: false });
    const c = clock();
    const namespace = 'shared-ns';
    const a = new EntityCache({ store: keyvStore(keyv), namespace, config, now: c.now });
    const b = new EntityCache({ store: keyvStore(keyv), namespace, config, now: c.now });
    const sys = system();
    const release = sys.hold();
    const inFlight = a.load(ORDER, ['SO-1'], sys.fetch);
    await new Promise((r) => setTimeout(r, 5));
    sys.setVersion(2);
    c.advance(1);
    await b.invalidate(['Order:SO-1']);
    release();
    await inFlight; // a writes its old value back, under the version it read before the fetch

    const fromB = await b.load(ORDER, ['SO-1'], sys.fetch);
    expect((lookupValue(fromB.get('SO-1')) as Rec).v).toBe(2);
    const fromA = await a.load(ORDER, ['SO-1'], sys.fetch);
    expect((lookupValue(fromA.get('SO-1')) as Rec).v).toBe(2);
    expect(sys.calls).toHaveLength(2);
  });

  it('a record written with a list is dropped when its tag moved after the list was fetched', async () => {
    const { cache, clock: c } = newCache();
    const sys = system();
    const startedAt = c.now();
    c.advance(10);
    await cache.invalidate(['Order:SO-1']);
    await cache.put(ORDER, [{ id: 'SO-1', value: { id: 'SO-1', v: 1, fetchedAt: new Date() } }], startedAt);
    await cache.load(ORDER, ['SO-1'], sys.fetch);
    expect(sys.calls).toEqual([['SO-1']]);
  });
});

describe('stale-if-error', () => {
  const down = () => new UpstreamError('ERP', 'unavailable', 'the ERP answered 503');

  it('serves the last value past its TTL, flagged stale with its original fetch time, while the system is down', async () => {
    const { cache, clock: c } = newCache();
    const sys = system();
    const first = await cache.load(ORDER, ['SO-1'], sys.fetch);
    const fetchedAt = (first.get('SO-1') as { fetchedAt: number }).fetchedAt;
    c.advance(DEFAULT_TTL_SECONDS.orderStatus * 1000 + 1);
    sys.fail(down());
    const r = await cache.load(ORDER, ['SO-1', 'SO-2'], sys.fetch);
    const one = r.get('SO-1');
    expect(one?.phase).toBe('stale');
    expect(one?.phase === 'stale' && one.fetchedAt).toBe(fetchedAt);
    expect(isStale(lookupValue(one))).toBe(true);
    const two = r.get('SO-2');
    expect(two?.phase).toBe('failed');
    expect(two?.phase === 'failed' && (two.error as UpstreamError).code).toBe('UPSTREAM_UNAVAILABLE');
  });

  it('not beyond the maximum staleness, and not for errors that are not transient', async () => {
    const { cache, clock: c } = newCache();
    const sys = system();
    await cache.load(ORDER, ['SO-1'], sys.fetch);
    c.advance(DEFAULT_TTL_SECONDS.orderStatus * 1000 + 1);
    sys.fail(new UpstreamError('ERP', 'error', 'MALFORMED_QUERY'));
    expect((await cache.load(ORDER, ['SO-1'], sys.fetch)).get('SO-1')?.phase).toBe('failed');
    sys.fail(down());
    expect((await cache.load(ORDER, ['SO-1'], sys.fetch)).get('SO-1')?.phase).toBe('stale');
    c.advance(config.maxStaleSeconds * 1000);
    expect((await cache.load(ORDER, ['SO-1'], sys.fetch)).get('SO-1')?.phase).toBe('failed');
  });

  it('never serves an invalidated value, even stale', async () => {
    const { cache } = newCache();
    const sys = system();
    await cache.load(ORDER, ['SO-1'], sys.fetch);
    await cache.invalidate(['Order:SO-1']);
    sys.fail(down());
    expect((await cache.load(ORDER, ['SO-1'], sys.fetch)).get('SO-1')?.phase).toBe('failed');
  });
});

describe('best effort', () => {
  /** A keyv whose store fails every operation, as Redis does when it is gone. */
  function brokenKeyv(): Keyv {
    const fail = async (): Promise<never> => {
      throw new Error('connect ECONNREFUSED 127.0.0.1:6379');
    };
    const store = { get: fail, set: fail, delete: fail, clear: fail, getMany: fail, setMany: fail, has: fail, on: () => store, namespace: undefined };
    const keyv = new Keyv({ store: store as never, useKeyPrefix: false, throwOnErrors: true });
    keyv.on('error', () => undefined);
    return keyv;
  }

  it('a failing store falls back to the system of record, and every failure is counted', async () => {
    const { cache } = newCache(brokenKeyv());
    const sys = system();
    const before = await counterValue('rsg_cache_errors_total', { op: 'read' });
    const r = await cache.load(ORDER, ['SO-1', 'SO-2'], sys.fetch);
    expect(values(r)).toMatchObject({ 'SO-1': { id: 'SO-1' }, 'SO-2': { id: 'SO-2' } });
    await cache.load(ORDER, ['SO-1'], sys.fetch);
    expect(sys.calls).toEqual([['SO-1', 'SO-2'], ['SO-1']]);
    expect(await counterValue('rsg_cache_errors_total', { op: 'read' })).toBe(before + 2);
    expect(await cache.invalidate(['Order:SO-1'])).toBe(false);
  });

  it('a store that hangs is given up on after the operation timeout', async () => {
    const hang = () => new Promise<never>(() => undefined);
    const store = { get: hang, set: hang, delete: hang, clear: hang, getMany: hang, setMany: hang, has: hang, on: () => store, namespace: undefined };
    const keyv = new Keyv({ store: store as never, useKeyPrefix: false });
    const { cache } = newCache(keyv, clock(), { ...config, opTimeoutMs: 20 });
    const sys = system();
    const r = await cache.load(ORDER, ['SO-1'], sys.fetch);
    expect(r.get('SO-1')?.phase).toBe('fresh');
    expect(sys.calls).toEqual([['SO-1']]);
  });
});

describe('list membership', () => {
  it('caches ids apart from records: a list whose records are mostly cached costs one call for the rest', async () => {
    const { cache } = newCache();
    const records = system();
    const listCalls: string[][] = [];
    const lists = (ids: string[]) => ({
      list: LIST,
      record: ORDER,
      idOf: (r: Rec) => r.id,
      async fetchLists(parents: string[]) {
        listCalls.push(parents);
        return new Map(parents.map((p) => [p, { records: ids.map((id) => ({ id, v: 1, fetchedAt: new Date() })), meta: { total: ids.length } }]));
      },
      loadRecords: (want: string[]) => cache.load(ORDER, want, records.fetch),
    });
    const ids = ['SO-1', 'SO-2', 'SO-3', 'SO-4'];
    const cold = await loadLists(cache, ['C-1'], lists(ids));
    expect(cold.get('C-1')).toMatchObject({ phase: 'fresh', value: { meta: { total: 4 } } });
    expect(records.calls).toEqual([]);

    await cache.invalidate(['Order:SO-3']);
    const warm = await loadLists(cache, ['C-1'], lists(ids));
    const l = warm.get('C-1');
    expect(l?.phase === 'fresh' && l.value.records.map((r) => r.id)).toEqual(ids);
    expect(listCalls).toEqual([['C-1']]);
    expect(records.calls).toEqual([['SO-3']]);
  });

  it('writes the records that came with a list together with it, in one write, leaving out one whose tag moved during the call', async () => {
    const c = clock();
    const kv = keyvStore(new Keyv({ useKeyPrefix: false }));
    const writes: string[] = [];
    const store: KeyValueStore = {
      ...kv,
      setMany: (e) => (writes.push('setMany'), kv.setMany(e)),
      setGuarded: (g, plain) => (writes.push('setGuarded'), kv.setGuarded(g, plain)),
    };
    const cache = new EntityCache({ store, namespace: `t${Math.random().toString(36).slice(2)}`, config, now: c.now });
    const records = system();
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const spec = ordersOfC1(cache, records, held);
    const first = loadLists(cache, ['C-1'], spec);
    // A second request joins the list's fetch; it reads the records from the cache once it hears back.
    const joined = loadLists(cache, ['C-1'], spec);
    await new Promise((r) => setTimeout(r, 5));
    c.advance(10);
    await cache.invalidate(['Order:SO-2']);
    writes.length = 0;
    release();
    await first;
    const joiner = await joined;
    // The list with its records in one write; then the joiner's own fetch of SO-2 writes it.
    expect(writes).toEqual(['setGuarded', 'setMany']);
    const l = joiner.get('C-1');
    expect(l?.phase === 'fresh' && l.value.records.map((r) => r.id)).toEqual(['SO-1', 'SO-2']);
    // SO-1 was in the cache for the joiner; SO-2, whose tag moved after the list call began, was not stored.
    expect(records.calls).toEqual([['SO-2']]);
    expect(await counterValue('rsg_cache_dropped_writes_total', { kind: ORDER.name })).toBeGreaterThan(0);
  });
});

describe('freshness reporting', () => {
  it('withStaleFreshness turns the stale mark into stale: true on entities and connections', async () => {
    const freshness = { source: 'ERP', fetchedAt: '2026-11-20T00:00:00.000Z', stale: false };
    const base = {
      Order: { freshness: () => freshness, id: (o: { id: string }) => o.id },
      Customer: { orders: async () => ({ nodes: [staleRecord, { id: 'SO-2' }], freshness }) },
    };
    const staleRecord = (await (async () => {
      const { cache, clock: c } = newCache();
      const sys = system();
      await cache.load(ORDER, ['SO-1'], sys.fetch);
      c.advance(60_000);
      sys.fail(new UpstreamError('ERP', 'timeout', 'slow'));
      return lookupValue((await cache.load(ORDER, ['SO-1'], sys.fetch)).get('SO-1'));
    })()) as Rec;
    const wrapped = withStaleFreshness(base, { entities: [['Order', 'freshness']], connections: [['Customer', 'orders']] });
    const info = {} as never;
    expect((wrapped.Order.freshness as (...a: unknown[]) => unknown)(staleRecord, {}, {}, info)).toEqual({ ...freshness, stale: true });
    expect((wrapped.Order.freshness as (...a: unknown[]) => unknown)({ id: 'SO-2' }, {}, {}, info)).toEqual(freshness);
    const conn = await (wrapped.Customer.orders as (...a: unknown[]) => Promise<{ freshness: unknown }>)({}, {}, {}, info);
    expect(conn.freshness).toEqual({ ...freshness, stale: true });
    expect(base.Order.freshness()).toEqual(freshness);
  });

  it('refuses to wrap a field that has no resolver, rather than silently reporting fresh', () => {
    expect(() => withStaleFreshness({ Order: {} }, { entities: [['Order', 'freshness']] })).toThrow(/Order.freshness/);
  });
});

describe('quota awareness', () => {
  it('stretches the TTL past the budget threshold', () => {
    let usage: { used: number; limit: number } | undefined;
    const factor = quotaTtlFactor({ apiUsage: () => usage }, 0.8, 4);
    expect(factor()).toBe(1);
    usage = { used: 79_999, limit: 100_000 };
    expect(factor()).toBe(1);
    usage = { used: 80_000, limit: 100_000 };
    expect(factor()).toBe(4);
  });

  it('a stretched TTL keeps entries fresh longer', async () => {
    const { cache, clock: c } = newCache();
    const sys = system();
    const CUSTOMER: EntryKind = { name: 'test/Customer', domain: 'engagement', tag: (id) => entityTag('Customer', id) };
    await cache.load(CUSTOMER, ['C-1'], sys.fetch, { ttlFactor: 4 });
    c.advance(DEFAULT_TTL_SECONDS.engagement * 1000 * 2);
    await cache.load(CUSTOMER, ['C-1'], sys.fetch, { ttlFactor: 4 });
    expect(sys.calls).toHaveLength(1);
    await cache.load(CUSTOMER, ['C-1'], sys.fetch);
    expect(sys.calls).toHaveLength(2);
  });
});

describe('change feeds stretch TTLs', () => {
  const TTL = DEFAULT_TTL_SECONDS.orderStatus * 1000;

  it('keeps entries of a covered domain fresh six times longer while its feed is healthy, and only those', async () => {
    const { cache, clock: c } = newCache();
    const sys = system();
    const BALANCES: EntryKind = { name: 'test/Customer.financials', domain: 'balances', tag: (id) => listTag('Customer', id, 'financials') };
    cache.coverByFeed(['orderStatus'], () => true);
    await cache.load(ORDER, ['SO-1'], sys.fetch);
    await cache.load(BALANCES, ['C-1'], sys.fetch);
    c.advance(TTL * 6 - 1);
    await cache.load(ORDER, ['SO-1'], sys.fetch);
    expect(sys.calls).toEqual([['SO-1'], ['C-1']]);
    await cache.load(BALANCES, ['C-1'], sys.fetch);
    expect(sys.calls).toEqual([['SO-1'], ['C-1'], ['C-1']]);
    c.advance(1);
    await cache.load(ORDER, ['SO-1'], sys.fetch);
    expect(sys.calls).toEqual([['SO-1'], ['C-1'], ['C-1'], ['SO-1']]);
  });

  it('judges an entry written under a stretch by the plain TTL at the first read after the feed fails', async () => {
    const { cache, clock: c } = newCache();
    const sys = system();
    let healthy = true;
    cache.coverByFeed(['orderStatus'], () => healthy);
    await cache.load(ORDER, ['SO-1', 'SO-2'], sys.fetch);
    c.advance(TTL + 1);
    await cache.load(ORDER, ['SO-1'], sys.fetch);
    expect(sys.calls).toHaveLength(1);
    healthy = false;
    const next = await cache.load(ORDER, ['SO-1'], sys.fetch);
    expect(sys.calls).toEqual([['SO-1', 'SO-2'], ['SO-1']]);
    expect(next.get('SO-1')).toMatchObject({ phase: 'fresh', fetchedAt: c.now() });
    // Past the plain TTL with its system failing: served as what it is, stale.
    sys.fail(new UpstreamError('ERP', 'unavailable', 'down'));
    expect((await cache.load(ORDER, ['SO-2'], sys.fetch)).get('SO-2')?.phase).toBe('stale');
  });

  it('is stretched while any one of the feeds covering a domain is healthy, and no more once they are removed', () => {
    const { cache } = newCache();
    let a = false;
    const removeA = cache.coverByFeed(['orderStatus'], () => a);
    const removeB = cache.coverByFeed(['orderStatus', 'orderLines'], () => false);
    expect(cache.ttlMs('orderStatus')).toBe(TTL);
    a = true;
    expect(cache.ttlMs('orderStatus')).toBe(TTL * 6);
    expect(cache.ttlMs('orderLines')).toBe(DEFAULT_TTL_SECONDS.orderLines * 1000);
    removeA();
    removeB();
    expect(cache.ttlMs('orderStatus')).toBe(TTL);
    expect(() => cache.coverByFeed(['returns' as never], () => true)).toThrow(/returns/);
  });

  it('reports to the gateway at most one plain TTL from now, never past the stretch: it cannot learn that a feed failed', async () => {
    const c = clock();
    const cache = new ReportingEntityCache({ store: keyvStore(new Keyv({ useKeyPrefix: false })), namespace: 'report', config, now: c.now });
    let healthy = true;
    cache.coverByFeed(['orderStatus'], () => healthy);
    const sys = system();
    const reportNow = () =>
      collectCacheReport(async () => {
        await cache.load(ORDER, ['SO-1'], sys.fetch);
        return currentCacheReport(c.now());
      });
    expect((await reportNow())?.maxAgeMs).toBe(TTL);
    // Inside the plain TTL: what is left of it.
    c.advance(TTL - 5000);
    expect((await reportNow())?.maxAgeMs).toBe(5000);
    // Past the plain TTL, served under the stretch: one plain TTL from now.
    c.advance(TTL);
    expect((await reportNow())?.maxAgeMs).toBe(TTL);
    // Near the end of the stretch: only what is left of it.
    c.advance(TTL * 6 - TTL * 2 + 5000 - 2000);
    expect((await reportNow())?.maxAgeMs).toBe(2000);
    expect(sys.calls).toHaveLength(1);
    // The feed fails: the entry is judged by the plain TTL, read again, and reported for one plain TTL.
    healthy = false;
    expect((await reportNow())?.maxAgeMs).toBe(TTL);
    expect(sys.calls).toHaveLength(2);
  });

  it('peeks at what the cache holds whatever its age, never at an invalidated entry, and never asks the system', async () => {
    const { cache, clock: c } = newCache();
    const sys = system();
    await cache.load(ORDER, ['SO-1', 'SO-2'], sys.fetch);
    const at = c.now();
    c.advance(TTL * 10);
    await cache.invalidate([entityTag('Order', 'SO-2')]);
    const seen = await cache.peek<Rec>(ORDER, ['SO-1', 'SO-2', 'SO-3']);
    expect([...seen.keys()]).toEqual(['SO-1']);
    expect(seen.get('SO-1')).toMatchObject({ value: { id: 'SO-1', v: 1 }, fetchedAt: at });
    expect(sys.calls).toHaveLength(1);
  });

  it('reads a factor per domain, CACHE_CHANGE_FEED_TTL_FACTOR by default, and refuses one below 1', () => {
    expect(feedFactorEnvName('orderStatus')).toBe('CACHE_ORDER_STATUS_FEED_TTL_FACTOR');
    const c = loadCacheConfig({ CACHE_CHANGE_FEED_TTL_FACTOR: '3', CACHE_CASES_FEED_TTL_FACTOR: '10' });
    expect(c.feedTtlFactors.cases).toBe(10);
    for (const d of FEED_DOMAINS.filter((x) => x !== 'cases')) expect(c.feedTtlFactors[d]).toBe(3);
    expect(loadCacheConfig({}).feedTtlFactors.orderStatus).toBe(6);
    expect(() => loadCacheConfig({ CACHE_INVOICES_FEED_TTL_FACTOR: '0.5' })).toThrow(/CACHE_INVOICES_FEED_TTL_FACTOR.*factor of 1 or more/);
  });

  it("keeps the service desk's domains 60 times longer by default, and as every other domain once CACHE_CHANGE_FEED_TTL_FACTOR is set", () => {
    const defaults = loadCacheConfig({});
    for (const d of ['cases', 'caseLists', 'caseComments'] as const) expect(defaults.feedTtlFactors[d]).toBe(60);
    for (const d of FEED_DOMAINS.filter((x) => !['cases', 'caseLists', 'caseComments'].includes(x))) expect(defaults.feedTtlFactors[d]).toBe(6);
    // 30 minutes for a case list, as long as Change Data Capture keeps an account.
    expect(defaults.ttlSeconds.caseLists * defaults.feedTtlFactors.caseLists).toBe(defaults.ttlSeconds.engagement * defaults.feedTtlFactors.engagement);
    const off = loadCacheConfig({ CACHE_CHANGE_FEED_TTL_FACTOR: '1' });
    for (const d of FEED_DOMAINS) expect(off.feedTtlFactors[d]).toBe(1);
    const one = loadCacheConfig({ CACHE_CASE_LISTS_FEED_TTL_FACTOR: '6' });
    expect([one.feedTtlFactors.caseLists, one.feedTtlFactors.cases]).toEqual([6, 60]);
  });
});

describe('configuration', () => {
  it('reads TTLs per domain from the environment, in seconds', () => {
    const c = loadCacheConfig({ CACHE_TTL_ORDER_STATUS_SECONDS: '10', CACHE_TTL_ENGAGEMENT_SECONDS: '900', CACHE_MAX_STALE_SECONDS: '0' });
    expect(c.ttlSeconds.orderStatus).toBe(10);
    expect(c.ttlSeconds.engagement).toBe(900);
    expect(c.ttlSeconds.balances).toBe(60);
    expect(c.maxStaleSeconds).toBe(0);
  });

  it('names the variable and what it expected when a value is bad', () => {
    expect(() => loadCacheConfig({ CACHE_TTL_CASES_SECONDS: 'soon' })).toThrow(/CACHE_TTL_CASES_SECONDS="soon"/);
    expect(() => loadCacheConfig({ CACHE_SALESFORCE_BUDGET_TTL_FACTOR: '0.5' })).toThrow(/factor of 1 or more/);
  });

  it('encodes Dates so they come back as Dates', () => {
    const v = { at: new Date('2026-11-20T10:00:00.000Z'), nested: [{ d: new Date(0) }], s: '2026-11-20T10:00:00.000Z' };
    const back = decodeValue<typeof v>(encodeValue(v));
    expect(back.at).toBeInstanceOf(Date);
    expect(back.at.toISOString()).toBe('2026-11-20T10:00:00.000Z');
    expect(back.nested[0]?.d).toBeInstanceOf(Date);
    expect(back.s).toBe(v.s);
  });
});

describe('the in-memory store', () => {
  it('keeps at most its bound, forgetting the least recently used entries first', async () => {
    const store = await createCacheStore({ maxMemoryEntries: 3 });
    const cache = new EntityCache({ store: store.kv, namespace: 'bounded', config });
    const sys = system();
    await cache.load(ORDER, ['SO-1', 'SO-2', 'SO-3'], sys.fetch);
    await cache.load(ORDER, ['SO-4'], sys.fetch);
    await cache.load(ORDER, ['SO-2', 'SO-3', 'SO-4'], sys.fetch);
    expect(sys.calls).toHaveLength(2);
    await cache.load(ORDER, ['SO-1'], sys.fetch);
    expect(sys.calls).toEqual([['SO-1', 'SO-2', 'SO-3'], ['SO-4'], ['SO-1']]);
    await store.close();
  });
});
