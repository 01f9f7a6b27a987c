/**
 * The response cache's storage and rules: what a key is made of, when an answer
 * may be stored and for how long, and when a stored one is still good.
 *
 * An entry holds the answer, the tags its subgraphs reported and the version
 * each tag had when it was stored, and the personal-data reads its subgraphs
 * audited, which a hit audits again for the caller it serves. A lookup reads the entry and every tag's
 * current version in one round trip (the entry leads with its tags, taggedValue); a version that
 * moved makes it a miss. Storing reads the versions and writes in one round trip too (TagVersions#write).
 * An answer is stored only when it is whole and current:
 * - no errors, and data (a partial answer carries errors);
 * - every subgraph fetch sent a cache report, none stale or incomplete, and no
 *   `freshness { stale: true }` anywhere in the data;
 * - it lives no longer than the least fresh value in it (the reports' maxAgeMs),
 *   capped by `maxTtlSeconds`, so it never outlives what the entity cache
 *   itself would serve as fresh, even where invalidations cannot reach it;
 * - no tag of it moved after the request began (less a clock-skew margin):
 *   an invalidation racing the request leaves nothing behind.
 */
import { createHash } from 'node:crypto';
import { print, type DocumentNode } from 'graphql';
import type { Logger } from 'pino';
import { mergeAuditedReads } from '../../../lib/auth/index.js';
import { readTagged, taggedValue, type AuditedRead, type KeyValueStore } from '../../../lib/cache/index.js';
import type { RequestCacheState } from './collector.js';
import type { TaggedWrite, TagVersions } from './versions.js';
import { countResponseLookup, responseCacheStores } from './metrics.js';

/** Why an answer was not stored (the `result` label of rsg_response_cache_stores_total, besides `stored`). */
export type SkipReason =
  /** The answer has errors, or no data. */
  | 'errors'
  /** Deferred or streamed: not a single result. */
  | 'incremental'
  /** A subgraph fetch came back without a cache report, or no subgraph was asked. */
  | 'unreported'
  /** A subgraph read nothing through its entity cache, so nothing bounds the answer's age. */
  | 'unbounded'
  /** A value was served past its TTL. */
  | 'stale'
  /** A subgraph read failed. */
  | 'incomplete'
  /** The answer would be fresh for less than minTtlSeconds. */
  | 'expiring'
  /** A tag of the answer was invalidated while it was being computed. */
  | 'invalidated'
  /** The store failed. */
  | 'error';

export type StoreVerdict = { phase: 'store'; tags: string[]; ttlMs: number; reads: AuditedRead[] } | { phase: 'skip'; reason: SkipReason };

export type LookupResult =
  /** `reads`: the reads the answer's subgraphs audited when it was computed, to audit again for this caller. */
  | { phase: 'hit'; body: Record<string, unknown>; ageSeconds: number; reads: AuditedRead[] }
  | { phase: 'miss'; reason: 'absent' | 'invalidated' | 'error' };

export interface EngineSettings {
  maxTtlMs: number;
  minTtlMs: number;
  clockSkewMs: number;
  opTimeoutMs: number;
}

interface Entry {
  storedAt: number;
  tags: string[];
  versions: string[];
  /** The personal-data reads its subgraphs audited, one per customer. */
  reads: AuditedRead[];
  /** The result as JSON text: stored and served without re-encoding the data inside. */
  body: string;
}

const documentHashes = new WeakMap<DocumentNode, string>();

/**
 * The operation's identity: a hash of the printed document, so whitespace and
 * comments do not split entries. Apollo's document store hands back the same
 * parsed document for a repeated query, so this prints it once per document.
 */
export function documentHash(document: DocumentNode): string {
  let h = documentHashes.get(document);
  if (!h) {
    h = createHash('sha256').update(print(document)).digest('hex');
    documentHashes.set(document, h);
  }
  return h;
}

/** JSON with object keys sorted, so `{a, b}` and `{b, a}` name the same variables. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const o = value as Record<string, unknown>;
  return `{${Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
    .join(',')}}`;
}

/** The store key of one answer: operation, operation name, variables and the caller's scope. */
export function responseKey(
  namespace: string,
  parts: { document: DocumentNode; operationName: string | null | undefined; variables: Record<string, unknown> | undefined; scope: string },
): string {
  const h = createHash('sha256')
    .update(documentHash(parts.document))
    .update('\n')
    .update(parts.operationName ?? '')
    .update('\n')
    .update(canonicalJson(parts.variables ?? {}))
    .update('\n')
    .update(parts.scope)
    .digest('hex');
  return `${namespace}:rcache:v3:${h}`;
}

