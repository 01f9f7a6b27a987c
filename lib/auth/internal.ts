/**
 * The gateway's signed internal header. The gateway verifies the client's token
 * and passes the resulting Caller to each subgraph as
 *
 *   x-rsg-caller: v1.<base64url(JSON claims)>.<base64url(HMAC-SHA256)>
 *
 * The claims carry the caller, the correlation id of the request and an expiry
 * of a few seconds; the MAC covers "v1.<claims>". A subgraph accepts a request
 * only with a valid MAC under one of its secrets, an unexpired claim set, and
 * the same correlation id as the request's x-correlation-id, so a header lifted
 * from one request cannot be replayed for long or re-labelled as another.
 *
 * HMAC with node:crypto rather than a JWS from jose: the two ends share one
 * secret, the format is fixed, and timingSafeEqual over a SHA-256 MAC is all
 * there is to verify.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { ConfigError } from '../config.js';
import { makeCaller, ROLES, type Caller } from './caller.js';

export const CALLER_HEADER = 'x-rsg-caller';
const VERSION = 'v1';

/** Secrets shared by the gateway and the subgraphs. The first signs; all verify (rotation: add the new one first, deploy, then drop the old). */
export interface TrustOptions {
  secrets: readonly string[];
  /** Seconds a signed header stays valid. @default 60 */
  ttlSeconds?: number;
  /** Clock difference tolerated between gateway and subgraph hosts, in seconds. @default 5 */
  clockSkewSeconds?: number;
}

/** Shortest secret accepted: 32 characters (for a random base64url secret, 192 bits). */
export const MIN_SECRET_LENGTH = 32;

const claimsSchema = z.object({
  sub: z.string().min(1),
  roles: z.array(z.enum(ROLES)),
  cust: z.string().min(1).optional(),
  via: z.enum(['token', 'anonymous', 'gateway']),
  cid: z.string().min(1),
  exp: z.number().int(),
});

const mac = (secret: string, data: string): Buffer => createHmac('sha256', secret).update(data).digest();

export function signCaller(caller: Caller, opts: { trust: TrustOptions; correlationId: string; now?: Date }): string {
  const secret = opts.trust.secrets[0];
  if (!secret) throw new Error('no internal signing secret configured');
  const now = Math.floor((opts.now ?? new Date()).getTime() / 1000);
  const claims: z.infer<typeof claimsSchema> = {
    sub: caller.subject,
    roles: [...caller.roles],
    ...(caller.customerId ? { cust: caller.customerId } : {}),
    via: caller.via,
    cid: opts.correlationId,
    exp: now + (opts.trust.ttlSeconds ?? 60),
  };
  const body = `${VERSION}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  return `${body}.${mac(secret, body).toString('base64url')}`;
}

export type CallerVerification = { phase: 'verified'; caller: Caller } | { phase: 'rejected'; reason: string };

/** Checks a subgraph request's caller header. The reason is for logs; clients get a plain UNAUTHENTICATED. */
export function verifyCaller(
  header: string | string[] | undefined,
  opts: { trust: TrustOptions; correlationId: string | undefined; now?: Date },
): CallerVerification {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return { phase: 'rejected', reason: `no ${CALLER_HEADER} header: subgraphs answer only the gateway` };
  const parts = value.split('.');
  if (parts.length !== 3 || parts[0] !== VERSION) return { phase: 'rejected', reason: `malformed ${CALLER_HEADER} header` };
  const body = `${parts[0]}.${parts[1]}`;
  const given = Buffer.from(parts[2] ?? '', 'base64url');
  const valid = opts.trust.secrets.some((s) => {
    const expected = mac(s, body);
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  if (!valid) return { phase: 'rejected', reason: `${CALLER_HEADER} signature does not verify` };
  let claims: z.infer<typeof claimsSchema>;
  try {
    const parsed = claimsSchema.safeParse(JSON.parse(Buffer.from(parts[1] ?? '', 'base64url').toString('utf8')));
    if (!parsed.success) return { phase: 'rejected', reason: `${CALLER_HEADER} claims are malformed` };
    claims = parsed.data;
  } catch {
    return { phase: 'rejected', reason: `${CALLER_HEADER} claims are not JSON` };
  }
  const now = Math.floor((opts.now ?? new Date()).getTime() / 1000);
  if (claims.exp + (opts.trust.clockSkewSeconds ?? 5) < now) return { phase: 'rejected', reason: `${CALLER_HEADER} expired` };
  if (claims.cid !== opts.correlationId) return { phase: 'rejected', reason: `${CALLER_HEADER} was signed for another request` };
  try {
    return { phase: 'verified', caller: makeCaller({ subject: claims.sub, roles: claims.roles, customerId: claims.cust, via: claims.via }) };
  } catch (e) {
    return { phase: 'rejected', reason: (e as Error).message };
  }
}

/**
 * Reads the shared secret(s) from INTERNAL_AUTH_SECRET (comma-separated for
 * rotation). Without it, nothing starts: a subgraph that cannot tell the gateway
 * from anyone else must not serve.
 */
export function loadTrustOptions(env: Record<string, string | undefined> = process.env): TrustOptions {
  const raw = env.INTERNAL_AUTH_SECRET;
  if (!raw) {
    throw new ConfigError(
      'INTERNAL_AUTH_SECRET is not set: the gateway signs the caller it passes to the subgraphs with this shared secret ' +
        `(at least ${MIN_SECRET_LENGTH} characters; \`npm start\` generates one for development)`,
    );
  }
  const secrets = raw.split(',').map((s) => s.trim()).filter(Boolean);
  const short = secrets.findIndex((s) => s.length < MIN_SECRET_LENGTH);
  if (secrets.length === 0 || short >= 0) {
    throw new ConfigError(`INTERNAL_AUTH_SECRET: expected secrets of at least ${MIN_SECRET_LENGTH} characters, got one of ${secrets[short]?.length ?? 0}`);
  }
  return { secrets };
}
