/**
 * The cache's Prometheus counters, on prom-client's default registry so that
 * whatever exposes /metrics in a process sees them. Registered once per process
 * even when several caches (one per subgraph) live in it.
 */
import { Counter, register } from 'prom-client';
import { countOnSpan } from '../tracing.js';

function counter<L extends string>(name: string, help: string, labelNames: readonly L[]): Counter<L> {
  const existing = register.getSingleMetric(name);
  if (existing) return existing as Counter<L>;
  return new Counter<L>({ name, help, labelNames });
}

/** Lookups by kind of entry and outcome: hit, miss, stale (served past TTL because the system failed), bypass (maxAge 0). */
export const cacheLookups = counter('rsg_cache_lookups_total', 'Entity cache lookups by kind and result', ['kind', 'result'] as const);

/** Counts an entity cache lookup, and adds it to the subgraph request's span (`rsg.cache.entity.<result>`) when tracing is on. */
export function countEntityLookup(kind: string, result: 'hit' | 'miss' | 'stale' | 'bypass' | 'coalesced'): void {
  cacheLookups.inc({ kind, result });
  countOnSpan(`rsg.cache.entity.${result}`);
}

/** Cache store failures (Redis down, timeouts). Each one fell back to the system of record. */
export const cacheErrors = counter('rsg_cache_errors_total', 'Entity cache store operations that failed and were skipped', ['op'] as const);

/** Values written back after a miss that were dropped because their key was invalidated meanwhile. */
export const cacheDroppedWrites = counter(
  'rsg_cache_dropped_writes_total',
  'Entity cache writes skipped because the entry was invalidated while it was being fetched',
  ['kind'] as const,
);
