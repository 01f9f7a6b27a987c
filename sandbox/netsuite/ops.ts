/**
 * The business rules of the sandbox ERP, shared by the record API and the
 * actions: creating and closing sales orders, fulfilling them, applying
 * payments, return authorizations. Every change bumps `lastmodifieddate` on the
 * rows it touches, which is how pollers see it.
 */
import { NEGATIVE_LINE_TYPES, RECORD_TYPE_OF, execute, fromCents, queryOne, queryRows, toCents, type Database, type SqlValue } from './db.js';
import { NsError, userError } from './errors.js';

export type Row = Record<string, SqlValue>;

/** A monotonic clock in epoch days: never earlier than the newest timestamp in the data, never going back. */
export class StoreClock {
  private last: number;
  constructor(
    db: Database,
    private readonly now: () => Date,
  ) {
    const r = queryOne(db, 'SELECT MAX(m) AS m FROM (SELECT MAX(lastmodifieddate) AS m FROM "transaction" UNION ALL SELECT MAX(lastmodifieddate) FROM customer)');
    this.last = typeof r?.m === 'number' ? r.m : 0;
  }
  /** Epoch days, whole seconds. */
  tick(): number {
    const n = Math.floor(this.now().getTime() / 1000) / 86_400;
    this.last = Math.max(n, this.last);
    return this.last;
  }
  date(): Date {
    return new Date(Math.round(this.tick() * 86_400) * 1000);
  }
}

export interface LineInput {
  item: number;
  quantity: number;
  /** Cents; defaults to the item's base price. */
  rateCents?: number;
  description?: string | null;
}

export interface Ops {
  db: Database;
  clock: StoreClock;
}

function nextId(db: Database, table: string, col = 'id'): number {
  const r = queryOne(db, `SELECT COALESCE(MAX(${col}), 0) + 1 AS n FROM ${table}`);
  return Number(r?.n ?? 1);
}

/** Next document number for a type, continuing the dataset's numbering (SO-100234 → SO-100235). */
export function nextTranId(db: Database, type: string, prefix: string): string {
  const rows = queryRows(db, 'SELECT tranid FROM "transaction" WHERE type = ?', [type]);
  let max = 0;
  let width = 6;
  for (const r of rows) {
    const m = /(\d+)$/.exec(String(r.tranid ?? ''));
    if (m && Number(m[1]) > max) {
      max = Number(m[1]);
      width = (m[1] ?? '').length;
    }
  }
  return `${prefix}${String(max + 1).padStart(width, '0')}`;
}

export function getTransactionByTranId(db: Database, tranid: string, type: string): Row | undefined {
  return queryOne(db, 'SELECT * FROM "transaction" WHERE tranid = ? AND type = ?', [tranid, type]);
}

export function customerById(db: Database, id: number): Row | undefined {
  return queryOne(db, 'SELECT * FROM customer WHERE id = ?', [id]);
}

interface NewTransaction {
  type: string;
  tranid: string;
  /** The header's entity; null on a journal entry, whose lines name theirs. */
  entity: number | null;
  status: string;
  trandate: number;
  duedate?: number | null;
  totalCents: number;
  createdfrom?: number | null;
  externalid?: string | null;
  memo?: string | null;
  paymentmethod?: string | null;
  channel?: string | null;
  shipcarrier?: string | null;
  trackingnumbers?: string | null;
  returnReason?: string | null;
  terms?: number | null;
  unpaidCents?: number | null;
}

