/**
 * Durable state of a change feed: its watermark (how far it has read) and a
 * small map of last-known values (e.g. each order's last status, so an event
 * can say what the status was before). Persisted so that a restart resumes
 * where the feed stopped instead of losing or repeating changes.
 * In a local file (written atomically) by default, in Redis when configured.
 */
import { mkdir, readFile, rename, writeFile, open } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { RedisClientType } from 'redis';
import { childLogger } from '../log.js';

export interface FeedState {
  /**
   * Which system (and which instance of its data) the state was recorded against: see
   * `identityBoundStore`. Absent in state written before identities were recorded.
   */
  identity?: string;
  /** Opaque to the store: the feed decides what its watermark is. */
  watermark?: string;
  /** Last-known values by record key. */
  known: Record<string, string>;
}

export interface FeedStateStore {
  load(): Promise<FeedState>;
  save(state: FeedState): Promise<void>;
}

/** Keeps at most `limit` known values, dropping the oldest inserted. */
export function boundKnown(known: Record<string, string>, limit: number): Record<string, string> {
  const keys = Object.keys(known);
  if (keys.length <= limit) return known;
  return Object.fromEntries(keys.slice(keys.length - limit).map((k) => [k, known[k] as string]));
}

function fromJson(raw: string): FeedState {
  const parsed = JSON.parse(raw) as Partial<FeedState>;
  return {
    ...(typeof parsed.identity === 'string' ? { identity: parsed.identity } : {}),
    ...(parsed.watermark ? { watermark: parsed.watermark } : {}),
    known: parsed.known ?? {},
  };
}

/** A JSON file replaced atomically (write, fsync, rename), so a crash leaves the old or the new state. */
/** Replaces a file whole: written beside it, synced, then renamed into place, so a crash leaves the old or the new. */
export async function writeFileDurably(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, text);
  const fh = await open(tmp, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, path);
}

export function fileStateStore(dir: string, feed: string): FeedStateStore {
  const path = join(dir, `${feed.replace(/[^A-Za-z0-9_.-]/g, '_')}.json`);
  return {
    async load() {
      try {
        return fromJson(await readFile(path, 'utf8'));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { known: {} };
        throw e;
      }
    },
    async save(state) {
      await writeFileDurably(path, JSON.stringify(state));
    },
  };
}

export function redisStateStore(redis: RedisClientType, namespace: string, feed: string): FeedStateStore {
  const key = `${namespace}:feeds:${feed}`;
  return {
    async load() {
      const raw = await redis.get(key);
      if (!raw) return { known: {} };
      return fromJson(raw);
    },
    async save(state) {
      await redis.set(key, JSON.stringify(state));
    },
  };
}

export interface IdentityBinding {
  /** The feed's name, for the log. */
  feed: string;
  /**
   * Who the system says it is, read through its own API (one call). Called at the first
   * load and again after a failure, never again once it answered: a system does not
   * change identity under a running process without a restart of ours noticing it.
   */
  identity(): Promise<string>;
}

/**
 * Ties a feed's state to the system it was read from. The state is saved with the
 * system's identity; state found under another identity (another account or org,
 * or the same one reset or refreshed, whose records and clocks are not the ones
 * the watermark and last-known values describe) is discarded, logged with both
 * identities, and the feed starts from now as at its first boot. State written
 * before identities were recorded is kept and stamped at its next save.
 *
 * While the identity cannot be read (the system is unreachable), `load` fails,
 * so the feed's poll fails and is retried rather than guessing.
 */
export function identityBoundStore(inner: FeedStateStore, binding: IdentityBinding): FeedStateStore {
  const log = childLogger(`feed:${binding.feed}`);
  let known: Promise<string> | undefined;
  const identity = (): Promise<string> => {
    known ??= binding.identity().catch((e: unknown) => {
      known = undefined;
      throw e;
    });
    return known;
  };
  let checked = false;
  return {
    async load() {
      const current = await identity();
      const state = await inner.load();
      if (state.identity === current) return state;
      if (state.identity === undefined) {
        if (!checked && (state.watermark !== undefined || Object.keys(state.known).length > 0)) {
          log.info({ identity: current }, 'feed state recorded before system identities were kept; adopting it for this system');
        }
        checked = true;
        return { ...state, identity: current };
      }
      log.warn(
        { recordedIdentity: state.identity, currentIdentity: current },
        'feed state belongs to another system or an earlier instance of it (reset or refreshed); discarding it and starting from now',
      );
      const fresh: FeedState = { identity: current, known: {} };
      // Saved now, so that the next load (every poll loads) does not discard again what this run records.
      await inner.save(fresh);
      return fresh;
    },
    async save(state) {
      await inner.save({ ...state, identity: await identity() });
    },
  };
}
