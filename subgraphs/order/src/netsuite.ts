/**
 * The order domain over NetSuite: sales orders, their lines, shipments (item
 * fulfillments) and returns (return authorizations), read with SuiteQL.
 *
 * Every method takes a whole batch of keys and answers it with one SuiteQL
 * query (more only past the IN-list limit or the page size), so the number of
 * ERP calls follows the number of plan steps, never the number of rows. A
 * customer's orders and the lines of the orders its page shows can be one
 * query too (`ordersOfCustomersWithLines`, for ten customers a batch): a cold
 * page of orders with lines costs one call where list and lines cost two.
 * Callers validate ids first; the values are still quoted as literals here, so
 * a hostile string can never change a query.
 */
import { createHash } from 'node:crypto';
import { suiteqlString, type NetSuiteClient, type SuiteQLRow } from '../../../lib/clients/netsuite.js';
import { UpstreamError } from '../../../lib/errors.js';
import type { OrgMapping } from '../../../lib/mapping.js';
import { creditHold } from '../../../lib/erp/credit.js';
import type { PostalAddress } from '../../../lib/erp/address.js';
import { IN_LIST_LIMIT, inList } from '../../../lib/erp/suiteql.js';
import { chunks } from '../../../lib/chunks.js';
import { moneyOf, toCents, type Money } from '../../../lib/money.js';
import { instant, quantity, SUITEQL_INSTANT_FORMAT } from './values.js';
import {
  channelFromErp,
  erpLettersFor,
  orderStatusFromErp,
  returnStatusFromErp,
  shipmentStatusFromErp,
  type OrderStatus,
  type RefundStatus,
  type ReturnStatus,
  type SalesChannel,
  type ShipmentStatus,
} from './status.js';

/** A sales order header as the graph needs it. */
export interface OrderRecord {
  /** The ERP document number, e.g. "SO-100234": the graph's Order id. */
  id: string;
  /** NetSuite's internal id; never shown to clients, kept for writes and cursors. */
  internalId: number;
  customerId: string;
  /** Undefined when the ERP reported a status this graph does not know. */
  status: OrderStatus | undefined;
  /** The ERP's own status code, for the error message when `status` is unknown. */
  erpStatus: string;
  channel: SalesChannel;
  placedAt: string;
  total: Money;
  /** When the ERP last changed the order (ISO), when it says. */
  lastModifiedAt: string | undefined;
  /**
   * An opaque version for conditional writes: the last-modified instant plus a digest
   * of the header fields a change can touch. NetSuite keeps whole seconds, so two
   * changes in one second share a timestamp; the digest still tells them apart.
   */
  version: string | undefined;
  /** When this record was read from the ERP (ISO). */
  fetchedAt: string;
}

export interface OrderLineRecord {
  lineNumber: number;
  sku: string;
  description: string | null;
  quantity: number;
  quantityShipped: number;
  unitPrice: Money;
}

/**
 * Which of a customer's orders a list read brings the lines of: the newest `first`
 * (after `after`, when a page starts past a cursor), the orders the page will show.
 */
export interface LinesWindow {
  first: number;
  after?: { placedAt: string; internalId: number };
}

/** A list read with lines: each customer's orders, and the lines of the orders in its window. */
export interface OrdersWithLines {
  orders: Map<string, OrderRecord[]>;
  /** By order number; an order of a window without lines maps to []. Orders outside every window are absent. */
  lines: Map<string, OrderLineRecord[]>;
}

export interface ShipmentRecord {
  id: string;
  carrier: string | null;
  trackingNumber: string | null;
  shippedAt: string | null;
  status: ShipmentStatus | undefined;
  erpStatus: string;
}

export interface ReturnLineRecord {
  lineNumber: number;
  sku: string;
  description: string | null;
  quantity: number;
  quantityReceived: number;
  unitPrice: Money;
}

export interface ReturnRecord {
  id: string;
  status: ReturnStatus | undefined;
  refundStatus: RefundStatus | undefined;
  erpStatus: string;
  reason: string | null;
  lines: ReturnLineRecord[];
  refundAmount: Money;
  createdAt: string;
}

