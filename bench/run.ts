/**
 * `npm run bench` (full) and `npm run bench -- --quick` (ratios only, under five
 * minutes). Starts the sandbox and the four subgraphs once, then each gateway
 * under test in turn on the same port, pinned to its own core; for each latency
 * profile and workload it drives load from a separate process (bench/loadgen.ts),
 * counts system-of-record calls through the sandbox's /__sandbox/stats by a
 * per-measurement correlation id, samples the gateway's CPU and memory, writes
 * the raw results to bench/results/<date>-<profile>.json and regenerates
 * BENCHMARKS.md from every results file.
 *
 * Options: --quick | --full, --gateways=a,b, --profiles=a,b, --workloads=a,b,
 * --customers=N, --token=JWT (or BENCH_TOKEN; else .dev/tokens.json's agent token
 * when present; else no Authorization header), --no-report.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { cpus, totalmem, release, platform } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import type { LoadBody, LoadResult, LoadSpec } from './loadgen.js';
import { graphqlReady, httpOk, launch, root, sampleProcess, stop, taskset, waitReady, type Launched } from './processes.js';
import { spread, throughputAtTarget, type Spread } from './stats.js';
import { coldBodies, customerIds, WORKLOADS, zipfBodies, type Workload, type WorkloadId } from './workloads.js';
import { GATEWAYS, LATENCY_PROFILES, PLANS, CACHE_TTLS_MS, type GatewayId, type LatencyProfileId, type Plan } from './config.js';
import { writeReport } from './report.js';
import { subgraphHeaders } from './peers/supergraph.js';
import { loadOrCreateDevIssuer } from '../lib/auth/dev.js';

type System = 'salesforce' | 'netsuite' | 'zendesk';
const SYSTEMS: readonly System[] = ['salesforce', 'netsuite', 'zendesk'];

export interface RunSample extends LoadResult {
  /** Gateway CPU time spent during the run, ms, and per answered request. */
  gatewayCpuMs: number;
  gatewayCpuMsPerRequest: number;
  /** Share of one core the gateway used during the run (1 = a full core). */
  gatewayCpuShare: number;
  gatewayRssMb: number;
}

export interface StepResult {
  offeredRps: number;
  runs: RunSample[];
  achievedRps: Spread;
  p50Ms: Spread;
  p95Ms: Spread;
  p99Ms: Spread;
  errorRate: Spread;
  gatewayCpuMsPerRequest: Spread;
  gatewayCpuShare: Spread;
  /** Hits over responses that reported a response-cache status; null when none did. */
  cacheHitRatio: number | null;
}

export interface Measurement {
  gateway: GatewayId;
  latencyProfile: LatencyProfileId;
  workload: WorkloadId;
  correlationId: string;
  steps: StepResult[];
  /** Calls each system received for this measurement's requests (warm-up excluded). */
  sorCalls: Record<System, number> & { total: number; byRoute: Record<System, Record<string, number>> };
  requests: number;
  sorCallsPerRequest: Record<System | 'total', number>;
  /** Highest achieved rate meeting the profile's p95 target; null for cold workloads. */
  throughputAtP95Target: number | null;
  p95TargetMs: number;
}

export interface GatewayOutcome {
  id: GatewayId;
  title: string;
  status: 'ok' | 'failed';
  error?: string;
  peakRssMb?: number;
}

export interface BenchResults {
  schema: 1;
  plan: Plan['id'];
  command: string;
  startedAt: string;
  finishedAt: string;
  machine: { cpuModel: string; cores: number; memoryGb: number; node: string; os: string };
  pinning: { taskset: boolean; gatewayCores: string; othersCores: string };
  versions: Record<string, string>;
  settings: { customers: number; seed: number; asOf: string; workersPerGateway: 1; cacheTtlsMs: typeof CACHE_TTLS_MS; plan: Plan };
  gateways: GatewayOutcome[];
  pending: Array<{ workload: WorkloadId; title: string; reason: string }>;
  measurements: Measurement[];
}

