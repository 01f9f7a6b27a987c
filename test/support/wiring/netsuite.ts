import type { RedisClientType } from 'redis';
import { netsuiteLimiter } from '../../../lib/clients/netsuite.js';
import { loadCommonConfig, type NetSuiteConsumer } from '../../../lib/config.js';
import type { Limiter } from '../../../lib/limits.js';
import type { NetSuiteConfig } from '../../../lib/config.js';
import type { WiringContext } from './context.js';

/**
 * The concurrency limiter a subgraph's main() gives its NetSuite clients: the
 * account-wide count in Redis when the stack runs on Redis (under the stack's
 * namespace), else this subgraph's share of the account's slots.
 */
export function stackNetSuiteLimiter(ctx: WiringContext, config: NetSuiteConfig, redis: RedisClientType | undefined, consumer: NetSuiteConsumer): Limiter {
  return netsuiteLimiter({ ...loadCommonConfig(ctx.env), namespace: ctx.namespace }, config, redis, consumer);
}
