/**
 * How the test stack boots each subgraph: through bootSubgraph, as every main()
 * does, with what tests need given as settings (the stack's data directory, its
 * Redis namespace, short intervals). The subgraphs come from config/subgraphs.json.
 */
import { join } from 'node:path';
import { bootSubgraph, loadSubgraphDefinition, type AnySubgraphModule, type BootedSubgraph } from '../../lib/boot.js';
import type { CacheHandle, InvalidationListener } from '../../lib/cache/index.js';
import type { CallPolicy, SystemCircuits } from '../../lib/http.js';
import type { ProcessLimits } from '../../lib/limits.js';
import type { CustomerSubgraph } from '../../subgraphs/customer/src/index.js';
import type { FinanceSubgraph } from '../../subgraphs/finance/src/index.js';
import { TEST_TRUST } from './auth.js';

export interface TestBoot {
  /** Points every connector at the sandbox (base URLs, the org mapping). */
  env: Record<string, string>;
  /** The port to listen on (127.0.0.1), known before the subgraph starts: a webhook's callback URL needs it. */
  port: number;
  /** Journals and feed state live here, so they survive a restart of the subgraph. */
  dataDir: string;
  /** Key prefix for everything stored in Redis. */
  namespace: string;
  /** Set when the stack runs on Redis: write queue, feed state, bus, limiters. */
  redisUrl?: string | undefined;
  /** This subgraph's entity cache, when the stack has one. */
  cache: CacheHandle | undefined;
  /** Short retries, so failure-mode tests do not wait out backoffs. */
  policy: Partial<CallPolicy>;
  /** Whether this replica runs the order feed (a second replica may leave polling to the first). @default true */
  feedsEnabled?: boolean;
  /** Settings over the test timings: the product's own breaker defaults for a test of the breaker, a feed interval a test depends on. @default none */
  settings?: Record<string, string>;
  /** Told of the subgraph's invalidations (BootOverrides.onInvalidate), as scripts/graph.ts does. @default none */
  onInvalidate?: InvalidationListener;
  /** Shared with the other subgraphs of the in-process layout (BootOverrides.processLimits). @default none */
  processLimits?: ProcessLimits;
  /** The circuits of the process this subgraph stands in (BootOverrides.circuits). @default processCircuits, this test process's */
  circuits?: SystemCircuits;
}

/** Timings that keep tests quick; tests can also poll (`feed.pollOnce()`) or replay (`writes.runDue()`) at once. */
export const TEST_TIMINGS: Record<string, string> = {
  WRITES_POLL_MS: '100',
  WRITES_BACKOFF_MS: '100',
  WRITES_MAX_BACKOFF_MS: '1000',
  WRITES_MAX_ATTEMPTS: '5',
  WRITES_DUPLICATE_WAIT_MS: '5000',
  // A short overlap, so that a test whose downtime outlasts it shows the watermark, not the overlap, resumed the feed.
  ORDER_FEED_INTERVAL_MS: '150',
  ORDER_FEED_OVERLAP_MS: '2000',
  // The sandbox commits synchronously with the clock we share, so a short overlap is enough.
  FINANCE_FEED_INTERVAL_MS: '150',
  FINANCE_FEED_OVERLAP_MS: '2000',
  CUSTOMER_FEED_MODE: 'streaming',
  CUSTOMER_FEED_POLL_MS: '150',
  CUSTOMER_FEED_SUBSCRIBE_TIMEOUT_MS: '5000',
  // Zendesk allows 10 export calls a minute; tests call feed.pollOnce() when they need it now.
  SERVICE_FEED_POLL_MS: '10000',
  SERVICE_FEED_SEQUENCE_WAIT_MS: '300',
  // Breakers stay on (the product's default), with a half-open wait as short as the queue's backoff above, so that
  // a test of queued writes and dead letters waits out an open circuit as quickly as it waits out the backoff.
  SALESFORCE_BREAKER_HALF_OPEN_MS: '300',
  NETSUITE_BREAKER_HALF_OPEN_MS: '300',
  ZENDESK_BREAKER_HALF_OPEN_MS: '300',
};

/** Where a subgraph's tests count attempts to a dead letter. */
const PER_SUBGRAPH: Record<string, Record<string, string>> = {
  customer: { WRITES_MAX_BACKOFF_MS: '400', WRITES_MAX_ATTEMPTS: '3' },
  finance: { WRITES_MAX_BACKOFF_MS: '400', WRITES_MAX_ATTEMPTS: '4' },
};

/** The modules the stacks of this process run now, by subgraph (tests reach feeds, buses and queues through them). */
export const runningModules = new Map<string, AnySubgraphModule>();
export const customerWiring = { get current() { return runningModules.get('customer') as CustomerSubgraph | undefined; } };
export const financeWiring = { get current() { return runningModules.get('finance') as FinanceSubgraph | undefined; } };

/** Boots one subgraph for a test stack or replica. */
export async function bootForTest(name: string, t: TestBoot): Promise<BootedSubgraph> {
  const env = {
    ...t.env,
    ...TEST_TIMINGS,
    ...PER_SUBGRAPH[name],
    RSG_NAMESPACE: t.namespace,
    WRITES_DIR: join(t.dataDir, 'writes'),
    FEEDS_DIR: join(t.dataDir, 'feeds'),
    ORDER_FEED_ENABLED: String(t.feedsEnabled ?? true),
    SERVICE_WEBHOOK_NAME: `rsg-service-${t.namespace}`,
    ...(t.redisUrl ? { REDIS_URL: t.redisUrl } : {}),
    ...t.settings,
  };
  const booted = await bootSubgraph(await loadSubgraphDefinition(name), env, {
    listen: { host: '127.0.0.1', port: t.port },
    trust: TEST_TRUST,
    policy: t.policy,
    cache: t.cache ?? null,
    ...(t.onInvalidate ? { onInvalidate: t.onInvalidate } : {}),
    ...(t.processLimits ? { processLimits: t.processLimits } : {}),
    ...(t.circuits ? { circuits: t.circuits } : {}),
  });
  runningModules.set(name, booted.module);
  return booted;
}
