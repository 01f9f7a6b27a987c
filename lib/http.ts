/**
 * The policy every call to a system of record goes through: a permit from the
 * account's limiter, a timeout, retries with backoff and jitter for idempotent
 * calls on network errors and 5xx, Retry-After honoured on 429, and the
 * correlation id and traceparent forwarded. Connectors call `callSystem` and get
 * either a Response worth interpreting (2xx, or a 4xx refusal) or an UpstreamError.
 */
import { LimitTimeoutError, type Limiter } from './limits.js';
import { UpstreamError, type SystemOfRecord } from './errors.js';
import { propagationHeaders } from './context.js';
import { childLogger } from './log.js';

const log = childLogger('http');

export interface CallPolicy {
  system: SystemOfRecord;
  /** Per attempt. @default 10000 */
  timeoutMs: number;
  /** Extra attempts for idempotent calls on network errors, 5xx and 429. @default 2 */
  retries: number;
  /** First backoff; doubles each attempt, with full jitter. @default 100 */
  backoffMs: number;
  /** Longest Retry-After we wait in line; beyond it the call fails at once, carrying retryAfterSeconds. Reads serve people waiting, so this is short. @default 1000 */
  maxRetryAfterMs: number;
  /** How long to wait for a permit from the limiter before failing as rate limited. @default 5000 */
  permitWaitMs: number;
  limiter?: Limiter;
}

export const defaultPolicy = (system: SystemOfRecord, overrides: Partial<CallPolicy> = {}): CallPolicy => ({
  system,
  timeoutMs: 10_000,
  retries: 2,
  backoffMs: 100,
  maxRetryAfterMs: 1_000,
  permitWaitMs: 5_000,
  ...overrides,
});

export interface SystemRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  /** JSON-serialisable body, or a string sent as is. */
  body?: unknown;
  /** Safe to send twice (reads, and writes the system deduplicates). Only these are retried. */
  idempotent: boolean;
  /** Signs or otherwise authorises the request just before it is sent (each attempt). */
  authorize?: (req: { method: string; url: string; headers: Record<string, string> }) => Promise<void> | void;
  /**
   * Lets a connector classify a system-specific answer as transient, e.g. Salesforce's
   * 403 REQUEST_LIMIT_EXCEEDED. Return undefined to use the default rules.
   */
  classify?: (res: Response, body: string) => 'rate_limited' | 'unavailable' | undefined;
}

