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
import KeyvRedis from '@keyv/redis';
import { createClient, type RedisClientType } from 'redis';
import type { Logger } from 'pino';

export type CacheStore =
  | { phase: 'memory'; keyv: Keyv; close(): Promise<void> }
  | { phase: 'redis'; keyv: Keyv; client: RedisClientType; close(): Promise<void> };

/**
 * The in-memory store: a Map that forgets its oldest entries past `max`.
 * keyv's memory store drops expired entries only when they are read again, so
 * without a bound a long-running process would keep every customer it ever saw.
 * Insertion order is a good enough age here (every write re-inserts, see set);
 * a full LRU would need a package this project does not depend on.
 * Tag versions live here too. Evicting one is safe: in one process a fetch that
 * an invalidation overtook never writes (EntityCache drops it), so an entry is
 * always older than a version that could outlive it.
 */
export class BoundedMap<K, V> extends Map<K, V> {
  constructor(private readonly max: number) {
    super();
  }

  override set(key: K, value: V): this {
    // Re-inserting moves the key to the young end, so rewritten entries are evicted last.
    if (this.has(key)) super.delete(key);
    super.set(key, value);
    while (this.size > this.max) {
      const oldest = this.keys().next();
      if (oldest.done) break;
      super.delete(oldest.value);
    }
    return this;
  }
}

export interface CacheStoreOptions {
  /** redis://host:port; in-memory when absent. @default undefined (memory) */
  redisUrl?: string | undefined;
  /** Entries the in-memory store keeps at most; the oldest go first. @default 100000 */
  maxMemoryEntries?: number;
  /** Longest wait for the first connection before serving without Redis (it keeps retrying). @default 2000 */
  connectTimeoutMs?: number;
  log?: Logger;
}

export async function createCacheStore(opts: CacheStoreOptions = {}): Promise<CacheStore> {
  if (!opts.redisUrl) {
    const keyv = new Keyv({ store: new BoundedMap<string, unknown>(opts.maxMemoryEntries ?? 100_000), useKeyPrefix: false, throwOnErrors: true });
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
