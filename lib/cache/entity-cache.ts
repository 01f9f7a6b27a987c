/**
 * The entity cache: the cross-request layer between a request's DataLoaders and
 * the systems of record. A batch of keys is answered from the cache where it
 * can be, and the rest are fetched from the system in one call; so a batch of
 * 50 keys of which 45 are cached costs one call for 5.
 *
 * What it guarantees, and how:
 * - **Freshness.** Each entry records when its value was fetched. It is fresh
 *   for its domain's TTL (config.ts), and kept in the store for `maxStaleSeconds`
 *   longer so it can stand in while the system is failing (stale-if-error).
 * - **Single flight.** Misses in flight are remembered per key, so concurrent
 *   requests in this process for the same cold key share one system call.
 * - **Invalidation without lost updates.** Every entry belongs to one tag
 *   (`Order:SO-100234`, `Customer:C-000042:orders`). A tag has a version token;
 *   an entry is stored with the token its tag had *before* the system was asked,
 *   and is only served while the token is unchanged. `invalidate` replaces the
 *   tokens, so a miss that was in flight across an invalidation writes a value
 *   nobody will ever read, in this process or any other sharing the store.
 * - **Best effort.** Every store operation has a deadline; a failure is logged,
 *   counted (`rsg_cache_errors_total`), and the read goes to the system of record.
 *
 * Versions are tokens rather than counters because the in-memory store (keyv)
 * has no atomic increment; a fresh random token is just as good for "has it changed", and its time prefix
 * lets a late write of a record tell whether its tag moved after it was fetched.
 */
import type { Logger } from 'pino';
import { UpstreamError } from '../errors.js';
import { childLogger } from '../log.js';
import { scopeSlot } from '../scope.js';
import { decodeValue, encodeValue } from './codec.js';
import { FEED_DOMAINS, type CacheConfig, type FeedDomain, type TtlDomain } from './config.js';
import { cacheDroppedWrites, cacheErrors, countEntityLookup } from './metrics.js';
import type { GuardedEntry, KeyValueStore, StoreEntry } from './store.js';
import { INITIAL_TAG_VERSION, newTagVersion, tagVersionTime } from './versions.js';

/** One kind of cached entry: a record type, a part of one, or a list membership. */
export interface EntryKind {
  /**
   * Names the value's shape and its owner, e.g. `order/Order` or `finance/Customer.invoices`.
   * Part of every key, so two kinds never read each other's values.
   */
  readonly name: string;
  /** The TTL row this kind uses. */
  readonly domain: TtlDomain;
  /** The invalidation tag an entry for `id` belongs to; see `entityTag` and `listTag`. */
  tag(id: string): string;
}

/** The tag of an entity and everything cached about it by its own subgraph: `Order:SO-100234`. */
export const entityTag = (type: string, id: string): string => `${type}:${id}`;

/** The tag of a list or field one subgraph adds to an entity: `Customer:C-000042:orders`. */
export const listTag = (type: string, id: string, field: string): string => `${type}:${id}:${field}`;

/** The scope of entries whose value does not depend on who asks. */
export const SHARED_SCOPE = 'shared';

export interface LoadOptions {
  /**
   * Who the value is for. Anything that depends on the caller (a storefront
   * customer's view, a role's redactions) must pass the caller's scope, so no
   * caller is ever served another's entry.
   * @default SHARED_SCOPE
   */
  scope?: string;
  /** The argument set the value depends on (a page, a filter), already canonical. @default none */
  args?: string;
  /**
   * The oldest cached value the caller accepts, in seconds; 0 reads the system now.
   * Never widens the domain's TTL.
   * @default the domain's TTL
   */
  maxAgeSeconds?: number;
  /** Multiplies the domain's TTL (quota pressure stretches it), on top of any feed stretch (coverByFeed). @default 1 */
  ttlFactor?: number;
}

/** What `peek` finds for one key: a value the cache holds whatever its age, and when it was read from its system. */
export interface Peeked<V> {
  value: V;
  fetchedAt: number;
}

