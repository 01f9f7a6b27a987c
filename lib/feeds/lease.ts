/**
 * One poller per feed across replicas: a lease in Redis decides which replica
 * runs a change feed (polls the ERP, reads the Zendesk export, holds the CDC
 * subscription). The others wait, and take over when the lease expires.
 *
 * - **Acquiring** is one Lua script: if nobody holds the lease, the feed's
 *   fencing counter is incremented (INCR) and the lease is set to
 *   `<owner>|<token>` with a time to live. Tokens only grow.
 * - **Renewing** happens every `renewMs` (a third of the lease by default), and
 *   only extends a lease this replica still holds. A renewal that fails (the
 *   lease was taken, Redis did not answer) ends the leadership at once, and the
 *   feed stops before anything else is read.
 * - **Following**: a replica that did not get the lease tries again when the
 *   lease's remaining time runs out (Redis tells it), so a dead leader is
 *   replaced within one lease period.
 * - **Fencing**: a leader paused past its lease (a long GC, a frozen VM) may
 *   wake up still believing it leads. `fencedStateStore` writes the feed state
 *   only when the writer's token is the newest one issued, compared in the same
 *   Lua script as the write, so a stale leader can never move the shared
 *   watermark behind or past the new one. Events it published meanwhile carry
 *   the same eventIds as the new leader's and are dropped by the bus.
 *
 * - **Health for every replica**: after each successful read of its system the
 *   leader records it (`recordSuccess`: when, and the feed's interval) beside the
 *   feed's watermark, fenced like it, expiring HEALTHY_INTERVALS intervals later.
 *   Followers read it (`leaderSuccess`) to judge the feed's health as the leader
 *   does (lib/feeds/shared-health.ts): a leader that dies or stops reading
 *   stops refreshing it, and the record runs out on its own.
 *
 * Keys live under the deployment's namespace (`RSG_NAMESPACE`), so two
 * deployments on one Redis never share a leader: `<ns>:lease:<feed>` (expires),
 * `<ns>:lease:<feed>:token` (the fencing counter, kept like the feed state) and
 * `<ns>:feeds:<feed>:health` (the leader's last successful read; expires).
 *
 * Without Redis there is one process, and `soleLease` makes it the leader.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { RedisClientType } from 'redis';
import { z } from 'zod';
import { parseSettings } from '../config.js';
import { childLogger } from '../log.js';
import { HEALTHY_INTERVALS } from './poller.js';
import { redisStateStore, type FeedStateStore } from './state.js';

/** Who holds a feed's lease, as Redis says. */
export interface LeaseHolder {
  /** The holding replica, `<host>:<pid>:<random>`. */
  owner: string;
  token: number;
  /** What the leader says of its feed at each renewal (e.g. `streaming`), for the followers; null when it says nothing. */
  note: string | null;
}

/** Where this replica stands for one feed. */
export type LeasePhase =
  | { phase: 'stopped' }
  | { phase: 'follower'; leader: LeaseHolder | null }
  | { phase: 'leader'; token: number; since: number };

/** The leader's last successful read of its system, as a replica reads it from the shared state. */
export interface RecordedSuccess {
  /** When the leader read its system, by the leader's clock (epoch ms). */
  at: number;
  /** The feed's interval between reads, ms. */
  intervalMs: number;
  /**
   * How long the record lasts from the moment Redis answered, by Redis's own count (ms): the
   * feed is healthy that much longer, whatever the difference between the replicas' clocks.
   */
  remainingMs: number;
}

