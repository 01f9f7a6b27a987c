/**
 * A second replica of the order subgraph beside a stack that runs on Redis:
 * the same sandbox, the same Redis namespace (write queue, idempotency records,
 * feed state, event bus), a data directory of its own.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrgMapping } from '../../lib/mapping.js';
import { serveSubgraph, type RunningService } from '../../lib/subgraph.js';
import { TEST_TRUST } from './auth.js';
import type { Stack, StackCache } from './stack.js';
import { wireOrder } from './wiring/order.js';

export async function startOrderReplica(
  stack: Stack & StackCache,
  redisUrl: string,
  opts: { feedsEnabled?: boolean } = {},
): Promise<RunningService> {
  const dir = await mkdtemp(join(tmpdir(), 'order-replica-'));
  const mod = await wireOrder({
    port: 0,
    env: { NETSUITE_BASE_URL: `${stack.sandboxUrls.netsuite}/services/rest` },
    mapping: loadOrgMapping('config/org-mapping.json'),
    policy: { retries: 1, backoffMs: 20 },
    cache: undefined,
    dataDir: dir,
    redisUrl,
    namespace: stack.cacheNamespace,
    sandboxUrls: stack.sandboxUrls,
    dataset: stack.dataset,
    ...(opts.feedsEnabled !== undefined ? { feedsEnabled: opts.feedsEnabled } : {}),
  });
  const service = await serveSubgraph(mod, { port: 0, host: '127.0.0.1' }, { trust: TEST_TRUST });
  return {
    ...service,
    async close() {
      await service.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
