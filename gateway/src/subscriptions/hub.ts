/**
 * Fan-out. Subscribers whose (document, variables, caller scope) are equal
 * share one upstream subscription, and each event is enriched once for all of
 * them, not once per subscriber. Each subscriber reads through a bounded
 * buffer; one that stops reading is cut off when its buffer is full, so a slow
 * client costs a fixed amount of memory.
 */
import { createHash } from 'node:crypto';
import { GraphQLError, type ExecutionResult } from 'graphql';
import { childLogger } from '../../../lib/log.js';
import { ErrorCode } from '../../../lib/errors.js';
import type { PreparedSubscription } from './plan.js';
import { EnrichmentLimitError, type EnrichLimits } from './execute.js';
import type { UpstreamPayload } from './upstream.js';

const log = childLogger('subscriptions:hub');

export interface HubLimits {
  /** Events buffered for one subscriber before it is cut off as too slow. @default 256 */
  bufferPerSubscriber: number;
  /** Subscriptions open at once across all connections of this gateway. @default 10000 */
  maxTotal: number;
  /**
   * Longest time one event's enrichment may take, for one shared subscription
   * (one document, variables and caller scope). Past it the fetches still in
   * flight are aborted and the subscribers get ENRICHMENT_LIMIT_EXCEEDED for that
   * event; the subscription goes on.
   * @default 2000 (GATEWAY_SUBSCRIPTION_ENRICH_TIMEOUT_MS)
   */
  enrichTimeoutMs: number;
  /**
   * Most bytes one event's enrichment may fetch: the subgraph response bodies of
   * all its fetches together, counted as they arrive. Past it, as for the timeout.
   * @default 52428800, 50 MiB (GATEWAY_SUBSCRIPTION_ENRICH_MAX_BYTES)
   */
  enrichMaxBytes: number;
}

/** What a shared subscription needs from the gateway. */
export interface HubDeps {
  /** Opens the upstream subscription; returns its disposer. */
  openUpstream(serviceName: string, payload: UpstreamPayload, sink: { next(r: ExecutionResult): void; error(e: unknown): void; complete(): void }): () => void;
  /** Runs the rest of the plan for one event, within the limits; rejects with EnrichmentLimitError past them. */
  enrich(
    prepared: PreparedSubscription,
    payload: ExecutionResult,
    variables: Record<string, unknown>,
    context: Record<string, unknown>,
    limits: EnrichLimits,
  ): Promise<ExecutionResult>;
}

export interface SubscribeRequest {
  prepared: PreparedSubscription;
  variables: Record<string, unknown>;
  /** Who is asking, as a stable string: subscribers share work only within one scope. */
  scope: string;
  /** Extensions for the upstream subscribe (e.g. the caller's signed identity). */
  upstreamExtensions: Record<string, unknown>;
  /** Context handed to the data sources when enriching (scope, caller). */
  context: Record<string, unknown>;
  /** Called when the subscriber's buffer overflows; the server closes its connection. */
  onOverflow(): void;
}

class Subscriber implements AsyncIterableIterator<ExecutionResult> {
  private readonly queue: ExecutionResult[] = [];
  private waiting: ((r: IteratorResult<ExecutionResult>) => void) | undefined;
  private done = false;

  constructor(
    private readonly limit: number,
    private readonly onOverflow: () => void,
    private readonly onDone: (s: Subscriber) => void,
  ) {}

  push(result: ExecutionResult): void {
    if (this.done) return;
    if (this.waiting) {
      const w = this.waiting;
      this.waiting = undefined;
      w({ value: result, done: false });
      return;
    }
    if (this.queue.length >= this.limit) {
      this.finish();
      this.onOverflow();
      return;
    }
    this.queue.push(result);
  }

  finish(): void {
    if (this.done) return;
    this.done = true;
    this.queue.length = 0;
    this.onDone(this);
    const w = this.waiting;
    this.waiting = undefined;
    w?.({ value: undefined, done: true });
  }

  next(): Promise<IteratorResult<ExecutionResult>> {
    const value = this.queue.shift();
    if (value) return Promise.resolve({ value, done: false });
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => {
      this.waiting = resolve;
    });
  }

  return(): Promise<IteratorResult<ExecutionResult>> {
    this.finish();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<ExecutionResult> {
    return this;
  }
}

class SharedSubscription {
  readonly subscribers = new Set<Subscriber>();
  private disposeUpstream: (() => void) | undefined;
  /** Events are enriched one after another so every subscriber sees them in order. */
  private chain: Promise<void> = Promise.resolve();

  constructor(
    readonly key: string,
    private readonly request: SubscribeRequest,
    private readonly deps: HubDeps,
    private readonly enrichLimits: EnrichLimits,
    private readonly onEmpty: (s: SharedSubscription) => void,
  ) {}

