/**
 * The customer subgraph's own settings, from the environment (docs/customer.md
 * lists them). A bad value stops the process at boot with the variable's name.
 */
import { z } from 'zod';
import { parseSettings } from '../../../lib/config.js';
import type { FeedMode } from './feed.js';

/** Change feed settings from the environment (docs/customer.md lists them). */
export function loadCustomerFeedConfig(env: Record<string, string | undefined> = process.env): {
  mode: FeedMode;
  pollIntervalMs: number;
  subscribeTimeoutMs: number;
  streamingRetryMs: number;
} {
  const c = parseSettings(
    'customer feed',
    z.object({
      CUSTOMER_FEED_MODE: z.enum(['streaming', 'polling', 'off']).default('streaming'),
      CUSTOMER_FEED_POLL_MS: z.coerce.number().int().positive().default(30_000),
      CUSTOMER_FEED_SUBSCRIBE_TIMEOUT_MS: z.coerce.number().int().positive().default(15_000),
      CUSTOMER_FEED_STREAMING_RETRY_MS: z.coerce.number().int().positive().default(300_000),
    }),
    env,
  );
  return {
    mode: c.CUSTOMER_FEED_MODE,
    pollIntervalMs: c.CUSTOMER_FEED_POLL_MS,
    subscribeTimeoutMs: c.CUSTOMER_FEED_SUBSCRIBE_TIMEOUT_MS,
    streamingRetryMs: c.CUSTOMER_FEED_STREAMING_RETRY_MS,
  };
}