/** What the cache answers for one key. */
export type Lookup<V> =
  /** From the cache within its TTL, or from the system just now. */
  | { phase: 'fresh'; value: V; fetchedAt: number }
  /** Past its TTL, served because the system failed with `error`. */
  | { phase: 'stale'; value: V; fetchedAt: number; error: UpstreamError }
  | { phase: 'failed'; error: Error }
  /** The system has no such thing. Not cached: it may exist by the next read. */
  | { phase: 'absent' };

/**
 * Fetches the missing keys from the system of record in one call. Keys the
 * system does not know are left out of the map; a key that failed alone maps
 * to its Error. Throwing fails every key of the call.
 */
export type FetchMissing<V> = (ids: string[]) => Promise<Map<string, V | Error>>;

/** Told the tags of each invalidation (EntityCache#onInvalidate). */
export type InvalidationListener = (tags: readonly string[]) => Promise<unknown> | void;

export interface EntityCacheOptions {
  /** Where entries and tag versions live (createCacheStore's `kv`, or keyvStore over a keyv). */
  store: KeyValueStore;
  /** Prefix of every key, from loadCommonConfig().namespace. */
  namespace: string;
  config: CacheConfig;
  /** Clock in epoch ms, for tests. @default Date.now */
  now?: () => number;
  log?: Logger;
}

interface Envelope {
  fetchedAt: number;
  version: string;
  data: string;
}

interface InFlight {
  tag: string;
  promise: Promise<Lookup<unknown>>;
  /** Set when the entry's tag is invalidated while the fetch is running: its result must not be stored. */
  invalidated: boolean;
  /**
   * Set once the system has answered and the value's write is on its way to the store: the
   * value with the tag version read before the fetch, which a request arriving now may take
   * only if its own read finds that version still current, as it would of the stored entry.
   */
  answered?: {
    lookup: Lookup<unknown>;
    fetchedAt: number;
    /** The value is written under this version, read before the fetch: it stands while the tag still has it. */
    version?: string;
    /** A record put along: written only if its tag was not replaced after this (epoch ms), and stands while it was not. */
    since?: number;
  };
  /** Once `answered`: the write, settled when it has landed (or failed). */
  landed?: Promise<void>;
  /**
   * Once `answered`: records came with this value (a list's), written with it. A request arriving
   * before they land waits for the write and then reads the store, so that it finds them.
   */
  withRecords?: boolean;
}

/** Entries `put` while a fetch of misses ran: they are written with the fetch's own, in one round trip. */
interface AlongFetch {
  entries: GuardedEntry[];
  /** The kind of each entry, for the count of writes dropped. */
  kinds: string[];
  /** Each entry as a request of this process may take it while the write is on its way. */
  values: Array<{ key: string; tag: string; lookup: Lookup<unknown>; since: number }>;
  /** Set once the fetch's write is under way: a later put writes on its own. */
  closed: boolean;
}

/**
 * The fetch of misses the current async context runs in, and whose cache it is. One slot of the
 * async scope for every cache of the process, not a storage per cache: each AsyncLocalStorage in
 * use costs every promise the process makes a copy of its store (lib/scope.ts), and the embedded
 * default holds four caches (one per subgraph).
 */
const fetching = scopeSlot<{ cache: EntityCache; along: AlongFetch }>('entityFetch');

/** The version of a tag that has never been invalidated (or whose version expired with every entry of it). */
const INITIAL_VERSION = INITIAL_TAG_VERSION;

/** Whether a value answered but not yet written still stands, given its tag's version now: as its write will find it. */
function stands(answered: NonNullable<InFlight['answered']>, current: string): boolean {
  if (answered.version !== undefined) return answered.version === current;
  return answered.since !== undefined && tagVersionTime(current) <= answered.since;
}

const newVersion = newTagVersion;

function encodeEnvelope(e: Envelope): string {
  const { head, tail } = envelopeAroundVersion(e.fetchedAt, e.data);
  return head + e.version + tail;
}

/** An envelope cut where its version goes, for a write that puts in the version it reads (KeyValueStore#setGuarded). */
function envelopeAroundVersion(fetchedAt: number, data: string): { head: string; tail: string } {
  return { head: `${fetchedAt}|`, tail: `|${data}` };
}

