/**
 * Two replicas of the order subgraph sharing Redis (the write queue, the
 * idempotency records, the feed state and the event bus): the same
 * idempotency key sent to both at once makes one sales order, and a write
 * queued by one replica is replayed by the other. Needs Redis: set REDIS_URL.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NetSuiteClient } from '../../lib/clients/netsuite.js';
import type { RunningService } from '../../lib/server.js';
import { startOrderReplica } from '../support/replica.js';
import { startStack, type Stack, type StackCache } from '../support/stack.js';
import { ORDER_WRITE, PLACE_ORDER, activeItems, erpClient, eventually, orderableCustomers, salesOrderCount, type OrderWriteResultOut, type PlaceOrderResult } from './order-helpers.js';

const REDIS_URL = process.env.REDIS_URL;

describe.skipIf(!REDIS_URL)('order subgraph replicas on Redis (REDIS_URL)', () => {
  let stack: Stack & StackCache;
  let replicaB: RunningService | undefined;
  let erp: NetSuiteClient;
  let customers: string[];
  let skus: string[];

  beforeAll(async () => {
    // A fresh namespace per run keeps this run's keys apart from any other's.
    stack = await startStack({ redisUrl: REDIS_URL, cache: { redisUrl: REDIS_URL, namespace: `test-order-${randomUUID()}` } });
    replicaB = await startOrderReplica(stack, REDIS_URL as string);
    erp = erpClient(stack);
    customers = orderableCustomers(stack).slice(0, 5).map((c) => c.externalid);
    skus = activeItems(stack).map((i) => i.itemid);
  });

  afterAll(async () => {
    await replicaB?.close();
    await stack?.close();
  });

  const input = (customerId: string) => ({ customerId, lines: [{ sku: skus[0], quantity: 1 }] });

  it('makes one sales order for one key sent to both replicas at once', async () => {
    const customerId = customers[0] as string;
    const before = await salesOrderCount(erp, customerId);
    const key = `replicas-${randomUUID()}`;
    const urls = [stack.subgraphUrls.order, replicaB?.url];
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, i) => stack.query<PlaceOrderResult>(PLACE_ORDER, { input: input(customerId), key }, { url: urls[i % 2] as string })),
    );
    for (const a of answers) expect(a.body.errors).toBeUndefined();
    expect(new Set(answers.map((a) => a.body.data?.placeOrder.writeId)).size).toBe(1);
    expect(new Set(answers.map((a) => a.body.data?.placeOrder.status))).toEqual(new Set(['APPLIED']));
    expect(await salesOrderCount(erp, customerId)).toBe(before + 1);
  });

  it("replays on one replica a write the other queued, once", async () => {
    const customerId = customers[1] as string;
    const before = await salesOrderCount(erp, customerId);
    await stack.faults('netsuite', { down: true });
    const r = await stack.query<PlaceOrderResult>(PLACE_ORDER, { input: input(customerId), key: `replicas-${randomUUID()}` }, { url: replicaB?.url as string });
    expect(r.body.data?.placeOrder.status).toBe('QUEUED');
    const writeId = r.body.data?.placeOrder.writeId as string;
    await replicaB?.close();
    replicaB = undefined;
    await stack.clearFaults();
    // Replica B is gone; the stack's replica finds the write in the shared queue and applies it.
    const outcome = await eventually(async () => {
      const o = await stack.query<OrderWriteResultOut>(ORDER_WRITE, { id: writeId });
      return o.body.data?.orderWrite?.status === 'APPLIED' ? o.body.data.orderWrite : undefined;
    }, 15_000, 'the other replica to apply the write');
    expect(outcome.status).toBe('APPLIED');
    expect(await salesOrderCount(erp, customerId)).toBe(before + 1);
  });
});
