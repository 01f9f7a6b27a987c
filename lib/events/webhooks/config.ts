/**
 * Webhook consumers: read from the JSON file EVENTS_WEBHOOKS_FILE names, and
 * the delivery settings from the environment. A bad file or a URL the SSRF
 * guard refuses stops the process at boot with a ConfigError naming the
 * consumer and what was expected (docs/events.md, docs/configuration.md).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError, parseSettings } from '../../config.js';
import { projectRoot } from '../../paths.js';
import { CANONICAL_TYPES, type CanonicalType } from '../outbound/canonical.js';
import { SECRET_PATTERN, secretKey } from './sign.js';
import { checkWebhookUrl, type WebhookMode } from './ssrf.js';

export interface WebhookConsumer {
  /** Names its queue, dead letters and log lines; letters, digits, - and _. */
  name: string;
  url: string;
  /** `whsec_<base64>`. */
  secret: string;
  types: readonly CanonicalType[];
}

export interface WebhooksConfig {
  mode: WebhookMode;
  consumers: WebhookConsumer[];
  /** Attempts before an event is dead-lettered. @default 8 */
  maxAttempts: number;
  /** The first retry's wait; doubles per attempt, with jitter. @default 1000 */
  backoffMs: number;
  /** @default 300000 */
  maxBackoffMs: number;
  /** One delivery's budget, connection to response body. @default 10000 */
  timeoutMs: number;
  /** How long delivered events are kept for a replay by time. @default 7 days */
  retentionMs: number;
}

const consumerSchema = z
  .object({
    name: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/, 'expected 1 to 64 letters, digits, - and _')
      .optional(),
    url: z.string(),
    secret: z.string().regex(SECRET_PATTERN, 'expected whsec_ followed by base64').optional(),
    /** The environment variable holding the secret, to keep it out of the file. */
    secretEnv: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'expected an environment variable name').optional(),
    types: z.array(z.enum(CANONICAL_TYPES as [CanonicalType, ...CanonicalType[]])).min(1, 'expected at least one event type'),
  })
  .strict();
const fileSchema = z.object({ consumers: z.array(consumerSchema) }).strict();

/** A name from the URL when the file gives none: its host and path. */
const nameOf = (url: string): string =>
  (new URL(url).host + new URL(url).pathname)
    .replace(/[^A-Za-z0-9_-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64);

/** The webhook settings, or null when EVENTS_WEBHOOKS_FILE is unset (no webhooks). */
export function loadWebhooksConfig(env: Record<string, string | undefined>): WebhooksConfig | null {
  const c = parseSettings(
    'webhooks',
    z.object({
      NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
      EVENTS_WEBHOOKS_FILE: z.string().min(1).optional(),
      EVENTS_WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(8),
      EVENTS_WEBHOOK_BACKOFF_MS: z.coerce.number().int().min(1).default(1000),
      EVENTS_WEBHOOK_MAX_BACKOFF_MS: z.coerce.number().int().min(1).default(300_000),
      EVENTS_WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
      EVENTS_WEBHOOK_RETENTION_MS: z.coerce.number().int().min(0).default(7 * 24 * 3_600_000),
    }),
    env,
  );
  if (!c.EVENTS_WEBHOOKS_FILE) return null;
  const path = resolve(projectRoot, c.EVENTS_WEBHOOKS_FILE);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new ConfigError(`EVENTS_WEBHOOKS_FILE=${JSON.stringify(c.EVENTS_WEBHOOKS_FILE)}: expected a readable JSON file: ${(e as Error).message}`);
  }
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(file)'}: ${i.message}`);
    throw new ConfigError(`invalid webhooks file ${path}:\n${lines.join('\n')}`);
  }
  const problems: string[] = [];
  const consumers: WebhookConsumer[] = [];
  parsed.data.consumers.forEach((entry, i) => {
    const at = `consumers.${i}${entry.name ? ` (${entry.name})` : ''}`;
    const urlProblem = checkWebhookUrl(entry.url, c.NODE_ENV);
    if (urlProblem) return void problems.push(`  ${at}.url: ${urlProblem}`);
    const secret = entry.secret ?? (entry.secretEnv ? env[entry.secretEnv] : undefined);
    if (!secret || !SECRET_PATTERN.test(secret))
      return void problems.push(`  ${at}.secret: expected "secret" or "secretEnv" naming a variable that holds whsec_ followed by base64`);
    const keyBytes = secretKey(secret).length;
    if (keyBytes < 24 || keyBytes > 64) return void problems.push(`  ${at}.secret: expected 24 to 64 random bytes after whsec_, got ${keyBytes}`);
    const name = entry.name ?? nameOf(entry.url);
    if (consumers.some((k) => k.name === name)) return void problems.push(`  ${at}.name: '${name}' names two consumers; give each its own name`);
    consumers.push({ name, url: entry.url, secret, types: [...new Set(entry.types)] });
  });
  if (problems.length > 0) throw new ConfigError(`invalid webhooks file ${path}:\n${problems.join('\n')}`);
  return {
    mode: c.NODE_ENV,
    consumers,
    maxAttempts: c.EVENTS_WEBHOOK_MAX_ATTEMPTS,
    backoffMs: c.EVENTS_WEBHOOK_BACKOFF_MS,
    maxBackoffMs: Math.max(c.EVENTS_WEBHOOK_BACKOFF_MS, c.EVENTS_WEBHOOK_MAX_BACKOFF_MS),
    timeoutMs: c.EVENTS_WEBHOOK_TIMEOUT_MS,
    retentionMs: c.EVENTS_WEBHOOK_RETENTION_MS,
  };
}
