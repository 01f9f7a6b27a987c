/**
 * The vocabulary of the write machinery: a write's lifecycle, its stored record,
 * the outcome a client sees, and what an applier is given. Both stores (the local
 * journal and Redis) persist exactly these shapes as JSON.
 */
import { DomainError, ErrorCode, unreachable, type ErrorCode as ErrorCodeT } from '../errors.js';

/** The graph's `WriteStatus` enum. */
export type WriteStatus = 'APPLIED' | 'QUEUED' | 'REJECTED' | 'DEAD_LETTERED';

/** Why the last attempt failed, or why the write was refused. JSON, so it survives a restart. */
export interface WriteError {
  /** A code from lib/errors.ts (CONFLICT, UPSTREAM_UNAVAILABLE, …), or DISCARDED when an operator discarded the write. */
  code: string;
  message: string;
  /** The system of record that failed or refused, when one did. */
  system?: string;
  /** Seconds the system asked us to wait before the next attempt. */
  retryAfterSeconds?: number;
}

/**
 * Where a write is in its life. Timestamps are epoch milliseconds.
 *
 * - `in_flight`: a call to the system has started and its result is not recorded.
 *   Persisted before the call, so that after a crash we know the system may have
 *   committed it, and retry only through the system's own deduplication.
 * - `queued`: waiting for the next attempt (a transient failure, an earlier write
 *   on the same entity, or an interrupted in-flight call).
 * - `applied`, `rejected`, `dead_lettered`, `discarded`: settled. Only an operator
 *   moves a write out of `dead_lettered` (retry) or into `discarded`.
 */
export type WriteState =
  | { phase: 'in_flight'; startedAt: number; leaseUntil: number; owner: string }
  | { phase: 'queued'; nextAttemptAt: number; interrupted?: boolean }
  | { phase: 'applied'; appliedAt: number; result: unknown }
  | { phase: 'rejected'; rejectedAt: number; error: WriteError }
  | { phase: 'dead_lettered'; deadAt: number; reason: string }
  | { phase: 'discarded'; discardedAt: number; by: string; reason: string };

export type WritePhase = WriteState['phase'];

/** One write, as stored. */
export interface WriteRecord {
  writeId: string;
  /** The registered applier that performs it, e.g. `order.place`. */
  kind: string;
  /** Writes to the same entity are applied in submission order, e.g. `ERP:customer:C-000042`. */
  entityKey: string;
  /** The caller's scope the idempotency key belongs to (e.g. `agent`, `storefront:C-000042`). */
  scope: string;
  /** The caller's idempotency key, or undefined when none was given. */
  idempotencyKey?: string;
  /** Store key of the idempotency record (operation + scope + caller key, hashed). */
  idemRecordKey?: string;
  /** SHA-256 of the canonical payload and expectedVersion. */
  payloadHash: string;
  /** The customer the write is for, when the subgraph said (operators filter by it; a storefront caller sees its own). */
  customerId?: string;
  payload: unknown;
  expectedVersion?: string;
  /** Submission order within the process's clock; ties broken by writeId. Re-assigned when an operator retries. */
  seq: number;
  attempts: number;
  lastError?: WriteError;
  correlationId?: string;
  createdAt: number;
  /** When an operator last retried it from the dead letters; the age bound counts from here. */
  retriedAt?: number;
  updatedAt: number;
  state: WriteState;
}

/** What a client (or an operator) learns about a write from its id. */
export interface WriteOutcome<R = unknown> {
  writeId: string;
  kind: string;
  entityKey: string;
  status: WriteStatus;
  /** The lifecycle phase behind the status (finer: `in_flight` and `queued` are both QUEUED). */
  phase: WritePhase;
  attempts: number;
  /** The refusal (REJECTED), or the last transient failure (QUEUED, DEAD_LETTERED). */
  lastError: WriteError | null;
  /** What the applier returned (APPLIED only): a reference such as `{ id: "SO-100234" }`. */
  result: R | null;
  /** The customer the write is for, when known (see customerOfWrite). */
  customerId: string | null;
  /** ISO-8601 UTC: when a queued write is next attempted; null otherwise. */
  nextAttemptAt: string | null;
  /** ISO-8601 UTC. */
  createdAt: string;
  updatedAt: string;
}

