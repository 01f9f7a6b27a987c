/**
 * The finance change feed's settings from the environment (docs/finance.md). A bad
 * value stops the process at boot with a message that names the variable.
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { ConfigError } from '../../../lib/config.js';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export interface FinanceFeedConfig {
  /** Milliseconds between two polls of the ERP. */
  intervalMs: number;
  /** How far before its watermark each poll starts again, in milliseconds. */
  overlapMs: number;
  /** Where the feed's watermark is kept without Redis. */
  stateDir: string;
}

const positiveInt = z.coerce.number().int().positive();

export function loadFinanceFeedConfig(env: Record<string, string | undefined> = process.env): FinanceFeedConfig {
  const schema = z.object({
    FINANCE_FEED_INTERVAL_MS: positiveInt.default(5_000),
    FINANCE_FEED_OVERLAP_MS: positiveInt.default(10_000),
    FEEDS_DIR: z.string().min(1).default(join(REPO_ROOT, '.data', 'feeds')),
  });
  const r = schema.safeParse(env);
  if (!r.success) {
    const lines = r.error.issues.map((i) => `  ${i.path.join('.')}=${JSON.stringify(env[String(i.path[0])] ?? null)}: ${i.message}`);
    throw new ConfigError(`invalid finance feed configuration:\n${lines.join('\n')}`);
  }
  return { intervalMs: r.data.FINANCE_FEED_INTERVAL_MS, overlapMs: r.data.FINANCE_FEED_OVERLAP_MS, stateDir: resolve(REPO_ROOT, r.data.FEEDS_DIR) };
}
