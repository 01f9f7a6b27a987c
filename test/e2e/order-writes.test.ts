/**
 * The order subgraph's writes through the gateway, against the NetSuite sandbox:
 * each reaches the ERP and only the ERP, is checked before anything is written,
 * is applied once however often it is sent or however its response is lost, is
 * queued while the ERP is down and applied once when it is back, and never
 * overwrites a newer change. Calls are counted with /__sandbox/stats per correlation id.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { NetSuiteClient } from '../../lib/clients/netsuite.js';
import type { LinkedNsCustomer } from '../../sandbox/dataset/model.js';
import { circuitPhase, startStack, type Stack, type StackCache } from '../support/stack.js';
import {
  ORDER_WRITE,
  PLACE_ORDER,
  action,
  activeItems,
  erpClient,
  eventually,
  orderableCustomers,
  salesOrderCount,
  writesEverywhere,
  type OrderWriteResultOut,
  type PlaceOrderResult,
} from './order-helpers.js';

let stack: Stack & StackCache;
let erp: NetSuiteClient;
/** Each test takes customers of its own, so counts of orders never see another test's. */
let customers: LinkedNsCustomer[];
let skus: string[];
const key = (): string => `test-${randomUUID()}`;
const nextCustomer = (): string => (customers.shift() as LinkedNsCustomer).externalid;

beforeAll(async () => {
  stack = await startStack({ cache: {} });
  erp = erpClient(stack);
  customers = orderableCustomers(stack).slice(0, 40);
  skus = activeItems(stack).map((i) => i.itemid);
});

afterAll(async () => {
  await stack?.close();
});

afterEach(async () => {
  await stack.clearFaults();
});

function orderInput(customerId: string, over: Record<string, unknown> = {}) {
  return {
    customerId,
    lines: [
      { sku: skus[0], quantity: 2 },
      { sku: skus[1], quantity: 1 },
    ],
    channel: 'AGENT',
    shipTo: { name: "Siobhán O'Brien", line1: '1 Main St', city: 'Springfield', postalCode: '12345', country: 'us' },
    ...over,
  };
}

async function place(customerId: string, idempotencyKey = key(), over: Record<string, unknown> = {}, token?: string) {
  return stack.query<PlaceOrderResult>(PLACE_ORDER, { input: orderInput(customerId, over), key: idempotencyKey }, token ? { token } : {});
}

/** Places an order and ships it in the ERP, as the warehouse would. */
async function shippedOrder(customerId: string): Promise<string> {
  const r = await place(customerId);
  const id = r.body.data?.placeOrder.order?.id as string;
  await action(stack, 'netsuite', 'ship-order', { orderId: id });
  return id;
}

const CANCEL = /* GraphQL */ `
  mutation Cancel($id: ID!, $reason: String!, $key: String, $v: String) {
    cancelOrder(id: $id, reason: $reason, idempotencyKey: $key, expectedVersion: $v) { status writeId order { id status version } }
  }
`;
interface CancelOut {
  cancelOrder: { status: string; writeId: string; order: { id: string; status: string; version: string } | null };
}

const RETURN = /* GraphQL */ `
  mutation Return($input: ReturnRequestInput!, $key: String!) {
    requestReturn(input: $input, idempotencyKey: $key) {
      status writeId
      returnAuthorization { id status refundStatus reason lines { sku quantity } }
    }
  }
`;
interface ReturnOut {
  requestReturn: { status: string; writeId: string; returnAuthorization: { id: string; status: string; refundStatus: string; reason: string; lines: Array<{ sku: string; quantity: number }> } | null };
}

const ORDER = /* GraphQL */ `query($id: ID!) { order(id: $id) { id status version customer { id } returns { id } } }`;
interface OrderOut {
  order: { id: string; status: string; version: string; customer: { id: string }; returns: Array<{ id: string }> } | null;
}

