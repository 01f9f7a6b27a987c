/**
 * The customer subgraph: the engagement part of Customer, from Salesforce.
 * Run directly, it serves on CUSTOMER_SUBGRAPH_PORT (default: its port in config/subgraphs.json) against the
 * org in the environment (the sandbox by default).
 */
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createClient, type RedisClientType } from 'redis';
import { z } from 'zod';
import { ConfigError, loadCommonConfig, loadSalesforceConfig, loadServiceConfig } from '../../../lib/config.js';
import { loadOrgMapping, type OrgMapping } from '../../../lib/mapping.js';
import { closeOnSignals, serveSubgraph, type SubgraphModule } from '../../../lib/subgraph.js';
import { createSalesforceClient, type SalesforceClient } from '../../../lib/clients/salesforce.js';
import { childLogger } from '../../../lib/log.js';
import { createCustomerDirectory, type CustomerDirectory } from './salesforce.js';
import { createEntityCache, quotaTtlFactor, withStaleFreshness, type EntityCache } from '../../../lib/cache/index.js';
import { cachedCustomerReads } from './cached.js';
import { createLoaders } from './loaders.js';
import { resolvers, type CustomerContext } from './resolvers.js';
import { registerCustomerWrites } from './writes.js';
import { CUSTOMER_CHANGED, createCustomerFeed, type CustomerChangedPayload, type CustomerFeed, type CustomerFeedOptions, type FeedMode } from './feed.js';
import { inProcessBus, redisBus, type EventBus } from '../../../lib/events/bus.js';
import { fileStateStore, identityBoundStore, redisStateStore } from '../../../lib/feeds/state.js';
import { salesforceIdentity } from '../../../lib/feeds/identity.js';
import { subgraphEntry } from '../../../lib/manifest.js';
import {
  coordinatorOptions,
  createWriteCoordinator,
  loadWritesConfig,
  openWriteStore,
  type WriteCoordinator,
  type WriteCoordinatorOptions,
  type WriteStore,
} from '../../../lib/writes/index.js';

export type { CustomerContext } from './resolvers.js';
export type { CustomerDirectory, CustomerRecord } from './salesforce.js';
export { CUSTOMER_CHANGED, type CustomerChangedPayload, type CustomerFeed, type FeedMode, type FeedPhase } from './feed.js';

export interface CustomerSubgraphDeps {
  /** The Salesforce transport; the subgraph closes it when it closes. */
  salesforce: SalesforceClient;
  /** The org mapping (field names, customer number format). */
  mapping: OrgMapping;
  /** Replaces the Salesforce-backed directory, e.g. with a fake. @default createCustomerDirectory(salesforce, mapping) */
  directory?: CustomerDirectory;
  /**
   * The cross-request entity cache lookups by number go through (see docs/caching.md).
   * Without one, every lookup goes to Salesforce.
   * @default none
   */
  cache?: EntityCache;
  /**
   * Share of the daily API budget (0..1) past which engagement entries stay fresh
   * `cache.config.salesforceBudgetTtlFactor` times longer.
   * @default 0.8 (SALESFORCE_BUDGET_THRESHOLD)
   */
  budgetThreshold?: number;
  /**
   * The write queue's store (openWriteStore: the journal, or Redis). The subgraph
   * builds its coordinator on it, wired to its cache and bus, registers its
   * appliers, starts the replay worker in start() and stops it in close().
   * @default none: the subgraph is read-only and mutations answer UPSTREAM_UNAVAILABLE
   */
  writeStore?: WriteStore;
  /** Coordinator settings (coordinatorOptions(loadWritesConfig())). @default the coordinator's defaults */
  writeOptions?: Omit<WriteCoordinatorOptions, 'store' | 'name' | 'invalidate' | 'publish'>;
  /** Where change events and applied writes are published (topic `customer.changed`). @default inProcessBus() */
  bus?: EventBus;
  /**
   * The change feed (CDC with a polling fallback): where it keeps its replay ids and
   * watermark, and its timing. Without it no feed runs, and cached entries change only by
   * this subgraph's own writes or their TTL.
   * @default none
   */
  feed?: Omit<CustomerFeedOptions, 'client' | 'directory' | 'bus' | 'invalidate' | 'customerNumberField'>;
  /** Who Salesforce says it is (the org), read at the feed's first load; the feed's state is bound to it. @default salesforceIdentity(salesforce) */
  feedIdentity?: () => Promise<string>;
}