function decodeEnvelope(raw: unknown): Envelope | undefined {
  if (typeof raw !== 'string') return undefined;
  const a = raw.indexOf('|');
  const b = a < 0 ? -1 : raw.indexOf('|', a + 1);
  if (b < 0) return undefined;
  const fetchedAt = Number(raw.slice(0, a));
  if (!Number.isFinite(fetchedAt)) return undefined;
  return { fetchedAt, version: raw.slice(a + 1, b), data: raw.slice(b + 1) };
}

/** The failures worth serving a stale value for: the system is down, slow or rate-limiting, not a bug. */
export function isTransientUpstream(err: unknown): err is UpstreamError {
  return err instanceof UpstreamError && err.transient;
}

class CacheTimeoutError extends Error {
  override readonly name = 'CacheTimeoutError';
}

export class EntityCache {
  private readonly store: KeyValueStore;
  private readonly prefix: string;
  /** The settings this cache runs with. */
  readonly config: CacheConfig;
  private readonly log: Logger;
  private readonly inflight = new Map<string, InFlight>();
  /** Writes of fetched values still on their way to the store (fetchMisses). */
  private readonly landing = new Set<Promise<void>>();
  private readonly invalidationListeners = new Set<InvalidationListener>();
  /** Per domain, the health of each change feed that keeps it current (coverByFeed). */
  private readonly feeds = new Map<TtlDomain, Set<() => boolean>>();
  /** Tag versions outlive every entry that could carry an older one (see the class comment). */
  private readonly versionTtlMs: number;
  readonly now: () => number;

  constructor(opts: EntityCacheOptions) {
    this.store = opts.store;
    this.prefix = `${opts.namespace}:cache`;
    this.config = opts.config;
    this.now = opts.now ?? Date.now;
    this.log = opts.log ?? childLogger('cache');
    // The longest an entry can live: each domain's TTL at its own stretch (the directory's hour is never stretched by a feed).
    const stretchOf = (d: string): number => (opts.config.feedTtlFactors as Record<string, number>)[d] ?? 1;
    const longestTtl = Math.max(...Object.entries(opts.config.ttlSeconds).map(([d, s]) => s * stretchOf(d)));
    const longestLifeMs = (longestTtl * opts.config.salesforceBudgetTtlFactor + opts.config.maxStaleSeconds) * 1000;
    this.versionTtlMs = Math.max(7 * 24 * 3600 * 1000, 2 * longestLifeMs);
  }

  /**
   * Tells `listener` the tags of every invalidation of this cache, once the
   * store has it (or failed to record it): a host that keeps answers built from
   * these entries elsewhere in the process (the gateway's in-memory response
   * cache, scripts/graph.ts) drops them too. `invalidate` waits for the listener,
   * so a write answers only once they are gone. A failing listener is logged.
   * @returns removes the listener
   */
  onInvalidate(listener: InvalidationListener): () => void {
    this.invalidationListeners.add(listener);
    return () => this.invalidationListeners.delete(listener);
  }

  /** The store key of one entry. Exposed for tests and operators; the format may change with the `v2` segment. */
  key(kind: EntryKind, id: string, opts: Pick<LoadOptions, 'scope' | 'args'> = {}): string {
    const scope = encodeURIComponent(opts.scope ?? SHARED_SCOPE);
    const args = opts.args === undefined ? '' : `|${opts.args}`;
    return `${this.prefix}:v2:${kind.name}:${scope}:${encodeURIComponent(id)}${args}`;
  }

  private tagKey(tag: string): string {
    return `${this.prefix}:tag:${tag}`;
  }

  /**
   * Declares that a change feed keeps `domains` current: while `healthy()` says so, their
   * entries stay fresh `config.feedTtlFactors[domain]` times longer. `healthy` is asked at
   * every lookup, and entries keep the time they were read, not a deadline: once the feed
   * fails, an entry older than the plain TTL is fresh no more at the very next read, however
   * long it was stretched when it was written. Several feeds may cover one domain; one
   * healthy feed is enough.
   * @returns removes the declaration (the feed's subgraph closes)
   */
  coverByFeed(domains: readonly FeedDomain[], healthy: () => boolean): () => void {
    for (const d of domains) {
      if (!(FEED_DOMAINS as readonly string[]).includes(d)) throw new Error(`no change feed can cover the ${d} domain`);
      const set = this.feeds.get(d) ?? new Set();
      set.add(healthy);
      this.feeds.set(d, set);
    }
    return () => {
      for (const d of domains) this.feeds.get(d)?.delete(healthy);
    };
  }

