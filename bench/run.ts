/**
 * `npm run bench` (full), `npm run bench -- --quick` (ratios only, under five
 * minutes) and `npm run bench -- --soak` (agent views at a steady rate for ten
 * minutes, at the default TTLs). Starts the sandbox once, then for each gateway
 * under test freshly started subgraphs and the gateway on its own core; for each
 * latency profile and workload it drives load from a separate process
 * (bench/loadgen.ts), counts system-of-record calls through the sandbox's
 * /__sandbox/stats by a per-measurement correlation id, reads our processes'
 * cache counters from /metrics, samples the gateway's CPU and memory, writes the
 * raw results to bench/results/<date>-<plan>.json and regenerates BENCHMARKS.md
 * from every results file.
 *
 * Options: --quick | --full | --soak, --gateways=a,b, --profiles=a,b,
 * --workloads=a,b, --customers=N, --minutes=N (soak), --peer-minutes=N (soak,
 * each peer gateway's share; 3), --token=JWT (or
 * BENCH_TOKEN; else an agent token of the bench's own development issuer),
 * --no-report, --profile (--keep-profiles=DIR keeps each process's .cpuprofile
 * and the measured window). With REDIS_URL in the environment, our gateway runs as it is
 * deployed at scale: entity caches, response cache, bus and write queue on Redis.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { cpus, totalmem, release, platform, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import type { LoadBody, LoadResult, LoadSpec } from './loadgen.js';
import { compiledModule, compileUnderTest, cpuOfAll, graphqlReady, root, sampleProcess, taskset, waitReady, type Launched } from './processes.js';
import { busyTime, idleParts, nextKneeRate, percentile, spread, throughputAtTarget, type Spread, type StepSummary } from './stats.js';
import {
  coldBodies,
  customerIds,
  mutationBodies,
  repeatBodies,
  variantBodies,
  WORKLOADS,
  zipfBodies,
  CUSTOMER_360,
  REPEAT_CLIENTS,
  REPEAT_CUSTOMERS,
  REPEAT_WARMUP_MS,
  COLD_WARMUP_VIEWS,
  VIEW_VARIANTS,
  type MutationPools,
  type WorkloadId,
} from './workloads.js';
import { defaultGateways, GATEWAYS, LATENCY_PROFILES, PLANS, CACHE_TTLS_MS, SOAK, onRedis, type GatewayId, type LatencyProfileId, type Plan } from './config.js';
import { writeReport } from './report.js';
import { startOtlpSink, type OtlpSink, type OtlpSinkCounts } from './otlp-sink.js';
import { subgraphHeaders } from './peers/supergraph.js';
import { BenchStack, callsFromRequests, runLoadgen, sumCalls, SYSTEMS, type SandboxRequest, type SorCalls, type System } from './stack.js';
import { fetchesBetween, layersBetween, type CacheLayers } from './metrics.js';
import { monotonicUs, summariseProfile, type CpuProfile, type ProcessProfile, type ProfileWindow } from './profile.js';
import { runSubscriptionBench, type SubscriptionResults } from './subscriptions/index.js';
import { loadOrCreateDevIssuer } from '../lib/auth/dev.js';

export interface RunSample extends LoadResult {
  /** Gateway CPU time spent during the run, ms, and per answered request. */
  gatewayCpuMs: number;
  gatewayCpuMsPerRequest: number;
  /** Share of one core the gateway used during the run (1 = a full core). */
  gatewayCpuShare: number;
  gatewayRssMb: number;
  /**
   * CPU time of every product process during the run, ms, and per answered request:
   * the gateway plus the subgraph processes (which the peers use too), or the one
   * process of an embedded gateway. Absent in runs before it was measured.
   */
  productCpuMs?: number;
  productCpuMsPerRequest?: number;
}

export interface StepResult {
  /** The offered arrival rate; 0 for a closed-loop workload, which offers `clients` instead. */
  offeredRps: number;
  /** Closed-loop workloads: how many clients asked at once. */
  clients?: number;
  runs: RunSample[];
  achievedRps: Spread;
  p50Ms: Spread;
  p95Ms: Spread;
  p99Ms: Spread;
  errorRate: Spread;
  gatewayCpuMsPerRequest: Spread;
  gatewayCpuShare: Spread;
  /** All product processes' CPU per request (RunSample.productCpuMsPerRequest); absent in older runs. */
  productCpuMsPerRequest?: Spread;
  /** Hits over responses that reported a response-cache status in the response (Hive's extensions); null when none did. */
  cacheHitRatio: number | null;
  /**
   * System-of-record calls per request made by this step's requests alone (its own correlation id);
   * absent for cold workloads and in older runs. Gateways that reach different rates on a ramp send
   * different numbers of requests, so only calls at the same step compare: misses of rarely viewed
   * customers and TTL expiries come with time, not with requests.
   */
  sorCallsPerRequest?: Record<System | 'total', number>;
}

/**
 * Gateway overhead on cold requests: each request's latency minus the time at
 * least one system-of-record call of that request was in flight (the sandbox's
 * request log, matched by a per-request correlation id). What is left is the
 * time spent in the gateway and the subgraphs: planning, fetching between
 * them, cache lookups, serialising.
 */
export interface Overhead {
  samples: number;
  latencyP50Ms: number;
  sorBusyP50Ms: number;
  overheadP50Ms: number;
  overheadP95Ms: number;
  /**
   * The calls of a typical request in the order they left: each call's route (with its system),
   * and the p50 of when it left and when its answer ended, ms from the request's send; absent in
   * runs before it was kept. Where the gaps between waves of calls are.
   */
  timeline?: Array<{ call: string; startP50Ms: number; endP50Ms: number; requests: number }>;
  /** p50 of each request's time before its first call, between its calls, and after its last (bench/stats.ts idleParts); absent in runs before they were kept. */
  leadP50Ms?: number;
  betweenP50Ms?: number;
  tailP50Ms?: number;
}

export interface Measurement {
  gateway: GatewayId;
  latencyProfile: LatencyProfileId;
  workload: WorkloadId;
  correlationId: string;
  steps: StepResult[];
  /** Calls each system received for this measurement's requests (warm-up excluded). */
  sorCalls: SorCalls;
  requests: number;
  sorCallsPerRequest: Record<System | 'total', number>;
  /** Highest achieved rate meeting the profile's p95 target; null for cold and fixed workloads. */
  throughputAtP95Target: number | null;
  p95TargetMs: number;
  /** What each cache layer of our processes did during the measured runs (from /metrics; warm-up excluded). */
  cacheLayers?: CacheLayers;
  /** Cold workload only. */
  overhead?: Overhead;
  /** Cold workloads: the unmeasured cold views of other customers the gateway answered first (absent in runs before there were any). */
  coldWarmupViews?: number;
  /**
   * Operations the subgraphs executed for this measurement's requests (warm-up excluded), counted by the
   * subgraphs themselves (`rsg_subgraph_requests_total`); null when they did not count them, absent in older runs.
   */
  subgraphFetches?: { total: number; perRequest: number; bySubgraph: Record<string, number> } | null;
}

