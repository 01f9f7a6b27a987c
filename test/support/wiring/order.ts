import { createNetSuiteClient } from '../../../lib/clients/netsuite.js';
import { loadNetSuiteConfig } from '../../../lib/config.js';
import { createOrderSubgraph } from '../../../subgraphs/order/src/index.js';
import type { AnyModule, WiringContext } from './context.js';

/** The order subgraph as the test stack runs it. */
export async function wireOrder(ctx: WiringContext): Promise<AnyModule> {
  const netsuite = createNetSuiteClient(loadNetSuiteConfig(ctx.env), { policy: ctx.policy });
  return createOrderSubgraph({ netsuite, mapping: ctx.mapping, ...(ctx.cache ? { cache: ctx.cache.cache } : {}) }) as unknown as AnyModule;
}
