/**
 * Fan-out. Subscribers who receive the same events share one upstream
 * subscription, and each event is enriched once for all of them, not once per
 * subscriber: those on the same root field with the same argument values, in
 * the same caller scope, whatever each selects. The shared subscription asks the
 * owning subgraph and the others for the union of their selections, and each
 * subscriber's result is shaped from that one answer (union.ts). Subscribers of
 * different scopes never share: a storefront's fields are never fetched under an
 * agent's identity, or the reverse.
 *
 * Each subscriber reads through a bounded buffer; one that stops reading is cut
 * off when its buffer is full, so a slow client costs a fixed amount of memory.
 */
import { createHash } from 'node:crypto';
import { GraphQLError, print, type DocumentNode, type ExecutionResult, type GraphQLSchema } from 'graphql';
import { childLogger } from '../../../lib/log.js';
import { ErrorCode } from '../../../lib/errors.js';
import { fetchedServices, type PreparedSubscription } from './plan.js';
import { EnrichmentLimitError, type EnrichLimits } from './execute.js';
import { EVENT_POSITION_EXTENSION, type UpstreamPayload } from './upstream.js';
import { UnionResult, canonicalJson, cloneField, covers, mergeSelection, mergeableSelection, unionDocument, type MergeableSelection, type UnionSelection } from './union.js';

const log = childLogger('subscriptions:hub');

export interface HubLimits {
  /** Events buffered for one subscriber before it is cut off as too slow. @default 256 */
  bufferPerSubscriber: number;
  /** Subscriptions open at once across all connections of this gateway. @default 10000 */
  maxTotal: number;
  /**
   * Longest time one event's enrichment may take, for one shared subscription
   * (one root field, arguments and caller scope, with the union of its
   * subscribers' selections). Past it the fetches still in flight are aborted and
   * the subscribers get ENRICHMENT_LIMIT_EXCEEDED for that event; the subscription goes on.
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

/** What merging the selections of subscribers needs: without it only equal documents share. */
export interface HubMerging {
  /** The API schema the documents were validated against. */
  schema: GraphQLSchema;
  /** Plans a union document. */
  prepare(document: DocumentNode): PreparedSubscription;
  /** The estimated cost of a document, as the query limits measure it. */
  cost(document: DocumentNode): number;
  /**
   * Largest estimated cost of one shared subscription's union: a subscriber whose
   * selection would take it past this starts another shared subscription, so one
   * enrichment is never larger than one query may be.
   */
  maxCost: number;
  /** The subgraph an enrichment error came from, when it is known. */
  serviceOfError(error: unknown): string | undefined;
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
  merging?: HubMerging;
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

