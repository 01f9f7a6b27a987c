/**
 * Two gateway-plus-subgraphs stacks on one Redis and one namespace: one shares
 * the other's stored answers and persisted queries, and sees the other's
 * invalidations.
 */
import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from 'redis';
import { startStack, type Stack, type StackCache } from '../support/stack.js';

const REDIS_URL = process.env.REDIS_URL;
const Q = 'query C($id: ID!) { customer(id: $id) { id name loyalty { tier } orders(first: 5) { totalCount nodes { id status } } } }';

describe.skipIf(!REDIS_URL)('response cache on Redis (skipped: REDIS_URL is not set)', () => {
  let a: Stack & StackCache;
  let b: Stack & StackCache;
  const cache = { redisUrl: REDIS_URL as string, namespace: `test-rcache-${randomUUID()}` };
  beforeAll(async () => {
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

  it('a query registered with one gateway is served by its hash from the other (APQ)', async () => {
    const sha256Hash = createHash('sha256').update(Q).digest('hex');
    const send = async (stack: Stack, query?: string): Promise<{ data?: unknown; errors?: Array<{ extensions?: { code?: string } }> }> => {
      const res = await fetch(stack.gatewayUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${stack.tokens.agent}` },
        body: JSON.stringify({ ...(query ? { query } : {}), variables: { id: 'C-000003' }, extensions: { persistedQuery: { version: 1, sha256Hash } } }),
      });
      return (await res.json()) as { data?: unknown; errors?: Array<{ extensions?: { code?: string } }> };
    };
    expect((await send(b)).errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    const registered = await send(a, Q);
    expect(registered.errors).toBeUndefined();
    expect(await send(b)).toEqual(registered);

    const redis = createClient({ url: REDIS_URL });
    await redis.connect();
    try {
      // Apollo Server prefixes `apq:` itself, keyv `keyv::`; the namespace keeps it among the stack's keys, which the stack deletes.
      const apqKey = `keyv::${cache.namespace}:apq:apq:${sha256Hash}`;
      expect(await redis.get(apqKey)).not.toBeNull();
      // Registrations expire: anyone may register a query.
      const ttl = await redis.pTTL(apqKey);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(86_400_000);
    } finally {
      await redis.quit();
    }
  });
});