/** The customer subgraph, plus the cache hook that writes and change events call. */
export interface CustomerSubgraph extends SubgraphModule<CustomerContext> {
  /**
   * Drops cached entries of these tags (`Customer:C-000042`) here and in every process sharing
   * the cache, including reads in flight. Resolves false when the shared store could not record it.
   */
  invalidate(tags: readonly string[]): Promise<boolean>;
  /** The bus this subgraph publishes `customer.changed` on. */
  bus: EventBus;
  /** The write coordinator, when the subgraph has a write store. */
  writes: WriteCoordinator | undefined;
  /** The change feed, when configured. */
  feed: CustomerFeed | undefined;
}

interface CustomerParentLike {
  source?: { phase?: string; record?: unknown };
}

// Cached values served past their TTL report stale: true (lib/cache/freshness.ts).
const customerResolvers = withStaleFreshness(resolvers, {
  entities: [['Customer', 'freshness', (p) => (p as CustomerParentLike).source?.record]],
});


/**
 * The engagement TTL factor now: the quota stretch, times `streamingFactor` while Change
 * Data Capture is streaming. While it streams, every change to an account reaches the cache
 * within a second, so the TTL only bounds what a lost event could leave behind and can be
 * longer; once the stream drops (the feed polls SystemModstamp instead, or is stopped),
 * entries older than the plain TTL are fresh no more, at the very next lookup.
 */
export function engagementTtlFactor(quota: () => number, streaming: () => boolean, streamingFactor: number): () => number {
  return () => quota() * (streaming() ? streamingFactor : 1);
}

export function createCustomerSubgraph(deps: CustomerSubgraphDeps): CustomerSubgraph {
  const directory = deps.directory ?? createCustomerDirectory(deps.salesforce, deps.mapping);
  const { cache } = deps;
  // Set below, once the feed exists; the TTL factor reads its phase at each lookup.
  const feedRef: { current?: CustomerFeed } = {};
  const reads = cache
    ? cachedCustomerReads(directory, cache, {
        ttlFactor: engagementTtlFactor(
          quotaTtlFactor(deps.salesforce, deps.budgetThreshold ?? 0.8, cache.config.salesforceBudgetTtlFactor),
          () => feedRef.current?.status().phase === 'streaming',
          cache.config.changeFeedTtlFactor,
        ),
      })
    : directory;
  const bus = deps.bus ?? inProcessBus();
  const invalidate = async (tags: readonly string[]): Promise<boolean> => (cache ? cache.invalidate(tags) : true);
  const writes = deps.writeStore
    ? createWriteCoordinator({
        ...deps.writeOptions,
        store: deps.writeStore,
        name: 'customer',
        invalidate: async (tags) => {
          await invalidate(tags);
        },
        publish: async (event) => {
          const customerId = typeof event.data.customerId === 'string' ? event.data.customerId : '';
          const changedFields = Array.isArray(event.data.changedFields) ? (event.data.changedFields as string[]) : [];
          await bus.publish<CustomerChangedPayload & { writeId: string }>({
            // The write's own identity: a write applies once, so it is announced once.
            eventId: `write:${event.writeId}`,
            topic: CUSTOMER_CHANGED,
            occurredAt: event.occurredAt,
            payload: { customerId, entity: 'Account', changeType: 'UPDATE', changedFields, source: 'graph', writeId: event.writeId },
          });
        },
      })
    : undefined;
  if (writes) registerCustomerWrites(writes, { directory, reads });
  // Replay ids and the poll watermark belong to one org: a refreshed sandbox (or another org
  // with the same FEEDS_DIR) starts afresh instead of resuming from ids it never issued.
  const orgIdentity = deps.feedIdentity ?? (() => salesforceIdentity(deps.salesforce));
  const feed = deps.feed
    ? createCustomerFeed({
        ...deps.feed,
        store: identityBoundStore(deps.feed.store, { feed: 'customer-cdc', identity: orgIdentity }),
        pollStore: identityBoundStore(deps.feed.pollStore, { feed: 'customer-poll', identity: orgIdentity }),
        client: deps.salesforce,
        directory,
        bus,
        invalidate: (tags) => invalidate(tags),
        customerNumberField: deps.mapping.salesforce.account.customerNumber,
      })
    : undefined;
  feedRef.current = feed;
  return {
    name: 'customer',
    schemaFile: fileURLToPath(new URL('../schema.graphql', import.meta.url)),
    resolvers: customerResolvers,
    createContext: ({ caller }) => ({ directory, loaders: createLoaders(reads), caller, ...(writes ? { writes } : {}) }),
    invalidate,
    bus,
    writes,
    feed,
    async start() {
      await writes?.start();
      // The feed must not hold up the subgraph's start: Salesforce may be down, and the feed retries on its own.
      void feed?.start().catch((err: unknown) => childLogger('subgraph:customer').error({ err }, 'the customer change feed failed to start'));
    },
    async close() {
      await feed?.stop();
      await writes?.close();
      if (!deps.bus) await bus.close();
      await deps.salesforce.close();
    },
  };
}

