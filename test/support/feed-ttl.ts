/**
 * What the feed-aware TTL tests share: a read counted in system calls at the
 * sandbox, and the warm-up that shows the stretch (a cold read, then one past
 * the plain TTL answered from the cache), and the wait for both feeds to be healthy.
 */
import { expect } from 'vitest';
import type { OrderSubgraph } from '../../subgraphs/order/src/index.js';
import type { ServiceSubgraph } from '../../subgraphs/service/src/index.js';
import { eventually } from '../e2e/order-helpers.js';

export interface Freshness {
  fetchedAt: string;
  stale: boolean;
}

/** One read of an entity, and the system calls it cost. */
export interface CountedRead {
  freshness: Freshness;
  calls: number;
}

/**
 * A cold read, then one `pastPlainTtlMs` later (past the plain TTL) that the stretch answers from
 * the cache: no call, the same read time. Answers the cold read.
 */
export async function warmPastPlainTtl<R extends CountedRead>(readOne: (id: string) => Promise<R>, id: string, pastPlainTtlMs: number): Promise<R> {
  const cold = await readOne(id);
  expect(cold.calls).toBeGreaterThan(0);
  await new Promise((r) => setTimeout(r, pastPlainTtlMs));
  const warm = await readOne(id);
  expect(warm.calls).toBe(0);
  // Honest freshness: the time the system was read, not the time it was served.
  expect(warm.freshness).toEqual(cold.freshness);
  return cold;
}

/** Waits until `check` holds, or fails after `ms` naming `what`. */
export async function untilTrue(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  await eventually(async () => (check() ? true : undefined), ms, what);
}

/**
 * Waits until the ERP order feed has polled and the Zendesk feed has its webhook and an export
 * poll (one asked for now, rather than at the next interval): from then on both stretch their TTLs.
 */
export async function untilFeedsHealthy(order: () => OrderSubgraph, service: () => ServiceSubgraph): Promise<void> {
  await service().feed?.ready();
  await service().feed?.pollOnce();
  await untilTrue(() => order().feed.healthy(), 'a successful ERP poll');
  await untilTrue(() => service().feed?.healthy() === true, 'the Zendesk webhook and a successful export poll');
}
