/**
 * The service subgraph: support cases from the service desk (Zendesk), and the
 * cases of a Customer and of an Order. Run directly, it reads its configuration
 * from the environment and serves on SERVICE_SUBGRAPH_PORT (default 4004).
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';
import { createClient, type RedisClientType } from 'redis';
import { createZendeskClient, zendeskLimiter, type ZendeskClient } from '../../../lib/clients/zendesk.js';
import { loadCommonConfig, loadServiceConfig, loadZendeskConfig } from '../../../lib/config.js';
import { idFormat, loadOrgMapping, type OrgMapping } from '../../../lib/mapping.js';
import { closeOnSignals, serveSubgraph, type SubgraphModule } from '../../../lib/subgraph.js';
import { childLogger } from '../../../lib/log.js';
import { createEntityCache, withStaleFreshness, type EntityCache } from '../../../lib/cache/index.js';
import { cachedServiceReads } from './cached.js';
import { createLoaders } from './loaders.js';
import { resolvers, type ServiceContext } from './resolvers.js';
import { createServiceDesk, type ServiceDesk } from './zendesk.js';

export type { ServiceContext } from './resolvers.js';
export type { ServiceDesk } from './zendesk.js';

export const SERVICE_SCHEMA_FILE = join(dirname(fileURLToPath(import.meta.url)), '..', 'schema.graphql');

export interface ServiceSubgraphDeps {
  zendesk: ZendeskClient;
  mapping: OrgMapping;
  /**
   * Cases whose comments one request may read (one Zendesk call each).
   * @default 25
   */
  maxCommentCasesPerRequest?: number;
  /** Called by close(), e.g. to disconnect a Redis client the limiter uses. */
  onClose?: () => Promise<void>;
  /** Replaces the Zendesk-backed service desk, e.g. with a fake. @default createServiceDesk(zendesk, mapping) */
  desk?: ServiceDesk;
  /**
   * The cross-request entity cache every read goes through (see docs/caching.md).
   * Without one, every read goes to Zendesk.
   * @default none
   */
  cache?: EntityCache;
}

/** The service subgraph, plus the cache hook that writes and change events call. */
export interface ServiceSubgraph extends SubgraphModule<ServiceContext> {
  /**
   * Drops cached entries of these tags (`SupportCase:123`, `Customer:C-000042:cases`,
   * `Order:SO-100234:cases`) here and in every process sharing the cache, including reads in
   * flight. Resolves false when the shared store could not record it.
   */
  invalidate(tags: readonly string[]): Promise<boolean>;
}

// Cached values served past their TTL report stale: true (lib/cache/freshness.ts).
const serviceResolvers = withStaleFreshness(resolvers, { entities: [['SupportCase', 'freshness']], connections: [['Customer', 'cases']] });

export function createServiceSubgraph(deps: ServiceSubgraphDeps): ServiceSubgraph {
  const zendeskDesk = deps.desk ?? createServiceDesk(deps.zendesk, deps.mapping);
  const { cache } = deps;
  const desk = cache ? cachedServiceReads(zendeskDesk, cache) : zendeskDesk;
  const formats = {
    customerNumber: idFormat('a customer number', deps.mapping.customerNumber),
    orderNumber: idFormat('an order number', deps.mapping.netsuite.orderNumber),
  };
  return {
    name: 'service',
    schemaFile: SERVICE_SCHEMA_FILE,
    resolvers: serviceResolvers,
    invalidate: async (tags) => (cache ? cache.invalidate(tags) : true),
    createContext: () => ({
      loaders: createLoaders(desk, deps.maxCommentCasesPerRequest !== undefined ? { maxCommentCasesPerRequest: deps.maxCommentCasesPerRequest } : {}),
      formats,
    }),
    async close() {
      await deps.onClose?.();
    },
  };
}

async function main(): Promise<void> {
  const common = loadCommonConfig();
  const zendeskConfig = loadZendeskConfig();
  const mapping = loadOrgMapping(common.orgMappingFile);
  const listen = loadServiceConfig('SERVICE_SUBGRAPH', 4004);
  let redis: RedisClientType | undefined;
  if (common.redisUrl) {
    redis = createClient({ url: common.redisUrl }) as RedisClientType;
    await redis.connect();
  }
  const zendesk = createZendeskClient(zendeskConfig, { limiter: zendeskLimiter(common, zendeskConfig, redis) });
  const cache = await createEntityCache({ namespace: common.namespace, redisUrl: common.redisUrl, log: childLogger('subgraph:service') });
  const service = await serveSubgraph(
    createServiceSubgraph({
      zendesk,
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
  closeOnSignals([service]);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((e: unknown) => {
    childLogger('subgraph:service').fatal({ err: e instanceof Error ? e.message : String(e) }, 'service subgraph failed to start');
    process.exit(1);
  });
}