export interface GatewayOutcome {
  id: GatewayId;
  title: string;
  /** `unavailable`: the variant cannot run from this tree (its entry does not exist); nothing was measured. */
  status: 'ok' | 'failed' | 'unavailable';
  error?: string;
  peakRssMb?: number;
  /** One process (embedded) or the gateway over subgraph processes; absent in older runs. */
  layout?: 'separate' | 'embedded';
  /** Ours only: whether our processes ran on Redis for this gateway; absent for peers and in older runs. */
  redis?: boolean;
  /** A traced variant (GatewayDef.tracedFrom): what it exported to the bench's OTLP sink while it ran. */
  traces?: OtlpSinkCounts;
}

/** One chunk of the soak: a minute of agent views. */
export interface SoakChunk {
  startSecond: number;
  views: number;
  ok: number;
  p50Ms: number;
  p95Ms: number;
  sorCalls: SorCalls;
  /**
   * Every call the systems received in the minute, whoever made it: the views' calls plus the
   * feeds' polls, export reads and anything else running. Absent in older runs.
   */
  allCalls?: SorCalls;
  cacheLayers: CacheLayers;
  gatewayCpuShare: number;
  gatewayRssMb: number;
  sampleErrors: string[];
}

export interface SoakResults {
  gateway: GatewayId;
  ratePerSec: number;
  minutes: number;
  profile: LatencyProfileId;
  steadyAfterSeconds: number;
  chunks: SoakChunk[];
  /** Latency percentiles over every view of the soak. */
  p50Ms: number;
  p95Ms: number;
}

export interface BenchResults {
  schema: 1;
  plan: Plan['id'] | 'soak';
  command: string;
  startedAt: string;
  finishedAt: string;
  machine: { cpuModel: string; cores: number; memoryGb: number; node: string; os: string };
  pinning: { taskset: boolean; gatewayCores: string; othersCores: string };
  versions: Record<string, string>;
  settings: {
    customers: number;
    seed: number;
    asOf: string;
    workersPerGateway: 1;
    cacheTtlsMs: typeof CACHE_TTLS_MS;
    plan?: Plan;
    /** Whether our processes ran on Redis (REDIS_URL): entity caches shared, response cache on. */
    redis?: boolean;
    /** Whether every process under test ran compiled on plain node (dist/, bench/.dist/) rather than under tsx; absent in older runs. */
    compiled?: boolean;
  };
  gateways: GatewayOutcome[];
  pending: Array<{ workload: WorkloadId; title: string; reason: string }>;
  measurements: Measurement[];
  /** The subscription workload, on our gateway (the peers' plain @apollo/gateway executes no subscriptions). */
  subscriptions?: { profile: LatencyProfileId; results: SubscriptionResults } | { profile: LatencyProfileId; error: string };
  soak?: SoakResults;
  /** The same soak through each peer gateway (`--gateways=ours,apollo-plain,…`), for `--peer-minutes`. */
  soakPeers?: SoakResults[];
  /** `--profile`: where each product process spent its CPU under the warm workload (V8's CPU profiler). */
  profiles?: ProcessProfile[];
}

interface Options {
  plan: Plan | 'soak';
  gateways: GatewayId[];
  profiles: LatencyProfileId[];
  workloads: WorkloadId[];
  customers: number;
  minutes: number;
  /** The soak's length for a peer gateway: enough to compare the cold start and the first minutes. */
  peerMinutes: number;
  token: string | undefined;
  report: boolean;
  /** Run the product processes under V8's CPU profiler and record where their time goes. */
  profile: boolean;
  /** Under --profile: a directory to keep each process's .cpuprofile in (for DevTools), rather than a temporary one. */
  keepProfiles?: string;
  /** A trial of the bench itself: one short run per step, results under bench/.data/, no report. */
  smoke: boolean;
}

function parseArgs(argv: string[]): Options {
  const kv = new Map<string, string>();
  for (const a of argv) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(a);
    if (!m) throw new Error(`expected options like --quick or --gateways=ours,apollo-plain, got '${a}'`);
    kv.set(m[1]!, m[2] ?? 'true');
  }
  const known = new Set(['quick', 'full', 'soak', 'profile', 'smoke', 'gateways', 'profiles', 'workloads', 'customers', 'minutes', 'peer-minutes', 'token', 'no-report', 'keep-profiles']);
  for (const k of kv.keys()) if (!known.has(k)) throw new Error(`unknown option --${k}; expected one of ${[...known].map((x) => `--${x}`).join(', ')}`);
  const soak = kv.has('soak');
  const profile = kv.has('profile');
  if (profile && soak) throw new Error('--profile runs a steady workload (the warm customer-360 unless --workloads says), not the soak; give one of them');
  const keepProfiles = kv.get('keep-profiles');
  if (keepProfiles !== undefined && !profile) throw new Error('--keep-profiles keeps the files of --profile; give --profile too');
  // A profile needs a steady load, not a ramp: the quick plan unless --full says otherwise.
  const smoke = kv.has('smoke');
  const chosen = soak ? 'soak' : kv.has('quick') || (profile && !kv.has('full')) ? PLANS.quick : PLANS.full;
  const plan = smoke && chosen !== 'soak' ? smokePlan(chosen) : chosen;
  const list = <T extends string>(key: string, all: readonly T[], fallback: readonly T[]): T[] => {
    const raw = kv.get(key);
    if (!raw) return [...fallback];
    const items = raw.split(',').map((s) => s.trim());
    for (const i of items) if (!all.includes(i as T)) throw new Error(`--${key}: expected some of ${all.join(', ')}, got '${i}'`);
    return items as T[];
  };
  const customers = Number(kv.get('customers') ?? 2000);
  if (!Number.isInteger(customers) || customers < 200) throw new Error(`--customers: expected a whole number of at least 200, got '${kv.get('customers')}'`);
  const minutes = Number(kv.get('minutes') ?? SOAK.minutes);
  if (!Number.isInteger(minutes) || minutes < 1) throw new Error(`--minutes: expected a whole number of at least 1, got '${kv.get('minutes')}'`);
  const peerMinutes = Number(kv.get('peer-minutes') ?? 3);
  if (!Number.isInteger(peerMinutes) || peerMinutes < 1) throw new Error(`--peer-minutes: expected a whole number of at least 1, got '${kv.get('peer-minutes')}'`);
  const allGateways = Object.keys(GATEWAYS) as GatewayId[];
  return {
    plan,
    gateways: list('gateways', allGateways, soak ? ['ours'] : defaultGateways(Boolean(process.env.REDIS_URL))),
    profiles: list('profiles', Object.keys(LATENCY_PROFILES) as LatencyProfileId[], soak ? [SOAK.profile] : (plan as Plan).profiles),
    workloads: list('workloads', WORKLOADS.map((w) => w.id), profile ? ['customer360-warm-zipf'] : WORKLOADS.map((w) => w.id)),
    customers,
    minutes,
    peerMinutes,
    token: kv.get('token') ?? process.env.BENCH_TOKEN,
    report: !kv.has('no-report') && !smoke,
    profile,
    ...(keepProfiles ? { keepProfiles: resolve(keepProfiles) } : {}),
    smoke,
  };
}

