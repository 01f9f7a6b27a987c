/**
 * Liveness and readiness, one implementation for the gateway and every subgraph
 * (docs/operations.md, "Health"):
 *
 * - `GET /health/live`: 200 whenever the process answers at all, with the event
 *   loop's delay since the previous liveness request. A blocked loop answers
 *   nothing, and the probe's own timeout is the verdict.
 * - `GET /health/ready`: 503 when the process cannot execute operations (its
 *   schema or supergraph is not loaded, it is draining after SIGTERM, or Redis,
 *   which it cannot work without, is unreachable); otherwise 200, with
 *   `"status": "degraded"` and per-part reasons when a system of record fails,
 *   a change feed lags or the write queue grows. Those still serve (stale data,
 *   queued writes), so they never take a replica out of its load balancer.
 * - `GET /health`: the readiness answer, for the checks written before the split.
 *
 * The parts are small checks over status the machinery already keeps: the call
 * outcomes of each system client (lib/http.ts `onOutcome`), the feeds' state
 * store, the write store's counts, the Redis clients' connection state.
 */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type express from 'express';
import { z } from 'zod';
import { parseSettings } from './config.js';
import { EVENT_LOOP_RESOLUTION_MS } from './metrics.js';
import type { BreakerPhase, CallOutcome } from './http.js';
import type { SystemOfRecord } from './errors.js';
import type { FeedState, FeedStateStore } from './feeds/state.js';
import type { FeedLease } from './feeds/lease.js';
import type { WriteStore } from './writes/index.js';

type Env = Record<string, string | undefined>;

/** One part's verdict. `unavailable` makes the whole process not ready; `degraded` only says so. */
export type PartStatus = 'ok' | 'degraded' | 'unavailable';

export interface PartReport {
  /** What it is, e.g. `system:SALESFORCE`, `feed:order-status`, `writes`, `redis`, `supergraph`, `subgraph:customer`. */
  name: string;
  status: PartStatus;
  /** Why it is not ok, in words an operator acts on; empty when ok. */
  reasons: string[];
  /** The figures behind the verdict: ages in ms, depths. */
  details?: Record<string, unknown>;
}

/** A part of the process that readiness asks. It must answer from state it keeps, never by calling a system of record. */
export interface HealthCheck {
  name: string;
  check(): PartReport | Promise<PartReport>;
}

export type ReadyStatus = 'ok' | 'degraded' | 'unavailable' | 'draining';

export interface ReadyReport {
  status: ReadyStatus;
  service: string;
  parts: PartReport[];
}

/** The thresholds readiness applies; docs/configuration.md lists them. */
export interface HealthConfig {
  /** A feed that keeps trying (loading its state) without progress (saving it) for longer reads degraded. @default 120000 */
  feedMaxAgeMs: number;
  /** A write queue with more unsettled writes reads degraded. @default 100 */
  writesMaxPending: number;
}

export function loadHealthConfig(env: Env = process.env): HealthConfig {
  const c = parseSettings(
    'health',
    z.object({
      HEALTH_FEED_MAX_AGE_MS: z.coerce.number().int().positive().default(120_000),
      HEALTH_WRITES_MAX_PENDING: z.coerce.number().int().min(0).default(100),
    }),
    env,
  );
  return { feedMaxAgeMs: c.HEALTH_FEED_MAX_AGE_MS, writesMaxPending: c.HEALTH_WRITES_MAX_PENDING };
}

/** Longest a part may take to answer; past it, it reads degraded (a health check never hangs a probe). */
const CHECK_TIMEOUT_MS = 2_000;

let loopDelay: IntervalHistogram | undefined;

/** Event-loop delay, one histogram per process (every service of it shares the loop). */
function eventLoopDelay(): IntervalHistogram {
  if (!loopDelay) {
    loopDelay = monitorEventLoopDelay({ resolution: EVENT_LOOP_RESOLUTION_MS });
    loopDelay.enable();
  }
  return loopDelay;
}

const ms = (ns: number): number => Math.round((Number.isFinite(ns) ? ns : 0) / 1e4) / 100;

/** The readiness and liveness of one service (the gateway, or one subgraph). */
export class Health {
  private draining = false;
  private readonly checks: HealthCheck[] = [];
  private readonly startedAt = Date.now();

  /** `more` may be a function, read at each request, for parts that appear as they are first used (systems, feeds). */
  constructor(
    readonly service: string,
    private readonly more: readonly HealthCheck[] | (() => readonly HealthCheck[]) = [],
  ) {
    eventLoopDelay();
  }

  add(check: HealthCheck): void {
    this.checks.push(check);
  }

  /** Readiness turns 503 from now on: the load balancer stops sending while in-flight work finishes. */
  drain(): void {
    this.draining = true;
  }

