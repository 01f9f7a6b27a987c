/**
 * One way to boot a subgraph. A subgraph declares what it is built from
 * (`defineSubgraph`); `bootSubgraph` opens what every subgraph shares, in one
 * dependency shape, from the environment:
 *
 * - the org mapping and the listen address (`<NAME>_SUBGRAPH_PORT`/`_HOST`,
 *   default from config/subgraphs.json);
 * - Redis when REDIS_URL is set, and on it (or in process without it) the entity
 *   cache, the event bus, the write queue's store and the change feeds' state;
 * - a client per system of record, sharing this process's limiter and circuit
 *   breaker for it;
 *
 * builds the subgraph's module on them, serves it (lib/subgraph.ts), and on close
 * stops the module first, then releases what it opened. `main()` of every
 * subgraph, `npm start`, the test stack and the bench all boot through here.
 */
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BaseContext } from '@apollo/server';
import { createClient, type RedisClientType } from 'redis';
import { fileRejections, redisRejections, type IdentityRejections } from './identity-rejections.js';
import { z } from 'zod';
import {
  ConfigError,
  NETSUITE_CONSUMERS,
  loadCommonConfig,
  loadMetricsConfig,
  loadNetSuiteConfig,
  loadSalesforceConfig,
  loadServiceConfig,
  loadZendeskConfig,
  type CommonConfig,
} from './config.js';
import type { ProcessLimits } from './limits.js';
import { createNetSuiteClient, netsuiteLimiter, type NetSuiteClient } from './clients/netsuite.js';
import { createSalesforceClient, type SalesforceClient } from './clients/salesforce.js';
import { createZendeskClient, zendeskLimiter, type ZendeskClient } from './clients/zendesk.js';
import { createEntityCache, entityCacheClientName, type CacheHandle, type EntityCache, type InvalidationListener } from './cache/index.js';
import { inProcessBus, redisBus, type EventBus } from './events/bus.js';
import { loadOutboundConfig, openOutbound } from './events/outbound/index.js';
import { loadWebhooksConfig, openWebhooks, type Webhooks } from './events/webhooks/index.js';
import { fileStateStore, redisStateStore, type FeedStateStore } from './feeds/state.js';
import { fencedStateStore, loadFeedLeaseConfig, redisFeedLease, soleLease, type FeedLease } from './feeds/lease.js';
import { processCircuits, type CallPolicy, type SystemCircuits } from './http.js';
import { childLogger } from './log.js';
import { reportDeadLetters, reportFeedLag, reportWriteQueueDepth } from './metrics.js';
import { feedProgressTracker, loadHealthConfig, redisCheck, systemCallsTracker, writeQueueCheck, type HealthCheck } from './health.js';
import { loadOrgMapping, type OrgMapping } from './mapping.js';
import { codeRoot, projectRoot } from './paths.js';
import { settingsPrefix, subgraphEntry } from './manifest.js';
import { closeOnSignals } from './server.js';
import { serveSubgraph, type ServedSubgraph, type SubgraphModule } from './subgraph.js';
import { loadTrustOptions, type TrustOptions } from './auth/index.js';
import { coordinatorOptions, loadWritesConfig, openWriteStore, type WriteQueueDeps } from './writes/index.js';
import { closingTracing, startTracing } from './tracing.js';

type Env = Record<string, string | undefined>;

/**
 * What every subgraph module takes, in one shape; each adds its system client and
 * its own options. Hosts: bootSubgraph, and tests building a module from fakes.
 */
export interface SubgraphDeps {
  /** The org mapping: id formats, custom field names. */
  mapping: OrgMapping;
  /** The cross-request entity cache reads go through (docs/caching.md). Without one, every read goes to the system. @default none */
  cache?: EntityCache | undefined;
  /** Where change events go (Redis Streams to share them across replicas); closed on close() only when the subgraph made it. @default inProcessBus() */
  bus?: EventBus;
  /** The write queue: its durable store and settings. Without it, the subgraph's mutations refuse. @default none */
  writes?: WriteQueueDeps;
  /** Releases what the host opened for the subgraph, once it has stopped. @default nothing */
  onClose?: () => Promise<void>;
}

