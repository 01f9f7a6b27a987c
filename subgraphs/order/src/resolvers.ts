/**
 * Resolvers of the order subgraph. They validate ids before any call, go through
 * the request's loaders for every read, and never see SuiteQL or HTTP.
 */
import { badInput, DomainError, ErrorCode, UpstreamError } from '../../../lib/errors.js';
import type { IdFormat } from '../../../lib/mapping.js';
import { connection, decodeCursor, freshNow, oldest, pageSize, type Connection, type Freshness } from '../../../lib/pagination.js';
import type { OrderLoaders } from './loaders.js';
import type { OrderLineRecord, OrderRecord, ReturnRecord, ShipmentRecord } from './netsuite.js';
import { ORDER_STATUSES, type OrderStatus, type RefundStatus, type ReturnStatus, type ShipmentStatus } from './status.js';
import type { Resolvers } from './__generated__/resolvers-types.js';

export interface OrderContext {
  loaders: OrderLoaders;
  ids: { order: IdFormat; customer: IdFormat };
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
      return orderOrNull(ctx, args.id);
    },
  },

  Customer: {
    // The customer is only its number here: resolving the reference costs no call.
    __resolveReference(ref): CustomerRef {
      return { id: ref.id };
    },

    async orders(customer, args, ctx): Promise<OrderConnectionParent> {
      const first = pageSize(args.first, 10);
      const cursor = decodeCursor(args.after, isOrderCursor);
      if (!ctx.ids.customer.test(customer.id)) {
        throw badInput(`expected a ${ctx.ids.customer.describe()}, got '${customer.id.slice(0, 60)}'`, { customerId: customer.id });
      }
      const status = [...new Set(args.status ?? [])].sort((a, b) => ORDER_STATUSES.indexOf(a) - ORDER_STATUSES.indexOf(b));
      const all = await ctx.loaders.ordersOfCustomer.load({ customerId: customer.id, status });
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
      return orderOrNull(ctx, ref.id);
    },
    customer: (o): CustomerRef => ({ id: o.customerId }),
    status(o): OrderStatus {
      if (!o.status) throw unmapped('sales order', o.erpStatus, o.id);
      return o.status;
    },
    lines: (o, _, ctx): Promise<OrderLineRecord[]> => ctx.loaders.lines.load(o.id),
    shipments: (o, _, ctx): Promise<ShipmentRecord[]> => ctx.loaders.shipments.load(o.id),
    returns: (o, _, ctx): Promise<ReturnRecord[]> => ctx.loaders.returns.load(o.id),
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
