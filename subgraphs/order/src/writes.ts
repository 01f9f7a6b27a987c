/**
 * The order subgraph's writes: placing an order, cancelling one and requesting a
 * return, each checked before it is submitted and carried out by an applier
 * registered with the shared write coordinator (lib/writes, docs/writes.md).
 *
 * The checks run twice: in the mutation, so that a refusal costs no write call
 * and reaches the client at once, and again in the applier, because a queued
 * write is replayed minutes or hours later against whatever the ERP holds then.
 * Both read through the entity cache, so the first attempt's second check costs
 * no call.
 *
 * How each kind is made exactly-once against NetSuite (docs/orders.md):
 * - `order.place` and `order.return` create records whose `externalId` is derived
 *   from the writeId. A repeated create gets DUP_RCRD, and the record is then found
 *   by `eid:`; a create whose response was lost is looked up the same way before
 *   the attempt is reported as failed.
 * - `order.cancel` closes every line, which is idempotent, after a compare of the
 *   order's last-modified time with `expectedVersion` (NetSuite's REST API has no
 *   conditional update, so the compare is a read right before the write).
 */
import { DomainError, ErrorCode, UpstreamError, badInput, notFound } from '../../../lib/errors.js';
import type { IdFormat } from '../../../lib/mapping.js';
import { ERP_ADDRESS_MAX_LENGTH as MAX } from '../../../lib/erp/address.js';
import { entityTag, listTag } from '../../../lib/cache/index.js';
import type { WriteCoordinator, WriteEvent } from '../../../lib/writes/index.js';
import type { OrderingReads } from './cached.js';
import type { OrderReads } from './loaders.js';
import {
  DuplicateExternalId,
  type CatalogItem,
  type CustomerStanding,
  type OrderConnector,
  type OrderLineRecord,
  type OrderRecord,
  type ReturnRecord,
  type ShipmentRecord,
  type ShipTo,
  type WrittenOrder,
} from './netsuite.js';
import type { OrderStatus, SalesChannel } from './status.js';

/** The bus topic of order status changes (from the change feed and from this subgraph's writes). */
export const ORDER_STATUS_TOPIC = 'order.status';
/** The bus topic of return requests this subgraph applied. */
export const ORDER_RETURNS_TOPIC = 'order.returns';

/** The payload of an `order.status` event. */
export interface OrderStatusEvent {
  orderId: string;
  customerId: string;
  /** Null when the order is new, or the feed had not seen it before. */
  previousStatus: OrderStatus | null;
  status: OrderStatus;
  /** The ERP's last-modified instant of the order after the change. */
  changedAt: string;
}

/**
 * One change, one id, whoever reports it: a write and the change feed that later
 * reads the same change produce the same id, and the bus drops the second.
 */
export const orderStatusEventId = (orderId: string, status: OrderStatus, changedAt: string): string => `order-status:${orderId}:${status}:${changedAt}`;

/** NetSuite external ids allow letters, digits, `_` and `-`; a writeId (`order:w_<uuid>`) maps onto that one to one. */
export const externalIdOf = (dedupeKey: string): string => dedupeKey.replace(/[^A-Za-z0-9_-]/g, '-');

export const WRITE_KINDS = { place: 'order.place', cancel: 'order.cancel', return: 'order.return' } as const;

export interface PlaceOrderPayload {
  customerId: string;
  lines: Array<{ sku: string; quantity: number }>;
  channel: SalesChannel;
  shipTo: ShipTo | null;
  memo: string | null;
}

export interface CancelOrderPayload {
  orderId: string;
  reason: string;
  /** Known when the mutation could read the order; the applier reads it again either way. */
  customerId: string | null;
}

export interface ReturnLineRequest {
  lineNumber: number | null;
  sku: string | null;
  quantity: number;
}

export interface ReturnPayload {
  orderId: string;
  customerId: string | null;
  lines: ReturnLineRequest[];
  reason: string;
}

export interface PlacedOrder {
  orderId: string;
  customerId: string;
  status: OrderStatus | null;
  lastModifiedAt: string | null;
}

export interface CancelledOrder {
  orderId: string;
  customerId: string;
  previousStatus: OrderStatus | null;
  status: OrderStatus | null;
  lastModifiedAt: string | null;
  /** The order was already closed when the write ran: nothing was written, nothing changed. */
  unchanged: boolean;
}

