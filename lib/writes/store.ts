/**
 * What the write coordinator needs from durable storage. Two engines implement it:
 * the local journal (embedded default, one process) and Redis (replicas sharing
 * one queue). Every method that changes state resolves only once the change is
 * durable, because the coordinator answers clients right after.
 */
import { customerOfWrite, isSettled, type WriteRecord } from './types.js';

export type WriteListing = 'pending' | 'dead_lettered';

/** Which writes of the queue an operator means: a listing plus optional narrowing. Every given condition must hold. */
export interface WriteQuery {
  /** Unsettled writes (`pending`), dead letters, or both. Never empty. */
  listings: readonly WriteListing[];
  /** Write kinds, e.g. `order.place`. @default every kind */
  kinds?: readonly string[];
  /** Only writes for this customer (see customerOfWrite). @default any customer */
  customerId?: string;
  /** Epoch ms, inclusive. @default no lower bound */
  since?: number;
  /** Epoch ms, exclusive. @default no upper bound */
  until?: number;
  /** Which timestamp `since` and `until` compare. @default 'createdAt' */
  timeField?: 'createdAt' | 'updatedAt';
}

/** Where a page ends: the order of the queue is (seq, writeId), oldest first. */
export interface WritePosition {
  seq: number;
  writeId: string;
}

export interface WritePage {
  records: WriteRecord[];
  /** True when more matching writes follow the last one returned. */
  hasMore: boolean;
}

/** The queue's order: submission order (seq), ties broken by writeId. */
export function compareWrites(a: WritePosition, b: WritePosition): number {
  return a.seq - b.seq || (a.writeId < b.writeId ? -1 : a.writeId > b.writeId ? 1 : 0);
}

/** The listing a write is in, or undefined once it is settled for good (applied, rejected, discarded). */
export function listingOf(w: WriteRecord): WriteListing | undefined {
  if (w.state.phase === 'dead_lettered') return 'dead_lettered';
  return isSettled(w.state.phase) ? undefined : 'pending';
}

/** True when the write meets every condition of the query. */
export function matchesQuery(w: WriteRecord, q: WriteQuery): boolean {
  const listing = listingOf(w);
  if (listing === undefined || !q.listings.includes(listing)) return false;
  if (q.kinds && q.kinds.length > 0 && !q.kinds.includes(w.kind)) return false;
  if (q.customerId !== undefined && customerOfWrite(w) !== q.customerId) return false;
  const t = q.timeField === 'updatedAt' ? w.updatedAt : w.createdAt;
  if (q.since !== undefined && t < q.since) return false;
  if (q.until !== undefined && t >= q.until) return false;
  return true;
}

export type CreateResult =
  | { created: true }
  /** The idempotency key was already claimed: by this write id, for this payload hash. */
  | { created: false; writeId: string; payloadHash: string };

export interface WriteStore {
  readonly engine: 'journal' | 'redis';
  /**
   * Atomically claims the write's idempotency record (when it has one), stores the
   * write, and puts it last in its entity's line. When the key is already claimed,
   * nothing is stored and the claim's holder is returned.
   */
  create(write: WriteRecord): Promise<CreateResult>;
  /** Who holds an idempotency record (`WriteRecord.idemRecordKey`), if anyone has claimed it. */
  claimOf(idemRecordKey: string): Promise<{ writeId: string; payloadHash: string } | undefined>;
  get(writeId: string): Promise<WriteRecord | undefined>;
  /**
   * Durably replaces a write's record. An unsettled write that is not in its
   * entity's line (an operator retry) joins the end of it; a settled one leaves it.
   */
  save(write: WriteRecord): Promise<void>;
  /** The id of the oldest unsettled write on the entity, which alone may be attempted. */
  head(entityKey: string): Promise<string | undefined>;
  /**
   * Unsettled writes ready for an attempt at `now`: queued ones whose time has come,
   * and in-flight ones whose lease ran out (their owner died). Only entity heads, oldest first.
   */
  due(now: number, limit: number): Promise<WriteRecord[]>;
  /** Takes the exclusive right to attempt a write for `ms`; false when another holds it. */
  lease(writeId: string, owner: string, ms: number): Promise<boolean>;
  unlease(writeId: string, owner: string): Promise<void>;
  /** Unsettled (`pending`: queued or in flight) or dead-lettered writes, oldest first. */
  list(which: WriteListing, limit: number): Promise<WriteRecord[]>;
  /**
   * Up to `limit` writes matching the query, in queue order, strictly after `after`.
   * Keyset paging: writes appended meanwhile come after every page already read, so
   * a reader walking the pages never sees one twice nor misses one that was there
   * when it started (an operator retry moves a write to the end, where it shows again).
   */
  page(query: WriteQuery, after: WritePosition | undefined, limit: number): Promise<WritePage>;
  /** How many writes match the query now. */
  count(query: WriteQuery): Promise<number>;
  close(): Promise<void>;
}