/** What ordering needs to know about a customer before an order is written. */
export interface CustomerStanding {
  customerId: string;
  /** NetSuite's internal id, which the record API's `entity` reference takes. */
  internalId: number;
  /**
   * On credit hold: the override is ON, or AUTO with an open balance above the
   * credit limit (the same rule as finance's `CustomerFinancials.creditHold`).
   */
  creditHold: boolean;
  inactive: boolean;
}

/** A sellable item, by SKU. */
export interface CatalogItem {
  sku: string;
  internalId: number;
  inactive: boolean;
}

/** A shipping address for one order, as the ERP's shippingAddress subrecord takes it. */
export interface ShipTo extends PostalAddress {
  name?: string | null;
}

/** A sales order to create. `externalId` is what makes a repeated create find the first one. */
export interface NewSalesOrder {
  customerInternalId: number;
  lines: Array<{ itemInternalId: number; quantity: number }>;
  channel: SalesChannel;
  shipTo?: ShipTo | null;
  memo?: string | null;
  externalId: string;
}

/** A sales order as the record API reports it right after a write. */
export interface WrittenOrder {
  orderId: string;
  internalId: number;
  status: OrderStatus | undefined;
  /** The order's version after the write (its last-modified instant). */
  lastModifiedAt: string | undefined;
}

/** A return authorization to create from an order; `externalId` dedupes a repeated create. */
export interface NewReturn {
  orderInternalId: number;
  lines: Array<{ lineNumber: number; quantity: number }>;
  reason: string;
  externalId: string;
}

/** What the order subgraph writes to the ERP, in its own words. Every create carries an external id. */
export interface OrderWriteConnector {
  /** Internal id, credit hold and activity of customers, by customer number; unknown numbers are absent. */
  customerStanding(customerIds: readonly string[]): Promise<Map<string, CustomerStanding>>;
  /** Items by SKU; unknown SKUs are absent. */
  itemsBySku(skus: readonly string[]): Promise<Map<string, CatalogItem>>;
  /** Creates a sales order; a duplicate externalId is reported as `DuplicateExternalId`. */
  createSalesOrder(order: NewSalesOrder): Promise<WrittenOrder>;
  /** The sales order created with this external id, or null. */
  orderByExternalId(externalId: string): Promise<WrittenOrder | null>;
  /** Closes the given lines of an order (NetSuite REST has no cancel; closing every line closes the order). */
  closeOrderLines(orderInternalId: number, lineNumbers: readonly number[], memo: string): Promise<WrittenOrder>;
  /** Creates a return authorization from an order; a duplicate externalId is reported as `DuplicateExternalId`. */
  createReturn(ret: NewReturn): Promise<{ returnId: string; internalId: number }>;
  /** The return authorization created with this external id, or null. */
  returnByExternalId(externalId: string): Promise<{ returnId: string; internalId: number } | null>;
  /**
   * Sales orders modified at or after `since`, or with an item fulfillment modified
   * since, oldest change first (last-modified, then internal id), every page read.
   */
  changedOrders(since: Date, opts?: { maxRows?: number }): Promise<OrderRecord[]>;
}

/** The ERP already holds a record with this external id: a repeated create, which the caller resolves by lookup. */
export class DuplicateExternalId extends Error {
  override readonly name = 'DuplicateExternalId';
  constructor(readonly externalId: string) {
    super(`the ERP already holds a record with external id ${externalId}`);
  }
}

