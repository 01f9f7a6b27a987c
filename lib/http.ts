/**
 * The policy every call to a system of record goes through, composed from
 * cockatiel once per system client around the system's one circuit:
 *
 *   deadline (one per call, shared by its retries, its waits for a slot and its backoffs)
 *     └ circuit breaker (fails fast while the system keeps failing)
 *        └ retry (idempotent calls; backoff with jitter, Retry-After honoured)
 *           └ a permit from the account's limiter
 *              └ per-attempt timeout, whose AbortSignal reaches the fetch
 *
 * The permit sits between the retry and the per-attempt timeout on purpose: a
 * wait in line for NetSuite's concurrency slot is not the system being slow on
 * this attempt, but it is time the caller spends, so it counts against the
 * deadline and not against the attempt.
 *
 * The circuit is the system's, not the client's: every client of a system given
 * the same `SystemCircuits` (boot gives each process's clients `processCircuits`)
 * goes through one breaker, whatever its retries and deadlines, so that a system
 * is open or closed for the whole process, as its gauge and readiness say.
 *
 * Connectors build one with `systemPolicy` and call `call` (plain HTTP: a Response
 * worth interpreting, 2xx or a 4xx refusal, or an UpstreamError) or `run` (a client
 * library that shapes its requests and reads its answers itself, such as jsforce,
 * whose bytes may still go through `exchange`). The correlation id and
 * traceparent are forwarded on every attempt. With tracing on, each call is a
 * span (lib/call-span.ts) that the policy tells what it did.
 *
 * An attempt goes out through undici's `request` on the process's dispatcher
 * (the connection pool the global fetch uses), not through fetch itself: fetch's
 * WHATWG objects (Request, Headers, a web stream per body, an AbortSignal
 * wrapper) cost about three times the CPU of the exchange, several times per
 * customer view and between its steps. What fetch did besides is kept: it
 * follows redirects, asks for gzip or deflate and decodes the body, and sends
 * the same user agent.
 */
import { promisify } from 'node:util';
import { brotliDecompress, gunzip, inflate, inflateRaw } from 'node:zlib';
import { getGlobalDispatcher, interceptors, request, type Dispatcher } from 'undici';
import {
  BrokenCircuitError,
  CircuitState,
  ConsecutiveBreaker,
  DelegateBackoff,
  TaskCancelledError,
  TimeoutStrategy,
  circuitBreaker,
  handleWhen,
  retry,
  timeout,
  wrap,
  type CircuitBreakerPolicy,
  type IRetryBackoffContext,
} from 'cockatiel';
import { giveBackHeldPermit, LimitTimeoutError, type Limiter } from './limits.js';
import { UpstreamError, unreachable, type SystemOfRecord } from './errors.js';
import { ConfigError } from './config.js';
import { propagationHeaders } from './context.js';
import { childLogger } from './log.js';
import { describeRequest, describeRoute, noteFailedAttempt, traceCall, type CallNote } from './call-span.js';
import { routeTemplate as pathTemplate } from './tracing.js';
import { boundedLabel, counterMetric, gaugeMetric, histogramMetric } from './metrics.js';

const log = childLogger('http');

/**
 * The series every system-of-record call feeds, here in the one path all calls take.
 * Routes are templates (`GET /record/v1/salesOrder/{id}`), never URLs or ids, and each
 * system keeps at most MAX_ROUTES of them (later ones read `other`).
 */
