/**
 * The whole product in one process for integration tests: the three sandbox
 * systems of record over one dataset, the four subgraphs wired to them through
 * their real connectors, and the gateway serving the committed supergraph, each
 * on an ephemeral port. Call counts come from the sandboxes' admin API.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { generateDataset } from '../../sandbox/dataset/generate.js';
import type { RetailDataset } from '../../sandbox/dataset/model.js';
import { createSalesforceSandbox } from '../../sandbox/salesforce/index.js';
import { createNetSuiteSandbox } from '../../sandbox/netsuite/index.js';
import { createZendeskSandbox } from '../../sandbox/zendesk/index.js';
import type { Faults } from '../../sandbox/kit/server.js';
import { SUBGRAPHS } from '../../lib/manifest.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { bootForTest, runningModules } from './wiring.js';
import { startGateway, type GatewayOptions, type RunningGateway } from '../../gateway/src/gateway.js';
import { startInProcess, type InProcessHooks } from '../../scripts/graph.js';
import type { BootedSubgraph } from '../../lib/boot.js';
import { createAuthenticator } from '../../gateway/src/auth.js';
import type { QueryLimits } from '../../gateway/src/limits.js';
import type { TrustedDocumentsOptions } from '../../gateway/src/trusted-documents.js';
import type { RateLimitOptions } from '../../gateway/src/limits-rate.js';
import { createDevIssuer, type DevIssuer } from '../../lib/auth/dev.js';
import { TEST_TRUST, signedHeaders } from './auth.js';
import { freePort } from './ports.js';
import { SystemCircuits } from '../../lib/http.js';
import { createEntityCache, entityCacheClientName, loadCacheConfig, type CacheConfig, type CacheHandle } from '../../lib/cache/index.js';
import type { JSONWebKeySet } from 'jose';
import type { ResponseCache, ResponseCacheOptions } from '../../gateway/src/response-cache/index.js';
import { connectOnce, deleteNamespace } from './redis-keys.js';
import { customerLookup, type EntityLookup } from '../../gateway/src/early-fetches.js';
import { idFormat, loadOrgMapping } from '../../lib/mapping.js';

export type SystemName = 'salesforce' | 'netsuite' | 'zendesk';
export type SubgraphKey = 'customer' | 'order' | 'finance' | 'service';

export interface GraphQLResponse<T = Record<string, unknown>> {
  status: number;
  correlationId: string;
  body: {
    data?: T | null;
    errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, unknown> }>;
  };
}

export interface CallStats {
  total: number;
  calls: Record<string, number>;
}

export interface Stack extends StackIdentity {
  dataset: RetailDataset;
  gatewayUrl: string;
  /** The gateway's graphql-ws URL (same path as HTTP). */
  wsUrl: string;
  /** Stops one subgraph as a crash or a deploy would; its port is kept for startSubgraph. */
  stopSubgraph(name: SubgraphKey): Promise<void>;
  /** Starts a stopped subgraph again on the same port, with fresh process state but the same data directory (journals, feed watermarks). */
  startSubgraph(name: SubgraphKey): Promise<void>;
  subgraphUrls: Record<'customer' | 'order' | 'finance' | 'service', string>;
  sandboxUrls: Record<SystemName, string>;
  /** Sends an operation to the gateway with a fresh correlation id (or the given one). */
  query<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    /**
     * `token`: the bearer token to send (default: the agent's); null sends no Authorization header
     * (and, to a subgraph `url`, no signed caller header either).
     */
    opts?: { correlationId?: string; url?: string; token?: string | null },
  ): Promise<GraphQLResponse<T>>;
  /** API calls one system received for a correlation id. */
  stats(system: SystemName, correlationId: string): Promise<CallStats>;
  /** Calls per system for a correlation id. */
  allStats(correlationId: string): Promise<Record<SystemName, CallStats>>;
  faults(system: SystemName, faults: Faults): Promise<void>;
  /** Runs a sandbox action (`POST /__sandbox/actions/<name>`), a change made in the system itself, and answers its result. */
  action(system: SystemName, name: string, body: Record<string, unknown>): Promise<unknown>;
  clearFaults(): Promise<void>;
  close(): Promise<void>;
}