/**
 * `--smoke`: the plan's shape (its profiles, its first ramp steps) at the smallest
 * durations, to see that the bench's code runs without measuring anything worth
 * keeping; its results go to bench/.data/, never into BENCHMARKS.md.
 */
function smokePlan(plan: Plan): Plan {
  return {
    ...plan,
    warmupMs: 0,
    runMs: 1000,
    runs: 1,
    coldRequests: 3,
    listPages: 3,
    rates: (w, p) => plan.rates(w, p).slice(0, 2),
  };
}

/**
 * "" for a run of the plan's whole scope, else what it was limited to ("-0ms+realistic",
 * "-ours", ...), so that a run of part of a plan (one profile, one gateway) is kept beside
 * the plan's last whole run instead of overwriting it; the report shows each.
 */
function partialSuffix(opts: Pick<Options, 'plan' | 'gateways' | 'profiles' | 'workloads' | 'profile'>): string {
  // A soak through peers too is kept beside the soak of ours alone.
  if (opts.plan === 'soak') return opts.gateways.length === 1 && opts.gateways[0] === 'ours' ? '' : `-${opts.gateways.join('+')}`;
  const same = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((x) => b.includes(x));
  const parts: string[] = [];
  if (opts.profile) parts.push('profile');
  if (!same(opts.profiles, opts.plan.profiles)) parts.push(opts.profiles.join('+'));
  if (!same(opts.gateways, defaultGateways(Boolean(process.env.REDIS_URL)))) parts.push(opts.gateways.join('+'));
  // A profile of another workload than the warm customer-360 (its default) is kept beside that one's.
  const whole = opts.profile ? ['customer360-warm-zipf'] : WORKLOADS.map((w) => w.id);
  if (!same(opts.workloads, whole)) parts.push(opts.workloads.join('+'));
  return parts.length ? `-${parts.join('-')}` : '';
}

/**
 * The identity our gateway verifies during the run: a development issuer whose
 * JWKS file the gateway reads (as `npm start` does), and an agent token signed
 * by it for the load. A --token or BENCH_TOKEN replaces the token (for a gateway
 * configured against another issuer through AUTH_* in the environment).
 */
async function benchIdentity(dir: string): Promise<{ env: Record<string, string>; agentToken: string }> {
  const issuer = await loadOrCreateDevIssuer(dir);
  return {
    env: { AUTH_JWKS_FILE: issuer.jwksFile, AUTH_ISSUER: issuer.issuer, AUTH_AUDIENCE: issuer.audience },
    agentToken: await issuer.token({ sub: 'bench-agent', roles: ['agent'] }),
  };
}

const SEED = 42;
const AS_OF = '2026-11-20';

function perRequest(calls: SorCalls, requests: number): Record<System | 'total', number> {
  const per = (n: number): number => n / Math.max(1, requests);
  return { salesforce: per(calls.salesforce), netsuite: per(calls.netsuite), zendesk: per(calls.zendesk), total: per(calls.total) };
}

function summarise(offeredRps: number, runs: RunSample[], clients?: number): StepResult {
  const reported = runs.reduce((a, r) => a + r.cacheReported, 0);
  return {
    offeredRps,
    ...(clients !== undefined ? { clients } : {}),
    runs,
    achievedRps: spread(runs.map((r) => r.achievedRps)),
    p50Ms: spread(runs.map((r) => r.latencyMs.p50)),
    p95Ms: spread(runs.map((r) => r.latencyMs.p95)),
    p99Ms: spread(runs.map((r) => r.latencyMs.p99)),
    errorRate: spread(runs.map((r) => (r.sent - r.ok) / r.sent)),
    gatewayCpuMsPerRequest: spread(runs.map((r) => r.gatewayCpuMsPerRequest)),
    gatewayCpuShare: spread(runs.map((r) => r.gatewayCpuShare)),
    productCpuMsPerRequest: spread(runs.map((r) => r.productCpuMsPerRequest ?? Number.NaN)),
    cacheHitRatio: reported > 0 ? runs.reduce((a, r) => a + r.cacheHits, 0) / reported : null,
  };
}

/** Overhead of each traced request: its latency minus the time its system-of-record calls were in flight. */
function overheadOf(traces: NonNullable<LoadResult['requests']>, logs: ReadonlyMap<string, Record<System, SandboxRequest[]>>): Overhead {
  const latency: number[] = [];
  const busy: number[] = [];
  const over: number[] = [];
  const lead: number[] = [];
  const between: number[] = [];
  const tail: number[] = [];
  // Per call, by its system, route and rank among that route's calls in the request: start and end offsets.
  const calls = new Map<string, { starts: number[]; ends: number[] }>();
  for (const t of traces) {
    const log = logs.get(t.correlationId);
    if (t.kind !== 'ok' || !log) continue;
    const intervals = SYSTEMS.flatMap((s) => log[s].filter((r) => r.durationMs !== null).map((r) => [r.receivedAtMs, r.receivedAtMs + r.durationMs!] as const));
    const b = busyTime(intervals, t.sentAtMs, t.sentAtMs + t.latencyMs);
    latency.push(t.latencyMs);
    busy.push(b);
    over.push(t.latencyMs - b);
    for (const s of SYSTEMS) {
      const ranks = new Map<string, number>();
      for (const r of [...log[s]].sort((a, b) => a.receivedAtMs - b.receivedAtMs)) {
        if (r.durationMs === null) continue;
        const rank = (ranks.get(r.route) ?? 0) + 1;
        ranks.set(r.route, rank);
        // The route already starts with its method.
        const key = `${s} ${r.route}${rank > 1 ? ` #${rank}` : ''}`;
        const c = calls.get(key) ?? { starts: [], ends: [] };
        c.starts.push(r.receivedAtMs - t.sentAtMs);
        c.ends.push(r.receivedAtMs + r.durationMs - t.sentAtMs);
        calls.set(key, c);
      }
    }
    const parts = idleParts(intervals, t.sentAtMs, t.sentAtMs + t.latencyMs);
    lead.push(parts.leadMs);
    between.push(parts.betweenMs);
    tail.push(parts.tailMs);
  }
  const sorted = (xs: number[]): number[] => xs.sort((a, b) => a - b);
  return {
    samples: over.length,
    latencyP50Ms: percentile(sorted(latency), 50),
    sorBusyP50Ms: percentile(sorted(busy), 50),
    overheadP50Ms: percentile(sorted(over), 50),
    overheadP95Ms: percentile(sorted(over), 95),
    leadP50Ms: percentile(sorted(lead), 50),
    betweenP50Ms: percentile(sorted(between), 50),
    tailP50Ms: percentile(sorted(tail), 50),
    // Calls most requests made (a call only some made says little of the typical request), in the order they left.
    timeline: [...calls.entries()]
      .filter(([, c]) => c.starts.length * 2 >= over.length)
      .map(([call, c]) => ({ call, startP50Ms: percentile(sorted(c.starts), 50), endP50Ms: percentile(sorted(c.ends), 50), requests: c.starts.length }))
      .sort((a, b) => a.startP50Ms - b.startP50Ms),
  };
}

