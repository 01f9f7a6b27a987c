/**
 * One webhook consumer's delivery queue, fed by the bus wrapper (index.ts) with
 * the canonical events of the types it subscribed to, at the same point as the
 * outbox is: before the bus takes the event, so before its feed counts the
 * change as seen. Each consumer has its own queue and cursor, so a consumer
 * that is down holds up neither the broker nor the other consumers.
 *
 * A queue keeps, in order: entries after its cursor (waiting), delivered and
 * dead-lettered entries for `retentionMs` (for a replay by time), and the dead
 * letters with their last error. A replay appends copies at the tail: the same
 * event, so the same webhook-id.
 *
 * In Redis (a stream per deployment, subgraph and consumer, whose entry ids
 * carry the append time) when REDIS_URL is set; in a JSON file under FEEDS_DIR
 * otherwise, every change made under a lock directory and renamed into place, so
 * that the operator command (scripts/webhooks.ts) can change it beside a
 * running process.
 */
import { mkdirSync } from 'node:fs';
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { RedisClientType } from 'redis';
import type { CloudEvent } from '../outbound/canonical.js';

export interface QueuedEvent {
  /** Order in this consumer's queue. */
  position: string;
  event: CloudEvent;
  /** Failed attempts so far. */
  attempts: number;
  /** When it was appended, ms since the epoch. */
  at: number;
}

export interface DeadLetter extends QueuedEvent {
  lastError: string;
  deadAt: number;
}

export interface WebhookQueue {
  append(events: readonly CloudEvent[]): Promise<void>;
  /** The oldest waiting entry, or null. */
  next(): Promise<QueuedEvent | null>;
  /** The consumer took it: the cursor moves past it. */
  delivered(position: string): Promise<void>;
  /** An attempt failed; returns the attempts so far. */
  failed(position: string, error: string): Promise<number>;
  /** Gives up on it: it joins the dead letters with its last error, and the cursor moves past it. */
  deadLetter(position: string, error: string): Promise<void>;
  /** Dead letters, oldest first. */
  deadLetters(): Promise<DeadLetter[]>;
  /** How many dead letters wait for an operator (readiness asks). */
  deadLetterCount(): Promise<number>;
  /** Appends the dead letters at `positions` (all when omitted) again, and removes them from the list; returns how many. */
  replayDeadLetters(positions?: readonly string[]): Promise<number>;
  /** Appends again every entry appended between `fromMs` and `toMs` (inclusive) that is no longer waiting; returns how many. */
  replayRange(fromMs: number, toMs: number): Promise<number>;
  /** Entries waiting. */
  depth(): Promise<number>;
  /**
   * Whether `owner` delivers this queue for the next `ttlMs`: taken when free or
   * already its own, and renewed. With Redis, replicas share a queue and one of
   * them delivers it at a time; a file queue belongs to its one process.
   */
  lease(owner: string, ttlMs: number): Promise<boolean>;
}

export interface QueueOptions {
  /** How long delivered entries are kept for a replay by time. */
  retentionMs: number;
}

interface FileEntry {
  seq: number;
  at: number;
  event: CloudEvent;
}

