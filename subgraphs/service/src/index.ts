/**
 * The service subgraph: support cases from the service desk, the case writes,
 * and the `caseUpdated` subscription fed by Zendesk webhooks backed by the
 * incremental export (subgraph.ts builds it). Run directly, it serves on
 * SERVICE_SUBGRAPH_PORT (default: its port in config/subgraphs.json);
 * docs/service.md lists its settings.
 */
import { defineSubgraph, runSubgraph } from '../../../lib/boot.js';
import { loadServiceFeedConfig } from './config.js';
import { createNetSuiteOrderOwnership } from './netsuite.js';
import { createServiceSubgraph } from './subgraph.js';
import { loadMatchRule } from '../../../lib/identity-match.js';

export { createServiceSubgraph, type ServiceSubgraph, type ServiceSubgraphDeps } from './subgraph.js';
export type { ServiceContext } from './resolvers.js';
export type { ServiceDesk } from './zendesk.js';
export type { CaseFeed } from './feed.js';

export const subgraph = defineSubgraph({
  name: 'service',
  build: (p) => {
    const lease = p.feedLease('service-cases');
    return createServiceSubgraph({
      zendesk: p.zendesk(),
      mapping: p.mapping,
      cache: p.cache,
      // Who owns an order, for openCase's check: federation gives a mutation no way to ask the order subgraph (docs/service.md).
      orderOwners: createNetSuiteOrderOwnership(p.netsuite()),
      identity: { rule: loadMatchRule(p.env), rejections: p.identityRejections() },
      writes: p.writes,
      bus: p.bus,
      feed: { state: p.feedState('service-cases', lease), lease, ...loadServiceFeedConfig(p.env, p.listen) },
    });
  },
});

runSubgraph(subgraph, import.meta.url);
