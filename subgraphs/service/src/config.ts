/**
 * The service subgraph's own settings: where Zendesk delivers webhooks and how
 * the incremental export is polled. Read once at boot; a bad value stops the
 * process with a message naming the variable. docs/service.md lists them.
 */
import { z } from 'zod';
import { ConfigError } from '../../../lib/config.js';
import type { CaseFeedOptions } from './feed.js';

type Env = Record<string, string | undefined>;

export type ServiceFeedConfig = Pick<CaseFeedOptions, 'webhookUrl' | 'webhookName' | 'pollIntervalMs' | 'exportLagSeconds' | 'signatureToleranceSeconds' | 'sequenceWaitMs' | 'searchSettleMs'>;

export function loadServiceFeedConfig(env: Env, listen: { host: string; port: number }): ServiceFeedConfig {
  const schema = z.object({
    SERVICE_WEBHOOK_URL: z.string().min(1).optional(),
    SERVICE_WEBHOOK_NAME: z.string().min(1).max(100).default('retail-supergraph-service'),
    SERVICE_FEED_POLL_MS: z.coerce.number().int().min(0).default(60_000),
    SERVICE_FEED_EXPORT_LAG_SECONDS: z.coerce.number().int().min(0).default(90),
    SERVICE_WEBHOOK_TOLERANCE_SECONDS: z.coerce.number().int().positive().default(300),
    SERVICE_FEED_SEQUENCE_WAIT_MS: z.coerce.number().int().min(0).default(1000),
    SERVICE_SEARCH_SETTLE_MS: z.coerce.number().int().min(0).default(180_000),
  });
  const r = schema.safeParse(env);
  if (!r.success) {
    throw new ConfigError(`invalid service feed configuration:\n${r.error.issues.map((i) => `${String(i.path[0])}="${env[String(i.path[0])] ?? ''}": ${i.message}`).join('\n')}`);
  }
  const d = r.data;
  let webhookUrl: string | undefined;
  if (d.SERVICE_WEBHOOK_URL === 'off') webhookUrl = undefined;
  else if (d.SERVICE_WEBHOOK_URL) {
    try {
      const u = new URL(d.SERVICE_WEBHOOK_URL);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('scheme');
    } catch {
      throw new ConfigError(`SERVICE_WEBHOOK_URL="${d.SERVICE_WEBHOOK_URL}": expected the http(s) URL at which Zendesk reaches this subgraph's /webhooks/zendesk, or "off"`);
    }
    webhookUrl = d.SERVICE_WEBHOOK_URL;
  } else {
    // The default suits one machine (the sandbox); in production Zendesk needs the public URL.
    const host = listen.host === '0.0.0.0' || listen.host === '::' ? '127.0.0.1' : listen.host;
    webhookUrl = `http://${host}:${listen.port}/webhooks/zendesk`;
  }
  return {
    ...(webhookUrl ? { webhookUrl } : {}),
    webhookName: d.SERVICE_WEBHOOK_NAME,
    pollIntervalMs: d.SERVICE_FEED_POLL_MS,
    exportLagSeconds: d.SERVICE_FEED_EXPORT_LAG_SECONDS,
    signatureToleranceSeconds: d.SERVICE_WEBHOOK_TOLERANCE_SECONDS,
    sequenceWaitMs: d.SERVICE_FEED_SEQUENCE_WAIT_MS,
    searchSettleMs: d.SERVICE_SEARCH_SETTLE_MS,
  };
}
