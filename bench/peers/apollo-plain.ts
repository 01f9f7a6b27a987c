/**
 * Peer: plain @apollo/gateway on @apollo/server's standalone HTTP server, with
 * none of our plugins, as a team would run it from Apollo's getting-started guide.
 * The additions are forwarding x-correlation-id (the bench counts system-of-record
 * calls by it) and the signed caller header the subgraphs require; neither changes
 * a plan or a fetch count.
 */
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { ApolloGateway, RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { benchPort, benchSupergraphSdl, subgraphHeaders } from './supergraph.js';

interface PlainContext {
  correlationId?: string;
}

class CorrelationForwarding extends RemoteGraphQLDataSource<PlainContext> {
  constructor(config: { url?: string; name: string }) {
    super(config.url ? { url: config.url } : {});
    this.name = config.name;
  }

  private readonly name: string;

  override willSendRequest(options: GraphQLDataSourceProcessOptions<PlainContext>): void {
    const correlationId = 'context' in options ? options.context?.correlationId : undefined;
    for (const [k, v] of Object.entries(subgraphHeaders(correlationId, this.name, options.request))) options.request.http?.headers.set(k, v);
  }
}

const gateway = new ApolloGateway({
  supergraphSdl: benchSupergraphSdl(),
  buildService: ({ name, url }) => new CorrelationForwarding({ url, name }),
});
const server = new ApolloServer<PlainContext>({ gateway });
const { url } = await startStandaloneServer(server, {
  listen: { port: benchPort(), host: '127.0.0.1' },
  context: async ({ req }) => {
    const h = req.headers['x-correlation-id'];
    return { correlationId: Array.isArray(h) ? h[0] : h };
  },
});
console.log(`plain @apollo/gateway listening at ${url}`);
const stop = (): void => {
  void server.stop().then(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
