/**
 * The one place where the ERP's status codes become the graph's enums. Documented
 * in docs/status-mapping.md; change both together.
 *
 * SuiteQL reports `transaction.status` as a single letter per transaction type;
 * search filters write it as "SalesOrd:B". Both forms are accepted, since the two
 * disagree across sources and accounts.
 */
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

/** A status code's entry in one of the tables below; undefined for a code the table does not know, which the connector reports. */
const byLetter = <V>(table: Readonly<Record<string, V>>, raw: string | undefined): V | undefined => {
  const l = letter(raw);
  return Object.hasOwn(table, l) ? table[l] : undefined;
};

/** Sales order status. B, Pending Fulfillment, is BOOKED until the warehouse has the order (below). */
const ORDER: Readonly<Record<string, OrderStatus>> = {
  A: 'PENDING_APPROVAL',
  B: 'BOOKED',
  C: 'CANCELLED',
  D: 'PARTIALLY_SHIPPED',
  E: 'PARTIALLY_SHIPPED',
  F: 'SHIPPED',
  G: 'INVOICED',
  H: 'CLOSED',
};

/**
 * Sales order status. Pending Fulfillment splits in two on the warehouse-release
 * custom field: until the WMS has the order it can still be cancelled (BOOKED).
 */
export function orderStatusFromErp(raw: string | undefined, wmsReleased: string | undefined): OrderStatus | undefined {
  const status = byLetter(ORDER, raw);
  return status === 'BOOKED' && wmsReleased === 'T' ? 'RELEASED' : status;
}

/** The ERP status letters an order in `status` can have; used to narrow a query before the exact check. */
export function erpLettersFor(status: OrderStatus): string[] {
  const wanted = status === 'RELEASED' ? 'BOOKED' : status;
  return Object.keys(ORDER).filter((l) => ORDER[l] === wanted);
}

/** Item fulfillment status: A Picked, B Packed, C Shipped. */
export function shipmentStatusFromErp(raw: string | undefined): ShipmentStatus | undefined {
  return byLetter<ShipmentStatus>({ A: 'PICKED', B: 'PACKED', C: 'SHIPPED' }, raw);
}

/**
 * Return authorization status (A Pending Approval, B Pending Receipt, C Cancelled,
 * D Partially Received, E Pending Refund/Partially Received, F Pending Refund,
 * G Refunded, H Closed) and the refund state it implies. Only G, where the ERP
 * has issued the credit, is REFUNDED: a refund is never shown before the ERP issues it.
 */
const RETURN: Readonly<Record<string, { status: ReturnStatus; refundStatus: RefundStatus }>> = {
  A: { status: 'PENDING_APPROVAL', refundStatus: 'PENDING' },
  B: { status: 'PENDING_RECEIPT', refundStatus: 'AUTHORIZED' },
  C: { status: 'CANCELLED', refundStatus: 'DENIED' },
  D: { status: 'PARTIALLY_RECEIVED', refundStatus: 'AUTHORIZED' },
  E: { status: 'PARTIALLY_RECEIVED', refundStatus: 'AUTHORIZED' },
  F: { status: 'PENDING_REFUND', refundStatus: 'AUTHORIZED' },
  G: { status: 'REFUNDED', refundStatus: 'REFUNDED' },
  H: { status: 'CLOSED', refundStatus: 'DENIED' },
};

export function returnStatusFromErp(raw: string | undefined): { status: ReturnStatus; refundStatus: RefundStatus } | undefined {
  const mapped = byLetter(RETURN, raw);
  return mapped && { ...mapped };
}

const CHANNELS = new Set<SalesChannel>(['WEB', 'STORE', 'MARKETPLACE', 'AGENT']);

/** The sales channel custom field; values match the enum case-insensitively, anything else is OTHER. */
export function channelFromErp(raw: string | undefined): SalesChannel {
  const v = (raw ?? '').trim().toUpperCase() as SalesChannel;
  return CHANNELS.has(v) ? v : 'OTHER';
}
