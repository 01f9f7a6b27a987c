/**
 * The processes a benchmark measures, started the way scripts/start.ts starts
 * them: the sandbox systems of record and every subgraph of the manifest
 * (config/subgraphs.json) on the cores the gateway does not use, and one gateway
 * under test at a time on its own core.
 * Also the sandbox's admin API (faults, call counts, the request log), the
 * /metrics of our processes, and the load generator as a separate process.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { SUBGRAPHS, settingsPrefix, subgraphEntry, subgraphUrl, type SubgraphEntry } from '../lib/manifest.js';
import type { LoadResult, LoadSpec } from './loadgen.js';
import { httpOk, launch, root, stop, taskset, waitReady, type Launched } from './processes.js';
import { LATENCY_PROFILES, type LatencyProfileId } from './config.js';
import { snapshot, type MetricsSnapshot } from './metrics.js';

export type System = 'salesforce' | 'netsuite' | 'zendesk';
export const SYSTEMS: readonly System[] = ['salesforce', 'netsuite', 'zendesk'];

/** The Zendesk plan the bench runs on: the High Volume add-on's 2,500 requests a minute, as the realistic profile assumes. */
const ZENDESK_PLAN_PER_MINUTE = LATENCY_PROFILES.realistic.faults.zendesk.rateLimitPerMinute ?? 2500;

/** Calls each system received for one correlation id (or a set of them), by route template. */
export type SorCalls = Record<System, number> & { total: number; byRoute: Record<System, Record<string, number>> };

/** One API call as the sandbox's request log records it (sandbox/kit/server.ts). */
export interface SandboxRequest {
  method: string;
  route: string;
  correlationId: string | null;
  /** Arrival, epoch ms with sub-millisecond precision. */
  receivedAtMs: number;
  /** Arrival to the end of the response, ms; null when it never finished. */
  durationMs: number | null;
}

/** The sandbox's ports, from the base port (as 4101…4103 are from `npm start`'s 4000); the subgraphs sit below them. */
const SANDBOX_OFFSET = 101;

export interface StackOptions {
  customers: number;
  seed: number;
  asOf: string;
  /** Base port: the gateway at base, the manifest's subgraphs at base+1, base+2… in its order, the sandbox at base+101…103. */
  basePort: number;
  gatewayCores: string | undefined;
  otherCores: string | undefined;
  /** Everything else the subgraphs and gateway are given (identity, secrets). */
  env: Record<string, string>;
  /** The subgraphs to start and route to. @default the manifest, config/subgraphs.json */
  manifest?: readonly SubgraphEntry[];
  /**
   * Run the subgraphs and the gateway under V8's CPU profiler, each writing
   * `<namespace>-<part>.cpuprofile` here when it exits (`--profile`). @default none
   */
  profileDir?: string;
}

/** One subgraph as the bench starts it. */
export interface SubgraphLaunch {
  name: string;
  /** Its main module, relative to the project root. */
  entry: string;
  /** `<NAME>_SUBGRAPH_PORT` and `…_HOST`: where it serves. */
  env: Record<string, string>;
  /** Where the gateway reaches it: its `<NAME>_SUBGRAPH_URL`. */
  url: string;
  /** Its /health and /metrics are under this. */
  origin: string;
}

export class BenchStack {
  readonly ports: { gateway: number } & Record<System, number>;
  private readonly manifest: readonly SubgraphEntry[];
  private readonly parts: Launched[] = [];
  private subgraphs: Launched[] = [];
  /** Shared by the gateway and the subgraphs: the gateway signs the verified caller with it. */
  readonly internalSecret = process.env.INTERNAL_AUTH_SECRET ?? randomBytes(32).toString('base64url');

  constructor(private readonly opts: StackOptions) {
    const b = opts.basePort;
    this.ports = { gateway: b, salesforce: b + SANDBOX_OFFSET, netsuite: b + SANDBOX_OFFSET + 1, zendesk: b + SANDBOX_OFFSET + 2 };
    this.manifest = opts.manifest ?? SUBGRAPHS;
    if (this.manifest.length >= SANDBOX_OFFSET) {
      throw new Error(`the bench runs at most ${SANDBOX_OFFSET - 1} subgraphs (base port +1…+${SANDBOX_OFFSET - 1}, below the sandbox); the manifest has ${this.manifest.length}`);
    }
  }

  /**
   * Every subgraph of the manifest, in its order, at base+1, base+2…: the manifest's own ports
   * belong to `npm start`, which may be running beside the bench.
   */
  subgraphLaunches(): SubgraphLaunch[] {
    return this.manifest.map((entry, i) => {
      const prefix = settingsPrefix(entry);
      const host = '127.0.0.1';
      const env = { [`${prefix}_PORT`]: String(this.opts.basePort + 1 + i), [`${prefix}_HOST`]: host };
      const url = subgraphUrl(entry, env, host);
      return { name: entry.name, entry: entry.entry, env, url, origin: new URL(url).origin };
    });
  }

  sandboxUrl(s: System): string {
    return `http://127.0.0.1:${this.ports[s]}`;
  }

