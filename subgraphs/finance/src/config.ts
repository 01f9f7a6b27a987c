/**
 * The finance change feed's settings from the environment (docs/finance.md). A bad
 * value stops the process at boot with a message that names the variable.
 */
import { z } from 'zod';
import { parseSettings } from '../../../lib/config.js';

export interface FinanceFeedConfig {
  /** Milliseconds between two polls of the ERP. */
  intervalMs: number;
  /** How far before its watermark each poll starts again, in milliseconds. */
  overlapMs: number;
}

const positiveInt = z.coerce.number().int().positive();

export function loadFinanceFeedConfig(env: Record<string, string | undefined> = process.env): FinanceFeedConfig {
  const c = parseSettings(
    'finance feed',
    z.object({
      FINANCE_FEED_INTERVAL_MS: positiveInt.default(5_000),
      FINANCE_FEED_OVERLAP_MS: positiveInt.default(10_000),
    }),
    env,
  );
  return { intervalMs: c.FINANCE_FEED_INTERVAL_MS, overlapMs: c.FINANCE_FEED_OVERLAP_MS };
}