/** A subgraph module as its create function returns it, with the hooks writes, change events and tests use. */
export interface BuiltSubgraph<TContext extends BaseContext> extends SubgraphModule<TContext> {
  /**
   * Drops cached entries of these tags (`Order:SO-100234`, `Customer:C-000042:orders`; docs/caching.md)
   * here and in every process sharing the cache, reads in flight included. Resolves false when a shared
   * store could not record it; a no-op without a cache.
   */
  invalidate(tags: readonly string[]): Promise<boolean>;
}

/** A change feed's durable state (a file, or Redis) and the identity of the system it follows. */
export interface FeedDeps {
  /** Bound to `identity`: state of another account, or of this one before a reset, is discarded and the feed starts from now. */
  state: FeedStateStore;
  /** Who the system says it is, read once at the feed's first load. @default asks the system */
  identity?: () => Promise<string>;
  /**
   * Which replica runs the feed (`SubgraphPlatform.feedLease`): the feed runs only while this
   * replica holds it, and `state` should be fenced by it. @default soleLease: this process runs it
   */
  lease?: FeedLease;
}

/** What every subgraph is built from. Each field is opened once per process, by bootSubgraph. */
export interface SubgraphPlatform {
  /** The subgraph's name in config/subgraphs.json. */
  readonly name: string;
  /** The settings it was booted with; a subgraph reads its own (feed timings, webhook URL) from here, never from process.env. */
  readonly env: Env;
  readonly common: CommonConfig;
  readonly mapping: OrgMapping;
  /** Where it will listen, known before it starts (a webhook's callback URL needs it). */
  readonly listen: { host: string; port: number };
  /** The cross-request entity cache (docs/caching.md): in Redis with REDIS_URL, in memory otherwise; none when the host says so. */
  readonly cache: EntityCache | undefined;
  /** Where change events go: Redis Streams shared by replicas with REDIS_URL, in process otherwise. */
  readonly bus: EventBus;
  /** The write queue: its durable store (Redis, or the journal under WRITES_DIR/<name>) and the coordinator's settings. */
  readonly writes: WriteQueueDeps;
  /**
   * The durable state of one change feed: in Redis, or a file under FEEDS_DIR. Given the
   * feed's lease, only that lease's current leader may write it (fenced; lib/feeds/lease.ts).
   */
  feedState(feed: string, lease?: FeedLease): FeedStateStore;
  /**
   * Which replica runs a feed: with Redis, a lease of `FEED_LEASE_MS` under the namespace
   * (one leader per deployment); without it, this process.
   */
  feedLease(feed: string): FeedLease;
  /** Identity candidates agents rejected (docs/identity.md): in Redis, or a file under FEEDS_DIR. */
  identityRejections(): IdentityRejections;
  /** A Salesforce connection; closed by whoever it is given to (the subgraph). */
  salesforce(): SalesforceClient;
  /**
   * A NetSuite client drawing on this subgraph's share of the account's concurrency.
   * `retries: 0` for non-idempotent writes, which the write queue retries after a check instead.
   * Every client of a system, whatever its retries, goes through the system's one circuit.
   */
  netsuite(opts?: { retries?: 0 }): NetSuiteClient;
  /** A Zendesk client drawing on the account's per-minute budget. */
  zendesk(): ZendeskClient;
}

/** A subgraph module of any context type: hosts treat modules alike. */
// any: a module's context type appears both as a parameter (its resolvers) and as a result (createContext),
// so modules of different contexts have no common supertype that `unknown` or `never` could name.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnySubgraphModule = SubgraphModule<any>;

/** How a subgraph is built from the platform; its index.ts exports one as `subgraph`. */
export interface SubgraphDefinition<M extends AnySubgraphModule = AnySubgraphModule> {
  name: string;
  build(platform: SubgraphPlatform): M | Promise<M>;
}

/** Declares a subgraph; the type parameter keeps its module's own type for hosts that reach into it (tests). */
export function defineSubgraph<M extends AnySubgraphModule>(definition: SubgraphDefinition<M>): SubgraphDefinition<M> {
  return definition;
}

