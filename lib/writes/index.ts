/**
 * The public surface of the write machinery. Add exports here with intention:
 * what is not exported is free to change. docs/writes.md shows how a subgraph uses it.
 */
export {
  canonicalJson,
  createWriteCoordinator,
  WriteCoordinator,
  type ApplierOptions,
  type ApplyContext,
  type ApplyFn,
  type BulkResult,
  type DedupeMechanism,
  type OperatorWriteView,
  type PublishedWriteEvent,
  type WriteCoordinatorOptions,
  type WriteCoordinatorSettings,
  type WriteQueueDeps,
  type WriteEvent,
  type WriteRequest,
} from './coordinator.js';
export { coordinatorOptions, loadWritesConfig, openWriteStore, type WritesConfig } from './config.js';
export { JournalCorruptError, JournalStore, type JournalOptions } from './journal.js';
export { checkRedisPersistence, RedisStore, type RedisStoreOptions } from './redis.js';
export { compareWrites, listingOf, matchesQuery, type CreateResult, type WriteListing, type WritePage, type WritePosition, type WriteQuery, type WriteStore } from './store.js';
export { customerOfWrite, isSettled, outcomeOf, rejectionError, statusOf, type WriteError, type WriteOutcome, type WritePhase, type WriteRecord, type WriteState, type WriteStatus } from './types.js';