  start(): void {
    const { prepared, variables } = this.request;
    const payload: UpstreamPayload = {
      query: prepared.primary.operation,
      ...(prepared.primary.operationName ? { operationName: prepared.primary.operationName } : {}),
      variables: Object.fromEntries((prepared.primary.variableUsages ?? []).filter((v) => v in variables).map((v) => [v, variables[v]])),
      // Not copied: the extensions may compute values (a fresh signature) each time graphql-ws sends them.
      extensions: this.request.upstreamExtensions,
    };
    this.disposeUpstream = this.deps.openUpstream(prepared.serviceName, payload, {
      next: (event) => {
        this.chain = this.chain.then(() => this.deliver(event));
      },
      error: (err) => {
        log.warn({ subgraph: prepared.serviceName, err: err instanceof Error ? err.message : err }, 'upstream subscription failed');
        // As GraphQLErrors, so the server formats them like any other (code kept, internals hidden in production).
        const errors = Array.isArray(err)
          ? err.map((e: { message?: string; extensions?: Record<string, unknown> }) => new GraphQLError(e?.message ?? 'the subscription failed upstream', { extensions: e?.extensions ?? {} }))
          : [new GraphQLError('the subscription ended upstream', { extensions: { code: 'UPSTREAM_UNAVAILABLE' } })];
        this.chain = this.chain.then(() => {
          for (const s of this.subscribers) {
            s.push({ errors } as ExecutionResult);
            s.finish();
          }
        });
      },
      complete: () => {
        this.chain = this.chain.then(() => {
          for (const s of [...this.subscribers]) s.finish();
        });
      },
    });
  }

  private async deliver(event: ExecutionResult): Promise<void> {
    if (this.subscribers.size === 0) return;
    let result: ExecutionResult;
    try {
      result = await this.deps.enrich(this.request.prepared, event, this.request.variables, this.request.context, this.enrichLimits);
    } catch (e) {
      if (e instanceof EnrichmentLimitError) {
        log.warn({ subgraph: this.request.prepared.serviceName, limit: e.limit, max: e.max, subscribers: this.subscribers.size }, 'subscription event refused: enrichment limit');
        result = { data: null, errors: [new GraphQLError(e.message, { extensions: { code: ErrorCode.ENRICHMENT_LIMIT_EXCEEDED, limit: e.limit, max: e.max } })] };
      } else {
        log.error({ err: e instanceof Error ? e.message : e }, 'enriching a subscription event failed');
        result = { data: null, errors: [new GraphQLError('Internal server error', { extensions: { code: 'INTERNAL_SERVER_ERROR' } })] };
      }
    }
    for (const s of this.subscribers) s.push(result);
  }

  add(onOverflow: () => void, limit: number): Subscriber {
    const s = new Subscriber(limit, onOverflow, (gone) => {
      this.subscribers.delete(gone);
      if (this.subscribers.size === 0) this.stop();
    });
    this.subscribers.add(s);
    return s;
  }

  stop(): void {
    this.disposeUpstream?.();
    this.disposeUpstream = undefined;
    this.onEmpty(this);
  }
}

export class SubscriptionHub {
  private readonly shared = new Map<string, SharedSubscription>();
  private total = 0;

  constructor(
    private readonly deps: HubDeps,
    private readonly limits: HubLimits,
  ) {}

  /** Subscriptions open now, and upstream subscriptions serving them. */
  stats(): { subscribers: number; upstreams: number } {
    return { subscribers: this.total, upstreams: this.shared.size };
  }

  static keyOf(req: Pick<SubscribeRequest, 'prepared' | 'variables' | 'scope'>): string {
    return createHash('sha256')
      .update(req.prepared.documentHash)
      .update('\0')
      .update(canonicalJson(req.variables))
      .update('\0')
      .update(req.scope)
      .digest('hex');
  }

  /** Opens a subscription; throws HubFullError past the overall limit. */
  subscribe(req: SubscribeRequest): AsyncIterableIterator<ExecutionResult> {
    if (this.total >= this.limits.maxTotal) throw new HubFullError(`this gateway already serves ${this.limits.maxTotal} subscriptions`);
    const key = SubscriptionHub.keyOf(req);
    let shared = this.shared.get(key);
    const fresh = !shared;
    if (!shared) {
      shared = new SharedSubscription(key, req, this.deps, { timeoutMs: this.limits.enrichTimeoutMs, maxBytes: this.limits.enrichMaxBytes }, (s) => {
        if (this.shared.get(s.key) === s) this.shared.delete(s.key);
      });
      this.shared.set(key, shared);
    }
    const subscriber = shared.add(req.onOverflow, this.limits.bufferPerSubscriber);
    this.total += 1;
    const release = subscriber.finish.bind(subscriber);
    let counted = true;
    subscriber.finish = () => {
      if (counted) {
        counted = false;
        this.total -= 1;
      }
      release();
    };
    if (fresh) shared.start();
    return subscriber;
  }

  /** Ends every subscription (on shutdown). */
  close(): void {
    for (const s of [...this.shared.values()]) for (const sub of [...s.subscribers]) sub.finish();
  }
}

export class HubFullError extends Error {
  override readonly name = 'HubFullError';
}

function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}