export interface SystemResponse {
  status: number;
  headers: Headers;
  text: string;
  json<T = unknown>(): T;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function backoff(policy: CallPolicy, attempt: number): number {
  return Math.random() * policy.backoffMs * 2 ** attempt;
}

/** Retry-After as seconds or an HTTP date; undefined if absent or unreadable. */
export function retryAfterMs(value: string | null): number | undefined {
  if (!value) return undefined;
  const secs = Number(value);
  if (Number.isFinite(secs)) return Math.max(0, secs * 1000);
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : undefined;
}

export async function callSystem(policy: CallPolicy, req: SystemRequest): Promise<SystemResponse> {
  const attempts = req.idempotent ? policy.retries + 1 : 1;
  let last: UpstreamError | undefined;
  for (let attempt = 0; attempt < attempts; attempt++) {
    if (attempt > 0) {
      // A system's Retry-After is honoured up to maxRetryAfterMs (longer ones failed fast above).
      const asked = last?.details.retryAfterSeconds;
      await sleep(asked !== undefined ? Math.min(asked * 1000, policy.maxRetryAfterMs) : backoff(policy, attempt));
    }
    let release: (() => void) | undefined;
    try {
      release = policy.limiter ? await policy.limiter.acquire(policy.permitWaitMs) : undefined;
    } catch (e) {
      if (e instanceof LimitTimeoutError) {
        throw new UpstreamError(policy.system, 'rate_limited', `${policy.system} account limit reached: ${e.message}`);
      }
      throw e;
    }
    try {
      const headers: Record<string, string> = { accept: 'application/json', ...propagationHeaders(), ...req.headers };
      let body: string | undefined;
      if (req.body !== undefined) {
        body = typeof req.body === 'string' ? req.body : JSON.stringify(req.body);
        headers['content-type'] ??= 'application/json';
      }
      await req.authorize?.({ method: req.method, url: req.url, headers });
      let res: Response;
      try {
        res = await fetch(req.url, { method: req.method, headers, body, signal: AbortSignal.timeout(policy.timeoutMs) });
      } catch (e) {
        const timedOut = e instanceof DOMException && e.name === 'TimeoutError';
        last = new UpstreamError(
          policy.system,
          timedOut ? 'timeout' : 'unavailable',
          timedOut
            ? `${policy.system} did not answer within ${policy.timeoutMs} ms`
            : `${policy.system} could not be reached: ${(e as Error).message}`,
          { cause: e },
        );
        log.warn({ system: policy.system, method: req.method, attempt, err: last.message }, 'call failed');
        continue;
      }
      const text = await res.text().catch(() => '');
      const special = req.classify?.(res, text);
      const retryMs = retryAfterMs(res.headers.get('retry-after'));
      if (special === 'rate_limited' || res.status === 429) {
        last = new UpstreamError(policy.system, 'rate_limited', `${policy.system} is rate limiting (HTTP ${res.status})`, {
          status: res.status,
          ...(retryMs !== undefined ? { retryAfterSeconds: Math.ceil(retryMs / 1000) } : {}),
        });
        // Waiting is only worth it when the system says it will be soon.
        if (retryMs !== undefined && retryMs > policy.maxRetryAfterMs) throw last;
        if (!req.idempotent && res.status !== 429) throw last;
        continue;
      }
      if (special === 'unavailable' || res.status >= 500) {
        last = new UpstreamError(policy.system, 'unavailable', `${policy.system} answered HTTP ${res.status}`, {
          status: res.status,
          ...(retryMs !== undefined ? { retryAfterSeconds: Math.ceil(retryMs / 1000) } : {}),
        });
        // A system that says it will be back later than we are willing to wait fails now.
        if (retryMs !== undefined && retryMs > policy.maxRetryAfterMs) throw last;
        continue;
      }
      return {
        status: res.status,
        headers: res.headers,
        text,
        json<T>() {
          return (text ? JSON.parse(text) : null) as T;
        },
      };
    } finally {
      release?.();
    }
  }
  throw last ?? new UpstreamError(policy.system, 'unavailable', `${policy.system} call failed`);
}

/**
 * The same policy for calls made by a client library that does its own HTTP
 * (jsforce): a timeout per attempt and retries of idempotent calls, with the
 * library's errors mapped by `classify`.
 */
export async function withPolicy<T>(
  policy: CallPolicy,
  opts: { idempotent: boolean; classify: (err: unknown) => UpstreamError | undefined },
  fn: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const attempts = opts.idempotent ? policy.retries + 1 : 1;
  let last: UpstreamError | undefined;
  for (let attempt = 0; attempt < attempts; attempt++) {
    if (attempt > 0) await sleep(backoff(policy, attempt));
    const ctl = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        fn(ctl.signal),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => {
            ctl.abort();
            reject(new UpstreamError(policy.system, 'timeout', `${policy.system} did not answer within ${policy.timeoutMs} ms`));
          }, policy.timeoutMs);
        }),
      ]);
    } catch (e) {
      const mapped = e instanceof UpstreamError ? e : opts.classify(e);
      if (!mapped) throw e;
      last = mapped;
      if (mapped.failure === 'error') throw mapped;
      if (mapped.failure === 'rate_limited' && (mapped.details.retryAfterSeconds ?? Infinity) * 1000 > policy.maxRetryAfterMs) {
        throw mapped;
      }
    } finally {
      clearTimeout(timer);
    }
  }
  throw last ?? new UpstreamError(policy.system, 'unavailable', `${policy.system} call failed`);
}