  get isDraining(): boolean {
    return this.draining;
  }

  /** The liveness body; the event-loop figures cover the time since the previous call. */
  live(): { status: 'ok'; service: string; uptimeSeconds: number; eventLoopDelayMs: { mean: number; p99: number; max: number } } {
    const h = eventLoopDelay();
    const eventLoopDelayMs = { mean: ms(h.mean), p99: ms(h.percentile(99)), max: ms(h.max) };
    h.reset();
    return { status: 'ok', service: this.service, uptimeSeconds: Math.round((Date.now() - this.startedAt) / 1000), eventLoopDelayMs };
  }

  async ready(): Promise<ReadyReport> {
    const more = typeof this.more === 'function' ? this.more() : this.more;
    const parts = await Promise.all([...this.checks, ...more].map((c) => runCheck(c)));
    const status: ReadyStatus = this.draining
      ? 'draining'
      : parts.some((p) => p.status === 'unavailable')
        ? 'unavailable'
        : parts.some((p) => p.status === 'degraded')
          ? 'degraded'
          : 'ok';
    return { status, service: this.service, parts };
  }

  /** Mounts /health/live, /health/ready and /health (readiness); `extra` joins every body (a subgraph's name). */
  serve(app: express.Express, extra: Record<string, string> = {}): void {
    app.get('/health/live', (_req, res) => {
      res.set('cache-control', 'no-store').json({ ...this.live(), ...extra });
    });
    const ready = (_req: express.Request, res: express.Response): void => {
      void this.ready().then((report) => {
        res
          .status(httpStatusOf(report.status))
          .set('cache-control', 'no-store')
          .json({ ...report, ...extra });
      });
    };
    app.get('/health/ready', ready);
    app.get('/health', ready);
  }
}

/** 200 while the process can execute operations, degraded or not; 503 otherwise. */
export function httpStatusOf(status: ReadyStatus): 200 | 503 {
  switch (status) {
    case 'ok':
    case 'degraded':
      return 200;
    case 'unavailable':
    case 'draining':
      return 503;
    default: {
      const never: never = status;
      throw new Error(`unknown readiness status ${String(never)}`);
    }
  }
}

async function runCheck(c: HealthCheck): Promise<PartReport> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      Promise.resolve().then(() => c.check()),
      new Promise<PartReport>((resolve) => {
        timer = setTimeout(() => resolve({ name: c.name, status: 'degraded', reasons: [`did not answer within ${CHECK_TIMEOUT_MS} ms`] }), CHECK_TIMEOUT_MS);
      }),
    ]);
  } catch (e) {
    return { name: c.name, status: 'degraded', reasons: [`could not be checked: ${e instanceof Error ? e.message : String(e)}`] };
  } finally {
    clearTimeout(timer);
  }
}

const age = (at: number | undefined, now: number): number | null => (at === undefined ? null : now - at);

/** A Redis client as far as readiness reads it (node-redis). */
export interface RedisLike {
  readonly isReady: boolean;
}

/**
 * Redis as a part: `unavailable` when `required` (a subgraph's write queue, bus and
 * nonces live there), `degraded` otherwise (the gateway's rate limit and response
 * cache fall back without it).
 */
export function redisCheck(client: RedisLike, opts: { required: boolean; name?: string }): HealthCheck {
  const name = opts.name ?? 'redis';
  return {
    name,
    check: () =>
      client.isReady
        ? { name, status: 'ok', reasons: [] }
        : { name, status: opts.required ? 'unavailable' : 'degraded', reasons: ['not connected to REDIS_URL'] },
  };
}

interface SystemCalls {
  lastSuccessAt?: number;
  lastFailure?: { at: number; failure: string; message: string };
}

/** Where a system's circuit stands, as readiness reads it (lib/http.ts SystemCircuits). */
export interface CircuitsView {
  get(system: SystemOfRecord): { phase: BreakerPhase; since: number } | undefined;
}

/**
 * What each system of record's last calls said, fed by the clients' `onOutcome`
 * (lib/http.ts). A system whose latest call failed (unreachable, timed out, rate
 * limited, or refused at once by an open circuit) reads degraded until a call
 * succeeds again, as does one whose circuit is not closed. The circuit is read
 * from `circuits`, the one every client of the system in the process shares, so
 * every subgraph of a process reports the same phase. Readiness never calls a
 * system itself: the quota is for customers.
 */
