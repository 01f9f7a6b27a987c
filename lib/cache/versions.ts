/**
 * The version token of a tag, as the entity cache writes it and the gateway's
 * caches read it: `<epoch ms base 36>.<random>`, or `0` for a tag never
 * invalidated. Every entry carries its tags' versions; an invalidation replaces
 * them. A module of its own so that the entity cache and the cache report,
 * which builds on it, share one definition.
 */
import { randomBytes } from 'node:crypto';

export const INITIAL_TAG_VERSION = '0';

export const newTagVersion = (now: number): string => `${now.toString(36)}.${randomBytes(6).toString('hex')}`;

/** When a version was made (epoch ms); 0 for the initial version or anything unreadable. */
export function tagVersionTime(v: string): number {
  if (v === INITIAL_TAG_VERSION) return 0;
  const t = parseInt(v.slice(0, v.indexOf('.')), 36);
  return Number.isFinite(t) ? t : 0;
}