export interface RequestedReturn {
  returnId: string;
  orderId: string;
  customerId: string;
}

// ---------------------------------------------------------------- shape checks (no calls)

const MAX_LINES = 100;
const MAX_QUANTITY = 9999;
const SKU = /^[\x21-\x7e]{1,60}$/;
const COUNTRY = /^[A-Z]{2}$/;

function text(value: string | null | undefined, what: string, argumentName: string, max: number, required: boolean): string | null {
  const v = value?.trim() ?? '';
  if (!v) {
    if (required) throw badInput(`expected a non-empty ${what}`, { argumentName });
    return null;
  }
  if (v.length > max) throw badInput(`expected a ${what} of at most ${max} characters, got ${v.length}`, { argumentName });
  return v;
}

function quantityOf(q: number, argumentName: string): number {
  if (!Number.isInteger(q) || q < 1 || q > MAX_QUANTITY) throw badInput(`expected a quantity from 1 to ${MAX_QUANTITY}, got ${q}`, { argumentName });
  return q;
}

export interface PlaceOrderInputShape {
  customerId: string;
  lines: ReadonlyArray<{ sku: string; quantity: number }>;
  channel?: SalesChannel | null;
  shipTo?: ShipTo | null;
  memo?: string | null;
}

/** The payload of a placeOrder, or BAD_USER_INPUT naming the first problem. Costs no call. */
export function shapePlaceOrder(input: PlaceOrderInputShape, customerFormat: IdFormat): PlaceOrderPayload {
  if (!customerFormat.test(input.customerId)) {
    throw badInput(`expected a ${customerFormat.describe()}, got '${input.customerId.slice(0, 60)}'`, { argumentName: 'input.customerId' });
  }
  if (input.lines.length < 1 || input.lines.length > MAX_LINES) throw badInput(`expected 1 to ${MAX_LINES} order lines, got ${input.lines.length}`, { argumentName: 'input.lines' });
  const lines = input.lines.map((l, i) => {
    const sku = l.sku.trim();
    if (!SKU.test(sku)) throw badInput(`expected a SKU such as "SKU-10042" on line ${i + 1}, got '${l.sku.slice(0, 60)}'`, { argumentName: `input.lines[${i}].sku` });
    return { sku, quantity: quantityOf(l.quantity, `input.lines[${i}].quantity`) };
  });
  let shipTo: ShipTo | null = null;
  if (input.shipTo) {
    const a = input.shipTo;
    const country = a.country.trim().toUpperCase();
    if (!COUNTRY.test(country)) throw badInput(`expected a two-letter ISO country code such as "US", got '${a.country.slice(0, 10)}'`, { argumentName: 'input.shipTo.country' });
    shipTo = {
      name: text(a.name, 'addressee', 'input.shipTo.name', MAX.addressee, false),
      line1: text(a.line1, 'address line', 'input.shipTo.line1', MAX.line1, true) as string,
      line2: text(a.line2, 'address line', 'input.shipTo.line2', MAX.line2, false),
      city: text(a.city, 'city', 'input.shipTo.city', MAX.city, true) as string,
      region: text(a.region, 'region', 'input.shipTo.region', MAX.region, false),
      postalCode: text(a.postalCode, 'postal code', 'input.shipTo.postalCode', MAX.postalCode, true) as string,
      country,
    };
  }
  return { customerId: input.customerId, lines, channel: input.channel ?? 'WEB', shipTo, memo: text(input.memo, 'memo', 'input.memo', 999, false) };
}

export function shapeCancel(args: { id: string; reason: string }, orderFormat: IdFormat): { orderId: string; reason: string } {
  if (!orderFormat.test(args.id)) throw badInput(`expected an ${orderFormat.describe()}, got '${args.id.slice(0, 60)}'`, { argumentName: 'id' });
  return { orderId: args.id, reason: text(args.reason, 'reason', 'reason', 500, true) as string };
}

export interface ReturnInputShape {
  orderId: string;
  lines: ReadonlyArray<{ lineNumber?: number | null; sku?: string | null; quantity: number }>;
  reason: string;
}

