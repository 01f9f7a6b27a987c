/**
 * Where cached entries live: keyv in process memory by default, Redis when a
 * URL is given so that every replica and every subgraph process shares one
 * cache.
 *
 * The caches use the store through one small interface, KeyValueStore: text
 * values by key, read and written a batch at a time, each written with a TTL.
 * In memory that is keyv over a bounded LRU; on Redis it is the node-redis
 * client itself (one MGET, one pipelined batch of SET … PX): keyv's per-call
 * work, and above all its JSON envelope around every value (`{"value":…,
 * "expires":…}`, which escapes an entry's JSON a second time), cost more than
 * the commands on the miss path.
 *
 * On Redis, entries are stored as they are, under their own key. Tag versions
 * keep the key and envelope keyv gave them (`keyv::<key>`): they are small, and
 * a process of an earlier release, which reads and writes them through keyv,
 * then still sees every invalidation a newer one makes, and the other way round,
 * while both run side by side. Entry keys changed format with them (`v2`), so
 * neither release reads the other's entries. Apollo's persisted queries still
 * go through keyv, under keyv's keys.
 *
 * The Redis client is set up to fail fast rather than to wait: with the offline
 * queue off, a command issued while Redis is unreachable rejects at once, and
 * the cache falls back to the system of record. It keeps reconnecting in the
 * background, so the cache comes back by itself when Redis does.
 */
import Keyv from 'keyv';
import { LRUCache } from 'lru-cache';
import KeyvRedis from '@keyv/redis';
import { createClient, type RedisClientType } from 'redis';
import type { Logger } from 'pino';

/** One value to write, kept `ttlMs` milliseconds. */
export interface StoreEntry {
  key: string;
  value: string;
  ttlMs: number;
}

/** The operations the caches run on their store. Each call is one round trip; each rejects when the store fails. */
export interface KeyValueStore {
  /** The values of `keys`, in order; undefined where absent, expired, or not a text value. */
  getMany(keys: readonly string[]): Promise<Array<string | undefined>>;
  /** Writes every entry, each with its TTL. */
  setMany(entries: readonly StoreEntry[]): Promise<void>;
  deleteMany(keys: readonly string[]): Promise<void>;
}

/**
 * `kv` is what the caches use. `keyv` is the same store through keyv, for what
 * takes a keyv (Apollo's persisted-query cache).
 */
export type CacheStore =
  | { phase: 'memory'; kv: KeyValueStore; keyv: Keyv; close(): Promise<void> }
  | { phase: 'redis'; kv: KeyValueStore; keyv: Keyv; client: RedisClientType; close(): Promise<void> };

/** A KeyValueStore over keyv: the in-memory store, and tests that hand the caches a keyv of their own. */
export function keyvStore(keyv: Keyv): KeyValueStore {
  return {
    async getMany(keys) {
      if (keys.length === 0) return [];
      const raw = await keyv.getMany<unknown>([...keys]);
      return raw.map((v) => (typeof v === 'string' ? v : undefined));
    },
    async setMany(entries) {
      if (entries.length === 0) return;
      await keyv.setMany(entries.map((e) => ({ key: e.key, value: e.value, ttl: e.ttlMs })));
    },
    async deleteMany(keys) {
      if (keys.length > 0) await keyv.deleteMany([...keys]);
    },
  };
}

/** The prefix keyv's Redis store puts before every key (its namespace `keyv` and separator `::`). */
export const KEYV_KEY_PREFIX = 'keyv::';

/** Tag versions (`<namespace>:cache:tag:<tag>`, see tagVersionKey): the keys kept in keyv's format on Redis. */
export const isTagVersionKey = (key: string): boolean => key.includes(':cache:tag:');

/**
 * A value as keyv writes it: `{"value":…,"expires":…}`, with keyv's escape of a
 * string that starts with `:` (one more `:` in front).
 */
function wrapValue(value: string, expires: number): string {
  return `{"value":${JSON.stringify(value.startsWith(':') ? `:${value}` : value)},"expires":${expires}}`;
}

/**
 * The text value in keyv's envelope; undefined for anything else (a value keyv
 * did not write, a Buffer keyv stored as `:base64:`, or one past its deadline),
 * which the caches treat as absent.
 */
function unwrapValue(raw: string, now: number): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (parsed === null || typeof parsed !== 'object') return undefined;
  const { value, expires } = parsed as { value?: unknown; expires?: unknown };
  if (typeof value !== 'string' || value.startsWith(':base64:')) return undefined;
  if (typeof expires === 'number' && now > expires) return undefined;
  return value.startsWith(':') ? value.slice(1) : value;
}

/**
 * A KeyValueStore on the node-redis client: reads are one MGET, writes one SET
 * with PX, or several pipelined in one round trip. Redis expires every key by
 * its PX; an envelope's deadline is only for keyv's readers.
 *
 * @param keyvFormat which keys keep keyv's key prefix and envelope (the rest are stored as they are)
 */
export function redisStore(client: RedisClientType, keyvFormat: (key: string) => boolean = isTagVersionKey, now: () => number = Date.now): KeyValueStore {
  const redisKey = (key: string): string => (keyvFormat(key) ? KEYV_KEY_PREFIX + key : key);
  const set = (e: StoreEntry, t: number): [string, string, { PX: number }] => {
    // PX takes whole milliseconds, at least one: every key expires.
    const ttlMs = Math.max(1, Math.ceil(e.ttlMs));
    return keyvFormat(e.key) ? [KEYV_KEY_PREFIX + e.key, wrapValue(e.value, t + ttlMs), { PX: ttlMs }] : [e.key, e.value, { PX: ttlMs }];
  };
  return {
    async getMany(keys) {
      if (keys.length === 0) return [];
      const raw = await client.mGet(keys.map(redisKey));
      const t = now();
      return raw.map((r, i) => (typeof r !== 'string' ? undefined : keyvFormat(keys[i] as string) ? unwrapValue(r, t) : r));
    },
    async setMany(entries) {
      const t = now();
      const first = entries[0];
      if (first === undefined) return;
      if (entries.length === 1) {
        await client.set(...set(first, t));
        return;
      }
      const batch = client.multi();
      for (const e of entries) batch.set(...set(e, t));
      await batch.execAsPipeline();
    },
    async deleteMany(keys) {
      if (keys.length > 0) await client.unlink(keys.map(redisKey));
    },
  };
}

