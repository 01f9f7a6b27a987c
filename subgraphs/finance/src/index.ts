/**
 * The finance subgraph: invoices, payments and a customer's financial standing
 * from the ERP, the billing address write and invoice status events (subgraph.ts
 * builds it). Run directly, it serves on FINANCE_SUBGRAPH_PORT (default: its port
 * in config/subgraphs.json); docs/finance.md lists its settings.
 */
import { defineSubgraph, runSubgraph } from '../../../lib/boot.js';
import { loadFinanceFeedConfig } from './config.js';
import { createNetSuiteBilling } from './netsuite-billing.js';
import { netsuiteExternalIds } from './netsuite-identity.js';
import { loadMatchRule } from '../../../lib/identity-match.js';
import { createFinanceSubgraph } from './subgraph.js';

export { createFinanceSubgraph, type FinanceSubgraph, type FinanceSubgraphDeps } from './subgraph.js';
export type { FinanceContext } from './resolvers.js';
export type { FinanceConnector } from './netsuite.js';
export type { FinanceBillingConnector } from './netsuite-billing.js';
export type { FinanceChangeReader } from './netsuite-changes.js';

export const subgraph = defineSubgraph({
  name: 'finance',
  build: (p) => {
    const lease = p.feedLease('finance-invoices');
    // No transport retries for a write: the queue retries through the applier's read-compare-write.
    const writeClient = p.netsuite({ retries: 0 });
    return createFinanceSubgraph({
      netsuite: p.netsuite(),
      mapping: p.mapping,
      cache: p.cache,
      bus: p.bus,
      billing: createNetSuiteBilling({ netsuite: writeClient }),
      externalIds: netsuiteExternalIds(writeClient),
      identity: { rule: loadMatchRule(p.env), rejections: p.identityRejections() },
      writes: p.writes,
      feed: { state: p.feedState('finance-invoices', lease), lease, ...loadFinanceFeedConfig(p.env) },
    });
  },
});

runSubgraph(subgraph, import.meta.url);