interface FileState {
  nextSeq: number;
  cursor: number;
  entries: FileEntry[];
  /** The waiting head's failures. */
  head?: { seq: number; attempts: number; lastError: string };
  dead: Array<{ seq: number; at: number; event: CloudEvent; attempts: number; lastError: string; deadAt: number }>;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A lock held by creating a directory, which one process at a time can; a holder that died leaves it, so one older than 30 s is taken over. */
async function withDirLock<T>(lockPath: string, fn: () => Promise<T>): Promise<T> {
  for (let tries = 0; ; tries++) {
    try {
      await mkdir(lockPath);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const since = await stat(lockPath).then((s) => Date.now() - s.mtimeMs, () => 0);
      if (since > 30_000) await rm(lockPath, { recursive: true, force: true });
      else if (tries > 2_000) throw new Error(`the webhook queue lock ${lockPath} is held for too long`);
      await sleep(5);
    }
  }
  try {
    return await fn();
  } finally {
    await rm(lockPath, { recursive: true, force: true });
  }
}

export function fileWebhookQueue(dir: string, subgraph: string, consumer: string, opts: QueueOptions): WebhookQueue {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${subgraph}.${consumer}.webhook.json`);
  const lockPath = `${path}.lock`;
  const read = async (): Promise<FileState> => {
    try {
      return JSON.parse(await readFile(path, 'utf8')) as FileState;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { nextSeq: 1, cursor: 0, entries: [], dead: [] };
      throw e;
    }
  };
  const write = async (s: FileState): Promise<void> => {
    const tmp = `${path}.tmp`;
    const h = await open(tmp, 'w');
    try {
      await h.writeFile(JSON.stringify(s));
      await h.datasync();
    } finally {
      await h.close();
    }
    await rename(tmp, path);
  };
  // In process, one change at a time; the lock directory keeps other processes out.
  let chain: Promise<unknown> = Promise.resolve();
  const change = <T>(fn: (s: FileState) => T | Promise<T>, save = true): Promise<T> => {
    const run = chain.then(() =>
      withDirLock(lockPath, async () => {
        const s = await read();
        const out = await fn(s);
        if (save) await write(s);
        return out;
      }),
    );
    chain = run.catch(() => undefined);
    return run;
  };
  const push = (s: FileState, event: CloudEvent): void => {
    s.entries.push({ seq: s.nextSeq++, at: Date.now(), event });
  };
  const moveCursor = (s: FileState, seq: number): void => {
    s.cursor = Math.max(s.cursor, seq);
    delete s.head;
    const keepFrom = Date.now() - opts.retentionMs;
    s.entries = s.entries.filter((e) => e.seq > s.cursor || e.at >= keepFrom);
  };
  return {
    append: (events) => (events.length === 0 ? Promise.resolve() : change((s) => void events.forEach((e) => push(s, e)))),
    next: () =>
      change((s) => {
        const e = s.entries.find((x) => x.seq > s.cursor);
        if (!e) return null;
        return { position: String(e.seq), event: e.event, at: e.at, attempts: s.head?.seq === e.seq ? s.head.attempts : 0 };
      }, false),
    delivered: (position) => change((s) => moveCursor(s, Number(position))),
    failed: (position, error) =>
      change((s) => {
        const seq = Number(position);
        s.head = { seq, attempts: (s.head?.seq === seq ? s.head.attempts : 0) + 1, lastError: error };
        return s.head.attempts;
      }),
    deadLetter: (position, error) =>
      change((s) => {
        const seq = Number(position);
        const e = s.entries.find((x) => x.seq === seq);
        if (!e || seq <= s.cursor) return;
        s.dead.push({ seq, at: e.at, event: e.event, attempts: s.head?.seq === seq ? s.head.attempts : 0, lastError: error, deadAt: Date.now() });
        moveCursor(s, seq);
      }),
    deadLetters: () =>
      change((s) => s.dead.map((d) => ({ position: String(d.seq), event: d.event, at: d.at, attempts: d.attempts, lastError: d.lastError, deadAt: d.deadAt })), false),
    deadLetterCount: () => change((s) => s.dead.length, false),
    replayDeadLetters: (positions) =>
      change((s) => {
        const chosen = positions ? new Set(positions.map(Number)) : null;
        const replay = s.dead.filter((d) => !chosen || chosen.has(d.seq)).sort((a, b) => a.seq - b.seq);
        s.dead = s.dead.filter((d) => !replay.includes(d));
        for (const d of replay) push(s, d.event);
        return replay.length;
      }),
    replayRange: (fromMs, toMs) =>
      change((s) => {
        const replay = s.entries.filter((e) => e.seq <= s.cursor && e.at >= fromMs && e.at <= toMs);
        const seqs = new Set(replay.map((e) => e.seq));
        // A dead letter replayed by time leaves the list: it is on its way again.
        s.dead = s.dead.filter((d) => !seqs.has(d.seq));
        for (const e of replay) push(s, e.event);
        return replay.length;
      }),
    depth: () => change((s) => s.entries.filter((e) => e.seq > s.cursor).length, false),
    lease: async () => true,
  };
}

/** Stream entry ids are `<ms>-<n>`: compared as the pair of numbers. */
const compareIds = (a: string, b: string): number => {
  const [am = 0, an = 0] = a.split('-').map(Number);
  const [bm = 0, bn = 0] = b.split('-').map(Number);
  return am - bm || an - bn;
};

export function redisWebhookQueue(redis: RedisClientType, namespace: string, subgraph: string, consumer: string, opts: QueueOptions): WebhookQueue {
  const stream = `${namespace}:webhooks:${subgraph}:${consumer}`;
  const cursorKey = `${stream}:cursor`;
  const headKey = `${stream}:head`;
  const leaseKey = `${stream}:lease`;
  const deadKey = `${stream}:dead`;
  const cursor = async (): Promise<string | null> => redis.get(cursorKey);
  const entry = (e: { id: string; message: Record<string, string> }): { position: string; event: CloudEvent; at: number } => ({
    position: e.id,
    event: JSON.parse(e.message.event as string) as CloudEvent,
    at: Number(e.id.split('-')[0]),
  });
  /** Moves the cursor past `position`, with a dead letter in the same transaction when given: a crash leaves both or neither. */
  const moveCursor = async (position: string, dead?: DeadLetter): Promise<void> => {
    const c = await cursor();
    if (c && compareIds(c, position) >= 0) return;
    const multi = redis.multi();
    if (dead) multi.hSet(deadKey, position, JSON.stringify(dead));
    await multi.set(cursorKey, position).del(headKey).exec();
    // Kept for replays by time: what is newer than the retention, and everything from the cursor on.
    const keepFrom = `${Math.max(0, Date.now() - opts.retentionMs)}-0`;
    await redis.xTrim(stream, 'MINID', compareIds(keepFrom, position) < 0 ? keepFrom : position);
  };
  /** Appends entries' events again at the tail and takes them off the dead letters, in one transaction; returns how many. */
  const requeue = async (entries: ReadonlyArray<{ position?: string; event: CloudEvent }>): Promise<number> => {
    if (entries.length === 0) return 0;
    const multi = redis.multi();
    for (const e of entries) multi.xAdd(stream, '*', { event: JSON.stringify(e.event) });
    const positions = entries.flatMap((e) => (e.position ? [e.position] : []));
    if (positions.length > 0) multi.hDel(deadKey, positions);
    await multi.exec();
    return entries.length;
  };
  const deadLetters = async (): Promise<DeadLetter[]> => {
    const all = await redis.hGetAll(deadKey);
    return Object.values(all)
      .map((v) => JSON.parse(v) as DeadLetter)
      .sort((a, b) => compareIds(a.position, b.position));
  };
  return {
    append: async (events) => void (await requeue(events.map((event) => ({ event })))),
    async next() {
      const c = await cursor();
      const [first] = await redis.xRange(stream, c ? `(${c}` : '-', '+', { COUNT: 1 });
      if (!first) return null;
      const head = await redis.hGetAll(headKey);
      return { ...entry(first), attempts: head.position === first.id ? Number(head.attempts ?? 0) : 0 };
    },
    delivered: (position) => moveCursor(position),
    async failed(position, error) {
      const head = await redis.hGetAll(headKey);
      const attempts = (head.position === position ? Number(head.attempts ?? 0) : 0) + 1;
      await redis.hSet(headKey, { position, attempts: String(attempts), lastError: error });
      return attempts;
    },
    async deadLetter(position, error) {
      const [found] = await redis.xRange(stream, position, position);
      if (!found) return;
      const head = await redis.hGetAll(headKey);
      const dead: DeadLetter = { ...entry(found), attempts: head.position === position ? Number(head.attempts ?? 0) : 0, lastError: error, deadAt: Date.now() };
      await moveCursor(position, dead);
    },
    deadLetters,
    deadLetterCount: () => redis.hLen(deadKey),
    async replayDeadLetters(positions) {
      const chosen = positions ? new Set(positions) : null;
      return requeue((await deadLetters()).filter((d) => !chosen || chosen.has(d.position)));
    },
    async replayRange(fromMs, toMs) {
      const c = await cursor();
      if (!c) return 0;
      const upTo = compareIds(c, `${toMs}-${Number.MAX_SAFE_INTEGER}`) < 0 ? c : `${toMs}-${Number.MAX_SAFE_INTEGER}`;
      return requeue((await redis.xRange(stream, `${fromMs}-0`, upTo)).map(entry));
    },
    async depth() {
      const c = await cursor();
      // Exact, at the cost of reading the waiting entries: the operator command asks, the delivery loop does not.
      const waiting = await redis.xRange(stream, c ? `(${c}` : '-', '+');
      return waiting.length;
    },
    async lease(owner, ttlMs) {
      const held = await redis.eval(
        "local v = redis.call('GET', KEYS[1]) if v == false or v == ARGV[1] then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 end return 0",
        { keys: [leaseKey], arguments: [owner, String(ttlMs)] },
      );
      return held === 1;
    },
  };
}