/** What the order subgraph asks of the ERP, in its own words. */
export interface OrderConnector extends OrderWriteConnector {
  /** Orders by document number; numbers the ERP does not know are absent from the map. */
  ordersByNumber(numbers: readonly string[]): Promise<Map<string, OrderRecord>>;
  /**
   * Every order of each customer, newest first (placed time, then internal id),
   * narrowed to `status` when given. Customers without orders map to [].
   */
  ordersOfCustomers(customerIds: readonly string[], filter?: { status?: readonly OrderStatus[] }): Promise<Map<string, OrderRecord[]>>;
  /**
   * As ordersOfCustomers, plus the lines of the orders in each customer's window,
   * read in the same SuiteQL query: a page of orders with their lines costs one
   * call (more only past the page size). Customers without a window get no lines.
   */
  ordersOfCustomersWithLines(
    windows: ReadonlyMap<string, LinesWindow | undefined>,
    filter?: { status?: readonly OrderStatus[] },
  ): Promise<OrdersWithLines>;
  /** Item lines per order number, in line order; orders without lines map to []. */
  linesOfOrders(numbers: readonly string[]): Promise<Map<string, OrderLineRecord[]>>;
  /** Item fulfillments per order number, oldest first. */
  shipmentsOfOrders(numbers: readonly string[]): Promise<Map<string, ShipmentRecord[]>>;
  /** Return authorizations, with their lines, per order number, oldest first. */
  returnsOfOrders(numbers: readonly string[]): Promise<Map<string, ReturnRecord[]>>;
}

/** Customers whose windows a combined read holds, each a nested query of its own; the others' lines are read apart. */
const WINDOWS_PER_QUERY = 10;

function grouped<V>(keys: readonly string[]): Map<string, V[]> {
  return new Map(keys.map((k) => [k, [] as V[]]));
}

