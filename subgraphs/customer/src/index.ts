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
import { createCustomerDirectory } from './salesforce.js';
import { createLoaders } from './loaders.js';
import { resolvers, type CustomerContext } from './resolvers.js';

export type { CustomerContext } from './resolvers.js';
export type { CustomerDirectory, CustomerRecord } from './salesforce.js';

export interface CustomerSubgraphDeps {
  /** The Salesforce transport; the subgraph closes it when it closes. */
  salesforce: SalesforceClient;
  /** The org mapping (field names, customer number format). */
  mapping: OrgMapping;
}

export const CUSTOMER_SUBGRAPH_DEFAULT_PORT = 4001;

export function createCustomerSubgraph(deps: CustomerSubgraphDeps): SubgraphModule<CustomerContext> {
  const directory = createCustomerDirectory(deps.salesforce, deps.mapping);
  return {
    name: 'customer',
    schemaFile: fileURLToPath(new URL('../schema.graphql', import.meta.url)),
    resolvers,
    createContext: () => ({ directory, loaders: createLoaders(directory) }),
    close: () => deps.salesforce.close(),
  };
}

async function main(): Promise<void> {
  const common = loadCommonConfig();
  const mapping = loadOrgMapping(common.orgMappingFile);
  const salesforce = createSalesforceClient(loadSalesforceConfig());
  const listen = loadServiceConfig('CUSTOMER_SUBGRAPH', CUSTOMER_SUBGRAPH_DEFAULT_PORT);
  const service = await serveSubgraph(createCustomerSubgraph({ salesforce, mapping }), listen, { production: common.env === 'production' });
  closeOnSignals([service]);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    childLogger('subgraph:customer').fatal({ err }, 'customer subgraph failed to start');
    process.exit(1);
  });
}
