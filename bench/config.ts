/**
 * What the benchmark runs: the gateways under test, the upstream latency
 * profiles (set through each sandbox's PUT /__sandbox/faults), and the two plans
 * (quick and full). Changing a figure here changes what the next run measures;
 * the results file records the settings it ran with.
 */
import type { Faults } from '../sandbox/kit/server.js';
import type { WorkloadId } from './workloads.js';

export type GatewayId =
  | 'ours'
  | 'ours-embedded'
  | 'ours-memory'
  | 'ours-embedded-memory'
  | 'ours-embedded-memory-traced'
  | 'apollo-plain'
  | 'hive'
  | 'hive-router'
  | 'hive-response-cache';

export interface GatewayDef {
  title: string;
  /**
   * Entry file by its source path. The bench runs it compiled on plain node:
   * dist/<entry>.js for the product (`npm run build`), bench/.dist/<entry>.js for
   * a peer (bench/tsconfig.peers.json), with GATEWAY_PORT and <NAME>_SUBGRAPH_URL set.
   */
  entry: string;
  env: Record<string, string>;
  /**
   * `separate`: this process is the gateway alone, over the subgraph processes the
   * bench starts (ours as deployed, and every peer). `embedded`: one process runs
   * every subgraph of the manifest and the gateway, and the bench starts no
   * subgraph process for it.
   */
  layout: 'separate' | 'embedded';
  /**
   * Whether our processes (gateway and subgraphs) get REDIS_URL: `inherit` passes
   * the bench's environment on, `off` runs them without Redis even when it is set,
   * so one run can measure the embedded default beside a deployment on Redis.
   */
  redis: 'inherit' | 'off';
  /** Ours (any layout) rather than a peer: the figures the targets compare with the peers. */
  ours: boolean;
  /**
   * The variant this one is with OpenTelemetry tracing on: it runs as `tracedFrom` does, exporting
   * every trace over OTLP/HTTP to a sink in the bench's process (otlp-sink.ts), so tracing on and off
   * compare in one run. Issue 19's targets judge the untraced variants only. @default untraced
   */
  tracedFrom?: GatewayId;
}

const OURS_SEPARATE = 'gateway/src/index.ts';
/** The one-process entry (scripts/graph.ts): every subgraph in process, called through executeOperation, and the gateway. */
export const EMBEDDED_ENTRY = 'scripts/graph.ts';

/** Every gateway runs as one process (one worker), so none gets more cores than another. */
export const GATEWAYS: Record<GatewayId, GatewayDef> = {
  ours: { title: 'ours (gateway/src, @apollo/gateway + our plugins)', entry: OURS_SEPARATE, env: {}, layout: 'separate', redis: 'inherit', ours: true },
  'ours-embedded': {
    title: 'ours, embedded (one process: subgraphs in process + gateway)',
    entry: EMBEDDED_ENTRY,
    env: {},
    layout: 'embedded',
    redis: 'inherit',
    ours: true,
  },
  'ours-memory': { title: 'ours, without Redis', entry: OURS_SEPARATE, env: {}, layout: 'separate', redis: 'off', ours: true },
  'ours-embedded-memory': {
    title: 'ours, embedded default (one process, no Redis)',
    entry: EMBEDDED_ENTRY,
    env: {},
    layout: 'embedded',
    redis: 'off',
    ours: true,
  },
  'ours-embedded-memory-traced': {
    title: 'ours, embedded default, tracing on (every trace exported over OTLP)',
    entry: EMBEDDED_ENTRY,
    env: {},
    layout: 'embedded',
    redis: 'off',
    ours: true,
    tracedFrom: 'ours-embedded-memory',
  },
  'apollo-plain': { title: 'plain @apollo/gateway on @apollo/server', entry: 'bench/peers/apollo-plain.ts', env: {}, layout: 'separate', redis: 'inherit', ours: false },
  hive: { title: 'Hive Gateway', entry: 'bench/peers/hive.ts', env: {}, layout: 'separate', redis: 'inherit', ours: false },
  'hive-router': { title: 'Hive Gateway + router-runtime', entry: 'bench/peers/hive.ts', env: { BENCH_HIVE_ROUTER: '1' }, layout: 'separate', redis: 'inherit', ours: false },
  'hive-response-cache': {
    title: 'Hive Gateway + router-runtime + response cache',
    entry: 'bench/peers/hive.ts',
    env: { BENCH_HIVE_ROUTER: '1', BENCH_HIVE_RESPONSE_CACHE: '1' },
    layout: 'separate',
    redis: 'inherit',
    ours: false,
  },
};

/**
 * The gateways a run measures when --gateways is not given: ours in both layouts
 * and every peer; with REDIS_URL set, also the embedded default without Redis,
 * so that one run measures the targets both ways (bench/README.md).
 */
export function defaultGateways(redis: boolean): GatewayId[] {
  const all: GatewayId[] = ['ours', 'ours-embedded', 'apollo-plain', 'hive', 'hive-router', 'hive-response-cache'];
  return redis ? ['ours', 'ours-embedded', 'ours-embedded-memory', ...all.slice(2)] : all;
}

/** Whether `id` runs on Redis in a bench whose environment has (or lacks) REDIS_URL. */
export function onRedis(id: GatewayId, redisUrlSet: boolean): boolean {
  return redisUrlSet && GATEWAYS[id].redis === 'inherit';
}

