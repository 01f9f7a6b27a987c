/**
 * The order write checks on their own: what a return may ask for, the return
 * window's edge, shape refusals, and the version that tells two changes in one
 * second apart. The end-to-end behaviour is in test/e2e/order-writes.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../lib/errors.js';
import { idFormat } from '../../lib/mapping.js';
import { orderVersion, type OrderLineRecord, type ReturnRecord, type ShipmentRecord } from '../../subgraphs/order/src/netsuite.js';
import { externalIdOf, planReturn, shapePlaceOrder, shapeReturn } from '../../subgraphs/order/src/writes.js';

const money = { amount: '10.00', currency: 'USD' };
const line = (lineNumber: number, sku: string, quantity: number, quantityShipped: number): OrderLineRecord => ({ lineNumber, sku, description: null, quantity, quantityShipped, unitPrice: money });
const shipment = (shippedAt: string): ShipmentRecord => ({ id: 'SHIP-1', carrier: 'UPS', trackingNumber: null, shippedAt, status: 'SHIPPED', erpStatus: 'C' });
const rma = (status: ReturnRecord['status'], sku: string, quantity: number): ReturnRecord => ({
  id: 'RMA-1',
  status,
  refundStatus: 'PENDING',
  erpStatus: 'A',
  reason: null,
  lines: [{ lineNumber: 1, sku, description: null, quantity, quantityReceived: 0, unitPrice: money }],
  refundAmount: money,
  createdAt: '2026-11-01T00:00:00.000Z',
});
const SHIPPED_AT = '2026-11-01T12:00:00.000Z';
const DAY = 86_400_000;
const policy = { now: Date.parse(SHIPPED_AT) + 5 * DAY, windowDays: 30 };
const codeOf = (f: () => unknown): string | undefined => {
  try {
    f();
    return undefined;
  } catch (e) {
    return e instanceof DomainError ? e.code : 'not a DomainError';
  }
};

describe('planReturn', () => {
  const facts = { lines: [line(1, 'SKU-A', 3, 3), line(2, 'SKU-B', 2, 0)], shipments: [shipment(SHIPPED_AT)], returns: [] as ReturnRecord[] };
  const req = (lines: Array<{ lineNumber: number | null; sku: string | null; quantity: number }>) => ({ orderId: 'SO-1', lines });

  it('resolves lines by number or SKU and adds up repeats', () => {
    expect(planReturn(req([{ lineNumber: 1, sku: null, quantity: 1 }, { lineNumber: null, sku: 'SKU-A', quantity: 1 }]), facts, policy)).toEqual([{ lineNumber: 1, quantity: 2 }]);
  });

  it('refuses more than was shipped, an unshipped line, and an unknown line', () => {
    expect(codeOf(() => planReturn(req([{ lineNumber: 1, sku: null, quantity: 4 }]), facts, policy))).toBe('BAD_USER_INPUT');
    expect(codeOf(() => planReturn(req([{ lineNumber: 2, sku: null, quantity: 1 }]), facts, policy))).toBe('BAD_USER_INPUT');
    expect(codeOf(() => planReturn(req([{ lineNumber: 9, sku: null, quantity: 1 }]), facts, policy))).toBe('BAD_USER_INPUT');
  });

  it('counts open returns against what is left, but not cancelled ones', () => {
    const open = { ...facts, returns: [rma('PENDING_APPROVAL', 'SKU-A', 2)] };
    expect(codeOf(() => planReturn(req([{ lineNumber: 1, sku: null, quantity: 2 }]), open, policy))).toBe('BAD_USER_INPUT');
    expect(planReturn(req([{ lineNumber: 1, sku: null, quantity: 1 }]), open, policy)).toEqual([{ lineNumber: 1, quantity: 1 }]);
    const cancelled = { ...facts, returns: [rma('CANCELLED', 'SKU-A', 3)] };
    expect(planReturn(req([{ lineNumber: 1, sku: null, quantity: 3 }]), cancelled, policy)).toEqual([{ lineNumber: 1, quantity: 3 }]);
  });

  it('asks for a line number when a SKU is on two lines', () => {
    const twice = { ...facts, lines: [line(1, 'SKU-A', 1, 1), line(2, 'SKU-A', 1, 1)] };
    expect(codeOf(() => planReturn(req([{ lineNumber: null, sku: 'SKU-A', quantity: 1 }]), twice, policy))).toBe('BAD_USER_INPUT');
  });

  it('closes the window windowDays after the last shipment, not the first', () => {
    const edge = Date.parse(SHIPPED_AT) + 30 * DAY;
    expect(planReturn(req([{ lineNumber: 1, sku: null, quantity: 1 }]), facts, { ...policy, now: edge })).toHaveLength(1);
    expect(codeOf(() => planReturn(req([{ lineNumber: 1, sku: null, quantity: 1 }]), facts, { ...policy, now: edge + 1000 }))).toBe('RETURN_WINDOW_EXPIRED');
    const later = { ...facts, shipments: [shipment(SHIPPED_AT), shipment('2026-11-20T12:00:00.000Z')] };
    expect(planReturn(req([{ lineNumber: 1, sku: null, quantity: 1 }]), later, { ...policy, now: edge + 1000 })).toHaveLength(1);
  });

  it('refuses an order that has shipped nothing', () => {
    expect(codeOf(() => planReturn(req([{ lineNumber: 1, sku: null, quantity: 1 }]), { ...facts, shipments: [] }, policy))).toBe('BAD_USER_INPUT');
  });
});

describe('shape checks', () => {
  const customer = idFormat('customer number', { pattern: '^C-\\d{6}$', example: 'C-000042' });
  const order = idFormat('order number', { pattern: '^SO-\\d{4,10}$', example: 'SO-100234' });

  it('normalises a valid order and refuses bad ones before any call', () => {
    const p = shapePlaceOrder({ customerId: 'C-000001', lines: [{ sku: ' SKU-1 ', quantity: 1 }], shipTo: { line1: '1 Main', city: 'X', postalCode: '1', country: 'gb' } }, customer);
    expect(p).toMatchObject({ channel: 'WEB', lines: [{ sku: 'SKU-1', quantity: 1 }], shipTo: { country: 'GB' }, memo: null });
    expect(codeOf(() => shapePlaceOrder({ customerId: 'C-000001', lines: [{ sku: 'SKU 1', quantity: 1 }] }, customer))).toBe('BAD_USER_INPUT');
    expect(codeOf(() => shapePlaceOrder({ customerId: 'C-000001', lines: [{ sku: 'SKU-1', quantity: 1.5 }] }, customer))).toBe('BAD_USER_INPUT');
    expect(codeOf(() => shapePlaceOrder({ customerId: 'C-000001', lines: Array.from({ length: 101 }, () => ({ sku: 'S', quantity: 1 })) }, customer))).toBe('BAD_USER_INPUT');
  });

  it('holds a ship-to address to the same NetSuite field lengths as a billing address', () => {
    const shipTo = { line1: '1 Main', city: 'X', postalCode: '1', country: 'it', region: 'Provincia Autonoma di Bolzano/Alto Adige'.padEnd(50, '.') };
    expect(shapePlaceOrder({ customerId: 'C-000001', lines: [{ sku: 'SKU-1', quantity: 1 }], shipTo }, customer).shipTo?.region).toBe(shipTo.region);
    expect(codeOf(() => shapePlaceOrder({ customerId: 'C-000001', lines: [{ sku: 'SKU-1', quantity: 1 }], shipTo: { ...shipTo, region: `${shipTo.region}x` } }, customer))).toBe('BAD_USER_INPUT');
    expect(codeOf(() => shapePlaceOrder({ customerId: 'C-000001', lines: [{ sku: 'SKU-1', quantity: 1 }], shipTo: { ...shipTo, postalCode: 'x'.repeat(37) } }, customer))).toBe('BAD_USER_INPUT');
  });

  it('wants exactly one of lineNumber and sku on a return line', () => {
    expect(codeOf(() => shapeReturn({ orderId: 'SO-1001', lines: [{ lineNumber: 1, sku: 'S', quantity: 1 }], reason: 'x' }, order))).toBe('BAD_USER_INPUT');
    expect(codeOf(() => shapeReturn({ orderId: 'SO-1001', lines: [{ quantity: 1 }], reason: 'x' }, order))).toBe('BAD_USER_INPUT');
    expect(codeOf(() => shapeReturn({ orderId: 'SO-1001', lines: [{ lineNumber: 1, quantity: 1 }], reason: ' ' }, order))).toBe('BAD_USER_INPUT');
  });
});

describe('versions and external ids', () => {
  it('tells apart two changes in the same second, and keeps versions sortable by time', () => {
    const t = '2026-11-22T10:00:00.000Z';
    const a = orderVersion(t, ['B', 'F', 'WEB', null as unknown as undefined, '10']);
    const b = orderVersion(t, ['B', 'F', 'WEB', 'changed by the warehouse', '10']);
    expect(a).not.toBe(b);
    expect(a?.startsWith(`${t}~`)).toBe(true);
    expect(orderVersion(undefined, [])).toBeUndefined();
  });

  it('maps a writeId onto the characters NetSuite allows in an external id, one to one', () => {
    expect(externalIdOf('order:w_0b6f3c1e-1d2a-4c4e-9d57-0a1b2c3d4e5f')).toBe('order-w_0b6f3c1e-1d2a-4c4e-9d57-0a1b2c3d4e5f');
    expect(externalIdOf('order:w_x')).toMatch(/^[A-Za-z0-9_-]+$/);
  });
});