export function shapeReturn(input: ReturnInputShape, orderFormat: IdFormat): Omit<ReturnPayload, 'customerId'> {
  if (!orderFormat.test(input.orderId)) throw badInput(`expected an ${orderFormat.describe()}, got '${input.orderId.slice(0, 60)}'`, { argumentName: 'input.orderId' });
  if (input.lines.length < 1 || input.lines.length > MAX_LINES) throw badInput(`expected 1 to ${MAX_LINES} return lines, got ${input.lines.length}`, { argumentName: 'input.lines' });
  const lines = input.lines.map((l, i): ReturnLineRequest => {
    const hasLine = l.lineNumber != null;
    const hasSku = l.sku != null && l.sku.trim() !== '';
    if (hasLine === hasSku) throw badInput(`expected either lineNumber or sku on return line ${i + 1}, not ${hasLine ? 'both' : 'neither'}`, { argumentName: `input.lines[${i}]` });
    if (hasLine && (!Number.isInteger(l.lineNumber) || (l.lineNumber as number) < 1)) {
      throw badInput(`expected a lineNumber of 1 or more on return line ${i + 1}, got ${String(l.lineNumber)}`, { argumentName: `input.lines[${i}].lineNumber` });
    }
    return { lineNumber: hasLine ? (l.lineNumber as number) : null, sku: hasSku ? (l.sku as string).trim() : null, quantity: quantityOf(l.quantity, `input.lines[${i}].quantity`) };
  });
  return { orderId: input.orderId, lines, reason: text(input.reason, 'reason', 'input.reason', 500, true) as string };
}

// ---------------------------------------------------------------- business checks (reads, from the cache when warm)

/** A read answered per key: the value, or throws its Error (NOT_FOUND when absent). */
function one<V>(found: Map<string, V | Error>, key: string, what: string): V {
  const v = found.get(key);
  if (v instanceof Error) throw v;
  if (v === undefined) throw notFound(`the ERP has no ${what} ${key}`);
  return v;
}

/**
 * Checks a placeOrder against the ERP: the customer exists, is active and not on
 * credit hold; every SKU is a known, active item. Returns the internal ids the
 * record API needs. ERP failures propagate (the mutation then queues the write).
 */
export async function checkPlaceOrder(p: PlaceOrderPayload, reads: OrderingReads): Promise<{ customer: CustomerStanding; items: Map<string, CatalogItem> }> {
  const skus = [...new Set(p.lines.map((l) => l.sku))];
  const [standing, items] = await Promise.all([reads.customerStanding([p.customerId]), reads.itemsBySku(skus)]);
  for (const v of items.values()) if (v instanceof Error) throw v;
  const customerValue = standing.get(p.customerId);
  if (customerValue instanceof Error) throw customerValue;
  if (!customerValue) throw badInput(`the ERP has no customer ${p.customerId}`, { argumentName: 'input.customerId' });
  if (customerValue.inactive) throw badInput(`customer ${p.customerId} is inactive in the ERP`, { argumentName: 'input.customerId' });
  const unknown = skus.filter((s) => {
    const item = items.get(s);
    return !item || item instanceof Error || item.inactive;
  });
  if (unknown.length) throw badInput(`unknown or inactive SKU${unknown.length > 1 ? 's' : ''}: ${unknown.slice(0, 10).join(', ')}`, { argumentName: 'input.lines', skus: unknown.slice(0, 10) });
  // Credit hold last: a malformed order is the client's to fix whatever the customer's standing.
  if (customerValue.creditHold) throw new DomainError(ErrorCode.CREDIT_HOLD, `customer ${p.customerId} is on credit hold in the ERP; no new orders until it is released`, { customerId: p.customerId });
  return { customer: customerValue, items: items as Map<string, CatalogItem> };
}

/** Only an order nobody has started to pick can still be cancelled. */
export function cancellable(status: OrderStatus | undefined): boolean {
  return status === 'PENDING_APPROVAL' || status === 'BOOKED';
}

export function checkCancellable(order: OrderRecord): void {
  if (!cancellable(order.status)) {
    throw new DomainError(
      ErrorCode.INVALID_STATUS_TRANSITION,
      `order ${order.id} is ${order.status ?? order.erpStatus}; only PENDING_APPROVAL or BOOKED orders can be cancelled (request a return for shipped items)`,
      { orderId: order.id, status: order.status ?? null },
    );
  }
}

