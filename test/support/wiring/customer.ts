import { join } from 'node:path';
import { createClient, type RedisClientType } from 'redis';
import { createSalesforceClient } from '../../../lib/clients/salesforce.js';
import { loadSalesforceConfig } from '../../../lib/config.js';
import { inProcessBus, redisBus } from '../../../lib/events/bus.js';
import { fileStateStore, redisStateStore } from '../../../lib/feeds/state.js';
import { coordinatorOptions, loadWritesConfig, openWriteStore } from '../../../lib/writes/index.js';
import { createCustomerSubgraph, type CustomerSubgraph } from '../../../subgraphs/customer/src/index.js';
import type { AnyModule, WiringContext } from './context.js';

/** The customer subgraph the stack started last (tests reach its feed, bus and queue through it). */
export const customerWiring: { current: CustomerSubgraph | undefined } = { current: undefined };

/**
 * The customer subgraph as the test stack runs it, wired as its main() does: the
 * write journal and the feed's replay ids under the stack's data directory (so a
 * restart finds them), Redis for both when the stack has one, and short timings.
 */
export async function wireCustomer(ctx: WiringContext): Promise<AnyModule> {
  const salesforce = createSalesforceClient(loadSalesforceConfig(ctx.env), { policy: ctx.policy });
  const writesConfig = loadWritesConfig({ WRITES_DIR: join(ctx.dataDir, 'writes'), WRITES_BACKOFF_MS: '100', WRITES_MAX_BACKOFF_MS: '400', WRITES_POLL_MS: '100', WRITES_MAX_ATTEMPTS: '3' });
  let redis: RedisClientType | undefined;
  if (ctx.redisUrl) {
    redis = createClient({ url: ctx.redisUrl }) as RedisClientType;
    await redis.connect();
  }
  const feedsDir = join(ctx.dataDir, 'feeds');
  const bus = redis ? await redisBus(redis, { namespace: ctx.namespace }) : inProcessBus();
  const subgraph = createCustomerSubgraph({
    salesforce,
    mapping: ctx.mapping,
    ...(ctx.cache ? { cache: ctx.cache.cache } : {}),
    writeStore: await openWriteStore(writesConfig, { name: 'customer', namespace: ctx.namespace, ...(redis ? { redis } : {}) }),
    writeOptions: coordinatorOptions(writesConfig),
    bus,
    feed: {
      mode: 'streaming',
      pollIntervalMs: 150,
      subscribeTimeoutMs: 5_000,
      store: redis ? redisStateStore(redis, ctx.namespace, 'customer-cdc') : fileStateStore(feedsDir, 'customer-cdc'),
      pollStore: redis ? redisStateStore(redis, ctx.namespace, 'customer-poll') : fileStateStore(feedsDir, 'customer-poll'),
    },
  });
  customerWiring.current = subgraph;
  const module: CustomerSubgraph = {
    ...subgraph,
    async close() {
      await subgraph.close?.();
      await bus.close();
      await redis?.quit();
    },
  };
  return module as unknown as AnyModule;
}
