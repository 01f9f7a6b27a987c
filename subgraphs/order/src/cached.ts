/**
 * The order connector's reads behind the entity cache: order headers, their
 * lines, shipments and returns, and which orders each customer has. Answers per
 * key (OrderReads), so a key the ERP failed for, with nothing cached, fails
 * alone while its batch-mates are served from the cache.
 */
import { entityTag, listTag, loadLists, lookupValue, type EntityCache, type EntryKind, type Lookup } from '../../../lib/cache/index.js';
import type { OrderReads } from './loaders.js';
import type { CatalogItem, CustomerStanding, OrderConnector, OrderLineRecord, OrderRecord, OrderWriteConnector, ReturnRecord, ShipmentRecord } from './netsuite.js';
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
      const windows = filter.lines;
      const lists = await loadLists<OrderRecord, null>(cache, customerIds, {
        list: ORDER_CACHE_KINDS.customerOrders,
        record: ORDER_CACHE_KINDS.order,
        idOf: (o) => o.id,
        listOptions: { args: status.length ? `status=${status.join(',')}` : 'all' },
        async fetchLists(parents) {
          if (!windows || !parents.some((p) => windows.has(p))) {
            const got = await inner.ordersOfCustomers(parents, { status });
            return new Map(parents.map((p) => [p, { records: got.get(p) ?? [], meta: null }]));
          }
          // The page's lines come with its list, in the same call; stored as the lines read would
          // store them, so that read, which follows in this request, finds them.
          const startedAt = cache.now();
          const got = await inner.ordersOfCustomersWithLines(new Map(parents.map((p) => [p, windows.get(p)])), { status });
          await cache.put(ORDER_CACHE_KINDS.lines, [...got.lines].map(([id, value]) => ({ id, value })), startedAt);
          return new Map(parents.map((p) => [p, { records: got.orders.get(p) ?? [], meta: null }]));
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

/** What a write checks before it is submitted, answered per key (a key may fail alone). */
export interface OrderingReads {
  customerStanding(customerIds: readonly string[]): Promise<Map<string, CustomerStanding | Error>>;
  itemsBySku(skus: readonly string[]): Promise<Map<string, CatalogItem | Error>>;
}

export const ORDERING_CACHE_KINDS = {
  // Finance's invalidations of a customer's financials (credit hold, balance) reach this entry too.
  standing: { name: 'order/Customer.standing', domain: 'balances', tag: (id) => listTag('Customer', id, 'financials') },
  // The catalog changes rarely; an item made inactive meanwhile is still refused by the ERP itself.
  item: { name: 'order/Item', domain: 'directory', tag: (sku) => entityTag('Item', sku) },
} as const satisfies Record<string, EntryKind>;

/** The checks' reads straight from the ERP (no cache), per key. */
export function directOrderingReads(inner: OrderWriteConnector): OrderingReads {
  return {
    customerStanding: async (ids) => new Map(await inner.customerStanding(ids)),
    itemsBySku: async (skus) => new Map(await inner.itemsBySku(skus)),
  };
}

export function cachedOrderingReads(inner: OrderWriteConnector, cache: EntityCache): OrderingReads {
  return {
    async customerStanding(ids) {
      return settle(ids, await cache.load(ORDERING_CACHE_KINDS.standing, ids, (missing) => inner.customerStanding(missing)));
    },
    async itemsBySku(skus) {
      return settle(skus, await cache.load(ORDERING_CACHE_KINDS.item, skus, (missing) => inner.itemsBySku(missing)));
    },
  };
}