  /** The stretch a healthy feed gives `domain` now: 1 without one. */
  feedFactor(domain: TtlDomain): number {
    const feeds = this.feeds.get(domain);
    if (!feeds || feeds.size === 0) return 1;
    for (const healthy of feeds) if (healthy()) return this.config.feedTtlFactors[domain as FeedDomain];
    return 1;
  }

  /** The domain's TTL in ms, stretched by `factor` and by its feed while that is healthy. */
  ttlMs(domain: TtlDomain, factor = 1): number {
    return this.plainTtlMs(domain, factor) * this.feedFactor(domain);
  }

  /**
   * The domain's TTL in ms stretched by `factor` only, as if no feed covered it: how long
   * a copy of an answer may be kept where this cache cannot tell it that the feed failed
   * (the gateway's response caches, through the cache report).
   */
  plainTtlMs(domain: TtlDomain, factor = 1): number {
    return this.config.ttlSeconds[domain] * 1000 * factor;
  }

  /**
   * The values the cache holds for `ids`, whatever their age, without asking the system:
   * what the product last knew. Entries whose tag was invalidated since are left out, and
   * so is everything when the store cannot be read.
   */
  async peek<V>(kind: EntryKind, ids: readonly string[], opts: Pick<LoadOptions, 'scope' | 'args'> = {}): Promise<Map<string, Peeked<V>>> {
    // What this process fetched last, written or not yet.
    await this.settled();
    const read = await this.read(kind, ids, opts);
    const out = new Map<string, Peeked<V>>();
    for (const [id, env] of read.entries) {
      if (env.version !== (read.versions.get(kind.tag(id)) ?? INITIAL_VERSION)) continue;
      const value = this.decode<V>(env, kind);
      if (value !== undefined) out.set(id, { value, fetchedAt: env.fetchedAt });
    }
    return out;
  }

  /**
   * Answers every id: from the cache where fresh, else from one `fetch` of the
   * rest (shared with any fetch of the same key already in flight here). A key
   * that fails with a transient upstream error is served from its last value,
   * flagged stale, when one is at most `maxStaleSeconds` past its TTL.
   */
  async load<V>(kind: EntryKind, ids: readonly string[], fetch: FetchMissing<V>, opts: LoadOptions = {}): Promise<Map<string, Lookup<V>>> {
    const ttlMs = this.ttlMs(kind.domain, opts.ttlFactor);
    const freshMs = opts.maxAgeSeconds === undefined ? ttlMs : Math.min(ttlMs, opts.maxAgeSeconds * 1000);
    // maxAge 0 (or a domain configured with TTL 0) never takes a cached value, nor joins a fetch that started earlier.
    const bypass = freshMs <= 0;
    const keyOf = (id: string): string => this.key(kind, id, opts);
    const out = new Map<string, Lookup<V>>();
    const joined: Array<Promise<void>> = [];
    const join = (id: string, f: InFlight): void => {
      countEntityLookup(kind.name, 'coalesced');
      joined.push(f.promise.then((r) => void out.set(id, r as Lookup<V>)));
    };

    // Joining before reading closes the window in which a fetch completes, and its
    // write lands, between this read and the check after it.
    const toRead: string[] = [];
    for (const id of new Set(ids)) {
      const f = bypass ? undefined : this.inflight.get(keyOf(id));
      if (f && !f.answered) join(id, f);
      else toRead.push(id);
    }

    const read = await this.read(kind, toRead, opts);
    const now = this.now();
    const misses: string[] = [];
    const fallback = new Map<string, Envelope>();
    /** Ids whose value was answered with records still being written: read again once they land. */
    const afterLanding = new Map<string, Promise<void>>();
    for (const id of toRead) {
      const env = read.entries.get(id);
      const current = env !== undefined && env.version === (read.versions.get(kind.tag(id)) ?? INITIAL_VERSION);
      const age = env ? now - env.fetchedAt : Infinity;
      if (current && !bypass && age < freshMs) {
        const value = this.decode<V>(env, kind);
        if (value !== undefined) {
          countEntityLookup(kind.name, 'hit');
          out.set(id, { phase: 'fresh', value, fetchedAt: env.fetchedAt });
          continue;
        }
      }
      if (current && age < ttlMs + this.config.maxStaleSeconds * 1000) fallback.set(id, env);
      const f = bypass ? undefined : this.inflight.get(keyOf(id));
      if (f && !f.answered) join(id, f);
      else if (f?.answered && f.withRecords && f.landed) afterLanding.set(id, f.landed);
      else if (f?.answered && stands(f.answered, read.versions.get(kind.tag(id)) ?? INITIAL_VERSION) && now - f.answered.fetchedAt < freshMs) {
        // Answered, its write still on the way: as good as the entry it writes, by the same check.
        countEntityLookup(kind.name, 'coalesced');
        out.set(id, f.answered.lookup as Lookup<V>);
      } else misses.push(id);
    }

    if (misses.length > 0) await this.fetchMisses(kind, misses, fetch, { opts, ttlMs, bypass, read, fallback, out, keyOf });
    await Promise.all(joined);
    if (afterLanding.size > 0) {
      await Promise.all(new Set(afterLanding.values()));
      for (const [id, lookup] of await this.load(kind, [...afterLanding.keys()], fetch, opts)) out.set(id, lookup);
    }
    return out;
  }