/** What runs while this replica leads: the feed's own start and stop. */
export interface LeaderWork {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Read at each renewal and kept beside the lease for the followers (e.g. the CDC feed's phase). @default none */
  note?(): string | null;
}

export interface FeedLease {
  /** The lease's name, one per feed. */
  readonly feed: string;
  /** This replica. */
  readonly owner: string;
  /** False for `soleLease`: nothing is shared, this process always leads. */
  readonly shared: boolean;
  status(): LeasePhase;
  /** The fencing token while this replica leads and its lease has not run out; undefined otherwise. */
  token(): number | undefined;
  /**
   * Campaigns for the lease and runs `work` while it is held: started on each
   * acquisition, stopped on each loss. Resolves after the first attempt (and the
   * work's start, when it was acquired), so a lone replica leads when its start returns.
   */
  run(work: LeaderWork): Promise<void>;
  /** Stops campaigning; a leader stops its work and releases the lease, so a follower takes over at once. */
  stop(): Promise<void>;
  /**
   * While this replica leads: records in the shared state that its feed has just read its
   * system, for the followers' judgement of the feed's health. The record lasts
   * HEALTHY_INTERVALS × `intervalMs`. Resolves false when nothing was recorded: this replica
   * does not lead (or a newer leader took over), or nothing is shared (`soleLease`).
   */
  recordSuccess(intervalMs: number): Promise<boolean>;
  /** The leader's latest record (`recordSuccess`); null when there is none in force, or nothing is shared. */
  leaderSuccess(): Promise<RecordedSuccess | null>;
}

export interface FeedLeaseOptions {
  redis: RedisClientType;
  /** The deployment's key prefix (RSG_NAMESPACE). */
  namespace: string;
  /** The lease's name, e.g. `order-status`. */
  feed: string;
  /** How long a lease lasts without renewal, ms: the longest a dead leader is waited for. @default 15000 */
  ttlMs?: number;
  /** How often the leader renews (and a follower looks at most), ms; less than `ttlMs`. @default ttlMs / 3 */
  renewMs?: number;
  /** This replica's name in the lease. @default `<host>:<pid>:<random>` */
  owner?: string;
}

/** How long a feed lease lasts and how often it is renewed (docs/configuration.md, "Change feeds"). */
export interface FeedLeaseConfig {
  /** `FEED_LEASE_MS`. @default 15000 */
  ttlMs: number;
  /** `FEED_LEASE_RENEW_MS`. @default a third of the lease */
  renewMs: number;
}

export function loadFeedLeaseConfig(env: Record<string, string | undefined> = process.env): FeedLeaseConfig {
  const c = parseSettings(
    'feed lease',
    z
      .object({
        FEED_LEASE_MS: z.coerce.number().int().min(100).default(15_000),
        FEED_LEASE_RENEW_MS: z.coerce.number().int().min(10).optional(),
      })
      .refine((v) => v.FEED_LEASE_RENEW_MS === undefined || v.FEED_LEASE_RENEW_MS < v.FEED_LEASE_MS, {
        message: 'expected the renewal interval to be shorter than FEED_LEASE_MS',
        path: ['FEED_LEASE_RENEW_MS'],
      }),
    env,
  );
  return { ttlMs: c.FEED_LEASE_MS, renewMs: c.FEED_LEASE_RENEW_MS ?? Math.floor(c.FEED_LEASE_MS / 3) };
}

export const leaseKey = (namespace: string, feed: string): string => `${namespace}:lease:${feed}`;
export const tokenKey = (namespace: string, feed: string): string => `${leaseKey(namespace, feed)}:token`;
/** Beside the feed's state (`<ns>:feeds:<feed>`, its watermark). */
export const healthKey = (namespace: string, feed: string): string => `${namespace}:feeds:${feed}:health`;

// KEYS: lease, token counter, note. ARGV: owner, ttl ms, note ('' for none).
// Returns {1, token} when acquired, else {0, holder value, remaining ms, note}.
const ACQUIRE = `
local held = redis.call('GET', KEYS[1])
if held then
  return {0, held, redis.call('PTTL', KEYS[1]), redis.call('GET', KEYS[3]) or ''}
end
local token = redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[1], ARGV[1] .. '|' .. token, 'PX', ARGV[2])
if ARGV[3] ~= '' then redis.call('SET', KEYS[3], ARGV[3], 'PX', ARGV[2]) else redis.call('DEL', KEYS[3]) end
return {1, token}
`;

// KEYS: lease, note. ARGV: holder value, ttl ms, note. 1 when still held and extended, else 0.
const RENEW = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
if ARGV[3] ~= '' then redis.call('SET', KEYS[2], ARGV[3], 'PX', ARGV[2]) else redis.call('DEL', KEYS[2]) end
return 1
`;

// KEYS: lease, note, health. ARGV: holder value. Deletes the lease only if this replica holds it;
// its feed stops with it, so its record of success goes too.
const RELEASE = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
return 1
`;

// KEYS: state, token counter. ARGV: writer's token, state JSON. 1 when written; 0 when a newer token was issued.
const FENCED_SET = `
if redis.call('GET', KEYS[2]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
return 1
`;

// KEYS: health, token counter. ARGV: writer's token, record JSON, ttl ms. 1 when written; 0 when a newer token was issued.
const RECORD_SUCCESS = `
if redis.call('GET', KEYS[2]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return 1
`;

// KEYS: health. Returns {record or '', remaining ms}.
const READ_SUCCESS = `
return {redis.call('GET', KEYS[1]) or '', redis.call('PTTL', KEYS[1])}
`;

function parseSuccess(raw: string, remainingMs: number): RecordedSuccess | null {
  if (raw === '' || !(remainingMs > 0)) return null;
  try {
    const v = JSON.parse(raw) as { at?: unknown; intervalMs?: unknown };
    return typeof v.at === 'number' && typeof v.intervalMs === 'number' ? { at: v.at, intervalMs: v.intervalMs, remainingMs } : null;
  } catch {
    return null;
  }
}

/** A write of a feed's state by a replica that no longer leads it, refused. */
export class StaleLeaderError extends Error {
  constructor(
    readonly feed: string,
    readonly token: number | undefined,
  ) {
    super(
      token === undefined
        ? `expected to lead the ${feed} feed to write its state, but this replica does not hold its lease`
        : `expected fencing token ${token} to be the newest for the ${feed} feed, but a newer leader took over; the write was refused`,
    );
    this.name = 'StaleLeaderError';
  }
}

export function defaultOwner(): string {
  return `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
}

function parseHolder(value: string, note: string): LeaseHolder | null {
  const at = value.lastIndexOf('|');
  const token = Number(value.slice(at + 1));
  if (at <= 0 || !Number.isInteger(token)) return null;
  return { owner: value.slice(0, at), token, note: note === '' ? null : note };
}

/** Resolves as `p` does, or rejects once `ms` have passed without an answer. */
async function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what}: Redis did not answer within ${Math.max(0, ms)} ms`)), Math.max(0, ms));
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** The lease of one feed in Redis; see the module comment. */
export function redisFeedLease(opts: FeedLeaseOptions): FeedLease {
  const ttl = opts.ttlMs ?? 15_000;
  const renewMs = opts.renewMs ?? Math.max(1, Math.floor(ttl / 3));
  if (!(renewMs < ttl)) throw new RangeError(`expected the lease renewal interval (${renewMs} ms) to be shorter than the lease (${ttl} ms)`);
  const owner = opts.owner ?? defaultOwner();
  const keys = {
    lease: leaseKey(opts.namespace, opts.feed),
    token: tokenKey(opts.namespace, opts.feed),
    note: `${leaseKey(opts.namespace, opts.feed)}:note`,
    health: healthKey(opts.namespace, opts.feed),
  };
  const log = childLogger(`lease:${opts.feed}`);
  let phase: LeasePhase = { phase: 'stopped' };
  // The lease may have run out in Redis by this time (measured from before the call that set it).
  let validUntil = 0;
  let timer: NodeJS.Timeout | undefined;
  let work: LeaderWork | undefined;
  let starting: Promise<void> = Promise.resolve();
  // Transitions (start/stop of the work) run one at a time, in order.
  let chain: Promise<void> = Promise.resolve();
  const serial = (task: () => Promise<void>): Promise<void> => (chain = chain.then(task, task));
  const note = (): string => (phase.phase === 'leader' ? work?.note?.() : undefined) ?? '';
  const stopped = (): boolean => phase.phase === 'stopped';

  const lose = async (reason: string, err?: unknown): Promise<void> => {
    if (phase.phase !== 'leader') return;
    log.warn({ owner, token: phase.token, reason, ...(err ? { err: err instanceof Error ? err.message : String(err) } : {}) }, 'lost the feed lease; stopping the feed');
    phase = { phase: 'follower', leader: null };
    validUntil = 0;
    await starting;
    await work?.stop().catch((e: unknown) => log.warn({ err: e instanceof Error ? e.message : String(e) }, 'the feed did not stop cleanly'));
  };

  const schedule = (ms: number): void => {
    if (stopped()) return;
    clearTimeout(timer);
    timer = setTimeout(() => void serial(tick), Math.max(1, ms));
    timer.unref?.();
  };

  /** One round: renew while leading, try to acquire while following; then plan the next. */
  const tick = async (): Promise<void> => {
    if (stopped()) return;
    const startedAt = Date.now();
    if (phase.phase === 'leader') {
      const token = phase.token;
      try {
        // A renewal still unanswered when the lease runs out is a failed one: Redis queues commands
        // while it reconnects, and waiting on them would keep a replica polling past its lease.
        const renewal = opts.redis.eval(RENEW, { keys: [keys.lease, keys.note], arguments: [`${owner}|${token}`, String(ttl), note()] });
        const ok = (await within(renewal, validUntil - Date.now(), 'renewing the lease')) === 1;
        if (!ok) await lose('the lease was taken over or expired');
        else validUntil = startedAt + ttl;
      } catch (err) {
        await lose('renewing the lease failed', err);
      }
      schedule(phase.phase === 'leader' ? renewMs : 0);
      return;
    }
    let next = renewMs;
    try {
      const attempt = opts.redis.eval(ACQUIRE, { keys: [keys.lease, keys.token, keys.note], arguments: [owner, String(ttl), note()] });
      // An attempt answered too late is not taken up: a lease won then would already be partly spent.
      const res = (await within(attempt, renewMs, 'campaigning for the lease')) as [number, number | string, number?, string?];
      if (stopped()) return;
      if (res[0] === 1) {
        const token = Number(res[1]);
        validUntil = startedAt + ttl;
        phase = { phase: 'leader', token, since: Date.now() };
        log.info({ owner, token }, 'acquired the feed lease; this replica runs the feed');
        // Not awaited here: a start that waits on its system (a CDC subscription is acknowledged
        // within seconds) must not hold up the renewals. A loss waits for it before stopping.
        starting = (work?.start() ?? Promise.resolve()).catch((err: unknown) =>
          log.warn({ err: err instanceof Error ? err.message : String(err) }, 'the feed failed to start; it retries on its own while this replica leads'),
        );
        next = renewMs - (Date.now() - startedAt);
      } else {
        phase = { phase: 'follower', leader: parseHolder(String(res[1]), String(res[3] ?? '')) };
        // Look again just after the holder's lease runs out, so a dead leader is replaced within one lease.
        const remaining = Number(res[2]);
        if (remaining > 0) next = Math.min(renewMs, remaining + 5);
      }
    } catch (err) {
      if (!stopped()) phase = { phase: 'follower', leader: null };
      log.warn({ err: err instanceof Error ? err.message : String(err) }, 'could not campaign for the feed lease; will retry');
    }
    schedule(next);
  };

  const release = async (token: number): Promise<void> => {
    await opts.redis.eval(RELEASE, { keys: [keys.lease, keys.note, keys.health], arguments: [`${owner}|${token}`] }).catch(() => undefined);
  };

  const currentToken = (): number | undefined => (phase.phase === 'leader' && Date.now() < validUntil ? phase.token : undefined);

  return {
    feed: opts.feed,
    owner,
    shared: true,
    status: () => phase,
    token: currentToken,
    async recordSuccess(intervalMs) {
      const t = currentToken();
      if (t === undefined) return false;
      const record = JSON.stringify({ at: Date.now(), intervalMs });
      const ttlMs = String(Math.max(1, Math.round(HEALTHY_INTERVALS * intervalMs)));
      return (await opts.redis.eval(RECORD_SUCCESS, { keys: [keys.health, keys.token], arguments: [String(t), record, ttlMs] })) === 1;
    },
    async leaderSuccess() {
      const [raw, remaining] = (await opts.redis.eval(READ_SUCCESS, { keys: [keys.health] })) as [string, number];
      return parseSuccess(String(raw), Number(remaining));
    },
    async run(w) {
      if (!stopped()) throw new Error(`the ${opts.feed} lease is already running`);
      work = w;
      phase = { phase: 'follower', leader: null };
      await serial(tick);
      await starting;
    },
    async stop() {
      clearTimeout(timer);
      await serial(async () => {
        const was = phase;
        phase = { phase: 'stopped' };
        clearTimeout(timer);
        if (was.phase !== 'leader') return;
        await starting;
        await work?.stop().catch((e: unknown) => log.warn({ err: e instanceof Error ? e.message : String(e) }, 'the feed did not stop cleanly'));
        await release(was.token);
        log.info({ owner, token: was.token }, 'released the feed lease');
      });
    },
  };
}

