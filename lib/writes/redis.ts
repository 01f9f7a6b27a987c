/**
 * The shared write store, for replicas: every subgraph replica claims idempotency
 * keys, queues writes and replays them through one Redis.
 *
 * Layout under `<namespace>:writes:<partition>:` (the partition is the subgraph)
 * - `idem:<key>`   hash {writeId, payloadHash}: the idempotency record, claimed atomically.
 * - `w:<writeId>`  hash {record, phase}: the write.
 * - `entity:<key>` list of unsettled write ids in submission order; the head alone may be attempted.
 * - `due`          sorted set of unsettled write ids by the time they may next be attempted
 *                  (a queued write's next attempt, an in-flight write's lease end).
 * - `dead`         sorted set of dead-lettered write ids, for operators.
 * - `lease:<id>`   string with a TTL: the replica attempting the write.
 * - `queue`        sorted set of unsettled and dead-lettered write ids by submission order
 *                  (seq), for operators' keyset pages.
 *
 * Why a sorted set rather than a stream for the queue: a queued write waits for
 * its backoff, and a stream delivers in arrival order with no notion of "not
 * before"; consumers would read, find the write not yet due, and have to re-add
 * it. A sorted set keyed by due time is the delayed queue; the per-entity list
 * keeps the order; hashes hold the records. Every state change is one Lua script,
 * so readers on other replicas never see half of it.
 */
import type { RedisClientType } from 'redis';
import { childLogger } from '../log.js';
import { compareWrites, listingOf, matchesQuery, type CreateResult, type WriteListing, type WritePage, type WritePosition, type WriteQuery, type WriteStore } from './store.js';
import { isSettled, type WriteRecord } from './types.js';

const log = childLogger('writes:redis');

const CREATE = `
if ARGV[5] == '1' then
  local held = redis.call('HMGET', KEYS[4], 'writeId', 'payloadHash')
  if held[1] then return {0, held[1], held[2]} end
  redis.call('HSET', KEYS[4], 'writeId', ARGV[1], 'payloadHash', ARGV[3])
end
redis.call('HSET', KEYS[1], 'record', ARGV[2], 'phase', ARGV[6])
redis.call('RPUSH', KEYS[2], ARGV[1])
redis.call('ZADD', KEYS[3], ARGV[4], ARGV[1])
redis.call('ZADD', KEYS[5], ARGV[7], ARGV[1])
return {1}
`;

const SAVE = `
redis.call('HSET', KEYS[1], 'record', ARGV[2], 'phase', ARGV[5])
if ARGV[3] == '1' then
  redis.call('LREM', KEYS[2], 0, ARGV[1])
  redis.call('ZREM', KEYS[3], ARGV[1])
  if ARGV[5] == 'dead_lettered' then
    redis.call('ZADD', KEYS[4], ARGV[4], ARGV[1])
    redis.call('ZADD', KEYS[6], ARGV[8], ARGV[1])
    redis.call('PERSIST', KEYS[1])
  else
    redis.call('ZREM', KEYS[4], ARGV[1])
    redis.call('ZREM', KEYS[6], ARGV[1])
    redis.call('PEXPIRE', KEYS[1], ARGV[6])
    if ARGV[7] == '1' then redis.call('PEXPIRE', KEYS[5], ARGV[6]) end
  end
else
  redis.call('PERSIST', KEYS[1])
  if ARGV[7] == '1' then redis.call('PERSIST', KEYS[5]) end
  redis.call('ZREM', KEYS[4], ARGV[1])
  if not redis.call('LPOS', KEYS[2], ARGV[1]) then redis.call('RPUSH', KEYS[2], ARGV[1]) end
  redis.call('ZADD', KEYS[3], ARGV[4], ARGV[1])
  redis.call('ZADD', KEYS[6], ARGV[8], ARGV[1])
end
return 1
`;

const UNLEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

export interface RedisStoreOptions {
  /** Key prefix; `<namespace>:writes:` is used. */
  namespace: string;
  /**
   * Separates the queues of the subgraphs sharing one Redis (`<namespace>:writes:<partition>:`):
   * a replica replays only the writes its own appliers can carry out. @default none
   */
  partition?: string;
  /** Settled writes and their idempotency records expire after this. Dead letters never expire. @default 604800000 (7 days) */
  retentionMs?: number;
}

/** When a write may next be attempted, as the `due` set's score. */
function dueScore(w: WriteRecord): number {
  switch (w.state.phase) {
    case 'queued':
      return w.state.nextAttemptAt;
    case 'in_flight':
      return w.state.leaseUntil;
    default:
      return w.updatedAt;
  }
}

export class RedisStore implements WriteStore {
  readonly engine = 'redis' as const;
  private readonly prefix: string;
  private readonly retentionMs: number;

