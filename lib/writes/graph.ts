/**
 * The write queue as the graph shows it, shared by the four subgraphs so that
 * their fields behave the same: a write's outcome by id (unknown and not-yours
 * read alike), cursor pages of the queue, bulk retry and discard, and the audit
 * record of every operator action. Each subgraph has its own prefixed root
 * fields (`orderWrite`, `orderWrites`, `retryOrderWrites`…, from
 * lib/schema/write-queue.graphql) over its own coordinator, resolved by
 * writeQueueResolvers with its system of record; the GraphQL types are the
 * shared ones in lib/schema/shared.graphql.
 */
import { type FieldNode, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';
import { badInput, DomainError, ErrorCode, notFound, type SystemOfRecord } from '../errors.js';
import type { DomainEvent, EventBus } from '../events/bus.js';
import { currentScope } from '../context.js';
import { decodeCursor, encodeCursor, pageSize } from '../pagination.js';
import { audit, authorize, callerAccess, idempotencyScope, type Caller, type Operation } from '../auth/index.js';
import type { BulkResult, WriteCoordinator, WriteRequest } from './coordinator.js';
import type { WriteListing, WritePosition, WriteQuery } from './store.js';
import { isSettled, rejectionError, type WriteOutcome, type WriteStatus } from './types.js';

/** The shared `WriteOutcome` type's value. */
export interface WriteOutcomeNode {
  writeId: string;
  status: WriteStatus;
  system: SystemOfRecord;
  kind: string;
  customerId: string | null;
  attempts: number;
  lastError: { code: string; message: string } | null;
  nextAttemptAt: string | null;
  createdAt: string;
  updatedAt: string;
}

function outcomeNode(o: WriteOutcome, system: SystemOfRecord): WriteOutcomeNode {
  return {
    writeId: o.writeId,
    status: o.status,
    system,
    kind: o.kind,
    customerId: o.customerId,
    attempts: o.attempts,
    lastError: o.lastError ? { code: o.lastError.code, message: o.lastError.message } : null,
    nextAttemptAt: o.nextAttemptAt,
    createdAt: o.createdAt,
    updatedAt: o.updatedAt,
  };
}

/** The `WriteQueueFilter` input as resolvers receive it. */
export interface WriteQueueFilterInput {
  listing?: ReadonlyArray<'PENDING' | 'DEAD_LETTERED'> | null;
  kinds?: readonly string[] | null;
  customerId?: string | null;
  since?: string | null;
  until?: string | null;
  timeField?: 'CREATED_AT' | 'UPDATED_AT' | null;
}

const WRITE_ID = /^w_[0-9a-f-]{36}$/;

/** Throws BAD_USER_INPUT unless the id is one of this subgraph's write ids (`order:w_<uuid>`); costs no read. */
function checkWriteId(subgraph: string, writeId: string): string {
  const local = writeId.startsWith(`${subgraph}:`) ? writeId.slice(subgraph.length + 1) : '';
  if (!WRITE_ID.test(local)) {
    throw badInput(`expected a ${subgraph} write id like '${subgraph}:w_…', got '${writeId.slice(0, 60)}'`, { argumentName: 'writeId' });
  }
  return writeId;
}

function instant(value: string | null | undefined, argumentName: string): number | undefined {
  if (value == null) return undefined;
  const t = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value) || !Number.isFinite(t)) {
    throw badInput(`expected an ISO-8601 instant such as "2026-11-20T09:15:00.000Z", got '${value.slice(0, 60)}'`, { argumentName });
  }
  return t;
}

/**
 * Turns the GraphQL filter into a store query, refusing what cannot match
 * anything: an unknown write kind, an empty listing, `since` not before `until`.
 * `requireListing` makes bulk actions name the listing they act on.
 */