/** Without Redis: one process, and it runs the feed. */
export function soleLease(feed: string): FeedLease {
  let phase: LeasePhase = { phase: 'stopped' };
  let work: LeaderWork | undefined;
  return {
    feed,
    owner: defaultOwner(),
    shared: false,
    status: () => phase,
    token: () => (phase.phase === 'leader' ? 0 : undefined),
    async run(w) {
      work = w;
      phase = { phase: 'leader', token: 0, since: Date.now() };
      await w.start();
    },
    async stop() {
      if (phase.phase !== 'leader') return;
      phase = { phase: 'stopped' };
      await work?.stop();
    },
    // One process: there is nobody to tell.
    recordSuccess: async () => false,
    leaderSuccess: async () => null,
  };
}

/**
 * A feed's state in Redis (`<ns>:feeds:<name>`, shared by the replicas, as
 * `redisStateStore`), written only by the lease's current leader: the token is
 * compared with the newest one issued in the same Lua script as the write. Any
 * replica may read it (health reads the shared watermark). Several stores
 * (a feed and its fallback poller) may share one lease.
 */
export function fencedStateStore(redis: RedisClientType, namespace: string, name: string, lease: FeedLease): FeedStateStore {
  const key = `${namespace}:feeds:${name}`;
  const counter = tokenKey(namespace, lease.feed);
  const shared = redisStateStore(redis, namespace, name);
  return {
    load: () => shared.load(),
    async save(state) {
      const token = lease.token();
      if (token === undefined) throw new StaleLeaderError(lease.feed, undefined);
      const ok = (await redis.eval(FENCED_SET, { keys: [key, counter], arguments: [String(token), JSON.stringify(state)] })) === 1;
      if (!ok) throw new StaleLeaderError(lease.feed, token);
    },
  };
}