  private async fetchMisses<V>(
    kind: EntryKind,
    misses: string[],
    fetch: FetchMissing<V>,
    c: {
      opts: LoadOptions;
      ttlMs: number;
      bypass: boolean;
      read: { ok: boolean; versions: Map<string, string> };
      fallback: Map<string, Envelope>;
      out: Map<string, Lookup<V>>;
      keyOf: (id: string) => string;
    },
  ): Promise<void> {
    const startedAt = this.now();
    const pending = misses.map((id) => {
      let resolve!: (r: Lookup<unknown>) => void;
      const promise = new Promise<Lookup<unknown>>((r) => (resolve = r));
      const rec: InFlight = { tag: kind.tag(id), promise, invalidated: false };
      const key = c.keyOf(id);
      this.inflight.set(key, rec);
      return { id, key, rec, resolve };
    });
    let fetched: Map<string, V | Error>;
    const along: AlongFetch = { entries: [], kinds: [], values: [], closed: false };
    try {
      fetched = await fetching.run({ cache: this, along }, () => fetch(misses));
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      fetched = new Map(misses.map((id) => [id, err]));
    }
    const writes: StoreEntry[] = [];
    const answers: Array<() => void> = [];
    /** The records whose value is being written, with what a request arriving before it lands may take. */
    const written: Array<{ rec: InFlight; answered: NonNullable<InFlight['answered']> }> = [];
    const lifeMs = c.ttlMs + this.config.maxStaleSeconds * 1000;
    for (const p of pending) {
      let lookup: Lookup<V>;
      const r = fetched.get(p.id);
      if (!fetched.has(p.id)) {
        lookup = { phase: 'absent' };
      } else if (r instanceof Error) {
        const fb = c.fallback.get(p.id);
        const value = fb && isTransientUpstream(r) ? this.decode<V>(fb, kind) : undefined;
        if (fb && value !== undefined && isTransientUpstream(r)) {
          countEntityLookup(kind.name, 'stale');
          this.log.debug({ kind: kind.name, id: p.id, failure: r.failure }, 'serving a stale entry: the system of record failed');
          lookup = { phase: 'stale', value, fetchedAt: fb.fetchedAt, error: r };
        } else {
          lookup = { phase: 'failed', error: r };
        }
      } else {
        countEntityLookup(kind.name, c.bypass ? 'bypass' : 'miss');
        lookup = { phase: 'fresh', value: r as V, fetchedAt: startedAt };
        if (p.rec.invalidated) {
          cacheDroppedWrites.inc({ kind: kind.name });
        } else if (c.read.ok && lifeMs > 0) {
          // The version read before the fetch: if the tag moved since, this entry is born dead.
          const version = c.read.versions.get(p.rec.tag) ?? INITIAL_VERSION;
          writes.push({ key: p.key, value: encodeEnvelope({ fetchedAt: startedAt, version, data: encodeValue(r) }), ttlMs: lifeMs });
          written.push({ rec: p.rec, answered: { version, lookup, fetchedAt: startedAt } });
        }
      }
      c.out.set(p.id, lookup);
      answers.push(() => p.resolve(lookup));
    }
    // The write lands in the background: the caller has its values, and the records that came with
    // them (loadLists keeps those), so it goes on at once, a store round trip sooner on Redis.
    // Values put along (a list's records) are in the store only once the write lands: whoever joined
    // this fetch, and goes on to read them, hears back after it. Otherwise the joiners need not wait.
    const afterWrite = along.entries.length > 0;
    const landed = this.write(writes, along).then(() => {
      if (afterWrite) for (const answer of answers) answer();
      for (const p of pending) if (this.inflight.get(p.key) === p.rec) this.inflight.delete(p.key);
    });
    this.landing.add(landed);
    void landed.finally(() => this.landing.delete(landed));
    // Until it lands, a value being written stays in flight here, so a request arriving meanwhile takes
    // it (after the same version check as the stored entry) rather than missing; the rest go now.
    const writing = new Set(written.map((w) => w.rec));
    for (const w of written) Object.assign(w.rec, { answered: w.answered, landed, withRecords: afterWrite });
    for (const p of pending) if (!writing.has(p.rec) && this.inflight.get(p.key) === p.rec) this.inflight.delete(p.key);
    // The records put along too (a list's, an order page's lines), unless a fetch of one is under way here.
    const alongRecs: Array<{ key: string; rec: InFlight }> = [];
    for (const v of along.values) {
      if (this.inflight.has(v.key)) continue;
      const rec: InFlight = { tag: v.tag, promise: Promise.resolve(v.lookup), invalidated: false, answered: { lookup: v.lookup, fetchedAt: v.since, since: v.since }, landed };
      this.inflight.set(v.key, rec);
      alongRecs.push({ key: v.key, rec });
    }
    if (alongRecs.length > 0) void landed.then(() => alongRecs.forEach(({ key, rec }) => this.inflight.get(key) === rec && this.inflight.delete(key)));
    if (!afterWrite) for (const answer of answers) answer();
  }

