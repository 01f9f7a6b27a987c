/**
 * Salesforce transport on jsforce: authentication (OAuth username-password,
 * client credentials, JWT bearer, or a given session), SOQL with queryMore, and
 * raw REST calls, all under the shared call policy and carrying the request's
 * correlation id. Domain connectors (subgraphs/customer/src/salesforce.ts) build
 * on it; nothing above them sees SOQL, URLs or HTTP statuses.
 *
 * jsforce is used for what it is good at (the OAuth grants, session headers, the
 * `Sforce-Limit-Info` bookkeeping) and kept away from two things we need to own:
 * retries (its fetch layer retries 5xx five times with backoff, which would hide
 * an outage behind 15 s of waiting and multiply calls; the policy retries instead)
 * and session refresh (its delegate re-logs in on every 401 without bound; we
 * re-login exactly once per call). Its REST calls go out on the process's
 * connection pool (`poolTransport`), not on its own node-fetch stack; the OAuth
 * grants, rare, keep jsforce's.
 */
import { createPrivateKey } from 'node:crypto';
import { PassThrough, type Duplex } from 'node:stream';
import { Connection, type HttpRequest, type HttpResponse } from 'jsforce';
import { SignJWT } from 'jose';
import type { SalesforceAuth, SalesforceConfig } from '../config.js';
import { UpstreamError, unreachable } from '../errors.js';
import { defaultPolicy, exchange, systemPolicy, type CallPolicy } from '../http.js';
import { propagationHeaders } from '../context.js';
import type { Limiter } from '../limits.js';
import { childLogger } from '../log.js';
import { noteOnSpan, routeTemplate } from '../tracing.js';
import { openChangeStream, type ChangeStream, type ChangeStreamOptions } from './salesforce-streaming.js';

export { ReplayIdUnavailableError, type ChangeEventMessage, type ChangeStream, type ChangeStreamOptions } from './salesforce-streaming.js';

const log = childLogger('salesforce');

/** A record as the REST API returns it: API names to JSON values, plus `attributes`. */
export type SfRecord = Record<string, unknown>;

export interface SfQueryResult<R extends SfRecord = SfRecord> {
  /** Every record matching the query, as Salesforce counted them (not only those read). */
  totalSize: number;
  records: R[];
  /** True when records remain beyond `maxRecords`. */
  truncated: boolean;
}

export interface QueryOptions {
  /** Stop following `nextRecordsUrl` once this many records are read. @default all of them */
  maxRecords?: number;
  /** Records per batch asked of Salesforce (200..2000; Salesforce may send fewer). @default Salesforce's, 2000 */
  batchSize?: number;
}

export interface SalesforceRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** Path under `/services/data/v{version}`, e.g. `/sobjects/Account/001…`. */
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** Safe to send twice; only these are retried. */
  idempotent: boolean;
}

export interface ApiUsage {
  used: number;
  limit: number;
}

export interface SalesforceClient {
  /**
   * Runs one SOQL query, following `nextRecordsUrl` until `maxRecords` records
   * are read or the result ends. Costs one call per batch Salesforce returns
   * (up to 2,000 records each), plus a login when there is no session yet.
   */
  query<R extends SfRecord = SfRecord>(soql: string, opts?: QueryOptions): Promise<SfQueryResult<R>>;
  /** One REST call under `/services/data/v{version}`; resolves to the parsed body (undefined for 204). */
  request<T = unknown>(req: SalesforceRequest): Promise<T>;
  /** The org's API usage as of the last response, from `Sforce-Limit-Info`; undefined before any call. */
  apiUsage(): ApiUsage | undefined;
  /** Where the session lifecycle stands (for health checks and logs). */
  authPhase(): AuthState['phase'];
  /** Signs in now rather than on the first call (lets callers keep the token call out of a measured request). */
  connect(): Promise<void>;
  /**
   * The org's id, from the session's identity URL: no extra call after an OAuth
   * grant. A refreshed sandbox is a new org, so state kept per org (CDC replay
   * ids, poll watermarks) is bound to it.
   */
  orgId(): Promise<string>;
  /**
   * Subscribes to Change Data Capture channels through jsforce's streaming client
   * (CometD long-polling on `/cometd/{version}`), resuming each channel after its
   * replay id. Signs in first when there is no session.
   */
  streamChanges(opts: ChangeStreamOptions): Promise<ChangeStream>;
  close(): Promise<void>;
}

