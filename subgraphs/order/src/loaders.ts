/**
 * The request's DataLoaders: one per entity reference and per list-by-parent
 * field, created per request in createContext. Each batch function answers with
 * one result per key, in key order; an unknown order is an Error for that key
 * only (NOT_FOUND, which the resolvers turn into null).
 */
import DataLoader from 'dataloader';
import { notFound } from '../../../lib/errors.js';
import type { LinesWindow, OrderConnector, OrderLineRecord, OrderRecord, ReturnRecord, ShipmentRecord } from './netsuite.js';
import type { OrderStatus } from './status.js';

/** A customer's orders under one status filter; the filter is part of the key so differing arguments never share a list. */
export interface CustomerOrdersKey {
  customerId: string;
  /** Sorted, de-duplicated; empty means every status. */
  status: readonly OrderStatus[];
}

/**
 * The reads the loaders need, answered per key: a key may map to its own Error
 * (the cached reads serve what they can and fail only the rest). The NetSuite
 * connector fits this shape as it is; it fails whole batches by throwing.
 */
export interface OrderReads {
  ordersByNumber(numbers: readonly string[]): Promise<Map<string, OrderRecord | Error>>;
  /**
   * `lines` names customers whose page will show lines: a read that goes to the ERP brings
   * them in the same call when it can, so the lines read that follows finds them cached.
   */
  ordersOfCustomers(
    customerIds: readonly string[],
    filter?: { status?: readonly OrderStatus[]; lines?: ReadonlyMap<string, LinesWindow> },
  ): Promise<Map<string, OrderRecord[] | Error>>;
  linesOfOrders(numbers: readonly string[]): Promise<Map<string, OrderLineRecord[] | Error>>;
  shipmentsOfOrders(numbers: readonly string[]): Promise<Map<string, ShipmentRecord[] | Error>>;
  returnsOfOrders(numbers: readonly string[]): Promise<Map<string, ReturnRecord[] | Error>>;
}

export interface OrderLoaders {
  order: DataLoader<string, OrderRecord>;
  ordersOfCustomer: DataLoader<CustomerOrdersKey, OrderRecord[], string>;
  /**
   * Tells the next read of this customer's orders that the page will show lines, and
   * which orders it holds; called before `ordersOfCustomer.load` for the same key.
   */
  wantLines(key: CustomerOrdersKey, window: LinesWindow): void;
  lines: DataLoader<string, OrderLineRecord[]>;
  shipments: DataLoader<string, ShipmentRecord[]>;
  returns: DataLoader<string, ReturnRecord[]>;
}

/** Wraps a keyed lookup into a batch function that returns one result per key, in key order. */
function listBatch<V>(fetch: (keys: readonly string[]) => Promise<Map<string, V[] | Error>>) {
  return async (keys: readonly string[]): Promise<Array<V[] | Error>> => {
    const found = await fetch(keys);
    return keys.map((k) => found.get(k) ?? []);
  };
}

const filterKey = (status: readonly OrderStatus[]): string => status.join(',');

export function createLoaders(erp: OrderReads | OrderConnector): OrderLoaders {
  const order = new DataLoader<string, OrderRecord>(async (numbers) => {
    const found = await erp.ordersByNumber(numbers);
    return numbers.map((n) => found.get(n) ?? notFound(`the ERP has no order ${n}`, { orderId: n }));
  });

  const listKey = (k: CustomerOrdersKey): string => `${k.customerId}|${filterKey(k.status)}`;
  /** Windows of pages that will show lines, by list key, until their list is read. */
  const linesWanted = new Map<string, LinesWindow>();

  const ordersOfCustomer = new DataLoader<CustomerOrdersKey, OrderRecord[], string>(
    async (keys) => {
      // One ERP query per distinct status filter; in practice every parent of a plan step shares one.
      const byFilter = new Map<string, { status: readonly OrderStatus[]; ids: string[]; lines: Map<string, LinesWindow> }>();
      for (const k of keys) {
        const fk = filterKey(k.status);
        const g = byFilter.get(fk) ?? { status: k.status, ids: [], lines: new Map<string, LinesWindow>() };
        g.ids.push(k.customerId);
        const w = linesWanted.get(listKey(k));
        if (w) g.lines.set(k.customerId, w);
        linesWanted.delete(listKey(k));
        byFilter.set(fk, g);
      }
      const results = new Map<string, Map<string, OrderRecord[] | Error>>();
      await Promise.all(
        [...byFilter].map(async ([fk, g]) => {
          results.set(fk, await erp.ordersOfCustomers(g.ids, { status: g.status, ...(g.lines.size ? { lines: g.lines } : {}) }));
        }),
      );
      const lists = keys.map((k) => results.get(filterKey(k.status))?.get(k.customerId) ?? []);
      // Later fields of the same request (lines, or an _entities lookup) find these orders without another call.
      for (const list of lists) if (!(list instanceof Error)) for (const o of list) order.prime(o.id, o);
      return lists;
    },
    { cacheKeyFn: listKey },
  );

  return {
    order,
    ordersOfCustomer,
    wantLines(key, window) {
      const had = linesWanted.get(listKey(key));
      // Two pages of one list in one request: the larger of two windows from the same start, else the first asked.
      if (!had) linesWanted.set(listKey(key), window);
      else if (JSON.stringify(had.after ?? null) === JSON.stringify(window.after ?? null) && window.first > had.first) linesWanted.set(listKey(key), window);
    },
    lines: new DataLoader(listBatch((keys) => erp.linesOfOrders(keys))),
    shipments: new DataLoader(listBatch((keys) => erp.shipmentsOfOrders(keys))),
    returns: new DataLoader(listBatch((keys) => erp.returnsOfOrders(keys))),
  };
}
