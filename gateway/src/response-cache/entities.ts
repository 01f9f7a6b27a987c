/**
 * The subgraph-response cache: the gateway keeps what subgraphs answered, per
 * entity for `_entities` fetches and per fetch for root fields, so a client
 * query whose subgraph fetches were all answered before costs no subgraph
 * fetch, whatever its overall shape. docs/caching.md ("Subgraph-response
 * cache") explains the design.
 *
 * It shares everything with the whole-response cache (engine.ts): the store,
 * the tag versions, the storage rule and the invalidations. An entry holds the
 * data (one entity's object, or a root fetch's whole `data`), the tags its
 * fetch reported with the versions they had, and until when it is fresh; a
 * lookup reads the entries of a fetch with every tag's current version in one
 * round trip, and a version that moved makes that entry a miss. Each entry
 * carries its fetch's report forward: an answer served from it tells the
 * request's collector what the subgraph told the first time, so
 * a whole answer built from entries keeps its tags and its age bound, and the
 * personal-data reads the subgraph audited, which the request then audits
 * again for its own caller (plugin.ts). An entity entry of a customer keeps
 * only that customer's reads; any other entry keeps every read of its fetch.
 *
 * Keys hold the subgraph, the fetch's document without its operation name
 * (the query planner names subgraph operations after the client's, and a
 * different client operation over the same selection must share entries), the
 * variables other than `representations`, the caller's scope, and for an
 * entity its representation: its `__typename`, key fields and any `@requires`
 * fields, all of which decide what the subgraph answers.
 */
import { createHash } from 'node:crypto';
import type { GraphQLDataSourceProcessOptions, RemoteGraphQLDataSource } from '@apollo/gateway';
import type { GraphQLFormattedError } from 'graphql';
import type { Logger } from 'pino';
import { scopeOf } from '../../../lib/auth/index.js';
import type { AuditedRead, CacheReport } from '../../../lib/cache/index.js';
import type { GatewayContext } from '../context.js';
import { fetchReportOf, noteServedReport, requestCacheState } from './collector.js';
import { aroundVersions, auditedReadsOf, canonicalJson, decodeTagged, judgeAnswer, type ResponseCacheEngine, type StoreVerdict } from './engine.js';
import { Flights } from './flights.js';
import { countSubgraphLookup, subgraphCacheStores } from './metrics.js';

type ProcessOptions = GraphQLDataSourceProcessOptions<GatewayContext>;
type SubgraphResponse = Awaited<ReturnType<RemoteGraphQLDataSource<GatewayContext>['process']>>;
/** Sends a fetch to the subgraph (the data source's own `process`). */
export type SendFetch = (options: ProcessOptions) => Promise<SubgraphResponse>;

interface Entry {
  storedAt: number;
  /** Epoch ms until which the data is fresh: the fetch's report bound, capped by maxTtl. */
  freshUntil: number;
  tags: string[];
  versions: string[];
  /** The personal-data reads the subgraph audited for this data. */
  reads: AuditedRead[];
  data: unknown;
}

/** A subgraph operation as the query planner prints it: `query Name__subgraph__0(...){...}`. */
const NAMED_QUERY = /^query\s+[_A-Za-z][_0-9A-Za-z]*/;

/** The fetch's document without its operation name; null when it is not a query. */
function anonymousQuery(query: string): string | null {
  if (query.startsWith('{')) return query;
  if (!query.startsWith('query')) return null;
  return query.replace(NAMED_QUERY, 'query');
}

function decodeEntry(raw: string | undefined): Entry | undefined {
  const e = raw === undefined ? undefined : decodeTagged<Entry>(raw);
  // Without `reads` (stored before entries carried them), serving it could not be audited: a miss.
  if (!e || typeof e.storedAt !== 'number' || typeof e.freshUntil !== 'number' || !Array.isArray(e.versions) || !Array.isArray(e.reads)) return undefined;
  if (e.tags.length !== e.versions.length || !('data' in e)) return undefined;
  return e as Entry;
}

/** The reads of a fetch that belong to one entity's entry: a customer's own, or all of them for any other entity. */
function readsOfEntity(representation: unknown, reads: readonly AuditedRead[]): AuditedRead[] {
  const rep = representation as { __typename?: unknown; id?: unknown } | null;
  if (rep?.__typename !== 'Customer' || typeof rep.id !== 'string') return [...reads];
  return reads.filter((r) => r.customerId === rep.id);
}

