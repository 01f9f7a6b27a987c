/**
 * The order connector's reads behind the entity cache: order headers, their
 * lines, shipments and returns, and which orders each customer has. Answers per
 * key (OrderReads), so a key the ERP failed for, with nothing cached, fails
 * alone while its batch-mates are served from the cache.
 */
import { entityTag, listTag, loadLists, lookupValue, type EntityCache, type EntryKind, type Lookup } from '../../../lib/cache/index.js';
import type { OrderReads } from './loaders.js';
import type { OrderConnector, OrderLineRecord, OrderRecord, ReturnRecord, ShipmentRecord } from './netsuite.js';
import type { OrderStatus } from './status.js';

export const ORDER_CACHE_KINDS = {
  order: { name: 'order/Order', domain: 'orderStatus', tag: (id) => entityTag('Order', id) },
  lines: { name: 'order/Order.lines', domain: 'orderLines', tag: (id) => entityTag('Order', id) },
  shipments: { name: 'order/Order.shipments', domain: 'shipments', tag: (id) => entityTag('Order', id) },
  returns: { name: 'order/Order.returns', domain: 'returns', tag: (id) => entityTag('Order', id) },
  customerOrders: { name: 'order/Customer.orders', domain: 'orderLists', tag: (id) => listTag('Customer', id, 'orders') },
} as const satisfies Record<string, EntryKind>;

/** Per key: the value, its Error, or nothing when the ERP has no such thing. */
function settle<V>(keys: readonly string[], found: Map<string, Lookup<V>>): Map<string, V | Error> {
  const out = new Map<string, V | Error>();
  for (const k of keys) {
    const v = lookupValue(found.get(k));
    if (v !== null) out.set(k, v);
  }
  return out;
}

export function cachedOrderReads(inner: OrderConnector, cache: EntityCache): OrderReads {
  const byNumber = (numbers: readonly string[]): Promise<Map<string, Lookup<OrderRecord>>> =>
    cache.load(ORDER_CACHE_KINDS.order, numbers, (missing) => inner.ordersByNumber(missing));

  const part = <V>(kind: EntryKind, read: (numbers: readonly string[]) => Promise<Map<string, V[]>>) =>
    async (numbers: readonly string[]): Promise<Map<string, V[] | Error>> => {
      const found = await cache.load<V[]>(kind, numbers, async (missing) => {
        const got = await read(missing);
        // The connector answers [] for an order without rows; that is a value worth caching.
        return new Map(missing.map((n) => [n, got.get(n) ?? []]));
      });
      return settle(numbers, found);
    };

  return {
    async ordersByNumber(numbers) {
      return settle(numbers, await byNumber(numbers));
    },

    async ordersOfCustomers(customerIds, filter = {}) {
      const status: readonly OrderStatus[] = filter.status ?? [];
      const lists = await loadLists<OrderRecord, null>(cache, customerIds, {
        list: ORDER_CACHE_KINDS.customerOrders,
        record: ORDER_CACHE_KINDS.order,
        idOf: (o) => o.id,
        listOptions: { args: status.length ? `status=${status.join(',')}` : 'all' },
        async fetchLists(parents) {
          const got = await inner.ordersOfCustomers(parents, { status });
          return new Map(parents.map((p) => [p, { records: got.get(p) ?? [], meta: null }]));
        },
        loadRecords: (ids) => byNumber(ids),
      });
      const settled = settle(customerIds, lists);
      return new Map(
        customerIds.map((c) => {
          const l = settled.get(c);
          return [c, l === undefined ? [] : l instanceof Error ? l : l.records];
        }),
      );
    },

    linesOfOrders: part<OrderLineRecord>(ORDER_CACHE_KINDS.lines, (n) => inner.linesOfOrders(n)),
    shipmentsOfOrders: part<ShipmentRecord>(ORDER_CACHE_KINDS.shipments, (n) => inner.shipmentsOfOrders(n)),
    returnsOfOrders: part<ReturnRecord>(ORDER_CACHE_KINDS.returns, (n) => inner.returnsOfOrders(n)),
  };
}
