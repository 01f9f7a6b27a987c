/**
 * NetSuite REST web services transport: token-based authentication (OAuth 1.0a,
 * HMAC-SHA256), SuiteQL with paging, and the record API, all through the shared
 * call policy with the account's concurrency limit. Domain connectors
 * (subgraphs/order/src/netsuite.ts, subgraphs/finance/src/netsuite.ts) build on it;
 * nothing above them sees SuiteQL or HTTP.
 */
import { createHmac } from 'node:crypto';
import { randomHex } from '../random.js';
import type { RedisClientType } from 'redis';
import { ConfigError, netsuiteShares, type CommonConfig, type NetSuiteConfig, type NetSuiteConsumer } from '../config.js';
import { UpstreamError } from '../errors.js';
import { defaultPolicy, systemPolicy, type CallPolicy, type SystemResponse } from '../http.js';
import { honouringHeldPermits, localLimiter, redisLimiter, type Limiter, type ProcessLimits } from '../limits.js';
import { createSlotBatcher, type BatchRead } from '../slot-batcher.js';

/** A SuiteQL row: lowercase column names; values as NetSuite returns them (strings), absent when null. */
export type SuiteQLRow = Record<string, string | undefined>;

export interface SuiteQLResult<Row extends SuiteQLRow = SuiteQLRow> {
  items: Row[];
  /** All matching rows, as NetSuite counted them. */
  totalResults: number;
  /** True when rows remain beyond maxRows. */
  truncated: boolean;
}

export interface NetSuiteClient {
  /**
   * Runs one SuiteQL query, following `hasMore` pages (1000 rows each by default)
   * until `maxRows` rows are read or the result ends. Costs ceil(rows / pageSize) calls.
   */
  suiteql<Row extends SuiteQLRow = SuiteQLRow>(query: string, opts?: { maxRows?: number }): Promise<SuiteQLResult<Row>>;
  /** GET /record/v1/{type}/{id}; `id` may be `eid:EXTERNAL`. Null when NetSuite says it does not exist. */
  getRecord<T = Record<string, unknown>>(type: string, id: string, opts?: { expandSubResources?: boolean }): Promise<T | null>;
  /** POST /record/v1/{type}; returns the new internal id from the Location header. */
  createRecord(type: string, body: Record<string, unknown>): Promise<{ id: string }>;
  /** PATCH /record/v1/{type}/{id}. */
  updateRecord(type: string, id: string, body: Record<string, unknown>): Promise<void>;
  /**
   * Answers `keys` from one call of `read` shared with the other requests of this
   * process that ask for the same `kind` while it waits for a concurrency slot
   * (lib/slot-batcher.ts). `read` makes its SuiteQL calls through this client; the
   * kind names everything the query depends on besides the keys.
   */
  batched<V>(kind: string, keys: readonly string[], read: BatchRead<V>): Promise<Map<string, V>>;
  /** PUT /record/v1/{type}/eid:{externalId}: create or update by external id. */
  upsertByExternalId(type: string, externalId: string, body: Record<string, unknown>): Promise<{ id: string }>;
  /** POST /record/v1/{fromType}/{id}/!transform/{toType}. */
  transform(fromType: string, id: string, toType: string, body: Record<string, unknown>): Promise<{ id: string }>;
}

export interface NetSuiteClientDeps {
  /** The account's shared concurrency limiter; one is made in process when absent. */
  limiter?: Limiter;
  /** Overrides of the call policy (deadline, timeouts, retries, backoff, breaker). @default deadline, per-attempt timeout and breaker from config, the rest from defaultPolicy */
  policy?: Partial<Omit<CallPolicy, 'system' | 'limiter'>>;
  /** Clock for OAuth timestamps, injectable for tests. @default Date.now */
  now?: () => number;
  /** Nonce source, injectable for tests. @default 16 random bytes as hex */
  nonce?: () => string;
}

/** Quotes a value as a SuiteQL string literal ('' doubling), so hostile input stays a literal. */
export function suiteqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