  /**
   * Resolves once every write under way has landed (or failed): before the store closes, and
   * for a reader that must see what this process has fetched so far (peek).
   */
  async settled(): Promise<void> {
    while (this.landing.size > 0) await Promise.all([...this.landing]);
  }

  /**
   * Stores values fetched from the system by another path (records that came
   * with a list). `fetchStartedAt` is when that call began: a value whose tag
   * was invalidated after that is not stored. Called while this cache fetches
   * misses (inside a `load`'s fetch), the values are written with the fetch's
   * own entries, ahead of them and in the same round trip, once it answers.
   */
  async put<V>(kind: EntryKind, items: ReadonlyArray<{ id: string; value: V }>, fetchStartedAt: number, opts: LoadOptions = {}): Promise<void> {
    if (items.length === 0) return;
    const lifeMs = this.ttlMs(kind.domain, opts.ttlFactor) + this.config.maxStaleSeconds * 1000;
    if (lifeMs <= 0) return;
    // Each entry written with its tag's version, unless the tag moved after the call began: read and write in one round trip.
    const guarded: GuardedEntry[] = items.map(({ id, value }) => ({
      key: this.key(kind, id, opts),
      ttlMs: lifeMs,
      tagKeys: [this.tagKey(kind.tag(id))],
      since: fetchStartedAt,
      versionsAs: 'single',
      ...envelopeAroundVersion(fetchStartedAt, encodeValue(value)),
    }));
    const current = fetching.get();
    const along = current?.cache === this ? current.along : undefined;
    if (along && !along.closed) {
      along.entries.push(...guarded);
      along.kinds.push(...guarded.map(() => kind.name));
      along.values.push(...items.map(({ id, value }, i) => ({ key: guarded[i]!.key, tag: kind.tag(id), lookup: { phase: 'fresh' as const, value, fetchedAt: fetchStartedAt }, since: fetchStartedAt })));
      return;
    }
    await this.write([], { entries: guarded, kinds: guarded.map(() => kind.name), values: [], closed: false });
  }

