/**
 * Resolvers of the order subgraph. They validate ids before any call, go through
 * the request's loaders for every read, and never see SuiteQL or HTTP.
 */
import { badInput, DomainError, ErrorCode, UpstreamError } from '../../../lib/errors.js';
import type { IdFormat } from '../../../lib/mapping.js';
import { connection, decodeCursor, freshNow, oldest, pageSize, type Connection, type Freshness } from '../../../lib/pagination.js';
import { authorize, authorizeSubscription, isStorefront, type Caller } from '../../../lib/auth/index.js';
import type { EventBus } from '../../../lib/events/bus.js';
import { eventsFor, type SubscriptionContext } from '../../../lib/subscriptions.js';
import { entityTag } from '../../../lib/cache/index.js';
import { selectsPath } from '../../../lib/selection.js';
import { auditWriteCustomer } from '../../../lib/auth/index.js';
import type { WriteCoordinator } from '../../../lib/writes/index.js';
import { submitFor, writeQueueResolvers } from '../../../lib/writes/graph.js';
import type { OrderLoaders } from './loaders.js';
import { versionInstant, type OrderLineRecord, type OrderRecord, type ReturnRecord, type ShipmentRecord } from './netsuite.js';
import { ORDER_STATUSES, type OrderStatus, type RefundStatus, type ReturnStatus, type ShipmentStatus } from './status.js';
import {
  ORDER_STATUS_TOPIC,
  WRITE_KINDS,
  checkCancellable,
  checkPlaceOrder,
  confirmed,
  placeOrderCheckTags,
  planReturn,
  shapeCancel,
  shapePlaceOrder,
  shapeReturn,
  type CancelOrderPayload,
  type CancelledOrder,
  type OrderStatusEvent,
  type PlaceOrderPayload,
  type PlacedOrder,
  type RequestedReturn,
  type OrderWriteDeps,
  type ReturnPayload,
} from './writes.js';
import type { Resolvers } from './__generated__/resolvers-types.js';

/** What a request's resolvers have; the checks' reads, clock and cache hooks are the ones the appliers get (OrderWriteDeps). */
export interface OrderContext extends Pick<OrderWriteDeps, 'ordering' | 'returnWindowDays' | 'now' | 'invalidate'> {
  loaders: OrderLoaders;
  ids: { order: IdFormat; customer: IdFormat };
  /** Who is asking, as the gateway signed it. Every rule in lib/auth takes it. */
  caller: Caller;
  /** The subgraph's write coordinator (one per process). */
  writes: WriteCoordinator;
  /** Where order status events are published and subscribed. */
  bus: EventBus;
}

/** A Customer here is only its number: the order subgraph knows nothing else about it. */
export interface CustomerRef {
  id: string;
}

/** What Customer.orders resolves to; codegen.ts maps OrderConnection to it. */
export type OrderConnectionParent = Connection<OrderRecord>;

/** The keyset of a position in a customer's newest-first order list. */
interface OrderCursor {
  k: 'order';
  /** placedAt of the order at the cursor. */
  t: string;
  /** Its ERP internal id, which breaks ties between orders placed in the same second. */
  i: number;
}

const isOrderCursor = (v: unknown): v is OrderCursor => {
  const c = v as Partial<OrderCursor> | null;
  return typeof c === 'object' && c !== null && c.k === 'order' && typeof c.t === 'string' && typeof c.i === 'number';
};

/** True when `o` comes after the cursor in newest-first order. */
const after = (o: OrderRecord, c: OrderCursor): boolean => o.placedAt < c.t || (o.placedAt === c.t && o.internalId < c.i);

function isNotFound(e: unknown): boolean {
  return e instanceof DomainError && e.code === ErrorCode.NOT_FOUND;
}

/** Loads an order, or null when the ERP has no such order; ERP failures propagate. */
async function orderOrNull(ctx: OrderContext, id: string): Promise<OrderRecord | null> {
  try {
    return await ctx.loaders.order.load(id);
  } catch (e) {
    if (isNotFound(e)) return null;
    throw e;
  }
}

/** A value the ERP returned that this graph cannot map: the ERP's data, not the client's fault. */
function unmapped(what: string, code: string, id: string): UpstreamError {
  return new UpstreamError('ERP', 'error', `the ERP reported ${what} status '${code}' for ${id}, which docs/status-mapping.md does not map`, {
    upstreamCode: 'UNMAPPED_STATUS',
  });
}

const writeQueue = writeQueueResolvers('order', 'ERP', (ctx: OrderContext) => ctx.writes, (ctx) => ctx.bus);

