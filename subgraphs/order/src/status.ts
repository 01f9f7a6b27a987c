/**
 * The one place where the ERP's status codes become the graph's enums. Documented
 * in docs/status-mapping.md; change both together.
 *
 * SuiteQL reports `transaction.status` as a single letter per transaction type;
 * search filters write it as "SalesOrd:B". Both forms are accepted, since the two
 * disagree across sources and accounts.
 */
import { unreachable } from '../../../lib/errors.js';

export type OrderStatus =
  | 'PENDING_APPROVAL'
  | 'BOOKED'
  | 'RELEASED'
  | 'PARTIALLY_SHIPPED'
  | 'SHIPPED'
  | 'INVOICED'
  | 'CANCELLED'
  | 'CLOSED';
export type ShipmentStatus = 'PICKED' | 'PACKED' | 'SHIPPED';
export type ReturnStatus = 'PENDING_APPROVAL' | 'PENDING_RECEIPT' | 'PARTIALLY_RECEIVED' | 'PENDING_REFUND' | 'REFUNDED' | 'CANCELLED' | 'CLOSED';
export type RefundStatus = 'PENDING' | 'AUTHORIZED' | 'REFUNDED' | 'DENIED';
export type SalesChannel = 'WEB' | 'STORE' | 'MARKETPLACE' | 'AGENT' | 'OTHER';

export const ORDER_STATUSES: readonly OrderStatus[] = [
  'PENDING_APPROVAL',
  'BOOKED',
  'RELEASED',
  'PARTIALLY_SHIPPED',
  'SHIPPED',
  'INVOICED',
  'CANCELLED',
  'CLOSED',
];

/** "SalesOrd:B" or "B" → "B". */
function letter(raw: string | undefined): string {
  const s = (raw ?? '').trim();
  const i = s.lastIndexOf(':');
  return (i >= 0 ? s.slice(i + 1) : s).toUpperCase();
}

/**
 * Sales order status. Pending Fulfillment splits in two on the warehouse-release
 * custom field: until the WMS has the order it can still be cancelled (BOOKED).
 * Undefined for a code this mapping does not know, which the connector reports.
 */
export function orderStatusFromErp(raw: string | undefined, wmsReleased: string | undefined): OrderStatus | undefined {
  switch (letter(raw)) {
    case 'A':
      return 'PENDING_APPROVAL';
    case 'B':
      return wmsReleased === 'T' ? 'RELEASED' : 'BOOKED';
    case 'C':
      return 'CANCELLED';
    case 'D':
    case 'E':
      return 'PARTIALLY_SHIPPED';
    case 'F':
      return 'SHIPPED';
    case 'G':
      return 'INVOICED';
    case 'H':
      return 'CLOSED';
    default:
      return undefined;
  }
}

/** The ERP status letters an order in `status` can have; used to narrow a query before the exact check. */
export function erpLettersFor(status: OrderStatus): string[] {
  switch (status) {
    case 'PENDING_APPROVAL':
      return ['A'];
    case 'BOOKED':
    case 'RELEASED':
      return ['B'];
    case 'PARTIALLY_SHIPPED':
      return ['D', 'E'];
    case 'SHIPPED':
      return ['F'];
    case 'INVOICED':
      return ['G'];
    case 'CANCELLED':
      return ['C'];
    case 'CLOSED':
      return ['H'];
    default:
      return unreachable(status);
  }
}

/** Item fulfillment status: A Picked, B Packed, C Shipped. */
export function shipmentStatusFromErp(raw: string | undefined): ShipmentStatus | undefined {
  switch (letter(raw)) {
    case 'A':
      return 'PICKED';
    case 'B':
      return 'PACKED';
    case 'C':
      return 'SHIPPED';
    default:
      return undefined;
  }
}

/**
 * Return authorization status (A Pending Approval, B Pending Receipt, C Cancelled,
 * D Partially Received, E Pending Refund/Partially Received, F Pending Refund,
 * G Refunded, H Closed) and the refund state it implies. Only G, where the ERP
 * has issued the credit, is REFUNDED: a refund is never shown before the ERP issues it.
 */
export function returnStatusFromErp(raw: string | undefined): { status: ReturnStatus; refundStatus: RefundStatus } | undefined {
  switch (letter(raw)) {
    case 'A':
      return { status: 'PENDING_APPROVAL', refundStatus: 'PENDING' };
    case 'B':
      return { status: 'PENDING_RECEIPT', refundStatus: 'AUTHORIZED' };
    case 'C':
      return { status: 'CANCELLED', refundStatus: 'DENIED' };
    case 'D':
    case 'E':
      return { status: 'PARTIALLY_RECEIVED', refundStatus: 'AUTHORIZED' };
    case 'F':
      return { status: 'PENDING_REFUND', refundStatus: 'AUTHORIZED' };
    case 'G':
      return { status: 'REFUNDED', refundStatus: 'REFUNDED' };
    case 'H':
      return { status: 'CLOSED', refundStatus: 'DENIED' };
    default:
      return undefined;
  }
}

const CHANNELS = new Set<SalesChannel>(['WEB', 'STORE', 'MARKETPLACE', 'AGENT']);

/** The sales channel custom field; values match the enum case-insensitively, anything else is OTHER. */
export function channelFromErp(raw: string | undefined): SalesChannel {
  const v = (raw ?? '').trim().toUpperCase() as SalesChannel;
  return CHANNELS.has(v) ? v : 'OTHER';
}