/** What a host may give instead of what the environment would open. */
export interface BootOverrides {
  /** Merged into every system client's call policy (tests shorten retries). */
  policy?: Partial<CallPolicy>;
  /** The entity cache to use, or null for none. @default one opened from REDIS_URL (memory without it) */
  cache?: CacheHandle | null;
  /** @default `<NAME>_SUBGRAPH_PORT` / `_HOST`, else the manifest's port on 127.0.0.1 */
  listen?: { host: string; port: number };
  /** The secret(s) the gateway signs the caller header with. @default from INTERNAL_AUTH_SECRET */
  trust?: TrustOptions;
  /**
   * Told the tags of every invalidation the subgraph makes (its writes, its change
   * feeds), once its entity cache has recorded them: a host running the gateway in
   * this process forwards them to the gateway's in-memory response cache
   * (scripts/graph.ts). Needs an entity cache. @default none
   */
  onInvalidate?: InvalidationListener;
  /**
   * Shared by the subgraphs of one process (scripts/graph.ts): without Redis they
   * then draw on one count of each account's limit instead of fixed shares.
   * @default each subgraph counts its own calls
   */
  processLimits?: ProcessLimits;
  /**
   * Where the systems' circuits are kept: every client of a system sharing one `SystemCircuits`
   * goes through one circuit. Give the subgraphs of one stand-in process the same one (a test
   * stack). @default processCircuits: one circuit per system for the whole process, whatever
   * number of subgraphs it runs (scripts/graph.ts)
   */
  circuits?: SystemCircuits;
}

/** A served subgraph (its URL, and its in-process entry), and the module behind it. */
export interface BootedSubgraph<M extends AnySubgraphModule = AnySubgraphModule> extends ServedSubgraph {
  module: M;
}

/** Where change feeds keep their state without Redis. */
export function loadFeedsDir(env: Env): string {
  const r = z.string().min(1).default(join(projectRoot, '.data', 'feeds')).safeParse(env.FEEDS_DIR);
  if (!r.success) throw new ConfigError(`FEEDS_DIR=${JSON.stringify(env.FEEDS_DIR)}: expected a directory`);
  return resolve(projectRoot, r.data);
}