  constructor(
    private readonly redis: RedisClientType,
    opts: RedisStoreOptions,
  ) {
    this.prefix = opts.partition ? `${opts.namespace}:writes:${opts.partition}:` : `${opts.namespace}:writes:`;
    this.retentionMs = opts.retentionMs ?? 7 * 24 * 3600_000;
  }

  private k = {
    write: (id: string): string => `${this.prefix}w:${id}`,
    entity: (key: string): string => `${this.prefix}entity:${key}`,
    idem: (key: string): string => `${this.prefix}idem:${key}`,
    lease: (id: string): string => `${this.prefix}lease:${id}`,
    due: (): string => `${this.prefix}due`,
    dead: (): string => `${this.prefix}dead`,
    queue: (): string => `${this.prefix}queue`,
  };

  /** Set once this process has put writes stored before the `queue` index existed into it. */
  private indexed: Promise<void> | undefined;

  async claimOf(idemRecordKey: string): Promise<{ writeId: string; payloadHash: string } | undefined> {
    const held = await this.redis.hmGet(this.k.idem(idemRecordKey), ['writeId', 'payloadHash']);
    return held[0] && held[1] ? { writeId: held[0], payloadHash: held[1] } : undefined;
  }

  async create(w: WriteRecord): Promise<CreateResult> {
    const res = (await this.redis.eval(CREATE, {
      keys: [this.k.write(w.writeId), this.k.entity(w.entityKey), this.k.due(), this.k.idem(w.idemRecordKey ?? '-'), this.k.queue()],
      arguments: [w.writeId, JSON.stringify(w), w.payloadHash, String(dueScore(w)), w.idemRecordKey ? '1' : '0', w.state.phase, String(w.seq)],
    })) as [number, string?, string?];
    if (res[0] === 1) return { created: true };
    return { created: false, writeId: String(res[1]), payloadHash: String(res[2]) };
  }

  async get(writeId: string): Promise<WriteRecord | undefined> {
    const raw = await this.redis.hGet(this.k.write(writeId), 'record');
    return raw ? (JSON.parse(raw) as WriteRecord) : undefined;
  }

  async save(w: WriteRecord): Promise<void> {
    await this.redis.eval(SAVE, {
      keys: [this.k.write(w.writeId), this.k.entity(w.entityKey), this.k.due(), this.k.dead(), this.k.idem(w.idemRecordKey ?? '-'), this.k.queue()],
      arguments: [
        w.writeId,
        JSON.stringify(w),
        isSettled(w.state.phase) ? '1' : '0',
        String(dueScore(w)),
        w.state.phase,
        String(this.retentionMs),
        w.idemRecordKey ? '1' : '0',
        String(w.seq),
      ],
    });
  }

  async head(entityKey: string): Promise<string | undefined> {
    return (await this.redis.lIndex(this.k.entity(entityKey), 0)) ?? undefined;
  }

  private async records(ids: string[]): Promise<WriteRecord[]> {
    if (ids.length === 0) return [];
    const multi = this.redis.multi();
    for (const id of ids) multi.hGet(this.k.write(id), 'record');
    const raws = (await multi.exec()) as unknown as Array<string | null>;
    return raws.filter((r): r is string => typeof r === 'string').map((r) => JSON.parse(r) as WriteRecord);
  }

  async due(now: number, limit: number): Promise<WriteRecord[]> {
    // Over-fetch: some due writes are not their entity's head and are skipped.
    const ids = await this.redis.zRangeByScore(this.k.due(), '-inf', now, { LIMIT: { offset: 0, count: limit * 4 } });
    const candidates = await this.records(ids);
    const heads = await Promise.all(candidates.map((w) => this.head(w.entityKey)));
    return candidates
      .filter((w, i) => heads[i] === w.writeId)
      .sort((a, b) => a.seq - b.seq || (a.writeId < b.writeId ? -1 : 1))
      .slice(0, limit);
  }

  async lease(writeId: string, owner: string, ms: number): Promise<boolean> {
    return (await this.redis.set(this.k.lease(writeId), owner, { condition: 'NX', expiration: { type: 'PX', value: ms } })) === 'OK';
  }

  async unlease(writeId: string, owner: string): Promise<void> {
    await this.redis.eval(UNLEASE, { keys: [this.k.lease(writeId)], arguments: [owner] });
  }

  async list(which: WriteListing, limit: number): Promise<WriteRecord[]> {
    const ids = await this.redis.zRange(which === 'pending' ? this.k.due() : this.k.dead(), 0, -1);
    const recs = await this.records(ids);
    return recs.sort((a, b) => a.seq - b.seq || (a.writeId < b.writeId ? -1 : 1)).slice(0, limit);
  }

