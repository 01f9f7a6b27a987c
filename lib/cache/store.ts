/**
 * Where cached entries live: keyv in process memory by default, keyv on Redis
 * (@keyv/redis) when a URL is given so that every replica and every subgraph
 * process shares one cache.
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

export type CacheStore =
  | { phase: 'memory'; keyv: Keyv; close(): Promise<void> }
  | { phase: 'redis'; keyv: Keyv; client: RedisClientType; close(): Promise<void> };

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
  log?: Logger;
}

export async function createCacheStore(opts: CacheStoreOptions = {}): Promise<CacheStore> {
  if (!opts.redisUrl) {
    const keyv = new Keyv({ store: new LruStore(opts.maxMemoryEntries ?? 100_000), useKeyPrefix: false, throwOnErrors: true });
    return { phase: 'memory', keyv, close: async () => keyv.disconnect() };
  }
  const connectTimeoutMs = opts.connectTimeoutMs ?? 2000;
  const client: RedisClientType = createClient({
    url: opts.redisUrl,
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
  // keyv re-emits store errors; the cache counts failures where it catches them, so this only keeps them from being unhandled.
  keyv.on('error', () => undefined);
  return {
    phase: 'redis',
    keyv,
    client,
    async close() {
      if (client.isOpen) await client.close().catch(() => client.destroy());
      else client.destroy();
    },
  };
}
