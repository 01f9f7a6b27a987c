/**
 * Two gateway-plus-subgraphs stacks on one Redis and one namespace: one shares
 * the other's stored answers, and sees the other's invalidations.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack, type StackCache } from '../support/stack.js';

const REDIS_URL = process.env.REDIS_URL;
const Q = 'query C($id: ID!) { customer(id: $id) { id name loyalty { tier } orders(first: 5) { totalCount nodes { id status } } } }';

describe.skipIf(!REDIS_URL)('response cache on Redis (skipped: REDIS_URL is not set)', () => {
  let a: Stack & StackCache;
  let b: Stack & StackCache;
  beforeAll(async () => {
    const cache = { redisUrl: REDIS_URL as string, namespace: `test-rcache-${randomUUID()}` };
    a = await startStack({ customers: 40, cache, responseCache: true });
    b = await startStack({ customers: 40, cache, responseCache: true });
  }, 60_000);
  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  const systemCalls = async (stack: Stack, correlationId: string): Promise<number> => {
    const s = await stack.allStats(correlationId);
    return s.salesforce.total + s.netsuite.total + s.zendesk.total;
  };

  it('a second gateway serves the first one\'s stored answer, and both see an invalidation made by either', async () => {
    expect(a.responseCache?.phase).toBe('shared');
    const first = await a.query(Q, { id: 'C-000002' });
    expect(first.body.errors).toBeUndefined();
    expect(await systemCalls(a, first.correlationId)).toBeGreaterThan(0);

    const fromB = await b.query(Q, { id: 'C-000002' });
    expect(fromB.body).toEqual(first.body);
    expect(await systemCalls(b, fromB.correlationId)).toBe(0);

    // An invalidation by A's subgraphs (as a write or change event there would make) moves the shared version.
    await a.invalidate(['Customer:C-000002']);
    const afterB = await b.query(Q, { id: 'C-000002' });
    // B missed: it asked its subgraphs, and the Salesforce part had to be read again.
    expect((await b.allStats(afterB.correlationId)).salesforce.total).toBe(1);
  });
});
