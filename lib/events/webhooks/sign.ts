/**
 * Signatures as the Standard Webhooks specification (standardwebhooks.com)
 * defines them: the HMAC-SHA256, keyed by the base64 part of a `whsec_` secret,
 * of `<webhook-id>.<webhook-timestamp>.<body>`, sent as `v1,<base64>` in
 * `webhook-signature`. `verifyWebhook` is what a consumer runs, and what the
 * tests run against our deliveries.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** A signing secret: `whsec_` and the base64 of 24 to 64 random bytes. */
export const SECRET_PATTERN = /^whsec_[A-Za-z0-9+/]+={0,2}$/;

/** The HMAC key of a `whsec_` secret. */
export function secretKey(secret: string): Buffer {
  if (!SECRET_PATTERN.test(secret)) throw new Error('expected a secret like whsec_<base64>');
  return Buffer.from(secret.slice('whsec_'.length), 'base64');
}

/** The `webhook-signature` value for one delivery. */
export function signWebhook(secret: string, id: string, timestampSeconds: number | string, body: string): string {
  const mac = createHmac('sha256', secretKey(secret)).update(`${id}.${timestampSeconds}.${body}`).digest('base64');
  return `v1,${mac}`;
}

export type VerifyResult = { ok: true } | { ok: false; reason: 'MISSING_HEADER' | 'STALE_TIMESTAMP' | 'BAD_SIGNATURE' };

/**
 * Checks a delivery as a consumer should: the three headers present, the
 * timestamp within `toleranceSeconds` of now (a replayed capture is refused),
 * and one of the space-separated `v1,` signatures equal, compared in constant time.
 */
export function verifyWebhook(
  secret: string,
  headers: Record<string, string | string[] | undefined>,
  body: string,
  opts: { toleranceSeconds?: number; nowSeconds?: number } = {},
): VerifyResult {
  const one = (name: string): string | undefined => {
    const v = headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  const id = one('webhook-id');
  const timestamp = one('webhook-timestamp');
  const signatures = one('webhook-signature');
  if (!id || !timestamp || !signatures) return { ok: false, reason: 'MISSING_HEADER' };
  const ts = Number(timestamp);
  const now = opts.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (!/^\d+$/.test(timestamp) || Math.abs(now - ts) > (opts.toleranceSeconds ?? 300)) return { ok: false, reason: 'STALE_TIMESTAMP' };
  // Signed as received: the header's own digits, not a re-formatted number.
  const expected = Buffer.from(signWebhook(secret, id, timestamp, body).slice(3), 'base64');
  for (const candidate of signatures.split(' ')) {
    const [version, value] = candidate.split(',', 2);
    if (version !== 'v1' || !value) continue;
    const got = Buffer.from(value, 'base64');
    if (got.length === expected.length && timingSafeEqual(got, expected)) return { ok: true };
  }
  return { ok: false, reason: 'BAD_SIGNATURE' };
}