const callDuration = histogramMetric(
  'rsg_upstream_call_duration_seconds',
  'System-of-record calls from start to end, retries, waits and backoffs included, by system, route template and outcome',
  ['system', 'route', 'outcome'] as const,
);
const attempts = counterMetric(
  'rsg_upstream_attempts_total',
  'Attempts sent to (or refused before) a system of record, by system, route template and status: the HTTP status, or timeout, network, limiter (our own rate budget or concurrency slots) or ok/refused for client libraries',
  ['system', 'route', 'status'] as const,
);
const breakerState = gaugeMetric('rsg_breaker_state', "A system's circuit: 0 closed, 1 half-open (testing), 2 open (calls fail at once), 3 isolated", ['system'] as const);
const breakerTransitions = counterMetric('rsg_breaker_transitions_total', "Changes of a system's circuit, by the phase it entered", ['system', 'phase'] as const);
const BREAKER_VALUE: Record<BreakerPhase, number> = { closed: 0, half_open: 1, open: 2, isolated: 3 };
const MAX_ROUTES = 50;
const routeLabels = new Map<string, (route: string) => string>();
const routeLabel = (system: string, route: string): string => {
  let bound = routeLabels.get(system);
  if (!bound) routeLabels.set(system, (bound = boundedLabel(MAX_ROUTES)));
  return bound(route);
};

/**
 * A call's route template, the method and the path as lib/tracing.ts templates it
 * for spans (ids, record numbers and external ids as `{id}`, Salesforce's API
 * version as `{version}`, no query): metrics and traces name a route alike.
 * `GET https://x/api/v2/tickets/123.json?include=users` is `GET /api/v2/tickets/{id}.json`.
 */
export function routeTemplate(method: string, url: string): string {
  return `${method} ${pathTemplate(url)}`;
}

/** When a system that keeps failing is given a rest. */
export interface BreakerOptions {
  /** Consecutive calls (each after its retries) that failed as unavailable or timed out, before the circuit opens. */
  threshold: number;
  /** How long an open circuit fails calls at once before it lets one through to test the system. */
  halfOpenAfterMs: number;
}

/**
 * Where a system's circuit stands. `open` fails every call at once with
 * UPSTREAM_UNAVAILABLE; `half_open` lets one call through to test the system.
 */
export type BreakerPhase = 'closed' | 'open' | 'half_open' | 'isolated';

export interface BreakerChange {
  system: SystemOfRecord;
  phase: BreakerPhase;
}

export interface CallPolicy {
  system: SystemOfRecord;
  /**
   * The whole call's budget: every attempt, the backoffs between them, a Retry-After
   * waited out and the wait for a concurrency slot. When it runs out the call fails
   * with UPSTREAM_TIMEOUT; nothing sleeps past it. @default 10000
   */
  deadlineMs: number;
  /** One attempt's budget, from sending the request to reading the whole body (capped by what is left of the deadline). @default 5000 */
  timeoutMs: number;
  /** Extra attempts for idempotent calls on network errors, timeouts, 5xx and 429, while the deadline allows. @default 2 */
  retries: number;
  /** First backoff; doubles each attempt, with full jitter. @default 100 */
  backoffMs: number;
  /** Longest Retry-After we wait in line; beyond it the call fails at once, carrying retryAfterSeconds. Reads serve people waiting, so this is short. @default 1000 */
  maxRetryAfterMs: number;
  /** Longest wait for a permit from the limiter; the deadline caps it in any case. @default what is left of the deadline */
  permitWaitMs?: number;
  limiter?: Limiter;
  /**
   * The circuit breaker, or false for none. The connectors take it from their config, where
   * it is on (threshold 5, half-open after 5 s; docs/operations.md, "Circuit breakers"). While
   * it is open, calls fail at once with `retryAfterSeconds` set to the half-open wait, which the
   * write queue honours before its next replay. @default false, for a policy built by hand
   */
  breaker: BreakerOptions | false;
  /**
   * Where the system's circuit is kept: policies given the same SystemCircuits share one
   * circuit per system (boot gives every client of a process `processCircuits`), so a
   * failure counted, an open circuit and a successful test call are the system's for all
   * of them. @default a circuit of this policy's own
   */
  circuits?: SystemCircuits;
  /**
   * Told of every change of the circuit's phase, e.g. to set a gauge. On a shared circuit it
   * hears the changes other clients' calls cause too, and stays subscribed for the circuit's
   * life: a host observing many clients subscribes once, with `SystemCircuits.onChange`. @default none
   */
  onBreakerChange?: (change: BreakerChange) => void;
  /** Told how each call ended, after its retries, e.g. for readiness (lib/health.ts). @default none */
  onOutcome?: (outcome: CallOutcome) => void;
}

