/**
 * A subgraph fetch's answer goes on to the plan's next fetches while the
 * gateway stores it in the subgraph-response cache (a round trip on Redis), and
 * the client's answer leaves only once every such store has landed: whoever has
 * the answer finds the entries stored. Each store is held back here, so both
 * orders are observable.
 */
import { RemoteGraphQLDataSource } from '@apollo/gateway';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ResponseCacheEngine } from '../../gateway/src/response-cache/engine.js';
import { startStack, type Stack, type StackCache } from '../support/stack.js';
import { fetchesSoFar } from './support.js';

/** Three fetches: the customer subgraph's root field, then one _entities fetch each to order and finance. */
const VIEW = 'query View($id: ID!) { customer(id: $id) { id name financials { balance { amount } } orders(first: 3) { totalCount nodes { id } } } }';
const HOLD_MS = 150;

describe('subgraph-response stores and the plan', () => {
  let stack: Stack & StackCache;
  beforeAll(async () => {
    stack = await startStack({ customers: 30, responseCache: true });
  }, 60_000);
  afterAll(async () => {
    vi.restoreAllMocks();
    await stack?.close();
  });

  it('the next fetch does not wait for the store, the client answer waits for every store', async () => {
    const sentAt: number[] = [];
    const storesLanded: number[] = [];
    const process = RemoteGraphQLDataSource.prototype.process;
    vi.spyOn(RemoteGraphQLDataSource.prototype, 'process').mockImplementation(function (this: RemoteGraphQLDataSource, options) {
      sentAt.push(performance.now());
      return process.call(this, options);
    });
    const write = ResponseCacheEngine.prototype.write;
    vi.spyOn(ResponseCacheEngine.prototype, 'write').mockImplementation(async function (this: ResponseCacheEngine, entries) {
      await new Promise((r) => setTimeout(r, HOLD_MS));
      const written = await write.call(this, entries);
      storesLanded.push(performance.now());
      return written;
    });

    const answer = await stack.query(VIEW, { id: 'C-000007' });
    const answeredAt = performance.now();
    vi.restoreAllMocks();

    expect(answer.body.errors).toBeUndefined();
    expect(sentAt).toHaveLength(3);
    expect(storesLanded).toHaveLength(3);
    // The order and finance fetches went out before the customer fetch's store landed.
    const [customerStored] = [...storesLanded].sort((a, b) => a - b);
    expect(sentAt[1]).toBeLessThan(customerStored as number);
    expect(sentAt[2]).toBeLessThan(customerStored as number);
    // The answer came after the last store landed.
    expect(answeredAt).toBeGreaterThanOrEqual(Math.max(...storesLanded));

    // What was stored serves another operation over the same fetches: no subgraph fetch.
    const before = await fetchesSoFar();
    const other = await stack.query(VIEW.replace('query View', 'query Other'), { id: 'C-000007' });
    expect(other.body).toEqual(answer.body);
    expect((await fetchesSoFar()) - before).toBe(0);
  });
});
