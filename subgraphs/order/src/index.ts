/**
 * The order subgraph: sales orders, shipments and returns from the ERP
 * (NetSuite), and the orders of a customer; placing, cancelling and returning
 * orders through the write queue; order status events from the ERP change
 * feed. Its port is in config/subgraphs.json (ORDER_SUBGRAPH_PORT moves it).
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';
import { createClient, type RedisClientType } from 'redis';
import { createNetSuiteClient, netsuiteLimiter, type NetSuiteClient } from '../../../lib/clients/netsuite.js';
import { loadCommonConfig, loadNetSuiteConfig, loadServiceConfig } from '../../../lib/config.js';
import { idFormat, loadOrgMapping, type OrgMapping } from '../../../lib/mapping.js';
import { closeOnSignals, serveSubgraph, type SubgraphModule } from '../../../lib/subgraph.js';
import { childLogger } from '../../../lib/log.js';
import { createEntityCache, withStaleFreshness, type EntityCache } from '../../../lib/cache/index.js';
import { inProcessBus, redisBus, type EventBus } from '../../../lib/events/bus.js';
import type { Poller } from '../../../lib/feeds/poller.js';
import { fileStateStore, identityBoundStore, redisStateStore, type FeedStateStore } from '../../../lib/feeds/state.js';
import { netsuiteIdentity } from '../../../lib/feeds/identity.js';
import { subgraphEntry } from '../../../lib/manifest.js';
import {
  coordinatorOptions,
  createWriteCoordinator,
  loadWritesConfig,
  openWriteStore,
  type PublishedWriteEvent,
  type WriteCoordinator,
  type WriteCoordinatorOptions,
  type WriteStore,
} from '../../../lib/writes/index.js';
import { cachedOrderingReads, cachedOrderReads, directOrderingReads } from './cached.js';
import { loadOrderFeedConfig } from './config.js';
import { createOrderFeed, type OrderFeedOptions } from './feed.js';
import { createLoaders } from './loaders.js';
import { createOrderConnector, type OrderConnector } from './netsuite.js';
import { resolvers, type OrderContext } from './resolvers.js';
import { ORDER_RETURNS_TOPIC, ORDER_STATUS_TOPIC, registerOrderAppliers } from './writes.js';

export type { OrderContext } from './resolvers.js';
export type { OrderConnector } from './netsuite.js';


export interface OrderSubgraphDeps {
  /** The NetSuite transport (its limiter is the account's shared one). */
  netsuite: NetSuiteClient;
  /** The org mapping: order and customer number formats, custom field names, the return window. */
  mapping: OrgMapping;
  /** Replaces the NetSuite-backed connector, e.g. with a cached one. @default createOrderConnector(netsuite, mapping) */
  connector?: OrderConnector;
  /** Called when the subgraph closes, to release what the caller opened for it. @default none */
  onClose?: () => Promise<void>;
  /**
   * The cross-request entity cache every read goes through (see docs/caching.md).
   * Without one, every read goes to the ERP (each request still batches).
   * @default none
   */
  cache?: EntityCache;
  /**
   * Where this subgraph's writes and idempotency records are kept: the journal in
   * `<WRITES_DIR>/order`, or Redis (openWriteStore). Required: a write that is not
   * durable before the mutation answers could be lost.
   */
  writeStore: WriteStore;
  /** Replay settings of the write queue (attempts, backoff, poll). @default coordinatorOptions(loadWritesConfig()) */
  writeOptions?: Partial<Omit<WriteCoordinatorOptions, 'store' | 'name' | 'invalidate' | 'publish'>>;
  /** The event bus of order status events (Redis Streams to share it across replicas). @default inProcessBus() */
  bus?: EventBus;
  /**
   * Where the change feed keeps its watermark and last-known statuses (a file, or Redis). The
   * state is tied to the ERP account's identity (`feedIdentity`): state of another account, or of
   * this one before a reset, is discarded and the feed starts from now.
   */
  feedState: FeedStateStore;
  /** Who the ERP says it is, read once at the feed's first load. @default netsuiteIdentity(netsuite) */
  feedIdentity?: () => Promise<string>;
  /** Change feed settings; `enabled: false` leaves polling to another replica or process. @default polls every 5 s */
  feed?: OrderFeedOptions & { enabled?: boolean };
  /** Clock for the return window. @default Date.now */
  now?: () => number;
}

/** The order subgraph, plus the hooks that writes, change events and tests use. */
export interface OrderSubgraph extends SubgraphModule<OrderContext> {
  /**
   * Drops cached entries of these tags (`Order:SO-100234`, `Customer:C-000042:orders`) here and in
   * every process sharing the cache, including reads in flight. Resolves false when the shared store
   * could not record it. A no-op without a cache.
   */
  invalidate(tags: readonly string[]): Promise<boolean>;
  /** The write coordinator: `runDue()` replays due writes now. */
  writes: WriteCoordinator;
  /** The change feed: `pollOnce()` polls the ERP now. */
  feed: Poller;
  bus: EventBus;
}

// Cached values served past their TTL report stale: true (lib/cache/freshness.ts).
const orderResolvers = withStaleFreshness(resolvers, { entities: [['Order', 'freshness']], connections: [['Customer', 'orders']] });

