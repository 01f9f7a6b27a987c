/**
 * The order domain over NetSuite: sales orders, their lines, shipments (item
 * fulfillments) and returns (return authorizations), read with SuiteQL.
 *
 * Every method takes a whole batch of keys and answers it with one SuiteQL
 * query (more only past the IN-list limit or the page size), so the number of
 * ERP calls follows the number of plan steps, never the number of rows.
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
  /** Item lines per order number, in line order; orders without lines map to []. */
  linesOfOrders(numbers: readonly string[]): Promise<Map<string, OrderLineRecord[]>>;
  /** Item fulfillments per order number, oldest first. */
  shipmentsOfOrders(numbers: readonly string[]): Promise<Map<string, ShipmentRecord[]>>;
  /** Return authorizations, with their lines, per order number, oldest first. */
  returnsOfOrders(numbers: readonly string[]): Promise<Map<string, ReturnRecord[]>>;
}

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
      const statuses = filter.status ?? [];
      const letters = [...new Set(statuses.flatMap(erpLettersFor))];
      const statusClause = letters.length ? ` AND t.status IN (${inList(letters)})` : '';
      const { rows, fetchedAt } = await perChunk(
        customerIds,
        (list) =>
          `SELECT ${ORDER_COLUMNS} ${ORDER_FROM} WHERE t.type = 'SalesOrd' AND c.externalid IN (${list})${statusClause} ORDER BY t.createddate DESC, t.id DESC`,
      );
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
    },

    async linesOfOrders(numbers) {
      const { rows } = await perChunk(
        numbers,
        (list) => `SELECT o.tranid AS ordernumber, tl.id AS lineid, tl.linesequencenumber, i.itemid AS sku, NVL(tl.memo, i.displayname) AS description,
          tl.quantity, tl.quantityshiprecv, tl.rate, cur.symbol AS currencycode
        FROM transactionline tl
          JOIN transaction o ON o.id = tl.transaction
          LEFT JOIN item i ON i.id = tl.item
          LEFT JOIN currency cur ON cur.id = o.currency
        WHERE o.type = 'SalesOrd' AND o.tranid IN (${list}) AND tl.mainline = 'F' AND tl.item IS NOT NULL
        ORDER BY o.tranid, tl.linesequencenumber, tl.id`,
      );
      const out = grouped<OrderLineRecord>(numbers);
      for (const r of rows) {
        out.get(r.ordernumber ?? '')?.push({
          lineNumber: Number(r.linesequencenumber ?? 0),
          sku: r.sku ?? '',
          description: r.description ?? null,
          quantity: quantity(r.quantity),
          quantityShipped: quantity(r.quantityshiprecv),
          unitPrice: moneyOf(r.rate, r.currencycode ?? defaultCurrency),
        });
      }
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