/** `_entities.<j>` of a fetch of the missing representations, moved to the index the client's fetch gave it. */
function remapErrors(errors: readonly GraphQLFormattedError[] | undefined, missing: readonly number[]): GraphQLFormattedError[] | undefined {
  if (!errors) return undefined;
  return errors.map((e) => {
    const [head, index, ...rest] = e.path ?? [];
    if (head !== '_entities' || typeof index !== 'number' || missing[index] === undefined) return e;
    return { ...e, path: ['_entities', missing[index], ...rest] };
  });
}

type Lookup = { phase: 'found'; entries: Array<Entry | undefined>; invalidated: boolean } | { phase: 'error' };

export class SubgraphResponseCache {
  /** Identical fetches (same keys, so same caller scope) that miss in this process are sent once. */
  private readonly flights = new Flights();

  constructor(
    private readonly engine: ResponseCacheEngine,
    private readonly namespace: string,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Answers a subgraph fetch from stored entries where it can, sends the rest
   * through `send`, and stores what comes back when it may. Fetches outside a
   * client query (health checks, schema loading, subscriptions, mutations)
   * go out untouched.
   */
  async process(subgraph: string, options: ProcessOptions, send: SendFetch): Promise<SubgraphResponse> {
    if (!('incomingRequestContext' in options)) return send(options);
    const { request, context } = options;
    const state = requestCacheState(context);
    if (!state || !context.caller) return send(options);
    const query = request.query === undefined ? null : anonymousQuery(request.query);
    // A query fetch inside a mutation request may follow the write it depends on: never from the cache.
    if (query === null || options.incomingRequestContext.operation?.operation !== 'query') {
      countSubgraphLookup(subgraph, 'uncacheable');
      return send(options);
    }

    const { representations, ...others } = (request.variables ?? {}) as Record<string, unknown>;
    const reps = Array.isArray(representations) ? (representations as unknown[]) : undefined;
    const base = createHash('sha256').update(query).update('\n').update(canonicalJson(others)).update('\n').update(scopeOf(context.caller)).digest('hex');
    const keyOf = (part: string): string => `${this.namespace}:scache:v3:${subgraph}:${createHash('sha256').update(base).update('\n').update(part).digest('hex')}`;
    const keys = reps ? reps.map((r) => keyOf(canonicalJson(r))) : [keyOf('')];

    const flightKey = keys.join('\n');
    let found = await this.lookup(keys);
    // The same fetch is on its way for an identical request: wait for it and look again.
    if (found.phase === 'found' && found.entries.every((e) => !e) && (await this.flights.wait(flightKey))) found = await this.lookup(keys);
    if (found.phase === 'error') {
      countSubgraphLookup(subgraph, 'error');
      return send(options);
    }
    const { entries } = found;
    const missing: number[] = [];
    entries.forEach((e, i) => {
      if (!e) missing.push(i);
    });
    const served = entries.filter((e): e is Entry => e !== undefined);
    const result = missing.length === 0 ? 'hit' : served.length > 0 ? 'partial' : found.invalidated ? 'invalidated' : 'miss';
    countSubgraphLookup(subgraph, result);
    if (served.length > 0) noteServedReport(context, this.servedReport(served), this.now());

    if (missing.length === 0) {
      const data = reps ? { _entities: served.map((e) => e.data) } : (served[0]?.data as Record<string, unknown>);
      return { data };
    }

    const partial = reps !== undefined && served.length > 0;
    const sent = partial
      ? { ...options, request: { ...request, variables: { ...request.variables, representations: missing.map((i) => reps[i]) } } }
      : options;
    const startedAt = this.now();
    // Only a fetch that misses whole has a flight: identical ones wait for it, a partial one goes out.
    const land = partial ? undefined : this.flights.start(flightKey);
    let response: SubgraphResponse;
    let fetched: unknown;
    let complete: boolean;
    let storing: Promise<void> | undefined;
    try {
      response = await send(sent);
      fetched = reps ? (response.data as { _entities?: unknown } | null | undefined)?._entities : undefined;
      complete = reps ? Array.isArray(fetched) && fetched.length === missing.length : response.data !== null && response.data !== undefined;
      // Not awaited here: the plan's next fetches need the answer, not the write (a round trip on Redis).
      // The client's answer waits for it (plugin.ts), and so does an identical fetch waiting on this flight.
      storing = this.store(
        subgraph,
        complete
          ? reps
            ? missing.map((i, j) => ({ key: keys[i] as string, data: (fetched as unknown[])[j], representation: reps[i] }))
            : [{ key: keys[0] as string, data: response.data }]
          : [],
        response,
        startedAt,
      ).catch((err: unknown) => {
        // Never rejects: nothing awaits it where a failure could be answered.
        this.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'subgraph-response cache store failed');
      });
      state.storing.push(storing);
    } finally {
      if (land) {
        if (storing) void storing.then(land);
        else land();
      }
    }

    if (!partial) return response;
    const errors = remapErrors(response.errors, missing);
    if (!complete) return { ...response, ...(errors ? { errors } : {}) };
    const merged = entries.map((e) => e?.data);
    missing.forEach((i, j) => {
      merged[i] = (fetched as unknown[])[j];
    });
    return { ...response, data: { ...response.data, _entities: merged }, ...(errors ? { errors } : {}) };
  }

