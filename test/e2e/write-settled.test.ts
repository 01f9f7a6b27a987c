/**
 * `<subgraph>WriteSettled(writeId:)` through the gateway with a real graphql-ws
 * client: a write queued while its system is down is pushed to the subscriber
 * once it settles, applied or dead-lettered (one `next`, then `complete`), in the deployed layout (the
 * gateway calls the subgraphs over HTTP) and in the embedded default (the
 * subgraphs in the gateway's process). A write settled before the subscription
 * answers at once; a bad id, an unknown id and a storefront caller are refused.
 */
import { randomUUID } from 'node:crypto';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack, type StackIdentity } from '../support/stack.js';
import { PLACE_ORDER, activeItems, orderableCustomers, type PlaceOrderResult } from './order-helpers.js';

const OPEN = /* GraphQL */ `
  mutation Open($input: OpenCaseInput!, $key: String!) {
    openCase(input: $input, idempotencyKey: $key) { status writeId }
  }
`;
const ENGAGE = /* GraphQL */ `
  mutation Engage($id: ID!, $input: CustomerEngagementInput!, $key: String) {
    updateCustomerEngagement(id: $id, input: $input, idempotencyKey: $key) { status writeId }
  }
`;
const settledQuery = (subgraph: string): string => /* GraphQL */ `
  subscription Settled($writeId: ID!) {
    ${subgraph}WriteSettled(writeId: $writeId) { writeId status system kind customerId attempts lastError { code } }
  }
`;

interface Outcome {
  writeId: string;
  status: string;
  system: string;
  kind: string;
  customerId: string | null;
  attempts: number;
  lastError: { code: string } | null;
}

interface Watch {
  events: Outcome[];
  errors: Array<{ message: string; extensions?: Record<string, unknown> }>;
  /** Resolves when the server completes the subscription or ends it with an error. */
  ended: Promise<void>;
}

const redisUrl = process.env.REDIS_URL;
if (!redisUrl) console.warn('test/e2e/write-settled.test.ts: REDIS_URL is unset, so the Redis Streams bus is not tested here');

const layouts: Array<[string, { inProcess: boolean; redisUrl?: string }]> = [
  ['the deployed layout (subgraphs over HTTP)', { inProcess: false }],
  ['the embedded default (subgraphs in the gateway process)', { inProcess: true }],
  ...(redisUrl ? [['the deployed layout on Redis (queue and bus in Redis Streams)', { inProcess: false, redisUrl }] as [string, { inProcess: boolean; redisUrl?: string }]] : []),
];