/** Opens the platform of one subgraph; `release` closes what it opened, in reverse. */
async function openPlatform(
  name: string,
  env: Env,
  overrides: BootOverrides,
): Promise<{ platform: SubgraphPlatform; health: () => HealthCheck[]; release: () => Promise<void>; settle: () => void }> {
  const log = childLogger(`subgraph:${name}`);
  const entry = subgraphEntry(name);
  const common = loadCommonConfig(env);
  const mapping = loadOrgMapping(common.orgMappingFile);
  const listen = overrides.listen ?? loadServiceConfig(settingsPrefix(entry), entry.port, env);
  const healthConfig = loadHealthConfig(env);
  const circuits = overrides.circuits ?? processCircuits;
  const systems = systemCallsTracker(circuits);
  const feeds = feedProgressTracker(healthConfig.feedMaxAgeMs);
  // Aborted near the shutdown deadline: mutations still waiting on a write answer QUEUED (lib/writes coordinator `release`).
  const stopping = new AbortController();
  const opened: Array<() => Promise<unknown>> = [];
  const release = async (): Promise<void> => {
    for (const close of opened.reverse()) await close().catch((err: unknown) => log.warn({ err }, 'a resource did not close cleanly'));
  };
  try {
    let redis: RedisClientType | undefined;
    if (common.redisUrl) {
      const client = createClient({ url: common.redisUrl }) as RedisClientType;
      client.on('error', (err: unknown) => log.warn({ err: err instanceof Error ? err.message : String(err) }, 'redis error'));
      await client.connect();
      opened.push(() => client.quit());
      redis = client;
    }
    let cache: CacheHandle | undefined;
    if (overrides.cache === undefined) {
      const handle = await createEntityCache({ namespace: common.namespace, redisUrl: common.redisUrl, name: entityCacheClientName(name), log });
      opened.push(() => handle.close());
      cache = handle;
    } else cache = overrides.cache ?? undefined;
    let bus = redis ? await redisBus(redis, { namespace: common.namespace }) : inProcessBus();
    opened.push(() => bus.close());
    const feedsDir = loadFeedsDir(env);
    const leaseConfig = once(() => loadFeedLeaseConfig(env));
    // Canonical events for other systems, through an outbox, when a broker is configured. Every
    // replica appends; the one holding the outbox's lease publishes, so replicas do not race.
    const outboundConfig = loadOutboundConfig(env);
    if (outboundConfig) {
      const lease = redis ? redisFeedLease({ redis, namespace: common.namespace, feed: `outbox-${name}`, ...leaseConfig() }) : soleLease(`outbox-${name}`);
      const outbound = await openOutbound(outboundConfig, {
        name,
        namespace: common.namespace,
        bus,
        dir: feedsDir,
        isLeader: () => lease.status().phase === 'leader',
        ...(redis ? { redis } : {}),
      });
      opened.push(() => outbound.close());
      opened.push(() => lease.stop());
      await lease.run({ start: async () => outbound.publisher.nudge(), stop: async () => undefined });
      bus = outbound.bus;
    }
    // Signed webhooks for consumers without a broker, each from its own queue.
    const webhooksConfig = loadWebhooksConfig(env);
    let webhooks: Webhooks | undefined;
    if (webhooksConfig && webhooksConfig.consumers.length > 0) {
      webhooks = openWebhooks(webhooksConfig, { name, namespace: common.namespace, bus, dir: feedsDir, ...(redis ? { redis } : {}) });
      const opening = webhooks;
      opened.push(() => opening.close());
      bus = webhooks.bus;
    }
    const writesConfig = loadWritesConfig(env);
    const store = await openWriteStore(writesConfig, { name, namespace: common.namespace, ...(redis ? { redis } : {}) });
    // Every system client reports how its calls end, for readiness, and goes through its system's
    // one circuit, which readiness reads. A host's own observer of the circuits (traces, say) is
    // subscribed once, for as long as the subgraph runs, however many clients it makes.
    const { onBreakerChange: observer, ...hostPolicy } = overrides.policy ?? {};
    if (observer) {
      const unsubscribe = circuits.onChange(observer);
      opened.push(async () => unsubscribe());
    }
    const policy: Partial<CallPolicy> = { ...hostPolicy, circuits, onOutcome: systems.record };
    const system = entry.owns.join(',');
    const queueCount = (listing: 'pending' | 'dead_lettered') => async () => [{ labels: { subgraph: name, system }, value: await store.count({ listings: [listing] }) }];
    for (const unregister of [
      reportWriteQueueDepth(queueCount('pending')),
      reportDeadLetters(queueCount('dead_lettered')),
      reportFeedLag(() => feeds.lags().map(({ feed, lagMs }) => ({ labels: { feed }, value: lagMs / 1000 }))),
    ]) {
      opened.push(async () => unregister());
    }
    const netsuiteConfig = once(() => loadNetSuiteConfig(env));
    // One limiter per process and account, whatever number of clients share it.
    const netsuiteSlots = once(() => {
      const consumer = name === 'customer' ? name : NETSUITE_CONSUMERS.find((c) => c === name);
      if (!consumer) throw new ConfigError(`the ${name} subgraph has no share of NetSuite's concurrency: add it to NETSUITE_CONSUMERS in lib/config.ts`);
      return netsuiteLimiter(common, netsuiteConfig(), redis, consumer, overrides.processLimits);
    });
    const platform: SubgraphPlatform = {
      name,
      env,
      common,
      mapping,
      listen,
      cache: cache?.cache,
      bus,
      writes: { store, options: { ...coordinatorOptions(writesConfig), release: stopping.signal } },
      feedState: (feed, lease) =>
        feeds.track(
          feed,
          redis ? (lease?.shared ? fencedStateStore(redis, common.namespace, feed, lease) : redisStateStore(redis, common.namespace, feed)) : fileStateStore(feedsDir, feed),
          lease,
        ),
      feedLease: (feed) => {
        const lease = redis ? redisFeedLease({ redis, namespace: common.namespace, feed, ...leaseConfig() }) : soleLease(feed);
        // The module stops it first (with its feed); this only covers a module that did not.
        opened.push(() => lease.stop());
        return lease;
      },
      identityRejections: () => (redis ? redisRejections(redis, common.namespace) : fileRejections(feedsDir)),
      salesforce: () => createSalesforceClient(loadSalesforceConfig(env), { policy }),
      netsuite: (opts = {}) => createNetSuiteClient(netsuiteConfig(), { limiter: netsuiteSlots(), policy: { ...policy, ...opts } }),
      zendesk: () => {
        const config = loadZendeskConfig(env);
        return createZendeskClient(config, { limiter: zendeskLimiter(common, config, redis), policy });
      },
    };
    // Functions of the moment: systems and feeds appear as the subgraph first uses them.
    const health = (): HealthCheck[] => [
      ...(redis ? [redisCheck(redis, { required: true })] : []),
      writeQueueCheck(store, healthConfig.writesMaxPending),
      ...systems.checks(),
      ...feeds.checks(),
      ...(webhooks?.checks() ?? []),
    ];
    return { platform, health, release, settle: () => stopping.abort() };
  } catch (e) {
    await release();
    throw e;
  }
}

