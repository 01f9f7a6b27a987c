/**
 * A minimal NetSuite TBA client for the sandbox tests: signs each request with
 * OAuth 1.0a HMAC-SHA256 (RFC 5849) using node:crypto only, so the tests do not
 * lean on the product's connector or on the server's own signing code.
 */
import { createHmac, randomBytes } from 'node:crypto';

export interface TbaConfig {
  realm: string;
  consumerKey: string;
  consumerSecret: string;
  token: string;
  tokenSecret: string;
}

export const SANDBOX_CREDS: TbaConfig = {
  realm: '1234567_SB1',
  consumerKey: 'sandbox-consumer-key',
  consumerSecret: 'sandbox-consumer-secret',
  token: 'sandbox-token-id',
  tokenSecret: 'sandbox-token-secret',
};

const enc = (s: string): string => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

export interface SignOverrides {
  timestamp?: number;
  nonce?: string;
  tamper?: boolean;
  creds?: Partial<TbaConfig>;
  method?: string;
}

export function authorization(method: string, url: string, o: SignOverrides = {}): string {
  const c = { ...SANDBOX_CREDS, ...o.creds };
  const u = new URL(url);
  const oauth: Record<string, string> = {
    oauth_consumer_key: c.consumerKey,
    oauth_token: c.token,
    oauth_signature_method: 'HMAC-SHA256',
    oauth_timestamp: String(o.timestamp ?? Math.floor(Date.now() / 1000)),
    oauth_nonce: o.nonce ?? randomBytes(12).toString('hex'),
    oauth_version: '1.0',
  };
  const pairs: [string, string][] = [...u.searchParams.entries(), ...Object.entries(oauth)];
  const param = pairs
    .map(([k, v]) => `${enc(k)}=${enc(v)}`)
    .sort()
    .join('&');
  const base = `${(o.method ?? method).toUpperCase()}&${enc(`${u.protocol}//${u.host}${u.pathname}`)}&${enc(param)}`;
  let sig = createHmac('sha256', `${enc(c.consumerSecret)}&${enc(c.tokenSecret)}`).update(base).digest('base64');
  if (o.tamper) sig = sig.slice(0, -4) + (sig.endsWith('AAA=') ? 'BBB=' : 'AAA=');
  const fields = { ...oauth, oauth_signature: sig };
  return `OAuth realm="${c.realm}", ${Object.entries(fields)
    .map(([k, v]) => `${k}="${enc(v)}"`)
    .join(', ')}`;
}

export interface NsResponse {
  status: number;
  headers: Headers;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests read arbitrary JSON shapes
}

export class NsClient {
  constructor(readonly baseUrl: string) {}

  async request(method: string, path: string, body?: unknown, o: SignOverrides & { headers?: Record<string, string> } = {}): Promise<NsResponse> {
    const url = `${this.baseUrl}${path}`;
    const headers: Record<string, string> = { authorization: authorization(method, url, o), accept: 'application/json', ...o.headers };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // not JSON; the raw text is returned
    }
    return { status: res.status, headers: res.headers, body: parsed };
  }

  suiteql(q: string, limit?: number, offset?: number, o: SignOverrides & { headers?: Record<string, string> } = {}): Promise<NsResponse> {
    const qs = new URLSearchParams();
    if (limit !== undefined) qs.set('limit', String(limit));
    if (offset !== undefined) qs.set('offset', String(offset));
    const s = qs.toString();
    return this.request('POST', `/services/rest/query/v1/suiteql${s ? `?${s}` : ''}`, { q }, { ...o, headers: { prefer: 'transient', ...o.headers } });
  }
}

/** Quotes a string for SuiteQL: single quotes doubled, as SQL requires. */
export function sqlString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}
