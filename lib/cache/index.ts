/**
 * The entity cache: the public surface. Add exports here with intention;
 * what is not exported is free to change. docs/caching.md explains the design.
 */
import type { Logger } from 'pino';
import { childLogger } from '../log.js';
import { loadCacheConfig, type CacheConfig } from './config.js';
import type { EntityCache } from './entity-cache.js';
import { createCacheStore, type CacheStore } from './store.js';
import { ReportingEntityCache } from './tags-report.js';

export {
  DEFAULT_TTL_SECONDS,
  FEED_DOMAINS,
  TTL_DOMAINS,
  feedFactorEnvName,
  loadCacheConfig,
  ttlEnvName,
  type CacheConfig,
  type FeedDomain,
  type TtlDomain,
  type TtlTable,
} from './config.js';
export {
  EntityCache,
  SHARED_SCOPE,
  entityTag,
  isTransientUpstream,
  listTag,
  type EntryKind,
  type FetchMissing,
  type InvalidationListener,
  type LoadOptions,
  type Lookup,
  type Peeked,
} from './entity-cache.js';
export { loadLists, loadPages, loadParentLists, pageArgsKey, type FetchedList, type ListLoad, type Membership, type PageLoad } from './lists.js';
export { isStale, lookupValue, markStale, withStaleFreshness, type StaleFreshnessSpec } from './freshness.js';
export {
  createCacheStore,
  guardedValue,
  keyvStore,
  readTagged,
  taggedValue,
  type CacheStore,
  type CacheStoreOptions,
  type GuardedEntry,
  type KeyValueStore,
  type StoreEntry,
  type Tagged,
} from './store.js';
export { quotaTtlFactor, type QuotaSource } from './quota.js';
export {
  CACHE_REPORT_EXTENSION,
  INITIAL_TAG_VERSION,
  ReportingEntityCache,
  collectCacheReport,
  instrumentCacheReport,
  currentCacheReport,
  newTagVersion,
  noteCacheRead,
  noteInvalidated,
  parseCacheReport,
  tagVersionKey,
  tagVersionTime,
  type AuditedRead,
  type CacheReport,
} from './tags-report.js';

/** The Redis connection name of a subgraph's entity cache, as CLIENT LIST shows it. */
export const entityCacheClientName = (subgraph: string): string => `rsg-${subgraph}-cache`;

/** An entity cache together with the store it owns. */
export interface CacheHandle {
  cache: EntityCache;
  store: CacheStore;
  /** See EntityCache#invalidate. */
  invalidate(tags: readonly string[]): Promise<boolean>;
  close(): Promise<void>;
}

export interface CreateEntityCacheOptions {
  /** Prefix of every key (loadCommonConfig().namespace). */
  namespace: string;
  /** Shared Redis when set, process memory otherwise. @default undefined (memory) */
  redisUrl?: string | undefined;
  /** @default loadCacheConfig() */
  config?: CacheConfig;
  /** The Redis connection's name (CLIENT SETNAME), e.g. `rsg-order-cache`. @default none */
  name?: string;
  log?: Logger;
}

/** Opens the store (memory or Redis) and the cache on it; close() releases both. */
export async function createEntityCache(opts: CreateEntityCacheOptions): Promise<CacheHandle> {
  const log = opts.log ?? childLogger('cache');
  const config = opts.config ?? loadCacheConfig();
  const store = await createCacheStore({ redisUrl: opts.redisUrl, ...(opts.name ? { name: opts.name } : {}), log });
  // Reporting: each request's reads are noted for the gateway's response cache (tags-report.ts).
  const cache = new ReportingEntityCache({ store: store.kv, namespace: opts.namespace, config, log });
  return {
    cache,
    store,
    invalidate: (tags) => cache.invalidate(tags),
    // The writes still landing first: a value fetched just before the close is kept for the next process.
    close: async () => {
      await cache.settled();
      await store.close();
    },
  };
}
