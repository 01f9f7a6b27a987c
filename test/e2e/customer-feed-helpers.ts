/**
 * What the customer change feed tests share: a change made inside Salesforce
 * through the sandbox, waiting for a condition, the customer.changed events the
 * running subgraph has published, waiting until CDC streams, and the stack each
 * suite runs on: embedded, or on Redis when REDIS_URL is set.
 */
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { startStack, type Stack, type StackCache } from '../support/stack.js';
import { customerWiring } from '../support/wiring.js';
import { CUSTOMER_CHANGED, type CustomerChangedPayload } from '../../subgraphs/customer/src/index.js';
import type { DomainEvent } from '../../lib/events/bus.js';

/** A sandbox Salesforce action (a change made in the org, as a user would make it); its answer. */
export async function salesforceAction(stack: Stack, name: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${stack.sandboxUrls.salesforce}/__sandbox/actions/${name}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, unknown>;
}

/** Reads until `read` gives a value, or fails after `ms` naming `what`. */
export async function until<T>(read: () => Promise<T | undefined> | T | undefined, what: string, ms = 5000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * Every customer.changed event on the current subgraph's bus so far (retained events first).
 * The Redis bus's blocking read picks a new reader up within about a second, hence the longer
 * wait for the first event.
 */
export async function eventsSoFar(): Promise<Array<DomainEvent<CustomerChangedPayload>>> {
  const sub = customerWiring.current;
  if (!sub) throw new Error('the customer subgraph is not running');
  const it = sub.bus.subscribe<CustomerChangedPayload>(CUSTOMER_CHANGED, { after: '0-0' });
  const out: Array<DomainEvent<CustomerChangedPayload>> = [];
  for (;;) {
    const idleMs = out.length === 0 ? 1500 : 100;
    const next = await Promise.race([it.next(), new Promise<'idle'>((r) => setTimeout(() => r('idle'), idleMs))]);
    if (next === 'idle' || next.done) break;
    out.push(next.value);
  }
  await it.return?.();
  return out;
}

/** Resolves once the running customer subgraph's feed streams CDC. */
export const streaming = (ms = 8000): Promise<true> =>
  until(() => (customerWiring.current?.feed?.status().phase === 'streaming' ? true : undefined), 'the CDC subscription', ms);

export type FeedBackend = 'embedded' | 'redis';
export const REDIS_URL = process.env.REDIS_URL;

/** A suite's title suffix for its backend, saying when the Redis one is skipped. */
export const backendTitle = (backend: FeedBackend): string => (backend === 'embedded' ? '' : REDIS_URL ? ' (Redis)' : ' (Redis: skipped, set REDIS_URL to run)');

/** A stack with an entity cache (in memory, or everything on Redis under a fresh namespace), once CDC streams. */
export async function startFeedStack(backend: FeedBackend): Promise<Stack & StackCache> {
  const namespace = `rsg-test-${randomUUID()}`;
  const stack = await startStack(backend === 'redis' ? { cache: { redisUrl: REDIS_URL, namespace }, redisUrl: REDIS_URL } : { cache: {} });
  await streaming();
  return stack;
}