interface Options {
  plan: Plan;
  gateways: GatewayId[];
  profiles: LatencyProfileId[];
  workloads: WorkloadId[];
  customers: number;
  token: string | undefined;
  report: boolean;
}

function parseArgs(argv: string[]): Options {
  const kv = new Map<string, string>();
  for (const a of argv) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(a);
    if (!m) throw new Error(`expected options like --quick or --gateways=ours,apollo, got '${a}'`);
    kv.set(m[1]!, m[2] ?? 'true');
  }
  const known = new Set(['quick', 'full', 'gateways', 'profiles', 'workloads', 'customers', 'token', 'no-report']);
  for (const k of kv.keys()) if (!known.has(k)) throw new Error(`unknown option --${k}; expected one of ${[...known].map((x) => `--${x}`).join(', ')}`);
  const plan = kv.has('quick') ? PLANS.quick : PLANS.full;
  const list = <T extends string>(key: string, all: readonly T[], fallback: readonly T[]): T[] => {
    const raw = kv.get(key);
    if (!raw) return [...fallback];
    const items = raw.split(',').map((s) => s.trim());
    for (const i of items) if (!all.includes(i as T)) throw new Error(`--${key}: expected some of ${all.join(', ')}, got '${i}'`);
    return items as T[];
  };
  const customers = Number(kv.get('customers') ?? 2000);
  if (!Number.isInteger(customers) || customers < 200) throw new Error(`--customers: expected a whole number of at least 200, got '${kv.get('customers')}'`);
  return {
    plan,
    gateways: list('gateways', Object.keys(GATEWAYS) as GatewayId[], Object.keys(GATEWAYS) as GatewayId[]),
    profiles: list('profiles', Object.keys(LATENCY_PROFILES) as LatencyProfileId[], plan.profiles),
    workloads: list('workloads', WORKLOADS.map((w) => w.id), WORKLOADS.map((w) => w.id)),
    customers,
    token: kv.get('token') ?? process.env.BENCH_TOKEN,
    report: !kv.has('no-report'),
  };
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

const BASE = Number(process.env.BENCH_BASE_PORT ?? 5000);
const PORTS = {
  gateway: BASE,
  customer: BASE + 1,
  order: BASE + 2,
  finance: BASE + 3,
  service: BASE + 4,
  salesforce: BASE + 101,
  netsuite: BASE + 102,
  zendesk: BASE + 103,
} as const;
const SEED = 42;
const AS_OF = '2026-11-20';
const sandboxUrl = (s: System): string => `http://127.0.0.1:${PORTS[s]}`;

async function admin(system: System, path: string, init?: RequestInit): Promise<unknown> {
  const res = await fetch(`${sandboxUrl(system)}/__sandbox/${path}`, init);
  if (!res.ok) throw new Error(`sandbox ${system} ${path}: HTTP ${res.status} ${await res.text()}`);
  return res.json();
}

async function setProfile(id: LatencyProfileId): Promise<void> {
  const profile = LATENCY_PROFILES[id];
  await Promise.all(
    SYSTEMS.map((s) => admin(s, 'faults', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(profile.faults[s]) })),
  );
}

async function callsFor(correlationId: string): Promise<Measurement['sorCalls']> {
  const stats = await Promise.all(
    SYSTEMS.map((s) => admin(s, `stats?correlationId=${encodeURIComponent(correlationId)}`) as Promise<{ total: number; calls: Record<string, number> }>),
  );
  const [sf, ns, zd] = stats as [{ total: number; calls: Record<string, number> }, { total: number; calls: Record<string, number> }, { total: number; calls: Record<string, number> }];
  return {
    salesforce: sf.total,
    netsuite: ns.total,
    zendesk: zd.total,
    total: sf.total + ns.total + zd.total,
    byRoute: { salesforce: sf.calls, netsuite: ns.calls, zendesk: zd.calls },
  };
}