const log = childLogger('subgraph:order');

/** Maps a write's domain event onto its bus topic; the event id comes from the applier, so the feed's report of the same change is dropped. */
async function publishWriteEvent(bus: EventBus, e: PublishedWriteEvent): Promise<void> {
  const eventId = typeof e.data.eventId === 'string' ? e.data.eventId : `${e.kind}:${e.writeId}`;
  const { eventId: _id, ...payload } = e.data;
  const topic = e.type === 'OrderStatusChanged' ? ORDER_STATUS_TOPIC : ORDER_RETURNS_TOPIC;
  const occurredAt = typeof payload.changedAt === 'string' ? payload.changedAt : e.occurredAt;
  await bus.publish({ eventId, topic, occurredAt, payload: { ...payload, writeId: e.writeId } });
}

export function createOrderSubgraph(deps: OrderSubgraphDeps): OrderSubgraph {
  const connector = deps.connector ?? createOrderConnector(deps.netsuite, deps.mapping);
  const { cache } = deps;
  const erp = cache ? cachedOrderReads(connector, cache) : connector;
  const ordering = cache ? cachedOrderingReads(connector, cache) : directOrderingReads(connector);
  const bus = deps.bus ?? inProcessBus();
  const now = deps.now ?? Date.now;
  const ids = {
    order: idFormat('order number', deps.mapping.netsuite.orderNumber),
    customer: idFormat('customer number', deps.mapping.customerNumber),
  };
  const invalidate = async (tags: readonly string[]): Promise<boolean> => (cache ? cache.invalidate(tags) : true);
  const writes = createWriteCoordinator({
    ...coordinatorOptions(loadWritesConfig()),
    ...deps.writeOptions,
    name: 'order',
    store: deps.writeStore,
    invalidate: async (tags) => {
      if (!(await invalidate(tags))) log.warn({ tags }, 'a shared cache did not record an invalidation after a write');
    },
    publish: (e) => publishWriteEvent(bus, e),
  });
  const recheck = cache ? (tags: string[]) => cache.invalidate(tags) : undefined;
  registerOrderAppliers(writes, { erp: connector, reads: erp, ordering, returnWindowDays: deps.mapping.netsuite.returnWindowDays, now, invalidate: recheck });
  const feedState = identityBoundStore(deps.feedState, { feed: 'order-status', identity: deps.feedIdentity ?? (() => netsuiteIdentity(deps.netsuite)) });
  const feed = createOrderFeed({ erp: connector, bus, state: feedState, invalidate, options: deps.feed });
  const feedEnabled = deps.feed?.enabled ?? true;
  return {
    name: 'order',
    schemaFile: join(dirname(fileURLToPath(import.meta.url)), '..', 'schema.graphql'),
    resolvers: orderResolvers,
    createContext: ({ caller }) => ({
      loaders: createLoaders(erp),
      ids,
      caller,
      writes,
      ordering,
      bus,
      returnWindowDays: deps.mapping.netsuite.returnWindowDays,
      now,
      invalidate: recheck,
    }),
    invalidate,
    writes,
    feed,
    bus,
    async start() {
      await writes.start();
      if (feedEnabled) await feed.start();
    },
    close: async () => {
      await feed.stop();
      await writes.close();
      await bus.close();
      await deps.onClose?.();
    },
  };
}

async function main(): Promise<void> {
  const common = loadCommonConfig();
  const netsuiteConfig = loadNetSuiteConfig();
  const listen = loadServiceConfig('ORDER_SUBGRAPH', subgraphEntry('order').port);
  const mapping = loadOrgMapping(common.orgMappingFile);
  const feedConfig = loadOrderFeedConfig();
  const writesConfig = loadWritesConfig();
  let redis: RedisClientType | undefined;
  if (common.redisUrl) {
    redis = createClient({ url: common.redisUrl }) as RedisClientType;
    redis.on('error', (err: unknown) => log.warn({ err: (err as Error).message }, 'redis error'));
    await redis.connect();
  }
  const netsuite = createNetSuiteClient(netsuiteConfig, { limiter: netsuiteLimiter(common, netsuiteConfig, redis, 'order') });
  const cache = await createEntityCache({ namespace: common.namespace, redisUrl: common.redisUrl, log });
  const writeStore = await openWriteStore(writesConfig, { name: 'order', namespace: common.namespace, redis });
  const bus = redis ? await redisBus(redis, { namespace: common.namespace }) : inProcessBus();
  const feedState = redis ? redisStateStore(redis, common.namespace, 'order-status') : fileStateStore(feedConfig.stateDir, 'order-status');
  const service = await serveSubgraph(
    createOrderSubgraph({
      netsuite,
      mapping,
      cache: cache.cache,
      writeStore,
      bus,
      feedState,
      feed: { intervalMs: feedConfig.intervalMs, overlapMs: feedConfig.overlapMs, enabled: feedConfig.enabled },
      onClose: async () => {
        await cache.close();
        await redis?.quit();
      },
    }),
    listen,
    { production: common.env === 'production' },
  );
  closeOnSignals([service], log);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