  /**
   * Writes queued by a version without the `queue` index are in `due` and `dead`
   * only; add them once per process. ZADD NX never moves a write already indexed,
   * and a write that settles meanwhile is dropped from the index when a page meets it.
   */
  private ensureIndexed(): Promise<void> {
    this.indexed ??= (async () => {
      const ids = [...new Set([...(await this.redis.zRange(this.k.due(), 0, -1)), ...(await this.redis.zRange(this.k.dead(), 0, -1))])];
      for (let i = 0; i < ids.length; i += 500) {
        const recs = await this.records(ids.slice(i, i + 500));
        if (recs.length > 0) await this.redis.zAdd(this.k.queue(), recs.map((w) => ({ score: w.seq, value: w.writeId })), { condition: 'NX' });
      }
    })().catch((e: unknown) => {
      this.indexed = undefined;
      throw e;
    });
    return this.indexed;
  }

  /**
   * Walks the `queue` index from `after` in chunks, reading each chunk's records,
   * until `limit` writes match or the index ends. Each chunk starts after the last
   * write seen (score and member), not at an offset, so writes that settle or are
   * appended meanwhile never make the walk skip or repeat one.
   */
  private async walk(query: WriteQuery, after: WritePosition | undefined, limit: number, visit: (w: WriteRecord) => void): Promise<boolean> {
    await this.ensureIndexed();
    const chunk = Math.min(1000, Math.max(100, limit * 2));
    let from = after;
    let found = 0;
    for (;;) {
      const ids = await this.redis.zRangeByScore(this.k.queue(), from ? String(from.seq) : '-inf', '+inf', { LIMIT: { offset: 0, count: chunk } });
      const recs = new Map((await this.records(ids)).map((w) => [w.writeId, w]));
      const gone: string[] = [];
      let advanced = false;
      for (const id of ids) {
        const w = recs.get(id);
        if (!w || listingOf(w) === undefined) {
          gone.push(id);
          continue;
        }
        if (from && compareWrites(w, from) <= 0) continue;
        from = { seq: w.seq, writeId: w.writeId };
        advanced = true;
        if (!matchesQuery(w, query)) continue;
        if (found === limit) return true;
        visit(w);
        found++;
      }
      if (gone.length > 0) await this.redis.zRem(this.k.queue(), gone);
      // A chunk of equal scores that were all seen already cannot advance; stop rather than spin.
      if (ids.length < chunk || (!advanced && gone.length === 0)) return false;
    }
  }

  async page(query: WriteQuery, after: WritePosition | undefined, limit: number): Promise<WritePage> {
    const records: WriteRecord[] = [];
    const hasMore = await this.walk(query, after, limit, (w) => records.push(w));
    return { records, hasMore };
  }

  async count(query: WriteQuery): Promise<number> {
    const narrowed = (query.kinds?.length ?? 0) > 0 || query.customerId !== undefined || query.since !== undefined || query.until !== undefined;
    if (!narrowed) {
      // The listings alone are two set sizes: no record is read.
      let n = 0;
      if (query.listings.includes('pending')) n += await this.redis.zCard(this.k.due());
      if (query.listings.includes('dead_lettered')) n += await this.redis.zCard(this.k.dead());
      return n;
    }
    let n = 0;
    await this.walk(query, undefined, Number.MAX_SAFE_INTEGER, () => void n++);
    return n;
  }

  async close(): Promise<void> {
    // The client belongs to the caller, who may share it with the cache and limiters.
  }
}

/**
 * Warns when Redis would lose the queue on restart (neither AOF nor RDB snapshots).
 * Managed services often forbid CONFIG; then we say we could not check.
 * Returns what it found, for tests and boot logs.
 */
export async function checkRedisPersistence(redis: RedisClientType): Promise<'aof' | 'rdb' | 'off' | 'unknown'> {
  try {
    const aof = (await redis.configGet('appendonly')) as Record<string, string>;
    if (aof.appendonly === 'yes') return 'aof';
    const save = (await redis.configGet('save')) as Record<string, string>;
    if (save.save && save.save.trim() !== '') {
      log.warn(
        { save: save.save },
        'Redis persists by RDB snapshots only: queued writes and idempotency records since the last snapshot are lost if Redis restarts; set appendonly yes',
      );
      return 'rdb';
    }
    log.warn('Redis persistence is off (appendonly no, no save points): queued writes and idempotency records are lost if Redis restarts');
    return 'off';
  } catch (e) {
    log.info({ err: (e as Error).message }, 'could not read the Redis persistence settings (CONFIG is not allowed); make sure appendonly is on');
    return 'unknown';
  }
}
