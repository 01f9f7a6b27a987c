/**
 * The gateway's signed internal header. The gateway verifies the client's token
 * and passes the resulting Caller to each subgraph as
 *
 *   x-rsg-caller: v2.<base64url(JSON claims)>.<base64url(HMAC-SHA256)>
 *
 * The MAC covers "v2.<claims>". Besides the caller, the claims bind the header
 * to the one request it was signed for, so that a header captured from the
 * gateway's traffic is worth nothing to anyone else:
 *
 * - `aud`: the subgraph it is meant for, by name (a subgraph checks its own name
 *   from its own config), so it cannot be sent to another subgraph;
 * - `req`: a digest of the request body it came with (or, where there is no
 *   body, of the operation it may run), so it cannot carry another query, other
 *   variables (another customer) or a mutation;
 * - `jti`: a random id, which the subgraph remembers until the header expires
 *   (in Redis when there is one, so every replica knows it): a header is good
 *   for one request, and a replay inside its life is refused;
 * - `iat`/`exp`: a life of a few seconds, with a documented clock-skew tolerance.
 *
 * `cid`, the client's correlation id, stays in the claims for logs, and must
 * still match the request's x-correlation-id so logs are not mislabelled; it
 * binds nothing, since the client chooses it.
 *
 * What `req` digests depends on what the request carries:
 *
 * - **HTTP** (lib/subgraph.ts): the body,
 *   as its exact bytes: `b:` and the sha256 of what the subgraph received
 *   (captured before JSON parsing, after any Content-Encoding). The gateway signs
 *   inside its transport (gateway/src/datasource.ts), where the body string
 *   exists, so the cost is one sha256 over the bytes it sends anyway, whatever
 *   the size of the `_entities` variables; the subgraph hashes the bytes it read.
 *   Any change to the body, even one that parses to the same operation, is refused.
 * - **a graphql-ws subscribe message, or a GET**: there are no body bytes of our
 *   own (graphql-ws serialises the frame), so the digest is of the operation:
 *   sha256 over a canonical JSON (keys sorted, absent = null/{}) of
 *   `{query, operationName, variables}`, which the subgraph recomputes from
 *   exactly what it is about to execute. A subgraph also accepts this form over
 *   HTTP from signers that never see the bytes they send (peers that serialise
 *   their bodies themselves): it binds the same operation, at the cost of a
 *   serialisation of the variables on each side.
 *
 * The two forms cannot stand for each other: a body digest is tagged `b:`, which
 * no base64url operation digest contains, and is checked only against body bytes.
 * The gateway prepares the claims once per fetch (`prepareCaller`, in
 * willSendRequest) and its transport seals them over the body (`sealCaller`): a
 * retried fetch goes through both again and is signed afresh.
 *
 * A subgraph served in the gateway's own process gets no header at all: the
 * gateway hands it a voucher (`vouchCaller`, below), which gives the same
 * guarantees without crypto, since it never leaves the process.
 *
 * HMAC with node:crypto rather than a JWS from jose: the two ends share one
 * secret, the format is fixed, and timingSafeEqual over a SHA-256 MAC is all
 * there is to verify.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { randomBase64url } from '../random.js';
import { LRUCache } from 'lru-cache';
import type { RedisClientType } from 'redis';
import { z } from 'zod';
import { ConfigError } from '../config.js';
import { makeCaller, ROLES, type Caller } from './caller.js';

export const CALLER_HEADER = 'x-rsg-caller';
const VERSION = 'v2';

/** Secrets shared by the gateway and the subgraphs. The first signs; all verify (rotation: add the new one first, deploy, then drop the old). */
export interface TrustOptions {
  secrets: readonly string[];
  /** Seconds a signed header stays valid: long enough to cross one hop, short enough that its nonce is cheap to remember. @default 5 */
  ttlSeconds?: number;
  /** Clock difference tolerated between gateway and subgraph hosts, in seconds, on both `iat` and `exp`. @default 5 */
  clockSkewSeconds?: number;
}

/** Shortest secret accepted: 32 characters (for a random base64url secret, 192 bits). */
export const MIN_SECRET_LENGTH = 32;

const DEFAULT_TTL_SECONDS = 5;
const DEFAULT_SKEW_SECONDS = 5;

const claimsSchema = z.object({
  sub: z.string().min(1),
  roles: z.array(z.enum(ROLES)),
  cust: z.string().min(1).optional(),
  via: z.enum(['token', 'anonymous', 'gateway']),
  cid: z.string().min(1),
  aud: z.string().min(1),
  req: z.string().min(1),
  jti: z.string().min(16),
  iat: z.number().int(),
  exp: z.number().int(),
});
type Claims = z.infer<typeof claimsSchema>;

