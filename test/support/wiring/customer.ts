import { createSalesforceClient } from '../../../lib/clients/salesforce.js';
import { loadSalesforceConfig } from '../../../lib/config.js';
import { createCustomerSubgraph } from '../../../subgraphs/customer/src/index.js';
import type { AnyModule, WiringContext } from './context.js';

/** The customer subgraph as the test stack runs it. */
export async function wireCustomer(ctx: WiringContext): Promise<AnyModule> {
  const salesforce = createSalesforceClient(loadSalesforceConfig(ctx.env), { policy: ctx.policy });
  return createCustomerSubgraph({ salesforce, mapping: ctx.mapping, ...(ctx.cache ? { cache: ctx.cache.cache } : {}) }) as unknown as AnyModule;
}
