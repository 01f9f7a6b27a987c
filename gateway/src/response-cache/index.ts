/**
 * The gateway's whole-response cache: the public surface. Add exports here with
 * intention. docs/caching.md ("Response cache") explains the design.
 */
import type { ApolloServerPlugin, PersistedQueryOptions } from '@apollo/server';
import { KeyvAdapter } from '@apollo/utils.keyvadapter';
import { PrefixingKeyValueCache, type KeyValueCache } from '@apollo/utils.keyvaluecache';
import type Keyv from 'keyv';
import type { Logger } from 'pino';
import { createCacheStore, type CacheStore } from '../../../lib/cache/index.js';
import { childLogger } from '../../../lib/log.js';
import type { GatewayContext } from '../context.js';
import { ResponseCacheEngine } from './engine.js';
import { SubgraphResponseCache } from './entities.js';
import { ResponseCachePlugin } from './plugin.js';
import { localTagVersions, sharedTagVersions } from './versions.js';

/** The gateway's Redis connection for its caches, as CLIENT LIST shows it. */
export const RESPONSE_CACHE_CLIENT_NAME = 'rsg-gateway-cache';

/** How long a persisted query stays registered in Redis: a day. */
export const PERSISTED_QUERY_TTL_SECONDS = 86_400;

export { noteSubgraphFetch, takeSubgraphReport } from './collector.js';
export { subgraphFetches } from './metrics.js';
export type { SubgraphResponseCache } from './entities.js';
export type { SkipReason } from './engine.js';

export interface ResponseCacheOptions {
  /**
   * Shared Redis: entries, tag versions and persisted queries are shared by
   * every gateway replica, and the tag versions are the ones the subgraphs'
   * entity caches move, so every invalidation anywhere is seen. Without it,
   * everything is in this process and only invalidations the gateway is told
   * of (mutations through it, `invalidate`) are seen; answers then rely on
   * their TTL bound alone for changes made elsewhere.
   * @default undefined (process memory)
   */
  redisUrl?: string | undefined;
  /** Key prefix; must be the subgraphs' `RSG_NAMESPACE` for the shared tag versions to be theirs. @default 'rsg' */
  namespace?: string;
  /** Longest an answer is kept, whatever its data's TTLs allow. @default 300 */
  maxTtlSeconds?: number;
  /** Answers fresh for less than this are not stored. @default 1 */
  minTtlSeconds?: number;
  /** How far apart the clocks of gateway and subgraph hosts may be; see engine.ts. @default 1000 */
  clockSkewMs?: number;
  /** Longest wait for one store operation; past it the request runs as a miss. @default 250 */
  opTimeoutMs?: number;
  /** Answers kept at most in process memory (without Redis); the oldest go first. @default 10000 */
  maxMemoryEntries?: number;
  /**
   * The subgraph-response cache: subgraph fetches cached per entity and per
   * root fetch, in the same store with the same tags, rule and invalidation
   * (docs/caching.md, "Subgraph-response cache"). `false` turns it off and
   * keeps only whole answers.
   * @default true
   */
  entities?: boolean;
  log?: Logger;
}

export interface ResponseCache {
  /** Where entries and versions live: `shared` (Redis) or `local` (this process). */
  readonly phase: 'shared' | 'local';
  /** The Apollo Server plugin that serves and stores answers. */
  readonly plugin: ApolloServerPlugin<GatewayContext>;
  /** The subgraph-response cache for the gateway's data sources; undefined when `entities` is false. */
  readonly subgraphs: SubgraphResponseCache | undefined;
  /** Persisted queries in the shared store (APQ across replicas); undefined keeps Apollo's in-memory default. */
  readonly persistedQueries: PersistedQueryOptions | undefined;
  /**
   * Makes every stored answer carrying one of these tags miss. With shared
   * versions this also invalidates the subgraphs' entity cache entries of the
   * tags, exactly as their own `invalidate` would.
   * @returns false when the store could not record it (logged)
   */
  invalidate(tags: readonly string[]): Promise<boolean>;
  close(): Promise<void>;
}

/** Opens the store (memory, or Redis when `redisUrl` is set) and returns the plugin on it. */
export async function createResponseCache(opts: ResponseCacheOptions = {}): Promise<ResponseCache> {
  const log = opts.log ?? childLogger('response-cache');
  const namespace = opts.namespace ?? 'rsg';
  const maxTtlMs = (opts.maxTtlSeconds ?? 300) * 1000;
  const clockSkewMs = opts.clockSkewMs ?? 1000;
  const store: CacheStore = await createCacheStore({ redisUrl: opts.redisUrl, maxMemoryEntries: opts.maxMemoryEntries ?? 10_000, name: RESPONSE_CACHE_CLIENT_NAME, log });
  // Versions outlive every answer stored with an older one (and, shared, every entity cache entry: the entity cache keeps them a week).
  const versions =
    store.phase === 'redis'
      ? sharedTagVersions(store.kv, namespace, Math.max(7 * 24 * 3600 * 1000, 2 * maxTtlMs))
      : localTagVersions(maxTtlMs + clockSkewMs);
  const engine = new ResponseCacheEngine(store.kv, versions, { maxTtlMs, minTtlMs: (opts.minTtlSeconds ?? 1) * 1000, clockSkewMs, opTimeoutMs: opts.opTimeoutMs ?? 250 }, log);
  return {
    phase: versions.phase,
    plugin: ResponseCachePlugin(engine, namespace),
    subgraphs: opts.entities === false ? undefined : new SubgraphResponseCache(engine, namespace, log),
    // Anyone may register a query, so registrations expire (a client whose hash is gone registers it again).
    persistedQueries: store.phase === 'redis' ? { cache: persistedQueryCache(store.keyv, namespace), ttl: PERSISTED_QUERY_TTL_SECONDS } : undefined,
    invalidate: (tags) => engine.bump(tags),
    close: () => store.close(),
  };
}

/**
 * Apollo's own KeyValueCache over keyv (@apollo/utils.keyvadapter: seconds to
 * milliseconds, reads batched into one MGET), so a query registered with one
 * replica is known to all. Apollo Server prefixes `apq:` itself, so a hash is
 * the keyv key `<namespace>:apq:apq:<sha256>`, the key it has always had.
 */
function persistedQueryCache(keyv: Keyv, namespace: string): KeyValueCache<string> {
  // The adapter is CommonJS, so the checker sees keyv's CommonJS declarations there and its ESM ones here:
  // one class at run time, two to TypeScript.
  const shared = keyv as unknown as ConstructorParameters<typeof KeyvAdapter<string>>[0];
  return new PrefixingKeyValueCache(new KeyvAdapter<string>(shared), `${namespace}:apq:`);
}
