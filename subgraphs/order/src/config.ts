/**
 * The order subgraph's own settings, from the environment (docs/orders.md lists
 * them). A bad value stops the process at boot with the variable's name.
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { ConfigError } from '../../../lib/config.js';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export interface OrderFeedConfig {
  /** Whether this process polls the ERP (one poller per deployment is enough; more are harmless). */
  enabled: boolean;
  intervalMs: number;
  overlapMs: number;
  /** The directory of the feed's watermark file when Redis is not configured. */
  stateDir: string;
}

export function loadOrderFeedConfig(env: Record<string, string | undefined> = process.env): OrderFeedConfig {
  const schema = z.object({
    ORDER_FEED_ENABLED: z.enum(['true', 'false']).default('true'),
    ORDER_FEED_INTERVAL_MS: z.coerce.number().int().min(100).default(5000),
    ORDER_FEED_OVERLAP_MS: z.coerce.number().int().min(0).default(10_000),
    FEEDS_DIR: z.string().min(1).default(join(REPO_ROOT, '.data', 'feeds')),
  });
  const r = schema.safeParse(env);
  if (!r.success) {
    const lines = r.error.issues.map((i) => `  ${i.path.join('.')}=${JSON.stringify(env[String(i.path[0])] ?? null)}: ${i.message}`);
    throw new ConfigError(`invalid order feed configuration:\n${lines.join('\n')}`);
  }
  return {
    enabled: r.data.ORDER_FEED_ENABLED === 'true',
    intervalMs: r.data.ORDER_FEED_INTERVAL_MS,
    overlapMs: r.data.ORDER_FEED_OVERLAP_MS,
    stateDir: resolve(REPO_ROOT, r.data.FEEDS_DIR),
  };
}