/** Runs the load generator as its own process on the "others" core and returns its result. */
async function loadgen(spec: LoadSpec, cores: string | undefined): Promise<LoadResult> {
  const node = [process.execPath, '--import', 'tsx', join(root, 'bench', 'loadgen.ts')];
  const pin = cores !== undefined ? taskset() : null;
  const [cmd, ...args] = pin ? [pin, '-c', cores!, ...node] : node;
  const child = spawn(cmd!, args, { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (c: Buffer) => out.push(c));
  child.stderr.on('data', (c: Buffer) => err.push(c));
  child.stdin.end(JSON.stringify(spec));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`load generator failed (exit ${code}): ${Buffer.concat(err).toString('utf8').slice(0, 500)}`);
  return JSON.parse(Buffer.concat(out).toString('utf8')) as LoadResult;
}

function summarise(offeredRps: number, runs: RunSample[]): StepResult {
  const reported = runs.reduce((a, r) => a + r.cacheReported, 0);
  return {
    offeredRps,
    runs,
    achievedRps: spread(runs.map((r) => r.achievedRps)),
    p50Ms: spread(runs.map((r) => r.latencyMs.p50)),
    p95Ms: spread(runs.map((r) => r.latencyMs.p95)),
    p99Ms: spread(runs.map((r) => r.latencyMs.p99)),
    errorRate: spread(runs.map((r) => (r.sent - r.ok) / r.sent)),
    gatewayCpuMsPerRequest: spread(runs.map((r) => r.gatewayCpuMsPerRequest)),
    gatewayCpuShare: spread(runs.map((r) => r.gatewayCpuShare)),
    cacheHitRatio: reported > 0 ? runs.reduce((a, r) => a + r.cacheHits, 0) / reported : null,
  };
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const { plan } = opts;
  const startedAt = new Date();
  const twoCores = cpus().length >= 2 && taskset() !== null;
  const gatewayCores = twoCores ? '0' : undefined;
  const otherCores = twoCores ? `1-${cpus().length - 1}` : undefined;
  const identity = await benchIdentity(join(root, 'bench', '.identity'));
  const token = opts.token ?? identity.agentToken;
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  console.log(`bench: plan ${plan.id}, gateways ${opts.gateways.join(', ')}, profiles ${opts.profiles.join(', ')}`);
  if (!twoCores) console.log('bench: fewer than 2 cores or no taskset; processes are not pinned (results are noisier)');

  const parts: Launched[] = [];
  const stopAll = async (): Promise<void> => {
    for (const p of parts.reverse()) await stop(p);
  };
  process.once('SIGINT', () => void stopAll().then(() => process.exit(130)));
  process.once('SIGTERM', () => void stopAll().then(() => process.exit(143)));

  const results: BenchResults = {
    schema: 1,
    plan: plan.id,
    command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).filter((a) => !a.startsWith('--token')).join(' ')}` : ''}`,
    startedAt: startedAt.toISOString(),
    finishedAt: '',
    machine: { cpuModel: cpus()[0]?.model ?? 'unknown', cores: cpus().length, memoryGb: Math.round(totalmem() / 2 ** 30), node: process.version, os: `${platform()} ${release()}` },
    pinning: { taskset: twoCores, gatewayCores: gatewayCores ?? 'any', othersCores: otherCores ?? 'any' },
    versions: packageVersions(['@apollo/gateway', '@apollo/server', '@graphql-hive/gateway', '@graphql-hive/router-runtime', 'graphql']),
    settings: { customers: opts.customers, seed: SEED, asOf: AS_OF, workersPerGateway: 1, cacheTtlsMs: CACHE_TTLS_MS, plan },
    gateways: [],
    pending: WORKLOADS.filter((w): w is Extract<Workload, { phase: 'pending' }> => w.phase === 'pending' && opts.workloads.includes(w.id)).map((w) => ({
      workload: w.id,
      title: w.title,
      reason: w.reason,
    })),
    measurements: [],
  };

  try {
    // The systems of record and the subgraphs: shared by every gateway, on the cores the gateway does not use.
    const sandbox = launch(
      'sandbox',
      'sandbox/main.ts',
      {
        SANDBOX_SALESFORCE_PORT: String(PORTS.salesforce),
        SANDBOX_NETSUITE_PORT: String(PORTS.netsuite),
        SANDBOX_ZENDESK_PORT: String(PORTS.zendesk),
        SANDBOX_CUSTOMERS: String(opts.customers),
        SANDBOX_SEED: String(SEED),
        SANDBOX_AS_OF: AS_OF,
      },
      otherCores,
    );
    parts.push(sandbox);
    await waitReady(sandbox, async () => (await Promise.all(SYSTEMS.map((s) => httpOk(`${sandboxUrl(s)}/__sandbox/stats`)))).every(Boolean));
    const subgraphEnv: Record<string, string> = {
      SALESFORCE_LOGIN_URL: sandboxUrl('salesforce'),
      NETSUITE_BASE_URL: `${sandboxUrl('netsuite')}/services/rest`,
      ZENDESK_BASE_URL: `${sandboxUrl('zendesk')}/api/v2`,
      NETSUITE_MAX_CONCURRENT: String(LATENCY_PROFILES.realistic.faults.netsuite.maxConcurrent ?? 5),
      ZENDESK_RATE_PER_MINUTE: String(LATENCY_PROFILES.realistic.faults.zendesk.rateLimitPerMinute ?? 700),
      RSG_NAMESPACE: `bench-${startedAt.getTime()}`,
      // The gateway signs the verified caller for the subgraphs (issue 8); one secret per bench run.
      INTERNAL_AUTH_SECRET: process.env.INTERNAL_AUTH_SECRET ?? randomBytes(32).toString('base64url'),
    };
    // Subgraphs keep caches of their own (issue 4): every gateway gets freshly started
    // ones, so none inherits caches another gateway warmed.
    const startSubgraphs = async (): Promise<Launched[]> => {
      const started: Launched[] = [];
      for (const name of ['customer', 'order', 'finance', 'service'] as const) {
        const part = launch(
          name,
          `subgraphs/${name}/src/index.ts`,
          { ...subgraphEnv, [`${name.toUpperCase()}_SUBGRAPH_PORT`]: String(PORTS[name]), [`${name.toUpperCase()}_SUBGRAPH_HOST`]: '127.0.0.1' },
          otherCores,
        );
        started.push(part);
        parts.push(part);
      }
      await Promise.all(started.map((p) => waitReady(p, () => httpOk(`http://127.0.0.1:${PORTS[p.name as 'customer']}/health`))));
      return started;
    };
    let subgraphs = await startSubgraphs();
    const gatewayEnv: Record<string, string> = {
      GATEWAY_PORT: String(PORTS.gateway),
      GATEWAY_HOST: '127.0.0.1',
      CUSTOMER_SUBGRAPH_URL: `http://127.0.0.1:${PORTS.customer}/graphql`,
      ORDER_SUBGRAPH_URL: `http://127.0.0.1:${PORTS.order}/graphql`,
      FINANCE_SUBGRAPH_URL: `http://127.0.0.1:${PORTS.finance}/graphql`,
      SERVICE_SUBGRAPH_URL: `http://127.0.0.1:${PORTS.service}/graphql`,
      BENCH_CACHE_TTLS_MS: JSON.stringify(CACHE_TTLS_MS),
      RSG_NAMESPACE: subgraphEnv.RSG_NAMESPACE!,
      INTERNAL_AUTH_SECRET: subgraphEnv.INTERNAL_AUTH_SECRET!,
      ...identity.env,
      // The load is one agent at a fixed rate; the per-caller limit would measure itself.
      GATEWAY_RATE_LIMIT_PER_MINUTE: '0',
    };
    process.env.INTERNAL_AUTH_SECRET = subgraphEnv.INTERNAL_AUTH_SECRET;
    const pageCursors = await listCursors(`http://127.0.0.1:${PORTS.customer}/graphql`, plan.listPages);
    const ids = customerIds(opts.customers);
    // Cold customers come from the end of the id range, a fresh slice per gateway and profile.
    let coldCursor = ids.length;
    const gatewayUrl = `http://127.0.0.1:${PORTS.gateway}/graphql`;
    let measurementNo = 0;

    for (const gatewayId of opts.gateways) {
      const def = GATEWAYS[gatewayId];
      if (gatewayId !== opts.gateways[0]) {
        for (const p of subgraphs) await stop(p);
        subgraphs = await startSubgraphs();
      }
      const outcome: GatewayOutcome = { id: gatewayId, title: def.title, status: 'ok' };
      results.gateways.push(outcome);
      console.log(`bench: ${def.title}`);
      const gw = launch(gatewayId, def.entry, { ...gatewayEnv, ...def.env }, gatewayCores);
      try {
        await waitReady(gw, () => graphqlReady(gatewayUrl, headers), 120_000);
        for (const profileId of opts.profiles) {
          await setProfile(profileId);
          const profile = LATENCY_PROFILES[profileId];
          for (const workload of WORKLOADS) {
            if (workload.phase !== 'ready' || !opts.workloads.includes(workload.id)) continue;
            measurementNo++;
            const correlationId = `bench-${startedAt.getTime()}-${measurementNo}-${gatewayId}-${profileId}-${workload.id}`;
            const rates = workload.mode === 'cold' ? [plan.coldRps] : plan.rates(workload.id, profileId);
            const makeBodies = (count: number, seed: number): LoadBody[] => {
              switch (workload.id) {
                case 'customer360-cold': {
                  coldCursor -= count;
                  if (coldCursor < ids.length / 2) throw new Error(`not enough customers for cold requests; raise --customers above ${opts.customers}`);
                  return coldBodies(ids.slice(coldCursor, coldCursor + count));
                }
                case 'customer360-warm-zipf':
                  return zipfBodies(workload.query, ids.slice(0, ids.length / 2), 'id', count, seed);
                case 'storefront-my-orders':
                  return zipfBodies(workload.query, ids.slice(0, ids.length / 2), 'customerId', count, seed);
                case 'customers-list':
                  return zipfBodies(workload.query, pageCursors, 'after', count, seed);
                case 'mutation-mix':
                case 'subscription-fanout':
                  throw new Error(`${workload.id} has no implementation yet`);
              }
            };
            const spec = (rate: number, ms: number, bodies: LoadBody[], id: string): LoadSpec => ({
              url: gatewayUrl,
              ratePerSec: rate,
              durationMs: ms,
              timeoutMs: plan.timeoutMs,
              headers: { ...headers, 'x-correlation-id': id },
              bodies,
            });
            // Warm-up: JIT, connection pools, query plans; and for warm workloads, the caches.
            if (workload.mode === 'ramp' && plan.warmupMs > 0) {
              await loadgen(spec(rates[0]!, plan.warmupMs, makeBodies(Math.ceil((rates[0]! * plan.warmupMs) / 1000), 7), `${correlationId}-warmup`), otherCores);
            }
            const steps: StepResult[] = [];
            let requests = 0;
            for (const rate of rates) {
              const runs: RunSample[] = [];
              const runMs = workload.mode === 'cold' ? (plan.coldRequests * 1000) / rate : plan.runMs;
              for (let r = 0; r < plan.runs; r++) {
                const count = Math.max(1, Math.round((rate * runMs) / 1000));
                const before = sampleProcess(gw.proc.pid);
                const t0 = performance.now();
                const result = await loadgen(spec(rate, runMs, makeBodies(count, 1000 + r), correlationId), otherCores);
                const wall = performance.now() - t0;
                const after = sampleProcess(gw.proc.pid);
                requests += result.sent;
                const cpu = before && after ? after.cpuMs - before.cpuMs : Number.NaN;
                runs.push({
                  ...result,
                  gatewayCpuMs: cpu,
                  gatewayCpuMsPerRequest: cpu / Math.max(1, result.ok + result.failed),
                  gatewayCpuShare: cpu / wall,
                  gatewayRssMb: after?.rssMb ?? Number.NaN,
                });
                if (result.sampleErrors.length > 0 && r === 0) console.log(`  ${workload.id} @${rate}/s errors: ${result.sampleErrors.join(' | ')}`);
              }
              const step = summarise(rate, runs);
              steps.push(step);
              console.log(
                `  ${profileId.padEnd(9)} ${workload.id.padEnd(22)} ${String(rate).padStart(5)}/s -> ${step.achievedRps.median.toFixed(1)}/s p50 ${step.p50Ms.median.toFixed(1)} p95 ${step.p95Ms.median.toFixed(1)} ms, err ${(step.errorRate.median * 100).toFixed(1)}%, cpu ${step.gatewayCpuMsPerRequest.median.toFixed(2)} ms/req`,
              );
              // Past saturation more load only measures queues; stop the ramp there.
              if (workload.mode === 'ramp' && (step.p95Ms.median > 3 * profile.p95TargetMs || step.errorRate.median > 0.2 || step.achievedRps.median < 0.7 * rate)) break;
            }
            const sorCalls = await callsFor(correlationId);
            const per = (n: number): number => n / Math.max(1, requests);
            results.measurements.push({
              gateway: gatewayId,
              latencyProfile: profileId,
              workload: workload.id,
              correlationId,
              steps,
              sorCalls,
              requests,
              sorCallsPerRequest: { salesforce: per(sorCalls.salesforce), netsuite: per(sorCalls.netsuite), zendesk: per(sorCalls.zendesk), total: per(sorCalls.total) },
              throughputAtP95Target:
                workload.mode === 'ramp'
                  ? throughputAtTarget(
                      steps.map((s) => ({ offeredRps: s.offeredRps, achievedRps: s.achievedRps.median, p95Ms: s.p95Ms.median, errorRate: s.errorRate.median })),
                      profile.p95TargetMs,
                    )
                  : null,
              p95TargetMs: profile.p95TargetMs,
            });
          }
        }
        outcome.peakRssMb = sampleProcess(gw.proc.pid)?.peakRssMb;
      } catch (e) {
        outcome.status = 'failed';
        outcome.error = e instanceof Error ? e.message.slice(0, 2000) : String(e);
        // A process's own fatal message (often a JSON log line) says more than our wrapper.
        const fatal = /"message":"((?:[^"\\]|\\.)*)"/.exec(outcome.error)?.[1];
        if (fatal) outcome.error = `${outcome.error.split('\n')[0]} ${fatal.replace(/\\n/g, ' ')}`;
        console.error(`bench: ${def.title} failed: ${outcome.error}`);
      } finally {
        await stop(gw);
      }
    }
  } finally {
    await Promise.all(SYSTEMS.map((s) => admin(s, 'faults', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{}' }).catch(() => undefined)));
    await stopAll();
  }

  results.finishedAt = new Date().toISOString();
  const dir = join(root, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${results.startedAt.slice(0, 10)}-${plan.id}.json`);
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`bench: wrote ${file}`);
  if (opts.report) {
    const written = writeReport();
    console.log(`bench: wrote ${written.join(', ')}`);
  }
}

/** endCursors of the first `pages` pages of customers, read from the customer subgraph before any measurement. */
async function listCursors(customerSubgraph: string, pages: number): Promise<Array<string | null>> {
  const cursors: Array<string | null> = [null];
  let after: string | null = null;
  for (let i = 1; i < pages; i++) {
    const res = await fetch(customerSubgraph, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...subgraphHeaders('bench-setup') },
      body: JSON.stringify({ query: 'query($after: String) { customers(first: 20, after: $after) { pageInfo { hasNextPage endCursor } } }', variables: { after } }),
    });
    const body = (await res.json()) as { data?: { customers: { pageInfo: { hasNextPage: boolean; endCursor: string | null } } } };
    const info = body.data?.customers.pageInfo;
    if (!info?.endCursor) throw new Error(`could not page customers from the customer subgraph: ${JSON.stringify(body).slice(0, 300)}`);
    cursors.push(info.endCursor);
    if (!info.hasNextPage) break;
    after = info.endCursor;
  }
  return cursors;
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

main().catch((e: unknown) => {
  console.error(`bench: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
