import { join } from 'node:path';
import { createClient, type RedisClientType } from 'redis';
import { createNetSuiteClient } from '../../../lib/clients/netsuite.js';
import { loadNetSuiteConfig } from '../../../lib/config.js';
import { inProcessBus, redisBus } from '../../../lib/events/bus.js';
import { fileStateStore, redisStateStore } from '../../../lib/feeds/state.js';
import { coordinatorOptions, loadWritesConfig, openWriteStore } from '../../../lib/writes/index.js';
import { createFinanceSubgraph, type FinanceSubgraph } from '../../../subgraphs/finance/src/index.js';
import { createNetSuiteBilling } from '../../../subgraphs/finance/src/netsuite.js';
import type { AnyModule, WiringContext } from './context.js';
import { stackNetSuiteLimiter } from './netsuite.js';

/** The finance module the stack runs now (replaced by startSubgraph), so tests can poll its feed on demand. */
export const financeWiring: { current: FinanceSubgraph | undefined } = { current: undefined };

/**
 * The finance subgraph as the test stack runs it, wired as its index.ts main() does:
 * the write journal and the feed's watermark under the stack's data directory (they
 * survive stopSubgraph/startSubgraph), an in-process bus, or Redis for all three when
 * the stack runs on Redis. Intervals are short so that tests do not wait.
 */
export async function wireFinance(ctx: WiringContext): Promise<AnyModule> {
  let redis: RedisClientType | undefined;
  if (ctx.redisUrl) {
    redis = createClient({ url: ctx.redisUrl });
    await redis.connect();
  }
  const nsConfig = loadNetSuiteConfig(ctx.env);
  // Reads, the feed and writes share the subgraph's limiter, as in main().
  const limiter = stackNetSuiteLimiter(ctx, nsConfig, redis as RedisClientType | undefined, 'finance');
  const netsuite = createNetSuiteClient(nsConfig, { policy: ctx.policy, limiter });
  const writesConfig = loadWritesConfig({
    WRITES_DIR: join(ctx.dataDir, 'writes'),
    WRITES_POLL_MS: '100',
    WRITES_BACKOFF_MS: '100',
    WRITES_MAX_BACKOFF_MS: '400',
    WRITES_MAX_ATTEMPTS: '4',
  });
  const mod = createFinanceSubgraph({
    netsuite,
    mapping: ctx.mapping,
    ...(ctx.cache ? { cache: ctx.cache.cache } : {}),
    bus: redis ? await redisBus(redis, { namespace: ctx.namespace }) : inProcessBus(),
    // Writes without transport retries, as in production: the queue retries through the applier's check.
    billing: createNetSuiteBilling({ netsuite: createNetSuiteClient(nsConfig, { limiter, policy: { ...ctx.policy, retries: 0 } }) }),
    writes: {
      store: await openWriteStore(writesConfig, { name: 'finance', namespace: ctx.namespace, ...(redis ? { redis } : {}) }),
      options: { ...coordinatorOptions(writesConfig), duplicateWaitMs: 5_000 },
    },
    feed: {
      store: redis ? redisStateStore(redis, ctx.namespace, 'finance-invoices') : fileStateStore(join(ctx.dataDir, 'feeds'), 'finance-invoices'),
      intervalMs: 150,
      // The sandbox commits synchronously with the clock we share, so a short overlap is enough.
      overlapMs: 2_000,
    },
    close: async () => {
      await redis?.quit();
    },
  });
  financeWiring.current = mod;
  return mod as unknown as AnyModule;
}