describe('placeOrder', () => {
  it('writes one sales order to the ERP and nothing to the other systems; the next reads show it', async () => {
    const customerId = nextCustomer();
    const before = await salesOrderCount(erp, customerId);
    // Warm the customer's cached order list, so that showing the new order proves the invalidation.
    const list = `query($c: ID!) { customer(id: $c) { orders(first: 100) { totalCount nodes { id } } } }`;
    const warm = await stack.query<{ customer: { orders: { totalCount: number } } }>(list, { c: customerId });
    expect(warm.body.data?.customer.orders.totalCount).toBe(before);

    const r = await place(customerId);
    expect(r.body.errors).toBeUndefined();
    const out = r.body.data?.placeOrder;
    expect(out?.status).toBe('APPLIED');
    expect(out?.writeId).toMatch(/^order:w_/);
    expect(out?.order).toMatchObject({ status: 'BOOKED', channel: 'AGENT', customer: { id: customerId } });
    expect(out?.order?.lines.map((l) => [l.sku, l.quantity])).toEqual([
      [skus[0], 2],
      [skus[1], 1],
    ]);
    expect(await writesEverywhere(stack, r.correlationId)).toEqual({ salesforce: 0, netsuite: 1, zendesk: 0 });
    expect((await stack.stats('netsuite', r.correlationId)).calls['POST /services/rest/record/v1/salesOrder']).toBe(1);
    expect(await salesOrderCount(erp, customerId)).toBe(before + 1);

    const after = await stack.query<{ customer: { orders: { totalCount: number; nodes: Array<{ id: string }> } } }>(list, { c: customerId });
    expect(after.body.data?.customer.orders.totalCount).toBe(before + 1);
    expect(after.body.data?.customer.orders.nodes[0]?.id).toBe(out?.order?.id);

    const outcome = await stack.query<OrderWriteResultOut>(ORDER_WRITE, { id: out?.writeId });
    expect(outcome.body.data?.orderWrite).toMatchObject({ status: 'APPLIED', system: 'ERP', attempts: 1, lastError: null });
  });

  it('gives one order for one idempotency key, sent twice in a row or at once', async () => {
    const customerId = nextCustomer();
    const before = await salesOrderCount(erp, customerId);
    const k = key();
    const first = await place(customerId, k);
    const again = await place(customerId, k);
    expect(again.body.data?.placeOrder.writeId).toBe(first.body.data?.placeOrder.writeId);
    expect(again.body.data?.placeOrder.order?.id).toBe(first.body.data?.placeOrder.order?.id);
    expect(await writesEverywhere(stack, again.correlationId)).toEqual({ salesforce: 0, netsuite: 0, zendesk: 0 });

    const k2 = key();
    const burst = await Promise.all(Array.from({ length: 5 }, () => place(customerId, k2)));
    const ids = new Set(burst.map((b) => b.body.data?.placeOrder.order?.id));
    expect(burst.every((b) => b.body.data?.placeOrder.status === 'APPLIED')).toBe(true);
    expect(ids.size).toBe(1);
    expect(await salesOrderCount(erp, customerId)).toBe(before + 2);
  });

  it('refuses the same key with a different order as IDEMPOTENCY_KEY_REUSED', async () => {
    const customerId = nextCustomer();
    const k = key();
    await place(customerId, k);
    const other = await place(customerId, k, { lines: [{ sku: skus[2], quantity: 1 }] });
    expect(other.body.errors?.[0]?.extensions?.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await writesEverywhere(stack, other.correlationId)).toEqual({ salesforce: 0, netsuite: 0, zendesk: 0 });
  });

  it.each([
    ['an unknown SKU', { lines: [{ sku: 'SKU-NOPE-1', quantity: 1 }] }, 'BAD_USER_INPUT'],
    ['a zero quantity', { lines: [{ sku: 'SKU-ANY', quantity: 0 }] }, 'BAD_USER_INPUT'],
    ['too large a quantity', { lines: [{ sku: 'SKU-ANY', quantity: 100000 }] }, 'BAD_USER_INPUT'],
    ['no lines', { lines: [] }, 'BAD_USER_INPUT'],
    ['a bad country', { shipTo: { line1: 'x', city: 'y', postalCode: '1', country: 'Narnia' } }, 'BAD_USER_INPUT'],
    ['a malformed customer number', { customerId: 'C-42' }, 'BAD_USER_INPUT'],
  ])('refuses %s before any write call', async (_what, over, code) => {
    const r = await place(nextCustomer(), key(), over);
    expect(r.body.errors?.[0]?.extensions?.code).toBe(code);
    expect(await writesEverywhere(stack, r.correlationId)).toEqual({ salesforce: 0, netsuite: 0, zendesk: 0 });
  });

  it('refuses a customer on credit hold with CREDIT_HOLD, without a write call', async () => {
    const customerId = nextCustomer();
    await action(stack, 'netsuite', 'set-credit-hold', { customerId, hold: true });
    const before = await salesOrderCount(erp, customerId);
    const r = await place(customerId);
    expect(r.body.errors?.[0]?.extensions?.code).toBe('CREDIT_HOLD');
    expect(r.body.data).toBeNull();
    expect(await writesEverywhere(stack, r.correlationId)).toEqual({ salesforce: 0, netsuite: 0, zendesk: 0 });
    expect(await salesOrderCount(erp, customerId)).toBe(before);
  });

  it('makes exactly one sales order when the ERP commits and the response is lost', async () => {
    const customerId = nextCustomer();
    // A first order warms the checks' cached reads: the sandbox drops every POST's response under
    // this fault, SuiteQL's included, so only the create and its lookup by external id should reach it.
    expect((await place(customerId)).body.data?.placeOrder.status).toBe('APPLIED');
    const before = await salesOrderCount(erp, customerId);
    const STATUS_ONLY = `mutation($input: PlaceOrderInput!, $key: String!) { placeOrder(input: $input, idempotencyKey: $key) { status writeId } }`;
    await stack.faults('netsuite', { dropResponseAfterCommitRate: 1 });
    const k = key();
    const r = await stack.query<{ placeOrder: { status: string; writeId: string } }>(STATUS_ONLY, { input: orderInput(customerId), key: k });
    await stack.clearFaults();
    expect(r.body.errors).toBeUndefined();
    // The create's response was lost; the order is found by its external id instead of being made again.
    expect(r.body.data?.placeOrder.status).toBe('APPLIED');
    const calls = (await stack.stats('netsuite', r.correlationId)).calls;
    expect(calls['POST /services/rest/record/v1/salesOrder']).toBe(1);
    expect(calls['GET /services/rest/record/v1/salesOrder/:id']).toBeGreaterThanOrEqual(1);
    expect(await salesOrderCount(erp, customerId)).toBe(before + 1);
    // A retry by the client with the same key changes nothing either.
    const again = await place(customerId, k);
    expect(again.body.data?.placeOrder).toMatchObject({ status: 'APPLIED', writeId: r.body.data?.placeOrder.writeId, order: { customer: { id: customerId } } });
    expect(await salesOrderCount(erp, customerId)).toBe(before + 1);
  });

  it('answers QUEUED while the ERP is down, then applies the order once when it is back', async () => {
    const customerId = nextCustomer();
    const before = await salesOrderCount(erp, customerId);
    await stack.faults('netsuite', { down: true });
    const k = key();
    const r = await place(customerId, k);
    expect(r.body.errors).toBeUndefined();
    expect(r.body.data?.placeOrder).toMatchObject({ status: 'QUEUED', order: null });
    const writeId = r.body.data?.placeOrder.writeId as string;
    const queued = await stack.query<OrderWriteResultOut>(ORDER_WRITE, { id: writeId });
    expect(queued.body.data?.orderWrite?.status).toBe('QUEUED');
    expect(queued.body.data?.orderWrite?.lastError?.code).toBe('UPSTREAM_UNAVAILABLE');
    // The client's retry while the ERP is still down is the same write, not a second one.
    const retry = await place(customerId, k);
    expect(retry.body.data?.placeOrder.writeId).toBe(writeId);

    await stack.clearFaults();
    const applied = await eventually(async () => {
      const o = await stack.query<OrderWriteResultOut>(ORDER_WRITE, { id: writeId });
      return o.body.data?.orderWrite?.status === 'APPLIED' ? o.body.data.orderWrite : undefined;
    }, 10_000, 'the queued order to apply');
    expect(applied.attempts).toBeGreaterThanOrEqual(2);
    expect(await salesOrderCount(erp, customerId)).toBe(before + 1);
    // The same key after the replay returns the applied outcome with the order.
    const done = await place(customerId, k);
    expect(done.body.data?.placeOrder.status).toBe('APPLIED');
    expect(done.body.data?.placeOrder.order?.customer.id).toBe(customerId);
    expect(await salesOrderCount(erp, customerId)).toBe(before + 1);
  });

  it("answers QUEUED at once while the ERP's circuit is open, without a call, then applies the order once", async () => {
    const customerId = nextCustomer();
    const before = await salesOrderCount(erp, customerId);
    const circuit = (): Promise<unknown> => circuitPhase(stack, 'order', 'ERP');
    await stack.faults('netsuite', { down: true });
    // The change feeds' polls fail until the ERP's circuit opens.
    await eventually(async () => ((await circuit()) === 'open' ? true : undefined), 10_000, "the ERP's circuit to open");
    const r = await place(customerId);
    expect(r.body.errors).toBeUndefined();
    expect(r.body.data?.placeOrder).toMatchObject({ status: 'QUEUED', order: null });
    // Refused by the circuit: neither the checks' reads nor the create reached the ERP.
    expect((await stack.allStats(r.correlationId)).netsuite.total).toBe(0);
    const writeId = r.body.data?.placeOrder.writeId as string;
    const queued = await stack.query<OrderWriteResultOut>(ORDER_WRITE, { id: writeId });
    expect(queued.body.data?.orderWrite?.lastError?.code).toBe('UPSTREAM_UNAVAILABLE');

    await stack.clearFaults();
    await eventually(async () => {
      const o = await stack.query<OrderWriteResultOut>(ORDER_WRITE, { id: writeId });
      return o.body.data?.orderWrite?.status === 'APPLIED' ? o.body.data.orderWrite : undefined;
    }, 10_000, 'the queued order to apply');
    expect(await salesOrderCount(erp, customerId)).toBe(before + 1);
    // The replays carry the write's correlation id: one create in all.
    expect(await writesEverywhere(stack, r.correlationId)).toEqual({ salesforce: 0, netsuite: 1, zendesk: 0 });
  });
});