// ------------------------------------------------------------------ OAuth 1.0a (token-based authentication)
// Ours rather than the oauth-1.0a package (2.2.6), which fails RFC 5849's own base-string example
// (section 3.4.1.1), the rules NetSuite states for TBA: it keeps the base URI as written (no lowercase
// host, default port kept), reads the query with decodeURIComponent (`+` stays `+`, names stay encoded,
// a stray `%` throws), keeps one value per name where a URL parameter meets a body parameter, and draws
// the nonce and timestamp itself. The vectors are in test/clients/netsuite-signer.test.ts.

/** The credentials of one integration record plus one access token. */
export interface TbaCredentials {
  /** The account id, sent as the (unsigned) realm, e.g. "1234567_SB1". */
  accountId: string;
  consumerKey: string;
  consumerSecret: string;
  tokenId: string;
  tokenSecret: string;
}

/** RFC 3986 unreserved-only percent-encoding, as RFC 5849 section 3.6 requires; encodeURIComponent leaves !'()* bare. */
export function oauthEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * The RFC 5849 signature base string: method, the base URI (lowercase scheme and
 * host, default port dropped, no query) and the normalized parameters, which are
 * the URL's query parameters plus `params` (the oauth_* values, and form-body
 * parameters when there are any; NetSuite's JSON bodies are never signed).
 */
export function signatureBaseString(method: string, url: string, params: Array<[string, string]>): string {
  const u = new URL(url);
  const base = `${u.protocol}//${u.host}${u.pathname}`;
  const all: Array<[string, string]> = [...u.searchParams.entries(), ...params];
  const normalized = all
    .map(([k, v]) => [oauthEncode(k), oauthEncode(v)] as const)
    .sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  return `${method.toUpperCase()}&${oauthEncode(base)}&${oauthEncode(normalized)}`;
}

/**
 * base64 HMAC of the base string keyed by the two secrets. NetSuite accepts only
 * SHA-256; SHA-1 is here so the signer can be checked against published vectors.
 */
export function oauthSignature(baseString: string, consumerSecret: string, tokenSecret: string, algorithm: 'sha256' | 'sha1' = 'sha256'): string {
  return createHmac(algorithm, `${oauthEncode(consumerSecret)}&${oauthEncode(tokenSecret)}`).update(baseString).digest('base64');
}

/** The `Authorization: OAuth …` header for one attempt of one request. */
export function tbaAuthorization(
  creds: TbaCredentials,
  method: string,
  url: string,
  attempt: { timestamp: number; nonce: string },
): string {
  const oauth: Array<[string, string]> = [
    ['oauth_consumer_key', creds.consumerKey],
    ['oauth_token', creds.tokenId],
    ['oauth_signature_method', 'HMAC-SHA256'],
    ['oauth_timestamp', String(attempt.timestamp)],
    ['oauth_nonce', attempt.nonce],
    ['oauth_version', '1.0'],
  ];
  const signature = oauthSignature(signatureBaseString(method, url, oauth), creds.consumerSecret, creds.tokenSecret);
  const parts = [['realm', creds.accountId] as [string, string], ...oauth, ['oauth_signature', signature] as [string, string]];
  return `OAuth ${parts.map(([k, v]) => `${k}="${oauthEncode(v)}"`).join(', ')}`;
}

// ------------------------------------------------------------------ errors

interface NsErrorDetail {
  detail?: string;
  'o:errorCode'?: string;
}

/** Reads NetSuite's error envelope `{title, status, "o:errorDetails": [...]}`; tolerant of anything else. */
function errorDetail(text: string): { code?: string; detail?: string; title?: string } {
  try {
    const body = JSON.parse(text) as { title?: string; 'o:errorDetails'?: NsErrorDetail[] };
    const d = body['o:errorDetails']?.[0];
    return { code: d?.['o:errorCode'], detail: d?.detail, title: body.title };
  } catch {
    return {};
  }
}

// RESTlets and some REST paths report the account's concurrency limit as a 400
// with these codes rather than a 429; both mean "try again shortly".
const CONCURRENCY_CODES = new Set(['SSS_REQUEST_LIMIT_EXCEEDED', 'CONCURRENCY_LIMIT_EXCEEDED', 'EXCEEDED_CONCURRENCY_LIMIT']);

function classify(res: { status: number }, body: string): 'rate_limited' | 'unavailable' | undefined {
  if (res.status === 400 || res.status === 403) {
    const code = errorDetail(body).code;
    if (code && CONCURRENCY_CODES.has(code)) return 'rate_limited';
  }
  return undefined;
}