/**
 * How one call ended for the system's health: `ok` when the system answered, a
 * refusal (a 4xx, `failure: 'error'`) included; otherwise the failure that ended it.
 */
export type CallOutcome =
  | { system: SystemOfRecord; ok: true }
  /** `circuitOpen`: refused at once by the open circuit, without reaching the system. */
  | { system: SystemOfRecord; ok: false; failure: 'unavailable' | 'timeout' | 'rate_limited'; message: string; circuitOpen?: boolean };

export const DEFAULT_DEADLINE_MS = 10_000;
export const DEFAULT_ATTEMPT_TIMEOUT_MS = 5_000;

export const defaultPolicy = (system: SystemOfRecord, overrides: Partial<CallPolicy> = {}): CallPolicy => ({
  system,
  deadlineMs: DEFAULT_DEADLINE_MS,
  timeoutMs: DEFAULT_ATTEMPT_TIMEOUT_MS,
  retries: 2,
  backoffMs: 100,
  maxRetryAfterMs: 1_000,
  breaker: false,
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
  /** The route template for metrics, e.g. `GET /record/v1/salesOrder/{id}`. @default routeTemplate(method, url) */
  route?: string;
  /** Signs or otherwise authorises the request just before it is sent (each attempt). */
  authorize?: (req: { method: string; url: string; headers: Record<string, string> }) => Promise<void> | void;
  /**
   * Lets a connector classify a system-specific answer as transient, e.g. Salesforce's
   * 403 REQUEST_LIMIT_EXCEEDED. Return undefined to use the default rules.
   */
  classify?: (res: { status: number; headers: ResponseHeaders }, body: string) => 'rate_limited' | 'unavailable' | undefined;
}

/** An answer's headers, read by name (whatever its case) as Headers.get reads them: repeated ones joined by `, `, a missing one null. */
export interface ResponseHeaders {
  get(name: string): string | null;
}

export interface SystemResponse {
  status: number;
  headers: ResponseHeaders;
  text: string;
  json<T = unknown>(): T;
}

/** What one attempt of `run` is given. */
export interface Attempt {
  /** Aborted when the attempt's timeout or the call's deadline runs out. */
  signal: AbortSignal;
  /** The attempt's budget: the per-attempt timeout or what is left of the deadline, whichever is less. For libraries that take a timeout instead of a signal. */
  timeoutMs: number;
  /** 0 for the first attempt. */
  attempt: number;
}

export interface RunOptions {
  idempotent: boolean;
  /**
   * What the call is, for its metrics and its trace span: the method and route template, e.g.
   * `GET /services/data/{version}/query` (never a URL with ids or a query string).
   * @default `call` (metrics), `<system> call` (the span)
   */
  route?: string;
  /** Maps what the library threw to an UpstreamError; undefined lets it through as is. */
  classify: (err: unknown) => UpstreamError | undefined;
}

/** The composed policy of one system client. */
export interface SystemPolicy {
  readonly options: Readonly<CallPolicy>;
  /** One HTTP exchange with the system, attempts and waits within the deadline. */
  call(req: SystemRequest): Promise<SystemResponse>;
  /**
   * The same policy around a client library that does its own HTTP. A rate limit is
   * retried only when the system named a Retry-After within `maxRetryAfterMs`.
   */
  run<T>(opts: RunOptions, fn: (attempt: Attempt) => Promise<T>): Promise<T>;
  /** Where the circuit stands now (`closed` when there is no breaker). */
  breakerPhase(): BreakerPhase;
}

/** What Node's fetch added to every request, and the calls still send: the same user agent, and compressed bodies accepted. */
const FETCH_HEADERS: Readonly<Record<string, string>> = { 'user-agent': 'node', 'accept-encoding': 'gzip, deflate' };

/** `base`, following redirects as fetch did (at most 20). */
export function followingRedirects(base: Dispatcher): Dispatcher {
  return base.compose(interceptors.redirect({ maxRedirections: 20 }));
}

/** The process's dispatcher, following redirects; made again if the global dispatcher is replaced. */
let following: { base: Dispatcher; dispatcher: Dispatcher } | undefined;
function redirecting(): Dispatcher {
  const base = getGlobalDispatcher();
  if (following?.base !== base) following = { base, dispatcher: followingRedirects(base) };
  return following.dispatcher;
}

/** What one exchange answered: the status, undici's header object (lower-case names, repeated ones as arrays) and the decoded body. */
export interface Exchanged {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/**
 * One HTTP exchange on the process's pool, as every attempt of `call` goes out:
 * fetch's user agent and accepted encodings, redirects followed, the body read
 * whole and decoded. It throws what undici throws (a network error with its
 * code, an abort); a status is never an error here. For a client library that
 * shapes requests and reads answers itself (jsforce, lib/clients/salesforce.ts),
 * so that its calls use the same connections at the same cost, and for the
 * gateway's fetches to its subgraphs, on a pool of their own (`dispatcher`,
 * which then decides about redirects).
 */
export async function exchange(
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string; signal?: AbortSignal; dispatcher?: Dispatcher },
): Promise<Exchanged> {
  const answer = await request(url, {
    method: init.method as Dispatcher.HttpMethod,
    headers: { ...FETCH_HEADERS, ...init.headers },
    body: init.body,
    signal: init.signal,
    dispatcher: init.dispatcher ?? redirecting(),
  });
  const raw = Buffer.from(await answer.body.arrayBuffer());
  const encoding = answer.headers['content-encoding'];
  return { status: answer.statusCode, headers: answer.headers, text: await decodeBody(raw, Array.isArray(encoding) ? encoding.join(', ') : (encoding ?? null)) };
}

/** undici's header object (lower-case names, repeated ones as arrays) read as Headers.get would. */
export function responseHeaders(raw: Record<string, string | string[] | undefined>): ResponseHeaders {
  return {
    get(name) {
      const v = raw[name.toLowerCase()];
      return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
    },
  };
}

const codecs = { gunzip: promisify(gunzip), inflate: promisify(inflate), inflateRaw: promisify(inflateRaw), brotli: promisify(brotliDecompress) };

/**
 * A body as text, decoded from the Content-Encoding the system applied (codings
 * undone last to first), as fetch decoded it: deflate with or without its zlib
 * header, UTF-8 without a leading byte-order mark. Decompression runs on libuv's
 * thread pool, as fetch's did, so a large page does not hold the event loop.
 * Written here rather than through undici's `decompress` interceptor: in undici 7
 * (the last for Node 20) it is experimental and warns at first use, inflates only
 * zlib-wrapped deflate, and passes a body in an encoding it does not know through
 * undecoded, where this refuses it with a clear error.
 */
export async function decodeBody(raw: Buffer, contentEncoding: string | null): Promise<string> {
  // No body (a 204, say) has nothing to decode, whatever its headers say.
  if (raw.length === 0) return '';
  let bytes = raw;
  const codings = (contentEncoding ?? '')
    .toLowerCase()
    .split(',')
    .map((c) => c.trim())
    .filter((c) => c !== '' && c !== 'identity');
  for (const coding of codings.reverse()) {
    if (coding === 'gzip' || coding === 'x-gzip') bytes = await codecs.gunzip(bytes);
    else if (coding === 'deflate') bytes = (bytes[0]! & 0x0f) === 0x08 ? await codecs.inflate(bytes) : await codecs.inflateRaw(bytes);
    else if (coding === 'br') bytes = await codecs.brotli(bytes);
    else throw new Error(`a body in an encoding this client cannot decode: ${coding}`);
  }
  const text = bytes.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Retry-After as seconds or an HTTP date; undefined if absent or unreadable. */
export function retryAfterMs(value: string | null): number | undefined {
  if (!value) return undefined;
  const secs = Number(value);
  if (Number.isFinite(secs)) return Math.max(0, secs * 1000);
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : undefined;
}

function phaseOf(state: CircuitState): BreakerPhase {
  switch (state) {
    case CircuitState.Closed:
      return 'closed';
    case CircuitState.Open:
      return 'open';
    case CircuitState.HalfOpen:
      return 'half_open';
    case CircuitState.Isolated:
      return 'isolated';
    default:
      return unreachable(state);
  }
}

// A retry that would start with less than this left of the deadline could only time out.
const MIN_ATTEMPT_MS = 50;

/** Failures that say the system is in trouble, as opposed to busy (rate limited) or refusing (error). */
const troubled = (e: unknown): boolean => e instanceof UpstreamError && (e.failure === 'unavailable' || e.failure === 'timeout');

/**
 * One system's circuit: a cockatiel ConsecutiveBreaker and what it tells of its changes
 * (a log line, `rsg_breaker_state`, `rsg_breaker_transitions_total`, the listeners), once
 * per change whatever number of clients share it.
 */
export class SystemCircuit {
  /** The breaker every sharing client wraps its calls in. */
  readonly breaker: CircuitBreakerPolicy;
  private changedAt = Date.now();
  private readonly listeners = new Set<(change: BreakerChange) => void>();

  constructor(
    readonly system: SystemOfRecord,
    readonly options: Readonly<BreakerOptions>,
  ) {
    this.breaker = circuitBreaker(handleWhen(troubled), {
      halfOpenAfter: options.halfOpenAfterMs,
      breaker: new ConsecutiveBreaker(options.threshold),
    });
    this.breaker.onStateChange((state) => {
      const phase = phaseOf(state);
      this.changedAt = Date.now();
      if (phase === 'open') log.warn({ system }, 'circuit opened: calls fail at once until the system is tested again');
      else if (phase === 'closed') log.info({ system }, 'circuit closed');
      breakerState.set({ system }, BREAKER_VALUE[phase]);
      breakerTransitions.inc({ system, phase });
      for (const listener of [...this.listeners]) listener({ system, phase });
    });
    breakerState.set({ system }, BREAKER_VALUE.closed);
  }

  /** Where it stands now. */
  get phase(): BreakerPhase {
    return phaseOf(this.breaker.state);
  }

  /** When it entered its phase (ms since the epoch); its creation while it has not changed. */
  get since(): number {
    return this.changedAt;
  }

  /** Tells `listener` of every change from now on; returns how to stop. */
  onChange(listener: (change: BreakerChange) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }
}

/**
 * The circuits of the clients that share them, one per system, made at the first
 * client's request. A system has one breaker setting: a client asking for another
 * is a configuration error, since two settings cannot hold for one circuit.
 */
export class SystemCircuits {
  private readonly bySystem = new Map<SystemOfRecord, SystemCircuit>();
  private readonly listeners = new Set<(change: BreakerChange) => void>();

  /** The circuit of `system`, made with `options` the first time it is asked for. */
  for(system: SystemOfRecord, options: BreakerOptions): SystemCircuit {
    const known = this.bySystem.get(system);
    if (known) {
      if (known.options.threshold !== options.threshold || known.options.halfOpenAfterMs !== options.halfOpenAfterMs) {
        throw new ConfigError(
          `${system} has one circuit per process, already set to a threshold of ${known.options.threshold} and a half-open wait of ${known.options.halfOpenAfterMs} ms; ` +
            `a client asked for ${options.threshold} and ${options.halfOpenAfterMs} ms: give every subgraph of the process the same breaker settings`,
        );
      }
      return known;
    }
    const circuit = new SystemCircuit(system, options);
    circuit.onChange((change) => {
      for (const listener of [...this.listeners]) listener(change);
    });
    this.bySystem.set(system, circuit);
    return circuit;
  }

  /** The circuit of `system`, if a client made it. */
  get(system: SystemOfRecord): SystemCircuit | undefined {
    return this.bySystem.get(system);
  }

  /** Tells `listener` of every change of every circuit here, those made later included; returns how to stop. */
  onChange(listener: (change: BreakerChange) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }
}

/**
 * The circuits of this process: what boot gives every system client unless its host gives
 * its own (a test stack standing for a process of its own). The subgraphs of the
 * one-process layout (scripts/graph.ts) therefore share one circuit per system.
 */
export const processCircuits = new SystemCircuits();

export function systemPolicy(options: CallPolicy): SystemPolicy {
  const { system } = options;
  // The retry policy is shared by every call of this client, so each failure carries
  // its own verdict: the delay before the next attempt, set only when that attempt
  // fits in the call's deadline. A failure without one ends the call.
  const plannedDelay = new WeakMap<object, number>();
  const retryPolicy = retry(
    handleWhen((e) => plannedDelay.has(e as object)),
    {
      maxAttempts: options.retries,
      backoff: new DelegateBackoff((ctx: IRetryBackoffContext<unknown>) => ('error' in ctx.result ? (plannedDelay.get(ctx.result.error as object) ?? 0) : 0)),
    },
  );
  // abortOnReturn off: by default cockatiel aborts every call's signal once it has returned, and an
  // abort without a reason builds a DOMException with a stack, two per successful call. A returned
  // attempt has nothing left to cancel (its body is read); a timeout still aborts it.
  const attemptTimeout = timeout(options.timeoutMs, { strategy: TimeoutStrategy.Aggressive, abortOnReturn: false });
  const deadline = timeout(options.deadlineMs, { strategy: TimeoutStrategy.Aggressive, abortOnReturn: false });
  const circuit = options.breaker ? (options.circuits?.for(system, options.breaker) ?? new SystemCircuit(system, options.breaker)) : undefined;
  if (circuit && options.onBreakerChange) circuit.onChange(options.onBreakerChange);
  const breaker = circuit?.breaker;
  const composed = breaker ? wrap(deadline, breaker, retryPolicy) : wrap(deadline, retryPolicy);

  async function permit(deadlineAt: number): Promise<(() => void) | undefined> {
    if (!options.limiter) return undefined;
    const left = deadlineAt - Date.now();
    const waitMs = Math.max(0, Math.min(options.permitWaitMs ?? left, left));
    try {
      return await options.limiter.acquire(waitMs);
    } catch (e) {
      if (!(e instanceof LimitTimeoutError)) throw e;
      // A spent per-minute budget is the plan's limit, which the system would answer with a 429;
      // busy concurrency slots mean the calls holding them are slow, so the caller is timing out.
      if (e.kind === 'rate') throw new UpstreamError(system, 'rate_limited', `${system} rate budget reached: ${e.message}`);
      throw new UpstreamError(system, 'timeout', `${system} did not answer in time: no free concurrency slot within ${waitMs} ms (${e.message})`, { cause: e });
    }
  }

  /** An attempt's status label: what the system answered, or why nothing was answered. */
  function failedAttemptStatus(err: UpstreamError): string {
    if (err.details.status !== undefined) return String(err.details.status);
    if (err.failure === 'timeout') return 'timeout';
    if (err.failure === 'unavailable') return 'network';
    return err.failure === 'rate_limited' ? 'rate_limited' : 'refused';
  }

  async function execute<T>(
    idempotent: boolean,
    route: string,
    succeededStatus: (result: T) => string,
    retryable: (e: UpstreamError) => boolean,
    toUpstream: (e: unknown) => UpstreamError | undefined,
    fn: (attempt: Attempt) => Promise<T>,
    note?: CallNote,
  ): Promise<T> {
    const routeName = routeLabel(system, route);
    const startedAt = performance.now();
    const ended = (outcome: string): void => callDuration.observe({ system, route: routeName, outcome }, (performance.now() - startedAt) / 1000);
    const deadlineAt = Date.now() + options.deadlineMs;
    const deadlineError = (cause?: unknown): UpstreamError =>
      new UpstreamError(system, 'timeout', `${system} did not answer within the call's deadline of ${options.deadlineMs} ms`, cause ? { cause } : {});
    // While the circuit is half-open, this call waits on the test call before it runs; if it held a
    // concurrency slot granted in advance (a batch's, lib/slot-batcher.ts) and the test call needs
    // that slot, each would wait for the other until the deadline, and the test would fail as a
    // timeout and open the circuit again without the system being tried. So the slot goes back
    // first. The check and the breaker's own reading of its state run in one synchronous turn
    // (cockatiel's timeout policy calls the breaker before it awaits), so no test call can start
    // in between.
    if (circuit?.phase === 'half_open' && options.limiter) giveBackHeldPermit(options.limiter);
    try {
      const result = await composed.execute(async ({ signal, attempt }: { signal: AbortSignal; attempt?: number }) => {
        const n = attempt ?? 0;
        // cockatiel's retry does not watch the signal between attempts; the deadline's caller has gone.
        if (signal.aborted) throw deadlineError();
        const waitFrom = note ? performance.now() : 0;
        // A refusal by our own limiter (rate budget, concurrency slots) is an attempt that was never sent.
        const release = await permit(deadlineAt).catch((e: unknown) => {
          attempts.inc({ system, route: routeName, status: 'limiter' });
          throw e;
        });
        if (note) {
          note.attempts = n + 1;
          note.permitWaitMs += performance.now() - waitFrom;
        }
        try {
          if (signal.aborted) throw deadlineError();
          const budget = Math.max(1, Math.min(options.timeoutMs, deadlineAt - Date.now()));
          const answer = await attemptTimeout.execute(({ signal: attemptSignal }) => fn({ signal: attemptSignal, timeoutMs: budget, attempt: n }), signal);
          attempts.inc({ system, route: routeName, status: succeededStatus(answer) });
          return answer;
        } catch (e) {
          const err =
            e instanceof TaskCancelledError
              ? new UpstreamError(system, 'timeout', `${system} did not answer within ${options.timeoutMs} ms`, { cause: e })
              : toUpstream(e);
          attempts.inc({ system, route: routeName, status: err ? failedAttemptStatus(err) : 'refused' });
          if (!err) throw e;
          if (idempotent && n < options.retries && retryable(err)) {
            const asked = err.details.retryAfterSeconds;
            const delay = asked !== undefined ? asked * 1000 : Math.random() * options.backoffMs * 2 ** (n + 1);
            if (Date.now() + delay + MIN_ATTEMPT_MS < deadlineAt) plannedDelay.set(err, delay);
          }
          log.warn({ system, attempt: n, failure: err.failure, retry: plannedDelay.has(err), err: err.message }, 'call failed');
          if (note) noteFailedAttempt(note, n, err, plannedDelay.get(err));
          throw err;
        } finally {
          release?.();
        }
      });
      options.onOutcome?.({ system, ok: true });
      ended('ok');
      return result;
    } catch (e) {
      let err = e;
      const circuitOpen = e instanceof BrokenCircuitError;
      if (e instanceof TaskCancelledError) err = deadlineError(e);
      else if (circuitOpen) {
        if (note) note.refusedBy = circuit ? circuit.phase : 'open';
        const halfOpenMs = circuit ? circuit.options.halfOpenAfterMs : 0;
        const halfOpen = circuit ? `; one call is let through to test it ${halfOpenMs} ms after it opened` : '';
        // The Retry-After a client (and the write queue) should honour: nothing is tried before the test call.
        err = new UpstreamError(system, 'unavailable', `${system} is failing repeatedly, so calls to it fail at once for now${halfOpen}`, {
          cause: e,
          circuitOpen: true,
          retryAfterSeconds: Math.max(1, Math.ceil(halfOpenMs / 1000)),
        });
        attempts.inc({ system, route: routeName, status: 'circuit_open' });
      }
      if (err instanceof UpstreamError) {
        options.onOutcome?.(
          err.failure === 'error' ? { system, ok: true } : { system, ok: false, failure: err.failure, message: err.message, ...(circuitOpen ? { circuitOpen } : {}) },
        );
        ended(circuitOpen ? 'circuit_open' : err.failure === 'error' ? 'refused' : err.failure);
      } else ended('error');
      throw err;
    }
  }

  /** Retry-After within what we are willing to wait; a longer one fails at once. */
  const waitable = (e: UpstreamError): boolean => e.details.retryAfterSeconds === undefined || e.details.retryAfterSeconds * 1000 <= options.maxRetryAfterMs;

  async function once(req: SystemRequest, signal: AbortSignal): Promise<SystemResponse> {
    const headers: Record<string, string> = { accept: 'application/json', ...propagationHeaders(), ...req.headers };
    let body: string | undefined;
    if (req.body !== undefined) {
      body = typeof req.body === 'string' ? req.body : JSON.stringify(req.body);
      headers['content-type'] ??= 'application/json';
    }
    await req.authorize?.({ method: req.method, url: req.url, headers });
    let res: { status: number; headers: ResponseHeaders };
    let text: string;
    try {
      const answer = await exchange(req.url, { method: req.method, headers, ...(body !== undefined ? { body } : {}), signal });
      res = { status: answer.status, headers: responseHeaders(answer.headers) };
      text = answer.text;
    } catch (e) {
      if (signal.aborted) throw new UpstreamError(system, 'timeout', `${system} did not answer within ${options.timeoutMs} ms`, { cause: e });
      throw new UpstreamError(system, 'unavailable', `${system} could not be reached: ${(e as Error).message}`, { cause: e });
    }
    const special = req.classify?.(res, text);
    const retryMs = retryAfterMs(res.headers.get('retry-after'));
    const retryAfter = retryMs !== undefined ? { retryAfterSeconds: Math.ceil(retryMs / 1000) } : {};
    if (special === 'rate_limited' || res.status === 429) {
      throw new UpstreamError(system, 'rate_limited', `${system} is rate limiting (HTTP ${res.status})`, { status: res.status, ...retryAfter });
    }
    if (special === 'unavailable' || res.status >= 500) {
      throw new UpstreamError(system, 'unavailable', `${system} answered HTTP ${res.status}`, { status: res.status, ...retryAfter });
    }
    return {
      status: res.status,
      headers: res.headers,
      text,
      json<T>() {
        return (text ? JSON.parse(text) : null) as T;
      },
    };
  }

  return {
    options,
    call: (req) =>
      traceCall(system, describeRequest(req), async (note) => {
        const res = await execute<SystemResponse>(
          req.idempotent,
          req.route ?? routeTemplate(req.method, req.url),
          (r) => String(r.status),
          // Rate limits without a Retry-After (NetSuite's concurrency refusal) clear in moments: back off and retry.
          (e) => e.failure !== 'error' && waitable(e),
          (e) => (e instanceof UpstreamError ? e : undefined),
          ({ signal }) => once(req, signal),
          note,
        );
        note?.span.setAttribute('http.response.status_code', res.status);
        return res;
      }),
    run: (opts, fn) =>
      traceCall(system, describeRoute(opts.route), (note) =>
        execute(
          opts.idempotent,
          opts.route ?? 'call',
          () => 'ok',
          // A library's rate limit without a Retry-After (Salesforce's daily REQUEST_LIMIT_EXCEEDED) will not clear soon.
          (e) => e.failure !== 'error' && (e.failure !== 'rate_limited' || (e.details.retryAfterSeconds !== undefined && waitable(e))),
          (e) => (e instanceof UpstreamError ? e : opts.classify(e)),
          fn,
          note,
        ),
      ),
    breakerPhase: () => circuit?.phase ?? 'closed',
  };
}
