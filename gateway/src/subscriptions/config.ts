/**
 * The subscription settings read from the environment, validated at boot like
 * every other setting (lib/config.ts). Options given in code win over these.
 */
import { z } from 'zod';
import { ConfigError } from '../../../lib/config.js';

export interface SubscriptionEnvConfig {
  /** GATEWAY_SUBSCRIPTION_ENRICH_TIMEOUT_MS */
  enrichTimeoutMs: number;
  /** GATEWAY_SUBSCRIPTION_ENRICH_MAX_BYTES */
  enrichMaxBytes: number;
  /** GATEWAY_SUBSCRIPTION_REVERIFY_MS */
  reverifyIntervalMs: number;
}

export const DEFAULT_SUBSCRIPTION_CONFIG: SubscriptionEnvConfig = {
  enrichTimeoutMs: 2_000,
  enrichMaxBytes: 50 * 1024 * 1024,
  reverifyIntervalMs: 60_000,
};

const positiveInt = z.coerce.number().int().positive();

export function loadSubscriptionConfig(env: Record<string, string | undefined> = process.env): SubscriptionEnvConfig {
  const r = z
    .object({
      GATEWAY_SUBSCRIPTION_ENRICH_TIMEOUT_MS: positiveInt.default(DEFAULT_SUBSCRIPTION_CONFIG.enrichTimeoutMs),
      GATEWAY_SUBSCRIPTION_ENRICH_MAX_BYTES: positiveInt.default(DEFAULT_SUBSCRIPTION_CONFIG.enrichMaxBytes),
      GATEWAY_SUBSCRIPTION_REVERIFY_MS: positiveInt.default(DEFAULT_SUBSCRIPTION_CONFIG.reverifyIntervalMs),
    })
    .safeParse(env);
  if (!r.success) {
    const lines = r.error.issues.map((i) => `  ${i.path.join('.')}=${JSON.stringify(env[String(i.path[0])] ?? null)}: expected a positive whole number (${i.message})`);
    throw new ConfigError(`invalid subscription configuration:\n${lines.join('\n')}`);
  }
  return {
    enrichTimeoutMs: r.data.GATEWAY_SUBSCRIPTION_ENRICH_TIMEOUT_MS,
    enrichMaxBytes: r.data.GATEWAY_SUBSCRIPTION_ENRICH_MAX_BYTES,
    reverifyIntervalMs: r.data.GATEWAY_SUBSCRIPTION_REVERIFY_MS,
  };
}
