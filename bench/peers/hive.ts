/**
 * Peer: Hive Gateway (@graphql-hive/gateway's runtime on node:http) over the same
 * supergraph and subgraphs. Variants, from the environment:
 *  - BENCH_HIVE_ROUTER=1        plan with @graphql-hive/router-runtime (the Rust query planner);
 *  - BENCH_HIVE_RESPONSE_CACHE=1 its response-cache plugin, in memory, at the TTLs
 *    in BENCH_CACHE_TTLS_MS (JSON: { default, perType }), scoped per Authorization header.
 * Like the plain Apollo peer it forwards only x-correlation-id to the subgraphs,
 * which the bench needs to count system-of-record calls.
 */
import { createServer } from 'node:http';
import { createGatewayRuntime, type GatewayConfigSupergraph } from '@graphql-hive/gateway';
import { unifiedGraphHandler } from '@graphql-hive/router-runtime';
// Hive Gateway's own in-memory store (a dependency of @graphql-hive/gateway-runtime), as its docs configure it.
import InMemoryLRUCache from '@graphql-mesh/cache-inmemory-lru';
import { benchPort, benchSupergraphSdl, subgraphHeaders, subgraphNameOf } from './supergraph.js';

interface CacheTtls {
  default: number;
  perType: Record<string, number>;
}

const useRouter = process.env.BENCH_HIVE_ROUTER === '1';
const useCache = process.env.BENCH_HIVE_RESPONSE_CACHE === '1';
const ttls = JSON.parse(process.env.BENCH_CACHE_TTLS_MS ?? '{"default":60000,"perType":{}}') as CacheTtls;

const config: GatewayConfigSupergraph = {
  supergraph: benchSupergraphSdl(),
  logging: 'error',
  landingPage: false,
  graphiql: false,
  propagateHeaders: {
    fromClientToSubgraphs({ request }) {
      const correlationId = request.headers.get('x-correlation-id');
      return correlationId ? { 'x-correlation-id': correlationId } : {};
    },
  },
  // The caller header is bound to the fetch's operation, which only the fetch itself knows.
  plugins: () => [
    {
      onFetch({ url, options, setOptions }) {
        if (typeof options.body !== 'string') return;
        const headers = new Headers(options.headers as HeadersInit | undefined);
        const signed = subgraphHeaders(headers.get('x-correlation-id'), subgraphNameOf(url), JSON.parse(options.body) as Record<string, unknown>);
        for (const [k, v] of Object.entries(signed)) headers.set(k, v);
        setOptions({ ...options, headers: Object.fromEntries(headers) });
      },
    },
  ],
  ...(useRouter ? { unifiedGraphHandler } : {}),
  ...(useCache
    ? {
        cache: new InMemoryLRUCache(),
        responseCaching: {
          ttl: ttls.default,
          ttlPerType: ttls.perType,
          // What a user would do: never share one caller's answers with another.
          session: (request: Request) => request.headers.get('authorization') ?? null,
          // Lets the load generator count hits; costs a few bytes per response.
          includeExtensionMetadata: true,
        },
      }
    : {}),
};
const gateway = createGatewayRuntime(config);
const server = createServer(gateway);
await new Promise<void>((resolve) => server.listen(benchPort(), '127.0.0.1', resolve));
console.log(`Hive Gateway${useRouter ? ' (router runtime)' : ''}${useCache ? ' (response cache)' : ''} listening on ${benchPort()}`);
const stop = (): void => {
  server.close();
  void Promise.resolve(gateway.dispose()).then(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
