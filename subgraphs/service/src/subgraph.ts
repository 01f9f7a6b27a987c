/**
 * The service subgraph's module: support cases from the service desk (Zendesk),
 * the cases of a Customer and of an Order, the case writes (open, comment,
 * status) through the durable write queue, and the `caseUpdated` subscription fed
 * by Zendesk webhooks backed by the incremental export.
 */
import type { ZendeskClient } from '../../../lib/clients/zendesk.js';
import { idFormat } from '../../../lib/mapping.js';
import type { BuiltSubgraph, FeedDeps, SubgraphDeps } from '../../../lib/boot.js';
import { childLogger } from '../../../lib/log.js';
import { withStaleFreshness } from '../../../lib/cache/index.js';
import type { EventBus } from '../../../lib/events/bus.js';
import { identityBoundStore } from '../../../lib/feeds/state.js';
import { registerIdentityLinkApplier } from './identity.js';
import type { IdentityMatching } from '../../../lib/identity-link.js';
import { zendeskIdentity } from '../../../lib/feeds/identity.js';
import { createWriteCoordinator } from '../../../lib/writes/index.js';
import { announceSettled } from '../../../lib/writes/graph.js';
import { SERVICE_CACHE_KINDS, cachedDirectory, cachedLookup, cachedServiceReads } from './cached.js';
import type { OrderOwnership } from './order-ownership.js';
import { createCaseFeed, type CaseFeed, type CaseFeedOptions } from './feed.js';
import { createLoaders, deskReads, type ServiceReads } from './loaders.js';
import { customerOfCase, resolvers, type ServiceContext, type ServiceRuntime } from './resolvers.js';
import { CASE_WRITTEN, registerServiceAppliers, type CaseRef } from './writes.js';
import { createServiceDesk, type ServiceDesk } from './zendesk.js';
import { createServiceDeskFeed } from './zendesk-feed.js';
import { createServiceDeskWrites, type CustomerDirectoryEntry } from './zendesk-writes.js';

export interface ServiceSubgraphDeps extends SubgraphDeps {
  /** The matching rule and the rejected candidates (docs/identity.md); without it only shared-key links are listed. */
  identity?: IdentityMatching;
  zendesk: ZendeskClient;
  /** Cases whose comments one request may read (one Zendesk call each). @default 25 */
  maxCommentCasesPerRequest?: number;
  /** Replaces the Zendesk-backed service desk, e.g. with a fake. @default createServiceDesk(zendesk, mapping) */
  desk?: ServiceDesk;
  /** Who owns an order, to check openCase's orderId. Without it, a case about an order is refused (the check cannot be made). @default none */
  orderOwners?: OrderOwnership;
  /** Without a bus there is no change feed and no subscription. @default none */
  bus?: EventBus;
  /** The case feed (webhooks backed by the export); it runs only with a bus, and announces applied writes. @default none */
  feed?: FeedDeps & Pick<CaseFeedOptions, 'webhookUrl' | 'webhookName' | 'webhookPath' | 'signatureToleranceSeconds' | 'sequenceWaitMs' | 'pollIntervalMs' | 'exportLagSeconds' | 'knownLimit' | 'searchSettleMs'>;
}

/** The service subgraph, plus the cache hook that writes and change events call. */
export interface ServiceSubgraph extends BuiltSubgraph<ServiceContext> {
  /** The case feed, when the subgraph has a bus and a feed (tests poll it explicitly). */
  feed: CaseFeed | undefined;
}

// Cached values served past their TTL report stale: true (lib/cache/freshness.ts).
const serviceResolvers = withStaleFreshness(resolvers, { entities: [['SupportCase', 'freshness']], connections: [['Customer', 'cases']] });