function toWriteQuery(
  filter: WriteQueueFilterInput | null | undefined,
  opts: { kinds: readonly string[]; argumentName?: string; requireListing?: boolean },
): WriteQuery {
  const arg = opts.argumentName ?? 'filter';
  const f = filter ?? {};
  if (opts.requireListing && (f.listing == null || f.listing.length === 0)) {
    throw badInput(`expected ${arg}.listing to name PENDING and/or DEAD_LETTERED: a bulk action says which part of the queue it acts on`, {
      argumentName: `${arg}.listing`,
    });
  }
  if (f.listing != null && f.listing.length === 0) throw badInput(`expected ${arg}.listing to hold PENDING and/or DEAD_LETTERED, got an empty list`, { argumentName: `${arg}.listing` });
  const listings: WriteListing[] = f.listing == null ? ['pending', 'dead_lettered'] : [...new Set(f.listing.map((l) => (l === 'PENDING' ? 'pending' : 'dead_lettered') as WriteListing))];
  if (f.kinds != null) {
    const unknown = f.kinds.filter((k) => !opts.kinds.includes(k));
    if (unknown.length > 0) {
      throw badInput(`expected write kinds among ${opts.kinds.join(', ')}, got '${unknown[0]!.slice(0, 60)}'`, { argumentName: `${arg}.kinds` });
    }
  }
  if (f.customerId != null && (f.customerId.length === 0 || f.customerId.length > 64)) {
    throw badInput(`expected a customer number of 1 to 64 characters, got '${f.customerId.slice(0, 64)}'`, { argumentName: `${arg}.customerId` });
  }
  const since = instant(f.since, `${arg}.since`);
  const until = instant(f.until, `${arg}.until`);
  if (since !== undefined && until !== undefined && since >= until) {
    throw badInput(`expected ${arg}.since to be before ${arg}.until, got ${f.since} and ${f.until}`, { argumentName: `${arg}.since` });
  }
  return {
    listings,
    ...(f.kinds != null && f.kinds.length > 0 ? { kinds: [...f.kinds] } : {}),
    ...(f.customerId != null ? { customerId: f.customerId } : {}),
    ...(since !== undefined ? { since } : {}),
    ...(until !== undefined ? { until } : {}),
    timeField: f.timeField === 'UPDATED_AT' ? 'updatedAt' : 'createdAt',
  };
}

/** The filter as an audit record shows it: identifiers and bounds, never payloads. */
function describeQuery(q: WriteQuery): Record<string, unknown> {
  return {
    listings: q.listings,
    ...(q.kinds ? { kinds: q.kinds } : {}),
    ...(q.customerId ? { customerId: q.customerId } : {}),
    ...(q.since !== undefined ? { since: new Date(q.since).toISOString() } : {}),
    ...(q.until !== undefined ? { until: new Date(q.until).toISOString() } : {}),
    ...(q.since !== undefined || q.until !== undefined ? { timeField: q.timeField ?? 'createdAt' } : {}),
  };
}

const isPosition = (v: unknown): v is WritePosition =>
  typeof v === 'object' && v !== null && Number.isSafeInteger((v as WritePosition).seq) && typeof (v as WritePosition).writeId === 'string' && Object.keys(v).length === 2;

/** The shared `WriteQueueConnection` type's value. */
export interface WriteQueueConnectionValue {
  nodes: WriteOutcomeNode[];
  edges: Array<{ cursor: string; node: WriteOutcomeNode }>;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  totalCount: number | null;
}

/** True when the operation selects `field` on the value this resolver returns (directly or through a fragment). */
function selects(info: GraphQLResolveInfo, field: string): boolean {
  const visit = (set: SelectionSetNode | undefined): boolean =>
    (set?.selections ?? []).some((s) => {
      if (s.kind === 'Field') return s.name.value === field;
      if (s.kind === 'InlineFragment') return visit(s.selectionSet);
      const fragment = info.fragments[s.name.value];
      return fragment ? visit(fragment.selectionSet) : false;
    });
  return info.fieldNodes.some((n: FieldNode) => visit(n.selectionSet));
}

/** The bulk limit: 1 to 1,000 writes per call. */
function bulkMax(max: number | null | undefined): number {
  const n = max ?? 100;
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw badInput(`expected max between 1 and 1000, got ${String(max)}`, { argumentName: 'max' });
  return n;
}

/** A discard's reason: required, trimmed, at most 500 characters kept. */
function checkReason(reason: string): string {
  const r = reason.trim();
  if (r === '') throw badInput('expected a reason for discarding, for the audit trail', { argumentName: 'reason' });
  return r.slice(0, 500);
}

