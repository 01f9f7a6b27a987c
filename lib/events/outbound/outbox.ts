/**
 * The outbox: canonical events written durably before the change that made them
 * counts as seen (a feed saves its watermark only after publishing to the bus,
 * and the bus appends here first), and read by the publisher until the broker
 * has acknowledged them. While the broker is down nothing is lost: entries wait
 * here, in order, and the cursor moves only past what the broker stored.
 *
 * In Redis (a stream per deployment and subgraph) when REDIS_URL is set, so that
 * every replica appends to one outbox and whichever publishes reads it; in a
 * file otherwise (one process owns it).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { open, rename, writeFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { RedisClientType } from 'redis';
import type { CloudEvent } from './canonical.js';

export interface OutboxEntry {
  /** Order in the outbox; the cursor moves past it once the broker has it. */
  position: string;
  event: CloudEvent;
}

export interface Outbox {
  /** Appends events in order, durably: when it resolves, a crash cannot lose them. */
  append(events: readonly CloudEvent[]): Promise<void>;
  /** Up to `limit` entries not yet acknowledged, oldest first. */
  pending(limit: number): Promise<OutboxEntry[]>;
  /** Everything up to and including `position` reached the broker. */
  ack(position: string): Promise<void>;
  /** Entries waiting for the broker. */
  depth(): Promise<number>;
  close(): Promise<void>;
}

interface Line {
  seq: number;
  event: CloudEvent;
}

/**
 * A file outbox: an append-only JSON-lines log (each append written and synced
 * before it resolves) and a cursor file replaced atomically. Once everything is
 * acknowledged and the log has grown, it is rewritten empty; the sequence goes
 * on from the cursor, so positions never repeat.
 */
export async function fileOutbox(dir: string, name: string): Promise<Outbox> {
  mkdirSync(dir, { recursive: true });
  const logPath = join(dir, `${name}.outbox.jsonl`);
  const cursorPath = join(dir, `${name}.outbox.cursor`);
  const readText = (path: string): string => {
    try {
      return readFileSync(path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return '';
      throw e;
    }
  };
  let acked = Number(readText(cursorPath).trim() || '0');
  const waiting: Line[] = [];
  let lastSeq = acked;
  let linesInLog = 0;
  for (const raw of readText(logPath).split('\n')) {
    if (raw.trim() === '') continue;
    let line: Line;
    try {
      line = JSON.parse(raw) as Line;
    } catch {
      // A line cut short by a crash during its append: its append never resolved, so nobody relied on it.
      continue;
    }
    linesInLog += 1;
    lastSeq = Math.max(lastSeq, line.seq);
    if (line.seq > acked) waiting.push(line);
  }
  let handle: FileHandle = await open(logPath, 'a');
  // Appends and compaction one at a time, in order.
  let chain: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = chain.then(fn, fn);
    chain = run.catch(() => undefined);
    return run;
  };

  return {
    append(events) {
      if (events.length === 0) return Promise.resolve();
      return serial(async () => {
        const lines = events.map((event) => ({ seq: ++lastSeq, event }));
        await handle.write(lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
        await handle.datasync();
        linesInLog += lines.length;
        waiting.push(...lines);
      });
    },
    async pending(limit) {
      return waiting.slice(0, limit).map((l) => ({ position: String(l.seq), event: l.event }));
    },
    ack(position) {
      return serial(async () => {
        const seq = Number(position);
        if (!(seq > acked)) return;
        const tmp = `${cursorPath}.tmp`;
        await writeFile(tmp, String(seq));
        await rename(tmp, cursorPath);
        acked = seq;
        while (waiting.length > 0 && (waiting[0] as Line).seq <= seq) waiting.shift();
        if (waiting.length === 0 && linesInLog >= 1000) {
          // Everything is out: start the log again rather than let it grow.
          await handle.close();
          await writeFile(logPath, '');
          handle = await open(logPath, 'a');
          linesInLog = 0;
        }
      });
    },
    async depth() {
      return waiting.length;
    },
    close() {
      return serial(() => handle.close());
    },
  };
}

/**
 * A Redis outbox: a stream that every replica of the subgraph appends to, and a
 * cursor key. Acknowledged entries are trimmed from the stream (XTRIM MINID);
 * neither key expires, since what they hold has not been delivered yet.
 */
export function redisOutbox(redis: RedisClientType, namespace: string, name: string): Outbox {
  const stream = `${namespace}:outbox:${name}`;
  const cursorKey = `${namespace}:outbox:${name}:cursor`;
  const afterCursor = async (): Promise<string> => {
    const c = await redis.get(cursorKey);
    return c ? `(${c}` : '-';
  };
  return {
    async append(events) {
      if (events.length === 0) return;
      const multi = redis.multi();
      for (const event of events) multi.xAdd(stream, '*', { event: JSON.stringify(event) });
      await multi.exec();
    },
    async pending(limit) {
      const entries = await redis.xRange(stream, await afterCursor(), '+', { COUNT: limit });
      return entries.map((e) => ({ position: e.id, event: JSON.parse(e.message.event as string) as CloudEvent }));
    },
    async ack(position) {
      await redis.set(cursorKey, position);
      // Entries before the cursor are delivered; keep the one at it so the stream never looks new.
      await redis.xTrim(stream, 'MINID', position);
    },
    async depth() {
      // The stream holds the waiting entries, and the acknowledged one at the cursor.
      const [length, cursor] = await Promise.all([redis.xLen(stream), redis.get(cursorKey)]);
      return Math.max(0, length - (cursor ? 1 : 0));
    },
    async close() {},
  };
}
