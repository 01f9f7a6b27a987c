/**
 * The cache report: what one subgraph request read through the entity cache,
 * told to the gateway so its response cache can tag, bound and refuse answers.
 *
 * A subgraph's response carries, in `extensions[CACHE_REPORT_EXTENSION]`:
 * - `tags`: every tag whose entries the request read or stored (`Order:SO-1`,
 *   `Customer:C-1:orders`), the same tags writes and change events invalidate;
 * - `maxAgeMs`: how much longer the least fresh value it used stays fresh, or
 *   null when nothing it read went through the cache (so nothing bounds it);
 * - `stale`: a value was served past its TTL; `incomplete`: a read failed;
 * - `invalidated`: tags the request invalidated (a mutation's writes);
 * - `reads`: the personal-data reads the request wrote audit records of
 *   (`{customerId, fieldGroups}`: identifiers only, as the records are), so
 *   that the gateway can write the same records when it serves the answer
 *   again from its caches (docs/security.md, "Audit").
 *
 * It is collected by the machinery, not by resolvers: `ReportingEntityCache`
 * notes every load, put and invalidate into the collector of the request it
 * runs in, found through the async scope (lib/scope.ts) because batch functions run on
 * later ticks, far from the GraphQL context. The subgraph bootstrap opens a collector
 * per request (`collectCacheReport`) and attaches the report to the response.
 */
import { defaultFieldResolver, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import { scopeSlot } from '../scope.js';
import { EntityCache, entityTag, type EntryKind, type FetchMissing, type LoadOptions, type Lookup } from './entity-cache.js';

/** The key of the report in a subgraph response's `extensions`. The gateway removes it before answering. */
export const CACHE_REPORT_EXTENSION = 'rsgCacheReport';

/** One audited read, as a cache report carries it: a customer and the field groups read (lib/auth/audit.ts). */
export interface AuditedRead {
  customerId: string;
  fieldGroups: string[];
}

export interface CacheReport {
  tags: string[];
  /** Remaining fresh life of the least fresh value read, in ms; null when no read went through the cache. */
  maxAgeMs: number | null;
  stale: boolean;
  incomplete: boolean;
  invalidated: string[];
  /** The personal-data reads the request audited, one per customer. */
  reads: AuditedRead[];
}

const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');

/**
 * Reads a report off the wire; anything malformed is treated as no report at all.
 * Checked by hand rather than through a schema library: the gateway reads one per
 * subgraph fetch. The result is a fresh object of the known fields only.
 */
export function parseCacheReport(value: unknown): CacheReport | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const r = value as Record<string, unknown>;
  const maxAgeMs = r.maxAgeMs;
  if (!isStringArray(r.tags) || !isStringArray(r.invalidated) || typeof r.stale !== 'boolean' || typeof r.incomplete !== 'boolean') return undefined;
  if (maxAgeMs !== null && (typeof maxAgeMs !== 'number' || Number.isNaN(maxAgeMs))) return undefined;
  // A subgraph from before reads were reported audited nothing through it.
  const rawReads = r.reads === undefined ? [] : r.reads;
  if (!Array.isArray(rawReads)) return undefined;
  const reads: AuditedRead[] = [];
  for (const read of rawReads as unknown[]) {
    if (read === null || typeof read !== 'object') return undefined;
    const { customerId, fieldGroups } = read as Record<string, unknown>;
    if (typeof customerId !== 'string' || !isStringArray(fieldGroups)) return undefined;
    reads.push({ customerId, fieldGroups: [...fieldGroups] });
  }
  return { tags: [...r.tags], maxAgeMs, stale: r.stale, incomplete: r.incomplete, invalidated: [...r.invalidated], reads };
}

/** One request's notes. Absolute deadlines here; the report turns them into a relative age so clocks need not agree. */
class Collector {
  readonly tags = new Set<string>();
  readonly invalidated = new Set<string>();
  freshUntil = Infinity;
  stale = false;
  incomplete = false;
  readonly reads: AuditedRead[] = [];

  report(now: number): CacheReport {
    return {
      tags: [...this.tags],
      maxAgeMs: this.freshUntil === Infinity ? null : Math.max(0, this.freshUntil - now),
      stale: this.stale,
      incomplete: this.incomplete,
      invalidated: [...this.invalidated],
      reads: this.reads.map((r) => ({ customerId: r.customerId, fieldGroups: [...r.fieldGroups] })),
    };
  }
}

const storage = scopeSlot<Collector>('cacheReport');

/** Runs `fn` (one subgraph request) with a fresh collector; reads inside it are noted. */
export function collectCacheReport<T>(fn: () => T): T {
  return storage.run(new Collector(), fn);
}

/** The report of the request this runs in, or undefined outside `collectCacheReport`. */
export function currentCacheReport(now: number = Date.now()): CacheReport | undefined {
  return storage.get()?.report(now);
}

/**
 * Notes tags the current request depends on. Also for reads that bypass the
 * entity cache but know what they touched (the bootstrap notes every entity
 * whose fields it resolves). `freshUntil` is an epoch-ms deadline.
 */
