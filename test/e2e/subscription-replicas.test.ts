/**
 * Subscriptions across replicas on Redis: a change seen by the order
 * subgraph's feed on replica A reaches a subscriber connected to another
 * gateway whose order subgraph is replica B (which runs no feed of its own),
 * exactly once, through the Redis Streams event bus. Needs Redis: set REDIS_URL.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import type { RunningService } from '../../lib/server.js';
import { startOrderReplica } from '../support/replica.js';
import { startGateway } from '../../gateway/src/gateway.js';
import { createAuthenticator } from '../../gateway/src/auth.js';
import { TEST_TRUST } from '../support/auth.js';
import { startStack, type Stack, type StackCache } from '../support/stack.js';
import { action, eventually } from './order-helpers.js';

const REDIS_URL = process.env.REDIS_URL;

describe.skipIf(!REDIS_URL)('subscriptions across replicas on Redis (REDIS_URL)', () => {
  let stack: Stack & StackCache;
  let replicaB: RunningService | undefined;
  let gatewayB: RunningService | undefined;
  const clients: Client[] = [];

  beforeAll(async () => {
    stack = await startStack({ redisUrl: REDIS_URL, cache: { redisUrl: REDIS_URL, namespace: `test-replicas-${randomUUID()}` } });
    // Replica B runs no feed of its own: whatever it delivers, replica A saw.
    replicaB = await startOrderReplica(stack, REDIS_URL as string, { feedsEnabled: false });
    gatewayB = await startGateway({
      supergraph: { phase: 'file', path: join(import.meta.dirname, '..', '..', 'supergraph.graphql') },
      subgraphUrls: { ...stack.subgraphUrls, order: replicaB.url },
      port: 0,
      host: '127.0.0.1',
      production: false,
      auth: createAuthenticator({ jwks: { phase: 'keys', jwks: stack.issuer.jwks }, issuer: stack.issuer.issuer, audience: stack.issuer.audience, production: false, allowAnonymous: false }),
      trust: TEST_TRUST,
    });
  });

  afterAll(async () => {
    for (const c of clients) await c.dispose();
    await gatewayB?.close();
    await replicaB?.close();
    await stack?.close();
  });

  it('delivers a change seen by replica A to a subscriber of replica B, once, with a field from another subgraph', async () => {
    const customerId = 'C-000001';
    const erpCustomer = stack.dataset.netsuite.customers.find((c) => c.externalid === customerId);
    const order = stack.dataset.netsuite.transactions.find((t) => t.type === 'SalesOrd' && t.entity === erpCustomer?.id);
    expect(order?.status).toBe('B');
    const client = createClient({ url: (gatewayB as RunningService).url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${stack.tokens.agent}` }, retryAttempts: 0 });
    clients.push(client);
    const events: Array<{ status: string; order: { id: string; customer: { name: string | null } } }> = [];
    const errors: unknown[] = [];
    client.subscribe(
      { query: 'subscription($c: ID) { orderStatusChanged(customerId: $c) { eventId status order { id customer { name } } } }', variables: { c: customerId } },
      { next: (r) => (r.data ? events.push((r.data as { orderStatusChanged: (typeof events)[number] }).orderStatusChanged) : errors.push(r.errors)), error: (e) => errors.push(e), complete: () => undefined },
    );
    // Let the subscription reach replica B and the feed on replica A settle.
    await new Promise((r) => setTimeout(r, 800));
    await action(stack, 'netsuite', 'ship-order', { orderId: order?.tranid });
    await eventually(async () => (events.length > 0 ? true : undefined), 15_000, 'the event on replica B');
    // Several more polls of replica A: still one event.
    await new Promise((r) => setTimeout(r, 1500));
    expect(errors).toEqual([]);
    expect(events).toHaveLength(1);
    const account = stack.dataset.salesforce.accounts.find((a) => a.Customer_Number__c === customerId);
    expect(events[0]).toMatchObject({ status: 'SHIPPED', order: { id: order?.tranid, customer: { name: account?.Name } } });
  });
});