/** Forgets what this request's loaders read of an order, so that the next read sees a write just applied. */
function forget(ctx: OrderContext, orderId: string): void {
  ctx.loaders.order.clear(orderId);
  ctx.loaders.lines.clear(orderId);
  ctx.loaders.shipments.clear(orderId);
  ctx.loaders.returns.clear(orderId);
}

/**
 * Loads an order a caller may see under `own-or-null` access: null when the ERP
 * has no such order or when it belongs to another customer than a storefront
 * caller's. The owner is only known from the record, so this costs the read.
 */
async function visibleOrder(ctx: OrderContext, id: string): Promise<OrderRecord | null> {
  const order = await orderOrNull(ctx, id);
  if (!order) return null;
  return authorize(ctx.caller, 'Query.order', { customerId: order.customerId }) ? order : null;
}

/**
 * The order a cancel or return acts on, with the caller's right to act on it
 * checked. A staff caller whose read failed transiently gets undefined: the
 * write is queued and its applier checks everything against the ERP. A storefront
 * caller's ownership cannot be proven without the read, so its failure propagates.
 */
async function orderToChange(ctx: OrderContext, id: string, operation: 'Mutation.cancelOrder' | 'Mutation.requestReturn'): Promise<OrderRecord | undefined> {
  let order: OrderRecord | null;
  try {
    order = await orderOrNull(ctx, id);
  } catch (e) {
    if (e instanceof UpstreamError && e.transient && !isStorefront(ctx.caller)) {
      authorize(ctx.caller, operation, {});
      return undefined;
    }
    throw e;
  }
  // A storefront caller learns nothing about orders that are not its own: unknown and foreign are both FORBIDDEN.
  if (isStorefront(ctx.caller) && order?.customerId !== ctx.caller.customerId) authorize(ctx.caller, operation, { customerId: order?.customerId ?? null });
  if (!order) throw new DomainError(ErrorCode.NOT_FOUND, `the ERP has no order ${id}`, { orderId: id });
  auditWriteCustomer(ctx, order.customerId);
  authorize(ctx.caller, operation, { customerId: order.customerId });
  return order;
}

/** A business check's read that failed transiently is not a refusal: the write is queued and checked again on replay. */
async function unlessUnavailable(check: () => Promise<unknown>): Promise<void> {
  try {
    await check();
  } catch (e) {
    if (e instanceof UpstreamError && e.transient) return;
    throw e;
  }
}

/**
 * A value read only if the client selected its field: graphql-js resolves a
 * thenable by calling `then`, which it does only for selected fields. A mutation
 * that asked only for `status` and `writeId` therefore costs no read after the write.
 */
function lazy<T>(load: () => Promise<T | null>): Promise<T> {
  let started: Promise<T | null> | undefined;
  const thenable: PromiseLike<T | null> = {
    then: (ok, fail) => (started ??= load()).then(ok, fail),
  };
  // Typed as Promise<T> because the generated types wrap a nullable field's value as Maybe<Promise<T> | T>;
  // graphql-js only needs `then`, and a null it resolves to is what the nullable field allows.
  return thenable as unknown as Promise<T>;
}

/** What a subscription's event carries to its resolve function. */
interface StatusChangeParent extends OrderStatusEvent {
  eventId: string;
}

/** Where an OrderConnection's selection asks for its orders' lines. */
const LINES_PATHS = [
  ['nodes', 'lines'],
  ['edges', 'node', 'lines'],
] as const;

const erpFreshness = (fetchedAt: string): Freshness => ({ source: 'ERP', fetchedAt, stale: false });

/**
 * Checked against the resolver types generated from this subgraph's SDL
 * (`npm run codegen`), which map each GraphQL type to the record it resolves from.
 * `satisfies` rather than an annotation keeps the exported type what
 * lib/subgraph.ts accepts: the generated `__resolveReference` signature
 * (reference, context, info) is not a GraphQLFieldResolver.
 */