const root = join(import.meta.dirname, '..', '..');

/** Tokens for each role, signed by the stack's development issuer (as .dev/tokens.json holds them for `npm start`). */
export interface StackTokens {
  agent: string;
  finance: string;
  operator: string;
  storefront: { customerId: string; token: string };
}

/**
 * Where a stack's subgraphs keep their entity cache. A stack started without
 * this option has no cross-request cache, so tests that count calls per query
 * (test/graph) see every read reach the systems; `cache: {}` gives each subgraph
 * a fresh in-memory cache.
 */
export interface StackCacheOptions {
  /** Share one Redis cache (every subgraph, and any other stack given the same namespace). @default in-memory, one per subgraph */
  redisUrl?: string;
  /** Key prefix; two stacks with the same one share a Redis cache. @default a fresh one per stack */
  namespace?: string;
  /** Overrides of the cache settings (TTLs, max staleness). @default loadCacheConfig({}) */
  config?: CacheConfig;
}

export interface StackCache {
  /** The key prefix this stack's caches use. */
  cacheNamespace: string;
  /** Calls every subgraph's invalidate with these tags (and the gateway response cache's, when its versions are its own). */
  invalidate(tags: readonly string[]): Promise<void>;
  /** The gateway's response cache, when the stack was started with `responseCache`. */
  responseCache: ResponseCache | undefined;
}

export interface StackIdentity {
  issuer: DevIssuer;
  tokens: StackTokens;
}

/**
 * Stacks open per Redis namespace in this process. Stacks given the same namespace
 * share it (two replicas' caches), so its keys go when the last of them closes.
 */
const openOnNamespace = new Map<string, number>();

/** Event streams and feed state never expire in the product: a test's namespace is deleted with its last stack. */
async function releaseNamespace(namespace: string, redisUrls: Array<string | undefined>): Promise<void> {
  const left = (openOnNamespace.get(namespace) ?? 1) - 1;
  if (left > 0) {
    openOnNamespace.set(namespace, left);
    return;
  }
  openOnNamespace.delete(namespace);
  for (const url of new Set(redisUrls.filter((u): u is string => u !== undefined))) {
    // Best effort: a test may have cut its Redis on purpose (a proxy it closed).
    const client = await connectOnce(url).catch(() => undefined);
    if (!client) continue;
    await deleteNamespace(client, namespace).finally(() => client.quit());
  }
}