  /** The report of served entries, as one fetch: their tags, and the soonest any of them stops being fresh. */
  private servedReport(served: readonly Entry[]): CacheReport {
    const tags = new Set<string>();
    let freshUntil = Infinity;
    for (const e of served) {
      for (const t of e.tags) tags.add(t);
      freshUntil = Math.min(freshUntil, e.freshUntil);
    }
    const reads = auditedReadsOf(served.map((e) => ({ report: { reads: e.reads } })));
    return { tags: [...tags], maxAgeMs: Math.max(0, freshUntil - this.now()), stale: false, incomplete: false, invalidated: [], reads };
  }

  /** The entries of these keys that are fresh and whose tags are all at the versions they were stored with. */
  private async lookup(keys: readonly string[]): Promise<Lookup> {
    try {
      // The entries and their tags' versions in one round trip.
      const { values, versions: current } = await this.engine.readTagged(keys);
      const entries = values.map(decodeEntry);
      const now = this.now();
      const dead: string[] = [];
      let invalidated = false;
      const usable = entries.map((e, i) => {
        if (!e || e.freshUntil <= now) return undefined;
        if (e.tags.some((t, j) => current.get(t) !== e.versions[j])) {
          invalidated = true;
          dead.push(keys[i] as string);
          return undefined;
        }
        return e;
      });
      // Dead for good: their versions never come back.
      this.engine.forget(dead);
      return { phase: 'found', entries: usable, invalidated };
    } catch (err) {
      this.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'subgraph-response cache lookup failed; sending the fetch');
      return { phase: 'error' };
    }
  }

  /**
   * Stores fetched data under the rule of the whole-response cache: only with
   * a report, no errors, nothing stale or incomplete, a bounded age of at least
   * minTtl, and no tag moved since the fetch began.
   */
  private async store(
    subgraph: string,
    items: ReadonlyArray<{ key: string; data: unknown; representation?: unknown }>,
    response: SubgraphResponse,
    startedAt: number,
  ): Promise<void> {
    const fetched = fetchReportOf(response);
    const now = this.now();
    // One fetch's answer judged as the whole-response cache judges a client's: the same rule, the same reasons.
    const verdict: StoreVerdict =
      items.length === 0
        ? { phase: 'skip', reason: 'errors' }
        : judgeAnswer({ data: items.map((i) => i.data), errors: response.errors }, { fetches: 1, reports: fetched ? [fetched] : [] }, this.engine.settings, now);
    if (verdict.phase === 'skip') {
      subgraphCacheStores.inc({ subgraph, result: verdict.reason });
      return;
    }
    try {
      const { ttlMs, tags, reads } = verdict;
      const since = this.engine.since(startedAt);
      const written = await this.engine.write(
        items.map((i) => ({
          key: i.key,
          ttlMs,
          tags,
          since,
          ...aroundVersions(tags, { storedAt: now, freshUntil: now + ttlMs }, { reads: 'representation' in i ? readsOfEntity(i.representation, reads) : reads, data: i.data }),
        })),
      );
      // One read of the versions for all: every entry was written, or none.
      if (!written.every(Boolean)) {
        subgraphCacheStores.inc({ subgraph, result: 'invalidated' });
        return;
      }
      subgraphCacheStores.inc({ subgraph, result: 'stored' });
    } catch (err) {
      subgraphCacheStores.inc({ subgraph, result: 'error' });
      this.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'subgraph-response cache store failed');
    }
  }
}