const ACTIVE_RETURN = (r: ReturnRecord): boolean => r.status !== 'CANCELLED';

/**
 * The order lines and quantities a return request asks for, or the refusal:
 * BAD_USER_INPUT for an unknown line, an ambiguous SKU, or more than was shipped
 * and not yet returned; RETURN_WINDOW_EXPIRED past `windowDays` after the order's
 * last shipment. Quantities already on open or approved RMAs count as returned.
 */
export function planReturn(
  req: Pick<ReturnPayload, 'orderId' | 'lines'>,
  facts: { lines: readonly OrderLineRecord[]; shipments: readonly ShipmentRecord[]; returns: readonly ReturnRecord[] },
  policy: { now: number; windowDays: number },
): Array<{ lineNumber: number; quantity: number }> {
  const wanted = new Map<number, number>();
  req.lines.forEach((r, i) => {
    let line: OrderLineRecord | undefined;
    if (r.lineNumber !== null) {
      line = facts.lines.find((l) => l.lineNumber === r.lineNumber);
      if (!line) throw badInput(`order ${req.orderId} has no line ${r.lineNumber}`, { argumentName: `input.lines[${i}].lineNumber` });
    } else {
      const matches = facts.lines.filter((l) => l.sku === r.sku);
      if (matches.length === 0) throw badInput(`order ${req.orderId} has no line with SKU ${r.sku ?? ''}`, { argumentName: `input.lines[${i}].sku` });
      if (matches.length > 1) throw badInput(`order ${req.orderId} has ${matches.length} lines with SKU ${r.sku ?? ''}; name the line by lineNumber`, { argumentName: `input.lines[${i}].sku` });
      line = matches[0] as OrderLineRecord;
    }
    wanted.set(line.lineNumber, (wanted.get(line.lineNumber) ?? 0) + r.quantity);
  });

  const shippedAt = facts.shipments.map((s) => s.shippedAt).filter((t): t is string => t !== null).sort().at(-1);
  if (!shippedAt || facts.lines.every((l) => l.quantityShipped === 0)) {
    throw badInput(`order ${req.orderId} has not shipped anything yet; nothing can be returned`, { argumentName: 'input.orderId' });
  }
  const deadline = Date.parse(shippedAt) + policy.windowDays * 86_400_000;
  if (policy.now > deadline) {
    throw new DomainError(
      ErrorCode.RETURN_WINDOW_EXPIRED,
      `the return window of ${policy.windowDays} days for order ${req.orderId} closed on ${new Date(deadline).toISOString()} (last shipment ${shippedAt})`,
      { orderId: req.orderId, windowDays: policy.windowDays },
    );
  }

  // The ERP tracks returned quantities per item, so the check does too.
  const returned = new Map<string, number>();
  for (const r of facts.returns.filter(ACTIVE_RETURN)) for (const l of r.lines) returned.set(l.sku, (returned.get(l.sku) ?? 0) + l.quantity);
  const askedBySku = new Map<string, number>();
  const shippedBySku = new Map<string, number>();
  for (const l of facts.lines) shippedBySku.set(l.sku, (shippedBySku.get(l.sku) ?? 0) + l.quantityShipped);
  for (const [lineNumber, q] of wanted) {
    const line = facts.lines.find((l) => l.lineNumber === lineNumber) as OrderLineRecord;
    askedBySku.set(line.sku, (askedBySku.get(line.sku) ?? 0) + q);
    if (q > line.quantityShipped) {
      throw badInput(`line ${lineNumber} of order ${req.orderId} shipped ${line.quantityShipped}; cannot return ${q}`, { argumentName: 'input.lines', lineNumber });
    }
  }
  for (const [sku, q] of askedBySku) {
    const available = (shippedBySku.get(sku) ?? 0) - (returned.get(sku) ?? 0);
    if (q > available) {
      throw badInput(`only ${Math.max(0, available)} of ${sku} on order ${req.orderId} are shipped and not yet returned; cannot return ${q}`, { argumentName: 'input.lines', sku });
    }
  }
  return [...wanted].map(([lineNumber, quantity]) => ({ lineNumber, quantity }));
}

