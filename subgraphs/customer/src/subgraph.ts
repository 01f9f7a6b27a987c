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
import { cachedCustomerReads, cachedIdentityLookups } from './cached.js';
import type { ForeignRecordPages, IdentityLookups } from './identity-lookups.js';
import { createLoaders } from './loaders.js';
import { resolvers, type CustomerContext } from './resolvers.js';
import { registerCustomerWrites } from './writes.js';
import { CUSTOMER_CHANGED, createCustomerFeed, type CustomerChangedPayload, type CustomerFeed, type CustomerFeedOptions } from './feed.js';
import { inProcessBus, type EventBus } from '../../../lib/events/bus.js';
import { identityBoundStore, type FeedStateStore } from '../../../lib/feeds/state.js';
import { soleLease } from '../../../lib/feeds/lease.js';
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
   * Finds the customer number held by a NetSuite or Zendesk record, for
   * customerByIdentity(system: NETSUITE | ZENDESK). Without it those systems' ids answer UPSTREAM_UNAVAILABLE.
   */
  identityLookups?: IdentityLookups;
  /** NetSuite customers and Zendesk organizations a page at a time, for the operator's identityOrphans. Without it that list answers UPSTREAM_UNAVAILABLE. */
  identityRecords?: ForeignRecordPages;
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

export function createCustomerSubgraph(deps: CustomerSubgraphDeps): CustomerSubgraph {
  const directory = deps.directory ?? createCustomerDirectory(deps.salesforce, deps.mapping);
  const { cache } = deps;
  const lease = deps.feed?.lease ?? soleLease('customer-cdc');
  // The replica that holds the lease streams; the others read the leader's phase, noted beside the lease.
  const streaming = (): boolean => {
    const s = lease.status();
    return s.phase === 'leader' ? feed?.status().phase === 'streaming' : s.phase === 'follower' && s.leader?.note === 'streaming';
  };
  const reads = cache
    ? cachedCustomerReads(directory, cache, {
        ttlFactor: quotaTtlFactor(deps.salesforce, deps.budgetThreshold ?? 0.8, cache.config.salesforceBudgetTtlFactor),
      })
    : directory;
  const lookups = deps.identityLookups && cache ? cachedIdentityLookups(deps.identityLookups, cache) : deps.identityLookups;
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
    const { state, pollState, identity, lease: _lease, ...options } = deps.feed;
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
  // While Change Data Capture streams, every change to an account reaches the cache within a
  // second; once the stream drops (the feed polls SystemModstamp instead, or is stopped), the
  // plain TTL applies again at the next lookup. The stretch multiplies the quota's. A replica
  // that does not hold the feed's lease follows the leader's phase.
  const uncover = feed ? cache?.coverByFeed(['engagement'], streaming) : undefined;
  return {
    name: 'customer',
    resolvers: customerResolvers,
    createContext: ({ caller }) => ({
      directory,
      loaders: createLoaders(reads, lookups),
      caller,
      bus,
      ...(writes ? { writes } : {}),
      ...(deps.identityRecords ? { identityRecords: deps.identityRecords } : {}),
    }),
    invalidate,
    bus,
    writes,
    feed,
    async start() {
      await writes?.start();
      // The feed must not hold up the subgraph's start: Salesforce may be down, and the feed retries on its own.
      const f = feed;
      if (!f) return;
      void lease
        .run({ start: () => f.start(), stop: () => f.stop(), note: () => f.status().phase })
        .catch((err: unknown) => childLogger('subgraph:customer').error({ err }, 'the customer change feed failed to start'));
    },
    async close() {
      await lease.stop();
      uncover?.();
      await feed?.stop();
      await writes?.close();
      if (!deps.bus) await bus.close();
      await deps.salesforce.close();
      await deps.onClose?.();
    },
  };
}
