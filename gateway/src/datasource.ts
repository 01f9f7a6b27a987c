/**
 * How the gateway talks to a subgraph: Apollo's RemoteGraphQLDataSource, plus the
 * request scope forwarded on every fetch (correlation id, a child traceparent),
 * so one client request can be followed through every subgraph down to each
 * system of record, and the verified caller in the signed internal header,
 * without which a subgraph answers nothing.
 */
import { randomUUID } from 'node:crypto';
import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { childTraceparent } from '../../lib/context.js';
import { CALLER_HEADER, GATEWAY_CALLER, signCaller, type TrustOptions } from '../../lib/auth/index.js';
import type { GatewayContext } from './context.js';

export class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(config: ConstructorParameters<typeof RemoteGraphQLDataSource<GatewayContext>>[0] & { trust: TrustOptions }) {
    super(config);
    this.trust = config.trust;
  }

  private readonly trust: TrustOptions;

  override willSendRequest(options: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    const headers = options.request.http?.headers;
    if (!headers) return;
    // Health checks and schema introspection at boot run outside any client
    // request: they go as the gateway itself, which no authorization rule lets
    // past, under a correlation id of their own.
    const context = 'context' in options ? options.context : undefined;
    if (!context?.scope || !context.caller) {
      const correlationId = `gateway-${randomUUID()}`;
      headers.set('x-correlation-id', correlationId);
      headers.set(CALLER_HEADER, signCaller(GATEWAY_CALLER, { trust: this.trust, correlationId }));
      return;
    }
    const { scope, caller } = context;
    headers.set('x-correlation-id', scope.correlationId);
    headers.set('traceparent', childTraceparent(scope.traceparent));
    headers.set(CALLER_HEADER, signCaller(caller, { trust: this.trust, correlationId: scope.correlationId }));
  }
}
