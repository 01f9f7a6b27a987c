/**
 * The customer subgraph: the engagement part of Customer, from Salesforce.
 * Run directly, it serves on CUSTOMER_SUBGRAPH_PORT (default 4001) against the
 * org in the environment (the sandbox by default).
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadCommonConfig, loadSalesforceConfig, loadServiceConfig } from '../../../lib/config.js';
import { loadOrgMapping, type OrgMapping } from '../../../lib/mapping.js';
import { closeOnSignals, serveSubgraph, type SubgraphModule } from '../../../lib/subgraph.js';
import { createSalesforceClient, type SalesforceClient } from '../../../lib/clients/salesforce.js';
import { childLogger } from '../../../lib/log.js';
import { createCustomerDirectory, type CustomerDirectory } from './salesforce.js';
import { createEntityCache, quotaTtlFactor, withStaleFreshness, type EntityCache } from '../../../lib/cache/index.js';
import { cachedCustomerReads } from './cached.js';
import { createLoaders } from './loaders.js';
import { resolvers, type CustomerContext } from './resolvers.js';

export type { CustomerContext } from './resolvers.js';
export type { CustomerDirectory, CustomerRecord } from './salesforce.js';

export interface CustomerSubgraphDeps {
  /** The Salesforce transport; the subgraph closes it when it closes. */
  salesforce: SalesforceClient;
  /** The org mapping (field names, customer number format). */
  mapping: OrgMapping;
  /** Replaces the Salesforce-backed directory, e.g. with a fake. @default createCustomerDirectory(salesforce, mapping) */
  directory?: CustomerDirectory;
  /**
   * The cross-request entity cache lookups by number go through (see docs/caching.md).
   * Without one, every lookup goes to Salesforce.
   * @default none
   */
  cache?: EntityCache;
  /**
   * Share of the daily API budget (0..1) past which engagement entries stay fresh
   * `cache.config.salesforceBudgetTtlFactor` times longer.
   * @default 0.8 (SALESFORCE_BUDGET_THRESHOLD)
   */
  budgetThreshold?: number;
}

/** The customer subgraph, plus the cache hook that writes and change events call. */
export interface CustomerSubgraph extends SubgraphModule<CustomerContext> {
  /**
   * Drops cached entries of these tags (`Customer:C-000042`) here and in every process sharing
   * the cache, including reads in flight. Resolves false when the shared store could not record it.
   */
  invalidate(tags: readonly string[]): Promise<boolean>;
}

interface CustomerParentLike {
  source?: { phase?: string; record?: unknown };
}

// Cached values served past their TTL report stale: true (lib/cache/freshness.ts).
const customerResolvers = withStaleFreshness(resolvers, {
  entities: [['Customer', 'freshness', (p) => (p as CustomerParentLike).source?.record]],
});

export const CUSTOMER_SUBGRAPH_DEFAULT_PORT = 4001;

export function createCustomerSubgraph(deps: CustomerSubgraphDeps): CustomerSubgraph {
  const directory = deps.directory ?? createCustomerDirectory(deps.salesforce, deps.mapping);
  const { cache } = deps;
  const reads = cache
    ? cachedCustomerReads(directory, cache, {
        ttlFactor: quotaTtlFactor(deps.salesforce, deps.budgetThreshold ?? 0.8, cache.config.salesforceBudgetTtlFactor),
      })
    : directory;
  return {
    name: 'customer',
    schemaFile: fileURLToPath(new URL('../schema.graphql', import.meta.url)),
    resolvers: customerResolvers,
    createContext: () => ({ directory, loaders: createLoaders(reads) }),
    invalidate: async (tags) => (cache ? cache.invalidate(tags) : true),
    close: () => deps.salesforce.close(),
  };
}

async function main(): Promise<void> {
  const common = loadCommonConfig();
  const mapping = loadOrgMapping(common.orgMappingFile);
  const salesforceConfig = loadSalesforceConfig();
  const salesforce = createSalesforceClient(salesforceConfig);
  const listen = loadServiceConfig('CUSTOMER_SUBGRAPH', CUSTOMER_SUBGRAPH_DEFAULT_PORT);
  const cache = await createEntityCache({ namespace: common.namespace, redisUrl: common.redisUrl, log: childLogger('subgraph:customer') });
  const subgraph = createCustomerSubgraph({ salesforce, mapping, cache: cache.cache, budgetThreshold: salesforceConfig.budgetThreshold });
  const service = await serveSubgraph(
    {
      ...subgraph,
      close: async () => {
        await subgraph.close?.();
        await cache.close();
      },
    },
    listen,
    { production: common.env === 'production' },
  );
  closeOnSignals([service]);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    childLogger('subgraph:customer').fatal({ err }, 'customer subgraph failed to start');
    process.exit(1);
  });
}