/** The order facts a return is checked against, through the (cached) reads. */
export async function returnFacts(reads: OrderReads, orderId: string): Promise<{ lines: OrderLineRecord[]; shipments: ShipmentRecord[]; returns: ReturnRecord[] }> {
  const [lines, shipments, returns] = await Promise.all([reads.linesOfOrders([orderId]), reads.shipmentsOfOrders([orderId]), reads.returnsOfOrders([orderId])]);
  const pick = <V>(m: Map<string, V[] | Error>): V[] => {
    const v = m.get(orderId);
    if (v instanceof Error) throw v;
    return v ?? [];
  };
  return { lines: pick(lines), shipments: pick(shipments), returns: pick(returns) };
}

/**
 * Runs a check on cached data and believes a refusal only once the ERP confirms
 * it: the entries the check read are dropped (`invalidate`) and the check runs
 * again on fresh reads. The cache serves the common case, where the write goes
 * ahead, and can never refuse a valid write because it lags the ERP (an order
 * shipped a second ago, a credit hold just released). Without a cache the first
 * answer already came from the ERP.
 */
export async function confirmed<T>(check: () => Promise<T>, recheck: { invalidate: ((tags: string[]) => Promise<unknown>) | undefined; tags: string[]; reset?: () => void }): Promise<T> {
  try {
    return await check();
  } catch (e) {
    // An access refusal depends on who asks, not on how fresh the data is.
    if (!(e instanceof DomainError) || e.code === ErrorCode.FORBIDDEN || !recheck.invalidate) throw e;
    await recheck.invalidate(recheck.tags);
    recheck.reset?.();
    return check();
  }
}

/** The cache entries a placeOrder's checks read. */
export const placeOrderCheckTags = (p: PlaceOrderPayload): string[] => [listTag('Customer', p.customerId, 'financials'), ...new Set(p.lines.map((l) => entityTag('Item', l.sku)))];

// ---------------------------------------------------------------- appliers

export interface OrderWriteDeps {
  /** The ERP, uncached: writes, and the fresh read a conditional cancel compares. */
  erp: OrderConnector;
  /** The reads the checks use (cached when the subgraph has a cache). */
  reads: OrderReads;
  /** The reads a write's checks make (cached when the subgraph has a cache). */
  ordering: OrderingReads;
  /** The return window, from the org mapping (netsuite.returnWindowDays). */
  returnWindowDays: number;
  now: () => number;
  /** Drops cached entries so that a refusal is confirmed on fresh reads; undefined without a cache. */
  invalidate: ((tags: string[]) => Promise<unknown>) | undefined;
}

const statusEvent = (e: OrderStatusEvent): WriteEvent => ({ type: 'OrderStatusChanged', data: { ...e, eventId: orderStatusEventId(e.orderId, e.status, e.changedAt) } });

/** A transient failure of a create may have committed before the response was lost: look for the record before reporting it. */
async function createOnce<T>(create: () => Promise<T>, lookup: () => Promise<T | null>, resumed: boolean): Promise<T> {
  if (resumed) {
    const found = await lookup();
    if (found) return found;
  }
  try {
    return await create();
  } catch (e) {
    if (e instanceof DuplicateExternalId) {
      const found = await lookup();
      if (found) return found;
      throw new UpstreamError('ERP', 'error', `${e.message}, but it cannot be read back`, { upstreamCode: 'DUP_RCRD' });
    }
    // A refusal by the open circuit never reached the ERP, so nothing can have committed: queue it as it is.
    if (e instanceof UpstreamError && e.transient && !e.details.circuitOpen) {
      const found = await lookup().catch(() => null);
      if (found) return found;
    }
    throw e;
  }
}

const placed = (o: WrittenOrder, customerId: string): PlacedOrder => ({ orderId: o.orderId, customerId, status: o.status ?? null, lastModifiedAt: o.lastModifiedAt ?? null });

