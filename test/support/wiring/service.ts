import { createZendeskClient } from '../../../lib/clients/zendesk.js';
import { loadZendeskConfig } from '../../../lib/config.js';
import { createServiceSubgraph } from '../../../subgraphs/service/src/index.js';
import type { AnyModule, WiringContext } from './context.js';

/** The service subgraph as the test stack runs it. */
export async function wireService(ctx: WiringContext): Promise<AnyModule> {
  const zendesk = createZendeskClient(loadZendeskConfig(ctx.env), { policy: ctx.policy });
  return createServiceSubgraph({ zendesk, mapping: ctx.mapping, ...(ctx.cache ? { cache: ctx.cache.cache } : {}) }) as unknown as AnyModule;
}
