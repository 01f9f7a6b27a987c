/**
 * The ERP status codes as docs/status-mapping.md maps them, in both forms SuiteQL
 * and search filters give ("B", "SalesOrd:B"), and the letters a status filter asks for.
 */
import { describe, expect, it } from 'vitest';
import { ORDER_STATUSES, erpLettersFor, orderStatusFromErp, returnStatusFromErp, shipmentStatusFromErp } from '../../subgraphs/order/src/status.js';

describe('order status mapping', () => {
  it('maps each sales order letter, with Pending Fulfillment split on the warehouse release', () => {
    const mapped = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H'].map((l) => orderStatusFromErp(`SalesOrd:${l}`, undefined));
    expect(mapped).toEqual(['PENDING_APPROVAL', 'BOOKED', 'CANCELLED', 'PARTIALLY_SHIPPED', 'PARTIALLY_SHIPPED', 'SHIPPED', 'INVOICED', 'CLOSED']);
    expect(orderStatusFromErp(' b ', 'T')).toBe('RELEASED');
    expect(orderStatusFromErp('A', 'T')).toBe('PENDING_APPROVAL');
  });

  it('knows no other code, including names an object inherits', () => {
    for (const raw of ['Z', '', undefined, 'constructor', 'SalesOrd:toString', '__proto__']) {
      expect(orderStatusFromErp(raw, undefined)).toBeUndefined();
      expect(shipmentStatusFromErp(raw)).toBeUndefined();
      expect(returnStatusFromErp(raw)).toBeUndefined();
    }
  });

  it('asks for the letters that map back to each status', () => {
    expect(Object.fromEntries(ORDER_STATUSES.map((s) => [s, erpLettersFor(s)]))).toEqual({
      PENDING_APPROVAL: ['A'],
      BOOKED: ['B'],
      RELEASED: ['B'],
      PARTIALLY_SHIPPED: ['D', 'E'],
      SHIPPED: ['F'],
      INVOICED: ['G'],
      CANCELLED: ['C'],
      CLOSED: ['H'],
    });
  });

  it('maps shipments and returns, and shows a refund only once the ERP has issued it', () => {
    expect(['A', 'B', 'C'].map((l) => shipmentStatusFromErp(`ItemShip:${l}`))).toEqual(['PICKED', 'PACKED', 'SHIPPED']);
    expect(['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H'].map((l) => returnStatusFromErp(`RtnAuth:${l}`))).toEqual([
      { status: 'PENDING_APPROVAL', refundStatus: 'PENDING' },
      { status: 'PENDING_RECEIPT', refundStatus: 'AUTHORIZED' },
      { status: 'CANCELLED', refundStatus: 'DENIED' },
      { status: 'PARTIALLY_RECEIVED', refundStatus: 'AUTHORIZED' },
      { status: 'PARTIALLY_RECEIVED', refundStatus: 'AUTHORIZED' },
      { status: 'PENDING_REFUND', refundStatus: 'AUTHORIZED' },
      { status: 'REFUNDED', refundStatus: 'REFUNDED' },
      { status: 'CLOSED', refundStatus: 'DENIED' },
    ]);
  });
});