export function insertTransaction(ops: Ops, t: NewTransaction): number {
  const id = nextId(ops.db, '"transaction"');
  const now = ops.clock.tick();
  execute(
    ops.db,
    `INSERT INTO "transaction" (id, tranid, type, recordtype, entity, status, trandate, duedate, createddate, lastmodifieddate, currency, terms,
       foreigntotal, foreignamountpaid, foreignamountunpaid, createdfrom, externalid, memo, paymentmethod, custbody_sales_channel,
       custbody_wms_released, shipcarrier, trackingnumbers, custbody_return_reason)
     VALUES (?,?,?,?,?,?,?,?,?,?,1,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
    [
      id, t.tranid, t.type, RECORD_TYPE_OF[t.type] ?? null, t.entity, t.status, t.trandate, t.duedate ?? null, now, now, t.terms ?? null,
      fromCents(t.totalCents), t.unpaidCents == null ? null : fromCents(t.totalCents - t.unpaidCents),
      t.unpaidCents == null ? null : fromCents(t.unpaidCents), t.createdfrom ?? null, t.externalid ?? null, t.memo ?? null,
      t.paymentmethod ?? null, t.channel ?? null, t.type === 'SalesOrd' ? 'F' : null, t.shipcarrier ?? null, t.trackingnumbers ?? null,
      t.returnReason ?? null,
    ],
  );
  return id;
}

export function insertLines(ops: Ops, tranId: number, type: string, createdfrom: number | null, lines: { item: number; quantity: number; rateCents: number; memo: string | null }[]): void {
  const sign = NEGATIVE_LINE_TYPES.has(type) ? -1 : 1;
  let id = nextId(ops.db, 'transactionline');
  // Item lines name the transaction's customer, as NetSuite's do.
  const entity = queryOne(ops.db, 'SELECT entity FROM "transaction" WHERE id = ?', [tranId])?.entity ?? null;
  lines.forEach((l, k) => {
    execute(ops.db, 'INSERT INTO transactionline VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)', [
      id++, tranId, k + 1, 'F', l.item, l.memo, sign * l.quantity, fromCents(l.rateCents), sign * fromCents(l.rateCents * l.quantity), 0, 'F', createdfrom, entity,
    ]);
  });
}

/**
 * A journal entry crediting a customer's receivable by `amountCents` (a write-off, say): no
 * header entity, as NetSuite keeps it; the receivable line names the customer, the other
 * line balances it.
 */
export function postJournal(ops: Ops, customerId: number, amountCents: number): { id: number; tranid: string } {
  const tranid = nextTranId(ops.db, 'Journal', 'JE-');
  const id = insertTransaction(ops, { type: 'Journal', tranid, entity: null, status: 'B', trandate: Math.floor(ops.clock.tick()), totalCents: amountCents });
  let lineId = nextId(ops.db, 'transactionline');
  for (const [k, cents, entity] of [[1, -amountCents, customerId], [2, amountCents, null]] as const) {
    execute(ops.db, 'INSERT INTO transactionline VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)', [lineId++, id, k, 'F', null, null, null, null, fromCents(cents), null, 'F', null, entity]);
  }
  return { id, tranid };
}

export function touchTransaction(ops: Ops, id: number): void {
  execute(ops.db, 'UPDATE "transaction" SET lastmodifieddate = ? WHERE id = ?', [ops.clock.tick(), id]);
}

/** Creates a sales order after NetSuite's own checks. Returns the new internal id. */
export function createSalesOrder(
  ops: Ops,
  input: { entity: number; lines: LineInput[]; externalId?: string | null; memo?: string | null; channel?: string | null; status?: string; trandate?: number },
): number {
  const { db } = ops;
  const cust = customerById(db, input.entity);
  if (!cust) throw userError(`Error while accessing a resource. You have entered an Invalid Field Value ${input.entity} for the following field: entity`, { 'o:errorPath': 'entity' });
  if (cust.creditholdoverride === 'ON') {
    throw userError(`Error while accessing a resource. The customer ${String(cust.entityid)} is on credit hold. You cannot enter a sales order for this customer.`, { 'o:errorPath': 'entity' });
  }
  if (!input.lines.length) throw userError('Error while accessing a resource. You must enter at least one line item for this transaction.', { 'o:errorPath': 'item' });
  const lines = input.lines.map((l, k) => {
    const item = queryOne(db, 'SELECT * FROM item WHERE id = ?', [l.item]);
    if (!item || item.isinactive === 'T') {
      throw userError(`Error while accessing a resource. You have entered an Invalid Field Value ${l.item} for the following field: item`, { 'o:errorPath': `item.items[${k}].item` });
    }
    if (!Number.isInteger(l.quantity) || l.quantity <= 0) {
      throw userError(`Error while accessing a resource. Invalid quantity ${l.quantity}: the quantity must be greater than zero.`, { 'o:errorPath': `item.items[${k}].quantity` });
    }
    const rateCents = l.rateCents ?? toCents(item.baseprice ?? 0);
    if (rateCents < 0) throw userError('Error while accessing a resource. The rate must not be negative.', { 'o:errorPath': `item.items[${k}].rate` });
    return { item: l.item, quantity: l.quantity, rateCents, memo: l.description ?? (item.displayname == null ? null : String(item.displayname)) };
  });
  if (input.externalId && queryOne(db, 'SELECT id FROM "transaction" WHERE type = ? AND externalid = ?', ['SalesOrd', input.externalId])) throw duplicateRecord();
  const total = lines.reduce((s, l) => s + l.rateCents * l.quantity, 0);
  const today = Math.floor(ops.clock.tick());
  const id = insertTransaction(ops, {
    type: 'SalesOrd',
    tranid: nextTranId(db, 'SalesOrd', 'SO-'),
    entity: input.entity,
    status: input.status ?? 'B',
    trandate: input.trandate ?? today,
    totalCents: total,
    externalid: input.externalId ?? null,
    memo: input.memo ?? null,
    channel: input.channel ?? null,
    terms: cust.terms == null ? null : Number(cust.terms),
  });
  insertLines(ops, id, 'SalesOrd', null, lines);
  return id;
}

export function duplicateRecord(): NsError {
  return new NsError(400, 'DUP_RCRD', 'Error while accessing a resource. This record already exists.', { 'o:errorPath': 'externalId' });
}

/** Closing every line of an order is how a REST client cancels it. Refused once anything was fulfilled. */
export function closeSalesOrder(ops: Ops, id: number, lineNumbers: number[] | 'all'): void {
  const { db } = ops;
  const so = queryOne(db, 'SELECT * FROM "transaction" WHERE id = ? AND type = ?', [id, 'SalesOrd']);
  if (!so) throw new NsError(404, 'NONEXISTENT_ID', 'The record instance does not exist. Provide a valid record instance ID.');
  if (!['A', 'B'].includes(String(so.status))) {
    throw userError(`Error while accessing a resource. You cannot close lines of a sales order with status ${String(so.status)}: items have already been fulfilled or billed.`, { 'o:errorPath': 'item' });
  }
  const lines = queryRows(db, 'SELECT * FROM transactionline WHERE "transaction" = ?', [id]);
  for (const l of lines) {
    if (lineNumbers !== 'all' && !lineNumbers.includes(Number(l.linesequencenumber))) continue;
    if (Number(l.quantityshiprecv) > 0) throw userError('Error while accessing a resource. You cannot close a line that has been fulfilled.', { 'o:errorPath': 'item' });
    execute(db, 'UPDATE transactionline SET isclosed = ? WHERE id = ?', ['T', l.id as number]);
  }
  const open = queryOne(db, 'SELECT COUNT(*) AS n FROM transactionline WHERE "transaction" = ? AND isclosed = ?', [id, 'F']);
  if (Number(open?.n ?? 0) === 0) execute(db, 'UPDATE "transaction" SET status = ? WHERE id = ?', ['H', id]);
  touchTransaction(ops, id);
}

/** A warehouse fulfils everything still open on an order: an item fulfillment for the remaining quantities. */
export function shipOrder(ops: Ops, orderId: number, carrier = 'UPS'): { fulfillmentId: number; tranid: string; status: string } {
  const { db } = ops;
  const so = queryOne(db, 'SELECT * FROM "transaction" WHERE id = ?', [orderId]);
  if (!so) throw new Error('unknown order');
  const lines = queryRows(db, 'SELECT * FROM transactionline WHERE "transaction" = ? AND isclosed = ? ORDER BY linesequencenumber', [orderId, 'F']);
  const remaining = lines
    .map((l) => ({ l, qty: Math.abs(Number(l.quantity)) - Number(l.quantityshiprecv ?? 0) }))
    .filter((x) => x.qty > 0);
  if (!['B', 'D', 'E'].includes(String(so.status)) || remaining.length === 0) {
    throw userError(`Sales order ${String(so.tranid)} cannot be fulfilled: its status is ${String(so.status)} and ${remaining.length} lines remain open.`);
  }
  const tranid = nextTranId(db, 'ItemShip', 'SHIP-');
  const shipId = insertTransaction(ops, {
    type: 'ItemShip',
    tranid,
    entity: Number(so.entity),
    status: 'C',
    trandate: Math.floor(ops.clock.tick()),
    totalCents: 0,
    createdfrom: orderId,
    shipcarrier: carrier,
    trackingnumbers: `1Z${String(orderId).padStart(6, '0')}${tranid.replace(/\D/g, '').slice(-8)}`,
  });
  insertLines(
    ops,
    shipId,
    'ItemShip',
    orderId,
    remaining.map(({ l, qty }) => ({ item: Number(l.item), quantity: qty, rateCents: 0, memo: l.memo == null ? null : String(l.memo) })),
  );
  for (const { l } of remaining) execute(db, 'UPDATE transactionline SET quantityshiprecv = ? WHERE id = ?', [Math.abs(Number(l.quantity)), l.id as number]);
  // Fully fulfilled and not yet billed: Pending Billing.
  execute(db, 'UPDATE "transaction" SET status = ?, lastmodifieddate = ? WHERE id = ?', ['F', ops.clock.tick(), orderId]);
  return { fulfillmentId: shipId, tranid, status: 'F' };
}

/** Finance records a customer payment against one invoice. */
export function payInvoice(ops: Ops, invoiceId: number, amountCents: number, method = 'ACH'): { paymentId: number; tranid: string; amountRemaining: string; status: string } {
  const { db } = ops;
  const inv = queryOne(db, 'SELECT * FROM "transaction" WHERE id = ?', [invoiceId]);
  if (!inv) throw new Error('unknown invoice');
  const unpaid = toCents(inv.foreignamountunpaid ?? inv.foreigntotal ?? 0);
  if (inv.status === 'V') throw userError(`Invoice ${String(inv.tranid)} is voided.`);
  if (amountCents <= 0) throw userError('The payment amount must be greater than zero.');
  if (amountCents > unpaid) throw userError(`The payment amount ${fromCents(amountCents).toFixed(2)} exceeds the amount remaining ${fromCents(unpaid).toFixed(2)} on ${String(inv.tranid)}.`);
  const tranid = nextTranId(db, 'CustPymt', 'PMT-');
  const today = Math.floor(ops.clock.tick());
  const payId = insertTransaction(ops, {
    type: 'CustPymt',
    tranid,
    entity: Number(inv.entity),
    status: 'B',
    trandate: today,
    totalCents: amountCents,
    paymentmethod: method,
  });
  execute(db, 'INSERT INTO previoustransactionlink VALUES (?,?,?,?,?,?,?,?)', [invoiceId, payId, 'Payment', fromCents(amountCents), fromCents(amountCents), today, 'CustInvc', 'CustPymt']);
  const left = unpaid - amountCents;
  const total = toCents(inv.foreigntotal ?? 0);
  const status = left === 0 ? 'B' : 'A';
  execute(db, 'UPDATE "transaction" SET foreignamountunpaid = ?, foreignamountpaid = ?, status = ?, lastmodifieddate = ? WHERE id = ?', [
    fromCents(left), fromCents(total - left), status, ops.clock.tick(), invoiceId,
  ]);
  return { paymentId: payId, tranid, amountRemaining: fromCents(left).toFixed(2), status };
}

/** Transforms a sales order into a return authorization for fulfilled quantities. */
export function createReturn(
  ops: Ops,
  orderId: number,
  input: { lines: { orderLine: number; quantity: number }[] | null; reason?: string | null; memo?: string | null; externalId?: string | null },
): number {
  const { db } = ops;
  const so = queryOne(db, 'SELECT * FROM "transaction" WHERE id = ? AND type = ?', [orderId, 'SalesOrd']);
  if (!so) throw new NsError(404, 'NONEXISTENT_ID', 'The record instance does not exist. Provide a valid record instance ID.');
  if (input.externalId && queryOne(db, 'SELECT id FROM "transaction" WHERE type = ? AND externalid = ?', ['RtnAuth', input.externalId])) throw duplicateRecord();
  const lines = queryRows(db, 'SELECT * FROM transactionline WHERE "transaction" = ? ORDER BY linesequencenumber', [orderId]);
  const returned = new Map<number, number>();
  for (const r of queryRows(
    db,
    'SELECT tl.item AS item, SUM(tl.quantity) AS q FROM transactionline tl JOIN "transaction" t ON t.id = tl."transaction" WHERE t.type = ? AND t.createdfrom = ? AND t.status <> ? GROUP BY tl.item',
    ['RtnAuth', orderId, 'C'],
  )) {
    returned.set(Number(r.item), Number(r.q));
  }
  const wanted = input.lines ?? lines.map((l) => ({ orderLine: Number(l.linesequencenumber), quantity: Number(l.quantityshiprecv ?? 0) - (returned.get(Number(l.item)) ?? 0) })).filter((x) => x.quantity > 0);
  const out = wanted.map((w, k) => {
    const l = lines.find((x) => Number(x.linesequencenumber) === w.orderLine);
    if (!l) throw userError(`Error while accessing a resource. You have entered an Invalid Field Value ${w.orderLine} for the following field: orderLine`, { 'o:errorPath': `item.items[${k}].orderLine` });
    const allowed = Number(l.quantityshiprecv ?? 0) - (returned.get(Number(l.item)) ?? 0);
    if (!Number.isInteger(w.quantity) || w.quantity <= 0 || w.quantity > allowed) {
      throw userError(`Error while accessing a resource. You cannot return ${w.quantity} of line ${w.orderLine}: ${Math.max(0, allowed)} fulfilled and not yet returned.`, { 'o:errorPath': `item.items[${k}].quantity` });
    }
    return { item: Number(l.item), quantity: w.quantity, rateCents: toCents(l.rate ?? 0), memo: l.memo == null ? null : String(l.memo) };
  });
  if (!out.length) throw userError('Error while accessing a resource. You must enter at least one line item for this transaction.', { 'o:errorPath': 'item' });
  const id = insertTransaction(ops, {
    type: 'RtnAuth',
    tranid: nextTranId(db, 'RtnAuth', 'RMA-'),
    entity: Number(so.entity),
    status: 'A',
    trandate: Math.floor(ops.clock.tick()),
    totalCents: out.reduce((s, l) => s + l.rateCents * l.quantity, 0),
    createdfrom: orderId,
    externalid: input.externalId ?? null,
    memo: input.memo ?? null,
    returnReason: input.reason ?? null,
  });
  insertLines(ops, id, 'RtnAuth', orderId, out);
  touchTransaction(ops, orderId);
  return id;
}