export function noteCacheRead(tags: Iterable<string>, opts: { freshUntil?: number; stale?: boolean; incomplete?: boolean } = {}): void {
  const c = storage.get();
  if (!c) return;
  for (const t of tags) c.tags.add(t);
  if (opts.freshUntil !== undefined && opts.freshUntil < c.freshUntil) c.freshUntil = opts.freshUntil;
  if (opts.stale) c.stale = true;
  if (opts.incomplete) c.incomplete = true;
}

/** Notes tags the current request invalidated. */
export function noteInvalidated(tags: Iterable<string>): void {
  const c = storage.get();
  if (!c) return;
  for (const t of tags) c.invalidated.add(t);
}

/** Notes a read the current request wrote an audit record of (lib/auth/audit.ts does, as it writes it). */
export function noteAuditedRead(read: AuditedRead): void {
  storage.get()?.reads.push({ customerId: read.customerId, fieldGroups: [...read.fieldGroups] });
}

export { INITIAL_TAG_VERSION, newTagVersion, tagVersionTime } from './versions.js';
/**
 * The store key of a tag's version, as EntityCache writes it; a gateway on the same store and namespace reads the same keys.
 * On Redis these keys keep keyv's format (isTagVersionKey in store.ts recognizes this one).
 */
export const tagVersionKey = (namespace: string, tag: string): string => `${namespace}:cache:tag:${tag}`;

/**
 * The entity cache, noting what each request reads into its cache report.
 * A subclass rather than a change to EntityCache: the cache stays ignorant of
 * who consumes the notes, and `createEntityCache` hands out this one.
 */
export class ReportingEntityCache extends EntityCache {
  override async load<V>(kind: EntryKind, ids: readonly string[], fetch: FetchMissing<V>, opts: LoadOptions = {}): Promise<Map<string, Lookup<V>>> {
    const out = await super.load(kind, ids, fetch, opts);
    if (!storage.get()) return out;
    // The plain TTL bounds what the gateway keeps: it cannot learn that a feed failed. A value
    // served under a feed's stretch (older than its plain TTL) is kept one plain TTL from now at
    // most, never past the stretched deadline: while the feed is healthy its invalidations reach
    // the gateway as they reach this cache; once it fails, the gateway's copy outlives the drop
    // back by one plain TTL at most.
    const capMs = (ttlMs: number): number => (opts.maxAgeSeconds === undefined ? ttlMs : Math.min(ttlMs, opts.maxAgeSeconds * 1000));
    const freshMs = capMs(this.plainTtlMs(kind.domain, opts.ttlFactor));
    const stretchedMs = capMs(this.ttlMs(kind.domain, opts.ttlFactor));
    const now = this.now();
    let freshUntil = Infinity;
    let stale = false;
    let incomplete = false;
    for (const l of out.values()) {
      switch (l.phase) {
        case 'fresh': {
          const plainUntil = l.fetchedAt + freshMs;
          freshUntil = Math.min(freshUntil, plainUntil > now ? plainUntil : Math.min(now + freshMs, l.fetchedAt + stretchedMs));
          break;
        }
        case 'stale':
          stale = true;
          break;
        case 'failed':
          incomplete = true;
          break;
        case 'absent':
          // Nothing cached it; it could appear at any time, so it is good for one TTL at most.
          freshUntil = Math.min(freshUntil, now + freshMs);
          break;
        default: {
          const never: never = l;
          throw new Error(`unexpected lookup ${JSON.stringify(never)}`);
        }
      }
    }
    noteCacheRead(
      ids.map((id) => kind.tag(id)),
      { freshUntil: Math.min(freshUntil, now + freshMs), stale, incomplete },
    );
    return out;
  }

  override async put<V>(kind: EntryKind, items: ReadonlyArray<{ id: string; value: V }>, fetchStartedAt: number, opts: LoadOptions = {}): Promise<void> {
    // Records that came with a list are part of this answer, fresh from their fetch.
    noteCacheRead(
      items.map((i) => kind.tag(i.id)),
      { freshUntil: fetchStartedAt + this.plainTtlMs(kind.domain, opts.ttlFactor) },
    );
    return super.put(kind, items, fetchStartedAt, opts);
  }

  override async invalidate(tags: readonly string[]): Promise<boolean> {
    noteInvalidated(tags);
    return super.invalidate(tags);
  }
}

/**
 * Notes, in the request's cache report, every entity whose fields this subgraph
 * resolves (`Customer:C-000042`), whether or not the value came through the
 * entity cache: the gateway's response cache must know every entity an answer
 * shows to drop it when one changes. List tags come from the cache itself.
 */
export function instrumentCacheReport(schema: GraphQLSchema): void {
  const entities = schema.getType('_Entity');
  if (!entities || !('getTypes' in entities)) return;
  for (const type of entities.getTypes()) {
    for (const def of Object.values(type.getFields())) {
      const resolve: GraphQLFieldResolver<unknown, object> = def.resolve ?? defaultFieldResolver;
      def.resolve = (parent, args, ctx, info) => {
        const id = (parent as { id?: unknown } | null)?.id;
        if (typeof id === 'string') noteCacheRead([entityTag(type.name, id)]);
        return resolve(parent, args, ctx, info);
      };
    }
  }
}
