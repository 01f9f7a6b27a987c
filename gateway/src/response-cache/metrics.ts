/**
 * The response cache's Prometheus counters, on prom-client's default registry
 * (registered once per process, like lib/cache/metrics.ts).
 */
import { Counter, register } from 'prom-client';
import { noteOnSpan } from '../../../lib/tracing.js';

function counter<L extends string>(name: string, help: string, labelNames: readonly L[]): Counter<L> {
  const existing = register.getSingleMetric(name);
  if (existing) return existing as Counter<L>;
  return new Counter<L>({ name, help, labelNames });
}

/**
 * Lookups by result: `hit`; `miss` (nothing stored); `invalidated` (stored, but a
 * tag moved since); `error` (the store failed, the request ran as a miss);
 * `uncacheable` (mutations, subscriptions).
 */
export const responseCacheLookups = counter('rsg_response_cache_lookups_total', 'Gateway response cache lookups by result', ['result'] as const);

/** Counts a response cache lookup, and notes its result on the request's span when tracing is on. */
export function countResponseLookup(result: string): void {
  responseCacheLookups.inc({ result });
  noteOnSpan({ 'rsg.cache.response': result });
}

/** Answers considered for storing, by result: `stored`, or the reason it was not (see ResponseStoreVerdict). */
export const responseCacheStores = counter('rsg_response_cache_stores_total', 'Gateway response cache store decisions by result', ['result'] as const);

/** Requests the gateway sent to each subgraph; a response cache hit sends none. */
export const subgraphFetches = counter('rsg_gateway_subgraph_fetches_total', 'Requests the gateway sent to subgraphs', ['subgraph'] as const);

/**
 * Subgraph fetches looked up in the subgraph-response cache, by subgraph and
 * result: `hit` (answered whole, nothing sent); `partial` (some entities
 * answered, only the others sent); `miss` (nothing usable stored);
 * `invalidated` (nothing usable, and a stored entry's tag had moved); `error`
 * (the store failed, the fetch went out whole); `uncacheable` (a mutation's
 * fetch, or any fetch of a mutation request).
 */
export const subgraphCacheLookups = counter('rsg_subgraph_cache_lookups_total', 'Gateway subgraph-response cache lookups by subgraph and result', ['subgraph', 'result'] as const);

/** Counts a subgraph-response cache lookup, and notes its result on the fetch's span when tracing is on. */
export function countSubgraphLookup(subgraph: string, result: string): void {
  subgraphCacheLookups.inc({ subgraph, result });
  noteOnSpan({ 'rsg.cache.subgraph_response': result });
}

/** Subgraph answers considered for storing, by subgraph and result: `stored`, or why not (a SkipReason). */
export const subgraphCacheStores = counter('rsg_subgraph_cache_stores_total', 'Gateway subgraph-response cache store decisions by subgraph and result', ['subgraph', 'result'] as const);