describe.each(layouts)('write outcomes pushed in %s', (_layout, { inProcess, redisUrl: redis }) => {
  let stack: Stack & StackIdentity;
  const clients: Client[] = [];

  beforeAll(async () => {
    // The embedded default has an entity cache, which the in-process wiring listens to.
    stack = await startStack({ inProcess, cache: {}, ...(redis ? { redisUrl: redis } : {}) });
  });

  afterAll(async () => {
    await Promise.allSettled(clients.map((c) => c.dispose()));
    await stack?.close();
  });

  function watch(subgraph: string, writeId: string, token: string = stack.tokens.agent): Watch {
    const client = createClient({ url: stack.wsUrl, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${token}` }, retryAttempts: 0, lazy: true });
    clients.push(client);
    const field = `${subgraph}WriteSettled`;
    const w: Omit<Watch, 'ended'> = { events: [], errors: [] };
    const ended = new Promise<void>((resolve) => {
      client.subscribe<Record<string, Outcome>>(
        { query: settledQuery(subgraph), variables: { writeId } },
        {
          next: (msg) => {
            if (msg.errors) w.errors.push(...(msg.errors as Watch['errors']));
            const outcome = msg.data?.[field];
            if (outcome) w.events.push(outcome);
          },
          error: (e) => {
            w.errors.push(...(Array.isArray(e) ? (e as Watch['errors']) : [{ message: String(e) }]));
            resolve();
          },
          complete: () => resolve(),
        },
      );
    });
    return { ...w, ended };
  }

  const within = <T>(p: Promise<T>, ms: number, what: string): Promise<T> =>
    Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms))]);

  const customerId = (): string => stack.dataset.netsuite.customers[5]?.externalid ?? 'C-000006';

  it('pushes a queued case, opened while Zendesk is down, once Zendesk takes it', async () => {
    await stack.faults('zendesk', { down: true });
    let writeId: string;
    try {
      const res = await stack.query<{ openCase: { status: string; writeId: string } }>(OPEN, {
        input: { customerId: customerId(), subject: `Settled ${randomUUID().slice(0, 8)}`, description: 'queued while down' },
        key: randomUUID(),
      });
      expect(res.body.data?.openCase.status).toBe('QUEUED');
      writeId = res.body.data?.openCase.writeId ?? '';
      const w = watch('service', writeId);
      // Subscribed while the write is still queued: nothing comes until it settles.
      await new Promise((r) => setTimeout(r, 500));
      expect(w.events).toEqual([]);
      await stack.clearFaults();
      await within(w.ended, 15_000, 'the settlement');
      expect(w.errors).toEqual([]);
      expect(w.events).toHaveLength(1);
      expect(w.events[0]).toMatchObject({ writeId, status: 'APPLIED', system: 'SERVICE_DESK', kind: 'service.openCase', customerId: customerId(), lastError: null });
      expect(w.events[0]?.attempts).toBeGreaterThanOrEqual(2);
    } finally {
      await stack.clearFaults();
    }
  });

  it('pushes a customer update dead-lettered while Salesforce stays down, from the customer subgraph', async () => {
    const id = stack.dataset.salesforce.accounts[7]?.Customer_Number__c ?? 'C-000008';
    await stack.faults('salesforce', { down: true });
    try {
      const res = await stack.query<{ updateCustomerEngagement: { status: string; writeId: string } }>(ENGAGE, { id, input: { preferredStoreId: 'STORE-042' }, key: randomUUID() });
      expect(res.body.data?.updateCustomerEngagement.status).toBe('QUEUED');
      const writeId = res.body.data?.updateCustomerEngagement.writeId ?? '';
      const w = watch('customer', writeId);
      // The test stack gives customer writes 3 attempts (test/support/wiring.ts); then the write is a dead letter.
      await within(w.ended, 15_000, 'the settlement');
      expect(w.errors).toEqual([]);
      expect(w.events).toMatchObject([{ writeId, status: 'DEAD_LETTERED', system: 'SALESFORCE', customerId: id, attempts: 3, lastError: { code: 'UPSTREAM_UNAVAILABLE' } }]);
    } finally {
      await stack.clearFaults();
    }
  });

  it('answers at once for a write that settled before the subscription', async () => {
    const customer = orderableCustomers(stack)[3]?.externalid ?? 'C-000004';
    const sku = activeItems(stack)[0]?.itemid ?? 'SKU-10000';
    const res = await stack.query<PlaceOrderResult>(PLACE_ORDER, { input: { customerId: customer, lines: [{ sku, quantity: 1 }] }, key: `settled-${randomUUID()}` });
    expect(res.body.data?.placeOrder.status).toBe('APPLIED');
    const writeId = res.body.data?.placeOrder.writeId ?? '';
    const w = watch('order', writeId);
    await within(w.ended, 5000, 'the answer');
    expect(w.events).toMatchObject([{ writeId, status: 'APPLIED', system: 'ERP', kind: 'order.place' }]);
  });

  it('refuses a malformed id, an unknown id and a storefront caller', async () => {
    const malformed = watch('service', 'order:w_00000000-0000-0000-0000-000000000000');
    const unknown = watch('finance', 'finance:w_00000000-0000-0000-0000-000000000000');
    const storefront = watch('service', 'service:w_00000000-0000-0000-0000-000000000000', stack.tokens.storefront.token);
    await within(Promise.all([malformed.ended, unknown.ended, storefront.ended]), 5000, 'the refusals');
    expect(malformed.errors[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(unknown.errors[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(storefront.errors[0]?.extensions?.code).toBe('FORBIDDEN');
    expect([...malformed.events, ...unknown.events, ...storefront.events]).toEqual([]);
  });
});
