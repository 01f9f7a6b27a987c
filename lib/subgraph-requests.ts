/**
 * How many operations each subgraph executed: `rsg_subgraph_requests_total{subgraph}`
 * on prom-client's default registry, counted by an Apollo Server plugin when a
 * request enters the subgraph's pipeline. Counting on the subgraph side, not in
 * the gateway, lets the benchmark compare gateways that fetch differently (ours,
 * plain @apollo/gateway, Hive) over the same subgraphs, and counts the calls of a
 * gateway that runs its subgraphs in process (executeOperation) the same way.
 */
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { Counter, register } from 'prom-client';

const NAME = 'rsg_subgraph_requests_total';

function requestsCounter(): Counter<'subgraph'> {
  // Several subgraphs may share one process (and one registry): register the series once.
  const existing = register.getSingleMetric(NAME);
  if (existing) return existing as Counter<'subgraph'>;
  return new Counter({ name: NAME, help: 'GraphQL operations a subgraph executed, by subgraph', labelNames: ['subgraph'] as const });
}

/** Counts each operation request `subgraph` receives, whether over HTTP or in process. */
export function SubgraphRequestsPlugin<TContext extends BaseContext>(subgraph: string): ApolloServerPlugin<TContext> {
  const counter = requestsCounter().labels({ subgraph });
  return {
    async requestDidStart() {
      counter.inc();
    },
  };
}