  subgraphOrigin(name: string): string {
    const entry = subgraphEntry(name, this.manifest);
    return (this.subgraphLaunches().find((l) => l.name === entry.name) as SubgraphLaunch).origin;
  }

  get gatewayOrigin(): string {
    return `http://127.0.0.1:${this.ports.gateway}`;
  }

  get gatewayUrl(): string {
    return `${this.gatewayOrigin}/graphql`;
  }

  /** Node flags for a product process: the CPU profiler's, under `--profile`. */
  private profileFlags(namespace: string, part: string): string[] {
    const dir = this.opts.profileDir;
    return dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`, `--cpu-prof-name=${namespace}-${part}.cpuprofile`] : [];
  }

  /** The pids of the subgraph processes now running (none for an embedded gateway). */
  subgraphPids(): Array<number | undefined> {
    return this.subgraphs.map((p) => p.proc.pid);
  }

  async startSandbox(): Promise<void> {
    const sandbox = launch(
      'sandbox',
      'sandbox/main.ts',
      {
        SANDBOX_SALESFORCE_PORT: String(this.ports.salesforce),
        SANDBOX_NETSUITE_PORT: String(this.ports.netsuite),
        SANDBOX_ZENDESK_PORT: String(this.ports.zendesk),
        SANDBOX_CUSTOMERS: String(this.opts.customers),
        SANDBOX_SEED: String(this.opts.seed),
        SANDBOX_AS_OF: this.opts.asOf,
        // The plan the subgraphs are told about (ZENDESK_RATE_PER_MINUTE below); a profile's faults may lower it.
        SANDBOX_ZENDESK_RATE_PER_MINUTE: String(ZENDESK_PLAN_PER_MINUTE),
      },
      this.opts.otherCores,
    );
    this.parts.push(sandbox);
    await waitReady(sandbox, async () => (await Promise.all(SYSTEMS.map((s) => httpOk(`${this.sandboxUrl(s)}/__sandbox/stats`)))).every(Boolean));
  }

  /**
   * (Re)starts every subgraph under `namespace`. Each gateway gets freshly
   * started subgraphs and a namespace of its own, so none inherits entity caches,
   * Redis included, that another gateway warmed.
   */
  async startSubgraphs(namespace: string, redis = true): Promise<void> {
    await this.stopSubgraphs();
    const launches = this.subgraphLaunches();
    const env = this.subgraphEnv(namespace, redis);
    this.subgraphs = launches.map((l) => launch(l.name, l.entry, { ...env, ...l.env }, this.opts.otherCores, this.profileFlags(namespace, l.name)));
    this.parts.push(...this.subgraphs);
    await Promise.all(this.subgraphs.map((p, i) => waitReady(p, () => httpOk(`${launches[i]!.origin}/health`))));
  }

  /** Stops the subgraph processes (an embedded gateway runs its own; a profile is written on exit). */
  async stopSubgraphs(): Promise<void> {
    for (const p of this.subgraphs) await stop(p);
    this.subgraphs = [];
  }

  /**
   * What a subgraph is started with: where the systems of record are, its cache
   * namespace, and REDIS_URL from this environment, or removed when `redis` is false.
   */
  subgraphEnv(namespace: string, redis: boolean): Record<string, string | undefined> {
    return {
      ...this.opts.env,
      ...(redis ? {} : { REDIS_URL: undefined }),
      SALESFORCE_LOGIN_URL: this.sandboxUrl('salesforce'),
      NETSUITE_BASE_URL: `${this.sandboxUrl('netsuite')}/services/rest`,
      ZENDESK_BASE_URL: `${this.sandboxUrl('zendesk')}/api/v2`,
      NETSUITE_MAX_CONCURRENT: String(LATENCY_PROFILES.realistic.faults.netsuite.maxConcurrent ?? 5),
      ZENDESK_RATE_PER_MINUTE: String(ZENDESK_PLAN_PER_MINUTE),
      RSG_NAMESPACE: namespace,
      INTERNAL_AUTH_SECRET: this.internalSecret,
      // Feed state and write journals of this run, apart from a developer's `npm start`.
      FEEDS_DIR: join(root, 'bench', '.data', namespace, 'feeds'),
      WRITES_DIR: join(root, 'bench', '.data', namespace, 'writes'),
    };
  }

  /**
   * What the one-process embedded entry is started with: the settings of every
   * subgraph (their `<NAME>_SUBGRAPH_PORT`s included) and of the gateway, as the
   * separate parts would get them.
   */
  embeddedEnv(namespace: string, redis: boolean): Record<string, string | undefined> {
    return {
      ...this.subgraphEnv(namespace, redis),
      ...Object.assign({}, ...this.subgraphLaunches().map((l) => l.env)),
      ...this.gatewayEnv(namespace),
      ...(redis ? {} : { REDIS_URL: undefined }),
    };
  }

  /** What a gateway under test is started with (plus its own GatewayDef env). */
  gatewayEnv(namespace: string): Record<string, string> {
    return {
      ...this.opts.env,
      GATEWAY_PORT: String(this.ports.gateway),
      GATEWAY_HOST: '127.0.0.1',
      // <NAME>_SUBGRAPH_URL for each, as the gateway reads them (peers too: bench/peers/supergraph.ts).
      ...Object.fromEntries(this.subgraphLaunches().map((l) => [`${settingsPrefix(l)}_URL`, l.url])),
      RSG_NAMESPACE: namespace,
      INTERNAL_AUTH_SECRET: this.internalSecret,
      // The load is one agent at a fixed rate; the per-caller limit would measure itself.
      GATEWAY_RATE_LIMIT_PER_MINUTE: '0',
    };
  }

  launchGateway(name: string, entry: string, env: Record<string, string | undefined>, namespace: string): Launched {
    const gw = launch(name, entry, env, this.opts.gatewayCores, this.profileFlags(namespace, 'gateway'));
    this.parts.push(gw);
    return gw;
  }

  async admin<T = unknown>(system: System, path: string, init?: RequestInit): Promise<T> {
    const res = await fetch(`${this.sandboxUrl(system)}/__sandbox/${path}`, init);
    if (!res.ok) throw new Error(`sandbox ${system} ${path}: HTTP ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  }