const TERMINAL: ReadonlySet<WritePhase> = new Set(['applied', 'rejected', 'dead_lettered', 'discarded']);

/** Settled writes no longer hold their entity's place in line. */
export function isSettled(phase: WritePhase): boolean {
  return TERMINAL.has(phase);
}

export function statusOf(state: WriteState): WriteStatus {
  switch (state.phase) {
    case 'in_flight':
    case 'queued':
      return 'QUEUED';
    case 'applied':
      return 'APPLIED';
    case 'rejected':
    case 'discarded':
      return 'REJECTED';
    case 'dead_lettered':
      return 'DEAD_LETTERED';
    default:
      return unreachable(state);
  }
}

const CUSTOMER_IN_ENTITY_KEY = /(?:^|:)customer:([^:]+)$/;
/** A storefront caller's idempotency scope names its customer (`customer:C-000042`, maybe followed by `/subject`). */
const CUSTOMER_IN_SCOPE = /^customer:([^/:]+)/;

/**
 * The customer a write is for: what the subgraph recorded at submit, else what
 * older records carry (the payload's or the result's `customerId`, an entity key
 * such as `ERP:customer:C-000042`, or a storefront caller's scope, which is its
 * customer's). Undefined when nothing names one.
 */
export function customerOfWrite(w: Pick<WriteRecord, 'customerId' | 'payload' | 'entityKey' | 'state' | 'scope'>): string | undefined {
  if (w.customerId) return w.customerId;
  const fromPayload = (w.payload as { customerId?: unknown } | null)?.customerId;
  if (typeof fromPayload === 'string' && fromPayload !== '') return fromPayload;
  if (w.state.phase === 'applied') {
    const fromResult = (w.state.result as { customerId?: unknown } | null)?.customerId;
    if (typeof fromResult === 'string' && fromResult !== '') return fromResult;
  }
  return CUSTOMER_IN_ENTITY_KEY.exec(w.entityKey)?.[1] ?? CUSTOMER_IN_SCOPE.exec(w.scope)?.[1];
}

export function outcomeOf<R = unknown>(w: WriteRecord): WriteOutcome<R> {
  let lastError: WriteError | null = w.lastError ?? null;
  let result: R | null = null;
  switch (w.state.phase) {
    case 'applied':
      result = w.state.result as R;
      lastError = null;
      break;
    case 'rejected':
      lastError = w.state.error;
      break;
    case 'discarded':
      lastError = { code: 'DISCARDED', message: `discarded by ${w.state.by}: ${w.state.reason}` };
      break;
    case 'dead_lettered':
      lastError = { ...(w.lastError ?? { code: 'DEAD_LETTERED', message: '' }), message: w.state.reason };
      break;
    case 'in_flight':
    case 'queued':
      break;
    default:
      unreachable(w.state);
  }
  return {
    writeId: w.writeId,
    kind: w.kind,
    entityKey: w.entityKey,
    status: statusOf(w.state),
    phase: w.state.phase,
    attempts: w.attempts,
    lastError,
    result,
    customerId: customerOfWrite(w) ?? null,
    nextAttemptAt: w.state.phase === 'queued' ? new Date(w.state.nextAttemptAt).toISOString() : null,
    createdAt: new Date(w.createdAt).toISOString(),
    updatedAt: new Date(w.updatedAt).toISOString(),
  };
}

const CODES: ReadonlySet<string> = new Set(Object.values(ErrorCode));

/**
 * The error to show a client for a REJECTED outcome (undefined otherwise), carrying
 * the refusal's code, the system that refused, and the writeId. A mutation whose
 * write is refused on its first attempt throws it, so the client sees the contract's
 * code (CONFLICT, CREDIT_HOLD, …) at once; the outcome stays readable by writeId.
 */
export function rejectionError(outcome: WriteOutcome): DomainError | undefined {
  if (outcome.status !== 'REJECTED' || !outcome.lastError) return undefined;
  const e = outcome.lastError;
  // DISCARDED is not a client error code: an operator's decision reads as a conflict with the write.
  const code = (CODES.has(e.code) ? e.code : ErrorCode.CONFLICT) as ErrorCodeT;
  const ext: Record<string, unknown> = { writeId: outcome.writeId };
  if (e.system !== undefined) ext.system = e.system;
  if (e.code !== code) ext.reason = e.code;
  return new DomainError(code, e.message, ext);
}
