/**
 * A second replica of the order subgraph beside a stack that runs on Redis:
 * the same sandbox, the same Redis namespace (write queue, idempotency records,
 * feed state, event bus), a data directory of its own.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningService } from '../../lib/server.js';
import type { Stack, StackCache } from './stack.js';
import { bootForTest } from './wiring.js';
import { freePort } from './ports.js';

export async function startOrderReplica(
  stack: Stack & StackCache,
  redisUrl: string,
  opts: { feedsEnabled?: boolean } = {},
): Promise<RunningService> {
  const dir = await mkdtemp(join(tmpdir(), 'order-replica-'));
  const service = await bootForTest('order', {
    env: { NETSUITE_BASE_URL: `${stack.sandboxUrls.netsuite}/services/rest` },
    port: await freePort(),
    dataDir: dir,
    namespace: stack.cacheNamespace,
    redisUrl,
    cache: undefined,
    policy: { retries: 1, backoffMs: 20 },
    ...(opts.feedsEnabled !== undefined ? { feedsEnabled: opts.feedsEnabled } : {}),
  });
  return {
    ...service,
    async close() {
      await service.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
