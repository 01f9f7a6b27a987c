import { join } from 'node:path';
import { createClient, type RedisClientType } from 'redis';
import { createNetSuiteClient } from '../../../lib/clients/netsuite.js';
import { loadNetSuiteConfig } from '../../../lib/config.js';
import { inProcessBus, redisBus } from '../../../lib/events/bus.js';
import { fileStateStore, redisStateStore } from '../../../lib/feeds/state.js';
import { coordinatorOptions, loadWritesConfig, openWriteStore } from '../../../lib/writes/index.js';
import { createOrderSubgraph } from '../../../subgraphs/order/src/index.js';
import type { AnyModule, WiringContext } from './context.js';
import { stackNetSuiteLimiter } from './netsuite.js';

/**
 * The order subgraph as the test stack runs it, wired as its main() wires it for
 * production: the write journal and the feed watermark under the stack's data
 * directory (so they survive a restart of the subgraph), an in-process bus, or
 * Redis for all three when the stack runs on Redis. Intervals are short so tests
 * do not wait; tests can also poll (`feed.pollOnce()`) or replay (`writes.runDue()`) at once.
 */
export async function wireOrder(ctx: WiringContext): Promise<AnyModule> {
  const writesConfig = loadWritesConfig({
    WRITES_DIR: join(ctx.dataDir, 'writes'),
    WRITES_POLL_MS: '100',
    WRITES_BACKOFF_MS: '100',
    WRITES_MAX_BACKOFF_MS: '1000',
    WRITES_MAX_ATTEMPTS: '5',
  });
  let redis: RedisClientType | undefined;
  if (ctx.redisUrl) {
    redis = createClient({ url: ctx.redisUrl }) as RedisClientType;
    await redis.connect();
  }
  const nsConfig = loadNetSuiteConfig(ctx.env);
  const netsuite = createNetSuiteClient(nsConfig, { policy: ctx.policy, limiter: stackNetSuiteLimiter(ctx, nsConfig, redis, 'order') });
  const writeStore = await openWriteStore(writesConfig, { name: 'order', namespace: ctx.namespace, redis });
  const bus = redis ? await redisBus(redis, { namespace: ctx.namespace }) : inProcessBus();
  const feedState = redis ? redisStateStore(redis, ctx.namespace, 'order-status') : fileStateStore(join(ctx.dataDir, 'feeds'), 'order-status');
  return createOrderSubgraph({
    netsuite,
    mapping: ctx.mapping,
    ...(ctx.cache ? { cache: ctx.cache.cache } : {}),
    writeStore,
    writeOptions: { ...coordinatorOptions(writesConfig), duplicateWaitMs: 5000 },
    bus,
    feedState,
    // A short overlap, so that a test whose downtime outlasts it shows the watermark, not the overlap, resumed the feed.
    feed: { intervalMs: 150, overlapMs: 2000, enabled: ctx.feedsEnabled ?? true },
    onClose: async () => {
      await redis?.quit();
    },
  }) as unknown as AnyModule;
}