export async function startStack(
  opts: { customers?: number; seed?: number; production?: boolean; limits?: QueryLimits; introspection?: boolean; allowAnonymous?: boolean; rateLimit?: RateLimitOptions | false; cache?: StackCacheOptions; redisUrl?: string;
    /**
     * Turns the gateway's response cache on (off by default, so call-count tests keep their meaning).
     * It implies an entity cache (`cache: {}` unless given) and uses the stack's cache namespace and Redis.
     */
    responseCache?: Omit<ResponseCacheOptions, 'redisUrl' | 'namespace'> | true;
    /**
     * Runs the subgraphs as `npm start` does by default (scripts/graph.ts, through the same
     * wiring): the gateway calls them in process, and every invalidation they make reaches its
     * response cache in process. They still serve HTTP (subgraphUrls). They cannot be restarted.
     * @default false: the gateway calls them over HTTP, as deployed
     */
    inProcess?: boolean;
    /** Lookups whose entity fetches go out with the plan's first fetch (gateway/src/early-fetches.ts). @default `customer(id)`, as the gateway's entry sets it */
    earlyFetches?: readonly EntityLookup[];
    /** Browser origins the gateway answers with CORS, e.g. the console's (GATEWAY_CORS_ORIGINS). @default none */
    corsOrigins?: string[];
    /** The identity provider the gateway trusts instead of the stack's development issuer (whose tokens `tokens` still holds). @default the development issuer */
    identityProvider?: { jwks: JSONWebKeySet; issuer: string; audience: string };
    /**
     * The subgraphs' data directory (write journals, feed state), kept when the stack closes, so that a
     * second stack given the same one starts where the first stopped, as a second `npm start` does.
     * @default a fresh temporary directory, removed on close
     */
    dataDir?: string;
    /** Trusted documents at the gateway (GatewayOptions.trustedDocuments). @default off: every caller may send any document */
    trustedDocuments?: TrustedDocumentsOptions;
    /** Subgraph settings that replace the test timings, e.g. `{ ORDER_FEED_INTERVAL_MS: '500' }`. @default none */
    settings?: Record<string, string>;
  } = {},
): Promise<Stack & StackIdentity & StackCache> {
  if (opts.responseCache && !opts.cache) opts = { ...opts, cache: {} };
  const dataset = generateDataset({ seed: opts.seed ?? 42, customers: opts.customers ?? 300, asOf: new Date('2026-11-20T00:00:00Z') });
  const services: Array<{ close(): Promise<void> }> = [];
  let cleanup = async (): Promise<void> => undefined;
  try {
    const sf = await createSalesforceSandbox({ dataset });
    services.push(sf);
    const ns = await createNetSuiteSandbox({ dataset });
    services.push(ns);
    const zd = await createZendeskSandbox({ dataset });
    services.push(zd);
    const sandboxUrls = {
      salesforce: await sf.listen(0),
      netsuite: await ns.listen(0),
      zendesk: await zd.listen(0),
    };

    const env = {
      NODE_ENV: 'test',
      ORG_MAPPING_FILE: join(root, 'config', 'org-mapping.json'),
      SALESFORCE_LOGIN_URL: sandboxUrls.salesforce,
      NETSUITE_BASE_URL: `${sandboxUrls.netsuite}/services/rest`,
      ZENDESK_BASE_URL: `${sandboxUrls.zendesk}/api/v2`,
    };
    // Tests of failure modes should not wait out retries; one retry still shows they happen.
    const policy = { retries: 1, backoffMs: 20 };
    // The stack stands for one process: its subgraphs share one circuit per system, as they would
    // in it, and none with an earlier stack of this test file.
    const circuits = new SystemCircuits();

    // A fresh namespace per stack keeps tests independent: every stack starts cold unless told to share.
    const cacheNamespace = opts.cache?.namespace ?? `test-${randomUUID()}`;
    const redisUrls = [opts.redisUrl, opts.cache?.redisUrl];
    if (redisUrls.some(Boolean)) openOnNamespace.set(cacheNamespace, (openOnNamespace.get(cacheNamespace) ?? 0) + 1);
    const release = async (): Promise<void> => {
      if (redisUrls.some(Boolean)) await releaseNamespace(cacheNamespace, redisUrls);
    };
    cleanup = release;
    const newCache = async (subgraph: string): Promise<CacheHandle | undefined> => {
      if (!opts.cache) return undefined;
      const h = await createEntityCache({
        namespace: cacheNamespace,
        redisUrl: opts.cache?.redisUrl,
        config: opts.cache?.config ?? loadCacheConfig({}),
        name: entityCacheClientName(subgraph),
      });
      services.push(h);
      return h;
    };
    const dataDir = opts.dataDir ?? (await mkdtemp(join(tmpdir(), 'rsg-stack-')));
    // Each subgraph keeps its port across a restart, so the gateway's URLs stay right.
    const running = new Map<string, BootedSubgraph>();
    const modules = new Map<string, { invalidate?(tags: readonly string[]): Promise<boolean> }>();
    const ports = new Map<string, number>();
    const startSubgraph = async (name: string, hooks?: InProcessHooks): Promise<BootedSubgraph> => {
      if (running.has(name)) throw new Error(`subgraph ${name} is already running`);
      // The port is known before the subgraph starts, so it can give a system a URL to call back (webhooks).
      const port = ports.get(name) ?? (await freePort());
      const booted = await bootForTest(name, {
        env,
        port,
        dataDir,
        namespace: cacheNamespace,
        redisUrl: opts.redisUrl,
        cache: await newCache(name),
        policy,
        circuits,
        ...hooks,
        ...(opts.settings ? { settings: opts.settings } : {}),
      });
      modules.set(name, booted.module);
      ports.set(name, port);
      running.set(name, booted);
      return booted;
    };
    const stopSubgraph = async (name: string): Promise<void> => {
      const service = running.get(name);
      running.delete(name);
      runningModules.delete(name);
      await service?.close();
    };
    services.push({
      close: async () => {
        for (const name of [...running.keys()]) await stopSubgraph(name);
        if (!opts.dataDir) await rm(dataDir, { recursive: true, force: true });
      },
    });
    // The caller header is signed for one subgraph, by name: the stack's own, or what another replica's /health says it is.
    const subgraphNameOf = async (url: string): Promise<string> => {
      const known = Object.entries(subgraphUrls).find(([, u]) => u === url)?.[0];
      if (known) return known;
      const health = (await (await fetch(url.replace(/\/graphql$/, '/health'))).json()) as { subgraph?: string };
      return health.subgraph ?? url;
    };
    const issuer = await createDevIssuer();
    const storefrontCustomer = 'C-000001';
    const tokens: StackTokens = {
      agent: await issuer.token({ sub: 'agent-test', roles: ['agent'] }),
      finance: await issuer.token({ sub: 'finance-test', roles: ['finance'] }),
      operator: await issuer.token({ sub: 'operator-test', roles: ['operator'] }),
      storefront: { customerId: storefrontCustomer, token: await issuer.token({ sub: storefrontCustomer, roles: ['storefront'] }) },
    };
    const production = opts.production ?? false;
    const launchGateway = (wiring: Pick<GatewayOptions, 'subgraphUrls' | 'localSubgraphs'>): Promise<RunningGateway> =>
      startGateway({
        supergraph: { phase: 'file', path: join(root, 'supergraph.graphql') },
        ...wiring,
        port: 0,
        host: '127.0.0.1',
        production,
        auth: createAuthenticator({
          jwks: { phase: 'keys', jwks: opts.identityProvider?.jwks ?? issuer.jwks },
          issuer: opts.identityProvider?.issuer ?? issuer.issuer,
          audience: opts.identityProvider?.audience ?? issuer.audience,
          production,
          allowAnonymous: opts.allowAnonymous ?? false,
        }),
        trust: TEST_TRUST,
        ...(opts.limits ? { limits: opts.limits } : {}),
        earlyFetches: opts.earlyFetches ?? [customerLookup(idFormat('customer number', loadOrgMapping(join(root, 'config', 'org-mapping.json')).customerNumber))],
        ...(opts.introspection !== undefined ? { introspection: opts.introspection } : {}),
        ...(opts.rateLimit !== undefined ? { rateLimit: opts.rateLimit } : {}),
        ...(opts.trustedDocuments ? { trustedDocuments: opts.trustedDocuments } : {}),
        ...(opts.corsOrigins ? { corsOrigins: opts.corsOrigins } : {}),
        responseCache: opts.responseCache
          ? { ...(opts.responseCache === true ? {} : opts.responseCache), namespace: cacheNamespace, redisUrl: opts.cache?.redisUrl }
          : false,
      });
    const names = SUBGRAPHS.map((s) => s.name);
    let gateway: RunningGateway;
    if (opts.inProcess) {
      gateway = (await startInProcess({ names, boot: startSubgraph, startGateway: launchGateway })).gateway;
    } else {
      for (const name of names) await startSubgraph(name);
      gateway = await launchGateway({ subgraphUrls: Object.fromEntries([...running.values()].map((s) => [s.name, s.url])) });
    }
    const subgraphUrls = Object.fromEntries([...running.values()].map((s) => [s.name, s.url])) as Stack['subgraphUrls'];
    services.unshift(gateway);

    const admin = async (system: SystemName, path: string, init?: RequestInit): Promise<unknown> => {
      const res = await fetch(`${sandboxUrls[system]}/__sandbox/${path}`, init);
      if (!res.ok) throw new Error(`sandbox ${system} ${path}: HTTP ${res.status} ${await res.text()}`);
      return res.json();
    };

    const stack: Stack & StackIdentity & StackCache = {
      cacheNamespace,
      async invalidate(tags) {
        await Promise.all([...modules.values()].map((m) => m.invalidate?.(tags)));
        // Shared versions already moved with the subgraphs' own; local ones are told, as an all-in-one host would.
        if (gateway.responseCache?.phase === 'local') await gateway.responseCache.invalidate(tags);
      },
      responseCache: gateway.responseCache,
      issuer,
      tokens,
      dataset,
      gatewayUrl: gateway.url,
      wsUrl: gateway.url.replace(/^http/, 'ws'),
      stopSubgraph,
      async startSubgraph(name) {
        // The gateway holds the entries of the subgraphs it was started with.
        if (opts.inProcess) throw new Error('the subgraphs of an in-process stack cannot be restarted');
        await startSubgraph(name);
      },
      subgraphUrls,
      sandboxUrls,
      async query(query, variables, o = {}) {
        const correlationId = o.correlationId ?? `test-${randomUUID()}`;
        const res = await fetch(o.url ?? gateway.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-correlation-id': correlationId,
            ...(o.token === null ? {} : { authorization: `Bearer ${o.token ?? tokens.agent}` }),
            // A request straight to a subgraph carries the caller header as the gateway would sign it (an agent), unless token is null.
            ...(o.url && o.url !== gateway.url && o.token !== null ? signedHeaders(correlationId, await subgraphNameOf(o.url), { query, variables }) : {}),
          },
          body: JSON.stringify({ query, variables }),
        });
        return { status: res.status, correlationId, body: (await res.json()) as GraphQLResponse['body'] } as never;
      },
      stats: (system, correlationId) => admin(system, `stats?correlationId=${encodeURIComponent(correlationId)}`) as Promise<CallStats>,
      async allStats(correlationId) {
        const [salesforce, netsuite, zendesk] = await Promise.all(
          (['salesforce', 'netsuite', 'zendesk'] as const).map((s) => stack.stats(s, correlationId)),
        );
        return { salesforce: salesforce as CallStats, netsuite: netsuite as CallStats, zendesk: zendesk as CallStats };
      },
      action: (system, name, body) => admin(system, `actions/${name}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
      async faults(system, faults) {
        await admin(system, 'faults', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(faults) });
      },
      async clearFaults() {
        await Promise.all((['salesforce', 'netsuite', 'zendesk'] as const).map((s) => stack.faults(s, {})));
      },
      async close() {
        for (const s of services) await s.close().catch(() => undefined);
        await release();
      },
    };
    return stack;
  } catch (e) {
    for (const s of services) await s.close().catch(() => undefined);
    await cleanup();
    throw e;
  }
}

/** Where a system's circuit stands, as a subgraph's readiness reports it (`details.breaker` of its `system:<SYSTEM>` part). */
export async function circuitPhase(stack: Pick<Stack, 'subgraphUrls'>, subgraph: SubgraphKey, system: 'SALESFORCE' | 'ERP' | 'SERVICE_DESK'): Promise<unknown> {
  const res = await fetch(stack.subgraphUrls[subgraph].replace(/\/graphql$/, '/health/ready'));
  const report = (await res.json()) as { parts: Array<{ name: string; details?: { breaker?: unknown } }> };
  return report.parts.find((p) => p.name === `system:${system}`)?.details?.breaker;
}