export interface SalesforceClientDeps {
  /** Overrides of the call policy (timeout from config unless given). */
  policy?: Partial<CallPolicy>;
  /** A limiter shared by everything that calls this org; none by default. */
  limiter?: Limiter;
}

/**
 * The session lifecycle. `signing_in` holds the one login every concurrent
 * caller waits on; a failed login returns to `signed_out` so the next call tries again.
 */
export type AuthState =
  | { phase: 'signed_out' }
  | { phase: 'signing_in'; ready: Promise<Connection> }
  | { phase: 'signed_in'; conn: Connection }
  | { phase: 'closed' };

const JWT_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

// ------------------------------------------------------------ SOQL literals

const SOQL_ESCAPES: Record<string, string> = {
  '\\': '\\\\',
  "'": "\\'",
  '"': '\\"',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\b': '\\b',
  '\f': '\\f',
};

function escapeSoqlBody(value: string): string {
  // Other control characters have no short escape; \uXXXX keeps them inside the literal.
  return value.replace(/[\\'"\n\r\t\b\f]|[\u0000-\u001f\u007f]/g, (c) => SOQL_ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Quotes a value as a SOQL string literal (WIRE.md 1.5), so hostile input stays a literal. */
export function soqlString(value: string): string {
  return `'${escapeSoqlBody(value)}'`;
}

/**
 * A LIKE pattern matching values that start with `value`: the value's own `%`
 * and `_` are escaped so they match themselves, and one `%` is appended.
 */
export function soqlLikePrefix(value: string): string {
  return `'${soqlLikeEscape(value)}%'`;
}

/**
 * The body of a LIKE literal (no quotes) matching `value` exactly: escaped as a
 * string literal, and its `%` and `_` escaped to match themselves. For patterns
 * that wrap the value in wildcards of their own, e.g. `'% ' + body + '%'`.
 */
export function soqlLikeEscape(value: string): string {
  return escapeSoqlBody(value).replace(/[%_]/g, (c) => `\\${c}`);
}

// ------------------------------------------------------------ failures

interface ErrorLike {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  errorCode?: unknown;
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'ENETDOWN',
  'ENETUNREACH',
  'EHOSTDOWN',
  'EHOSTUNREACH',
  'EPIPE',
  'EAI_AGAIN',
  // undici's own: a socket closed under the exchange, a pool closed or destroyed.
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_DESTROYED',
]);
const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);
// Salesforce's own codes for "try again later" answers (503 maintenance, 500 internal).
const UNAVAILABLE_CODES = new Set(['SERVER_UNAVAILABLE', 'SERVICE_UNAVAILABLE', 'UNKNOWN_EXCEPTION']);

function errorCodeOf(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as ErrorLike;
  if (typeof e.errorCode === 'string') return e.errorCode;
  // jsforce's OAuth2 errors carry the OAuth `error` as their name.
  if (typeof e.name === 'string' && e.name !== 'Error') return e.name;
  return undefined;
}

/** Maps what jsforce throws (plus the HTTP status we saw, when there was one) to an UpstreamError. */
export function classifySalesforceError(err: unknown, status?: number): UpstreamError | undefined {
  if (err instanceof UpstreamError) return err;
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as ErrorLike;
  const message = typeof e.message === 'string' ? e.message : String(err);
  const code = errorCodeOf(err);
  if (e.name === 'AbortError' || (typeof e.code === 'string' && TIMEOUT_CODES.has(e.code))) {
    // Messages reach clients: name the failure, keep URLs and hosts in `cause` for the logs.
    return new UpstreamError('SALESFORCE', 'timeout', 'Salesforce did not answer in time', { cause: err });
  }
  if (e.name === 'FetchError' || (typeof e.code === 'string' && NETWORK_CODES.has(e.code))) {
    return new UpstreamError('SALESFORCE', 'unavailable', `Salesforce could not be reached (${typeof e.code === 'string' ? e.code : 'network error'})`, { cause: err });
  }
  if (code === 'REQUEST_LIMIT_EXCEEDED') {
    return new UpstreamError('SALESFORCE', 'rate_limited', 'Salesforce API request limit exceeded', {
      status: status ?? 403,
      upstreamCode: code,
      cause: err,
    });
  }
  const httpStatus = status ?? (code && /^ERROR_HTTP_(\d{3})$/.exec(code) ? Number(code.slice(11)) : undefined);
  if ((httpStatus !== undefined && httpStatus >= 500) || (code !== undefined && UNAVAILABLE_CODES.has(code))) {
    return new UpstreamError('SALESFORCE', 'unavailable', `Salesforce answered HTTP ${httpStatus ?? 503}`, {
      ...(httpStatus !== undefined ? { status: httpStatus } : {}),
      ...(code !== undefined ? { upstreamCode: code } : {}),
      cause: err,
    });
  }
  if (code !== undefined || httpStatus !== undefined) {
    // The last line only: SOQL errors quote the query and a caret above it, which clients must not see.
    const summary = message.trim().split('\n').at(-1) ?? '';
    return new UpstreamError('SALESFORCE', 'error', `Salesforce refused the call (${code ?? `HTTP ${httpStatus}`}): ${summary}`, {
      ...(httpStatus !== undefined ? { status: httpStatus } : {}),
      ...(code !== undefined ? { upstreamCode: code } : {}),
      cause: err,
    });
  }
  return undefined;
}

function isInvalidSession(err: unknown): boolean {
  return errorCodeOf(err) === 'INVALID_SESSION_ID';
}

// ------------------------------------------------------------ the client

/** A transport that records the response's status and limit header for one call, then defers to jsforce's own. */
interface StatusProbe {
  status?: number;
  limitInfo?: string;
}

/** What jsforce asks of a transport: the answer, and a stream it pipes through (unused by the REST calls made here). */
interface JsforceTransport {
  httpRequest(req: HttpRequest, options?: object): PromiseLike<HttpResponse> & { stream(): Duplex };
}

/**
 * jsforce's transport on the process's connection pool (lib/http.ts `exchange`,
 * undici), in place of its own on node-fetch and Node's http client. Salesforce
 * calls then cost what the other systems' calls cost: on the customer-360's
 * miss path jsforce's stack took about as much CPU as the five undici calls of
 * the other systems together. What node-fetch did for jsforce is kept: gzip and
 * deflate accepted and decoded, redirects followed, header names in lower case.
 * The response's status and `Sforce-Limit-Info` are recorded in `probe`.
 */
function poolTransport(probe: StatusProbe, signal: AbortSignal): JsforceTransport {
  return {
    httpRequest(req) {
      const answered = (async (): Promise<HttpResponse> => {
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(req.headers ?? {})) if (value !== undefined) headers[name] = String(value);
        if (req.body !== undefined && typeof req.body !== 'string') throw new Error('the Salesforce transport sends string bodies only');
        const res = await exchange(req.url, { method: req.method, headers, ...(req.body !== undefined ? { body: req.body } : {}), signal }).catch((e: unknown) => {
          // undici's failures carry a code (or are aborts) and are classified as such; anything else is an answer this client cannot read.
          if (classifySalesforceError(e) || signal.aborted) throw e;
          throw new UpstreamError('SALESFORCE', 'unavailable', 'Salesforce sent an answer this client cannot read', { cause: e });
        });
        const flat: Record<string, string> = {};
        for (const [name, value] of Object.entries(res.headers)) if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
        probe.status = res.status;
        probe.limitInfo = flat['sforce-limit-info'];
        return { statusCode: res.status, headers: flat, body: res.text };
      })();
      return Object.assign(answered, { stream: () => new PassThrough() });
    },
  };
}