function once<T>(make: () => T): () => T {
  let made: { value: T } | undefined;
  return () => (made ??= { value: make() }).value;
}

/** Whether this is the compiled tree (dist/), whose modules are .js files beside this one. */
const compiled = import.meta.url.endsWith('.js');

/**
 * The definition a manifest entry's index.ts exports as `subgraph`, loaded from
 * the tree this code runs from (the compiled module once built): hosts that boot
 * subgraphs by name (scripts/graph.ts, the test stack) need no import of subgraph code.
 */
export async function loadSubgraphDefinition(name: string): Promise<SubgraphDefinition> {
  const entry = subgraphEntry(name);
  const path = join(codeRoot, compiled ? entry.entry.replace(/\.ts$/, '.js') : entry.entry);
  const loaded = (await import(pathToFileURL(path).href)) as { subgraph?: SubgraphDefinition };
  if (!loaded.subgraph) throw new ConfigError(`${entry.entry} exports no \`subgraph\` definition: see CONTRIBUTING.md, "Adding a subgraph"`);
  return loaded.subgraph;
}

/** Opens the platform, builds the subgraph on it and serves it. */
export async function bootSubgraph<M extends AnySubgraphModule>(
  definition: SubgraphDefinition<M>,
  env: Env = process.env,
  overrides: BootOverrides = {},
): Promise<BootedSubgraph<M>> {
  const { platform, health, release, settle } = await openPlatform(definition.name, env, overrides);
  let unlisten = (): void => undefined;
  try {
    if (overrides.onInvalidate) {
      if (!platform.cache) throw new ConfigError(`the ${definition.name} subgraph was given an invalidation listener but no entity cache to listen to`);
      const remove = platform.cache.onInvalidate(overrides.onInvalidate);
      unlisten = () => {
        remove();
      };
    }
    const module = await definition.build(platform);
    const metrics = loadMetricsConfig(env);
    const served = await serveSubgraph(module, platform.listen, {
      production: platform.common.env === 'production',
      trust: overrides.trust ?? loadTrustOptions(env),
      metricsPath: metrics.path,
      ...(metrics.token ? { metricsToken: metrics.token } : {}),
      health,
    });
    return {
      ...served,
      module,
      settle,
      async close() {
        // The module stops its feed and queue first; only then is what they use released.
        await served.close();
        unlisten();
        await release();
      },
    };
  } catch (e) {
    unlisten();
    await release();
    throw e;
  }
}

/**
 * The `main()` of a subgraph's index.ts: boots it when that file is the program
 * (`node --import tsx subgraphs/<name>/src/index.ts`), and stops it on SIGINT/SIGTERM.
 * A bad setting stops the process with its message and exit code 1.
 */
export function runSubgraph(definition: SubgraphDefinition, moduleUrl: string): void {
  if (!process.argv[1] || moduleUrl !== pathToFileURL(process.argv[1]).href) return;
  const log = childLogger(`subgraph:${definition.name}`);
  // Tracing first (off unless OTEL_* ask for it, docs/operations.md), so the first request is traced.
  startTracing({ serviceName: `subgraph-${definition.name}` })
    .then(async (tracing) => closingTracing(await bootSubgraph(definition), tracing))
    .then(
      (running) => closeOnSignals([running], log),
      (err: unknown) => {
        if (err instanceof ConfigError) console.error(err.message);
        else log.fatal({ err }, `${definition.name} subgraph failed to start`);
        process.exit(1);
      },
    );
}