/**
 * keyv's in-memory store: at most `max` entries, the least recently used
 * evicted first (lru-cache). keyv's memory store drops expired entries only when
 * they are read again, so without a bound a long-running process would keep
 * every customer it ever saw; evicting by use rather than by write keeps the
 * customers agents keep coming back to.
 *
 * Expiry stays keyv's: it stores the deadline in the value and treats an entry
 * past it as absent on every read. lru-cache's own TTL would only duplicate that
 * deadline per entry, and purging expired entries eagerly would take a timer
 * each; an expired entry that is never read again ages out like any unused one.
 *
 * A thin wrapper rather than the LRUCache itself: keyv passes its TTL as set's
 * third argument, which lru-cache reads as an options object, and calls `has`
 * on any store that is not a Map, which for lru-cache ignores keyv's deadline.
 * Without `has`, keyv answers it through `get` and the deadline.
 *
 * Tag versions live here too. Evicting one brings back the initial version, so
 * it must never go before an entry that still carries the initial one. It does
 * not: every read of an entry (EntityCache.read) reads its tag's version after
 * it in the same getMany (which keyv serves key by key, in order), so the version
 * is always used more recently than the entry; and in one
 * process a fetch that an invalidation overtook never writes (EntityCache drops
 * it), so no entry is written with a version older than its tag's.
 */
class LruStore {
  private readonly lru: LRUCache<string, NonNullable<unknown>>;

  constructor(max: number) {
    this.lru = new LRUCache({ max });
  }

  async get(key: string): Promise<unknown> {
    return this.lru.get(key);
  }

  async set(key: string, value: unknown): Promise<boolean> {
    // keyv never stores undefined or null (it stores { value, expires }); lru-cache would read them as a delete.
    if (value == null) return this.lru.delete(key);
    this.lru.set(key, value);
    return true;
  }

  async delete(key: string): Promise<boolean> {
    return this.lru.delete(key);
  }

  async clear(): Promise<void> {
    this.lru.clear();
  }
}

export interface CacheStoreOptions {
  /** redis://host:port; in-memory when absent. @default undefined (memory) */
  redisUrl?: string | undefined;
  /** Entries the in-memory store keeps at most; the least recently used go first. @default 100000 */
  maxMemoryEntries?: number;
  /** Longest wait for the first connection before serving without Redis (it keeps retrying). @default 2000 */
  connectTimeoutMs?: number;
  /** The connection's name on Redis (CLIENT SETNAME), so CLIENT LIST shows whose it is. @default none */
  name?: string;
  log?: Logger;
}

export async function createCacheStore(opts: CacheStoreOptions = {}): Promise<CacheStore> {
  if (!opts.redisUrl) {
    const keyv = new Keyv({ store: new LruStore(opts.maxMemoryEntries ?? 100_000), useKeyPrefix: false, throwOnErrors: true });
    return { phase: 'memory', kv: keyvStore(keyv), keyv, close: async () => keyv.disconnect() };
  }
  const connectTimeoutMs = opts.connectTimeoutMs ?? 2000;
  const client: RedisClientType = createClient({
    url: opts.redisUrl,
    ...(opts.name ? { name: opts.name } : {}),
    disableOfflineQueue: true,
    socket: {
      connectTimeout: connectTimeoutMs,
      // Back off up to 2 s between attempts, forever: a cache outage must end by itself.
      reconnectStrategy: (retries: number) => Math.min(50 * 2 ** Math.min(retries, 6), 2000),
    },
  });
  let lastLogged = 0;
  client.on('error', (err: unknown) => {
    // A reconnect loop reports an error per attempt; one line per 10 s is enough to see it.
    const now = Date.now();
    if (now - lastLogged > 10_000) {
      lastLogged = now;
      opts.log?.warn({ err: err instanceof Error ? err.message : String(err) }, 'cache redis error');
    }
  });
  const connecting = client.connect().catch((err: unknown) => {
    opts.log?.warn({ err: err instanceof Error ? err.message : String(err) }, 'cache redis connect failed');
  });
  // Boot does not wait on a Redis that is not there: the first error, or the timeout, ends the wait.
  let timer: NodeJS.Timeout | undefined;
  let onError: (() => void) | undefined;
  await Promise.race([
    connecting,
    new Promise<void>((r) => {
      timer = setTimeout(r, connectTimeoutMs);
      onError = r;
      client.once('error', r);
    }),
  ]);
  clearTimeout(timer);
  if (onError) client.off('error', onError);
  const store = new KeyvRedis(client, { throwOnErrors: true, throwOnConnectError: true, connectionTimeout: connectTimeoutMs });
  const keyv = new Keyv({ store, useKeyPrefix: false, throwOnErrors: true });
  // keyv re-emits store errors; whoever calls it counts failures where it catches them, so this only keeps them from being unhandled.
  keyv.on('error', () => undefined);
  return {
    phase: 'redis',
    kv: redisStore(client),
    keyv,
    client,
    async close() {
      if (client.isOpen) await client.close().catch(() => client.destroy());
      else client.destroy();
    },
  };
}