export function createOrderConnector(client: NetSuiteClient, mapping: OrgMapping): OrderConnector {
  const f = mapping.netsuite.fields;
  const defaultCurrency = mapping.netsuite.currency.code;
  const fmt = suiteqlString(SUITEQL_INSTANT_FORMAT);

  const unique = (keys: readonly string[]): string[] => [...new Set(keys)];

  /** Runs one query per chunk of keys and concatenates the rows. */
  async function perChunk(keys: readonly string[], build: (list: string) => string): Promise<{ rows: SuiteQLRow[]; fetchedAt: string }> {
    const rows: SuiteQLRow[] = [];
    for (const part of chunks(unique(keys), IN_LIST_LIMIT)) {
      const res = await client.suiteql(build(inList(part)));
      rows.push(...res.items);
    }
    return { rows, fetchedAt: new Date().toISOString() };
  }

  // The header columns of a sales order; `t` is the order, `c` its customer, `cur` its currency.
  const ORDER_COLUMNS = `t.id, t.tranid, t.status, t.${f.wmsReleased} AS wmsreleased, t.${f.salesChannel} AS saleschannel,
    TO_CHAR(t.createddate, ${fmt}) AS createdat, t.trandate, TO_CHAR(t.lastmodifieddate, ${fmt}) AS lastmodifiedat,
    t.foreigntotal, t.memo, cur.symbol AS currencycode, c.externalid AS customernumber`;
  const ORDER_FROM = `FROM transaction t
    JOIN customer c ON c.id = t.entity
    LEFT JOIN currency cur ON cur.id = t.currency`;

  function orderFromRow(r: SuiteQLRow, fetchedAt: string): OrderRecord {
    const currency = r.currencycode ?? defaultCurrency;
    return {
      id: r.tranid ?? '',
      internalId: Number(r.id),
      customerId: r.customernumber ?? '',
      status: orderStatusFromErp(r.status, r.wmsreleased),
      erpStatus: r.status ?? '',
      channel: channelFromErp(r.saleschannel),
      // A date-only fallback still beats no answer if an account refuses the format.
      placedAt: instant(r.createdat) ?? instant(r.trandate) ?? fetchedAt,
      total: moneyOf(r.foreigntotal, currency),
      lastModifiedAt: instant(r.lastmodifiedat),
      version: orderVersion(instant(r.lastmodifiedat), [r.status, r.wmsreleased, r.saleschannel, r.memo, r.foreigntotal]),
      fetchedAt,
    };
  }

  /** ` AND <alias>.status IN (...)` narrowing to the letters of `statuses`; empty for every status. */
  function statusIn(alias: string, statuses: readonly OrderStatus[] = []): string {
    const letters = [...new Set(statuses.flatMap(erpLettersFor))];
    return letters.length ? ` AND ${alias}.status IN (${inList(letters)})` : '';
  }

  /** Each customer's orders from header rows, narrowed to the exact statuses and newest first. */
  function listsFromRows(customerIds: readonly string[], rows: readonly SuiteQLRow[], fetchedAt: string, statuses: readonly OrderStatus[] = []): Map<string, OrderRecord[]> {
    const out = grouped<OrderRecord>(customerIds);
    const wanted = new Set(statuses);
    for (const r of rows) {
      const o = orderFromRow(r, fetchedAt);
      // BOOKED and RELEASED share a letter; the exact status decides.
      if (wanted.size && (!o.status || !wanted.has(o.status))) continue;
      out.get(o.customerId)?.push(o);
    }
    // Sorting again keeps newest-first exact even where the ERP sorts dates at day precision.
    for (const list of out.values()) list.sort((a, b) => (a.placedAt === b.placedAt ? b.internalId - a.internalId : a.placedAt < b.placedAt ? 1 : -1));
    return out;
  }

  // An item line of a sales order; `tl` is the line, `i` its item.
  const LINE_COLUMNS = `tl.id AS lineid, tl.linesequencenumber, i.itemid AS sku, NVL(tl.memo, i.displayname) AS description,
    tl.quantity, tl.quantityshiprecv, tl.rate`;

  function lineFromRow(r: SuiteQLRow, currency: string | undefined): OrderLineRecord {
    return {
      lineNumber: Number(r.linesequencenumber ?? 0),
      sku: r.sku ?? '',
      description: r.description ?? null,
      quantity: quantity(r.quantity),
      quantityShipped: quantity(r.quantityshiprecv),
      unitPrice: moneyOf(r.rate, currency ?? defaultCurrency),
    };
  }

  /**
   * The ids of the orders a window covers, newest first as the list sorts them: SuiteQL's
   * documented ROWNUM idiom (ORDER BY inside, ROWNUM outside). Narrowed by status letter
   * only, so a window may cover an order the exact status leaves out; its lines are then
   * read for nothing, and a page order past the window costs the lines read it always did.
   * Undefined when the window cannot be put into a query (a cursor that is no instant).
   */
  function windowQuery(customerId: string, w: LinesWindow, statuses: readonly OrderStatus[] | undefined): string | undefined {
    if (!Number.isSafeInteger(w.first) || w.first < 1) return undefined;
    let cursor = '';
    if (w.after) {
      const at = Date.parse(w.after.placedAt);
      if (!Number.isFinite(at) || !Number.isSafeInteger(w.after.internalId)) return undefined;
      const ts = `TO_TIMESTAMP(${suiteqlString(new Date(at).toISOString().slice(0, 19).replace('T', ' '))}, 'YYYY-MM-DD HH24:MI:SS')`;
      cursor = ` AND (p.createddate < ${ts} OR (p.createddate = ${ts} AND p.id < ${w.after.internalId}))`;
    }
    return `SELECT w.id FROM (SELECT p.id FROM transaction p JOIN customer pc ON pc.id = p.entity
      WHERE p.type = 'SalesOrd' AND pc.externalid = ${suiteqlString(customerId)}${statusIn('p', statuses)}${cursor}
      ORDER BY p.createddate DESC, p.id DESC) w WHERE ROWNUM <= ${w.first}`;
  }

  const direct: OrderConnector = {
    async ordersByNumber(numbers) {
      const { rows, fetchedAt } = await perChunk(
        numbers,
        (list) => `SELECT ${ORDER_COLUMNS} ${ORDER_FROM} WHERE t.type = 'SalesOrd' AND t.tranid IN (${list}) ORDER BY t.id`,
      );
      const out = new Map<string, OrderRecord>();
      for (const r of rows) {
        const o = orderFromRow(r, fetchedAt);
        // Document numbers are unique per type in practice; should two match, the first created wins.
        if (!out.has(o.id)) out.set(o.id, o);
      }
      return out;
    },

    async ordersOfCustomers(customerIds, filter = {}) {
      const statusClause = statusIn('t', filter.status);
      const { rows, fetchedAt } = await perChunk(
        customerIds,
        (list) =>
          `SELECT ${ORDER_COLUMNS} ${ORDER_FROM} WHERE t.type = 'SalesOrd' AND c.externalid IN (${list})${statusClause} ORDER BY t.createddate DESC, t.id DESC`,
      );
      return listsFromRows(customerIds, rows, fetchedAt, filter.status);
    },

    async ordersOfCustomersWithLines(windows, filter = {}) {
      const customerIds = [...windows.keys()];
      const statusClause = statusIn('t', filter.status);
      // A window is a nested query of its own: a handful keeps the text short. The lines of customers
      // past them are read apart, as without windows, so a large batch never costs more calls than that.
      const pageOf = new Map<string, string>();
      for (const id of customerIds) {
        const w = windows.get(id);
        const page = w && pageOf.size < WINDOWS_PER_QUERY ? windowQuery(id, w, filter.status) : undefined;
        if (page) pageOf.set(id, page);
      }
      const rows: SuiteQLRow[] = [];
      for (const part of chunks(customerIds, IN_LIST_LIMIT)) {
        const pages = part.flatMap((id) => pageOf.get(id) ?? []);
        const pageJoin = pages.length
          ? `LEFT JOIN (${pages.length === 1 ? pages[0] : pages.map((p) => `SELECT v.id FROM (${p}) v`).join(' UNION ')}) pg ON pg.id = t.id
          LEFT JOIN transactionline tl ON tl.transaction = pg.id AND tl.mainline = 'F' AND tl.item IS NOT NULL
          LEFT JOIN item i ON i.id = tl.item`
          : '';
        const lineColumns = pages.length ? `, pg.id AS pageorder, ${LINE_COLUMNS}` : '';
        // Every order once, or once per line for the orders of a window: ordered so the pages of a long answer never split differently.
        const res = await client.suiteql(
          `SELECT ${ORDER_COLUMNS}${lineColumns} ${ORDER_FROM}
          ${pageJoin}
          WHERE t.type = 'SalesOrd' AND c.externalid IN (${inList(part)})${statusClause}
          ORDER BY t.createddate DESC, t.id DESC${pages.length ? ', tl.linesequencenumber, tl.id' : ''}`,
        );
        rows.push(...res.items);
      }
      const fetchedAt = new Date().toISOString();
      const headers = new Map<string, SuiteQLRow>();
      const lines = new Map<string, OrderLineRecord[]>();
      for (const r of rows) {
        if (!headers.has(r.id ?? '')) headers.set(r.id ?? '', r);
        if (r.pageorder === undefined) continue;
        const number = r.tranid ?? '';
        const of = lines.get(number) ?? [];
        lines.set(number, of);
        if (r.lineid !== undefined) of.push(lineFromRow(r, r.currencycode));
      }
      return { orders: listsFromRows(customerIds, [...headers.values()], fetchedAt, filter.status), lines };
    },

    async linesOfOrders(numbers) {
      const { rows } = await perChunk(
        numbers,
        (list) => `SELECT o.tranid AS ordernumber, ${LINE_COLUMNS}, cur.symbol AS currencycode
        FROM transactionline tl
          JOIN transaction o ON o.id = tl.transaction
          LEFT JOIN item i ON i.id = tl.item
          LEFT JOIN currency cur ON cur.id = o.currency
        WHERE o.type = 'SalesOrd' AND o.tranid IN (${list}) AND tl.mainline = 'F' AND tl.item IS NOT NULL
        ORDER BY o.tranid, tl.linesequencenumber, tl.id`,
      );
      const out = grouped<OrderLineRecord>(numbers);
      for (const r of rows) out.get(r.ordernumber ?? '')?.push(lineFromRow(r, r.currencycode));
      return out;
    },

    async shipmentsOfOrders(numbers) {
      const { rows } = await perChunk(
        numbers,
        (list) => `SELECT o.tranid AS ordernumber, s.id, s.tranid, s.status, s.shipcarrier, s.trackingnumbers,
          TO_CHAR(s.createddate, ${fmt}) AS createdat, s.trandate
        FROM transaction s
          JOIN transaction o ON o.id = s.createdfrom
        WHERE s.type = 'ItemShip' AND o.type = 'SalesOrd' AND o.tranid IN (${list})
        ORDER BY s.createddate, s.id`,
      );
      const out = grouped<ShipmentRecord>(numbers);
      for (const r of rows) {
        const status = shipmentStatusFromErp(r.status);
        out.get(r.ordernumber ?? '')?.push({
          id: r.tranid ?? r.id ?? '',
          carrier: r.shipcarrier ?? null,
          trackingNumber: r.trackingnumbers ?? null,
          // The fulfillment is created when the parcel leaves; before SHIPPED it has not left yet.
          shippedAt: status === 'SHIPPED' ? (instant(r.createdat) ?? instant(r.trandate) ?? null) : null,
          status,
          erpStatus: r.status ?? '',
        });
      }
      return out;
    },

    async returnsOfOrders(numbers) {
      // Returns and their lines in one query: a row per RMA line, folded below.
      const { rows } = await perChunk(
        numbers,
        (list) => `SELECT o.tranid AS ordernumber, r.id AS returnid, r.tranid, r.status, r.${f.returnReason} AS reason, r.foreigntotal,
          TO_CHAR(r.createddate, ${fmt}) AS createdat, r.trandate, cur.symbol AS currencycode,
          tl.id AS lineid, tl.linesequencenumber, i.itemid AS sku, NVL(tl.memo, i.displayname) AS description,
          tl.quantity, tl.quantityshiprecv, tl.rate
        FROM transaction r
          JOIN transaction o ON o.id = r.createdfrom
          LEFT JOIN transactionline tl ON tl.transaction = r.id AND tl.mainline = 'F'
          LEFT JOIN item i ON i.id = tl.item
          LEFT JOIN currency cur ON cur.id = r.currency
        WHERE r.type = 'RtnAuth' AND o.type = 'SalesOrd' AND o.tranid IN (${list})
        ORDER BY r.createddate, r.id, tl.linesequencenumber, tl.id`,
      );
      const out = grouped<ReturnRecord>(numbers);
      const byId = new Map<string, ReturnRecord>();
      for (const r of rows) {
        const currency = r.currencycode ?? defaultCurrency;
        const key = `${r.ordernumber ?? ''}|${r.returnid ?? ''}`;
        let rma = byId.get(key);
        if (!rma) {
          const st = returnStatusFromErp(r.status);
          const total = moneyOf(r.foreigntotal, currency);
          rma = {
            id: r.tranid ?? r.returnid ?? '',
            status: st?.status,
            refundStatus: st?.refundStatus,
            erpStatus: r.status ?? '',
            reason: r.reason ?? null,
            lines: [],
            // Some accounts sign RMA totals as credits; the refund is the magnitude.
            refundAmount: { ...total, amount: total.amount.replace(/^-/, '') },
            createdAt: instant(r.createdat) ?? instant(r.trandate) ?? new Date(0).toISOString(),
          };
          byId.set(key, rma);
          out.get(r.ordernumber ?? '')?.push(rma);
        }
        if (r.lineid !== undefined && r.sku !== undefined) {
          rma.lines.push({
            lineNumber: Number(r.linesequencenumber ?? 0),
            sku: r.sku,
            description: r.description ?? null,
            quantity: quantity(r.quantity),
            quantityReceived: quantity(r.quantityshiprecv),
            unitPrice: moneyOf(r.rate, currency),
          });
        }
      }
      return out;
    },

    async customerStanding(customerIds) {
      // Open invoices only: the same balance finance reports, so CREDIT_HOLD agrees with Customer.financials.creditHold.
      const { rows } = await perChunk(
        customerIds,
        (list) => `SELECT c.id, c.externalid, c.creditholdoverride, c.creditlimit, c.isinactive, SUM(b.foreignamountunpaid) AS balance
        FROM customer c
          LEFT JOIN transaction b ON b.entity = c.id AND b.type = 'CustInvc'
        WHERE c.externalid IN (${list})
        GROUP BY c.id, c.externalid, c.creditholdoverride, c.creditlimit, c.isinactive`,
      );
      const out = new Map<string, CustomerStanding>();
      for (const r of rows) {
        const customerId = r.externalid ?? '';
        out.set(customerId, {
          customerId,
          internalId: Number(r.id),
          creditHold: creditHold(r.creditholdoverride, toCents(r.balance) ?? 0n, r.creditlimit === undefined ? undefined : (toCents(r.creditlimit) ?? 0n)),
          inactive: r.isinactive === 'T',
        });
      }
      return out;
    },

    async itemsBySku(skus) {
      const { rows } = await perChunk(skus, (list) => `SELECT i.id, i.itemid, i.isinactive FROM item i WHERE i.itemid IN (${list})`);
      return new Map(rows.map((r) => [r.itemid ?? '', { sku: r.itemid ?? '', internalId: Number(r.id), inactive: r.isinactive === 'T' }]));
    },

    async createSalesOrder(order) {
      const body: Record<string, unknown> = {
        externalId: order.externalId,
        entity: { id: String(order.customerInternalId) },
        item: { items: order.lines.map((l) => ({ item: { id: String(l.itemInternalId) }, quantity: l.quantity })) },
        [f.salesChannel]: order.channel,
      };
      if (order.memo) body.memo = order.memo;
      if (order.shipTo) {
        const a = order.shipTo;
        body.shippingAddress = { addressee: a.name ?? undefined, addr1: a.line1, addr2: a.line2 ?? undefined, city: a.city, state: a.region ?? undefined, zip: a.postalCode, country: a.country };
      }
      let created: { id: string };
      try {
        created = await client.createRecord('salesOrder', body);
      } catch (e) {
        throw duplicateOr(e, order.externalId);
      }
      return written(await client.getRecord<RecordJson>('salesOrder', created.id), created.id);
    },

    async orderByExternalId(externalId) {
      const rec = await client.getRecord<RecordJson>('salesOrder', `eid:${externalId}`);
      return rec ? written(rec, `eid:${externalId}`) : null;
    },

    async closeOrderLines(orderInternalId, lineNumbers, memo) {
      const id = String(orderInternalId);
      await client.updateRecord('salesOrder', id, { memo, item: { items: lineNumbers.map((line) => ({ line, isClosed: true })) } });
      return written(await client.getRecord<RecordJson>('salesOrder', id), id);
    },

    async createReturn(ret) {
      const body = {
        externalId: ret.externalId,
        [f.returnReason]: ret.reason,
        item: { items: ret.lines.map((l) => ({ orderLine: l.lineNumber, quantity: l.quantity })) },
      };
      let created: { id: string };
      try {
        created = await client.transform('salesOrder', String(ret.orderInternalId), 'returnAuthorization', body);
      } catch (e) {
        throw duplicateOr(e, ret.externalId);
      }
      const rec = await client.getRecord<RecordJson>('returnAuthorization', created.id);
      return { returnId: rec?.tranId ?? '', internalId: Number(created.id) };
    },

    async returnByExternalId(externalId) {
      const rec = await client.getRecord<RecordJson>('returnAuthorization', `eid:${externalId}`);
      return rec ? { returnId: rec.tranId ?? '', internalId: Number(rec.id) } : null;
    },

    async changedOrders(since, opts = {}) {
      const ts = `TO_TIMESTAMP(${suiteqlString(since.toISOString().slice(0, 19).replace('T', ' '))}, 'YYYY-MM-DD HH24:MI:SS')`;
      // A fulfillment is a change of its order even where the account does not touch the order's own timestamp.
      const res = await client.suiteql(
        `SELECT ${ORDER_COLUMNS} ${ORDER_FROM}
        WHERE t.type = 'SalesOrd' AND (t.lastmodifieddate >= ${ts}
          OR t.id IN (SELECT s.createdfrom FROM transaction s WHERE s.type = 'ItemShip' AND s.lastmodifieddate >= ${ts}))
        ORDER BY t.lastmodifieddate, t.id`,
        { maxRows: opts.maxRows ?? 10_000 },
      );
      const fetchedAt = new Date().toISOString();
      return res.items.map((r) => orderFromRow(r, fetchedAt));
    },
  };

  // Reads by key join the same read of other requests while it waits for a slot; writes and the feed's poll go alone.
  return {
    ...direct,
    ordersByNumber: (numbers) => client.batched('order/ordersByNumber', numbers, (keys) => direct.ordersByNumber(keys)),
    ordersOfCustomers: (customerIds, filter = {}) =>
      client.batched(`order/ordersOfCustomers:${[...new Set(filter.status ?? [])].sort().join(',')}`, customerIds, (keys) => direct.ordersOfCustomers(keys, filter)),
    ordersOfCustomersWithLines: async (windows, filter = {}) => {
      // A key is a customer and its window, so requests joined while waiting for a slot each keep their own.
      const keys = [...windows].map(([id, w]) => JSON.stringify([id, w ?? null]));
      const got = await client.batched(`order/ordersOfCustomersWithLines:${[...new Set(filter.status ?? [])].sort().join(',')}`, keys, async (merged) => {
        const asked = new Map<string, LinesWindow | undefined>();
        for (const k of merged) {
          const [id, w] = JSON.parse(k) as [string, LinesWindow | null];
          // One customer asked with two windows keeps the first; the other's lines are read as before.
          if (!asked.has(id) || asked.get(id) === undefined) asked.set(id, w ?? undefined);
        }
        const all = await direct.ordersOfCustomersWithLines(asked, filter);
        return new Map(merged.map((k) => [k, all]));
      });
      const orders = new Map<string, OrderRecord[]>();
      const lines = new Map<string, OrderLineRecord[]>();
      for (const [id] of windows) {
        const all = got.get(JSON.stringify([id, windows.get(id) ?? null]));
        orders.set(id, all?.orders.get(id) ?? []);
        for (const o of orders.get(id) ?? []) {
          const l = all?.lines.get(o.id);
          if (l) lines.set(o.id, l);
        }
      }
      return { orders, lines };
    },
    linesOfOrders: (numbers) => client.batched('order/linesOfOrders', numbers, (keys) => direct.linesOfOrders(keys)),
    shipmentsOfOrders: (numbers) => client.batched('order/shipmentsOfOrders', numbers, (keys) => direct.shipmentsOfOrders(keys)),
    returnsOfOrders: (numbers) => client.batched('order/returnsOfOrders', numbers, (keys) => direct.returnsOfOrders(keys)),
    customerStanding: (customerIds) => client.batched('order/customerStanding', customerIds, (keys) => direct.customerStanding(keys)),
    itemsBySku: (skus) => client.batched('order/itemsBySku', skus, (keys) => direct.itemsBySku(keys)),
  };
}

