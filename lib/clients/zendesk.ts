/**
 * Zendesk Support API v2 transport: API-token Basic auth or an OAuth bearer,
 * every call through the shared call policy under the plan's per-minute budget,
 * both of Zendesk's pagination styles followed, and Zendesk's error bodies
 * turned into UpstreamErrors. Domain connectors (subgraphs/service/src/zendesk.ts)
 * build on it; nothing above them sees URLs or HTTP statuses.
 */
import type { RedisClientType } from 'redis';
import type { CommonConfig, ZendeskConfig } from '../config.js';
import { UpstreamError } from '../errors.js';
import { defaultPolicy, systemPolicy, type CallPolicy, type SystemResponse } from '../http.js';
import { localLimiter, redisLimiter, type Limiter } from '../limits.js';

/** Query parameters; undefined values are left out. */
export type QueryParams = Record<string, string | number | undefined>;

/** One page of a list endpoint, as Zendesk sent it. */
export interface ZendeskPage<T> {
  items: T[];
  /** Offset pagination's `count` (search: every match, even past the 1,000-result window); null with cursor pagination. */
  count: number | null;
  /** True when Zendesk offers another page. */
  hasNext: boolean;
  /** The whole response body, for side-loaded arrays such as `organizations`. */
  body: Record<string, unknown>;
}

export interface ZendeskListResult<T> {
  items: T[];
  count: number | null;
  /** True when more items exist than were read (maxItems reached, or search's 1,000-result window ended). */
  truncated: boolean;
  /** Side-loaded arrays of every page read, concatenated per key. */
  sideloads: Record<string, unknown[]>;
}

export interface ZendeskClient {
  /** GET one resource. With `notFound: 'null'`, a 404 answers null instead of failing. */
  get<T>(path: string, query?: QueryParams, opts?: { notFound?: 'null' | 'error' }): Promise<T | null>;
  /**
   * Pages of a list endpoint, following `next_page` (offset) or `links.next` while
   * `meta.has_more` (cursor). Each page is one call; stop iterating to stop calling.
   */
  pages<T>(path: string, query: QueryParams, key: string): AsyncGenerator<ZendeskPage<T>, void, undefined>;
  /** Reads pages until `maxItems` items are read or the list ends. Costs ceil(items / page size) calls. */
  list<T>(path: string, query: QueryParams, key: string, opts?: { maxItems?: number }): Promise<ZendeskListResult<T>>;
  /**
   * A write. Sent once unless an `idempotencyKey` is given, which Zendesk
   * deduplicates (`Idempotency-Key`), so it is then safe to retry.
   */
  send<T>(method: 'POST' | 'PUT' | 'DELETE', path: string, body: unknown, opts?: { idempotencyKey?: string }): Promise<T>;
}

export interface ZendeskClientDeps {
  /**
   * The plan's shared rate limiter.
   * @default one in-process limiter per Zendesk host, shared by every client in the process
   */
  limiter?: Limiter;
  /** Overrides of the call policy (deadline, timeouts, retries, breaker). @default defaultPolicy('SERVICE_DESK') with the deadline, per-attempt timeout and breaker from config */
  policy?: Partial<CallPolicy>;
}

const processLimiters = new Map<string, Limiter>();

/**
 * The limiter every caller of one Zendesk account shares: in Redis when a client
 * is given (so replicas and pollers draw from one budget), else one per process.
 */
export function zendeskLimiter(common: CommonConfig, config: ZendeskConfig, redis?: RedisClientType): Limiter {
  if (!redis) return sharedLocalLimiter(config);
  return redisLimiter(redis, `${common.namespace}:limits:zendesk:${new URL(config.baseUrl).host}`, { perMinute: config.ratePerMinute });
}

function sharedLocalLimiter(config: ZendeskConfig): Limiter {
  const key = `${new URL(config.baseUrl).host}|${config.ratePerMinute}`;
  let limiter = processLimiters.get(key);
  if (!limiter) {
    limiter = localLimiter({ perMinute: config.ratePerMinute });
    processLimiters.set(key, limiter);
  }
  return limiter;
}

/**
 * Quotes a value for Zendesk's search language. The language has no escape for
 * a double quote inside a phrase, so quotes and backslashes are dropped rather
 * than let through; callers validate identifiers before they get here.
 */
export function searchPhrase(value: string): string {
  return `"${value.replace(/["\\\u0000-\u001f]/g, ' ').trim()}"`;
}

interface ZendeskErrorBody {
  error?: unknown;
  description?: unknown;
  errors?: Array<{ code?: unknown; title?: unknown; detail?: unknown }>;
}

function upstreamCodeOf(res: SystemResponse): { code: string | undefined; text: string | undefined } {
  try {
    const b = res.json<ZendeskErrorBody>();
    if (b && typeof b === 'object') {
      if (typeof b.error === 'string') return { code: b.error, text: typeof b.description === 'string' ? b.description : undefined };
      if (b.error && typeof b.error === 'object') {
        const e = b.error as { title?: unknown; message?: unknown };
        return { code: typeof e.title === 'string' ? e.title : undefined, text: typeof e.message === 'string' ? e.message : undefined };
      }
      const first = b.errors?.[0];
      if (first) return { code: typeof first.code === 'string' ? first.code : undefined, text: typeof first.detail === 'string' ? first.detail : undefined };
    }
  } catch {
    // A body that is not JSON (a proxy's HTML page) still gets the status in the message.
  }
  return { code: undefined, text: undefined };
}

