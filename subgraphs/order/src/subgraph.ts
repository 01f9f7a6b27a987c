/**
 * The order subgraph's module: sales orders, shipments and returns from the ERP
 * (NetSuite), and the orders of a customer; placing, cancelling and returning
 * orders through the write queue; order status events from the ERP change feed.
 */
import type { NetSuiteClient } from '../../../lib/clients/netsuite.js';
import { idFormat } from '../../../lib/mapping.js';
import type { BuiltSubgraph, FeedDeps, SubgraphDeps } from '../../../lib/boot.js';
import { childLogger } from '../../../lib/log.js';
import { withStaleFreshness } from '../../../lib/cache/index.js';
import { inProcessBus, type EventBus } from '../../../lib/events/bus.js';
import type { Poller } from '../../../lib/feeds/poller.js';
import { identityBoundStore } from '../../../lib/feeds/state.js';
import { soleLease } from '../../../lib/feeds/lease.js';
import { sharedFeedHealth } from '../../../lib/feeds/shared-health.js';
import { netsuiteIdentity } from '../../../lib/feeds/identity.js';
import { createWriteCoordinator, type PublishedWriteEvent, type WriteCoordinator, type WriteQueueDeps } from '../../../lib/writes/index.js';
import { announceSettled } from '../../../lib/writes/graph.js';
import { ORDER_CACHE_KINDS, cachedOrderingReads, cachedOrderReads, directOrderingReads } from './cached.js';
import { createOrderFeed, type OrderFeedOptions } from './feed.js';
import { createLoaders } from './loaders.js';
import { createOrderConnector, type OrderConnector, type OrderRecord } from './netsuite.js';
import { resolvers, type OrderContext } from './resolvers.js';
import { ORDER_RETURNS_TOPIC, ORDER_STATUS_TOPIC, registerOrderAppliers } from './writes.js';

export interface OrderSubgraphDeps extends SubgraphDeps {
  /** The NetSuite transport (its limiter is the account's shared one). */
  netsuite: NetSuiteClient;
  /** Replaces the NetSuite-backed connector, e.g. with a cached one. @default createOrderConnector(netsuite, mapping) */
  connector?: OrderConnector;
  /** Required: a write that is not durable before the mutation answers could be lost. */
  writes: WriteQueueDeps;
  /** The order status feed; `enabled: false` leaves polling to other replicas (so does a `lease` another replica holds). */
  feed: FeedDeps & OrderFeedOptions & { enabled?: boolean };
  /** Clock for the return window. @default Date.now */
  now?: () => number;
}

/** The order subgraph, plus the hooks that writes, change events and tests use. */
export interface OrderSubgraph extends BuiltSubgraph<OrderContext> {
  /** `runDue()` replays due writes now. */
  writes: WriteCoordinator;
  /** `pollOnce()` polls the ERP now. */
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
  const ownBus = !deps.bus;
  const now = deps.now ?? Date.now;
  const ids = {
    order: idFormat('order number', deps.mapping.netsuite.orderNumber),
    customer: idFormat('customer number', deps.mapping.customerNumber),
  };
  const invalidate = async (tags: readonly string[]): Promise<boolean> => (cache ? cache.invalidate(tags) : true);
  const writes = createWriteCoordinator({
    ...deps.writes.options,
    name: 'order',
    store: deps.writes.store,
    onSettled: announceSettled(bus, 'order'),
    invalidate: async (tags) => {
      if (!(await invalidate(tags))) log.warn({ tags }, 'a shared cache did not record an invalidation after a write');
    },
    publish: (e) => publishWriteEvent(bus, e),
  });
  const recheck = cache ? (tags: string[]) => cache.invalidate(tags) : undefined;
  registerOrderAppliers(writes, { erp: connector, reads: erp, ordering, returnWindowDays: deps.mapping.netsuite.returnWindowDays, now, invalidate: recheck });
  const { state, enabled: feedEnabled = true, identity, lease = soleLease('order-status'), ...feedOptions } = deps.feed;
  const feedState = identityBoundStore(state, { feed: 'order-status', identity: identity ?? (() => netsuiteIdentity(deps.netsuite)) });
  const feed = createOrderFeed({
    erp: connector,
    bus,
    state: feedState,
    invalidate,
    ...(cache ? { lastKnown: (ids: string[]) => cache.peek<OrderRecord>(ORDER_CACHE_KINDS.order, ids) } : {}),
    onSuccess: () => health.succeeded(),
    options: feedOptions,
  });
  // The feed's health, not this replica's: a replica that does not poll follows the leader's record.
  const health = sharedFeedHealth({ lease, intervalMs: feed.intervalMs, local: () => feed.healthy() });
  // While the ERP poll keeps up, every change to an order reaches its cached header, lines,
  // shipments and the lists it is on within seconds; returns are made apart from the order.
  const uncover = cache?.coverByFeed(['orderStatus', 'orderLists', 'orderLines', 'shipments'], health.healthy);
  return {
    name: 'order',
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
      health.start();
      if (feedEnabled) await lease.run(feed);
    },
    close: async () => {
      await lease.stop();
      health.stop();
      uncover?.();
      await feed.stop();
      await writes.close();
      if (ownBus) await bus.close();
      await deps.onClose?.();
    },
  };
}