export function systemCallsTracker(circuits?: CircuitsView): { record: (o: CallOutcome) => void; checks: () => HealthCheck[] } {
  const bySystem = new Map<SystemOfRecord, SystemCalls>();
  const of = (system: SystemOfRecord): SystemCalls => {
    const s = bySystem.get(system) ?? {};
    bySystem.set(system, s);
    return s;
  };
  return {
    record(o) {
      const s = of(o.system);
      if (o.ok) s.lastSuccessAt = Date.now();
      // A refusal by the open circuit says nothing new about the system: keep what it last said itself.
      else if (o.circuitOpen && s.lastFailure) s.lastFailure.at = Date.now();
      else s.lastFailure = { at: Date.now(), failure: o.failure, message: o.message };
    },
    checks: () =>
      [...bySystem.keys()].map((system) => ({
        name: `system:${system}`,
        check(): PartReport {
          const s = bySystem.get(system) ?? {};
          const now = Date.now();
          const failing = s.lastFailure !== undefined && (s.lastSuccessAt === undefined || s.lastFailure.at > s.lastSuccessAt);
          const circuit = circuits?.get(system);
          const phase = circuit?.phase ?? 'closed';
          const reasons: string[] = [];
          if (failing && s.lastFailure) reasons.push(`the last call failed (${s.lastFailure.failure}): ${s.lastFailure.message}`);
          if (phase !== 'closed') reasons.push(`circuit ${phase.replace('_', '-')} for ${system} since ${Math.round((now - (circuit?.since ?? now)) / 1000)} s: calls fail at once until a test call succeeds`);
          return {
            name: `system:${system}`,
            status: reasons.length > 0 ? 'degraded' : 'ok',
            reasons,
            details: {
              lastSuccessAgeMs: age(s.lastSuccessAt, now),
              lastFailureAgeMs: age(s.lastFailure?.at, now),
              ...(s.lastFailure ? { lastFailure: s.lastFailure.message } : {}),
              breaker: phase,
            },
          };
        },
      })),
  };
}

interface FeedProgress {
  firstLoadAt?: number;
  lastLoadAt?: number;
  lastSaveAt?: number;
  lastFailure?: { at: number; message: string };
}

/**
 * Watches the change feeds through their state stores: every round of a poller
 * and every reconnect of a stream loads the state, and every event or
 * successful poll saves it. A feed that keeps loading without saving for longer
 * than `maxAgeMs` is retrying without progress (its system is down, or its
 * reads fail); a store that fails is degraded at once. A quiet push feed loads
 * once and waits, and is not lagging.
 *
 * With a lease (one replica runs each feed), the part says which replica leads
 * (`role`, `leader`). A follower is healthy by design: it does not run the feed,
 * and reports the shared watermark's age (when the watermark is a time) instead
 * of progress of its own.
 */
export function feedProgressTracker(maxAgeMs: number): {
  track: (feed: string, store: FeedStateStore, lease?: FeedLease) => FeedStateStore;
  checks: () => HealthCheck[];
  /** Per feed, ms since its last progress while it keeps trying (0 when its latest round made progress): the feed lag metric. */
  lags: () => Array<{ feed: string; lagMs: number }>;
} {
  const byFeed = new Map<string, FeedProgress>();
  const leases = new Map<string, { lease: FeedLease; store: FeedStateStore }>();
  const progressAt = (p: FeedProgress): number | undefined => p.lastSaveAt ?? p.firstLoadAt;
  return {
    lags: () =>
      [...byFeed].map(([feed, p]) => {
        const at = progressAt(p);
        return { feed, lagMs: at !== undefined && p.lastLoadAt !== undefined && p.lastLoadAt > at ? Date.now() - at : 0 };
      }),
    track(feed, store, lease) {
      const p = byFeed.get(feed) ?? {};
      byFeed.set(feed, p);
      if (lease) leases.set(feed, { lease, store });
      const fail = (e: unknown): never => {
        p.lastFailure = { at: Date.now(), message: e instanceof Error ? e.message : String(e) };
        throw e;
      };
      return {
        async load(): Promise<FeedState> {
          const state = await store.load().catch(fail);
          p.lastLoadAt = Date.now();
          p.firstLoadAt ??= p.lastLoadAt;
          return state;
        },
        async save(state) {
          await store.save(state).catch(fail);
          p.lastSaveAt = Date.now();
          delete p.lastFailure;
        },
      };
    },
    checks: () =>
      [...byFeed.keys()].map((feed) => ({
        name: `feed:${feed}`,
        async check(): Promise<PartReport> {
          const p = byFeed.get(feed) ?? {};
          const leased = leases.get(feed);
          const role: Record<string, unknown> = leased ? await leaseDetails(leased.lease, leased.store) : {};
          const now = Date.now();
          const at = progressAt(p);
          const retryingFor = p.lastLoadAt !== undefined && at !== undefined ? Math.max(0, p.lastLoadAt - at) : 0;
          const reasons: string[] = [];
          // A follower's saves are refused by design (it lost the lease mid-round); only the leader's count.
          if (p.lastFailure && role.role !== 'follower') reasons.push(`its state store failed: ${p.lastFailure.message}`);
          if (retryingFor > maxAgeMs && role.role !== 'follower') reasons.push(`no event or successful poll for ${Math.round((now - (at ?? now)) / 1000)} s while it keeps trying`);
          return {
            name: `feed:${feed}`,
            status: reasons.length > 0 ? 'degraded' : 'ok',
            reasons,
            details: { lastProgressAgeMs: age(p.lastSaveAt, now), lastAttemptAgeMs: age(p.lastLoadAt, now), ...role },
          };
        },
      })),
  };
}

