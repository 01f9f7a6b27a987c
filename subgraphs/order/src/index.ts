/**
 * The order subgraph: sales orders, shipments and returns from the ERP
 * (NetSuite), and the orders of a customer. Port 4002 by default
 * (ORDER_SUBGRAPH_PORT).
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';
import { createClient, type RedisClientType } from 'redis';
import { createNetSuiteClient, netsuiteLimiter, type NetSuiteClient } from '../../../lib/clients/netsuite.js';
import { loadCommonConfig, loadNetSuiteConfig, loadServiceConfig } from '../../../lib/config.js';
import { idFormat, loadOrgMapping, type OrgMapping } from '../../../lib/mapping.js';
import { closeOnSignals, serveSubgraph, type SubgraphModule } from '../../../lib/subgraph.js';
import { childLogger } from '../../../lib/log.js';
import { createEntityCache, withStaleFreshness, type EntityCache } from '../../../lib/cache/index.js';
import { cachedOrderReads } from './cached.js';
import { createLoaders } from './loaders.js';
import { createOrderConnector, type OrderConnector } from './netsuite.js';
import { resolvers, type OrderContext } from './resolvers.js';

export type { OrderContext } from './resolvers.js';
export type { OrderConnector } from './netsuite.js';

export const ORDER_SUBGRAPH_PORT = 4002;

export interface OrderSubgraphDeps {
  /** The NetSuite transport (its limiter is the account's shared one). */
  netsuite: NetSuiteClient;
  /** The org mapping: order and customer number formats, custom field names. */
  mapping: OrgMapping;
  /** Replaces the NetSuite-backed connector, e.g. with a cached one. @default createOrderConnector(netsuite, mapping) */
  connector?: OrderConnector;
  /** Called when the subgraph closes, to release what the caller opened for it. @default none */
  onClose?: () => Promise<void>;
  /**
   * The cross-request entity cache every read goes through (see docs/caching.md).
   * Without one, every read goes to the ERP (each request still batches).
   * @default none
   */
  cache?: EntityCache;
}

/** The order subgraph, plus the cache hook that writes and change events call. */
export interface OrderSubgraph extends SubgraphModule<OrderContext> {
  /**
   * Drops cached entries of these tags (`Order:SO-100234`, `Customer:C-000042:orders`) here and in
   * every process sharing the cache, including reads in flight. Resolves false when the shared store
   * could not record it. A no-op without a cache.
   */
  invalidate(tags: readonly string[]): Promise<boolean>;
}

// Cached values served past their TTL report stale: true (lib/cache/freshness.ts).
const orderResolvers = withStaleFreshness(resolvers, { entities: [['Order', 'freshness']], connections: [['Customer', 'orders']] });

export function createOrderSubgraph(deps: OrderSubgraphDeps): OrderSubgraph {
  const connector = deps.connector ?? createOrderConnector(deps.netsuite, deps.mapping);
  const { cache } = deps;
  const erp = cache ? cachedOrderReads(connector, cache) : connector;
  const ids = {
    order: idFormat('order number', deps.mapping.netsuite.orderNumber),
    customer: idFormat('customer number', deps.mapping.customerNumber),
  };
  return {
    name: 'order',
    schemaFile: join(dirname(fileURLToPath(import.meta.url)), '..', 'schema.graphql'),
    resolvers: orderResolvers,
    createContext: () => ({ loaders: createLoaders(erp), ids }),
    invalidate: async (tags) => (cache ? cache.invalidate(tags) : true),
    close: async () => {
      await deps.onClose?.();
    },
  };
}

async function main(): Promise<void> {
  const log = childLogger('subgraph:order');
  const common = loadCommonConfig();
  const netsuiteConfig = loadNetSuiteConfig();
  const listen = loadServiceConfig('ORDER_SUBGRAPH', ORDER_SUBGRAPH_PORT);
  const mapping = loadOrgMapping(common.orgMappingFile);
  let redis: RedisClientType | undefined;
  if (common.redisUrl) {
    redis = createClient({ url: common.redisUrl }) as RedisClientType;
    redis.on('error', (err: unknown) => log.warn({ err: (err as Error).message }, 'redis error'));
    await redis.connect();
  }
  const netsuite = createNetSuiteClient(netsuiteConfig, { limiter: netsuiteLimiter(common, netsuiteConfig, redis) });
  const cache = await createEntityCache({ namespace: common.namespace, redisUrl: common.redisUrl, log });
  const service = await serveSubgraph(
    createOrderSubgraph({
      netsuite,
      mapping,
      cache: cache.cache,
      onClose: async () => {
        await cache.close();
        await redis?.quit();
      },
    }),
    listen,
    { production: common.env === 'production' },
  );
  closeOnSignals([service], log);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