describe('cancelOrder', () => {
  it('closes every line of a booked order; the order then reads CLOSED, and cancelling again changes nothing', async () => {
    const placed = await place(nextCustomer());
    const id = placed.body.data?.placeOrder.order?.id as string;
    const r = await stack.query<CancelOut>(CANCEL, { id, reason: 'customer changed their mind', key: key(), v: placed.body.data?.placeOrder.order?.version });
    expect(r.body.errors).toBeUndefined();
    expect(r.body.data?.cancelOrder).toMatchObject({ status: 'APPLIED', order: { id, status: 'CLOSED' } });
    expect(await writesEverywhere(stack, r.correlationId)).toEqual({ salesforce: 0, netsuite: 1, zendesk: 0 });
    const again = await stack.query<CancelOut>(CANCEL, { id, reason: 'again', key: key() });
    expect(again.body.data?.cancelOrder.status).toBe('APPLIED');
    expect(await writesEverywhere(stack, again.correlationId)).toEqual({ salesforce: 0, netsuite: 0, zendesk: 0 });
  });

  it('refuses a shipped order with INVALID_STATUS_TRANSITION, without a write call', async () => {
    const id = await shippedOrder(nextCustomer());
    const r = await stack.query<CancelOut>(CANCEL, { id, reason: 'too late', key: key() });
    expect(r.body.errors?.[0]?.extensions?.code).toBe('INVALID_STATUS_TRANSITION');
    expect(await writesEverywhere(stack, r.correlationId)).toEqual({ salesforce: 0, netsuite: 0, zendesk: 0 });
  });

  it('does not override a change made in the ERP while the cancel was queued: REJECTED with CONFLICT', async () => {
    const placed = await place(nextCustomer());
    const { id, version } = placed.body.data?.placeOrder.order as { id: string; version: string };
    await stack.faults('netsuite', { down: true });
    const r = await stack.query<CancelOut>(CANCEL, { id, reason: 'queued cancel', key: key(), v: version });
    expect(r.body.data?.cancelOrder.status).toBe('QUEUED');
    const writeId = r.body.data?.cancelOrder.writeId as string;
    // Someone edits the order in the ERP meanwhile.
    await action(stack, 'netsuite', 'touch-order', { orderId: id, memo: 'changed by the warehouse' });
    await stack.clearFaults();
    const outcome = await eventually(async () => {
      const o = await stack.query<OrderWriteResultOut>(ORDER_WRITE, { id: writeId });
      return o.body.data?.orderWrite?.status === 'REJECTED' ? o.body.data.orderWrite : undefined;
    }, 10_000, 'the queued cancel to be refused');
    expect(outcome.lastError?.code).toBe('CONFLICT');
    const now = await stack.query<OrderOut>(ORDER, { id });
    expect(now.body.data?.order?.status).toBe('BOOKED');
  });
});

