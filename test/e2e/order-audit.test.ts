/**
 * Audit of order writes whose arguments name no customer: cancelOrder(id) and
 * requestReturn(input: { orderId }). Their audit records name the customer the
 * order belongs to, which the resolver learns when it reads the order, for a
 * write that succeeds and for one that is refused.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

// Log everything in this file (tests are silent by default); set before the logger is created.
vi.hoisted(() => {
  process.env.LOG_LEVEL = 'info';
});

import { startStack, type Stack, type StackIdentity } from '../support/stack.js';
import { PLACE_ORDER, action, activeItems, orderableCustomers, type PlaceOrderResult } from './order-helpers.js';
import { captureLogLines } from '../support/logs.js';

const lines: string[] = [];
let stack: Stack & StackIdentity;

beforeAll(async () => {
  captureLogLines(lines);
  stack = await startStack({ customers: 60 });
}, 60_000);

afterAll(async () => {
  await stack?.close();
});

const audits = (from: number, correlationId: string): Array<Record<string, unknown>> =>
  lines
    .slice(from)
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((r) => r.audit === true && r.correlationId === correlationId && r.action === 'write');

async function placeFor(customerId: string): Promise<string> {
  const sku = activeItems(stack)[0]?.itemid ?? '';
  const placed = await stack.query<PlaceOrderResult>(PLACE_ORDER, {
    input: { customerId, lines: [{ sku, quantity: 2 }], channel: 'AGENT', shipTo: { line1: '1 Main St', city: 'Springfield', postalCode: '12345', country: 'US' } },
    key: `audit-${randomUUID()}`,
  });
  const id = placed.body.data?.placeOrder.order?.id;
  if (!id) throw new Error(`could not place an order: ${JSON.stringify(placed.body)}`);
  return id;
}

describe('audit of order writes', () => {
  it('cancelOrder names the order’s customer, when it succeeds and when it is refused', async () => {
    const [first, second] = orderableCustomers(stack).map((c) => c.externalid);
    const customerId = first ?? '';
    const id = await placeFor(customerId);
    const before = lines.length;
    const cancelled = await stack.query('mutation($id: ID!) { cancelOrder(id: $id, reason: "changed my mind") { status } }', { id });
    expect(cancelled.body.errors).toBeUndefined();
    expect(audits(before, cancelled.correlationId)).toEqual([
      expect.objectContaining({ operation: 'cancelOrder', customerId, target: { id }, outcome: 'succeeded' }),
    ]);

    // A shipped order cannot be cancelled: the refusal is audited with its customer too.
    const other = second ?? '';
    const shipped = await placeFor(other);
    await action(stack, 'netsuite', 'ship-order', { orderId: shipped });
    const from = lines.length;
    const refused = await stack.query('mutation($id: ID!) { cancelOrder(id: $id, reason: "too late") { status } }', { id: shipped });
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('INVALID_STATUS_TRANSITION');
    expect(audits(from, refused.correlationId)).toEqual([
      expect.objectContaining({ operation: 'cancelOrder', customerId: other, outcome: 'failed', errorCode: 'INVALID_STATUS_TRANSITION' }),
    ]);
  });

  it('requestReturn names the order’s customer', async () => {
    const customerId = orderableCustomers(stack).map((c) => c.externalid)[2] ?? '';
    const id = await placeFor(customerId);
    await action(stack, 'netsuite', 'ship-order', { orderId: id });
    const before = lines.length;
    const r = await stack.query(
      'mutation($input: ReturnRequestInput!, $key: String!) { requestReturn(input: $input, idempotencyKey: $key) { status } }',
      { input: { orderId: id, lines: [{ lineNumber: 1, quantity: 1 }], reason: 'Too small' }, key: `audit-${randomUUID()}` },
    );
    expect(r.body.errors).toBeUndefined();
    expect(audits(before, r.correlationId)).toEqual([
      expect.objectContaining({ operation: 'requestReturn', customerId, target: { orderId: id }, outcome: 'succeeded' }),
    ]);
  });
});
