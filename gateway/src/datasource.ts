/**
 * How the gateway talks to a subgraph: Apollo's RemoteGraphQLDataSource, plus the
 * request scope forwarded on every fetch (correlation id, a child traceparent),
 * so one client request can be followed through every subgraph down to each
 * system of record.
 */
import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { childTraceparent } from '../../lib/context.js';
import type { GatewayContext } from './context.js';

export class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  override willSendRequest(options: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    const headers = options.request.http?.headers;
    if (!headers) return;
    // Health checks and introspection at boot run outside any client request.
    if (!('context' in options) || !options.context?.scope) return;
    const { scope } = options.context;
    headers.set('x-correlation-id', scope.correlationId);
    headers.set('traceparent', childTraceparent(scope.traceparent));
  }
}
