/**
 * The finance subgraph: invoices, payments and a customer's financial standing,
 * from the ERP, plus the billing address write, the invoice change feed and the
 * invoiceStatusChanged subscription. `createFinanceSubgraph` builds the module for
 * any host (tests, the all-in-one start script); run this file directly to serve it
 * on its own, on FINANCE_SUBGRAPH_PORT (default: its port in config/subgraphs.json).
 */
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createClient, type RedisClientType } from 'redis';
import { createNetSuiteClient, netsuiteLimiter, type NetSuiteClient } from '../../../lib/clients/netsuite.js';
import { ConfigError, loadCommonConfig, loadNetSuiteConfig, loadServiceConfig } from '../../../lib/config.js';
import { childLogger } from '../../../lib/log.js';
import { loadOrgMapping, type OrgMapping } from '../../../lib/mapping.js';
import { closeOnSignals, serveSubgraph, type SubgraphModule } from '../../../lib/subgraph.js';
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
  type WriteCoordinator,
  type WriteCoordinatorOptions,
  type WriteStore,
} from '../../../lib/writes/index.js';
import { cachedFinanceConnector } from './cached.js';
import { createInvoiceFeed } from './feed.js';
import { loadFinanceFeedConfig } from './config.js';
import { createFinanceLoaders } from './loaders.js';
import {
  createNetSuiteBilling,
  createNetSuiteChangeReader,
  createNetSuiteFinance,
  type FinanceBillingConnector,
  type FinanceChangeReader,
  type FinanceConnector,
} from './netsuite.js';
import { createFinanceResolvers, type FinanceContext } from './resolvers.js';
import { BILLING_EVENT_TOPIC, registerBillingWrites } from './writes.js';

export type { FinanceContext } from './resolvers.js';
export type { FinanceConnector, FinanceBillingConnector, FinanceChangeReader } from './netsuite.js';
export { loadFinanceFeedConfig, type FinanceFeedConfig } from './config.js';

/** The finance subgraph's default port, from CONTRACT.md. */

export interface FinanceSubgraphDeps {
  /** The NetSuite transport the connector reads through. */
  netsuite: NetSuiteClient;
  /** The org mapping: id formats and the account's currency. */
  mapping: OrgMapping;
  /**
   * The ERP connector in the domain's words, for hosts that wrap it (a cache, a fake).
   * @default createNetSuiteFinance({ netsuite, mapping })
   */
  connector?: FinanceConnector;
  /** Releases what the host opened for this subgraph (a Redis client). @default nothing */
  close?: () => Promise<void>;
  /**
   * The cross-request entity cache every read goes through (see docs/caching.md);
   * it wraps `connector`. Without one, every read goes to the ERP.
   * @default none
   */
  cache?: EntityCache;
  /**
   * Where the change feed publishes and subscriptions read: in process, or Redis Streams
   * shared by replicas. The subgraph closes it on close().
   * @default inProcessBus()
   */
  bus?: EventBus;
  /**
   * The durable store of billing writes (the journal, or Redis with replicas) and the
   * coordinator's tuning. Without it the subgraph serves reads only, and its mutations
   * answer INTERNAL_SERVER_ERROR saying so.
   * @default none
   */
  writes?: { store: WriteStore; options?: Omit<WriteCoordinatorOptions, 'store' | 'name' | 'invalidate' | 'publish'> };
  /**
   * The invoice change feed: where its watermark persists and how often it polls. Started by
   * start(), after the server listens. Without it, no invoice events are published.
   * @default none
   */
  feed?: {
    /** Tied to the ERP account's identity: state of another account, or of this one before a reset, is discarded. */
    store: FeedStateStore;
    intervalMs?: number;
    overlapMs?: number;
    /** Who the ERP says it is, read once at the feed's first load. @default netsuiteIdentity(netsuite) */
    identity?: () => Promise<string>;
  };
  /**
   * The ERP write connector. Give it a NetSuite client without transport retries
   * (`policy: { retries: 0 }`, sharing the account's limiter): a PATCH that adds an address
   * book line is not idempotent, and the write queue already retries through the applier's
   * read-compare-write, which recognises a commit whose response was lost.
   * @default createNetSuiteBilling({ netsuite }) (the read client, with its retries)
   */
  billing?: FinanceBillingConnector;
  /** The ERP change reader of the feed. @default createNetSuiteChangeReader({ netsuite, mapping }) */
  changes?: FinanceChangeReader;
}

/** The finance subgraph, plus the cache hook that writes and change events call. */
export interface FinanceSubgraph extends SubgraphModule<FinanceContext> {
  /** The write coordinator of billing writes, when the host gave a store. */
  readonly writes: WriteCoordinator | undefined;
  /** The invoice change feed, when the host configured one; pollOnce() runs a poll now. */
  readonly feed: Poller | undefined;
  /** The bus invoice events go to. */
  readonly bus: EventBus;
  /**
   * Drops cached entries of these tags (`Invoice:INV-300017`, `Customer:C-000042:financials`,
   * `Customer:C-000042:invoices`, `Order:SO-100234:invoices`) here and in every process sharing the
   * cache, including reads in flight. Resolves false when the shared store could not record it.
   */
  invalidate(tags: readonly string[]): Promise<boolean>;
}

