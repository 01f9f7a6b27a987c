import { createNetSuiteClient } from '../../../lib/clients/netsuite.js';
import { loadNetSuiteConfig } from '../../../lib/config.js';
import { createFinanceSubgraph } from '../../../subgraphs/finance/src/index.js';
import type { AnyModule, WiringContext } from './context.js';

/** The finance subgraph as the test stack runs it. */
export async function wireFinance(ctx: WiringContext): Promise<AnyModule> {
  const netsuite = createNetSuiteClient(loadNetSuiteConfig(ctx.env), { policy: ctx.policy });
  return createFinanceSubgraph({ netsuite, mapping: ctx.mapping, ...(ctx.cache ? { cache: ctx.cache.cache } : {}) }) as unknown as AnyModule;
}