/** The parts of a record API answer (sales order, RMA) the write path reads. */
interface RecordJson {
  id?: string;
  tranId?: string;
  orderStatus?: { id?: string };
  lastModifiedDate?: string;
  custbody_wms_released?: boolean;
}

function written(rec: RecordJson | null, id: string): WrittenOrder {
  if (!rec?.tranId) throw new UpstreamError('ERP', 'error', `the ERP accepted a write to sales order ${id} but does not return it`, { upstreamCode: 'RECORD_MISSING' });
  return {
    orderId: rec.tranId,
    internalId: Number(rec.id ?? id),
    status: orderStatusFromErp(rec.orderStatus?.id, rec.custbody_wms_released ? 'T' : 'F'),
    lastModifiedAt: instant(rec.lastModifiedDate),
  };
}

/** NetSuite's answer to a second create with the same external id (400 DUP_RCRD, "This record already exists"). */
function duplicateOr(e: unknown, externalId: string): unknown {
  return e instanceof UpstreamError && e.details.upstreamCode === 'DUP_RCRD' ? new DuplicateExternalId(externalId) : e;
}

/** `<last-modified>~<digest>`; see OrderRecord.version. The instant comes first so versions of one order still sort by time. */
export function orderVersion(lastModifiedAt: string | undefined, fields: ReadonlyArray<string | undefined>): string | undefined {
  if (!lastModifiedAt) return undefined;
  const digest = createHash('sha256').update(JSON.stringify(fields.map((f) => f ?? null))).digest('base64url').slice(0, 10);
  return `${lastModifiedAt}~${digest}`;
}

/** The instant part of a version, for ordering two versions of one order. */
export const versionInstant = (version: string): string => version.split('~')[0] ?? version;