export function createServiceSubgraph(deps: ServiceSubgraphDeps): ServiceSubgraph {
  const log = childLogger('subgraph:service');
  const zendeskDesk = deps.desk ?? createServiceDesk(deps.zendesk, deps.mapping);
  const { cache } = deps;
  const reads: ServiceReads = cache ? cachedServiceReads(zendeskDesk, cache) : deskReads(zendeskDesk);
  const deskWrites = createServiceDeskWrites(deps.zendesk, deps.mapping);
  const formats = {
    customerNumber: idFormat('a customer number', deps.mapping.customerNumber),
    orderNumber: idFormat('an order number', deps.mapping.netsuite.orderNumber),
  };
  const loaderOptions = deps.maxCommentCasesPerRequest !== undefined ? { maxCommentCasesPerRequest: deps.maxCommentCasesPerRequest } : {};
  const newLoaders = (): ReturnType<typeof createLoaders> => createLoaders(reads, loaderOptions);
  const invalidate = async (tags: readonly string[]): Promise<boolean> => (cache ? cache.invalidate(tags) : true);

  const directory = async (customerId: string): Promise<CustomerDirectoryEntry> => {
    return cachedDirectory(cache, customerId, (k) => deskWrites.customerDirectory(k));
  };
  const orderOwner = async (orderId: string): Promise<string | null> => {
    const owners = deps.orderOwners;
    if (!owners) throw new Error('this service subgraph was started without an ERP connection, so it cannot check an order');
    const [owner] = await cachedLookup<string>(cache, SERVICE_CACHE_KINDS.orderOwner, [orderId.toUpperCase()], (keys) => owners.customersOfOrders(keys));
    return owner ?? null;
  };
  const caseCustomer = (c: Parameters<typeof customerOfCase>[0]): Promise<string | null> => customerOfCase(c, newLoaders());

  const { state, identity, lease, ...feedOptions } = deps.feed ?? {};
  const feed = deps.bus && state
    ? createCaseFeed({
        ...feedOptions,
        ...(lease ? { lease } : {}),
        bus: deps.bus,
        desk: createServiceDeskFeed(deps.zendesk, deps.mapping),
        state: identityBoundStore(state, { feed: 'service-cases', identity: identity ?? (() => zendeskIdentity(deps.zendesk)) }),
        invalidate: (tags) => invalidate(tags),
        readCases: (ids) => newLoaders().caseById.loadMany(ids).then((r) => r.map((x) => (x instanceof Error ? null : x))),
        customerOfCase: caseCustomer,
        log,
      })
    : undefined;

  // While webhooks arrive and the export keeps up, every change to a case reaches its cached
  // entries, comments and the lists it is on within seconds. The directory has no such feed.
  const uncover = feed ? cache?.coverByFeed(['cases', 'caseLists', 'caseComments'], () => feed.healthy()) : undefined;

  const writes = deps.writes
    ? createWriteCoordinator({
        ...deps.writes.options,
        name: 'service',
        store: deps.writes.store,
        // Without a bus there are no subscriptions to tell.
        ...(deps.bus ? { onSettled: announceSettled(deps.bus, 'service') } : {}),
        invalidate: async (tags) => {
          await invalidate(tags);
        },
        // An applied write is announced through the feed, under the eventId the webhook
        // for the same change will carry, so subscribers see it once.
        publish: async (event) => {
          if (event.type !== CASE_WRITTEN || !feed) return;
          const ref = event.data as unknown as CaseRef;
          await feed.announceWrite({ caseId: ref.caseId, customerId: ref.customerId, status: ref.status, previousStatus: ref.previousStatus, changedAt: ref.version, orderId: ref.orderId });
        },
      })
    : undefined;
  if (writes) registerServiceAppliers(writes, { desk: deskWrites, directory, customerOfCase: caseCustomer });
  if (writes) registerIdentityLinkApplier(writes, deskWrites);

  const runtime: ServiceRuntime = {
    ...(writes ? { writes } : {}),
    ...(deps.bus ? { bus: deps.bus } : {}),
    ...(deps.identity ? { identity: deps.identity } : {}),
    orderOwner,
    directory,
  };

  return {
    name: 'service',
    resolvers: serviceResolvers,
    invalidate,
    feed,
    createContext: ({ caller, scope }) => ({ loaders: newLoaders(), formats, caller, correlationId: scope.correlationId, newLoaders, runtime }),
    routes(app) {
      feed?.routes(app);
    },
    async start() {
      await writes?.start();
      await feed?.start();
    },
    async close() {
      uncover?.();
      await feed?.stop();
      await writes?.close();
      await deps.onClose?.();
    },
  };
}