  get finished(): boolean {
    return this.done;
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

interface Member {
  subscriber: Subscriber;
  prepared: PreparedSubscription;
  variables: Record<string, unknown>;
  /** The member's selection in union terms (a map holding its root field); absent for a shared subscription that does not merge. */
  selection: UnionSelection | undefined;
  /** The subgraphs the member's own plan fetches from: errors without a path from others do not concern it. */
  services: Set<string>;
  /** The position of the last event it was given, so that a replay after re-subscribing repeats nothing. */
  after: string | undefined;
}

/** The plan events are enriched with now, and the members whose selections it covers. */
interface Generation {
  prepared: PreparedSubscription;
  variables: Record<string, unknown>;
  covered: Set<Member>;
  /** The printed union document; absent for a shared subscription that does not merge. */
  source?: string;
}

interface UpstreamHandle {
  primary: string;
  dispose(): void;
}

class SharedSubscription {
  readonly members = new Map<Subscriber, Member>();
  private upstream: UpstreamHandle | undefined;
  private generation: Generation | undefined;
  /** The union of the members' selections, while it merges, including those of members not yet planned for. */
  private union: UnionSelection | undefined;
  /** The union the current generation was planned from. */
  private planned: UnionSelection | undefined;
  private rebuildTimer: NodeJS.Timeout | undefined;
  /** The position of the last event the owning subgraph sent. */
  private lastPosition: string | undefined;
  /** Events are enriched one after another so every subscriber sees them in order. */
  private chain: Promise<void> = Promise.resolve();

  constructor(
    readonly key: string,
    private readonly request: SubscribeRequest,
    private readonly deps: HubDeps,
    private readonly enrichLimits: EnrichLimits,
    /** The root field's key in union terms, when this shared subscription merges selections. */
    private readonly rootKey: string | undefined,
    private readonly onEmpty: (s: SharedSubscription) => void,
  ) {}

  /** Whether a subscriber with this selection can join without taking the union past the cost limit. */
  accepts(selection: UnionSelection): boolean {
    const merging = this.deps.merging;
    if (!this.union || !merging || !this.rootKey) return true;
    if (covers(this.union, selection)) return true;
    const candidate: UnionSelection = new Map([...this.union].map(([k, f]) => [k, cloneField(f)]));
    mergeSelection(candidate, selection);
    return merging.cost(this.documentOf(candidate)) <= merging.maxCost;
  }

  add(req: SubscribeRequest, selection: MergeableSelection | undefined, onOverflow: () => void, limit: number): Subscriber {
    const s = new Subscriber(limit, onOverflow, (gone) => this.remove(gone));
    const member: Member = {
      subscriber: s,
      prepared: req.prepared,
      variables: req.variables,
      selection: selection ? new Map([[selection.rootKey, selection.root]]) : undefined,
      services: fetchedServices(req.prepared.rest),
      after: this.lastPosition,
    };
    this.members.set(s, member);
    if (!member.selection || !this.rootKey) {
      // One document and variables for every member: the creator's plan serves them all.
      if (!this.generation) {
        this.generation = { prepared: req.prepared, variables: req.variables, covered: new Set() };
        this.subscribeUpstream(req.prepared, req.variables);
      }
      this.generation.covered.add(member);
      return s;
    }
    if (!this.union) {
      this.union = new Map();
      mergeSelection(this.union, member.selection);
      // The first subscriber is served at once, as before any merging.
      this.rebuild();
    } else if (this.generation && this.planned && covers(this.planned, member.selection)) {
      // What is planned already serves it; the union may hold more, of members still waiting for their plan.
      this.generation.covered.add(member);
    } else {
      mergeSelection(this.union, member.selection);
      // A burst of subscribes (a console opening its panels) is planned once, after the burst.
      this.scheduleRebuild();
    }
    return s;
  }

  private remove(gone: Subscriber): void {
    const member = this.members.get(gone);
    if (member) this.generation?.covered.delete(member);
    this.members.delete(gone);
    if (this.members.size === 0) {
      this.stop();
      return;
    }
    // The union shrinks when its last subscriber of a field leaves: nobody pays for fields nobody reads.
    if (this.rootKey) this.scheduleRebuild();
  }

  private scheduleRebuild(): void {
    this.rebuildTimer ??= setTimeout(() => {
      this.rebuildTimer = undefined;
      if (this.members.size > 0) this.rebuild();
    }, 0);
  }

  private documentOf(union: UnionSelection): DocumentNode {
    const root = union.get(this.rootKey!);
    if (!root) throw new Error('a shared subscription lost its root field');
    return unionDocument(this.rootKey!, root);
  }

  /** Plans the union of the members' selections, and re-subscribes upstream when its primary selection changed. */
  private rebuild(): void {
    const merging = this.deps.merging;
    if (!merging) return;
    const union: UnionSelection = new Map();
    for (const m of this.members.values()) if (m.selection) mergeSelection(union, m.selection);
    // A copy: members joining later grow `union`, never what a generation was planned from.
    this.union = new Map();
    mergeSelection(this.union, union);
    const document = this.documentOf(union);
    const source = print(document);
    const covered = new Set(this.members.values());
    if (this.generation?.source === source) {
      this.generation.covered = covered;
      this.planned = union;
      return;
    }
    let prepared: PreparedSubscription;
    try {
      prepared = merging.prepare(document);
    } catch (e) {
      // Not expected (each selection was planned on its own), and not to be left pending: those the
      // current plan does not serve are told, and their subscriptions end.
      log.error({ err: e instanceof Error ? e.message : e }, 'planning the union of subscription selections failed');
      const refused = { data: null, errors: [new GraphQLError('Internal server error', { extensions: { code: 'INTERNAL_SERVER_ERROR' } })] };
      for (const m of [...this.members.values()]) {
        if (this.generation?.covered.has(m)) continue;
        m.subscriber.push(refused);
        m.subscriber.finish();
      }
      return;
    }
    this.generation = { prepared, variables: {}, covered, source };
    this.planned = union;
    if (this.upstream?.primary !== prepared.primary.operation) this.subscribeUpstream(prepared, {});
  }

  private subscribeUpstream(prepared: PreparedSubscription, variables: Record<string, unknown>): void {
    const extensions = this.request.upstreamExtensions as UpstreamPayload['extensions'];
    if (this.upstream) {
      this.upstream.dispose();
      // Resume from the earliest event a member still needs; the members' positions drop what they already have.
      let resume = this.lastPosition;
      for (const m of this.members.values()) if (m.after !== undefined && (resume === undefined || comparePositions(m.after, resume) < 0)) resume = m.after;
      if (resume !== undefined) extensions.resumeAfter = resume;
    }
    const payload: UpstreamPayload = {
      query: prepared.primary.operation,
      ...(prepared.primary.operationName ? { operationName: prepared.primary.operationName } : {}),
      variables: Object.fromEntries((prepared.primary.variableUsages ?? []).filter((v) => v in variables).map((v) => [v, variables[v]])),
      // Not copied: the extensions may compute values (a fresh signature) each time graphql-ws sends them.
      extensions,
    };
    const handle: UpstreamHandle = { primary: prepared.primary.operation, dispose: () => undefined };
    this.upstream = handle;
    const current = (): boolean => this.upstream === handle;
    handle.dispose = this.deps.openUpstream(prepared.serviceName, payload, {
      next: (event) => {
        if (!current()) return;
        const position = positionOf(event);
        if (position !== undefined) this.lastPosition = position;
        const generation = this.generation;
        if (generation) this.chain = this.chain.then(() => this.deliver(event, generation));
      },
      error: (err) => {
        if (!current()) return;
        log.warn({ subgraph: prepared.serviceName, err: err instanceof Error ? err.message : err }, 'upstream subscription failed');
        // As GraphQLErrors, so the server formats them like any other (code kept, internals hidden in production).
        const errors = Array.isArray(err)
          ? err.map((e: { message?: string; extensions?: Record<string, unknown> }) => new GraphQLError(e?.message ?? 'the subscription failed upstream', { extensions: e?.extensions ?? {} }))
          : [new GraphQLError('the subscription ended upstream', { extensions: { code: 'UPSTREAM_UNAVAILABLE' } })];
        this.chain = this.chain.then(() => {
          for (const s of [...this.members.keys()]) {
            s.push({ errors } as ExecutionResult);
            s.finish();
          }
        });
      },
      complete: () => {
        if (!current()) return;
        this.chain = this.chain.then(() => {
          for (const s of [...this.members.keys()]) s.finish();
        });
      },
    });
  }

  private async deliver(event: ExecutionResult, generation: Generation): Promise<void> {
    const position = positionOf(event);
    const targets: Member[] = [];
    for (const m of generation.covered) {
      if (!this.members.has(m.subscriber)) continue;
      // Already given (a replay after re-subscribing with a wider union).
      if (position !== undefined && m.after !== undefined && comparePositions(position, m.after) <= 0) continue;
      if (position !== undefined) m.after = position;
      targets.push(m);
    }
    if (targets.length === 0) return;
    let result: ExecutionResult;
    try {
      result = await this.deps.enrich(generation.prepared, event, generation.variables, this.request.context, this.enrichLimits);
    } catch (e) {
      if (e instanceof EnrichmentLimitError) {
        log.warn({ subgraph: generation.prepared.serviceName, limit: e.limit, max: e.max, subscribers: targets.length }, 'subscription event refused: enrichment limit');
        result = { data: null, errors: [new GraphQLError(e.message, { extensions: { code: ErrorCode.ENRICHMENT_LIMIT_EXCEEDED, limit: e.limit, max: e.max } })] };
      } else {
        log.error({ err: e instanceof Error ? e.message : e }, 'enriching a subscription event failed');
        result = { data: null, errors: [new GraphQLError('Internal server error', { extensions: { code: 'INTERNAL_SERVER_ERROR' } })] };
      }
      for (const m of targets) m.subscriber.push(result);
      return;
    }
    const merging = this.deps.merging;
    if (generation.source === undefined || !merging) {
      for (const m of targets) m.subscriber.push(result);
      return;
    }
    const union = new UnionResult((result.data ?? null) as Record<string, unknown> | null, (result.errors ?? []) as GraphQLError[], merging.serviceOfError);
    for (const m of targets) {
      let shaped: ExecutionResult;
      try {
        shaped = union.shape(merging.schema, m.prepared.document, m.prepared.operationName, m.variables, (service) => service === undefined || m.services.has(service));
      } catch (e) {
        log.error({ err: e instanceof Error ? e.message : e }, 'shaping a subscription event failed');
        shaped = { data: null, errors: [new GraphQLError('Internal server error', { extensions: { code: 'INTERNAL_SERVER_ERROR' } })] };
      }
      m.subscriber.push(shaped);
    }
  }

  stop(): void {
    if (this.rebuildTimer) clearTimeout(this.rebuildTimer);
    this.rebuildTimer = undefined;
    this.upstream?.dispose();
    this.upstream = undefined;
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

  /** The key of subscribers whose documents are not merged: equal document, variables and scope. */
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
    const merging = this.deps.merging;
    const selection = merging ? mergeableSelection(merging.schema, req.prepared.document, req.prepared.operationName, req.variables) : undefined;
    let key: string;
    let shared: SharedSubscription | undefined;
    if (selection) {
      // Same events, same scope: one shared subscription, or the next one when the union would grow too costly.
      const base = createHash('sha256').update('merge\0').update(selection.rootKey).update('\0').update(req.scope).digest('hex');
      const asUnion: UnionSelection = new Map([[selection.rootKey, selection.root]]);
      for (let shard = 0; ; shard++) {
        key = shard === 0 ? base : `${base}#${shard}`;
        shared = this.shared.get(key);
        if (!shared || shared.accepts(asUnion)) break;
      }
    } else {
      key = SubscriptionHub.keyOf(req);
      shared = this.shared.get(key);
    }
    if (!shared) {
      shared = new SharedSubscription(key, req, this.deps, { timeoutMs: this.limits.enrichTimeoutMs, maxBytes: this.limits.enrichMaxBytes }, selection?.rootKey, (s) => {
        if (this.shared.get(s.key) === s) this.shared.delete(s.key);
      });
      this.shared.set(key, shared);
    }
    const subscriber = shared.add(req, selection, req.onOverflow, this.limits.bufferPerSubscriber);
    // Ended already (its union could not be planned): it has told its client, and holds nothing.
    if (subscriber.finished) return subscriber;
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
    return subscriber;
  }

  /** Ends every subscription (on shutdown). */
  close(): void {
    for (const s of [...this.shared.values()]) for (const sub of [...s.members.keys()]) sub.finish();
  }
}

export class HubFullError extends Error {
  override readonly name = 'HubFullError';
}

function positionOf(event: ExecutionResult): string | undefined {
  const position = (event.extensions as Record<string, unknown> | undefined)?.[EVENT_POSITION_EXTENSION];
  return typeof position === 'string' ? position : undefined;
}

/** Orders two event positions, "<ms>-<seq>" on both buses; positions of another shape compare equal to nothing. */
export function comparePositions(a: string, b: string): number {
  const [aMs = NaN, aSeq = 0] = a.split('-').map(Number);
  const [bMs = NaN, bSeq = 0] = b.split('-').map(Number);
  if (Number.isNaN(aMs) || Number.isNaN(bMs)) return a === b ? 0 : 1;
  return aMs !== bMs ? aMs - bMs : aSeq - bSeq;
}
