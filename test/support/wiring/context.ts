/**
 * What the test stack hands each subgraph's wiring: the sandbox it talks to and
 * the shared settings, so that each subgraph's test wiring lives in its own file
 * (test/support/wiring/<name>.ts) and builds its module the way its index.ts
 * main() does for production.
 */
import type { BaseContext } from '@apollo/server';
import type { CallPolicy } from '../../../lib/http.js';
import type { OrgMapping } from '../../../lib/mapping.js';
import type { CacheHandle } from '../../../lib/cache/index.js';
import type { SubgraphModule } from '../../../lib/subgraph.js';
import type { RetailDataset } from '../../../sandbox/dataset/model.js';

export interface WiringContext {
  /** The port the subgraph will listen on (127.0.0.1), known before it starts: e.g. for a webhook's callback URL. */
  port: number;
  /** Environment for the lib/config loaders: points every connector at the sandbox. */
  env: Record<string, string>;
  mapping: OrgMapping;
  /** Short retries, so failure-mode tests do not wait out backoffs. */
  policy: Partial<CallPolicy>;
  /** This subgraph's entity cache, when the stack was started with one. */
  cache: CacheHandle | undefined;
  /** A directory of this stack's own for journals and feed state; it survives a subgraph restart. */
  dataDir: string;
  /** Set when the stack runs on Redis (the stack's `redisUrl` option). */
  redisUrl: string | undefined;
  /** Key prefix for everything this stack stores in Redis. */
  namespace: string;
  sandboxUrls: Record<'salesforce' | 'netsuite' | 'zendesk', string>;
  dataset: RetailDataset;
  /** Whether this replica runs its change feeds (a second replica may leave polling to the first). @default true */
  feedsEnabled?: boolean;
}

// The stack treats modules uniformly; their context types differ per subgraph.
export type AnyModule = SubgraphModule<BaseContext>;
export type Wiring = (ctx: WiringContext) => Promise<AnyModule>;
