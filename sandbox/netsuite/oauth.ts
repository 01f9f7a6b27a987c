/**
 * Token-based authentication as NetSuite checks it: OAuth 1.0a with
 * HMAC-SHA256 (RFC 5849), the realm carrying the account id. The signature is
 * recomputed from the request as received, so a client that signs a different
 * URL, method or query than it sends is refused exactly as NetSuite refuses it.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { invalidLogin } from './errors.js';

/** Credentials of the one integration and access token the sandbox knows. */
export interface TbaCredentials {
  accountId: string;
  consumerKey: string;
  consumerSecret: string;
  tokenId: string;
  tokenSecret: string;
}

export const SANDBOX_TBA: TbaCredentials = {
  accountId: '1234567_SB1',
  consumerKey: 'sandbox-consumer-key',
  consumerSecret: 'sandbox-consumer-secret',
  tokenId: 'sandbox-token-id',
  tokenSecret: 'sandbox-token-secret',
};

/** NetSuite accepts timestamps this far from its own clock, either way. */
export const TIMESTAMP_WINDOW_SECONDS = 300;

/** RFC 3986 percent-encoding, as RFC 5849 section 3.6 requires (encodeURIComponent leaves !'()* alone). */
export function oauthEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, '%20'));
  } catch {
    return s;
  }
}

/** Parses `OAuth k="v", ...`; undefined when the header is not an OAuth header. */
export function parseOAuthHeader(header: string | undefined): Map<string, string> | undefined {
  if (!header) return undefined;
  const m = /^\s*OAuth\s+(.*)$/is.exec(header);
  if (!m) return undefined;
  const out = new Map<string, string>();
  const re = /([A-Za-z0-9_]+)\s*=\s*"([^"]*)"/g;
  for (let p = re.exec(m[1] ?? ''); p; p = re.exec(m[1] ?? '')) {
    out.set(p[1] ?? '', decode(p[2] ?? ''));
  }
  return out;
}

/** The RFC 5849 signature base string for a request. */
export function signatureBaseString(method: string, baseUrl: string, params: [string, string][]): string {
  const normalized = params
    .map(([k, v]) => [oauthEncode(k), oauthEncode(v)] as const)
    .sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  return `${method.toUpperCase()}&${oauthEncode(baseUrl)}&${oauthEncode(normalized)}`;
}

export function hmacSha256Signature(base: string, consumerSecret: string, tokenSecret: string): string {
  return createHmac('sha256', `${oauthEncode(consumerSecret)}&${oauthEncode(tokenSecret)}`).update(base).digest('base64');
}

/** The URL the client signed: scheme and host as it addressed us, the path, no query. */
export function requestBaseUrl(req: FastifyRequest): string {
  const proto = String(req.headers['x-forwarded-proto'] ?? 'http').split(',')[0]?.trim().toLowerCase() || 'http';
  let host = String(req.headers.host ?? 'localhost').toLowerCase();
  if ((proto === 'http' && host.endsWith(':80')) || (proto === 'https' && host.endsWith(':443'))) host = host.replace(/:\d+$/, '');
  const q = req.url.indexOf('?');
  return `${proto}://${host}${q >= 0 ? req.url.slice(0, q) : req.url}`;
}

export function queryPairs(url: string): [string, string][] {
  const q = url.indexOf('?');
  if (q < 0) return [];
  const out: [string, string][] = [];
  for (const part of url.slice(q + 1).split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    out.push(eq < 0 ? [decode(part), ''] : [decode(part.slice(0, eq)), decode(part.slice(eq + 1))]);
  }
  return out;
}

/** Verifies TBA signatures and remembers nonces for the acceptance window. */
export class TbaVerifier {
  private nonces = new Map<string, number>();

  constructor(
    private readonly creds: TbaCredentials,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** Throws NetSuite's 401 unless the request carries a valid TBA signature. */
  verify(req: FastifyRequest): void {
    const header = req.headers.authorization;
    const p = parseOAuthHeader(typeof header === 'string' ? header : undefined);
    if (!p) throw invalidLogin();
    const get = (k: string): string => p.get(k) ?? '';
    if (get('realm') !== this.creds.accountId) throw invalidLogin();
    if (get('oauth_consumer_key') !== this.creds.consumerKey || get('oauth_token') !== this.creds.tokenId) throw invalidLogin();
    // HMAC-SHA1 has been refused since 2023.1; only SHA-256 is accepted.
    if (get('oauth_signature_method') !== 'HMAC-SHA256') throw invalidLogin();
    if (p.has('oauth_version') && get('oauth_version') !== '1.0') throw invalidLogin();
    const ts = Number(get('oauth_timestamp'));
    const nowSec = Math.floor(this.now() / 1000);
    if (!/^\d+$/.test(get('oauth_timestamp')) || Math.abs(nowSec - ts) > TIMESTAMP_WINDOW_SECONDS) throw invalidLogin();
    const nonce = get('oauth_nonce');
    if (!nonce) throw invalidLogin();

    const params: [string, string][] = queryPairs(req.url);
    for (const [k, v] of p) {
      if (k.startsWith('oauth_') && k !== 'oauth_signature') params.push([k, v]);
    }
    const expected = hmacSha256Signature(signatureBaseString(req.method, requestBaseUrl(req), params), this.creds.consumerSecret, this.creds.tokenSecret);
    const given = Buffer.from(get('oauth_signature'));
    const want = Buffer.from(expected);
    if (given.length !== want.length || !timingSafeEqual(given, want)) throw invalidLogin();

    // Only a correctly signed request consumes its nonce, so a forged request cannot burn a legitimate one.
    this.sweep(nowSec);
    const key = `${this.creds.tokenId}|${nonce}`;
    if (this.nonces.has(key)) throw invalidLogin();
    this.nonces.set(key, nowSec + 2 * TIMESTAMP_WINDOW_SECONDS);
  }

  private sweep(nowSec: number): void {
    if (this.nonces.size < 10_000) return;
    for (const [k, exp] of this.nonces) if (exp < nowSec) this.nonces.delete(k);
  }
}
