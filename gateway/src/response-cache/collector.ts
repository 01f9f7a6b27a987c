/**
 * What one client request learned from its subgraph fetches: how many there
 * were and the cache report each answered with. The data sources add to it;
 * the response cache plugin decides from it whether the answer may be stored.
 *
 * Carried on the request's context under a symbol: Apollo hands plugins and
 * the gateway's executor the same per-request context object, and a symbol
 * key survives the shallow copies it makes of it.
 */
import { CACHE_REPORT_EXTENSION, parseCacheReport, type CacheReport } from '../../../lib/cache/index.js';

export interface FetchReport {
  /** The subgraph's report, or undefined when it sent none (no entity cache, an old subgraph, a failure). */
  report: CacheReport | undefined;
  /** Gateway clock (epoch ms) when the answer arrived; the report's maxAgeMs counts from here. */
  receivedAt: number;
  /**
   * True when the gateway's subgraph-response cache answered the fetch (or part
   * of it) from entries it stored: the report is the one stored with them, and
   * no request was sent for it.
   */
  served?: boolean;
}

export interface RequestCacheState {
  /** Subgraph requests sent for this client request. */
  fetches: number;
  /** One entry per answer received and per fetch answered from the subgraph-response cache, in arrival order. */
  reports: FetchReport[];
  /**
   * Subgraph-response entries being stored: the plan's next fetches go on
   * meanwhile, and the client's answer waits for them (plugin.ts), so whoever
   * has the answer finds them stored.
   */
  storing: Array<Promise<void>>;
}

const STATE = Symbol.for('retail-supergraph.response-cache.request');

export function attachRequestCacheState(context: object): RequestCacheState {
  const state: RequestCacheState = { fetches: 0, reports: [], storing: [] };
  Object.defineProperty(context, STATE, { value: state, enumerable: true, configurable: true });
  return state;
}

export function requestCacheState(context: unknown): RequestCacheState | undefined {
  return context !== null && typeof context === 'object' ? (context as { [STATE]?: RequestCacheState })[STATE] : undefined;
}

/** Counts a fetch about to be sent for the request owning `context`. */
export function noteSubgraphFetch(context: unknown): void {
  const s = requestCacheState(context);
  if (s) s.fetches += 1;
}

const FETCH_REPORT = Symbol('retail-supergraph.response-cache.fetch-report');

/**
 * Takes the cache report out of a subgraph answer's extensions (clients never
 * see it) and records it for the request owning `context`, and on the answer
 * itself, for `fetchReportOf`.
 */
export function takeSubgraphReport(context: unknown, response: { extensions?: Record<string, unknown> | undefined }, now: number = Date.now()): void {
  const extensions = response.extensions;
  const raw = extensions?.[CACHE_REPORT_EXTENSION];
  if (extensions && CACHE_REPORT_EXTENSION in extensions) delete extensions[CACHE_REPORT_EXTENSION];
  const taken: FetchReport = { report: parseCacheReport(raw), receivedAt: now };
  Object.defineProperty(response, FETCH_REPORT, { value: taken, configurable: true });
  requestCacheState(context)?.reports.push(taken);
}

/** The report `takeSubgraphReport` took out of this answer, if it did. */
export function fetchReportOf(response: object): FetchReport | undefined {
  return (response as { [FETCH_REPORT]?: FetchReport })[FETCH_REPORT];
}

/** Records the stored report of entries the subgraph-response cache served, as if the subgraph had sent it. */
export function noteServedReport(context: unknown, report: CacheReport, now: number = Date.now()): void {
  requestCacheState(context)?.reports.push({ report, receivedAt: now, served: true });
}