/** Change feed settings from the environment (docs/customer.md lists them). */
export function loadCustomerFeedConfig(env: Record<string, string | undefined> = process.env): {
  mode: FeedMode;
  pollIntervalMs: number;
  subscribeTimeoutMs: number;
  streamingRetryMs: number;
  stateDir: string;
} {
  const schema = z.object({
    CUSTOMER_FEED_MODE: z.enum(['streaming', 'polling', 'off']).default('streaming'),
    CUSTOMER_FEED_POLL_MS: z.coerce.number().int().positive().default(30_000),
    CUSTOMER_FEED_SUBSCRIBE_TIMEOUT_MS: z.coerce.number().int().positive().default(15_000),
    CUSTOMER_FEED_STREAMING_RETRY_MS: z.coerce.number().int().positive().default(300_000),
    FEEDS_DIR: z.string().min(1).default(join(fileURLToPath(new URL('../../..', import.meta.url)), '.data', 'feeds')),
  });
  const r = schema.safeParse(env);
  if (!r.success) {
    const lines = r.error.issues.map((i) => `  ${i.path.join('.')}=${JSON.stringify(env[String(i.path[0])] ?? null)}: ${i.message}`);
    throw new ConfigError(`invalid customer feed configuration:\n${lines.join('\n')}`);
  }
  return {
    mode: r.data.CUSTOMER_FEED_MODE,
    pollIntervalMs: r.data.CUSTOMER_FEED_POLL_MS,
    subscribeTimeoutMs: r.data.CUSTOMER_FEED_SUBSCRIBE_TIMEOUT_MS,
    streamingRetryMs: r.data.CUSTOMER_FEED_STREAMING_RETRY_MS,
    stateDir: r.data.FEEDS_DIR,
  };
}

async function main(): Promise<void> {
  const common = loadCommonConfig();
  const mapping = loadOrgMapping(common.orgMappingFile);
  const salesforceConfig = loadSalesforceConfig();
  const salesforce = createSalesforceClient(salesforceConfig);
  const listen = loadServiceConfig('CUSTOMER_SUBGRAPH', subgraphEntry('customer').port);
  const cache = await createEntityCache({ namespace: common.namespace, redisUrl: common.redisUrl, log: childLogger('subgraph:customer') });
  const feedConfig = loadCustomerFeedConfig();
  const writesConfig = loadWritesConfig();
  // With Redis, replicas share the write queue, the event stream and the feed's replay ids.
  let redis: RedisClientType | undefined;
  if (common.redisUrl) {
    redis = createClient({ url: common.redisUrl }) as RedisClientType;
    await redis.connect();
  }
  const bus = redis ? await redisBus(redis, { namespace: common.namespace }) : inProcessBus();
  const subgraph = createCustomerSubgraph({
    salesforce,
    mapping,
    cache: cache.cache,
    budgetThreshold: salesforceConfig.budgetThreshold,
    writeStore: await openWriteStore(writesConfig, { name: 'customer', namespace: common.namespace, ...(redis ? { redis } : {}) }),
    writeOptions: coordinatorOptions(writesConfig),
    bus,
    feed: {
      mode: feedConfig.mode,
      pollIntervalMs: feedConfig.pollIntervalMs,
      subscribeTimeoutMs: feedConfig.subscribeTimeoutMs,
      streamingRetryMs: feedConfig.streamingRetryMs,
      store: redis ? redisStateStore(redis, common.namespace, 'customer-cdc') : fileStateStore(feedConfig.stateDir, 'customer-cdc'),
      pollStore: redis ? redisStateStore(redis, common.namespace, 'customer-poll') : fileStateStore(feedConfig.stateDir, 'customer-poll'),
    },
  });
  const service = await serveSubgraph(
    {
      ...subgraph,
      close: async () => {
        await subgraph.close?.();
        await bus.close();
        await cache.close();
        await redis?.quit();
      },
    },
    listen,
    { production: common.env === 'production' },
  );
  closeOnSignals([service]);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    childLogger('subgraph:customer').fatal({ err }, 'customer subgraph failed to start');
    process.exit(1);
  });
}
