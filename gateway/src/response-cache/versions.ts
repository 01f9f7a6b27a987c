/**
 * Tag versions as the response cache sees them.
 *
 * - **Shared** (Redis): the very keys the subgraphs' entity caches keep their
 *   tag versions under (`<namespace>:cache:tag:<tag>`). Every invalidation a
 *   subgraph makes, for a write or a change event, in any process, moves a
 *   version the gateway reads. Nothing has to be forwarded.
 * - **Local** (no Redis): versions in this process only. The subgraphs' own
 *   invalidations do not reach them, so they move only when the gateway is told:
 *   a mutation's report of what it invalidated, or a host calling `bump`.
 *   Responses are then bounded by their data's TTL (see plugin.ts), never longer.
 *
 * Versions are tokens that start with the time they were made (tags-report.ts),
 * so a response can tell that a tag moved while it was being computed.
 */
import { INITIAL_TAG_VERSION, guardedValue, newTagVersion, readTagged, tagVersionKey, tagVersionTime, type GuardedEntry, type KeyValueStore } from '../../../lib/cache/index.js';

/** An entry that records its tags' versions as a JSON array between `head` and `tail` (GuardedEntry, by tag). */
export interface TaggedWrite extends Omit<GuardedEntry, 'tagKeys' | 'versionsAs'> {
  tags: readonly string[];
}

export interface TagVersions {
  readonly phase: 'shared' | 'local';
  /** The current version of each tag, in one round trip; a tag never invalidated is INITIAL_TAG_VERSION. */
  read(tags: readonly string[]): Promise<string[]>;
  /**
   * Tagged values (taggedValue) from `store` with the current version of every tag
   * they name (INITIAL_TAG_VERSION where it has none); shared, in one round trip.
   */
  readTagged(store: KeyValueStore, keys: readonly string[]): Promise<{ values: Array<string | undefined>; versions: Map<string, string> }>;
  /** Gives each tag a new version, so every response stored with an older one misses. */
  bump(tags: readonly string[]): Promise<void>;
  /**
   * Writes each entry into `store` with its tags' current versions, unless one of
   * them was made after the entry's `since`; shared, the versions are read and the
   * entries written in one round trip.
   * @returns per entry, whether it was written
   */
  write(store: KeyValueStore, entries: readonly TaggedWrite[]): Promise<boolean[]>;
}

/** Versions in the shared store, as the entity caches write them. */
export function sharedTagVersions(store: KeyValueStore, namespace: string, versionTtlMs: number, now: () => number = Date.now): TagVersions {
  return {
    phase: 'shared',
    async read(tags) {
      if (tags.length === 0) return [];
      const raw = await store.getMany(tags.map((t) => tagVersionKey(namespace, t)));
      return raw.map((v) => v ?? INITIAL_TAG_VERSION);
    },
    async bump(tags) {
      if (tags.length === 0) return;
      const version = newTagVersion(now());
      await store.setMany([...new Set(tags)].map((t) => ({ key: tagVersionKey(namespace, t), value: version, ttlMs: versionTtlMs })));
    },
    async readTagged(from, keys) {
      const { values, versions } = await from.getTagged(keys, tagVersionKey(namespace, ''));
      return { values, versions: new Map([...versions].map(([t, v]) => [t, v ?? INITIAL_TAG_VERSION])) };
    },
    write(into, entries) {
      return into.setGuarded(entries.map(({ tags, ...e }) => ({ ...e, tagKeys: tags.map((t) => tagVersionKey(namespace, t)), versionsAs: 'json' })));
    },
  };
}

/**
 * Versions in process memory. A plain Map, not the bounded store the entries
 * use: evicting a bumped version would bring back its initial one, and with it
 * every response stored before the bump. Instead a version is forgotten only
 * once it is older than the longest a response can live (`horizonMs`): by then
 * every response that could carry an older version has expired.
 */
export function localTagVersions(horizonMs: number, now: () => number = Date.now): TagVersions {
  const versions = new Map<string, { version: string; at: number }>();
  const prune = (t: number): void => {
    // Map order is insertion order and bump re-inserts, so the oldest come first.
    for (const [tag, v] of versions) {
      if (t - v.at <= horizonMs) break;
      versions.delete(tag);
    }
  };
  const read = (tags: readonly string[]): string[] => tags.map((t) => versions.get(t)?.version ?? INITIAL_TAG_VERSION);
  return {
    phase: 'local',
    async read(tags) {
      return read(tags);
    },
    async readTagged(from, keys) {
      const values = await from.getMany(keys);
      const tags = [...new Set(values.flatMap((v) => (v === undefined ? [] : (readTagged(v)?.tags ?? []))))];
      const current = read(tags);
      return { values, versions: new Map(tags.map((t, i) => [t, current[i] ?? INITIAL_TAG_VERSION])) };
    },
    async write(into, entries) {
      const writes = entries.map(({ tags, ...e }) => {
        const current = read(tags);
        if (current.some((v) => tagVersionTime(v) > e.since)) return undefined;
        return { key: e.key, ttlMs: e.ttlMs, value: guardedValue({ ...e, tagKeys: [], versionsAs: 'json' }, current) };
      });
      await into.setMany(writes.filter((w) => w !== undefined));
      return writes.map((w) => w !== undefined);
    },
    async bump(tags) {
      const t = now();
      prune(t);
      const version = newTagVersion(t);
      for (const tag of tags) {
        versions.delete(tag);
        versions.set(tag, { version, at: t });
      }
    },
  };
}