/**
 * The leader's last successful read as a replica that does not run the feed reads it (what its
 * feed-aware TTLs go by): when it was, and how much longer it keeps the feed healthy (0 when no
 * record is in force). Nothing without shared state, or while Redis does not answer (the `redis`
 * part says so).
 */
async function leaderSuccessDetails(lease: FeedLease): Promise<Record<string, unknown>> {
  const success = lease.shared ? await lease.leaderSuccess().catch(() => undefined) : undefined;
  return success === undefined ? {} : { leaderLastSuccess: success ? new Date(success.at).toISOString() : null, leaderHealthyForMs: success?.remainingMs ?? 0 };
}

/**
 * Who leads a leased feed; for a follower the age of the shared watermark when it is a time; and
 * for a replica that does not run the feed, the leader's last successful read.
 */
async function leaseDetails(lease: FeedLease, store: FeedStateStore): Promise<Record<string, unknown>> {
  const s = lease.status();
  switch (s.phase) {
    case 'stopped':
      return { role: 'stopped', ...(await leaderSuccessDetails(lease)) };
    case 'leader':
      return { role: 'leader', leader: lease.owner, leaderSince: new Date(s.since).toISOString(), fencingToken: s.token };
    case 'follower': {
      const watermark = lease.shared ? (await store.load()).watermark : undefined;
      const at = watermark !== undefined && /^\d{4}-\d\d-\d\dT/.test(watermark) ? Date.parse(watermark) : NaN;
      return {
        role: 'follower',
        leader: s.leader?.owner ?? null,
        ...(s.leader?.note ? { leaderNote: s.leader.note } : {}),
        ...(Number.isNaN(at) ? {} : { sharedWatermarkAgeMs: Date.now() - at }),
        ...(await leaderSuccessDetails(lease)),
      };
    }
    default: {
      const never: never = s;
      throw new Error(`unknown lease phase ${String(never)}`);
    }
  }
}

/** The write queue: degraded when it holds dead letters (an operator must act) or more unsettled writes than `maxPending`. */
export function writeQueueCheck(store: Pick<WriteStore, 'count'>, maxPending: number): HealthCheck {
  return {
    name: 'writes',
    async check(): Promise<PartReport> {
      const [pending, deadLettered] = await Promise.all([store.count({ listings: ['pending'] }), store.count({ listings: ['dead_lettered'] })]);
      const reasons: string[] = [];
      if (pending > maxPending) reasons.push(`${pending} writes wait to be applied (more than ${maxPending})`);
      if (deadLettered > 0) reasons.push(`${deadLettered} dead-lettered writes wait for an operator (docs/writes.md)`);
      return { name: 'writes', status: reasons.length > 0 ? 'degraded' : 'ok', reasons, details: { pending, deadLettered } };
    },
  };
}

/**
 * Another service's readiness, as the gateway summarises its subgraphs': their
 * verdict with their reasons. A subgraph that is not ready or does not answer
 * only degrades the gateway, which still answers with the others' data.
 */
export function remoteReadinessCheck(name: string, graphqlUrl: string, timeoutMs = 1_500): HealthCheck {
  const url = new URL('/health/ready', graphqlUrl).href;
  return {
    name,
    async check(): Promise<PartReport> {
      try {
        const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
        const body = (await res.json()) as Partial<ReadyReport>;
        const reasons = (body.parts ?? []).flatMap((p) => p.reasons.map((r) => `${p.name}: ${r}`));
        if (res.ok && body.status === 'ok') return { name, status: 'ok', reasons: [] };
        return { name, status: 'degraded', reasons: res.ok ? reasons : [`not ready (${body.status ?? `HTTP ${res.status}`})`, ...reasons], details: { status: body.status ?? null } };
      } catch (e) {
        return { name, status: 'degraded', reasons: [`its readiness did not answer: ${e instanceof Error ? e.message : String(e)}`], details: { status: null } };
      }
    },
  };
}