  /**
   * Makes every entry of these tags unreadable, here and in every process that
   * shares the store, including values still being fetched. Writes (after the
   * system applied them) and change events call this.
   * @returns false when the store could not record it (it is still applied in this process)
   */
  async invalidate(tags: readonly string[]): Promise<boolean> {
    const unique = [...new Set(tags)];
    if (unique.length === 0) return true;
    const wanted = new Set(unique);
    for (const [key, f] of this.inflight) {
      if (wanted.has(f.tag)) {
        f.invalidated = true;
        this.inflight.delete(key);
      }
    }
    const version = newVersion(this.now());
    let recorded = true;
    try {
      await this.timed('invalidate', this.store.setMany(unique.map((t) => ({ key: this.tagKey(t), value: version, ttlMs: this.versionTtlMs }))));
    } catch (e) {
      this.failed('invalidate', e);
      recorded = false;
    }
    if (this.invalidationListeners.size > 0) {
      await Promise.all(
        [...this.invalidationListeners].map(async (listener) => {
          try {
            await listener(unique);
          } catch (err) {
            this.log.warn({ err, tags: unique }, 'an invalidation listener failed');
          }
        }),
      );
    }
    return recorded;
  }

  private async read(
    kind: EntryKind,
    ids: readonly string[],
    opts: LoadOptions,
  ): Promise<{ ok: boolean; entries: Map<string, Envelope>; versions: Map<string, string> }> {
    const entries = new Map<string, Envelope>();
    const versions = new Map<string, string>();
    if (ids.length === 0) return { ok: true, entries, versions };
    const tags = [...new Set(ids.map((id) => kind.tag(id)))];
    try {
      // Entries and their tags' versions in one round trip.
      const raw = await this.timed('read', this.store.getMany([...ids.map((id) => this.key(kind, id, opts)), ...tags.map((t) => this.tagKey(t))]));
      ids.forEach((id, i) => {
        const env = decodeEnvelope(raw[i]);
        if (env) entries.set(id, env);
      });
      tags.forEach((t, i) => {
        const v = raw[ids.length + i];
        if (v !== undefined) versions.set(t, v);
      });
      return { ok: true, entries, versions };
    } catch (e) {
      this.failed('read', e);
      return { ok: false, entries: new Map(), versions: new Map() };
    }
  }

  /** Writes `entries`, and after the values `along` holds (put's), in one round trip; failures are counted, not thrown. */
  private async write(entries: StoreEntry[], along?: AlongFetch): Promise<void> {
    const guarded = along?.entries ?? [];
    if (along) along.closed = true;
    if (entries.length === 0 && guarded.length === 0) return;
    try {
      if (guarded.length === 0) {
        await this.timed('write', this.store.setMany(entries));
        return;
      }
      const written = await this.timed('write', this.store.setGuarded(guarded, entries));
      written.forEach((w, i) => {
        if (!w) cacheDroppedWrites.inc({ kind: along?.kinds[i] ?? 'unknown' });
      });
    } catch (e) {
      this.failed('write', e);
    }
  }

  private decode<V>(env: Envelope, kind: EntryKind): V | undefined {
    try {
      return decodeValue<V>(env.data);
    } catch (e) {
      // A corrupt entry is a miss, never a failed request.
      this.failed('decode', e, { kind: kind.name });
      return undefined;
    }
  }

  private async timed<T>(op: string, p: Promise<T>): Promise<T> {
    // This process's memory cannot hang: no timer to race it against.
    if (this.store.inProcess) return p;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new CacheTimeoutError(`cache ${op} took longer than ${this.config.opTimeoutMs} ms`)), this.config.opTimeoutMs);
    });
    try {
      return await Promise.race([p, timeout]);
    } finally {
      clearTimeout(timer);
      // A store call that lost the race may still reject later; that is already counted.
      p.catch(() => undefined);
    }
  }

  private failed(op: string, err: unknown, extra: Record<string, unknown> = {}): void {
    cacheErrors.inc({ op });
    this.log.warn({ ...extra, op, err: err instanceof Error ? err.message : String(err) }, 'cache operation failed; using the system of record');
  }
}
