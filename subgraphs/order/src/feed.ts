/**
 * The ERP change feed for orders. NetSuite offers no push the product can rely
 * on, so the subgraph polls sales orders by last-modified time (an order whose
 * item fulfillment changed counts as changed), with the shared poller
 * (lib/feeds/poller.ts): persisted watermark, an overlap window so equal
 * timestamps and late commits are not skipped, every page followed.
 *
 * Each poll invalidates the cache entries of every order it saw (header, lines,
 * shipments, returns, the customer's order lists) before it publishes, so a
 * subscriber that reads the order on the event sees the change. A status that
 * differs from the last one the feed knew becomes an `order.status` event whose
 * id is derived from (order, status, last-modified): the same change reported
 * by a write of this subgraph, or read twice in the overlap, is one event.
 *
 * The first change the feed sees of an order carries the status the product
 * last knew, when it knew one: the order as cached by an earlier read (of the
 * order, or of a list it was on), taken before the poll drops it, and only when
 * it predates the change. Null only when nothing knew.
 */
import { entityTag, listTag, type Peeked } from '../../../lib/cache/index.js';
import type { EventBus, NewEvent } from '../../../lib/events/bus.js';
import { createPoller, type ChangedRecord, type Poller } from '../../../lib/feeds/poller.js';
import type { FeedStateStore } from '../../../lib/feeds/state.js';
import type { OrderConnector, OrderRecord } from './netsuite.js';
import { ORDER_STATUSES, type OrderStatus } from './status.js';
import { ORDER_STATUS_TOPIC, orderStatusEventId, type OrderStatusEvent } from './writes.js';

export interface OrderFeedOptions {
  /** Milliseconds between polls. @default 5000 */
  intervalMs?: number;
  /** How far before the watermark each poll starts again; must exceed the ERP's commit-to-visible delay. @default 10000 */
  overlapMs?: number;
  /** Most orders read per poll; the rest are read by the next poll, from the newest one read. @default 10000 */
  maxRowsPerPoll?: number;
}

interface ChangedOrder extends ChangedRecord {
  order: OrderRecord;
}

/**
 * True when a cached order shows the ERP's state from before the change modified at `changedAt`:
 * its own last-modified time (the ERP's clock, so ours need not agree) is earlier, or, when the ERP
 * gave none, it was read before. NetSuite keeps whole seconds, so a read in the second of the
 * change itself cannot be placed and is not used.
 */
function readBefore(c: Peeked<OrderRecord>, changedAt: string): boolean {
  const at = Date.parse(changedAt);
  const modified = c.value.lastModifiedAt ? Date.parse(c.value.lastModifiedAt) : NaN;
  return Number.isNaN(modified) ? c.fetchedAt < at : modified < at;
}

const isOrderStatus = (v: string | undefined): v is OrderStatus => v !== undefined && (ORDER_STATUSES as readonly string[]).includes(v);

export function createOrderFeed(deps: {
  erp: OrderConnector;
  bus: EventBus;
  state: FeedStateStore;
  /** Drops cached entries by tag (the subgraph's entity cache). */
  invalidate: (tags: string[]) => Promise<unknown>;
  /** The orders the cache holds, whatever their age (EntityCache#peek). @default nothing is known */
  lastKnown?: (orderIds: string[]) => Promise<Map<string, Peeked<OrderRecord>>>;
  /** Told after each successful poll. @default nothing */
  onSuccess?: () => void;
  options?: OrderFeedOptions;
}): Poller {
  const o = deps.options ?? {};
  return createPoller<ChangedOrder>({
    name: 'order-status',
    bus: deps.bus,
    store: deps.state,
    intervalMs: o.intervalMs,
    overlapMs: o.overlapMs,
    onSuccess: deps.onSuccess,
    async readChanges(since) {
      const orders = await deps.erp.changedOrders(since, { maxRows: o.maxRowsPerPoll ?? 10_000 });
      return orders.map((order) => ({
        key: order.id,
        modifiedAt: order.lastModifiedAt ?? order.fetchedAt,
        // An unmapped ERP status is kept as its raw code, so a later mapped one still reads as a change.
        value: order.status ?? `erp:${order.erpStatus}`,
        order,
      }));
    },
    async seedKnown(records) {
      const known = new Map<string, string>();
      if (!deps.lastKnown) return known;
      const cached = await deps.lastKnown(records.map((r) => r.key));
      for (const r of records) {
        const c = cached.get(r.key);
        if (c?.value.status && readBefore(c, r.modifiedAt)) known.set(r.key, c.value.status);
      }
      return known;
    },
    async onChange(records) {
      const tags = records.flatMap((r) => [entityTag('Order', r.order.id), listTag('Customer', r.order.customerId, 'orders')]);
      await deps.invalidate([...new Set(tags)]);
    },
    toEvents(r, previous): Array<NewEvent<OrderStatusEvent>> {
      const status = r.order.status;
      // An order the graph cannot map has no status to announce; the read path reports it as an ERP error.
      if (!status) return [];
      const changedAt = r.modifiedAt;
      return [
        {
          eventId: orderStatusEventId(r.order.id, status, changedAt),
          topic: ORDER_STATUS_TOPIC,
          occurredAt: changedAt,
          payload: { orderId: r.order.id, customerId: r.order.customerId, previousStatus: isOrderStatus(previous) ? previous : null, status, changedAt },
        },
      ];
    },
  });
}