const SCHEMA_FILE = join(dirname(fileURLToPath(import.meta.url)), '..', 'schema.graphql');

const log = childLogger('subgraph:finance');

export function createFinanceSubgraph(deps: FinanceSubgraphDeps): FinanceSubgraph {
  const erp = deps.connector ?? createNetSuiteFinance({ netsuite: deps.netsuite, mapping: deps.mapping });
  const { cache } = deps;
  const connector = cache ? cachedFinanceConnector(erp, cache) : erp;
  // Cached values served past their TTL report stale: true (lib/cache/freshness.ts).
  const resolvers = withStaleFreshness(createFinanceResolvers(deps.mapping), {
    entities: [
      ['Invoice', 'freshness'],
      ['CustomerFinancials', 'freshness'],
    ],
    connections: [['Customer', 'invoices']],
  });
  const invalidate = async (tags: readonly string[]): Promise<boolean> => (cache ? cache.invalidate(tags) : true);
  const bus = deps.bus ?? inProcessBus();

  let writes: WriteCoordinator | undefined;
  if (deps.writes) {
    writes = createWriteCoordinator({
      ...deps.writes.options,
      name: 'finance',
      store: deps.writes.store,
      invalidate: async (tags) => {
        if (!(await invalidate(tags))) log.warn({ tags }, 'a billing write could not invalidate the shared cache; entries expire with their TTL');
      },
      publish: async (event) => {
        await bus.publish({ eventId: event.writeId, topic: BILLING_EVENT_TOPIC, occurredAt: event.occurredAt, payload: { type: event.type, ...event.data } });
      },
    });
    // Registered before start(): a write queued by an earlier run is replayed by this applier.
    registerBillingWrites(writes, deps.billing ?? createNetSuiteBilling({ netsuite: deps.netsuite }));
  }

  const feed = deps.feed
    ? createInvoiceFeed({
        reader: deps.changes ?? createNetSuiteChangeReader({ netsuite: deps.netsuite, mapping: deps.mapping }),
        bus,
        store: identityBoundStore(deps.feed.store, { feed: 'finance-invoices', identity: deps.feed.identity ?? (() => netsuiteIdentity(deps.netsuite)) }),
        invalidate,
        ...(deps.feed.intervalMs !== undefined ? { intervalMs: deps.feed.intervalMs } : {}),
        ...(deps.feed.overlapMs !== undefined ? { overlapMs: deps.feed.overlapMs } : {}),
      })
    : undefined;

  return {
    name: 'finance',
    schemaFile: SCHEMA_FILE,
    resolvers,
    writes,
    feed,
    bus,
    createContext: ({ caller }) => ({ loaders: createFinanceLoaders(connector), caller, writes, bus }),
    invalidate,
    start: async () => {
      await writes?.start();
      await feed?.start();
    },
    close: async () => {
      // Feed first (it publishes), then the queue (it may still be applying), then what they use.
      await feed?.stop();
      await writes?.close();
      await bus.close();
      await deps.close?.();
    },
  };
}

async function main(): Promise<void> {
  try {
    const common = loadCommonConfig();
    const nsConfig = loadNetSuiteConfig();
    const mapping = loadOrgMapping(common.orgMappingFile);
    const listen = loadServiceConfig('FINANCE_SUBGRAPH', subgraphEntry('finance').port);
    let redis: RedisClientType | undefined;
    if (common.redisUrl) {
      redis = createClient({ url: common.redisUrl });
      await redis.connect();
    }
    const writesConfig = loadWritesConfig();
    const feedConfig = loadFinanceFeedConfig();
    // One concurrency budget for the account: reads, the feed and writes share the limiter.
    const limiter = netsuiteLimiter(common, nsConfig, redis, 'finance');
    const netsuite = createNetSuiteClient(nsConfig, { limiter });
    const cache = await createEntityCache({ namespace: common.namespace, redisUrl: common.redisUrl, log });
    const service = await serveSubgraph(
      createFinanceSubgraph({
        netsuite,
        mapping,
        cache: cache.cache,
        // With Redis, replicas share the event stream, the write queue and the feed's watermark;
        // without it, each lives with this one process (the journal and a state file on disk).
        bus: redis ? await redisBus(redis, { namespace: common.namespace }) : inProcessBus(),
        billing: createNetSuiteBilling({ netsuite: createNetSuiteClient(nsConfig, { limiter, policy: { retries: 0 } }) }),
        writes: {
          store: await openWriteStore(writesConfig, { name: 'finance', namespace: common.namespace, ...(redis ? { redis } : {}) }),
          options: coordinatorOptions(writesConfig),
        },
        feed: {
          store: redis ? redisStateStore(redis, common.namespace, 'finance-invoices') : fileStateStore(feedConfig.stateDir, 'finance-invoices'),
          intervalMs: feedConfig.intervalMs,
          overlapMs: feedConfig.overlapMs,
        },
        close: async () => {
          await cache.close();
          await redis?.quit();
        },
      }),
      listen,
      { production: common.env === 'production' },
    );
    console.log(`finance subgraph: ${service.url}`);
    closeOnSignals([service], log);
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(1);
    }
    throw e;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  void main();
}