export const resolvers = {
  Query: {
    async order(_, args, ctx): Promise<OrderRecord | null> {
      if (!ctx.ids.order.test(args.id)) {
        throw badInput(`expected an ${ctx.ids.order.describe()}, got '${args.id.slice(0, 60)}'`, { argumentName: 'id' });
      }
      return visibleOrder(ctx, args.id);
    },

    ...writeQueue.Query,
  },

  Mutation: {
    async placeOrder(_, args, ctx) {
      const payload = shapePlaceOrder(args.input, ctx.ids.customer);
      // Refused before any call: a storefront caller orders for its own customer only.
      authorize(ctx.caller, 'Mutation.placeOrder', { customerId: payload.customerId });
      await unlessUnavailable(() => confirmed(() => checkPlaceOrder(payload, ctx.ordering), { invalidate: ctx.invalidate, tags: placeOrderCheckTags(payload) }));
      const outcome = await submitFor<PlaceOrderPayload, PlacedOrder>(ctx.writes, ctx.caller, {
        kind: WRITE_KINDS.place,
        entityKey: `ERP:customer:${payload.customerId}`,
        payload,
        customerId: payload.customerId,
        idempotencyKey: args.idempotencyKey,
      });
      if (outcome.status !== 'APPLIED' || !outcome.result) return { status: outcome.status, writeId: outcome.writeId, order: null };
      const placedId = outcome.result.orderId;
      forget(ctx, placedId);
      return { status: outcome.status, writeId: outcome.writeId, order: lazy(() => orderOrNull(ctx, placedId)) };
    },

    async cancelOrder(_, args, ctx) {
      const { orderId, reason } = shapeCancel(args, ctx.ids.order);
      const order = await confirmed(
        async () => {
          const o = await orderToChange(ctx, orderId, 'Mutation.cancelOrder');
          // Already closed is success (cancelling twice changes nothing); anything shipped is refused here, without a write.
          if (o && o.status !== 'CLOSED' && o.status !== 'CANCELLED') checkCancellable(o);
          return o;
        },
        { invalidate: ctx.invalidate, tags: [entityTag('Order', orderId)], reset: () => forget(ctx, orderId) },
      );
      if (order) {
        // Versions are ERP instants: a copy already newer than the caller's proves a conflict without a fresh read.
        // An equal or older copy proves nothing (the cache may lag); the applier compares with a fresh read before it writes.
        if (args.expectedVersion != null && order.version !== undefined && versionInstant(order.version) > versionInstant(args.expectedVersion)) {
          throw new DomainError(ErrorCode.CONFLICT, `order ${orderId} changed in the ERP at ${order.lastModifiedAt ?? '?'}, after version ${args.expectedVersion}; read it again before cancelling`, {
            orderId,
            currentVersion: order.version,
          });
        }
      }
      const outcome = await submitFor<CancelOrderPayload, CancelledOrder>(ctx.writes, ctx.caller, {
        kind: WRITE_KINDS.cancel,
        entityKey: `ERP:order:${orderId}`,
        payload: { orderId, reason, customerId: order?.customerId ?? null },
        customerId: order?.customerId ?? null,
        idempotencyKey: args.idempotencyKey ?? null,
        expectedVersion: args.expectedVersion ?? null,
      });
      if (outcome.status !== 'APPLIED' || !outcome.result) return { status: outcome.status, writeId: outcome.writeId, order: null };
      forget(ctx, orderId);
      return { status: outcome.status, writeId: outcome.writeId, order: lazy(() => orderOrNull(ctx, orderId)) };
    },

    async requestReturn(_, args, ctx) {
      const shaped = shapeReturn(args.input, ctx.ids.order);
      const order = await orderToChange(ctx, shaped.orderId, 'Mutation.requestReturn');
      if (order) {
        const check = async (): Promise<void> => {
          const [lines, shipments, returns] = await Promise.all([
            ctx.loaders.lines.load(shaped.orderId),
            ctx.loaders.shipments.load(shaped.orderId),
            ctx.loaders.returns.load(shaped.orderId),
          ]);
          planReturn(shaped, { lines, shipments, returns }, { now: ctx.now(), windowDays: ctx.returnWindowDays });
        };
        await unlessUnavailable(() => confirmed(check, { invalidate: ctx.invalidate, tags: [entityTag('Order', shaped.orderId)], reset: () => forget(ctx, shaped.orderId) }));
      }
      const outcome = await submitFor<ReturnPayload, RequestedReturn>(ctx.writes, ctx.caller, {
        kind: WRITE_KINDS.return,
        entityKey: `ERP:order:${shaped.orderId}`,
        payload: { ...shaped, customerId: order?.customerId ?? null },
        customerId: order?.customerId ?? null,
        idempotencyKey: args.idempotencyKey,
      });
      if (outcome.status !== 'APPLIED' || !outcome.result) return { status: outcome.status, writeId: outcome.writeId, returnAuthorization: null };
      const { returnId } = outcome.result;
      forget(ctx, shaped.orderId);
      const rma = lazy(async () => (await ctx.loaders.returns.load(shaped.orderId)).find((r) => r.id === returnId) ?? null);
      return { status: outcome.status, writeId: outcome.writeId, returnAuthorization: rma };
    },

    ...writeQueue.Mutation,
  },

  Subscription: {
    ...writeQueue.Subscription,
    orderStatusChanged: {
      subscribe(_, args, ctx) {
        if (args.customerId != null && !ctx.ids.customer.test(args.customerId)) {
          throw badInput(`expected a ${ctx.ids.customer.describe()}, got '${args.customerId.slice(0, 60)}'`, { argumentName: 'customerId' });
        }
        if (args.orderId != null && !ctx.ids.order.test(args.orderId)) {
          throw badInput(`expected an ${ctx.ids.order.describe()}, got '${args.orderId.slice(0, 60)}'`, { argumentName: 'orderId' });
        }
        // The gateway applies the same rule; checked again here because a subgraph trusts the caller, not the gateway's checks.
        authorizeSubscription(ctx.caller, 'Subscription.orderStatusChanged', { customerId: args.customerId ?? null });
        const { customerId, orderId } = args;
        // lib/subgraph.ts merges the subscription's resume point and position into this context.
        const sub = ctx as unknown as SubscriptionContext;
        return eventsFor<OrderStatusEvent, StatusChangeParent>(ctx.bus, ORDER_STATUS_TOPIC, sub, {
          filter: (e) => (customerId == null || e.payload.customerId === customerId) && (orderId == null || e.payload.orderId === orderId),
          map: (e) => ({ ...e.payload, eventId: e.eventId }),
        });
      },
      async resolve(event: StatusChangeParent, _args: unknown, ctx: OrderContext) {
        // One context serves the whole subscription: forget the previous event's reads of this order.
        forget(ctx, event.orderId);
        return {
          eventId: event.eventId,
          order: await ctx.loaders.order.load(event.orderId),
          previousStatus: event.previousStatus,
          status: event.status,
          changedAt: event.changedAt,
        };
      },
    },
  },

  Customer: {
    // The customer is only its number here: resolving the reference costs no call.
    __resolveReference(ref): CustomerRef {
      return { id: ref.id };
    },

    async orders(customer, args, ctx, info): Promise<OrderConnectionParent> {
      const first = pageSize(args.first, 10);
      const cursor = decodeCursor(args.after, isOrderCursor);
      if (!ctx.ids.customer.test(customer.id)) {
        throw badInput(`expected a ${ctx.ids.customer.describe()}, got '${customer.id.slice(0, 60)}'`, { customerId: customer.id });
      }
      // Another customer's orders are refused before any call.
      authorize(ctx.caller, 'Customer.orders', { customerId: customer.id });
      const status = [...new Set(args.status ?? [])].sort((a, b) => ORDER_STATUSES.indexOf(a) - ORDER_STATUSES.indexOf(b));
      const key = { customerId: customer.id, status };
      // The page's lines, when selected, come with the list from the ERP: one call for both.
      if (LINES_PATHS.some((p) => selectsPath(info, p))) {
        ctx.loaders.wantLines(key, { first, ...(cursor ? { after: { placedAt: cursor.t, internalId: cursor.i } } : {}) });
      }
      const all = await ctx.loaders.ordersOfCustomer.load(key);
      const start = cursor ? all.findIndex((o) => after(o, cursor)) : 0;
      const from = start < 0 ? all.length : start;
      const page = all.slice(from, from + first);
      return connection(page, (o): OrderCursor => ({ k: 'order', t: o.placedAt, i: o.internalId }), {
        hasNextPage: from + first < all.length,
        totalCount: all.length,
        freshness: all.length ? oldest('ERP', all.map((o) => erpFreshness(o.fetchedAt))) : freshNow('ERP'),
      });
    },
  },

  Order: {
    // A malformed number cannot name an ERP order: null, and no call.
    async __resolveReference(ref, ctx): Promise<OrderRecord | null> {
      if (typeof ref.id !== 'string' || !ctx.ids.order.test(ref.id)) return null;
      return visibleOrder(ctx, ref.id);
    },
    customer: (o): CustomerRef => ({ id: o.customerId }),
    status(o): OrderStatus {
      if (!o.status) throw unmapped('sales order', o.erpStatus, o.id);
      return o.status;
    },
    lines: (o, _, ctx): Promise<OrderLineRecord[]> => ctx.loaders.lines.load(o.id),
    shipments: (o, _, ctx): Promise<ShipmentRecord[]> => ctx.loaders.shipments.load(o.id),
    returns: (o, _, ctx): Promise<ReturnRecord[]> => ctx.loaders.returns.load(o.id),
    version: (o): string | null => o.version ?? null,
    freshness: (o): Freshness => erpFreshness(o.fetchedAt),
  },

  Shipment: {
    status(s): ShipmentStatus {
      if (!s.status) throw unmapped('item fulfillment', s.erpStatus, s.id);
      return s.status;
    },
  },

  ReturnAuthorization: {
    status(r): ReturnStatus {
      if (!r.status) throw unmapped('return authorization', r.erpStatus, r.id);
      return r.status;
    },
    refundStatus(r): RefundStatus {
      if (!r.refundStatus) throw unmapped('return authorization', r.erpStatus, r.id);
      return r.refundStatus;
    },
  },
} satisfies Resolvers;