/** Audits one operator action on the queue: who, which operation, the filter or ids, how many writes it changed. */
function auditQueueAction(caller: Caller, operation: string, details: { writeIds: string[]; failed?: number; filter?: WriteQuery }): void {
  audit(caller, currentScope()?.correlationId, {
    action: 'queue',
    operation,
    affected: details.writeIds.length,
    writeIds: details.writeIds,
    ...(details.failed !== undefined ? { failed: details.failed } : {}),
    ...(details.filter ? { filter: describeQuery(details.filter) } : {}),
  });
}

type QueueResolver<Ctx, Args, Result> = (root: unknown, args: Args, ctx: Ctx, info: GraphQLResolveInfo) => Promise<Result>;
type PageArgs = { filter?: WriteQueueFilterInput | null; first?: number | null; after?: string | null };
type ListArgs = { status?: 'PENDING' | 'DEAD_LETTERED' | null; first?: number | null };
type BulkArgs = { filter: WriteQueueFilterInput; reason?: string; max?: number | null };

/** The resolvers of the write-queue fields lib/schema/write-queue.graphql gives the subgraph `N`, by their names there. */
export interface WriteQueueResolvers<N extends string, Ctx> {
  Query: Record<`${N}Write`, QueueResolver<Ctx, { writeId: string }, WriteOutcomeNode | null>> &
    Record<`${N}Writes`, QueueResolver<Ctx, PageArgs, WriteQueueConnectionValue>> &
    Record<`${N}WriteQueue`, QueueResolver<Ctx, ListArgs, WriteOutcomeNode[]>>;
  Mutation: Record<`retry${Capitalize<N>}Write`, QueueResolver<Ctx, { writeId: string }, WriteOutcomeNode>> &
    Record<`discard${Capitalize<N>}Write`, QueueResolver<Ctx, { writeId: string; reason: string }, WriteOutcomeNode>> &
    Record<`retry${Capitalize<N>}Writes`, QueueResolver<Ctx, { filter: WriteQueueFilterInput; max?: number | null }, BulkResult>> &
    Record<`discard${Capitalize<N>}Writes`, QueueResolver<Ctx, { filter: WriteQueueFilterInput; reason: string; max?: number | null }, BulkResult>>;
  Subscription: Record<`${N}WriteSettled`, SettledResolver<Ctx>>;
}

/** A Subscription field's resolver: `subscribe` gives the events, `resolve` the field's value of each. */
interface SettledResolver<Ctx> {
  subscribe(root: unknown, args: { writeId: string }, ctx: Ctx): Promise<AsyncIterableIterator<WriteOutcome>>;
  resolve(outcome: WriteOutcome): WriteOutcomeNode;
}

/** The bus topic on which a subgraph announces that one of its writes settled. */
export const writeSettledTopic = (subgraph: string): string => `writes.${subgraph}.settled`;

/**
 * The coordinator's `onSettled` hook for a subgraph: announces each settlement on
 * the bus (in process, or Redis Streams across replicas), for `<subgraph>WriteSettled`.
 * The event names the write only; subscribers read its outcome from the store.
 */
export function announceSettled(bus: EventBus, subgraph: string): (outcome: WriteOutcome) => Promise<void> {
  return async (o) => {
    await bus.publish<{ writeId: string }>({ eventId: `${o.writeId}@${o.updatedAt}`, topic: writeSettledTopic(subgraph), occurredAt: o.updatedAt, payload: { writeId: o.writeId } });
  };
}

/**
 * How long a subscriber waits on the bus before it reads the outcome again. A
 * Redis bus starts reading a moment after it is subscribed to, so an event
 * published in that moment could pass unseen; a fresh read bounds the wait.
 */
const SETTLED_RECHECK_MS = 5000;

/**
 * The outcome of one write once it settles, then done. `first` is the outcome read
 * after `source` was opened, so a settlement in between is in one or the other.
 */