export function createSalesforceClient(config: SalesforceConfig, deps: SalesforceClientDeps = {}): SalesforceClient {
  const policy = systemPolicy(
    defaultPolicy('SALESFORCE', {
      timeoutMs: config.timeoutMs,
      deadlineMs: config.deadlineMs,
      breaker: config.breaker,
      ...deps.policy,
      ...(deps.limiter ? { limiter: deps.limiter } : {}),
    }),
  );
  const version = config.apiVersion;
  const auth: SalesforceAuth = config.auth;
  let state: AuthState = { phase: 'signed_out' };
  let usage: ApiUsage | undefined;

  function newConnection(): Connection {
    let conn: Connection;
    switch (auth.phase) {
      case 'password':
      case 'client_credentials':
        conn = new Connection({ oauth2: { clientId: auth.clientId, clientSecret: auth.clientSecret, loginUrl: config.loginUrl }, loginUrl: config.loginUrl, version });
        break;
      case 'jwt':
        // No client id on the OAuth2 helper: the JWT's `iss` names the client, and jsforce would
        // otherwise add client_id (and a refresh delegate) that the grant does not use.
        conn = new Connection({ oauth2: { loginUrl: config.loginUrl }, loginUrl: config.loginUrl, version });
        break;
      case 'token':
        conn = new Connection({ instanceUrl: auth.instanceUrl, accessToken: auth.accessToken, version });
        break;
      default:
        return unreachable(auth);
    }
    // We re-login ourselves, once per call; jsforce's delegate would retry a 401 without bound.
    conn._refreshDelegate = undefined;
    return conn;
  }

  async function jwtAssertion(a: Extract<SalesforceAuth, { phase: 'jwt' }>): Promise<string> {
    // createPrivateKey reads PKCS#1 and PKCS#8 PEMs alike.
    const key = createPrivateKey(a.privateKeyPem);
    return new SignJWT({})
      .setProtectedHeader({ alg: 'RS256' })
      .setIssuer(a.clientId)
      .setSubject(a.username)
      .setAudience(a.audience)
      .setExpirationTime('3m')
      .sign(key);
  }

  async function login(): Promise<Connection> {
    const conn = newConnection();
    switch (auth.phase) {
      case 'password':
        // login() would do the same after installing the unbounded refresh delegate.
        await conn.loginByOAuth2(auth.username, auth.password);
        break;
      case 'client_credentials':
        await conn.authorize({ grant_type: 'client_credentials' });
        break;
      case 'jwt':
        await conn.authorize({ grant_type: JWT_GRANT, assertion: await jwtAssertion(auth) });
        break;
      case 'token':
        break;
      default:
        return unreachable(auth);
    }
    conn._refreshDelegate = undefined;
    log.info({ grant: auth.phase, instanceUrl: conn.instanceUrl }, 'salesforce session established');
    return conn;
  }

  async function session(): Promise<Connection> {
    switch (state.phase) {
      case 'signed_in':
        return state.conn;
      case 'signing_in':
        return state.ready;
      case 'signed_out': {
        const ready = login().then(
          (conn) => {
            if (state.phase === 'signing_in' && state.ready === ready) state = { phase: 'signed_in', conn };
            return conn;
          },
          (err: unknown) => {
            if (state.phase === 'signing_in' && state.ready === ready) state = { phase: 'signed_out' };
            throw classifySalesforceError(err) ?? err;
          },
        );
        state = { phase: 'signing_in', ready };
        return ready;
      }
      case 'closed':
        throw new UpstreamError('SALESFORCE', 'unavailable', 'the Salesforce client is closed');
      default:
        return unreachable(state);
    }
  }

  /** Drops a session Salesforce no longer accepts, unless someone already replaced it. */
  function invalidate(conn: Connection): void {
    if (state.phase === 'signed_in' && state.conn === conn) state = { phase: 'signed_out' };
  }

  function recordUsage(conn: Connection, probe: StatusProbe): void {
    const fromConn = conn.limitInfo.apiUsage;
    if (fromConn) {
      usage = { used: fromConn.used, limit: fromConn.limit };
      return;
    }
    const m = probe.limitInfo ? /api-usage=(\d+)\/(\d+)/.exec(probe.limitInfo) : null;
    if (m) usage = { used: Number(m[1]), limit: Number(m[2]) };
  }

  /**
   * One HTTP exchange through jsforce, with its status captured for classification.
   * jsforce shapes the request (session header, body size) and reads the answer
   * (JSON, Salesforce's error bodies); the bytes go through `poolTransport`, on the
   * attempt's signal, so the policy's timeout cancels the exchange and frees its socket.
   */
  async function send<T>(conn: Connection, req: HttpRequest, probe: StatusProbe, signal: AbortSignal): Promise<T> {
    // maxRetries 0: the policy owns retries (jsforce's own transport would retry 5xx itself; this one never does).
    return (await conn.request<T>(req, { transport: poolTransport(probe, signal), retry: { maxRetries: 0 } })) as T;
  }

  /** Runs one call under the policy, re-logging in once if the session was refused. `route` names it in metrics and traces (its path as a template). */
  async function call<T>(idempotent: boolean, route: { method: string; path: string }, build: (conn: Connection) => HttpRequest): Promise<T> {
    let lastStatus: number | undefined;
    return policy.run(
      { idempotent, route: `${route.method} ${routeTemplate(route.path)}`, classify: (err) => classifySalesforceError(err, lastStatus) },
      async ({ signal }) => {
        lastStatus = undefined;
        let conn = await session();
        for (let relogin = 0; ; relogin++) {
          const probe: StatusProbe = {};
          try {
            const out = await send<T>(conn, build(conn), probe, signal);
            recordUsage(conn, probe);
            // jsforce does the HTTP, so the call's span (lib/http.ts) learns the status from here.
            if (probe.status !== undefined) noteOnSpan({ 'http.response.status_code': probe.status });
            return out;
          } catch (err) {
            recordUsage(conn, probe);
            lastStatus = probe.status;
            if (isInvalidSession(err) && relogin === 0 && auth.phase !== 'token') {
              log.info('salesforce session expired; signing in again');
              invalidate(conn);
              conn = await session();
              continue;
            }
            throw err;
          }
        }
      },
    );
  }

  const dataPath = (path: string): string => `/services/data/v${version}${path.startsWith('/') ? path : `/${path}`}`;
  const headers = (extra: Record<string, string> = {}): Record<string, string> => ({ ...propagationHeaders(), ...extra });

  return {
    async query<R extends SfRecord = SfRecord>(soql: string, opts: QueryOptions = {}): Promise<SfQueryResult<R>> {
      const max = opts.maxRecords ?? Infinity;
      const queryHeaders = (): Record<string, string> =>
        headers(opts.batchSize !== undefined ? { 'Sforce-Query-Options': `batchSize=${Math.min(2000, Math.max(200, Math.trunc(opts.batchSize)))}` } : {});
      interface Page {
        totalSize: number;
        done: boolean;
        nextRecordsUrl?: string;
        records: R[];
      }
      const records: R[] = [];
      let page = await call<Page>(true, { method: 'GET', path: dataPath('/query') }, (conn) => ({
        method: 'GET',
        url: `${conn.instanceUrl}${dataPath(`/query?q=${encodeURIComponent(soql)}`)}`,
        headers: queryHeaders(),
      }));
      const totalSize = page.totalSize;
      records.push(...page.records);
      while (!page.done && page.nextRecordsUrl && records.length < max) {
        const next = page.nextRecordsUrl;
        page = await call<Page>(true, { method: 'GET', path: next }, (conn) => ({ method: 'GET', url: `${conn.instanceUrl}${next}`, headers: queryHeaders() }));
        records.push(...page.records);
      }
      const truncated = records.length > max || !page.done;
      return { totalSize, records: records.length > max ? records.slice(0, max) : records, truncated };
    },

    async request<T = unknown>(req: SalesforceRequest): Promise<T> {
      return call<T>(req.idempotent, { method: req.method, path: dataPath(req.path) }, (conn) => ({
        method: req.method,
        url: `${conn.instanceUrl}${dataPath(req.path)}`,
        headers: headers({ ...(req.body !== undefined ? { 'content-type': 'application/json' } : {}), ...req.headers }),
        ...(req.body !== undefined ? { body: typeof req.body === 'string' ? req.body : JSON.stringify(req.body) } : {}),
      }));
    },

    apiUsage: () => (usage ? { ...usage } : undefined),
    authPhase: () => state.phase,

    async connect(): Promise<void> {
      await policy.run({ idempotent: true, route: 'session', classify: (err) => classifySalesforceError(err) }, () => session());
    },

    async orgId(): Promise<string> {
      return policy.run({ idempotent: true, route: 'identity', classify: (err) => classifySalesforceError(err) }, async () => {
        const conn = await session();
        // The OAuth grants return the identity URL (…/id/<orgId>/<userId>), which jsforce parses;
        // a session from a bare access token asks the identity service once.
        const known = conn.userInfo?.organizationId;
        if (known) return known;
        const identity = (await conn.identity()) as { organization_id?: unknown };
        if (typeof identity.organization_id !== 'string' || identity.organization_id === '') {
          throw new UpstreamError('SALESFORCE', 'error', 'the Salesforce identity service named no organization');
        }
        return identity.organization_id;
      });
    },

    async streamChanges(opts: ChangeStreamOptions): Promise<ChangeStream> {
      const conn = await policy.run({ idempotent: true, route: 'session', classify: (err) => classifySalesforceError(err) }, () => session());
      return openChangeStream(conn, opts, () => invalidate(conn));
    },

    async close(): Promise<void> {
      // Sessions are left to expire: revoking would sign out other replicas sharing the user.
      state = { phase: 'closed' };
    },
  };
}