describe('requestReturn', () => {
  it('creates one RMA for shipped items; asking for more than is left is BAD_USER_INPUT without a write call', async () => {
    const customerId = nextCustomer();
    const id = await shippedOrder(customerId);
    const input = { orderId: id, lines: [{ lineNumber: 1, quantity: 1 }], reason: 'Too small' };
    const k = key();
    const r = await stack.query<ReturnOut>(RETURN, { input, key: k });
    expect(r.body.errors).toBeUndefined();
    expect(r.body.data?.requestReturn).toMatchObject({
      status: 'APPLIED',
      returnAuthorization: { status: 'PENDING_APPROVAL', refundStatus: 'PENDING', reason: 'Too small', lines: [{ sku: skus[0], quantity: 1 }] },
    });
    expect(await writesEverywhere(stack, r.correlationId)).toEqual({ salesforce: 0, netsuite: 1, zendesk: 0 });
    const same = await stack.query<ReturnOut>(RETURN, { input, key: k });
    expect(same.body.data?.requestReturn.returnAuthorization?.id).toBe(r.body.data?.requestReturn.returnAuthorization?.id);

    // Two were shipped on line 1 and one is on the RMA: two more is beyond what is left.
    const tooMany = await stack.query<ReturnOut>(RETURN, { input: { ...input, lines: [{ sku: skus[0], quantity: 2 }] }, key: key() });
    expect(tooMany.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(await writesEverywhere(stack, tooMany.correlationId)).toEqual({ salesforce: 0, netsuite: 0, zendesk: 0 });
    const order = await stack.query<OrderOut>(ORDER, { id });
    expect(order.body.data?.order?.returns).toHaveLength(1);
  });

  it('refuses an order that has not shipped with BAD_USER_INPUT, and one shipped long ago with RETURN_WINDOW_EXPIRED', async () => {
    const booked = await place(nextCustomer());
    const notShipped = await stack.query<ReturnOut>(RETURN, { input: { orderId: booked.body.data?.placeOrder.order?.id, lines: [{ lineNumber: 1, quantity: 1 }], reason: 'x' }, key: key() });
    expect(notShipped.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(await writesEverywhere(stack, notShipped.correlationId)).toEqual({ salesforce: 0, netsuite: 0, zendesk: 0 });

    const { transactions } = stack.dataset.netsuite;
    const cutoff = Date.now() - 60 * 86_400_000;
    const oldShipment = transactions.find((t) => t.type === 'ItemShip' && t.createdfrom !== null && Date.parse(t.createddate) < cutoff);
    const order = transactions.find((t) => t.id === oldShipment?.createdfrom) as { tranid: string };
    const expired = await stack.query<ReturnOut>(RETURN, { input: { orderId: order.tranid, lines: [{ lineNumber: 1, quantity: 1 }], reason: 'x' }, key: key() });
    expect(expired.body.errors?.[0]?.extensions?.code).toBe('RETURN_WINDOW_EXPIRED');
    expect(await writesEverywhere(stack, expired.correlationId)).toEqual({ salesforce: 0, netsuite: 0, zendesk: 0 });
  });
});

describe('the write queue (operator)', () => {
  const QUEUE = /* GraphQL */ `query($s: WriteQueueListing!) { orderWriteQueue(status: $s) { writeId status attempts lastError { code } } }`;
  const RETRY = /* GraphQL */ `mutation($id: ID!) { retryOrderWrite(writeId: $id) { writeId status } }`;
  const DISCARD = /* GraphQL */ `mutation($id: ID!) { discardOrderWrite(writeId: $id, reason: "duplicate of a phone order") { writeId status lastError { code } } }`;
  interface QueueOut {
    orderWriteQueue: Array<{ writeId: string; status: string; attempts: number; lastError: { code: string } | null }>;
  }

  it('dead-letters a write after its attempts, shows it to operators only, and a retry applies it once', async () => {
    const customerId = nextCustomer();
    const before = await salesOrderCount(erp, customerId);
    await stack.faults('netsuite', { down: true });
    const r = await place(customerId);
    const writeId = r.body.data?.placeOrder.writeId as string;
    expect(r.body.data?.placeOrder.status).toBe('QUEUED');
    const dead = await eventually(async () => {
      const o = await stack.query<OrderWriteResultOut>(ORDER_WRITE, { id: writeId });
      return o.body.data?.orderWrite?.status === 'DEAD_LETTERED' ? o.body.data.orderWrite : undefined;
    }, 15_000, 'the write to be dead-lettered');
    expect(dead.attempts).toBe(5);

    const asAgent = await stack.query<QueueOut>(QUEUE, { s: 'DEAD_LETTERED' });
    expect(asAgent.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const listed = await stack.query<QueueOut>(QUEUE, { s: 'DEAD_LETTERED' }, { token: stack.tokens.operator });
    expect(listed.body.data?.orderWriteQueue.map((w) => w.writeId)).toContain(writeId);

    await stack.clearFaults();
    const refusedRetry = await stack.query(RETRY, { id: writeId });
    expect(refusedRetry.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const retried = await stack.query<{ retryOrderWrite: { status: string } }>(RETRY, { id: writeId }, { token: stack.tokens.operator });
    expect(retried.body.data?.retryOrderWrite.status).toBe('QUEUED');
    // What the write and the ERP's circuit last showed, for the message if it never applies.
    let seen: unknown;
    await eventually(async () => {
      const o = await stack.query<OrderWriteResultOut>(ORDER_WRITE, { id: writeId });
      seen = { write: o.body.data?.orderWrite, circuit: await circuitPhase(stack, 'order', 'ERP') };
      return o.body.data?.orderWrite?.status === 'APPLIED' ? true : undefined;
    }, 10_000, 'the retried write to apply').catch((e: unknown) => {
      throw new Error(`${e instanceof Error ? e.message : String(e)}; last seen ${JSON.stringify(seen)}`);
    });
    expect(await salesOrderCount(erp, customerId)).toBe(before + 1);
  });

  it('lets an operator discard a queued write, which then never reaches the ERP', async () => {
    const customerId = nextCustomer();
    const before = await salesOrderCount(erp, customerId);
    await stack.faults('netsuite', { down: true });
    const r = await place(customerId);
    const writeId = r.body.data?.placeOrder.writeId as string;
    const discarded = await eventually(async () => {
      const d = await stack.query<{ discardOrderWrite: { status: string; lastError: { code: string } } }>(DISCARD, { id: writeId }, { token: stack.tokens.operator });
      // A write being attempted at that moment is refused with CONFLICT: try again.
      return d.body.data?.discardOrderWrite;
    }, 5000, 'the discard');
    expect(discarded).toMatchObject({ status: 'REJECTED', lastError: { code: 'DISCARDED' } });
    await stack.clearFaults();
    await new Promise((res) => setTimeout(res, 500));
    expect(await salesOrderCount(erp, customerId)).toBe(before);
  });
});

describe('authorization', () => {
  it('lets a storefront caller order for its own customer only, refusing others with zero system calls', async () => {
    const own = nextCustomer();
    const other = nextCustomer();
    const token = await stack.issuer.token({ sub: own, roles: ['storefront'] });
    const refused = await place(other, key(), {}, token);
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const all = await stack.allStats(refused.correlationId);
    expect(all.netsuite.total + all.salesforce.total + all.zendesk.total).toBe(0);

    const mine = await place(own, key(), {}, token);
    expect(mine.body.data?.placeOrder.status).toBe('APPLIED');
    const id = mine.body.data?.placeOrder.order?.id as string;
    // The outcome of its own write is readable; another storefront customer sees neither the write nor the order.
    const otherToken = await stack.issuer.token({ sub: other, roles: ['storefront'] });
    const outcome = await stack.query<OrderWriteResultOut>(ORDER_WRITE, { id: mine.body.data?.placeOrder.writeId }, { token });
    expect(outcome.body.data?.orderWrite?.status).toBe('APPLIED');
    const foreignOutcome = await stack.query<OrderWriteResultOut>(ORDER_WRITE, { id: mine.body.data?.placeOrder.writeId }, { token: otherToken });
    expect(foreignOutcome.body.data?.orderWrite).toBeNull();
    const foreignOrder = await stack.query<OrderOut>(ORDER, { id }, { token: otherToken });
    expect(foreignOrder.body.data?.order).toBeNull();
    const foreignCancel = await stack.query<CancelOut>(CANCEL, { id, reason: 'not mine', key: key() }, { token: otherToken });
    expect(foreignCancel.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await writesEverywhere(stack, foreignCancel.correlationId)).toEqual({ salesforce: 0, netsuite: 0, zendesk: 0 });
  });

  it("refuses a storefront caller another customer's order list with zero system calls", async () => {
    const token = stack.tokens.storefront.token;
    const r = await stack.query(`query { customer(id: "C-000002") { id orders { totalCount } } }`, {}, { token });
    expect(JSON.stringify(r.body.errors)).toContain('FORBIDDEN');
    const all = await stack.allStats(r.correlationId);
    expect(all.netsuite.total).toBe(0);
  });
});
