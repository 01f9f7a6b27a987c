/**
 * What the write coordinator needs from durable storage. Two engines implement it:
 * the local journal (embedded default, one process) and Redis (replicas sharing
 * one queue). Every method that changes state resolves only once the change is
 * durable, because the coordinator answers clients right after.
 */
import type { WriteRecord } from './types.js';

export type WriteListing = 'pending' | 'dead_lettered';

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
  close(): Promise<void>;
}