/** True when any `freshness` object in the data says `stale: true`. */
export function containsStale(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return value.some(containsStale);
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (k === 'freshness' && v !== null && typeof v === 'object' && (v as { stale?: unknown }).stale === true) return true;
    if (containsStale(v)) return true;
  }
  return false;
}

/** The reads these reports say were audited, one per customer with every field group any of them read. */
export function auditedReadsOf(reports: ReadonlyArray<{ report: { reads: readonly AuditedRead[] } | undefined }>): AuditedRead[] {
  const merged = mergeAuditedReads(reports.flatMap((r) => r.report?.reads ?? []));
  return [...merged].map(([customerId, groups]) => ({ customerId, fieldGroups: [...groups].sort() }));
}

/**
 * Whether an answer may be stored, judged from the answer and its subgraph
 * reports alone (the tag versions are checked when storing).
 */
export function judgeAnswer(
  result: { data?: unknown; errors?: readonly unknown[] | undefined },
  state: Pick<RequestCacheState, 'fetches' | 'reports'>,
  settings: Pick<EngineSettings, 'maxTtlMs' | 'minTtlMs'>,
  now: number,
): StoreVerdict {
  if ((result.errors && result.errors.length > 0) || result.data === null || result.data === undefined) return { phase: 'skip', reason: 'errors' };
  // Fetches answered by the subgraph-response cache were never sent, but their stored reports count like any other.
  const sent = state.reports.reduce((n, r) => (r.served ? n : n + 1), 0);
  if (state.reports.length === 0 || sent !== state.fetches) return { phase: 'skip', reason: 'unreported' };
  const tags = new Set<string>();
  let freshUntil = now + settings.maxTtlMs;
  for (const { report, receivedAt } of state.reports) {
    if (!report) return { phase: 'skip', reason: 'unreported' };
    if (report.stale) return { phase: 'skip', reason: 'stale' };
    if (report.incomplete) return { phase: 'skip', reason: 'incomplete' };
    if (report.maxAgeMs === null) return { phase: 'skip', reason: 'unbounded' };
    freshUntil = Math.min(freshUntil, receivedAt + report.maxAgeMs);
    for (const t of report.tags) tags.add(t);
  }
  if (containsStale(result.data)) return { phase: 'skip', reason: 'stale' };
  const ttlMs = freshUntil - now;
  if (ttlMs < settings.minTtlMs) return { phase: 'skip', reason: 'expiring' };
  return { phase: 'store', tags: [...tags].sort(), ttlMs, reads: auditedReadsOf(state.reports) };
}

/**
 * An entry as stored, cut where its `versions` go: its tags ahead of the rest
 * (taggedValue), then a JSON object of `before`'s fields, `"versions":`, and
 * `after`'s. The versions are put in by the write that reads them (TagVersions#write).
 */
export function aroundVersions(tags: readonly string[], before: Record<string, unknown>, after: Record<string, unknown>): { head: string; tail: string } {
  const b = JSON.stringify(before);
  const a = JSON.stringify(after);
  return { head: taggedValue(tags, `${b.slice(0, -1)}${b === '{}' ? '' : ','}"versions":`), tail: a === '{}' ? '}' : `,${a.slice(1)}` };
}

/** A stored entry's tags and the JSON object after them, as `T`; undefined when it is not one. */
export function decodeTagged<T>(raw: string): (Partial<T> & { tags: string[] }) | undefined {
  const tagged = readTagged(raw);
  if (!tagged) return undefined;
  try {
    const rest: unknown = JSON.parse(tagged.rest);
    if (rest === null || typeof rest !== 'object' || Array.isArray(rest)) return undefined;
    return { ...(rest as Partial<T>), tags: tagged.tags };
  } catch {
    return undefined;
  }
}

class StoreTimeoutError extends Error {
  override readonly name = 'StoreTimeoutError';
}