/** Registers the three order write kinds. Call before `writes.start()`: queued writes need their applier after a restart. */
export function registerOrderAppliers(writes: WriteCoordinator, deps: OrderWriteDeps): void {
  writes.registerApplier<PlaceOrderPayload, PlacedOrder>(
    WRITE_KINDS.place,
    async (p, ctx) => {
      // Re-checked on every attempt: a replay hours later meets the customer's standing as it is then.
      const { customer, items } = await confirmed(() => checkPlaceOrder(p, deps.ordering), { invalidate: deps.invalidate, tags: placeOrderCheckTags(p) });
      const externalId = externalIdOf(ctx.dedupeKey);
      const order = await createOnce(
        () =>
          deps.erp.createSalesOrder({
            externalId,
            customerInternalId: customer.internalId,
            lines: p.lines.map((l) => ({ itemInternalId: (items.get(l.sku) as CatalogItem).internalId, quantity: l.quantity })),
            channel: p.channel,
            shipTo: p.shipTo,
            memo: p.memo,
          }),
        () => deps.erp.orderByExternalId(externalId),
        ctx.resumed,
      );
      return placed(order, p.customerId);
    },
    {
      dedupe: 'external-id',
      invalidates: (p, r) => [listTag('Customer', p.customerId, 'orders'), entityTag('Order', r.orderId)],
      event: (_p, r) =>
        r.status && r.lastModifiedAt ? statusEvent({ orderId: r.orderId, customerId: r.customerId, previousStatus: null, status: r.status, changedAt: r.lastModifiedAt }) : undefined,
    },
  );

  writes.registerApplier<CancelOrderPayload, CancelledOrder>(
    WRITE_KINDS.cancel,
    async (p, ctx) => {
      // Fresh, not cached: the version compare must see what the ERP holds now.
      const order = (await deps.erp.ordersByNumber([p.orderId])).get(p.orderId);
      if (!order) throw notFound(`the ERP has no order ${p.orderId}`, { orderId: p.orderId });
      const base = { orderId: order.id, customerId: order.customerId, previousStatus: order.status ?? null, lastModifiedAt: order.lastModifiedAt ?? null };
      // Closed already (our own earlier attempt, or someone else's cancel): the state asked for holds, so this is success.
      if (order.status === 'CLOSED' || order.status === 'CANCELLED') return { ...base, status: order.status, unchanged: true };
      if (ctx.expectedVersion !== undefined && order.version !== ctx.expectedVersion) {
        throw ctx.conflict(`order ${order.id} changed in the ERP at ${order.lastModifiedAt ?? 'an unknown time'}, after version ${ctx.expectedVersion}; read it again before cancelling`, {
          orderId: order.id,
          currentVersion: order.version ?? null,
        });
      }
      checkCancellable(order);
      const { lines } = await returnFacts(deps.reads, order.id);
      const after = await deps.erp.closeOrderLines(
        order.internalId,
        lines.map((l) => l.lineNumber),
        `Cancelled: ${p.reason}`.slice(0, 999),
      );
      return { ...base, status: after.status ?? null, lastModifiedAt: after.lastModifiedAt ?? null, unchanged: false };
    },
    {
      dedupe: 'conditional',
      invalidates: (_p, r) => [entityTag('Order', r.orderId), listTag('Customer', r.customerId, 'orders')],
      event: (_p, r) =>
        !r.unchanged && r.status && r.lastModifiedAt
          ? statusEvent({ orderId: r.orderId, customerId: r.customerId, previousStatus: r.previousStatus, status: r.status, changedAt: r.lastModifiedAt })
          : undefined,
    },
  );

  writes.registerApplier<ReturnPayload, RequestedReturn>(
    WRITE_KINDS.return,
    async (p, ctx) => {
      const { order, plan } = await confirmed(
        async () => {
          const o = one(await deps.reads.ordersByNumber([p.orderId]), p.orderId, 'order');
          return { order: o, plan: planReturn(p, await returnFacts(deps.reads, p.orderId), { now: deps.now(), windowDays: deps.returnWindowDays }) };
        },
        { invalidate: deps.invalidate, tags: [entityTag('Order', p.orderId)] },
      );
      const externalId = externalIdOf(ctx.dedupeKey);
      const created = await createOnce(
        () => deps.erp.createReturn({ orderInternalId: order.internalId, lines: plan, reason: p.reason, externalId }),
        () => deps.erp.returnByExternalId(externalId),
        ctx.resumed,
      );
      return { returnId: created.returnId, orderId: order.id, customerId: order.customerId };
    },
    {
      dedupe: 'external-id',
      invalidates: (_p, r) => [entityTag('Order', r.orderId)],
      event: (_p, r) => ({ type: 'ReturnRequested', data: { eventId: `order-return:${r.returnId}`, returnId: r.returnId, orderId: r.orderId, customerId: r.customerId } }),
    },
  );
}