/** A refusal the connector did not expect: UPSTREAM_ERROR carrying NetSuite's own code. */
function refusal(what: string, res: SystemResponse): UpstreamError {
  const d = errorDetail(res.text);
  const code = d.code ?? `HTTP_${res.status}`;
  return new UpstreamError('ERP', 'error', `ERP refused ${what}: ${code}${d.detail ? ` (${d.detail.slice(0, 300)})` : ''}`, {
    status: res.status,
    upstreamCode: code,
  });
}

function idFromLocation(res: SystemResponse, what: string): { id: string } {
  const loc = res.headers.get('location');
  const id = loc ? decodeURIComponent(loc.replace(/[?#].*$/, '').split('/').pop() ?? '') : '';
  if (!id) {
    throw new UpstreamError('ERP', 'error', `ERP accepted ${what} but sent no Location header with the new id`, { status: res.status });
  }
  return { id };
}

// ------------------------------------------------------------------ client

interface SuiteQLPage {
  items?: Array<Record<string, unknown>>;
  hasMore?: boolean;
  totalResults?: number;
  count?: number;
}

/** SuiteQL rows carry `links`; values are strings (numbers tolerated and stringified). */
function toRow(item: Record<string, unknown>): SuiteQLRow {
  const row: SuiteQLRow = {};
  for (const [k, v] of Object.entries(item)) {
    if (k === 'links' || v === null || v === undefined) continue;
    row[k.toLowerCase()] = typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);
  }
  return row;
}

const segment = (s: string): string => encodeURIComponent(s).replace(/%3A/gi, ':');

export function createNetSuiteClient(config: NetSuiteConfig, deps: NetSuiteClientDeps = {}): NetSuiteClient {
  const limiter = deps.limiter ?? localLimiter({ maxConcurrent: config.maxConcurrent });
  const options = defaultPolicy('ERP', { timeoutMs: config.timeoutMs, deadlineMs: config.deadlineMs, breaker: config.breaker, ...deps.policy, limiter: honouringHeldPermits(limiter) });
  const policy = systemPolicy(options);
  const batcher = createSlotBatcher({
    system: 'ERP',
    limiter,
    permitWaitMs: options.permitWaitMs ?? options.deadlineMs,
    deadlineMs: options.deadlineMs,
  });
  const now = deps.now ?? Date.now;
  const nonce = deps.nonce ?? ((): string => randomHex(16));
  const creds: TbaCredentials = {
    accountId: config.accountId,
    consumerKey: config.consumerKey,
    consumerSecret: config.consumerSecret,
    tokenId: config.tokenId,
    tokenSecret: config.tokenSecret,
  };
  // Every attempt (retries included) is signed afresh: NetSuite refuses a reused nonce.
  const authorize = (req: { method: string; url: string; headers: Record<string, string> }): void => {
    req.headers.authorization = tbaAuthorization(creds, req.method, req.url, { timestamp: Math.floor(now() / 1000), nonce: nonce() });
  };
  const recordUrl = (...parts: string[]): string => `${config.baseUrl}/record/v1/${parts.map(segment).join('/')}`;

  const send = (req: { method: 'GET' | 'POST' | 'PUT' | 'PATCH'; url: string; body?: unknown; idempotent: boolean; headers?: Record<string, string> }) =>
    policy.call({ ...req, authorize, classify });

  return {
    async suiteql<Row extends SuiteQLRow = SuiteQLRow>(query: string, opts: { maxRows?: number } = {}): Promise<SuiteQLResult<Row>> {
      const maxRows = opts.maxRows ?? Number.POSITIVE_INFINITY;
      if (maxRows <= 0) return { items: [], totalResults: 0, truncated: false };
      // NetSuite wants offset to be a multiple of limit, so the page size stays fixed across pages.
      const limit = Math.min(config.pageSize, maxRows);
      const items: Row[] = [];
      let offset = 0;
      let totalResults = 0;
      let hasMore = true;
      while (hasMore && items.length < maxRows) {
        const res = await send({
          method: 'POST',
          url: `${config.baseUrl}/query/v1/suiteql?limit=${limit}&offset=${offset}`,
          headers: { prefer: 'transient' },
          body: { q: query },
          idempotent: true,
        });
        if (res.status !== 200) throw refusal('a SuiteQL query', res);
        const page = res.json<SuiteQLPage>() ?? {};
        const pageItems = page.items ?? [];
        for (const it of pageItems) {
          if (items.length >= maxRows) break;
          items.push(toRow(it) as Row);
        }
        totalResults = page.totalResults ?? Math.max(totalResults, offset + pageItems.length);
        hasMore = page.hasMore === true && pageItems.length > 0;
        offset += limit;
      }
      return { items, totalResults, truncated: hasMore || totalResults > items.length };
    },

    batched: (kind, keys, read) => batcher.load(kind, keys, read),

    async getRecord<T = Record<string, unknown>>(type: string, id: string, opts: { expandSubResources?: boolean } = {}): Promise<T | null> {
      const url = recordUrl(type, id) + (opts.expandSubResources ? '?expandSubResources=true' : '');
      const res = await send({ method: 'GET', url, idempotent: true });
      if (res.status === 404) return null;
      if (res.status !== 200) throw refusal(`GET ${type}`, res);
      return res.json<T>();
    },

    async createRecord(type, body) {
      const res = await send({ method: 'POST', url: recordUrl(type), body, idempotent: false });
      if (res.status !== 204 && res.status !== 200 && res.status !== 201) throw refusal(`creating a ${type}`, res);
      return idFromLocation(res, `a new ${type}`);
    },

    async updateRecord(type, id, body) {
      // Setting the same fields twice leaves the record as once, so a retry is safe.
      const res = await send({ method: 'PATCH', url: recordUrl(type, id), body, idempotent: true });
      if (res.status !== 204 && res.status !== 200) throw refusal(`updating ${type} ${id}`, res);
    },

    async upsertByExternalId(type, externalId, body) {
      const res = await send({ method: 'PUT', url: recordUrl(type, `eid:${externalId}`), body, idempotent: true });
      if (res.status !== 204 && res.status !== 200 && res.status !== 201) throw refusal(`upserting ${type} eid:${externalId}`, res);
      return res.headers.get('location') ? idFromLocation(res, `${type} eid:${externalId}`) : { id: `eid:${externalId}` };
    },

    async transform(fromType, id, toType, body) {
      const res = await send({ method: 'POST', url: `${recordUrl(fromType, id)}/!transform/${segment(toType)}`, body, idempotent: false });
      if (res.status !== 204 && res.status !== 200 && res.status !== 201) throw refusal(`transforming ${fromType} ${id} to ${toType}`, res);
      return idFromLocation(res, `a ${toType} from ${fromType} ${id}`);
    },
  };
}

/**
 * The concurrency limiter of one subgraph's calls to the account. NetSuite counts
 * concurrent requests per account across every integration. With Redis, every
 * replica, subgraph and poller takes its slots from one count of the whole
 * limit. Without it each process can only count its own calls, so each subgraph
 * gets its configured share of the limit (netsuiteShares), and the shares add up
 * to no more than the account allows; a configuration whose shares exceed it
 * throws a ConfigError, which stops the process at boot. Subgraphs that share a
 * process (`processLimits`) share one count of the whole limit instead.
 */
export function netsuiteLimiter(
  common: CommonConfig,
  config: NetSuiteConfig,
  redis: RedisClientType | undefined,
  consumer: NetSuiteConsumer,
  processLimits?: ProcessLimits,
): Limiter {
  if (redis) return redisLimiter(redis, `${common.namespace}:limits:netsuite:${config.accountId}`, { maxConcurrent: config.maxConcurrent });
  // Subgraphs in one process count together, so the whole limit is theirs to share.
  if (processLimits) return processLimits.for(`netsuite:${config.accountId}`, () => localLimiter({ maxConcurrent: config.maxConcurrent }));
  const share = netsuiteShares(config)[consumer];
  if (share === undefined) {
    throw new ConfigError(
      `the ${consumer} subgraph has no NetSuite concurrency slot of its own: set NETSUITE_SHARE_${consumer.toUpperCase()} (and lower the others to fit NETSUITE_MAX_CONCURRENT), or set REDIS_URL so the subgraphs share one count`,
    );
  }
  return localLimiter({ maxConcurrent: share });
}
