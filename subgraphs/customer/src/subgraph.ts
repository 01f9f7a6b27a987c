/**
 * The customer subgraph's module: the engagement part of Customer, from
 * Salesforce, the customer writes, and the change feed (Change Data Capture with
 * a polling fallback) that keeps the cache and subscribers current.
 */
import type { BuiltSubgraph, FeedDeps, SubgraphDeps } from '../../../lib/boot.js';
import type { SalesforceClient } from '../../../lib/clients/salesforce.js';
import { childLogger } from '../../../lib/log.js';
import { createCustomerDirectory, type CustomerDirectory } from './salesforce.js';
import { quotaTtlFactor, withStaleFreshness } from '../../../lib/cache/index.js';
import { cachedCustomerReads } from './cached.js';
import { createLoaders } from './loaders.js';
import { resolvers, type CustomerContext } from './resolvers.js';
import { registerCustomerWrites } from './writes.js';
import { CUSTOMER_CHANGED, createCustomerFeed, type CustomerChangedPayload, type CustomerFeed, type CustomerFeedOptions } from './feed.js';
import { inProcessBus, type EventBus } from '../../../lib/events/bus.js';
import { identityBoundStore, type FeedStateStore } from '../../../lib/feeds/state.js';
import { salesforceIdentity } from '../../../lib/feeds/identity.js';
import { createWriteCoordinator, type WriteCoordinator } from '../../../lib/writes/index.js';
import { announceSettled } from '../../../lib/writes/graph.js';

export interface CustomerSubgraphDeps extends SubgraphDeps {
  /** The Salesforce transport; the subgraph closes it when it closes. */
  salesforce: SalesforceClient;
  /** Replaces the Salesforce-backed directory, e.g. with a fake. @default createCustomerDirectory(salesforce, mapping) */
  directory?: CustomerDirectory;
  /**
   * Share of the daily API budget (0..1) past which engagement entries stay fresh
   * `cache.config.salesforceBudgetTtlFactor` times longer.
   * @default 0.8 (SALESFORCE_BUDGET_THRESHOLD)
   */
  budgetThreshold?: number;
  /**
   * The change feed (CDC with a polling fallback): replay ids in `state`, the poll watermark
   * in `pollState`. Without it, cached entries change only by this subgraph's writes or their TTL.
   */
  feed?: FeedDeps & { pollState: FeedStateStore } & Omit<CustomerFeedOptions, 'client' | 'directory' | 'bus' | 'invalidate' | 'customerNumberField' | 'store' | 'pollStore'>;
}
/** The customer subgraph, plus the cache hook that writes and change events call. */
export interface CustomerSubgraph extends BuiltSubgraph<CustomerContext> {
  /** Where `customer.changed` is published. */
  bus: EventBus;
  writes: WriteCoordinator | undefined;
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
  const writes = deps.writes
    ? createWriteCoordinator({
        ...deps.writes.options,
        store: deps.writes.store,
        name: 'customer',
        onSettled: announceSettled(bus, 'customer'),
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
  let feed: CustomerFeed | undefined;
  if (deps.feed) {
    const { state, pollState, identity, ...options } = deps.feed;
    const orgIdentity = identity ?? (() => salesforceIdentity(deps.salesforce));
    feed = createCustomerFeed({
      ...options,
      store: identityBoundStore(state, { feed: 'customer-cdc', identity: orgIdentity }),
      pollStore: identityBoundStore(pollState, { feed: 'customer-poll', identity: orgIdentity }),
      client: deps.salesforce,
      directory,
      bus,
      invalidate: (tags) => invalidate(tags),
      customerNumberField: deps.mapping.salesforce.account.customerNumber,
    });
  }
  feedRef.current = feed;
  return {
    name: 'customer',
    resolvers: customerResolvers,
    createContext: ({ caller }) => ({ directory, loaders: createLoaders(reads), caller, bus, ...(writes ? { writes } : {}) }),
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
      await deps.onClose?.();
    },
  };
}
