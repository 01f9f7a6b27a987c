/**
 * The finance subgraph's module: invoices, payments and a customer's financial
 * standing from the ERP, the billing address write, the invoice change feed and
 * the invoiceStatusChanged subscription.
 */
import type { NetSuiteClient } from '../../../lib/clients/netsuite.js';
import { childLogger } from '../../../lib/log.js';
import type { BuiltSubgraph, FeedDeps, SubgraphDeps } from '../../../lib/boot.js';
import { withStaleFreshness } from '../../../lib/cache/index.js';
import { inProcessBus, type EventBus } from '../../../lib/events/bus.js';
import type { Poller } from '../../../lib/feeds/poller.js';
import { identityBoundStore } from '../../../lib/feeds/state.js';
import { soleLease } from '../../../lib/feeds/lease.js';
import { sharedFeedHealth } from '../../../lib/feeds/shared-health.js';
import { netsuiteIdentity } from '../../../lib/feeds/identity.js';
import { createWriteCoordinator, type WriteCoordinator } from '../../../lib/writes/index.js';
import { announceSettled } from '../../../lib/writes/graph.js';
import { FINANCE_CACHE_KINDS, cachedFinanceConnector } from './cached.js';
import { createInvoiceFeed } from './feed.js';
import { createFinanceLoaders } from './loaders.js';
import { createNetSuiteFinance, type FinanceConnector, type InvoiceRecord } from './netsuite.js';
import { createNetSuiteBilling, type FinanceBillingConnector } from './netsuite-billing.js';
import { createNetSuiteChangeReader, type FinanceChangeReader } from './netsuite-changes.js';
import { createFinanceResolvers, type FinanceContext } from './resolvers.js';
import { BILLING_EVENT_TOPIC, registerBillingWrites, registerIdentityLinkWrites } from './writes.js';
import { netsuiteExternalIds } from './netsuite-identity.js';
import type { ExternalIdField, IdentityMatching } from '../../../lib/identity-link.js';

export interface FinanceSubgraphDeps extends SubgraphDeps {
  /** The NetSuite transport the connector reads through. */
  netsuite: NetSuiteClient;
  /** The ERP connector in the domain's words, for hosts that wrap it (a cache, a fake). @default createNetSuiteFinance({ netsuite, mapping }) */
  connector?: FinanceConnector;
  /** The invoice change feed, started by start(). Without it, no invoice events are published. */
  feed?: FeedDeps & { intervalMs?: number; overlapMs?: number };
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
  /**
   * The NetSuite customer record's external id, which confirmErpIdentity sets. Give it the same
   * client without transport retries as `billing`. @default netsuiteExternalIds(netsuite)
   */
  externalIds?: ExternalIdField;
  /** The matching rule and the rejected candidates (docs/identity.md); without it only shared-key links are listed. */
  identity?: IdentityMatching;
}

/** The finance subgraph, plus the cache hook that writes and change events call. */
export interface FinanceSubgraph extends BuiltSubgraph<FinanceContext> {
  /** Billing writes, when the host gave a store. */
  readonly writes: WriteCoordinator | undefined;
  /** The invoice feed, when the host configured one; `pollOnce()` polls now. */
  readonly feed: Poller | undefined;
  readonly bus: EventBus;
}

const log = childLogger('subgraph:finance');

export function createFinanceSubgraph(deps: FinanceSubgraphDeps): FinanceSubgraph {
  const erp = deps.connector ?? createNetSuiteFinance({ netsuite: deps.netsuite, mapping: deps.mapping });
  const { cache } = deps;
  const connector = cache ? cachedFinanceConnector(erp, cache) : erp;
  // Cached values served past their TTL report stale: true (lib/cache/freshness.ts).
  const resolvers = withStaleFreshness(createFinanceResolvers(deps.mapping, deps.identity), {
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
      onSettled: announceSettled(bus, 'finance'),
      invalidate: async (tags) => {
        if (!(await invalidate(tags))) log.warn({ tags }, 'a billing write could not invalidate the shared cache; entries expire with their TTL');
      },
      publish: async (event) => {
        await bus.publish({ eventId: event.writeId, topic: BILLING_EVENT_TOPIC, occurredAt: event.occurredAt, payload: { type: event.type, ...event.data } });
      },
    });
    // Registered before start(): a write queued by an earlier run is replayed by this applier.
    registerBillingWrites(writes, deps.billing ?? createNetSuiteBilling({ netsuite: deps.netsuite }));
    registerIdentityLinkWrites(writes, deps.externalIds ?? netsuiteExternalIds(deps.netsuite));
  }

  const feed = deps.feed
    ? createInvoiceFeed({
        reader: deps.changes ?? createNetSuiteChangeReader({ netsuite: deps.netsuite, mapping: deps.mapping }),
        bus,
        store: identityBoundStore(deps.feed.state, { feed: 'finance-invoices', identity: deps.feed.identity ?? (() => netsuiteIdentity(deps.netsuite)) }),
        invalidate,
        ...(cache ? { lastKnown: (ids: string[]) => cache.peek<InvoiceRecord>(FINANCE_CACHE_KINDS.invoice, ids) } : {}),
        ...(deps.feed.intervalMs !== undefined ? { intervalMs: deps.feed.intervalMs } : {}),
        ...(deps.feed.overlapMs !== undefined ? { overlapMs: deps.feed.overlapMs } : {}),
        onSuccess: () => health?.succeeded(),
      })
    : undefined;
  const lease = deps.feed?.lease ?? soleLease('finance-invoices');
  // The feed's health, not this replica's: a replica that does not poll follows the leader's record.
  const health = feed ? sharedFeedHealth({ lease, intervalMs: feed.intervalMs, local: () => feed.healthy() }) : undefined;
  // While the poll keeps up, every change to an invoice (a payment applied included) reaches its
  // cached entries and lists within seconds, and every change to a customer's record or to a
  // transaction on its receivable reaches its cached financial figures.
  const uncover = health ? cache?.coverByFeed(['invoices', 'invoiceLists', 'payments', 'balances'], health.healthy) : undefined;

  return {
    name: 'finance',
    resolvers,
    writes,
    feed,
    bus,
    createContext: ({ caller }) => ({ loaders: createFinanceLoaders(connector), caller, writes, bus }),
    invalidate,
    start: async () => {
      await writes?.start();
      health?.start();
      if (feed) await lease.run(feed);
    },
    close: async () => {
      // Feed first (it publishes), then the queue (it may still be applying), then what they use.
      await lease.stop();
      health?.stop();
      uncover?.();
      await feed?.stop();
      await writes?.close();
      if (!deps.bus) await bus.close();
      await deps.onClose?.();
    },
  };
}