export class ResponseCacheEngine {
  constructor(
    private readonly kv: KeyValueStore,
    readonly versions: TagVersions,
    readonly settings: EngineSettings,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** A stored answer whose tags are all at the versions it was stored with. */
  async lookup(key: string): Promise<LookupResult> {
    try {
      // The entry and its tags' versions in one round trip.
      const { values, versions } = await this.readTagged([key]);
      const raw = values[0];
      const entry = raw === undefined ? undefined : decodeEntry(raw);
      if (!entry) {
        countResponseLookup('miss');
        return { phase: 'miss', reason: 'absent' };
      }
      if (entry.tags.some((t, i) => versions.get(t) !== entry.versions[i])) {
        countResponseLookup('invalidated');
        // Dead for good: its versions never come back. Not awaited: the answer does not depend on it.
        this.forget([key]);
        return { phase: 'miss', reason: 'invalidated' };
      }
      countResponseLookup('hit');
      return {
        phase: 'hit',
        body: JSON.parse(entry.body) as Record<string, unknown>,
        ageSeconds: Math.max(0, Math.floor((this.now() - entry.storedAt) / 1000)),
        reads: entry.reads,
      };
    } catch (err) {
      countResponseLookup('error');
      this.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'response cache lookup failed; answering without it');
      return { phase: 'miss', reason: 'error' };
    }
  }

  /**
   * Stores an answer judged storable, with its tags' versions as they are now,
   * unless one moved after `startedAt`: the answer may then predate the change.
   */
  async store(key: string, body: Record<string, unknown>, verdict: StoreVerdict, startedAt: number): Promise<StoreVerdict> {
    if (verdict.phase === 'skip') {
      responseCacheStores.inc({ result: verdict.reason });
      return verdict;
    }
    try {
      const { tags, reads, ttlMs } = verdict;
      const entry = aroundVersions(tags, { storedAt: this.now() }, { reads, body: JSON.stringify(body) });
      const [written] = await this.timed(this.versions.write(this.kv, [{ key, ttlMs, tags, since: this.since(startedAt), ...entry }]));
      if (!written) {
        responseCacheStores.inc({ result: 'invalidated' });
        return { phase: 'skip', reason: 'invalidated' };
      }
      responseCacheStores.inc({ result: 'stored' });
      return verdict;
    } catch (err) {
      responseCacheStores.inc({ result: 'error' });
      this.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'response cache store failed');
      return { phase: 'skip', reason: 'error' };
    }
  }

  /**
   * The time after which a tag version means what was computed since `startedAt`
   * may predate the change. A version made by another process's clock counts as
   * recent if it is near the start.
   */
  since(startedAt: number): number {
    return startedAt - this.settings.clockSkewMs;
  }

  /** Stored entries by key with their tags' current versions (TagVersions#readTagged); throws when the store fails or is late. */
  readTagged(keys: readonly string[]): Promise<{ values: Array<string | undefined>; versions: Map<string, string> }> {
    return this.timed(this.versions.readTagged(this.kv, keys));
  }

  /** Writes entries with their tags' current versions unless one moved (TagVersions#write); throws when the store fails or is late. */
  write(entries: readonly TaggedWrite[]): Promise<boolean[]> {
    return this.timed(this.versions.write(this.kv, entries));
  }

  /** Drops entries that can never be served again; not awaited by anyone, so failures are ignored. */
  forget(keys: readonly string[]): void {
    if (keys.length > 0) this.kv.deleteMany(keys).catch(() => undefined);
  }

  /** Moves the versions of these tags; false when the store could not record it (logged). */
  async bump(tags: readonly string[]): Promise<boolean> {
    if (tags.length === 0) return true;
    try {
      await this.timed(this.versions.bump(tags));
      return true;
    } catch (err) {
      this.log.warn({ err: err instanceof Error ? err.message : String(err), tags: tags.length }, 'response cache invalidation failed');
      return false;
    }
  }

  private async timed<T>(p: Promise<T>): Promise<T> {
    // This process's memory cannot hang: no timer to race it against.
    if (this.kv.inProcess) return p;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new StoreTimeoutError(`response cache store took longer than ${this.settings.opTimeoutMs} ms`)), this.settings.opTimeoutMs);
    });
    try {
      return await Promise.race([p, timeout]);
    } finally {
      clearTimeout(timer);
      p.catch(() => undefined);
    }
  }
}

function decodeEntry(raw: string): Entry | undefined {
  const e = decodeTagged<Entry>(raw);
  // Without `reads` (stored before answers carried them), a hit could not be audited: a miss.
  if (!e || typeof e.storedAt !== 'number' || !Array.isArray(e.versions) || !Array.isArray(e.reads) || typeof e.body !== 'string') return undefined;
  if (e.tags.length !== e.versions.length) return undefined;
  return e as Entry;
}