export function createZendeskClient(config: ZendeskConfig, deps: ZendeskClientDeps = {}): ZendeskClient {
  const base = new URL(config.baseUrl.replace(/\/+$/, '') + '/');
  const policy = systemPolicy(
    defaultPolicy('SERVICE_DESK', {
      timeoutMs: config.timeoutMs,
      deadlineMs: config.deadlineMs,
      breaker: config.breaker,
      limiter: deps.limiter ?? sharedLocalLimiter(config),
      ...deps.policy,
    }),
  );
  const authorization =
    config.auth.phase === 'oauth'
      ? `Bearer ${config.auth.token}`
      : `Basic ${Buffer.from(`${config.auth.email}/token:${config.auth.token}`, 'utf8').toString('base64')}`;

  const urlOf = (path: string, query: QueryParams = {}): string => {
    const u = new URL(path.replace(/^\/+/, ''), base);
    for (const [k, v] of Object.entries(query)) if (v !== undefined) u.searchParams.set(k, String(v));
    return u.toString();
  };

  // Pagination links are absolute URLs chosen by the server; credentials only go back to the configured host.
  const checkLink = (link: string): string => {
    const u = new URL(link, base);
    if (u.origin !== base.origin) {
      throw new UpstreamError('SERVICE_DESK', 'error', `Zendesk pointed a next page at another host (${u.origin})`);
    }
    return u.toString();
  };

  const failure = (method: string, url: string, res: SystemResponse): UpstreamError => {
    const { code, text } = upstreamCodeOf(res);
    const path = new URL(url).pathname;
    return new UpstreamError(
      'SERVICE_DESK',
      'error',
      `Zendesk refused ${method} ${path}: HTTP ${res.status}${code ? ` ${code}` : ''}${text ? ` (${text})` : ''}`,
      { status: res.status, ...(code !== undefined ? { upstreamCode: code } : {}) },
    );
  };

  const call = async (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown, headers: Record<string, string> = {}): Promise<SystemResponse> =>
    policy.call({
      method,
      url,
      body,
      headers: { authorization, ...headers },
      idempotent: method === 'GET' || headers['idempotency-key'] !== undefined,
    });

  async function getJson<T>(url: string, notFound: 'null' | 'error'): Promise<T | null> {
    const res = await call('GET', url);
    if (res.status === 404 && notFound === 'null') return null;
    if (res.status < 200 || res.status >= 300) throw failure('GET', url, res);
    return res.json<T>();
  }

  async function* pages<T>(path: string, query: QueryParams, key: string): AsyncGenerator<ZendeskPage<T>, void, undefined> {
    let url: string | null = urlOf(path, query);
    while (url) {
      const body: Record<string, unknown> | null = await getJson<Record<string, unknown>>(url, 'error');
      if (!body || !Array.isArray(body[key])) {
        throw new UpstreamError('SERVICE_DESK', 'error', `Zendesk answered ${new URL(url).pathname} without a "${key}" list`);
      }
      const meta = body.meta as { has_more?: unknown } | undefined;
      const links = body.links as { next?: unknown } | undefined;
      let next: string | null;
      if (meta && typeof meta === 'object') {
        next = meta.has_more === true && typeof links?.next === 'string' ? checkLink(links.next) : null;
      } else {
        next = typeof body.next_page === 'string' && body.next_page ? checkLink(body.next_page) : null;
      }
      yield { items: body[key] as T[], count: typeof body.count === 'number' ? body.count : null, hasNext: next !== null, body };
      url = next;
    }
  }

  return {
    async get<T>(path: string, query: QueryParams = {}, opts: { notFound?: 'null' | 'error' } = {}) {
      return getJson<T>(urlOf(path, query), opts.notFound ?? 'error');
    },
    pages,
    async list<T>(path: string, query: QueryParams, key: string, opts: { maxItems?: number } = {}) {
      const max = opts.maxItems ?? Infinity;
      const items: T[] = [];
      const sideloads: Record<string, unknown[]> = {};
      let count: number | null = null;
      let truncated = false;
      for await (const page of pages<T>(path, query, key)) {
        count = page.count;
        for (const [k, v] of Object.entries(page.body)) {
          if (k !== key && Array.isArray(v)) (sideloads[k] ??= []).push(...(v as unknown[]));
        }
        const room = max - items.length;
        items.push(...page.items.slice(0, room));
        if (items.length >= max) {
          truncated = page.items.length > room || page.hasNext;
          break;
        }
        // Search stops offering pages at 1,000 results while `count` still says how many matched.
        if (!page.hasNext && count !== null && count > items.length) truncated = true;
      }
      return { items, count, truncated, sideloads };
    },
    async send<T>(method: 'POST' | 'PUT' | 'DELETE', path: string, body: unknown, opts: { idempotencyKey?: string } = {}) {
      const url = urlOf(path);
      const res = await call(method, url, body, opts.idempotencyKey ? { 'idempotency-key': opts.idempotencyKey } : {});
      if (res.status < 200 || res.status >= 300) throw failure(method, url, res);
      return res.json<T>();
    },
  };
}