  async setFaults(system: System, faults: unknown): Promise<void> {
    await this.admin(system, 'faults', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(faults) });
  }

  async setProfile(id: LatencyProfileId): Promise<void> {
    const profile = LATENCY_PROFILES[id];
    await Promise.all(SYSTEMS.map((s) => this.setFaults(s, profile.faults[s])));
  }

  async callsFor(correlationId: string): Promise<SorCalls> {
    return this.stats(`stats?correlationId=${encodeURIComponent(correlationId)}`);
  }

  /** Every call each system has received since its counts were last reset, whoever made it (cumulative). */
  async callsTotal(): Promise<SorCalls> {
    return this.stats('stats');
  }

  private async stats(path: string): Promise<SorCalls> {
    const stats = await Promise.all(SYSTEMS.map((s) => this.admin<{ total: number; calls: Record<string, number> }>(s, path)));
    const [sf, ns, zd] = stats as [(typeof stats)[number], (typeof stats)[number], (typeof stats)[number]];
    return {
      salesforce: sf.total,
      netsuite: ns.total,
      zendesk: zd.total,
      total: sf.total + ns.total + zd.total,
      byRoute: { salesforce: sf.calls, netsuite: ns.calls, zendesk: zd.calls },
    };
  }

  /** The API calls each system logged for one correlation id. */
  async requestsFor(correlationId: string): Promise<Record<System, SandboxRequest[]>> {
    const lists = await Promise.all(
      SYSTEMS.map((s) => this.admin<{ requests: SandboxRequest[] }>(s, `requests?correlationId=${encodeURIComponent(correlationId)}`).then((r) => r.requests)),
    );
    return { salesforce: lists[0]!, netsuite: lists[1]!, zendesk: lists[2]! };
  }

  /**
   * /metrics of the gateway and every subgraph process (ours serve it; a peer
   * gateway does not). With no subgraph process running (an embedded gateway),
   * the gateway's process holds the subgraphs' series too.
   */
  metrics(): Promise<MetricsSnapshot> {
    const subgraphs = this.subgraphs.length > 0 ? this.subgraphLaunches() : [];
    return snapshot(this.gatewayOrigin, Object.fromEntries(subgraphs.map((l) => [l.name, l.origin])));
  }

  async stopGateway(gw: Launched): Promise<void> {
    await stop(gw);
  }

  async stopAll(): Promise<void> {
    await Promise.all(SYSTEMS.map((s) => this.setFaults(s, {}).catch(() => undefined)));
    for (const p of this.parts.reverse()) await stop(p);
  }
}

/** Adds up calls per system and route from request logs. */
export function callsFromRequests(logs: ReadonlyArray<Record<System, SandboxRequest[]>>): SorCalls {
  const out: SorCalls = { salesforce: 0, netsuite: 0, zendesk: 0, total: 0, byRoute: { salesforce: {}, netsuite: {}, zendesk: {} } };
  for (const log of logs) {
    for (const s of SYSTEMS) {
      for (const r of log[s]) {
        out[s] += 1;
        out.total += 1;
        out.byRoute[s][r.route] = (out.byRoute[s][r.route] ?? 0) + 1;
      }
    }
  }
  return out;
}

/** The calls of several measurements together (a ramp's steps). */
export function sumCalls(parts: readonly SorCalls[]): SorCalls {
  const out: SorCalls = { salesforce: 0, netsuite: 0, zendesk: 0, total: 0, byRoute: { salesforce: {}, netsuite: {}, zendesk: {} } };
  for (const c of parts) {
    for (const s of SYSTEMS) {
      out[s] += c[s];
      for (const [route, n] of Object.entries(c.byRoute[s])) out.byRoute[s][route] = (out.byRoute[s][route] ?? 0) + n;
    }
    out.total += c.total;
  }
  return out;
}

/** Runs the load generator as its own process on the given cores and returns its result. */
export async function runLoadgen(spec: LoadSpec, cores: string | undefined): Promise<LoadResult> {
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
