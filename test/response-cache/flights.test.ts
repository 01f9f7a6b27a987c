/**
 * One flight per key at the gateway's caches: identical requests that miss at
 * once cost the subgraph fetches of one request (the others wait for it and are
 * answered from what it stored), never across caller scopes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack, type StackCache } from '../support/stack.js';
import { subgraphFetches } from '../../gateway/src/response-cache/index.js';

/** A plan of three fetches whatever the data: the customer subgraph's root field, then one _entities fetch each to order and finance. */
const VIEW = 'query View($id: ID!) { customer(id: $id) { id name financials { balance { amount } } orders(first: 3) { totalCount nodes { id } } } }';

async function fetchesSoFar(): Promise<number> {
  const m = await subgraphFetches.get();
  return m.values.reduce((n, v) => n + v.value, 0);
}

async function fetchesOf(run: () => Promise<unknown>): Promise<number> {
  const before = await fetchesSoFar();
  await run();
  return (await fetchesSoFar()) - before;
}

describe('identical concurrent misses at the gateway', () => {
  let stack: Stack & StackCache;
  beforeAll(async () => {
    stack = await startStack({ customers: 60, responseCache: true });
    // A slow ERP keeps the first request in flight while the others arrive.
    await stack.faults('netsuite', { latencyMs: 300 });
  }, 60_000);
  afterAll(async () => {
    await stack?.close();
  });

  it('cost the subgraph fetches of one request, and all get its answer', async () => {
    const alone = await fetchesOf(() => stack.query(VIEW, { id: 'C-000011' }));
    expect(alone).toBe(3);
    let answers: Array<Awaited<ReturnType<Stack['query']>>> = [];
    const together = await fetchesOf(async () => {
      answers = await Promise.all(Array.from({ length: 5 }, () => stack.query(VIEW, { id: 'C-000012' })));
    });
    expect(together).toBe(alone);
    for (const a of answers) {
      expect(a.body.errors).toBeUndefined();
      expect(a.body).toEqual(answers[0]?.body);
    }
    expect((answers[0]?.body.data as { customer: { id: string } }).customer.id).toBe('C-000012');
  });

  it('different operations over the same subgraph fetches share those fetches (the subgraph-response cache\'s flight)', async () => {
    const named = (name: string): string => VIEW.replace('query View', `query ${name}`);
    const together = await fetchesOf(() => Promise.all(['First', 'Second', 'Third'].map((n) => stack.query(named(n), { id: 'C-000013' }))));
    expect(together).toBe(3);
  });

  it('never share a flight across caller scopes: a storefront caller and an agent each cost their own fetches', async () => {
    const own = stack.tokens.storefront.customerId;
    let storefront: Awaited<ReturnType<Stack['query']>> | undefined;
    const together = await fetchesOf(async () => {
      [storefront] = await Promise.all([stack.query(VIEW, { id: own }, { token: stack.tokens.storefront.token }), stack.query(VIEW, { id: own })]);
    });
    expect(together).toBe(6);
    expect(storefront?.body.errors).toBeUndefined();
    expect((storefront?.body.data as { customer: { id: string } }).customer.id).toBe(own);
  });
});
