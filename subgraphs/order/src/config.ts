/**
 * The order subgraph's own settings, from the environment (docs/orders.md lists
 * them). A bad value stops the process at boot with the variable's name.
 */
import { z } from 'zod';
import { parseSettings } from '../../../lib/config.js';

export interface OrderFeedConfig {
  /** Whether this process may poll the ERP; with Redis, only the replica holding the feed's lease does (lib/feeds/lease.ts). */
  enabled: boolean;
  intervalMs: number;
  overlapMs: number;
}

export function loadOrderFeedConfig(env: Record<string, string | undefined> = process.env): OrderFeedConfig {
  const c = parseSettings(
    'order feed',
    z.object({
      ORDER_FEED_ENABLED: z.enum(['true', 'false']).default('true'),
      ORDER_FEED_INTERVAL_MS: z.coerce.number().int().min(100).default(5000),
      ORDER_FEED_OVERLAP_MS: z.coerce.number().int().min(0).default(10_000),
    }),
    env,
  );
  return {
    enabled: c.ORDER_FEED_ENABLED === 'true',
    intervalMs: c.ORDER_FEED_INTERVAL_MS,
    overlapMs: c.ORDER_FEED_OVERLAP_MS,
  };
}
