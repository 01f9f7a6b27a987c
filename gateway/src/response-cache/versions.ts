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
import { INITIAL_TAG_VERSION, newTagVersion, tagVersionKey, type KeyValueStore } from '../../../lib/cache/index.js';

export interface TagVersions {
  readonly phase: 'shared' | 'local';
  /** The current version of each tag, in one round trip; a tag never invalidated is INITIAL_TAG_VERSION. */
  read(tags: readonly string[]): Promise<string[]>;
  /** Gives each tag a new version, so every response stored with an older one misses. */
  bump(tags: readonly string[]): Promise<void>;
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
  return {
    phase: 'local',
    async read(tags) {
      return tags.map((t) => versions.get(t)?.version ?? INITIAL_TAG_VERSION);
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
