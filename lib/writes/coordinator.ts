/**
 * The write coordinator: every mutation that changes a system of record goes
 * through `submit`. It makes the write idempotent (one outcome per idempotency
 * key, whoever asks and however often), applies it now when it can, queues it
 * durably when the system is out of reach, and replays the queue in order per
 * entity until each write is applied, refused or dead-lettered.
 *
 * Exactly once, and why a crash cannot break it: a write is recorded `in_flight`
 * before its applier calls the system. If the process dies during the call we do
 * not know whether the system committed it, so the write is tried again, and
 * every applier must declare how the system itself recognises the second call as
 * the first (an external id, an Idempotency-Key, an upsert, or a conditional
 * update keyed by expectedVersion). The applier gets the same `dedupeKey` on
 * every attempt. Retrying through that mechanism is safe whether or not the first
 * call committed, which is the only way to be exactly-once against a remote
 * system: the alternative, never retrying an interrupted call, loses writes.
 */
import { createHash, randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { DomainError, ErrorCode, UpstreamError, unreachable } from '../errors.js';
import { childTraceparent, currentScope, runInScope } from '../context.js';
import { inBackground } from '../limits.js';
import { childLogger } from '../log.js';
import { type WriteListing, type WritePosition, type WriteQuery, type WriteStore } from './store.js';
import { isSettled, outcomeOf, type WriteError, type WriteOutcome, type WriteRecord, type WriteState } from './types.js';

const log = childLogger('writes');

/**
 * How the system of record recognises a repeated call, which makes a retry after
 * a crash mid-call safe:
 * - `external-id`: the create carries our id (NetSuite externalId); a second create finds it.
 * - `idempotency-key`: the system replays its first answer for a repeated key (Zendesk Idempotency-Key).
 * - `upsert`: the call sets a state keyed by an external id (Salesforce upsert); doing it twice changes nothing more.
 * - `conditional`: the call is conditioned on a version the first call changes (If-Unmodified-Since,
 *   safe_update); a repeat after a commit comes back as a conflict, which the applier must then
 *   recognise as its own earlier commit (compare the record with the payload) before calling it a conflict.
 */
export type DedupeMechanism = 'external-id' | 'idempotency-key' | 'upsert' | 'conditional';

export interface ApplyContext {
  writeId: string;
  /**
   * The same on every attempt of this write, and unique to it: send it as the
   * Idempotency-Key, or use it as (or in) the external id of what the write creates.
   */
  dedupeKey: string;
  /** 1 for the first attempt. */
  attempt: number;
  /** False on the attempt made while the mutation waits; true when the queue replays it. */
  replay: boolean;
  /**
   * True when an earlier attempt was interrupted mid-call (a crash or a lost lease):
   * the system may already hold this write. The applier's dedupe mechanism covers it;
   * an applier may also look the record up first.
   */
  resumed: boolean;
  entityKey: string;
  /** The version the caller saw. Compare it with the system's before writing, or send it as the system's condition. */
  expectedVersion: string | undefined;
  /** The error to throw when the system's version is newer than `expectedVersion`: the write ends REJECTED with CONFLICT. */
  conflict(message: string, extensions?: Record<string, unknown>): DomainError;
}

/** A domain event an applied write announces, e.g. `{ type: "OrderPlaced", data: { orderId } }`. */
export interface WriteEvent {
  type: string;
  data: Record<string, unknown>;
}

/** What `publish` receives: the applier's event with the write it came from. */
export interface PublishedWriteEvent extends WriteEvent {
  writeId: string;
  kind: string;
  entityKey: string;
  /** ISO-8601 UTC. */
  occurredAt: string;
}

export interface ApplierOptions<P, R> {
  /** How the system deduplicates a repeated call; see DedupeMechanism. Required, because replay after a crash depends on it. */
  dedupe: DedupeMechanism;
  /** Cache tags an applied write makes stale, e.g. `["Order:SO-100234", "Customer:C-000042:orders"]` (lib/cache entityTag, listTag). @default none */
  invalidates?: (payload: P, result: R) => string[];
  /** The domain event an applied write publishes. @default none */
  event?: (payload: P, result: R) => WriteEvent | undefined;
}

/** Performs one write against its system. Returns a small JSON reference (ids, version), stored as the outcome's result. */
export type ApplyFn<P, R> = (payload: P, ctx: ApplyContext) => Promise<R>;

interface Applier {
  apply: ApplyFn<unknown, unknown>;
  opts: ApplierOptions<unknown, unknown>;
}

export interface WriteRequest<P> {
  /** The registered applier, e.g. `order.place`. Idempotency keys are scoped by it. */
  kind: string;
  /** Writes to one entity are applied in submission order, e.g. `ERP:order:SO-100234`. */
  entityKey: string;
  /** JSON-serialisable; what the applier receives, and what the idempotency check compares. */
  payload: P;
  /** Who is asking (e.g. the token's role and customer): the same key from two callers is two writes. */
  scope: string;
  /** The caller's key; without one the write is not deduplicated against retries. */
  idempotencyKey?: string | null;
  /** The version the caller last read; handed to the applier. */
  expectedVersion?: string | null;
  /** The customer the write is for: operators filter the queue by it, and a storefront caller may read its outcome. @default none */
  customerId?: string | null;
}

/** The coordinator settings a host chooses; the subgraph wires the store, its name and its hooks. */
export type WriteCoordinatorSettings = Omit<WriteCoordinatorOptions, 'store' | 'name' | 'invalidate' | 'publish'>;

/** A subgraph's write queue as its host gives it: the durable store, and the settings. */
export interface WriteQueueDeps {
  store: WriteStore;
  options?: WriteCoordinatorSettings;
}

export interface WriteCoordinatorOptions {
  store: WriteStore;
  /**
   * The subgraph that owns these writes, e.g. `order`. Write ids start with it
   * (`order:w_…`), so a client or operator can tell which subgraph to ask about one. @default none (ids are `w_…`)
   */
  name?: string;
  /** Attempts before a write that keeps failing transiently is dead-lettered. @default 10 */
  maxAttempts?: number;
  /** Age after which a still-unapplied write is dead-lettered rather than attempted. @default 86400000 (24 h) */
  maxAgeMs?: number;
  /** First replay delay; doubles per attempt, with jitter, up to maxBackoffMs. A longer Retry-After wins. @default 1000 */
  backoffMs?: number;
  /** @default 300000 (5 min) */
  maxBackoffMs?: number;
  /** How often the replay worker looks for due writes. @default 1000 */
  pollMs?: number;
  /** Longest a single attempt may take before another replica treats its owner as dead. Must exceed the connectors' timeouts. @default 60000 */
  leaseMs?: number;
  /** How long a duplicate request waits for the original's first attempt to finish before answering QUEUED. @default 10000 */
  duplicateWaitMs?: number;
  /**
   * How long a write waits for earlier writes to the same entity (submitted
   * concurrently, and still being applied) before its mutation answers anyway.
   * Within it the write is applied in its turn and answers APPLIED or REJECTED;
   * past it the write stays queued in order and `submit` throws UPSTREAM_TIMEOUT
   * with `reason: "ENTITY_BUSY"` and the writeId. @default 10000
   */
  turnWaitMs?: number;
  /** Writes replayed per worker round (distinct entities, in parallel). @default 16 */
  batchSize?: number;
  /** Invalidates cache tags after a write applies. Failures are logged, never fail the write. @default none */
  invalidate?: (tags: string[]) => Promise<void> | void;
  /** Publishes an applied write's domain event. Failures are logged, never fail the write. @default none */
  publish?: (event: PublishedWriteEvent) => Promise<void> | void;
  /** Called whenever a write settles (applied, rejected, dead-lettered, discarded), e.g. to notify subscribers. @default none */
  onSettled?: (outcome: WriteOutcome) => Promise<void> | void;
  /** This replica's name in leases. @default `<hostname>:<pid>:<random>` */
  owner?: string;
  /** Clock, for tests. @default Date.now */
  now?: () => number;
  /** Jitter source, for tests. @default Math.random */
  random?: () => number;
  /**
   * Aborted when the process stops waiting: its shutdown deadline is near (lib/server.ts
   * shutDown). Every mutation still waiting on its write's first attempt, or on its turn,
   * then answers at once with the write as it stands, QUEUED with its writeId, instead of
   * a connection dropped at exit. The write is already durable in flight: the attempt's own
   * end is still recorded if it comes first, and otherwise a restart (or, on Redis, another
   * replica once the lease ends) carries it out through its dedupe. @default none: mutations wait
   */
  release?: AbortSignal;
}

/** The one rule for an idempotency key: 1 to 255 printable ASCII characters, no spaces. lib/arguments.ts checks it before a resolver runs. */
export const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** JSON with sorted object keys, so that equal payloads hash equally whatever their key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

const sha256 = (s: string): string => createHash('sha256').update(s).digest('base64url');

/** Turns what an applier threw into a stored error and a verdict. */
function classify(e: unknown): { error: WriteError; verdict: 'refused' | 'transient' } {
  if (e instanceof DomainError) return { error: { code: e.code, message: e.message }, verdict: 'refused' };
  if (e instanceof UpstreamError) {
    const error: WriteError = { code: e.code, message: e.message, system: e.system };
    if (e.details.retryAfterSeconds !== undefined) error.retryAfterSeconds = e.details.retryAfterSeconds;
    return { error, verdict: e.transient ? 'transient' : 'refused' };
  }
  // Anything else is a bug in an applier or a connector. Refusing would lose the write,
  // so it is retried and ends in the dead letters, where an operator can retry it after a fix.
  log.error({ err: e }, 'an applier threw an unexpected error; the write will be retried');
  return { error: { code: ErrorCode.INTERNAL_SERVER_ERROR, message: e instanceof Error ? e.message : String(e) }, verdict: 'transient' };
}

/** The outcome of a mutation's own attempt; `busy` when it gave up waiting for its turn behind writes that are moving. */
interface FirstAttempt {
  w: WriteRecord;
  busy: boolean;
}

/**
 * An earlier write that holds up its entity's line because its system could not be
 * reached: queued after at least one failed attempt. Writes behind it answer QUEUED.
 */
function isBlocking(w: WriteRecord): boolean {
  return w.state.phase === 'queued' && w.attempts > 0 && w.lastError !== undefined;
}

const SYSTEMS: ReadonlySet<string> = new Set(['SALESFORCE', 'ERP', 'SERVICE_DESK']);

/** Entity keys start with their system (`ERP:order:SO-1`), which errors about the entity name. */
function systemOfEntityKey(entityKey: string): string | undefined {
  const first = entityKey.split(':', 1)[0] ?? '';
  return SYSTEMS.has(first) ? first : undefined;
}

/** What a bulk retry or discard did. */
export interface BulkResult {
  /** How many writes it changed. */
  affected: number;
  /** The writes it changed, oldest first. */
  writeIds: string[];
  /** Matching writes it could not change (being attempted right now, or settled meanwhile), with why. */
  failures: Array<{ writeId: string; code: string; message: string }>;
  /** True when more writes matched than `max`: run it again for the rest. */
  hasMore: boolean;
}

/** What operators see of a write: its outcome, plus what it carries and when it runs next. */
export interface OperatorWriteView extends WriteOutcome {
  scope: string;
  payload: unknown;
  expectedVersion: string | null;
}

export class WriteCoordinator {
  readonly store: WriteStore;
  private readonly appliers = new Map<string, Applier>();
  private readonly o: Required<Omit<WriteCoordinatorOptions, 'invalidate' | 'publish' | 'onSettled' | 'store' | 'name' | 'release'>> &
    Pick<WriteCoordinatorOptions, 'invalidate' | 'publish' | 'onSettled' | 'release'>;
  private readonly idPrefix: string;
  /** First attempts running in this process, so that a concurrent duplicate waits on them without polling. */
  private readonly firstAttempts = new Map<string, Promise<FirstAttempt>>();
  private seqCounter = 0;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  private stopped = false;
  private readonly unknownKinds = new Set<string>();
  /** Submitters in this process waiting for their turn on an entity, woken whenever a write on it changes here. */
  private readonly turnWaiters = new Map<string, Set<() => void>>();

  constructor(opts: WriteCoordinatorOptions) {
    this.store = opts.store;
    this.idPrefix = opts.name ? `${opts.name}:w_` : 'w_';
    this.o = {
      maxAttempts: opts.maxAttempts ?? 10,
      maxAgeMs: opts.maxAgeMs ?? 24 * 3600_000,
      backoffMs: opts.backoffMs ?? 1_000,
      maxBackoffMs: opts.maxBackoffMs ?? 300_000,
      pollMs: opts.pollMs ?? 1_000,
      leaseMs: opts.leaseMs ?? 60_000,
      duplicateWaitMs: opts.duplicateWaitMs ?? 10_000,
      turnWaitMs: opts.turnWaitMs ?? 10_000,
      batchSize: opts.batchSize ?? 16,
      owner: opts.owner ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
      now: opts.now ?? Date.now,
      random: opts.random ?? Math.random,
      invalidate: opts.invalidate,
      publish: opts.publish,
      onSettled: opts.onSettled,
      release: opts.release,
    };
  }

  /**
   * Registers how writes of `kind` are applied. Register every kind at boot, before
   * `start()`: queued writes are stored as data, and after a restart only the
   * registered applier can carry them out.
   */
  registerApplier<P, R>(kind: string, apply: ApplyFn<P, R>, opts: ApplierOptions<P, R>): void {
    if (this.appliers.has(kind)) throw new Error(`an applier for write kind '${kind}' is already registered`);
    this.appliers.set(kind, { apply: apply as ApplyFn<unknown, unknown>, opts: opts as ApplierOptions<unknown, unknown> });
  }

  /** The registered write kinds, e.g. `order.place`: what an operator may filter the queue by. */
  kinds(): string[] {
    return [...this.appliers.keys()].sort();
  }

  private nextSeq(): number {
    return this.o.now() * 1000 + (this.seqCounter++ % 1000);
  }

  /**
   * Applies a write, or queues it durably when its system is out of reach.
   *
   * - APPLIED: the system took it; `result` is the applier's reference.
   * - QUEUED: the system was unreachable, timing out or rate limiting (or an earlier
   *   write on the entity is still queued). The write is on disk / in Redis before
   *   this resolves and will be applied once, later, under the same writeId.
   * - REJECTED: the system refused it; `lastError.code` says why (CONFLICT, a business code…).
   *
   * The same idempotency key with the same payload returns the first call's outcome,
   * concurrently or not, on any replica. With a different payload it throws
   * IDEMPOTENCY_KEY_REUSED. A malformed key throws BAD_USER_INPUT.
   */
  /**
   * Whether `req` repeats a write already made under its idempotency key, asked before a
   * caller's own checks so that a repeat costs them nothing: true for a repeat (submit
   * then answers the first write's outcome), false for a new key or none, and
   * IDEMPOTENCY_KEY_REUSED for the key of a different request, as submit would say.
   */
  async isRepeat<P>(req: WriteRequest<P>): Promise<boolean> {
    const key = req.idempotencyKey ?? undefined;
    if (key === undefined || !IDEMPOTENCY_KEY.test(key)) return false;
    const held = await this.store.claimOf(idempotencyRecordKey(req.kind, req.scope, key));
    if (!held) return false;
    const payload = JSON.parse(JSON.stringify(req.payload ?? null)) as P;
    if (held.payloadHash !== requestHash(req.entityKey, payload, req.expectedVersion ?? undefined)) throw keyReused(key, req.kind);
    return true;
  }

  async submit<P, R = unknown>(req: WriteRequest<P>): Promise<WriteOutcome<R>> {
    const applier = this.appliers.get(req.kind);
    if (!applier) throw new Error(`no applier is registered for write kind '${req.kind}'`);
    const key = req.idempotencyKey ?? undefined;
    if (key !== undefined && !IDEMPOTENCY_KEY.test(key)) {
      throw new DomainError(ErrorCode.BAD_USER_INPUT, `expected an idempotencyKey of 1 to 255 printable ASCII characters without spaces, got '${key.slice(0, 60)}'`, {
        argumentName: 'idempotencyKey',
      });
    }
    const expectedVersion = req.expectedVersion ?? undefined;
    // Round-trip through JSON so that what the applier sees now is what a replay will see.
    const payload = JSON.parse(JSON.stringify(req.payload ?? null)) as P;
    const payloadHash = requestHash(req.entityKey, payload, expectedVersion);
    const now = this.o.now();
    const writeId = `${this.idPrefix}${randomUUID()}`;
    const record: WriteRecord = {
      writeId,
      kind: req.kind,
      entityKey: req.entityKey,
      scope: req.scope,
      ...(req.customerId ? { customerId: req.customerId } : {}),
      idempotencyKey: key,
      idemRecordKey: key === undefined ? undefined : idempotencyRecordKey(req.kind, req.scope, key),
      payloadHash,
      payload,
      expectedVersion,
      seq: this.nextSeq(),
      attempts: 1,
      correlationId: currentScope()?.correlationId,
      createdAt: now,
      updatedAt: now,
      // Created in flight: if we are first in the entity's line we call the system next,
      // and the record must already say so in case we crash during the call.
      state: { phase: 'in_flight', startedAt: now, leaseUntil: now + this.o.leaseMs, owner: this.o.owner },
    };

    const created = await this.store.create(record);
    if (!created.created) {
      if (created.payloadHash !== payloadHash) {
        throw keyReused(key ?? '', req.kind);
      }
      return this.answer<R>(await this.awaitOriginal(created.writeId));
    }

    const run = this.firstAttempt(record, applier).finally(() => {
      this.firstAttempts.delete(writeId);
      void this.store.unlease(writeId, this.o.owner).catch(() => undefined);
    });
    this.firstAttempts.set(writeId, run);
    return this.answer<R>(await this.untilReleased(run, record));
  }

  /**
   * The first attempt's end, or, once `release` aborts, the write as it stands then: in
   * flight or waiting its turn, both QUEUED (statusOf). A snapshot, since the attempt
   * goes on changing the record.
   */
  private untilReleased(run: Promise<FirstAttempt>, record: WriteRecord): Promise<FirstAttempt> {
    const signal = this.o.release;
    if (!signal) return run;
    const asItStands = (): FirstAttempt => ({ w: structuredClone(record), busy: false });
    if (signal.aborted) return Promise.resolve(asItStands());
    return new Promise<FirstAttempt>((resolve, reject) => {
      const onRelease = (): void => resolve(asItStands());
      signal.addEventListener('abort', onRelease, { once: true });
      run.then(resolve, reject).finally(() => signal.removeEventListener('abort', onRelease));
    });
  }

  /**
   * The mutation's own attempt. Writes to one entity are applied one at a time in
   * submission order. A write submitted while earlier ones on its entity are being
   * applied waits for its turn (bounded by turnWaitMs) and is then applied here,
   * so that concurrent writes to a healthy system all answer APPLIED instead of
   * QUEUED. Only when an earlier write could not reach the system (it is queued
   * after a transient failure) does this one answer QUEUED at once: then the
   * owning system really is out of reach, and order forbids overtaking it.
   */
  private async firstAttempt(record: WriteRecord, applier: Applier): Promise<FirstAttempt> {
    const turn = await this.awaitTurn(record);
    switch (turn) {
      case 'ready':
        return { w: await this.attempt(record, applier, false, false), busy: false };
      case 'blocked':
      case 'timeout':
        record.attempts = 0;
        record.updatedAt = this.o.now();
        record.state = { phase: 'queued', nextAttemptAt: this.o.now() };
        await this.save(record);
        this.kick();
        return { w: record, busy: turn === 'timeout' };
      default:
        return unreachable(turn);
    }
  }

  /**
   * Waits until the write heads its entity's line and holds its lease ('ready'), an
   * earlier write is queued after failing to reach the system ('blocked'), or
   * turnWaitMs has passed ('timeout'). While it waits the record says `queued`,
   * with its next attempt after the wait, so that no replay worker takes it from
   * under its submitter, and a crash leaves it to the worker.
   */
  private async awaitTurn(w: WriteRecord): Promise<'ready' | 'blocked' | 'timeout'> {
    // Wall time, not the injectable clock: this bounds how long a client waits.
    const deadline = performance.now() + this.o.turnWaitMs;
    let waiting = false;
    for (let delay = 10; ; delay = Math.min(delay * 2, 200)) {
      const head = await this.store.head(w.entityKey);
      if (head === w.writeId) {
        if (await this.store.lease(w.writeId, this.o.owner, this.o.leaseMs)) {
          if (waiting) {
            const now = this.o.now();
            w.attempts = 1;
            w.updatedAt = now;
            w.state = { phase: 'in_flight', startedAt: now, leaseUntil: now + this.o.leaseMs, owner: this.o.owner };
            await this.save(w);
          }
          return 'ready';
        }
      } else if (head !== undefined) {
        const ahead = await this.store.get(head);
        if (ahead && isBlocking(ahead)) return 'blocked';
      }
      if (!waiting) {
        const now = this.o.now();
        w.attempts = 0;
        w.updatedAt = now;
        w.state = { phase: 'queued', nextAttemptAt: now + this.o.turnWaitMs + this.o.pollMs };
        await this.save(w);
        waiting = true;
      }
      const left = deadline - performance.now();
      if (left <= 0) return 'timeout';
      // Woken at once when a write on this entity changes in this process; polled for other replicas.
      await this.turnChange(w.entityKey, Math.min(delay, left));
    }
  }

  private turnChange(entityKey: string, ms: number): Promise<void> {
    return new Promise((resolve) => {
      let waiters = this.turnWaiters.get(entityKey);
      if (!waiters) this.turnWaiters.set(entityKey, (waiters = new Set()));
      const set = waiters;
      const done = (): void => {
        clearTimeout(timer);
        set.delete(done);
        if (set.size === 0 && this.turnWaiters.get(entityKey) === set) this.turnWaiters.delete(entityKey);
        resolve();
      };
      const timer = setTimeout(done, ms);
      set.add(done);
    });
  }

  /** Saves a write and wakes whoever in this process waits for a turn on its entity. */
  private async save(w: WriteRecord): Promise<void> {
    await this.store.save(w);
    for (const wake of [...(this.turnWaiters.get(w.entityKey) ?? [])]) wake();
  }

  /**
   * What `submit` answers for a write. A write still waiting in line behind earlier
   * writes that are being applied is not QUEUED (its system is reachable), so past
   * the wait it is reported as UPSTREAM_TIMEOUT with reason ENTITY_BUSY: stored,
   * in order, and applied shortly under the writeId the error carries.
   */
  private answer<R>({ w, busy }: FirstAttempt): WriteOutcome<R> {
    if (busy) {
      const system = systemOfEntityKey(w.entityKey);
      throw new DomainError(
        ErrorCode.UPSTREAM_TIMEOUT,
        `write ${w.writeId} waited ${Math.round(this.o.turnWaitMs / 1000)} s behind earlier writes to ${w.entityKey}, which are still being applied; it is stored and will be applied in its turn: read its outcome by writeId`,
        { writeId: w.writeId, reason: 'ENTITY_BUSY', ...(system ? { system } : {}) },
      );
    }
    return outcomeOf<R>(w);
  }

  /** A duplicate request: wait for the original's first attempt, then answer with its outcome. */
  private async awaitOriginal(writeId: string): Promise<FirstAttempt> {
    const local = this.firstAttempts.get(writeId);
    if (local) return local;
    const deadline = performance.now() + this.o.duplicateWaitMs;
    for (let delay = 20; ; delay = Math.min(delay * 2, 250)) {
      const w = await this.store.get(writeId);
      if (!w) throw new Error(`idempotency record points at write ${writeId}, which is missing from the store`);
      // Only the first attempt is worth waiting for, including its wait for its turn;
      // a write queued after a failure answers QUEUED at once.
      const firstAttemptPending =
        (w.state.phase === 'in_flight' && w.attempts <= 1) || (w.state.phase === 'queued' && w.attempts === 0 && !w.lastError && !w.state.interrupted);
      if (!firstAttemptPending) return { w, busy: false };
      if (performance.now() >= deadline) {
        // Still waiting in line: busy unless an earlier write is held up by its system (then QUEUED is the truth).
        const head = await this.store.head(w.entityKey);
        const ahead = head !== undefined && head !== w.writeId ? await this.store.get(head) : undefined;
        return { w, busy: !(ahead && isBlocking(ahead)) };
      }
      await sleep(delay);
    }
  }

  /** One call to the system, with the record already saved as in flight. Records and returns the result. */
  private async attempt(w: WriteRecord, applier: Applier, replay: boolean, resumed: boolean): Promise<WriteRecord> {
    const ctx: ApplyContext = {
      writeId: w.writeId,
      dedupeKey: w.writeId,
      attempt: w.attempts,
      replay,
      resumed,
      entityKey: w.entityKey,
      expectedVersion: w.expectedVersion,
      conflict: (message, extensions = {}) => new DomainError(ErrorCode.CONFLICT, message, { ...extensions, writeId: w.writeId }),
    };
    let result: unknown;
    try {
      result = JSON.parse(JSON.stringify((await applier.apply(w.payload, ctx)) ?? null));
    } catch (e) {
      return this.failed(w, e);
    }
    const now = this.o.now();
    w.state = { phase: 'applied', appliedAt: now, result };
    w.updatedAt = now;
    await this.save(w);
    await this.afterApply(w, applier, result);
    return w;
  }

  private backoff(attempts: number, retryAfterSeconds: number | undefined): number {
    const exp = Math.min(this.o.maxBackoffMs, this.o.backoffMs * 2 ** Math.max(0, attempts - 1));
    // "Equal jitter": at least half the step, so replicas spread out without retrying at once.
    const jittered = exp / 2 + this.o.random() * (exp / 2);
    return Math.max(jittered, (retryAfterSeconds ?? 0) * 1000);
  }

  private async failed(w: WriteRecord, e: unknown): Promise<WriteRecord> {
    const { error, verdict } = classify(e);
    const now = this.o.now();
    w.lastError = error;
    w.updatedAt = now;
    if (verdict === 'refused') {
      w.state = { phase: 'rejected', rejectedAt: now, error };
    } else if (w.attempts >= this.o.maxAttempts) {
      w.state = { phase: 'dead_lettered', deadAt: now, reason: `gave up after ${w.attempts} attempts: ${error.message}` };
    } else {
      w.state = { phase: 'queued', nextAttemptAt: now + this.backoff(w.attempts, error.retryAfterSeconds) };
    }
    await this.save(w);
    if (isSettled(w.state.phase)) await this.settled(w);
    return w;
  }

  private async afterApply(w: WriteRecord, applier: Applier, result: unknown): Promise<void> {
    // The write is applied and recorded; nothing below may change that. A lost invalidation
    // is bounded by the cache TTL, and a lost event is also reported by the system's own
    // change feed (CDC, polling, webhooks), which the subscriptions read as well.
    try {
      const tags = applier.opts.invalidates?.(w.payload, result) ?? [];
      if (tags.length > 0) await this.o.invalidate?.(tags);
    } catch (e) {
      log.warn({ err: (e as Error).message, writeId: w.writeId }, 'cache invalidation after a write failed');
    }
    try {
      const event = applier.opts.event?.(w.payload, result);
      if (event) {
        await this.o.publish?.({ ...event, writeId: w.writeId, kind: w.kind, entityKey: w.entityKey, occurredAt: new Date(this.o.now()).toISOString() });
      }
    } catch (e) {
      log.warn({ err: (e as Error).message, writeId: w.writeId }, 'publishing the event of a write failed');
    }
    await this.settled(w);
  }

  private async settled(w: WriteRecord): Promise<void> {
    try {
      await this.o.onSettled?.(outcomeOf(w));
    } catch (e) {
      log.warn({ err: (e as Error).message, writeId: w.writeId }, 'onSettled hook failed');
    }
  }

  /** The outcome of a write, or undefined when the id is unknown (or expired past retention). */
  async outcome<R = unknown>(writeId: string): Promise<WriteOutcome<R> | undefined> {
    const w = await this.store.get(writeId);
    return w ? outcomeOf<R>(w) : undefined;
  }

  // ---- the replay worker ----

  /**
   * Starts the replay worker. With the journal (one process owns it), writes left in
   * flight by a previous run are queued at once as interrupted; with Redis they are
   * taken over when their owner's lease runs out.
   */
  async start(): Promise<void> {
    this.stopped = false;
    if (this.store.engine === 'journal') {
      for (const w of await this.store.list('pending', Number.MAX_SAFE_INTEGER)) {
        // Ours are first attempts running now; any other owner's is from a previous run.
        if (w.state.phase !== 'in_flight' || w.state.owner === this.o.owner) continue;
        w.state = { phase: 'queued', nextAttemptAt: this.o.now(), interrupted: true };
        w.updatedAt = this.o.now();
        await this.save(w);
      }
    }
    this.schedule(0);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      void this.runDue()
        .catch((e: unknown) => log.error({ err: (e as Error).message }, 'write replay round failed'))
        .finally(() => this.schedule(this.o.pollMs));
    }, ms);
    this.timer.unref();
  }

  /** Asks the worker to look for due writes now rather than at its next poll. */
  kick(): void {
    if (this.timer !== undefined && !this.stopped) this.schedule(0);
  }

  /**
   * Replays every write that is due, repeating while that makes progress (applying
   * an entity's head makes its next write due). Returns how many attempts were made.
   * The worker calls it; tests and operator tools may call it directly.
   */
  async runDue(): Promise<number> {
    if (this.running) return this.running;
    this.running = (async () => {
      let total = 0;
      for (let round = 0; round < 100 && !this.stopped; round++) {
        const due = (await this.store.due(this.o.now(), this.o.batchSize)).filter((w) => this.appliers.has(w.kind) || this.noApplier(w));
        if (due.length === 0) break;
        const made = await Promise.all(due.map((w) => this.replay(w)));
        const n = made.filter(Boolean).length;
        total += n;
        if (n === 0) break;
      }
      return total;
    })().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private noApplier(w: WriteRecord): false {
    if (!this.unknownKinds.has(w.kind)) {
      this.unknownKinds.add(w.kind);
      log.error({ kind: w.kind, writeId: w.writeId }, 'queued writes of a kind with no registered applier are waiting; register it at boot');
    }
    return false;
  }

  /** One replay attempt; false when the write was not attempted (taken by another replica, not yet due). */
  private async replay(candidate: WriteRecord): Promise<boolean> {
    const applier = this.appliers.get(candidate.kind) as Applier;
    if (!(await this.store.lease(candidate.writeId, this.o.owner, this.o.leaseMs))) return false;
    try {
      // Re-read under the lease: another replica may have moved it since `due` listed it.
      const w = await this.store.get(candidate.writeId);
      const now = this.o.now();
      if (!w) return false;
      let resumed: boolean;
      switch (w.state.phase) {
        case 'queued':
          if (w.state.nextAttemptAt > now) return false;
          resumed = w.state.interrupted === true;
          break;
        case 'in_flight':
          if (w.state.leaseUntil > now) return false;
          resumed = true;
          break;
        case 'applied':
        case 'rejected':
        case 'dead_lettered':
        case 'discarded':
          return false;
        default:
          return unreachable(w.state);
      }
      if ((await this.store.head(w.entityKey)) !== w.writeId) return false;
      if (now - (w.retriedAt ?? w.createdAt) >= this.o.maxAgeMs) {
        w.state = { phase: 'dead_lettered', deadAt: now, reason: `not applied within ${Math.round(this.o.maxAgeMs / 1000)} s of its submission` };
        w.updatedAt = now;
        await this.save(w);
        await this.settled(w);
        return true;
      }
      if (resumed) log.warn({ writeId: w.writeId, kind: w.kind }, 'retrying an interrupted write through the system deduplication');
      w.attempts += 1;
      w.updatedAt = now;
      w.state = { phase: 'in_flight', startedAt: now, leaseUntil: now + this.o.leaseMs, owner: this.o.owner };
      await this.save(w);
      // A replay runs under the correlation id of the request that submitted the
      // write, so its calls are counted, logged and traced with that request.
      const correlationId = w.correlationId ?? `replay-${w.writeId}`;
      // Nobody waits on a replay: its calls give way to views for the account's concurrency slots.
      await runInScope({ correlationId, traceparent: childTraceparent(undefined) }, () => inBackground(() => this.attempt(w, applier, true, resumed)));
      return true;
    } finally {
      await this.store.unlease(candidate.writeId, this.o.owner).catch(() => undefined);
    }
  }

  // ---- operator operations (restricted to the operator role by the caller) ----

  /** Pending (queued or in flight) or dead-lettered writes, oldest first. */
  async list(which: WriteListing, limit = 100): Promise<OperatorWriteView[]> {
    return (await this.store.list(which, limit)).map((w) => this.view(w));
  }

  /**
   * One page of the queue for operators, oldest first: up to `first` writes that
   * match `query`, after the position a previous page ended at.
   */
  async page(query: WriteQuery, first: number, after?: WritePosition): Promise<{ views: Array<OperatorWriteView & { position: WritePosition }>; hasMore: boolean }> {
    const { records, hasMore } = await this.store.page(query, after, first);
    return {
      views: records.map((w) => ({ ...this.view(w), position: { seq: w.seq, writeId: w.writeId } })),
      hasMore,
    };
  }

  /** How many writes match `query` now. */
  async count(query: WriteQuery): Promise<number> {
    return this.store.count(query);
  }

  private view(w: WriteRecord): OperatorWriteView {
    return { ...outcomeOf(w), scope: w.scope, payload: w.payload, expectedVersion: w.expectedVersion ?? null };
  }

  /**
   * Retries or discards every write matching `query`, oldest first, at most `max`
   * of them. The matching writes are read first and then changed one by one, so a
   * retried write that rejoins the end of the queue is not met a second time, and
   * per-entity order is kept. A write another replica is attempting at that moment,
   * or that moved to a state the action does not take, is reported in `failures`;
   * the rest proceed.
   */
  async bulk(
    action: { kind: 'retry' } | { kind: 'discard'; by: string; reason: string },
    query: WriteQuery,
    max: number,
  ): Promise<BulkResult> {
    const { records, hasMore } = await this.store.page(query, undefined, max);
    const writeIds: string[] = [];
    const failures: BulkResult['failures'] = [];
    for (const w of records) {
      try {
        if (action.kind === 'retry') await this.retry(w.writeId);
        else await this.discard(w.writeId, action.by, action.reason);
        writeIds.push(w.writeId);
      } catch (e) {
        if (!(e instanceof DomainError)) throw e;
        failures.push({ writeId: w.writeId, code: e.code, message: e.message });
      }
    }
    log.info({ action: action.kind, matched: records.length, affected: writeIds.length, failed: failures.length, hasMore }, 'operator changed writes in bulk');
    return { affected: writeIds.length, writeIds, failures, hasMore };
  }

  /** Runs `change` on a write under its lease, so that no replay attempt races the operator. */
  private async operate(writeId: string, what: string, change: (w: WriteRecord, now: number) => WriteState): Promise<WriteOutcome> {
    if (!(await this.store.lease(writeId, this.o.owner, this.o.leaseMs))) {
      throw new DomainError(ErrorCode.CONFLICT, `write ${writeId} is being attempted right now; try again in a moment`);
    }
    try {
      const w = await this.store.get(writeId);
      if (!w) throw new DomainError(ErrorCode.NOT_FOUND, `expected the id of a known write, got '${writeId}'`);
      const now = this.o.now();
      const state = change(w, now);
      w.state = state;
      w.updatedAt = now;
      await this.save(w);
      log.info({ writeId, what, phase: state.phase }, 'operator changed a write');
      if (isSettled(state.phase)) await this.settled(w);
      else this.kick();
      return outcomeOf(w);
    } finally {
      await this.store.unlease(writeId, this.o.owner).catch(() => undefined);
    }
  }

  private refuse(w: WriteRecord, what: string): never {
    throw new DomainError(
      ErrorCode.INVALID_STATUS_TRANSITION,
      `cannot ${what} write ${w.writeId}: expected a queued or dead-lettered write, it is ${outcomeOf(w).status} (${w.state.phase})`,
    );
  }

  /**
   * Tries a dead-lettered write again with a fresh attempt budget (it joins the end
   * of its entity's line), or brings a queued write's next attempt forward to now.
   */
  async retry(writeId: string): Promise<WriteOutcome> {
    return this.operate(writeId, 'retry', (w, now): WriteState => {
      switch (w.state.phase) {
        case 'dead_lettered':
          w.attempts = 0;
          w.seq = this.nextSeq();
          // The age bound counts from the retry, or an old write would be dead-lettered again at once.
          w.retriedAt = now;
          return { phase: 'queued', nextAttemptAt: now };
        case 'queued':
          return { ...w.state, nextAttemptAt: now };
        case 'in_flight':
        case 'applied':
        case 'rejected':
        case 'discarded':
          return this.refuse(w, 'retry');
        default:
          return unreachable(w.state);
      }
    });
  }

  /** Gives up on a queued or dead-lettered write for good; its outcome becomes REJECTED with code DISCARDED. */
  async discard(writeId: string, by: string, reason: string): Promise<WriteOutcome> {
    return this.operate(writeId, 'discard', (w, now): WriteState => {
      switch (w.state.phase) {
        case 'dead_lettered':
        case 'queued':
          return { phase: 'discarded', discardedAt: now, by, reason };
        case 'in_flight':
        case 'applied':
        case 'rejected':
        case 'discarded':
          return this.refuse(w, 'discard');
        default:
          return unreachable(w.state);
      }
    });
  }

  /** Stops the worker, waits for a round in progress, and closes the store. */
  async close(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
    await Promise.allSettled([...this.firstAttempts.values()]);
    await this.store.close();
  }
}

export function createWriteCoordinator(opts: WriteCoordinatorOptions): WriteCoordinator {
  return new WriteCoordinator(opts);
}

/** The store's name for an idempotency key: one per write kind and caller scope. */
function idempotencyRecordKey(kind: string, scope: string, key: string): string {
  return sha256(`${kind}\u0000${scope}\u0000${key}`);
}

/** What makes two requests under one key the same request. */
function requestHash(entityKey: string, payload: unknown, expectedVersion: unknown): string {
  return sha256(canonicalJson({ entityKey, payload, expectedVersion: expectedVersion ?? null }));
}

function keyReused(key: string, kind: string): DomainError {
  return new DomainError(ErrorCode.IDEMPOTENCY_KEY_REUSED, `idempotencyKey '${key}' was already used for a different ${kind} request; send a new key for a new request`, {
    argumentName: 'idempotencyKey',
  });
}
