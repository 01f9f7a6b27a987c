/**
 * The order subgraph: sales orders, shipments and returns from the ERP, placing,
 * cancelling and returning orders, and order status events (subgraph.ts builds
 * it). Run directly, it serves on ORDER_SUBGRAPH_PORT (default: its port in
 * config/subgraphs.json); docs/orders.md lists its settings.
 */
import { defineSubgraph, runSubgraph } from '../../../lib/boot.js';
import { loadOrderFeedConfig } from './config.js';
import { createOrderSubgraph } from './subgraph.js';

export { createOrderSubgraph, type OrderSubgraph, type OrderSubgraphDeps } from './subgraph.js';
export type { OrderContext } from './resolvers.js';
export type { OrderConnector } from './netsuite.js';

export const subgraph = defineSubgraph({
  name: 'order',
  build: (p) => {
    const { enabled, intervalMs, overlapMs } = loadOrderFeedConfig(p.env);
    const lease = p.feedLease('order-status');
    return createOrderSubgraph({
      netsuite: p.netsuite(),
      mapping: p.mapping,
      cache: p.cache,
      bus: p.bus,
      writes: p.writes,
      feed: { state: p.feedState('order-status', lease), lease, enabled, intervalMs, overlapMs },
    });
  },
});

runSubgraph(subgraph, import.meta.url);
