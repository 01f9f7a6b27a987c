/**
 * The finance subgraph: invoices, payments and a customer's financial standing,
 * from the ERP. `createFinanceSubgraph` builds the module for any host (tests, the
 * all-in-one start script); run this file directly to serve it on its own, on
 * FINANCE_SUBGRAPH_PORT (default 4003).
 */
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createClient, type RedisClientType } from 'redis';
import { createNetSuiteClient, netsuiteLimiter, type NetSuiteClient } from '../../../lib/clients/netsuite.js';
import { ConfigError, loadCommonConfig, loadNetSuiteConfig, loadServiceConfig } from '../../../lib/config.js';
import { childLogger } from '../../../lib/log.js';
import { loadOrgMapping, type OrgMapping } from '../../../lib/mapping.js';
import { closeOnSignals, serveSubgraph, type SubgraphModule } from '../../../lib/subgraph.js';
import { createEntityCache, withStaleFreshness, type EntityCache } from '../../../lib/cache/index.js';
import { cachedFinanceConnector } from './cached.js';
import { createFinanceLoaders } from './loaders.js';
import { createNetSuiteFinance, type FinanceConnector } from './netsuite.js';
import { createFinanceResolvers, type FinanceContext } from './resolvers.js';

export type { FinanceContext } from './resolvers.js';
export type { FinanceConnector } from './netsuite.js';

/** The finance subgraph's default port, from CONTRACT.md. */
export const FINANCE_SUBGRAPH_PORT = 4003;

export interface FinanceSubgraphDeps {
  /** The NetSuite transport the connector reads through. */
  netsuite: NetSuiteClient;
  /** The org mapping: id formats and the account's currency. */
  mapping: OrgMapping;
  /**
   * The ERP connector in the domain's words, for hosts that wrap it (a cache, a fake).
   * @default createNetSuiteFinance({ netsuite, mapping })
   */
  connector?: FinanceConnector;
  /** Releases what the host opened for this subgraph (a Redis client). @default nothing */
  close?: () => Promise<void>;
  /**
   * The cross-request entity cache every read goes through (see docs/caching.md);
   * it wraps `connector`. Without one, every read goes to the ERP.
   * @default none
   */
  cache?: EntityCache;
}

/** The finance subgraph, plus the cache hook that writes and change events call. */
export interface FinanceSubgraph extends SubgraphModule<FinanceContext> {
  /**
   * Drops cached entries of these tags (`Invoice:INV-300017`, `Customer:C-000042:financials`,
   * `Customer:C-000042:invoices`, `Order:SO-100234:invoices`) here and in every process sharing the
   * cache, including reads in flight. Resolves false when the shared store could not record it.
   */
  invalidate(tags: readonly string[]): Promise<boolean>;
}

const SCHEMA_FILE = join(dirname(fileURLToPath(import.meta.url)), '..', 'schema.graphql');

export function createFinanceSubgraph(deps: FinanceSubgraphDeps): FinanceSubgraph {
  const erp = deps.connector ?? createNetSuiteFinance({ netsuite: deps.netsuite, mapping: deps.mapping });
  const { cache } = deps;
  const connector = cache ? cachedFinanceConnector(erp, cache) : erp;
  // Cached values served past their TTL report stale: true (lib/cache/freshness.ts).
  const resolvers = withStaleFreshness(createFinanceResolvers(deps.mapping), {
    entities: [
      ['Invoice', 'freshness'],
      ['CustomerFinancials', 'freshness'],
    ],
    connections: [['Customer', 'invoices']],
  });
  return {
    name: 'finance',
    schemaFile: SCHEMA_FILE,
    resolvers,
    createContext: () => ({ loaders: createFinanceLoaders(connector) }),
    invalidate: async (tags) => (cache ? cache.invalidate(tags) : true),
    close: async () => {
      await deps.close?.();
    },
  };
}

async function main(): Promise<void> {
  const log = childLogger('subgraph:finance');
  try {
    const common = loadCommonConfig();
    const nsConfig = loadNetSuiteConfig();
    const mapping = loadOrgMapping(common.orgMappingFile);
    const listen = loadServiceConfig('FINANCE_SUBGRAPH', FINANCE_SUBGRAPH_PORT);
    let redis: RedisClientType | undefined;
    if (common.redisUrl) {
      redis = createClient({ url: common.redisUrl });
      await redis.connect();
    }
    const netsuite = createNetSuiteClient(nsConfig, { limiter: netsuiteLimiter(common, nsConfig, redis) });
    const cache = await createEntityCache({ namespace: common.namespace, redisUrl: common.redisUrl, log });
    const service = await serveSubgraph(
      createFinanceSubgraph({
        netsuite,
        mapping,
        cache: cache.cache,
        close: async () => {
          await cache.close();
          await redis?.quit();
        },
      }),
      listen,
      { production: common.env === 'production' },
    );
    console.log(`finance subgraph: ${service.url}`);
    closeOnSignals([service], log);
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(1);
    }
    throw e;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  void main();
}
