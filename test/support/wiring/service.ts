import { join } from 'node:path';
import { createClient, type RedisClientType } from 'redis';
import { createZendeskClient } from '../../../lib/clients/zendesk.js';
import { createNetSuiteClient } from '../../../lib/clients/netsuite.js';
import { loadNetSuiteConfig, loadZendeskConfig } from '../../../lib/config.js';
import { inProcessBus, redisBus } from '../../../lib/events/bus.js';
import { fileStateStore, redisStateStore } from '../../../lib/feeds/state.js';
import { coordinatorOptions, loadWritesConfig, openWriteStore } from '../../../lib/writes/index.js';
import { createServiceSubgraph } from '../../../subgraphs/service/src/index.js';
import { createOrderOwners } from '../../../subgraphs/service/src/erp.js';
import { loadServiceFeedConfig } from '../../../subgraphs/service/src/config.js';
import type { AnyModule, WiringContext } from './context.js';
import { stackNetSuiteLimiter } from './netsuite.js';

/**
 * The service subgraph as the test stack runs it, wired as its main() wires it
 * for production: the write journal and the feed state under the stack's data
 * directory (so they survive a restart), an in-process bus or Redis for all three
 * when the stack runs on Redis, and the Zendesk webhook registered at this
 * subgraph's own URL. Short write backoffs keep tests fast; the incremental export
 * is polled every 10 s (Zendesk allows 10 export calls a minute) and tests call
 * `feed.pollOnce()` when they need it now.
 */
export async function wireService(ctx: WiringContext): Promise<AnyModule> {
  const zendesk = createZendeskClient(loadZendeskConfig(ctx.env), { policy: ctx.policy });
  const writesConfig = loadWritesConfig({
    WRITES_DIR: join(ctx.dataDir, 'writes'),
    WRITES_POLL_MS: '100',
    WRITES_BACKOFF_MS: '100',
    WRITES_MAX_BACKOFF_MS: '1000',
    WRITES_MAX_ATTEMPTS: '5',
  });
  const feedConfig = loadServiceFeedConfig(
    { FEEDS_DIR: join(ctx.dataDir, 'feeds'), SERVICE_FEED_POLL_MS: '10000', SERVICE_WEBHOOK_NAME: `rsg-service-${ctx.namespace}` },
    { host: '127.0.0.1', port: ctx.port },
  );
  let redis: RedisClientType | undefined;
  if (ctx.redisUrl) {
    redis = createClient({ url: ctx.redisUrl }) as RedisClientType;
    await redis.connect();
  }
  const nsConfig = loadNetSuiteConfig(ctx.env);
  const netsuite = createNetSuiteClient(nsConfig, { policy: ctx.policy, limiter: stackNetSuiteLimiter(ctx, nsConfig, redis, 'service') });
  const bus = redis ? await redisBus(redis, { namespace: ctx.namespace }) : inProcessBus();
  return createServiceSubgraph({
    zendesk,
    mapping: ctx.mapping,
    ...(ctx.cache ? { cache: ctx.cache.cache } : {}),
    orderOwners: createOrderOwners(netsuite),
    writeStore: await openWriteStore(writesConfig, { name: 'service', namespace: ctx.namespace, ...(redis ? { redis } : {}) }),
    writeOptions: { ...coordinatorOptions(writesConfig), duplicateWaitMs: 5000 },
    bus,
    feedState: redis ? redisStateStore(redis, ctx.namespace, 'service-cases') : fileStateStore(feedConfig.stateDir, 'service-cases'),
    feed: { ...feedConfig.feed, sequenceWaitMs: 300 },
    onClose: async () => {
      await bus.close();
      await redis?.quit();
    },
  }) as unknown as AnyModule;
}
