/**
 * The customer subgraph: the engagement part of Customer, from Salesforce, its
 * writes and its change feed (subgraph.ts builds it). Run directly, it serves on
 * CUSTOMER_SUBGRAPH_PORT (default: its port in config/subgraphs.json) against the
 * org in the environment (the sandbox by default); docs/customer.md lists its settings.
 */
import { defineSubgraph, runSubgraph } from '../../../lib/boot.js';
import { loadSalesforceConfig } from '../../../lib/config.js';
import { loadCustomerFeedConfig } from './config.js';
import { createCustomerSubgraph } from './subgraph.js';
import { createIdentityLookups } from './identity-lookups.js';

export { createCustomerSubgraph, type CustomerSubgraph, type CustomerSubgraphDeps } from './subgraph.js';
export type { CustomerContext } from './resolvers.js';
export type { CustomerDirectory, CustomerRecord } from './salesforce.js';
export { CUSTOMER_CHANGED, type CustomerChangedPayload, type CustomerFeed, type FeedMode, type FeedPhase } from './feed.js';

export const subgraph = defineSubgraph({
  name: 'customer',
  build: (p) => {
    // One lease for the CDC subscription and its polling fallback: they are one feed.
    const lease = p.feedLease('customer-cdc');
    // customerByIdentity(system: NETSUITE | ZENDESK) reads the record's external id, identityOrphans pages
    // through the records; clients are made at the first such read.
    const identity = createIdentityLookups({ netsuite: () => p.netsuite(), zendesk: () => p.zendesk() });
    return createCustomerSubgraph({
      salesforce: p.salesforce(),
      mapping: p.mapping,
      cache: p.cache,
      budgetThreshold: loadSalesforceConfig(p.env).budgetThreshold,
      identityLookups: identity,
      identityRecords: identity,
      writes: p.writes,
      bus: p.bus,
      feed: { state: p.feedState('customer-cdc', lease), pollState: p.feedState('customer-poll', lease), lease, ...loadCustomerFeedConfig(p.env) },
    });
  },
});

runSubgraph(subgraph, import.meta.url);