/** The operation a header may run: what the subgraph executes, as a GraphQL-over-HTTP body or a graphql-ws subscribe payload carries it. */
export interface SignedOperation {
  query?: unknown;
  operationName?: unknown;
  variables?: unknown;
}

/**
 * What one header is bound to: the subgraph (by name), and either the exact body
 * bytes of the request or the operation it runs, or `'connection'` for the
 * upgrade request of the gateway's graphql-ws link, which runs nothing itself
 * (each subscribe on it is signed on its own).
 *
 * A signer gives one of `body` and `operation`: `body` wherever the bytes exist.
 * A verifier gives what the request carries: `body` (the bytes it read) and
 * `operation` (what it will execute) for an HTTP POST, `operation` alone for a
 * subscribe or a GET; the header's own claim says which of the two it binds.
 */
export interface SignatureBinding {
  audience: string;
  /** The request body as sent: a string (hashed as its UTF-8 bytes) or the bytes themselves. */
  body?: string | Uint8Array;
  operation?: SignedOperation | 'connection';
}

/** Prefix of a body digest in the `req` claim; base64url has no ':'. */
const BODY_DIGEST = 'b:';

/** `b:` and the sha256 (base64url) of the body's bytes, as both ends compute it. */
export function bodyDigest(body: string | Uint8Array): string {
  return `${BODY_DIGEST}${createHash('sha256').update(body).digest('base64url')}`;
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** sha256 (base64url) of the operation, as both ends compute it; `'connection'` has a digest no operation can have. */
export function operationDigest(operation: SignedOperation | 'connection'): string {
  const text =
    operation === 'connection'
      ? 'graphql-ws connection'
      : canonical({ query: operation.query ?? null, operationName: operation.operationName ?? null, variables: operation.variables ?? {} });
  return createHash('sha256').update(text).digest('base64url');
}

const mac = (secret: string, data: string): Buffer => createHmac('sha256', secret).update(data).digest();

/** The `req` claim a signer puts in for a binding. */
function signedDigest(bind: SignatureBinding): string {
  if (bind.body !== undefined) return bodyDigest(bind.body);
  if (bind.operation === undefined) throw new Error('a caller header is bound to a body or an operation: give one');
  return operationDigest(bind.operation);
}

type UnboundClaims = Omit<Claims, 'req'>;

function claimsOf(caller: Caller, opts: { trust: TrustOptions; correlationId: string; audience: string; now?: Date }): UnboundClaims {
  const now = Math.floor((opts.now ?? new Date()).getTime() / 1000);
  return {
    sub: caller.subject,
    roles: [...caller.roles],
    ...(caller.customerId ? { cust: caller.customerId } : {}),
    via: caller.via,
    cid: opts.correlationId,
    aud: opts.audience,
    jti: randomBase64url(16),
    iat: now,
    exp: now + (opts.trust.ttlSeconds ?? DEFAULT_TTL_SECONDS),
  };
}

function seal(claims: Claims, trust: TrustOptions): string {
  const secret = trust.secrets[0];
  if (!secret) throw new Error('no internal signing secret configured');
  const body = `${VERSION}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  return `${body}.${mac(secret, body).toString('base64url')}`;
}

/** Signs the caller for one request to one subgraph. Call it once per fetch: each header is good for one request. */
export function signCaller(caller: Caller, opts: { trust: TrustOptions; correlationId: string; bind: SignatureBinding; now?: Date }): string {
  return seal({ ...claimsOf(caller, { ...opts, audience: opts.bind.audience }), req: signedDigest(opts.bind) }, opts.trust);
}

/** Marks a prepared, unsigned caller header (`sealCaller` turns it into one a subgraph accepts; a subgraph refuses it as is). */
const PREPARED = 'unsigned';

/**
 * The first half of signing, for a transport that learns the body after the
 * caller: the claims for this subgraph and request, not yet bound to a body nor
 * MACed, in a form that travels as a header value. A subgraph refuses it as it is.
 */
export function prepareCaller(caller: Caller, opts: { trust: TrustOptions; correlationId: string; audience: string; now?: Date }): string {
  return `${PREPARED}.${Buffer.from(JSON.stringify(claimsOf(caller, opts))).toString('base64url')}`;
}

/** Whether a header value is a prepared, unsigned caller. */
export const isPreparedCaller = (value: string | undefined): value is string => value?.startsWith(`${PREPARED}.`) === true;

/** The second half: binds prepared claims to the exact body about to be sent, and signs them. */
export function sealCaller(prepared: string, body: string | Uint8Array, trust: TrustOptions): string {
  if (!prepared.startsWith(`${PREPARED}.`)) throw new Error(`expected a caller header from prepareCaller, got one starting '${prepared.slice(0, 10)}'`);
  const claims = JSON.parse(Buffer.from(prepared.slice(PREPARED.length + 1), 'base64url').toString('utf8')) as UnboundClaims;
  return seal({ ...claims, req: bodyDigest(body) }, trust);
}

/**
 * Remembers the ids of the headers a subgraph accepted, until they expire.
 * `claim` resolves true the first time it sees an id, false for a replay.
 * `expiresAtMs` is absolute (the last moment the header could be accepted), so a
 * replay claims with the same expiry as the original; `nowMs` is the verifier's
 * clock, from which the time left to remember it is counted.
 */
export interface NonceStore {
  claim(nonce: string, expiresAtMs: number, nowMs?: number): Promise<boolean>;
  close?(): Promise<void>;
}

/**
 * In memory, bounded. An LRU must not let a replay in by forgetting: when it
 * evicts an id before its expiry (more live headers than `max`, only under a
 * flood), every header that expires no later than the evicted one is refused,
 * as its id may have been forgotten. Legitimate headers are checked within
 * milliseconds of signing and expire after every evicted one, so they pass.
 */
export function memoryNonceStore(opts: {
  /** Ids remembered at once; at the default 5 s life plus 5 s skew that is 10,000 requests a second per process. @default 100000 */
  max?: number;
} = {}): NonceStore {
  let forgottenUntil = 0;
  const seen = new LRUCache<string, number>({
    max: opts.max ?? 100_000,
    dispose: (expiresAt, _key, reason) => {
      if (reason === 'evict' && expiresAt > forgottenUntil) forgottenUntil = expiresAt;
    },
  });
  return {
    async claim(nonce, expiresAtMs, nowMs = Date.now()) {
      if (expiresAtMs <= forgottenUntil || seen.has(nonce)) return false;
      seen.set(nonce, expiresAtMs, { ttl: Math.max(1, expiresAtMs - nowMs) });
      return true;
    },
  };
}

/**
 * Shared by every replica through Redis (`SET <ns>:caller-nonce:<id> 1 NX PX <ttl>`),
 * so a header replayed to another replica is refused too. The local store is
 * consulted first (a replay to the same process costs no round trip). If Redis
 * fails, the local store alone decides and the failure is reported through
 * `onError`: replays to the same replica are still refused, and the bindings
 * to one subgraph, one operation and a few seconds still hold.
 */
export function redisNonceStore(
  redis: RedisClientType,
  opts: { namespace: string; local?: NonceStore; onError?: (err: unknown) => void },
): NonceStore {
  const local = opts.local ?? memoryNonceStore();
  return {
    async claim(nonce, expiresAtMs, nowMs = Date.now()) {
      if (!(await local.claim(nonce, expiresAtMs, nowMs))) return false;
      try {
        const ttlMs = Math.max(1, Math.ceil(expiresAtMs - nowMs));
        const ok = await redis.set(`${opts.namespace}:caller-nonce:${nonce}`, '1', { condition: 'NX', expiration: { type: 'PX', value: ttlMs } });
        return ok === 'OK';
      } catch (err) {
        opts.onError?.(err);
        return true;
      }
    },
  };
}

export type CallerVerification = { phase: 'verified'; caller: Caller } | { phase: 'rejected'; reason: string };

/**
 * Checks a subgraph request's caller header against the request it came with:
 * the MAC, the life, the audience (this subgraph's name), the body received
 * or the operation about to run (whichever the header binds), the correlation id, and last (so that a refused header burns no id)
 * that its id has not been used. The reason is for logs; clients get a plain
 * UNAUTHENTICATED.
 */
export async function verifyCaller(
  header: string | string[] | undefined,
  opts: { trust: TrustOptions; correlationId: string | undefined; bind: SignatureBinding; nonces: NonceStore; now?: Date },
): Promise<CallerVerification> {
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
  let claims: Claims;
  try {
    const parsed = claimsSchema.safeParse(JSON.parse(Buffer.from(parts[1] ?? '', 'base64url').toString('utf8')));
    if (!parsed.success) return { phase: 'rejected', reason: `${CALLER_HEADER} claims are malformed` };
    claims = parsed.data;
  } catch {
    return { phase: 'rejected', reason: `${CALLER_HEADER} claims are not JSON` };
  }
  const nowMs = (opts.now ?? new Date()).getTime();
  const now = Math.floor(nowMs / 1000);
  const skew = opts.trust.clockSkewSeconds ?? DEFAULT_SKEW_SECONDS;
  if (claims.exp + skew < now) return { phase: 'rejected', reason: `${CALLER_HEADER} expired` };
  if (claims.iat - skew > now) return { phase: 'rejected', reason: `${CALLER_HEADER} was issued in the future` };
  if (claims.aud !== opts.bind.audience) return { phase: 'rejected', reason: `${CALLER_HEADER} was signed for the ${claims.aud} subgraph, not ${opts.bind.audience}` };
  if (claims.req.startsWith(BODY_DIGEST)) {
    if (opts.bind.body === undefined || claims.req !== bodyDigest(opts.bind.body)) return { phase: 'rejected', reason: `${CALLER_HEADER} was signed for another request body` };
  } else if (opts.bind.operation === undefined || claims.req !== operationDigest(opts.bind.operation)) {
    return { phase: 'rejected', reason: `${CALLER_HEADER} was signed for another operation` };
  }
  if (claims.cid !== opts.correlationId) return { phase: 'rejected', reason: `${CALLER_HEADER} was signed for another request` };
  let caller: Caller;
  try {
    caller = makeCaller({ subject: claims.sub, roles: claims.roles, customerId: claims.cust, via: claims.via });
  } catch (e) {
    return { phase: 'rejected', reason: (e as Error).message };
  }
  // Remembered until the last moment any subgraph would still accept it (on this host's clock).
  if (!(await opts.nonces.claim(claims.jti, (claims.exp + skew + 1) * 1000, nowMs))) return { phase: 'rejected', reason: `${CALLER_HEADER} was already used (a replay)` };
  return { phase: 'verified', caller };
}

/**
 * The in-process voucher: what the gateway hands a subgraph served in its own
 * process (lib/local-subgraph.ts) instead of a signed header. It holds nothing
 * readable: its caller, subgraph, correlation id and expiry stay in this
 * module's `unspent` map, keyed by the object itself, so only a voucher minted
 * here (`vouchCaller`) and not yet accepted is found there. Accepting it takes
 * it out: a voucher is good for one request, to the one subgraph it names,
 * within the header's life. It never leaves the process (an object cannot
 * travel over HTTP), so there are no bytes to capture and replay, and no body
 * to bind: whoever holds it is code of this process, which could as well sign.
 * It costs no HMAC, no body digest, no JSON and no nonce round trip.
 */
class CallerVoucher {
  constructor() {
    Object.freeze(this);
  }
}
export type { CallerVoucher };

interface Grant {
  caller: Caller;
  audience: string;
  correlationId: string;
  /** The last moment it is accepted, on this process's clock (one clock: no skew to tolerate). */
  expiresAtMs: number;
}

const unspent = new WeakMap<CallerVoucher, Grant>();
const spent = new WeakSet<CallerVoucher>();

/** Vouches for a verified caller for one request to one subgraph of this process. Mint one per fetch, as a header is signed per fetch. */
export function vouchCaller(caller: Caller, opts: { trust: TrustOptions; correlationId: string; audience: string; now?: Date }): CallerVoucher {
  const voucher = new CallerVoucher();
  unspent.set(voucher, {
    // The invariants a subgraph relies on, checked as verifyCaller checks them.
    caller: makeCaller({ subject: caller.subject, roles: caller.roles, customerId: caller.customerId, via: caller.via }),
    audience: opts.audience,
    correlationId: opts.correlationId,
    expiresAtMs: (opts.now ?? new Date()).getTime() + (opts.trust.ttlSeconds ?? DEFAULT_TTL_SECONDS) * 1000,
  });
  return voucher;
}

/**
 * A subgraph's check of an in-process voucher, with verifyCaller's verdict: refused
 * unless minted by vouchCaller and not yet accepted, for this subgraph, this
 * request's correlation id, and unexpired. Accepting it spends it; a refused one
 * is not spent (as a refused header burns no id).
 */
export function acceptVoucher(voucher: unknown, opts: { audience: string; correlationId: string | undefined; now?: Date }): CallerVerification {
  const grant = voucher instanceof CallerVoucher ? unspent.get(voucher) : undefined;
  if (!grant) {
    const used = voucher instanceof CallerVoucher && spent.has(voucher);
    return { phase: 'rejected', reason: used ? 'the caller voucher was already used (a replay)' : 'not a caller voucher of this process' };
  }
  if ((opts.now ?? new Date()).getTime() > grant.expiresAtMs) return { phase: 'rejected', reason: 'the caller voucher expired' };
  if (grant.audience !== opts.audience) return { phase: 'rejected', reason: `the caller voucher is for the ${grant.audience} subgraph, not ${opts.audience}` };
  if (grant.correlationId !== opts.correlationId) return { phase: 'rejected', reason: 'the caller voucher is for another request' };
  unspent.delete(voucher as CallerVoucher);
  spent.add(voucher as CallerVoucher);
  return { phase: 'verified', caller: grant.caller };
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