function packageVersions(names: string[]): Record<string, string> {
  const require = createRequire(join(root, 'package.json'));
  const out: Record<string, string> = {};
  for (const n of names) {
    try {
      out[n] = (JSON.parse(readFileSync(require.resolve(`${n}/package.json`), 'utf8')) as { version: string }).version;
    } catch {
      // Some packages do not export package.json; read it from node_modules directly.
      const p = join(root, 'node_modules', n, 'package.json');
      out[n] = existsSync(p) ? (JSON.parse(readFileSync(p, 'utf8')) as { version: string }).version : 'not installed';
    }
  }
  return out;
}

async function subgraphQuery<T>(subgraph: string, url: string, query: string, variables: Record<string, unknown>): Promise<T> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...subgraphHeaders(`bench-setup-${randomUUID()}`, subgraph, { query, variables }) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: T; errors?: unknown[] };
  if (!body.data || body.errors?.length) throw new Error(`bench setup query failed: ${JSON.stringify(body).slice(0, 300)}`);
  return body.data;
}

/** endCursors of the first `pages` pages of customers, read from the customer subgraph before any measurement. */
async function listCursors(customerSubgraph: string, pages: number): Promise<Array<string | null>> {
  const cursors: Array<string | null> = [null];
  let after: string | null = null;
  for (let i = 1; i < pages; i++) {
    const data: { customers: { pageInfo: { hasNextPage: boolean; endCursor: string | null } } } = await subgraphQuery(
      'customer',
      customerSubgraph,
      'query($after: String) { customers(first: 20, after: $after) { pageInfo { hasNextPage endCursor } } }',
      { after },
    );
    const info = data.customers.pageInfo;
    if (!info.endCursor) throw new Error('could not page customers from the customer subgraph');
    cursors.push(info.endCursor);
    if (!info.hasNextPage) break;
    after = info.endCursor;
  }
  return cursors;
}

/**
 * What the mutation mix writes to, read from the subgraphs before any
 * measurement: customers not on credit hold, SKUs of items on their orders, and
 * their cases still open.
 */
async function mutationPools(stack: BenchStack, candidates: readonly string[]): Promise<MutationPools> {
  const reps = candidates.map((id) => ({ __typename: 'Customer', id }));
  // Open cases are rarer than customers: look for them among more customers.
  const caseReps = customerIds(candidates.length * 5).slice(10).map((id) => ({ __typename: 'Customer', id }));
  type Entities<T> = { _entities: Array<(T & { id: string }) | null> };
  const [fin, ord, svc] = await Promise.all([
    subgraphQuery<Entities<{ financials: { creditHold: boolean } | null }>>(
      'finance',
      `${stack.subgraphOrigin('finance')}/graphql`,
      'query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { id financials { creditHold } } } }',
      { r: reps },
    ),
    subgraphQuery<Entities<{ orders: { nodes: Array<{ lines: Array<{ sku: string }> }> } | null }>>(
      'order',
      `${stack.subgraphOrigin('order')}/graphql`,
      'query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { id orders(first: 3) { nodes { lines { sku } } } } } }',
      { r: reps },
    ),
    subgraphQuery<Entities<{ cases: { nodes: Array<{ id: string; status: string }> } | null }>>(
      'service',
      `${stack.subgraphOrigin('service')}/graphql`,
      'query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { id cases(first: 5, status: [NEW, OPEN, PENDING, ON_HOLD]) { nodes { id status } } } } }',
      { r: caseReps },
    ),
  ]);
  const customers = fin._entities.filter((e) => e && e.financials && !e.financials.creditHold).map((e) => e!.id);
  const skus = [...new Set(ord._entities.flatMap((e) => e?.orders?.nodes.flatMap((o) => o.lines.map((l) => l.sku)) ?? []))].sort();
  const openCases = svc._entities.flatMap((e) => e?.cases?.nodes.filter((c) => c.status !== 'SOLVED' && c.status !== 'CLOSED').map((c) => c.id) ?? []);
  return { customers, skus, openCases };
}

interface Context {
  opts: Options;
  stack: BenchStack;
  headers: Record<string, string>;
  agentToken: string;
  identityEnv: Record<string, string>;
  runId: number;
  gatewayCores: string | undefined;
  otherCores: string | undefined;
  /** Where the CPU profiles go under --profile. */
  profileDir: string | undefined;
  /** Under --profile: from the first to the last measured run of the gateway under test (warm-ups and start-up left out). */
  profileWindow?: ProfileWindow;
  /** Where traced variants export, started with the first of them. */
  otlpSink?: OtlpSink;
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const startedAt = new Date();
  const twoCores = cpus().length >= 2 && taskset() !== null;
  const gatewayCores = twoCores ? '0' : undefined;
  const otherCores = twoCores ? `1-${cpus().length - 1}` : undefined;
  const identity = await benchIdentity(join(root, 'bench', '.identity'));
  const token = opts.token ?? identity.agentToken;
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  const planId = opts.plan === 'soak' ? 'soak' : opts.plan.id;
  console.log(`bench: plan ${planId}, gateways ${opts.gateways.join(', ')}, profiles ${opts.profiles.join(', ')}${process.env.REDIS_URL ? ', on Redis' : ''}`);
  if (!twoCores) console.log('bench: fewer than 2 cores or no taskset; processes are not pinned (results are noisier)');
  console.log('bench: npm run build, and the peers into bench/.dist/');
  console.log(`bench: built in ${(compileUnderTest() / 1000).toFixed(1)} s`);
  if (opts.keepProfiles) mkdirSync(opts.keepProfiles, { recursive: true });
  const profileDir = opts.profile ? (opts.keepProfiles ?? mkdtempSync(join(tmpdir(), 'rsg-bench-profile-'))) : undefined;