/**
 * Cache TTLs given to every gateway that caches, so a cache is compared with a
 * cache at the same staleness: our entity cache's defaults per data domain
 * (docs/caching.md) mapped onto the types a response holds. Milliseconds, as
 * keyv and the Hive response cache both take them. Our gateway runs with its
 * own defaults; these are what the Hive response cache is given.
 */
export const CACHE_TTLS_MS = {
  default: 30_000,
  perType: { Customer: 300_000, CustomerFinancials: 60_000, Order: 30_000, Invoice: 60_000, SupportCase: 30_000 },
};

export type LatencyProfileId = '0ms' | '5ms' | 'realistic';

export interface LatencyProfile {
  title: string;
  faults: Record<'salesforce' | 'netsuite' | 'zendesk', Faults>;
  /** The p95 a workload must stay under for its rate to count towards "throughput at the p95 target". */
  p95TargetMs: number;
}

export const LATENCY_PROFILES: Record<LatencyProfileId, LatencyProfile> = {
  '0ms': { title: 'no added upstream latency', faults: { salesforce: {}, netsuite: {}, zendesk: {} }, p95TargetMs: 100 },
  '5ms': {
    title: '5 ms per system-of-record call',
    faults: { salesforce: { latencyMs: 5 }, netsuite: { latencyMs: 5 }, zendesk: { latencyMs: 5 } },
    p95TargetMs: 150,
  },
  realistic: {
    // latency + jitter/2 gives the means the field reports: Salesforce ~80 ms, NetSuite ~150 ms, Zendesk ~60 ms.
    title: 'realistic: Salesforce ~80 ms, NetSuite ~150 ms (5 concurrent), Zendesk ~60 ms (2,500/min), with jitter',
    faults: {
      salesforce: { latencyMs: 60, jitterMs: 40, seed: 1 },
      netsuite: { latencyMs: 120, jitterMs: 60, maxConcurrent: 5, seed: 2 },
      zendesk: { latencyMs: 45, jitterMs: 30, rateLimitPerMinute: 2500, seed: 3 },
    },
    p95TargetMs: 1500,
  },
};

export interface Plan {
  id: 'quick' | 'full';
  profiles: LatencyProfileId[];
  warmupMs: number;
  runMs: number;
  /** Runs per offered rate; the report shows their median and range. */
  runs: number;
  coldRps: number;
  coldRequests: number;
  listPages: number;
  timeoutMs: number;
  /**
   * Extra steps a ramp measures around its knee, each halfway between the highest
   * rate that met the p95 target and the lowest that did not (stats.ts nextKneeRate).
   */
  kneeSteps: number;
  /** Offered rates for a ramp workload, lowest first. */
  rates(workload: WorkloadId, profile: LatencyProfileId): number[];
  /** The offered rate of a `fixed` workload (the mutation mix). */
  fixedRps(profile: LatencyProfileId): number;
}

export const PLANS: Record<Plan['id'], Plan> = {
  quick: {
    // Ratios only: one profile, one fixed offered rate per workload that every
    // gateway sustains, three short runs. Compares cost per request (gateway CPU,
    // system-of-record calls) and latency at equal load, not capacity.
    id: 'quick',
    profiles: ['5ms'],
    warmupMs: 1500,
    runMs: 2000,
    runs: 3,
    coldRps: 4,
    coldRequests: 8,
    listPages: 40,
    timeoutMs: 10_000,
    // One fixed rate: there is no knee to find.
    kneeSteps: 0,
    // Low enough that on two cores the sandbox and subgraphs (sharing the second
    // core with the load generator) keep up, so the gateway is what differs.
    rates: (w) => [w === 'customers-list' ? 2 : w === 'storefront-my-orders' ? 12 : 6],
    fixedRps: () => 4,
  },
  full: {
    id: 'full',
    profiles: ['0ms', '5ms', 'realistic'],
    // Long enough for the caches to reach what the first rate keeps warm (order TTL 30 s).
    warmupMs: 30_000,
    runMs: 5000,
    runs: 3,
    coldRps: 2,
    coldRequests: 20,
    listPages: 100,
    timeoutMs: 15_000,
    // Doubling rates bracket the knee within 2×; three halvings bring that within 12.5% of the passing rate.
    kneeSteps: 3,
    rates: (w, p) => {
      // Low enough that the first step meets the p95 target on this machine for every
      // gateway: a ramp that starts past saturation measures nothing.
      const base = p === 'realistic' ? 2 : w === 'customers-list' || w === 'customer360-warm-zipf' || w === 'customer360-warm-variants' ? 5 : 20;
      // At realistic latency every gateway still met its target at 64/s: the ramp goes on to 512/s to reach the knees.
      const steps = p === 'realistic' ? 9 : 7;
      return Array.from({ length: steps }, (_, i) => base * 2 ** i);
    },
    fixedRps: (p) => (p === 'realistic' ? 4 : 10),
  },
};

/**
 * The soak (`npm run bench -- --soak`): agent views at a steady arrival rate,
 * long enough for every TTL to expire several times, at the product's default
 * TTLs. Measured in chunks, so the report shows how cost and latency move as
 * the caches fill and entries expire.
 */
export const SOAK = {
  ratePerSec: 20,
  minutes: 10,
  chunkSeconds: 60,
  profile: 'realistic' as LatencyProfileId,
  /** The first chunks fill the caches; "steady state" is what follows the engagement TTL (300 s). */
  steadyAfterSeconds: 300,
  timeoutMs: 15_000,
};
