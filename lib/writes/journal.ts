/**
 * The embedded write store: an append-only journal of JSON lines, one line per
 * state change, each fsynced before the change is acknowledged. The whole state
 * (writes and idempotency records) is rebuilt by replaying the journal at open,
 * so a crash forgets nothing that was acknowledged.
 *
 * Why hand-written: no maintained npm package gives an fsync-per-record,
 * crash-recoverable log with atomic compaction; the embedded stores that do
 * (SQLite, LevelDB) are native modules this project avoids for a zero-install start.
 *
 * Why synchronous I/O: a record must be on disk before any other code runs, so
 * that an idempotency claim is atomic within the process with no lock (check and
 * append happen in one turn of the event loop), and lines never interleave. The
 * cost is one fsync per state change, which is small next to a call to a system
 * of record. One process owns a journal directory; a lock file enforces it.
 * Replicas that share a queue use the Redis store instead.
 */
import { closeSync, existsSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readFileSync, renameSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { childLogger } from '../log.js';
import { compareWrites, matchesQuery, type CreateResult, type WriteListing, type WritePage, type WritePosition, type WriteQuery, type WriteStore } from './store.js';
import { isSettled, type WriteRecord } from './types.js';

const log = childLogger('writes:journal');

export const JOURNAL_FILE = 'writes.jsonl';
const LOCK_FILE = 'writes.lock';

type Line = { op: 'create'; w: WriteRecord } | { op: 'save'; w: WriteRecord };

export class JournalCorruptError extends Error {
  override readonly name = 'JournalCorruptError';
}

export interface JournalOptions {
  /** Directory of the journal; created if missing. */
  dir: string;
  /** Settled writes (and their idempotency records) older than this are dropped at compaction. @default 604800000 (7 days) */
  retentionMs?: number;
  /** Compact when the journal has this many lines more than there are live writes. @default 10000 */
  compactAfterLines?: number;
  /** Clock for retention, for tests. @default Date.now */
  now?: () => number;
}

interface IdemEntry {
  writeId: string;
  payloadHash: string;
}

function fsyncDir(dir: string): void {
  // Makes a rename or a new file durable; some platforms cannot open a directory, which is fine there.
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    /* not supported on this platform */
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the directory's lock, or throws naming the live process that holds it. */
function takeLock(dir: string): string {
  const path = join(dir, LOCK_FILE);
  for (let i = 0; i < 2; i++) {
    try {
      writeFileSync(path, String(process.pid), { flag: 'wx' });
      return path;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const holder = Number(readFileSync(path, 'utf8').trim());
      if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && pidAlive(holder)) {
        throw new Error(
          `the write journal in ${dir} is in use by process ${holder}; each process needs its own WRITES_DIR, or set REDIS_URL to share one queue`,
        );
      }
      // The holder died (kill -9 leaves its lock behind): take over.
      unlinkSync(path);
    }
  }
  throw new Error(`could not lock the write journal in ${dir}`);
}

export class JournalStore implements WriteStore {
  readonly engine = 'journal' as const;
  private readonly path: string;
  private readonly retentionMs: number;
  private readonly compactAfterLines: number;
  private readonly now: () => number;
  private readonly writes = new Map<string, WriteRecord>();
  private readonly idem = new Map<string, IdemEntry>();
  /** Unsettled write ids per entity. */
  private readonly lines = new Map<string, Set<string>>();
  private readonly leases = new Map<string, string>();
  private fd: number;
  private lineCount = 0;
  private readonly lockPath: string;
  private closed = false;

  private constructor(private readonly dir: string, opts: JournalOptions) {
    this.path = join(dir, JOURNAL_FILE);
    this.retentionMs = opts.retentionMs ?? 7 * 24 * 3600_000;
    this.compactAfterLines = opts.compactAfterLines ?? 10_000;
    this.now = opts.now ?? Date.now;
    mkdirSync(dir, { recursive: true });
    this.lockPath = takeLock(dir);
    try {
      this.recover();
      this.fd = openSync(this.path, 'a');
      this.compact();
    } catch (e) {
      unlinkSync(this.lockPath);
      throw e;
    }
  }

  /** Opens (and recovers) the journal in `opts.dir`. */
  static open(opts: JournalOptions): JournalStore {
    return new JournalStore(opts.dir, opts);
  }

  /**
   * Replays the journal. A last line without its newline or that does not parse is
   * a write torn by a crash, never acknowledged: it is cut off. A bad line anywhere
   * else is damage we cannot explain, so we stop rather than guess.
   */
  private recover(): void {
    if (!existsSync(this.path)) return;
    const buf = readFileSync(this.path);
    let offset = 0;
    let lineNo = 0;
    while (offset < buf.length) {
      const nl = buf.indexOf(0x0a, offset);
      const end = nl === -1 ? buf.length : nl;
      lineNo++;
      const text = buf.subarray(offset, end).toString('utf8');
      let parsed: Line | undefined;
      try {
        parsed = text.trim() === '' ? undefined : (JSON.parse(text) as Line);
      } catch {
        parsed = undefined;
      }
      if (parsed === undefined || nl === -1) {
        const isLast = nl === -1 || nl === buf.length - 1;
        if (!isLast) {
          throw new JournalCorruptError(
            `${this.path} line ${lineNo}: expected a JSON journal record, got ${JSON.stringify(text.slice(0, 80))}; the file is left untouched`,
          );
        }
        log.warn({ path: this.path, line: lineNo, bytes: buf.length - offset }, 'cutting off a torn last journal line');
        const fd = openSync(this.path, 'r+');
        try {
          ftruncateSync(fd, offset);
          fsyncSync(fd);
        } finally {
          closeSync(fd);
        }
        break;
      }
      this.applyLine(parsed);
      this.lineCount++;
      offset = end + 1;
    }
  }

  private applyLine(line: Line): void {
    const w = line.w;
    if (line.op === 'create' && w.idemRecordKey) this.idem.set(w.idemRecordKey, { writeId: w.writeId, payloadHash: w.payloadHash });
    this.index(w);
  }

  private index(w: WriteRecord): void {
    this.writes.set(w.writeId, w);
    let line = this.lines.get(w.entityKey);
    if (isSettled(w.state.phase)) {
      line?.delete(w.writeId);
      if (line?.size === 0) this.lines.delete(w.entityKey);
    } else {
      if (!line) this.lines.set(w.entityKey, (line = new Set()));
      line.add(w.writeId);
    }
  }

  private append(line: Line): void {
    if (this.closed) throw new Error('the write journal is closed');
    const bytes = Buffer.from(`${JSON.stringify(line)}\n`, 'utf8');
    let written = 0;
    while (written < bytes.length) written += writeSync(this.fd, bytes, written);
    fsyncSync(this.fd);
    this.lineCount++;
  }

  private maybeCompact(): void {
    if (this.lineCount > this.writes.size + this.compactAfterLines) this.compact();
  }

  /**
   * Rewrites the journal as one line per live write: everything unsettled or
   * dead-lettered, and settled writes within retention (with their idempotency records). Written to a
   * temporary file, fsynced, then renamed over the journal, so a crash at any point
   * leaves either the old journal or the new one, both complete.
   */
  compact(now = this.now()): void {
    const keep: WriteRecord[] = [];
    for (const w of this.writes.values()) {
      // Dead letters wait for an operator however old they are; only what is settled for good expires.
      const expired = isSettled(w.state.phase) && w.state.phase !== 'dead_lettered' && w.updatedAt < now - this.retentionMs;
      if (expired) {
        this.writes.delete(w.writeId);
        if (w.idemRecordKey && this.idem.get(w.idemRecordKey)?.writeId === w.writeId) this.idem.delete(w.idemRecordKey);
      } else {
        keep.push(w);
      }
    }
    const tmp = `${this.path}.compact`;
    const body = keep.map((w) => `${JSON.stringify({ op: 'create', w } satisfies Line)}\n`).join('');
    const fd = openSync(tmp, 'w');
    try {
      writeSync(fd, body);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.path);
    fsyncDir(this.dir);
    closeSync(this.fd);
    this.fd = openSync(this.path, 'a');
    this.lineCount = keep.length;
  }

  async claimOf(idemRecordKey: string): Promise<{ writeId: string; payloadHash: string } | undefined> {
    const held = this.idem.get(idemRecordKey);
    return held ? { writeId: held.writeId, payloadHash: held.payloadHash } : undefined;
  }

  async create(write: WriteRecord): Promise<CreateResult> {
    if (write.idemRecordKey) {
      const held = this.idem.get(write.idemRecordKey);
      if (held) return { created: false, writeId: held.writeId, payloadHash: held.payloadHash };
    }
    this.append({ op: 'create', w: write });
    if (write.idemRecordKey) this.idem.set(write.idemRecordKey, { writeId: write.writeId, payloadHash: write.payloadHash });
    this.index(structuredClone(write));
    this.maybeCompact();
    return { created: true };
  }

  async get(writeId: string): Promise<WriteRecord | undefined> {
    const w = this.writes.get(writeId);
    return w ? structuredClone(w) : undefined;
  }

  async save(write: WriteRecord): Promise<void> {
    this.append({ op: 'save', w: write });
    this.index(structuredClone(write));
    this.maybeCompact();
  }

  private byOrder = (a: WriteRecord, b: WriteRecord): number => a.seq - b.seq || (a.writeId < b.writeId ? -1 : 1);

  async head(entityKey: string): Promise<string | undefined> {
    const ids = this.lines.get(entityKey);
    if (!ids) return undefined;
    let best: WriteRecord | undefined;
    for (const id of ids) {
      const w = this.writes.get(id) as WriteRecord;
      if (!best || this.byOrder(w, best) < 0) best = w;
    }
    return best?.writeId;
  }

  async due(now: number, limit: number): Promise<WriteRecord[]> {
    const out: WriteRecord[] = [];
    for (const [entityKey] of this.lines) {
      const id = await this.head(entityKey);
      const w = id ? this.writes.get(id) : undefined;
      if (!w) continue;
      const ready =
        (w.state.phase === 'queued' && w.state.nextAttemptAt <= now) || (w.state.phase === 'in_flight' && w.state.leaseUntil <= now);
      if (ready) out.push(structuredClone(w));
    }
    return out.sort(this.byOrder).slice(0, limit);
  }

  async lease(writeId: string, owner: string): Promise<boolean> {
    // One process owns the journal, so a lease is an in-memory mark; it cannot outlive the process.
    const holder = this.leases.get(writeId);
    if (holder !== undefined && holder !== owner) return false;
    this.leases.set(writeId, owner);
    return true;
  }

  async unlease(writeId: string, owner: string): Promise<void> {
    if (this.leases.get(writeId) === owner) this.leases.delete(writeId);
  }

  async list(which: WriteListing, limit: number): Promise<WriteRecord[]> {
    const want = (w: WriteRecord): boolean => (which === 'pending' ? !isSettled(w.state.phase) : w.state.phase === 'dead_lettered');
    return [...this.writes.values()]
      .filter(want)
      .sort(this.byOrder)
      .slice(0, limit)
      .map((w) => structuredClone(w));
  }

  async page(query: WriteQuery, after: WritePosition | undefined, limit: number): Promise<WritePage> {
    // The journal's state is in memory, so a page is a filter and a sort; no I/O.
    const matching = [...this.writes.values()].filter((w) => matchesQuery(w, query) && (!after || compareWrites(w, after) > 0)).sort(compareWrites);
    return { records: matching.slice(0, limit).map((w) => structuredClone(w)), hasMore: matching.length > limit };
  }

  async count(query: WriteQuery): Promise<number> {
    let n = 0;
    for (const w of this.writes.values()) if (matchesQuery(w, query)) n++;
    return n;
  }

  /** Lines in the journal file now (for tests and metrics). */
  get journalLines(): number {
    return this.lineCount;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
    try {
      unlinkSync(this.lockPath);
    } catch {
      /* already gone */
    }
  }
}