function settledOutcome(
  writes: WriteCoordinator,
  writeId: string,
  first: WriteOutcome,
  source: AsyncIterableIterator<DomainEvent<{ writeId: string }>>,
): AsyncIterableIterator<WriteOutcome> {
  let done = false;
  let pending: Promise<IteratorResult<DomainEvent<{ writeId: string }>>> | undefined;
  const finish = async (): Promise<IteratorResult<WriteOutcome>> => {
    done = true;
    await source.return?.();
    return { value: undefined, done: true };
  };
  const iterator: AsyncIterableIterator<WriteOutcome> = {
    async next() {
      if (done) return { value: undefined, done: true };
      let outcome: WriteOutcome | undefined = first;
      while (outcome && !isSettled(outcome.phase)) {
        pending ??= source.next();
        let timer: NodeJS.Timeout | undefined;
        const woke = await Promise.race([pending, new Promise<'recheck'>((r) => (timer = setTimeout(() => r('recheck'), SETTLED_RECHECK_MS)))]);
        clearTimeout(timer);
        if (woke !== 'recheck') {
          pending = undefined;
          if (woke.done || done) return finish();
          if (woke.value.payload.writeId !== writeId) continue;
        }
        outcome = await writes.outcome(writeId);
      }
      await finish();
      // Past retention between two reads: the last outcome seen is all there is to tell.
      return { value: outcome ?? first, done: false };
    },
    return: finish,
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}

/**
 * The Query and Mutation resolvers of one subgraph's write-queue fields, to spread
 * into its resolver map. `writesOf` gives the request's coordinator, or throws the
 * subgraph's own error when it was started without a write store. Everything but
 * reading an outcome takes the operator role, checked before anything else is
 * looked at (the coordinator does not know who is calling), and every operator
 * action is audited under its field's name (`retryOrderWrites`).
 */
export function writeQueueResolvers<N extends string, Ctx extends { caller: Caller }>(
  subgraph: N,
  system: SystemOfRecord,
  writesOf: (ctx: Ctx) => WriteCoordinator,
  /** The bus the subgraph's coordinator announces settlements on (announceSettled). */
  busOf: (ctx: Ctx) => EventBus | undefined,
): WriteQueueResolvers<N, Ctx> {
  const Name = subgraph.charAt(0).toUpperCase() + subgraph.slice(1);
  const node = (o: WriteOutcome): WriteOutcomeNode => outcomeNode(o, system);
  const operator = (ctx: Ctx): WriteCoordinator => {
    authorize(ctx.caller, 'queue.operate');
    return writesOf(ctx);
  };
  /** Retries (dead letters: with a fresh budget; queued: now) or discards (each ends REJECTED, DISCARDED) every write that matches, oldest first. */
  const bulk = async (ctx: Ctx, operation: string, args: BulkArgs): Promise<BulkResult> => {
    const writes = operator(ctx);
    const action = args.reason === undefined ? { kind: 'retry' as const } : { kind: 'discard' as const, by: ctx.caller.subject, reason: checkReason(args.reason) };
    const query = toWriteQuery(args.filter, { kinds: writes.kinds(), requireListing: true });
    const result = await writes.bulk(action, query, bulkMax(args.max));
    auditQueueAction(ctx.caller, operation, { writeIds: result.writeIds, failed: result.failures.length, filter: query });
    return result;
  };
  /** Retries or discards one write; an id this queue does not hold is NOT_FOUND. */
  const one = async (ctx: Ctx, operation: string, act: (writes: WriteCoordinator) => Promise<WriteOutcome>, writeId: string): Promise<WriteOutcomeNode> => {
    const outcome = await act(operator(ctx));
    auditQueueAction(ctx.caller, operation, { writeIds: [writeId] });
    return node(outcome);
  };
  const query: Record<string, QueueResolver<Ctx, never, unknown>> = {
    /**
     * Staff read any write. A storefront caller reads its own customer's writes, and gets
     * null alike for an unknown id and for another customer's write, so the answer never
     * tells it whether a write id exists. A caller with no access at all is refused before
     * the store is read, which tells it nothing either.
     */
    [`${subgraph}Write`]: async (_root: unknown, args: { writeId: string }, ctx: Ctx) => {
      const writes = writesOf(ctx);
      const writeId = checkWriteId(subgraph, args.writeId);
      if (callerAccess(ctx.caller, 'write.outcome') === 'deny') authorize(ctx.caller, 'write.outcome');
      const outcome = await writes.outcome(writeId);
      return outcome && authorize(ctx.caller, 'write.outcome', { customerId: outcome.customerId }) ? node(outcome) : null;
    },
    /** A page of the queue, oldest first. `totalCount` is counted only when asked for: on Redis a filtered count reads every queued write. */
    [`${subgraph}Writes`]: async (_root: unknown, args: PageArgs, ctx: Ctx, info: GraphQLResolveInfo): Promise<WriteQueueConnectionValue> => {
      const writes = operator(ctx);
      const first = pageSize(args.first, 50);
      const after = decodeCursor(args.after, isPosition);
      const query = toWriteQuery(args.filter, { kinds: writes.kinds() });
      const [page, totalCount] = await Promise.all([writes.page(query, first, after), selects(info, 'totalCount') ? writes.count(query) : Promise.resolve(null)]);
      const edges = page.views.map((v) => ({ cursor: encodeCursor(v.position), node: node(v) }));
      return { nodes: edges.map((e) => e.node), edges, pageInfo: { hasNextPage: page.hasMore, endCursor: edges.at(-1)?.cursor ?? null }, totalCount };
    },
    /** Queued writes, or dead letters when `status` is DEAD_LETTERED, oldest first; at most `first` (1 to 100, default 50). */
    [`${subgraph}WriteQueue`]: async (_root: unknown, args: ListArgs, ctx: Ctx) =>
      (await operator(ctx).list(args.status === 'DEAD_LETTERED' ? 'dead_lettered' : 'pending', pageSize(args.first, 50))).map(node),
  };
  const mutation: Record<string, QueueResolver<Ctx, never, unknown>> = {
    [`retry${Name}Write`]: (_root: unknown, args: { writeId: string }, ctx: Ctx) => one(ctx, `retry${Name}Write`, (w) => w.retry(args.writeId), args.writeId),
    [`discard${Name}Write`]: (_root: unknown, args: { writeId: string; reason: string }, ctx: Ctx) =>
      one(ctx, `discard${Name}Write`, (w) => w.discard(args.writeId, ctx.caller.subject, checkReason(args.reason)), args.writeId),
    [`retry${Name}Writes`]: (_root: unknown, args: { filter: WriteQueueFilterInput; max?: number | null }, ctx: Ctx) =>
      bulk(ctx, `retry${Name}Writes`, { filter: args.filter, max: args.max }),
    [`discard${Name}Writes`]: (_root: unknown, args: BulkArgs & { reason: string }, ctx: Ctx) => bulk(ctx, `discard${Name}Writes`, args),
  };
  const settled: SettledResolver<Ctx> = {
    /** Staff only; the bus is subscribed to before the outcome is read, so no settlement falls between. */
    async subscribe(_root, args, ctx) {
      const writeId = checkWriteId(subgraph, args.writeId);
      authorize(ctx.caller, `Subscription.${subgraph}WriteSettled` as Operation);
      const writes = writesOf(ctx);
      const bus = busOf(ctx);
      if (!bus) throw new DomainError(ErrorCode.INTERNAL_SERVER_ERROR, `this ${subgraph} subgraph was started without an event bus, so it has no subscriptions`);
      const source = bus.subscribe<{ writeId: string }>(writeSettledTopic(subgraph));
      const first = await writes.outcome(writeId).catch(async (e: unknown) => {
        await source.return?.();
        throw e;
      });
      if (!first) {
        await source.return?.();
        throw notFound(`no ${subgraph} write ${writeId}: unknown, or past retention`, { argumentName: 'writeId' });
      }
      return settledOutcome(writes, writeId, first, source);
    },
    resolve: node,
  };
  // The keys are built from the name, which TypeScript cannot follow; the interface above states them.
  return { Query: query, Mutation: mutation, Subscription: { [`${subgraph}WriteSettled`]: settled } } as unknown as WriteQueueResolvers<N, Ctx>;
}

/**
 * Submits a mutation's write for its caller: the idempotency key is scoped to the
 * person (idempotencyScope), and a write refused on its first attempt is thrown as
 * its error (with `extensions.writeId`) rather than answered.
 */
export async function submitFor<P, R>(writes: WriteCoordinator, caller: Caller, request: Omit<WriteRequest<P>, 'scope'>): Promise<WriteOutcome<R>> {
  const outcome = await writes.submit<P, R>({ ...request, scope: idempotencyScope(caller) });
  const refused = rejectionError(outcome);
  if (refused) throw refused;
  return outcome;
}