  const stack = new BenchStack({
    customers: opts.customers,
    seed: SEED,
    asOf: AS_OF,
    basePort: Number(process.env.BENCH_BASE_PORT ?? 5000),
    gatewayCores,
    otherCores,
    env: { ...identity.env, BENCH_CACHE_TTLS_MS: JSON.stringify(CACHE_TTLS_MS) },
    ...(profileDir ? { profileDir } : {}),
  });
  // Peers sign the caller for the subgraphs in this process's environment (bench/peers/supergraph.ts).
  process.env.INTERNAL_AUTH_SECRET = stack.internalSecret;
  process.once('SIGINT', () => void stack.stopAll().then(() => process.exit(130)));
  process.once('SIGTERM', () => void stack.stopAll().then(() => process.exit(143)));

  const results: BenchResults = {
    schema: 1,
    plan: planId,
    command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).filter((a) => !a.startsWith('--token')).join(' ')}` : ''}`,
    startedAt: startedAt.toISOString(),
    finishedAt: '',
    machine: { cpuModel: cpus()[0]?.model ?? 'unknown', cores: cpus().length, memoryGb: Math.round(totalmem() / 2 ** 30), node: process.version, os: `${platform()} ${release()}` },
    pinning: { taskset: twoCores, gatewayCores: gatewayCores ?? 'any', othersCores: otherCores ?? 'any' },
    versions: packageVersions(['@apollo/gateway', '@apollo/server', '@graphql-hive/gateway', '@graphql-hive/router-runtime', 'graphql']),
    settings: {
      customers: opts.customers,
      seed: SEED,
      asOf: AS_OF,
      workersPerGateway: 1,
      cacheTtlsMs: CACHE_TTLS_MS,
      ...(opts.plan === 'soak' ? {} : { plan: opts.plan }),
      redis: Boolean(process.env.REDIS_URL),
      compiled: true,
    },
    gateways: [],
    pending: [],
    measurements: [],
  };

  const ctx: Context = { opts, stack, headers, agentToken: token, identityEnv: identity.env, runId: startedAt.getTime(), gatewayCores, otherCores, profileDir };
  try {
    await stack.startSandbox();
    if (opts.plan === 'soak') await soak(ctx, results);
    else await plan(ctx, opts.plan, results);
  } finally {
    await stack.stopAll();
    await ctx.otlpSink?.close();
    if (profileDir && !opts.keepProfiles) rmSync(profileDir, { recursive: true, force: true });
  }

  results.finishedAt = new Date().toISOString();
  const dir = opts.smoke ? join(root, 'bench', '.data') : join(root, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${results.startedAt.slice(0, 10)}-${planId}${partialSuffix(opts)}.json`);
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`bench: wrote ${file}`);
  if (opts.report) {
    const written = writeReport();
    console.log(`bench: wrote ${written.join(', ')}`);
  }
}

/** A variant this tree cannot run (its entry is missing): recorded as unavailable, not as a failure. */
class Unavailable extends Error {}

/**
 * Starts `gatewayId` and resolves once it answers: a separate gateway on freshly
 * started subgraphs of its own namespace, or an embedded one (subgraphs in its
 * own process) with no subgraph process running.
 */
async function startGatewayUnderTest(ctx: Context, gatewayId: GatewayId, namespace: string): Promise<Launched> {
  const def = GATEWAYS[gatewayId];
  const redis = onRedis(gatewayId, Boolean(process.env.REDIS_URL));
  let env: Record<string, string | undefined>;
  if (def.layout === 'embedded') {
    if (!existsSync(compiledModule(def.entry))) {
      throw new Unavailable(`${def.entry} is not in this tree, so there is no ${compiledModule(def.entry).slice(root.length + 1)} to run`);
    }
    await ctx.stack.stopSubgraphs();
    env = ctx.stack.embeddedEnv(namespace, redis);
  } else {
    await ctx.stack.startSubgraphs(namespace, redis);
    env = { ...ctx.stack.gatewayEnv(namespace), ...(redis ? {} : { REDIS_URL: undefined }) };
  }
  if (def.tracedFrom) {
    ctx.otlpSink ??= await startOtlpSink();
    // Every trace kept and exported, the SDK's defaults otherwise (batches of 512, protobuf over HTTP).
    env = { ...env, OTEL_EXPORTER_OTLP_ENDPOINT: ctx.otlpSink.url, OTEL_TRACES_SAMPLER: 'always_on' };
  }
  const gw = ctx.stack.launchGateway(gatewayId, def.entry, { ...env, ...def.env }, namespace);
  await waitReady(gw, () => graphqlReady(ctx.stack.gatewayUrl, ctx.headers), 120_000);
  return gw;
}

/**
 * Runs `measure` against `gatewayId`, recording in `results` whether it ran and its
 * peak memory; a failure is recorded, not thrown, so the other gateways of the run
 * still go. Under --profile, its processes are stopped afterwards so that each
 * writes its CPU profile, and the profiles are summarised into `results`.
 */
async function underTest(ctx: Context, gatewayId: GatewayId, results: BenchResults, title: (def: (typeof GATEWAYS)[GatewayId]) => string, measure: (gw: Launched) => Promise<void>): Promise<void> {
  const def = GATEWAYS[gatewayId];
  const outcome: GatewayOutcome = { id: gatewayId, title: def.title, status: 'ok', layout: def.layout };
  // A peer gateway has no Redis of its own; its subgraphs follow REDIS_URL, as the run's settings say.
  if (def.ours) outcome.redis = onRedis(gatewayId, Boolean(process.env.REDIS_URL));
  results.gateways.push(outcome);
  console.log(`bench: ${title(def)}`);
  const namespace = `bench-${ctx.runId}-${gatewayId}`;
  delete ctx.profileWindow;
  let gw: Launched | undefined;
  try {
    gw = await startGatewayUnderTest(ctx, gatewayId, namespace);
    const exportedBefore = ctx.otlpSink?.counts();
    await measure(gw);
    outcome.peakRssMb = sampleProcess(gw.proc.pid)?.peakRssMb;
    if (def.tracedFrom && ctx.otlpSink && exportedBefore) {
      const now = ctx.otlpSink.counts();
      outcome.traces = { exports: now.exports - exportedBefore.exports, bytes: now.bytes - exportedBefore.bytes };
    }
  } catch (e) {
    outcome.status = e instanceof Unavailable ? 'unavailable' : 'failed';
    outcome.error = failure(e);
    console.error(`bench: ${def.title} ${outcome.status}: ${outcome.error}`);
  } finally {
    if (gw) await ctx.stack.stopGateway(gw);
  }
  if (ctx.profileDir && outcome.status === 'ok') {
    await ctx.stack.stopSubgraphs();
    (results.profiles ??= []).push(...readProfiles(ctx.profileDir, namespace, gatewayId, ctx.profileWindow));
    // The measured window beside the kept files, so that they can be cut to it as the summary was.
    if (ctx.opts.keepProfiles && ctx.profileWindow) writeFileSync(join(ctx.profileDir, `${namespace}.window.json`), `${JSON.stringify(ctx.profileWindow)}\n`);
  }
}

/** The profiles the processes of one gateway wrote on exit (`<namespace>-<part>.cpuprofile`), summarised. */
function readProfiles(dir: string, namespace: string, gateway: GatewayId, window: ProfileWindow | undefined): ProcessProfile[] {
  const out: ProcessProfile[] = [];
  for (const file of readdirSync(dir).sort()) {
    if (!file.startsWith(`${namespace}-`) || !file.endsWith('.cpuprofile')) continue;
    const part = file.slice(namespace.length + 1, -'.cpuprofile'.length);
    const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
    out.push({ gateway, process: part, ...summariseProfile(profile, root, undefined, window) });
  }
  if (out.length === 0) console.error(`bench: no CPU profile was written for ${gateway} (did its processes exit cleanly?)`);
  return out;
}

function failure(e: unknown): string {
  let error = e instanceof Error ? e.message.slice(0, 2000) : String(e);
  // A process's own fatal message (often a JSON log line) says more than our wrapper.
  const fatal = /"message":"((?:[^"\\]|\\.)*)"/.exec(error)?.[1];
  if (fatal) error = `${error.split('\n')[0]} ${fatal.replace(/\\n/g, ' ')}`;
  return error;
}

async function plan(ctx: Context, plan: Plan, results: BenchResults): Promise<void> {
  const { opts, stack, headers } = ctx;
  // Setup reads go straight to the subgraphs, started once for them under a namespace of their own.
  await stack.startSubgraphs(`bench-${ctx.runId}-setup`);
  const pageCursors = await listCursors(`${stack.subgraphOrigin('customer')}/graphql`, plan.listPages);
  const ids = customerIds(opts.customers);
  const pools = opts.workloads.includes('mutation-mix') ? await mutationPools(stack, ids.slice(10, 210)) : undefined;
  // Cold customers come from the end of the id range, a fresh slice per gateway and profile.
  let coldCursor = ids.length;
  let measurementNo = 0;

  for (const gatewayId of opts.gateways) {
    await underTest(ctx, gatewayId, results, (def) => def.title, async (gw) => {
      const pid = gw.proc.pid;
      for (const profileId of opts.profiles) {
        await stack.setProfile(profileId);
        const profile = LATENCY_PROFILES[profileId];
        for (const workload of WORKLOADS) {
          if (workload.phase !== 'ready' || !opts.workloads.includes(workload.id)) continue;
          if (workload.mode === 'subscriptions') {
            // Our gateway only, once, at the first profile: the feeds' own intervals dominate, not upstream latency.
            if (gatewayId !== 'ours' || profileId !== opts.profiles[0]) continue;
            console.log(`  ${profileId.padEnd(9)} ${workload.id}`);
            try {
              const r = await runSubscriptionBench({
                gatewayUrl: stack.gatewayUrl,
                gatewayPid: pid!,
                sandbox: { salesforce: stack.sandboxUrl('salesforce'), netsuite: stack.sandboxUrl('netsuite'), zendesk: stack.sandboxUrl('zendesk') },
                token: ctx.agentToken,
                customerIds: ids,
                ...(ctx.otherCores ? { clientCores: ctx.otherCores } : {}),
                plan: plan.id,
                metrics: () => stack.metrics(),
                feedIntervalsMs: {
                  order: Number(process.env.ORDER_FEED_INTERVAL_MS ?? 5000),
                  finance: Number(process.env.FINANCE_FEED_INTERVAL_MS ?? 5000),
                  servicePoll: Number(process.env.SERVICE_FEED_POLL_MS ?? 60_000),
                },
              });
              results.subscriptions = { profile: profileId, results: r };
            } catch (e) {
              results.subscriptions = { profile: profileId, error: failure(e) };
              console.error(`  subscriptions failed: ${failure(e)}`);
            }
            continue;
          }
          measurementNo++;
          const correlationId = `bench-${ctx.runId}-${measurementNo}-${gatewayId}-${profileId}-${workload.id}`;
          const rates = workload.mode === 'cold' ? [plan.coldRps] : workload.mode === 'fixed' ? [plan.fixedRps(profileId)] : workload.mode === 'closed' ? [0] : plan.rates(workload.id, profileId);
          const warmHalf = ids.slice(0, ids.length / 2);
          const makeBodies = (count: number, seed: number): LoadBody[] => {
            switch (workload.id) {
              case 'customer360-cold': {
                coldCursor -= count;
                if (coldCursor < ids.length / 2 + COLD_WARMUP_VIEWS) throw new Error(`not enough customers for cold requests; raise --customers above ${opts.customers}`);
                return coldBodies(ids.slice(coldCursor, coldCursor + count));
              }
              case 'customer360-warm-zipf':
                return zipfBodies(CUSTOMER_360, warmHalf, 'id', count, seed);
              case 'customer360-warm-variants':
                return variantBodies(VIEW_VARIANTS, warmHalf, count, seed);
              case 'customer360-repeat':
                return repeatBodies(warmHalf.slice(0, REPEAT_CUSTOMERS), count, seed);
              case 'storefront-my-orders':
                return zipfBodies(workload.query, warmHalf, 'customerId', count, seed);
              case 'customers-list':
                return zipfBodies(workload.query, pageCursors, 'after', count, seed);
              case 'mutation-mix':
                return mutationBodies(pools!, count, seed, `${correlationId}`);
              case 'subscription-fanout':
                throw new Error('subscriptions are measured by bench/subscriptions/');
            }
          };
          const closed = workload.mode === 'closed';
          const spec = (rate: number, ms: number, bodies: LoadBody[], id: string, perRequest = false): LoadSpec => ({
            url: stack.gatewayUrl,
            ratePerSec: rate,
            ...(closed ? { concurrency: REPEAT_CLIENTS } : {}),
            durationMs: ms,
            timeoutMs: plan.timeoutMs,
            headers: { ...headers, 'x-correlation-id': id },
            bodies,
            perRequest,
          });
          // Warm-up: JIT, connection pools, query plans; and for warm workloads, the caches.
          if (workload.mode === 'cold') {
            // Cold views of the warm-up slice (just above the warm half): every gateway's caches start empty, so they take the cold path.
            const warmupIds = ids.slice(ids.length / 2, ids.length / 2 + COLD_WARMUP_VIEWS);
            await runLoadgen(spec(plan.coldRps * 2, (COLD_WARMUP_VIEWS * 1000) / (plan.coldRps * 2), coldBodies(warmupIds), `${correlationId}-warmup`), ctx.otherCores);
          }
          if (workload.mode === 'ramp' && plan.warmupMs > 0) {
            await runLoadgen(spec(rates[0]!, plan.warmupMs, makeBodies(Math.ceil((rates[0]! * plan.warmupMs) / 1000), 7), `${correlationId}-warmup`), ctx.otherCores);
          }
          if (closed && plan.warmupMs > 0) {
            // Long enough for every one of the customers to be viewed once before the measured repeats.
            await runLoadgen(spec(0, Math.max(plan.warmupMs, REPEAT_WARMUP_MS), makeBodies(REPEAT_CUSTOMERS, 7), `${correlationId}-warmup`), ctx.otherCores);
          }
          const before = await stack.metrics();
          const coldLogs = new Map<string, Record<System, SandboxRequest[]>>();
          const coldTraces: NonNullable<LoadResult['requests']> = [];
          let requests = 0;
          const cold = workload.mode === 'cold';
          // Each step of a warm workload under a correlation id of its own, so that its calls can be told apart.
          const stepCalls: SorCalls[] = [];
          const measureStep = async (rate: number): Promise<StepResult> => {
            const runs: RunSample[] = [];
            // Within what a correlation id may hold (lib/context.ts), or the gateway would replace it.
            const stepId = `${correlationId}:at-${rate}`;
            let stepRequests = 0;
            const runMs = cold ? (plan.coldRequests * 1000) / rate : plan.runMs;
            for (let r = 0; r < plan.runs; r++) {
              // A closed loop cycles its bodies: a few rounds of the customers are plenty.
              const count = closed ? REPEAT_CUSTOMERS * 5 : Math.max(1, Math.round((rate * runMs) / 1000));
              const productPids = [pid, ...stack.subgraphPids()];
              const cpuBefore = sampleProcess(pid);
              const productBefore = cpuOfAll(productPids);
              const t0 = performance.now();
              const fromUs = monotonicUs();
              const result = await runLoadgen(spec(rate, runMs, makeBodies(count, 1000 + r), cold ? `${correlationId}-r${r}` : stepId, cold), ctx.otherCores);
              const wall = performance.now() - t0;
              ctx.profileWindow = { fromUs: Math.min(ctx.profileWindow?.fromUs ?? Infinity, fromUs), toUs: monotonicUs() };
              const cpuAfter = sampleProcess(pid);
              const productCpu = cpuOfAll(productPids) - productBefore;
              if (cold) {
                // Read each request's calls now, while the sandbox's request log still holds them.
                for (const t of result.requests ?? []) coldLogs.set(t.correlationId, await stack.requestsFor(t.correlationId));
                coldTraces.push(...(result.requests ?? []));
                delete result.requests;
              }
              requests += result.sent;
              stepRequests += result.sent;
              const cpu = cpuBefore && cpuAfter ? cpuAfter.cpuMs - cpuBefore.cpuMs : Number.NaN;
              const answered = Math.max(1, result.ok + result.failed);
              runs.push({
                ...result,
                gatewayCpuMs: cpu,
                gatewayCpuMsPerRequest: cpu / answered,
                gatewayCpuShare: cpu / wall,
                gatewayRssMb: cpuAfter?.rssMb ?? Number.NaN,
                productCpuMs: productCpu,
                productCpuMsPerRequest: productCpu / answered,
              });
              if (result.sampleErrors.length > 0 && r === 0) console.log(`  ${workload.id} @${closed ? `${REPEAT_CLIENTS} clients` : `${rate}/s`} errors: ${result.sampleErrors.join(' | ')}`);
            }
            const step = summarise(rate, runs, closed ? REPEAT_CLIENTS : undefined);
            if (!cold) {
              const calls = await stack.callsFor(stepId);
              stepCalls.push(calls);
              step.sorCallsPerRequest = perRequest(calls, stepRequests);
            }
            console.log(
              `  ${profileId.padEnd(9)} ${workload.id.padEnd(25)} ${closed ? `${REPEAT_CLIENTS} clients` : `${String(rate).padStart(5)}/s`} -> ${step.achievedRps.median.toFixed(1)}/s p50 ${step.p50Ms.median.toFixed(1)} p95 ${step.p95Ms.median.toFixed(1)} ms, err ${(step.errorRate.median * 100).toFixed(1)}%, cpu ${step.gatewayCpuMsPerRequest.median.toFixed(2)} ms/req (product ${step.productCpuMsPerRequest?.median.toFixed(2)})`,
            );
            return step;
          };
          const steps: StepResult[] = [];
          for (const rate of rates) {
            const step = await measureStep(rate);
            steps.push(step);
            // Past saturation more load only measures queues; stop the ramp there.
            if (workload.mode === 'ramp' && (step.p95Ms.median > 3 * profile.p95TargetMs || step.errorRate.median > 0.2 || step.achievedRps.median < 0.7 * rate)) break;
          }
          const summaries = (): StepSummary[] =>
            steps.map((s) => ({ offeredRps: s.offeredRps, achievedRps: s.achievedRps.median, p95Ms: s.p95Ms.median, errorRate: s.errorRate.median }));
          // Around the knee, halve the bracket between the last rate that met the target and the first that did not.
          for (let k = 0; workload.mode === 'ramp' && k < plan.kneeSteps; k++) {
            const next = nextKneeRate(summaries(), profile.p95TargetMs);
            if (next === null) break;
            steps.push(await measureStep(next));
            steps.sort((a, b) => a.offeredRps - b.offeredRps);
          }
          const after = await stack.metrics();
          const sorCalls = workload.mode === 'cold' ? callsFromRequests([...coldLogs.values()]) : sumCalls(stepCalls);
          const per = (n: number): number => n / Math.max(1, requests);
          const fetches = fetchesBetween(before, after);
          const fetchTotal = fetches ? Object.values(fetches).reduce((a, b) => a + b, 0) : 0;
          const m: Measurement = {
            gateway: gatewayId,
            latencyProfile: profileId,
            workload: workload.id,
            correlationId,
            steps,
            sorCalls,
            requests,
            sorCallsPerRequest: perRequest(sorCalls, requests),
            throughputAtP95Target: workload.mode === 'ramp' ? throughputAtTarget(summaries(), profile.p95TargetMs) : null,
            p95TargetMs: profile.p95TargetMs,
            cacheLayers: layersBetween(before, after),
            subgraphFetches: fetches ? { total: fetchTotal, perRequest: per(fetchTotal), bySubgraph: fetches } : null,
            ...(workload.mode === 'cold' ? { overhead: overheadOf(coldTraces, coldLogs), coldWarmupViews: COLD_WARMUP_VIEWS } : {}),
          };
          if (m.overhead) {
            const o = m.overhead;
            const parts = o.leadP50Ms !== undefined ? ` (p50 before the first call ${o.leadP50Ms.toFixed(1)}, between calls ${o.betweenP50Ms?.toFixed(1)}, after the last ${o.tailP50Ms?.toFixed(1)} ms)` : '';
            console.log(`  ${' '.repeat(9)} overhead p50 ${o.overheadP50Ms.toFixed(1)} ms above ${o.sorBusyP50Ms.toFixed(1)} ms of system-of-record time${parts}`);
            for (const c of o.timeline ?? []) console.log(`  ${' '.repeat(11)}${c.startP50Ms.toFixed(1).padStart(7)} → ${c.endP50Ms.toFixed(1).padStart(7)} ms  ${c.call}`);
          }
          if (m.subgraphFetches) console.log(`  ${' '.repeat(9)} ${m.subgraphFetches.perRequest.toFixed(2)} subgraph fetches per request`);
          results.measurements.push(m);
        }
      }
    });
  }
}

/**
 * The soak: agent customer-360 views at SOAK.ratePerSec for --minutes, Zipf(1.1)
 * over every customer of the dataset, at the product's default TTLs, one chunk
 * per SOAK.chunkSeconds so that cost and latency can be followed over time.
 * A peer gateway runs the same sequence's first --peer-minutes, over freshly
 * started subgraphs, so the cold start and the first minutes compare.
 */
async function soak(ctx: Context, results: BenchResults): Promise<void> {
  const { opts, stack, headers } = ctx;
  const profileId = opts.profiles[0]!;
  const ids = customerIds(opts.customers);
  const minutesOf = (id: GatewayId): number => (GATEWAYS[id].ours ? opts.minutes : Math.min(opts.minutes, opts.peerMinutes));
  const perChunk = SOAK.ratePerSec * SOAK.chunkSeconds;
  const chunksOf = (id: GatewayId): number => Math.ceil((minutesOf(id) * 60) / SOAK.chunkSeconds);
  // One sequence for the whole soak, so popularity carries over from chunk to chunk.
  const bodies = zipfBodies(CUSTOMER_360, ids, 'id', perChunk * Math.max(...opts.gateways.map(chunksOf)), 11);
  for (const gatewayId of opts.gateways) {
    const chunks = chunksOf(gatewayId);
    await underTest(ctx, gatewayId, results, (def) => `soak, ${def.title}, ${SOAK.ratePerSec} views/s for ${minutesOf(gatewayId)} min, profile ${profileId}`, async (gw) => {
      await stack.setProfile(profileId);
      const all: number[] = [];
      const out: SoakChunk[] = [];
      for (let c = 0; c < chunks; c++) {
        const correlationId = `bench-${ctx.runId}-soak-${gatewayId}-${c}`;
        const before = await stack.metrics();
        const allBefore = await stack.callsTotal();
        const cpuBefore = sampleProcess(gw.proc.pid);
        const t0 = performance.now();
        const result = await runLoadgen(
          {
            url: stack.gatewayUrl,
            ratePerSec: SOAK.ratePerSec,
            durationMs: SOAK.chunkSeconds * 1000,
            timeoutMs: SOAK.timeoutMs,
            headers: { ...headers, 'x-correlation-id': correlationId },
            bodies: bodies.slice(c * perChunk, (c + 1) * perChunk),
            perRequest: false,
            latencySamples: true,
          },
          ctx.otherCores,
        );
        const wall = performance.now() - t0;
        const cpuAfter = sampleProcess(gw.proc.pid);
        const after = await stack.metrics();
        const allAfter = await stack.callsTotal();
        all.push(...(result.latencies ?? []));
        const chunk: SoakChunk = {
          startSecond: c * SOAK.chunkSeconds,
          views: result.sent,
          ok: result.ok,
          p50Ms: result.latencyMs.p50,
          p95Ms: result.latencyMs.p95,
          sorCalls: await stack.callsFor(correlationId),
          allCalls: callsBetween(allBefore, allAfter),
          cacheLayers: layersBetween(before, after),
          gatewayCpuShare: cpuBefore && cpuAfter ? (cpuAfter.cpuMs - cpuBefore.cpuMs) / wall : Number.NaN,
          gatewayRssMb: cpuAfter?.rssMb ?? Number.NaN,
          sampleErrors: result.sampleErrors,
        };
        out.push(chunk);
        console.log(
          `  minute ${c + 1}: ${chunk.ok}/${chunk.views} ok, p50 ${chunk.p50Ms.toFixed(1)} p95 ${chunk.p95Ms.toFixed(1)} ms, SF ${(chunk.sorCalls.salesforce / chunk.views).toFixed(3)} NS ${(chunk.sorCalls.netsuite / chunk.views).toFixed(3)} ZD ${(chunk.sorCalls.zendesk / chunk.views).toFixed(3)} per view${chunk.sampleErrors.length ? `; errors: ${chunk.sampleErrors.join(' | ')}` : ''}`,
        );
      }
      all.sort((a, b) => a - b);
      const run: SoakResults = {
        gateway: gatewayId,
        ratePerSec: SOAK.ratePerSec,
        minutes: minutesOf(gatewayId),
        profile: profileId,
        steadyAfterSeconds: SOAK.steadyAfterSeconds,
        chunks: out,
        p50Ms: percentile(all, 50),
        p95Ms: percentile(all, 95),
      };
      if (!results.soak && GATEWAYS[gatewayId].ours) results.soak = run;
      else (results.soakPeers ??= []).push(run);
    });
  }
}

/** The calls made between two readings of the sandboxes' cumulative counts. */
function callsBetween(before: SorCalls, after: SorCalls): SorCalls {
  const routes = (a: Record<string, number>, b: Record<string, number>): Record<string, number> =>
    Object.fromEntries(Object.entries(b).map(([k, v]) => [k, v - (a[k] ?? 0)]).filter(([, v]) => (v as number) > 0));
  return {
    salesforce: after.salesforce - before.salesforce,
    netsuite: after.netsuite - before.netsuite,
    zendesk: after.zendesk - before.zendesk,
    total: after.total - before.total,
    byRoute: {
      salesforce: routes(before.byRoute.salesforce, after.byRoute.salesforce),
      netsuite: routes(before.byRoute.netsuite, after.byRoute.netsuite),
      zendesk: routes(before.byRoute.zendesk, after.byRoute.zendesk),
    },
  };
}

main().catch((e: unknown) => {
  console.error(`bench: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
