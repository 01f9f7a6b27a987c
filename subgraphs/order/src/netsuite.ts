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
import { suiteqlString, type NetSuiteClient, type SuiteQLRow } from '../../../lib/clients/netsuite.js';
import type { OrgMapping } from '../../../lib/mapping.js';
import { instant, money, quantity, SUITEQL_INSTANT_FORMAT, type Money } from './values.js';
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

/** What the order subgraph asks of the ERP, in its own words. */
export interface OrderConnector {
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

/** Oracle refuses IN lists longer than this. */
const IN_LIST_LIMIT = 1000;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

const inList = (values: readonly string[]): string => values.map(suiteqlString).join(', ');

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
    t.foreigntotal, cur.symbol AS currencycode, c.externalid AS customernumber`;
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
      total: money(r.foreigntotal, currency),
      lastModifiedAt: instant(r.lastmodifiedat),
      fetchedAt,
    };
  }

  return {
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
          unitPrice: money(r.rate, r.currencycode ?? defaultCurrency),
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
          const total = money(r.foreigntotal, currency);
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
            unitPrice: money(r.rate, currency),
          });
        }
      }
      return out;
    },
  };
}
