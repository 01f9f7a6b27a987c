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

export interface FeedState {
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

/** A JSON file replaced atomically (write, fsync, rename), so a crash leaves the old or the new state. */
export function fileStateStore(dir: string, feed: string): FeedStateStore {
  const path = join(dir, `${feed.replace(/[^A-Za-z0-9_.-]/g, '_')}.json`);
  return {
    async load() {
      try {
        const parsed = JSON.parse(await readFile(path, 'utf8')) as Partial<FeedState>;
        return { ...(parsed.watermark ? { watermark: parsed.watermark } : {}), known: parsed.known ?? {} };
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { known: {} };
        throw e;
      }
    },
    async save(state) {
      await mkdir(dirname(path), { recursive: true });
      const tmp = `${path}.${process.pid}.tmp`;
      await writeFile(tmp, JSON.stringify(state));
      const fh = await open(tmp, 'r');
      try {
        await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(tmp, path);
    },
  };
}

export function redisStateStore(redis: RedisClientType, namespace: string, feed: string): FeedStateStore {
  const key = `${namespace}:feeds:${feed}`;
  return {
    async load() {
      const raw = await redis.get(key);
      if (!raw) return { known: {} };
      const parsed = JSON.parse(raw) as Partial<FeedState>;
      return { ...(parsed.watermark ? { watermark: parsed.watermark } : {}), known: parsed.known ?? {} };
    },
    async save(state) {
      await redis.set(key, JSON.stringify(state));
    },
  };
}
