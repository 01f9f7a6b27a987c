/**
 * The record API (`/services/rest/record/v1/...`): GET, POST, PATCH and upsert
 * by external id for the record types the product uses, shaped as NetSuite
 * shapes them (camelCase fields, references as `{links, id, refName}`, sublists
 * as links unless `expandSubResources=true`, empty fields omitted).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { addressText, customerAltName, daysToDate, execute, queryOne, queryRows, toCents, type SqlValue } from './db.js';
import { NsError, recordNotFound, userError } from './errors.js';
import { closeSalesOrder, createReturn, createSalesOrder, duplicateRecord, type Ops, type Row } from './ops.js';
import { statusLabel } from './suiteql.js';

export const REST = '/services/rest';
const V1 = `${REST}/record/v1`;

/** Record type in the URL → SuiteQL transaction type (null for customer). */
export const RECORD_TYPES: Record<string, string | null> = {
  customer: null,
  salesOrder: 'SalesOrd',
  invoice: 'CustInvc',
  customerPayment: 'CustPymt',
  itemFulfillment: 'ItemShip',
  returnAuthorization: 'RtnAuth',
  creditMemo: 'CustCred',
};

type Json = Record<string, unknown>;

export function baseUrlOf(req: FastifyRequest): string {
  const proto = String(req.headers['x-forwarded-proto'] ?? 'http').split(',')[0]?.trim() || 'http';
  return `${proto}://${String(req.headers.host ?? 'localhost')}`;
}

const iso = (days: SqlValue): string | undefined => (typeof days === 'number' ? daysToDate(days).toISOString().replace(/\.\d{3}Z$/, 'Z') : undefined);
const isoDate = (days: SqlValue): string | undefined => (typeof days === 'number' ? daysToDate(days).toISOString().slice(0, 10) : undefined);
const str = (v: SqlValue): string | undefined => (v == null || v === '' ? undefined : String(v));
const numv = (v: SqlValue): number | undefined => (v == null ? undefined : Number(v));

function compact(o: Json): Json {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null));
}

function ref(base: string, type: string | null, id: SqlValue, refName?: string): Json | undefined {
  if (id == null) return undefined;
  return compact({ links: type ? [{ rel: 'self', href: `${base}${V1}/${type}/${String(id)}` }] : [], id: String(id), refName });
}

function parseId(raw: string): { eid: string } | { id: number } {
  if (raw.startsWith('eid:')) {
    const eid = raw.slice(4);
    if (!/^[A-Za-z0-9_-]+$/.test(eid)) throw recordNotFound();
    return { eid };
  }
  if (!/^-?\d+$/.test(raw)) throw recordNotFound();
  return { id: Number(raw) };
}

function findCustomer(ops: Ops, raw: string): Row | undefined {
  const p = parseId(raw);
  return 'eid' in p ? queryOne(ops.db, 'SELECT * FROM customer WHERE externalid = ?', [p.eid]) : queryOne(ops.db, 'SELECT * FROM customer WHERE id = ?', [p.id]);
}

function findTransaction(ops: Ops, type: string, raw: string): Row | undefined {
  const p = parseId(raw);
  return 'eid' in p
    ? queryOne(ops.db, 'SELECT * FROM "transaction" WHERE type = ? AND externalid = ?', [type, p.eid])
    : queryOne(ops.db, 'SELECT * FROM "transaction" WHERE type = ? AND id = ?', [type, p.id]);
}

function collection(base: string, selfPath: string, items: Json[]): Json {
  return { links: [{ rel: 'self', href: `${base}${selfPath}` }], items, totalResults: items.length, count: items.length, hasMore: false, offset: 0 };
}

function customerJson(ops: Ops, base: string, c: Row, expand: boolean): Json {
  const self = `${V1}/customer/${String(c.id)}`;
  const term = c.terms == null ? undefined : queryOne(ops.db, 'SELECT name FROM term WHERE id = ?', [c.terms]);
  const bill = c.defaultbillingaddress == null ? undefined : queryOne(ops.db, 'SELECT addrtext FROM entityaddress WHERE nkey = ?', [c.defaultbillingaddress]);
  let addressBook: Json = { links: [{ rel: 'self', href: `${base}${self}/addressBook` }] };
  if (expand) addressBook = collection(base, `${self}/addressBook`, addressBookItems(ops, base, c));
  return compact({
    links: [{ rel: 'self', href: `${base}${self}` }],
    id: String(c.id),
    entityId: str(c.entityid),
    externalId: str(c.externalid),
    isPerson: c.isperson === 'T',
    companyName: str(c.companyname),
    firstName: str(c.firstname),
    lastName: str(c.lastname),
    altName: str(c.altname),
    email: str(c.email),
    phone: str(c.phone),
    terms: ref(base, 'term', c.terms, str(term?.name ?? null)),
    creditLimit: numv(c.creditlimit),
    creditHoldOverride: c.creditholdoverride == null ? undefined : { id: String(c.creditholdoverride), refName: ({ AUTO: 'Auto', ON: 'On', OFF: 'Off' } as Record<string, string>)[String(c.creditholdoverride)] },
    currency: ref(base, 'currency', c.currency, 'US Dollar'),
    subsidiary: ref(base, 'subsidiary', c.subsidiary, 'Parent Company'),
    isInactive: c.isinactive === 'T',
    custentity_tax_class: str(c.custentity_tax_class),
    defaultAddress: str(bill?.addrtext ?? null),
    dateCreated: iso(c.datecreated),
    lastModifiedDate: iso(c.lastmodifieddate),
    addressBook,
  });
}

function addressBookItems(ops: Ops, base: string, c: Row): Json[] {
  const self = `${V1}/customer/${String(c.id)}/addressBook`;
  return queryRows(ops.db, 'SELECT b.*, a.* FROM customeraddressbook b JOIN entityaddress a ON a.nkey = b.addressbookaddress WHERE b.entity = ? ORDER BY b.internalid', [c.id as number]).map((r) =>
    compact({
      links: [{ rel: 'self', href: `${base}${self}/${String(r.internalid)}` }],
      addressBookAddress: compact({
        links: [{ rel: 'self', href: `${base}${self}/${String(r.internalid)}/addressBookAddress` }],
        addr1: str(r.addr1),
        addr2: str(r.addr2),
        addressee: str(r.addressee),
        addrText: str(r.addrtext),
        city: str(r.city),
        country: str(r.country) ? { id: String(r.country), refName: String(r.country) } : undefined,
        state: str(r.state),
        zip: str(r.zip),
      }),
      addressId: String(r.nkey),
      defaultBilling: r.defaultbilling === 'T',
      defaultShipping: r.defaultshipping === 'T',
      id: Number(r.internalid),
      internalId: Number(r.internalid),
      isResidential: r.isresidential === 'T',
      label: str(r.label),
    }),
  );
}

function lineItems(ops: Ops, base: string, t: Row, recordType: string): Json[] {
  const self = `${V1}/${recordType}/${String(t.id)}/item`;
  return queryRows(ops.db, 'SELECT l.*, i.itemid AS itemname FROM transactionline l LEFT JOIN item i ON i.id = l.item WHERE l."transaction" = ? ORDER BY l.linesequencenumber', [t.id as number]).map((l) =>
    compact({
      links: [{ rel: 'self', href: `${base}${self}/${String(l.linesequencenumber)}` }],
      line: Number(l.linesequencenumber),
      item: ref(base, 'inventoryItem', l.item, str(l.itemname)),
      description: str(l.memo),
      quantity: Math.abs(Number(l.quantity)),
      rate: numv(l.rate),
      amount: l.foreignamount == null ? undefined : Math.abs(Number(l.foreignamount)),
      quantityFulfilled: t.type === 'SalesOrd' ? Number(l.quantityshiprecv ?? 0) : undefined,
      isClosed: l.isclosed === 'T',
    }),
  );
}

function transactionJson(ops: Ops, base: string, recordType: string, t: Row, expand: boolean): Json {
  const self = `${V1}/${recordType}/${String(t.id)}`;
  const cust = queryOne(ops.db, 'SELECT entityid, altname FROM customer WHERE id = ?', [t.entity]);
  const entity = ref(base, 'customer', t.entity, cust ? `${String(cust.entityid)} ${String(cust.altname ?? '')}`.trim() : undefined);
  const created = t.createdfrom == null ? undefined : queryOne(ops.db, 'SELECT tranid, recordtype FROM "transaction" WHERE id = ?', [t.createdfrom]);
  const label = statusLabel(String(t.type), String(t.status));
  const term = t.terms == null ? undefined : queryOne(ops.db, 'SELECT name FROM term WHERE id = ?', [t.terms]);
  const type = String(t.type);
  let item: Json | undefined = { links: [{ rel: 'self', href: `${base}${self}/item` }] };
  if (type === 'CustPymt') item = undefined;
  else if (expand) item = collection(base, `${self}/item`, lineItems(ops, base, t, recordType));
  return compact({
    links: [{ rel: 'self', href: `${base}${self}` }],
    id: String(t.id),
    tranId: str(t.tranid),
    externalId: str(t.externalid),
    [type === 'CustPymt' ? 'customer' : 'entity']: entity,
    status: { id: label, refName: label },
    orderStatus: type === 'SalesOrd' || type === 'RtnAuth' ? { id: String(t.status), refName: label } : undefined,
    tranDate: isoDate(t.trandate),
    dueDate: isoDate(t.duedate),
    createdDate: iso(t.createddate),
    lastModifiedDate: iso(t.lastmodifieddate),
    currency: ref(base, 'currency', t.currency, 'US Dollar'),
    terms: ref(base, 'term', t.terms, str(term?.name ?? null)),
    total: type === 'CustPymt' ? undefined : numv(t.foreigntotal),
    payment: type === 'CustPymt' ? numv(t.foreigntotal) : undefined,
    amountPaid: type === 'CustInvc' ? numv(t.foreignamountpaid) : undefined,
    amountRemaining: type === 'CustInvc' ? numv(t.foreignamountunpaid) : undefined,
    createdFrom: created ? ref(base, null, t.createdfrom, `${String(created.tranid)}`) : undefined,
    memo: str(t.memo),
    paymentMethod: str(t.paymentmethod) ? { id: String(t.paymentmethod), refName: String(t.paymentmethod) } : undefined,
    custbody_sales_channel: str(t.custbody_sales_channel),
    custbody_wms_released: t.custbody_wms_released == null ? undefined : t.custbody_wms_released === 'T',
    custbody_return_reason: str(t.custbody_return_reason),
    shipCarrier: str(t.shipcarrier) ? { id: String(t.shipcarrier), refName: String(t.shipcarrier) } : undefined,
    linkedTrackingNumbers: str(t.trackingnumbers),
    item,
  });
}

function sendJson(reply: FastifyReply, body: unknown): FastifyReply {
  return reply.code(200).header('content-type', 'application/vnd.oracle.resource+json; type=singular; charset=UTF-8').send(JSON.stringify(body));
}

function created(reply: FastifyReply, req: FastifyRequest, recordType: string, id: number): FastifyReply {
  return reply.code(204).header('location', `${baseUrlOf(req)}${V1}/${recordType}/${id}`).send();
}

function body(req: FastifyRequest): Json {
  const b = req.body;
  if (b == null) return {};
  if (typeof b !== 'object' || Array.isArray(b)) throw new NsError(400, 'INVALID_CONTENT', 'The request body must be a JSON object.');
  return b as Json;
}

function refId(v: unknown, path: string): number {
  const raw = v != null && typeof v === 'object' ? (v as Json).id : v;
  const s = raw == null ? '' : String(raw);
  if (!/^\d+$/.test(s)) throw userError(`Error while accessing a resource. You have entered an Invalid Field Value ${s} for the following field: ${path}`, { 'o:errorPath': path });
  return Number(s);
}

function optString(b: Json, key: string): string | null | undefined {
  if (!(key in b)) return undefined;
  const v = b[key];
  if (v === null) return null;
  if (typeof v !== 'string' && typeof v !== 'number') throw new NsError(400, 'INVALID_CONTENT', `Invalid value for the field ${key}.`, { 'o:errorPath': key });
  return String(v);
}

function sublistItems(b: Json, key: string): Json[] | undefined {
  const s = b[key];
  if (s == null) return undefined;
  const items = (s as Json).items;
  if (!Array.isArray(items)) throw new NsError(400, 'INVALID_CONTENT', `The sublist ${key} must be an object with an items array.`, { 'o:errorPath': key });
  return items as Json[];
}

function boolT(v: unknown): string {
  return v === true || v === 'T' || v === 'true' ? 'T' : 'F';
}

const CUSTOMER_FIELDS: [string, string][] = [
  ['entityId', 'entityid'],
  ['companyName', 'companyname'],
  ['firstName', 'firstname'],
  ['lastName', 'lastname'],
  ['email', 'email'],
  ['phone', 'phone'],
  ['custentity_tax_class', 'custentity_tax_class'],
];

function writeCustomer(ops: Ops, b: Json, existing: Row | undefined, forcedExternalId?: string): number {
  const { db } = ops;
  const sets: Record<string, SqlValue> = {};
  for (const [k, col] of CUSTOMER_FIELDS) {
    const v = optString(b, k);
    if (v !== undefined) sets[col] = v === '' ? null : v;
  }
  if ('isPerson' in b) sets.isperson = boolT(b.isPerson);
  if ('isInactive' in b) sets.isinactive = boolT(b.isInactive);
  if ('creditLimit' in b) sets.creditlimit = b.creditLimit == null ? null : Number(b.creditLimit);
  if ('terms' in b) sets.terms = b.terms == null ? null : refId(b.terms, 'terms');
  if ('creditHoldOverride' in b) {
    const v = b.creditHoldOverride;
    const id = String(v != null && typeof v === 'object' ? (v as Json).id : v).toUpperCase();
    if (!['AUTO', 'ON', 'OFF'].includes(id)) throw userError(`Error while accessing a resource. You have entered an Invalid Field Value ${id} for the following field: creditHoldOverride`, { 'o:errorPath': 'creditHoldOverride' });
    sets.creditholdoverride = id;
  }
  const ext = forcedExternalId ?? optString(b, 'externalId');
  if (ext !== undefined && ext !== null) {
    const clash = queryOne(db, 'SELECT id FROM customer WHERE externalid = ?', [ext]);
    if (clash && (!existing || clash.id !== existing.id)) throw duplicateRecord();
    sets.externalid = ext;
  } else if (ext === null && existing) {
    // null clears a field in a PATCH, the external id too.
    sets.externalid = null;
  }
  if (sets.terms != null && !queryOne(db, 'SELECT id FROM term WHERE id = ?', [sets.terms])) {
    throw userError(`Error while accessing a resource. You have entered an Invalid Field Value ${String(sets.terms)} for the following field: terms`, { 'o:errorPath': 'terms' });
  }
  const now = ops.clock.tick();
  let id: number;
  if (existing) {
    id = Number(existing.id);
  } else {
    const merged = { isperson: 'F', companyname: null, firstname: null, lastname: null, ...sets } as Row;
    if (merged.isperson === 'T' ? !merged.lastname : !merged.companyname) {
      throw userError(`Error while accessing a resource. Please enter value(s) for: ${merged.isperson === 'T' ? 'Last Name' : 'Company Name'}`, { 'o:errorPath': merged.isperson === 'T' ? 'lastName' : 'companyName' });
    }
    id = Number(queryOne(db, 'SELECT COALESCE(MAX(id),0)+1 AS n FROM customer')?.n ?? 1);
    execute(db, `INSERT INTO customer (id, isperson, creditholdoverride, currency, subsidiary, isinactive, datecreated, lastmodifieddate, entityid) VALUES (?,?,?,?,?,?,?,?,?)`, [
      id, 'F', 'AUTO', 1, 1, 'F', now, now, String(sets.externalid ?? `CUST${id}`),
    ]);
  }
  const cols = Object.keys(sets);
  if (cols.length) execute(db, `UPDATE customer SET ${cols.map((c) => `${c} = ?`).join(', ')} WHERE id = ?`, [...cols.map((c) => sets[c] ?? null), id]);
  const row = queryOne(db, 'SELECT * FROM customer WHERE id = ?', [id]) as Row;
  execute(db, 'UPDATE customer SET altname = ?, lastmodifieddate = ? WHERE id = ?', [
    customerAltName({ isperson: String(row.isperson), companyname: str(row.companyname) ?? null, firstname: str(row.firstname) ?? null, lastname: str(row.lastname) ?? null }),
    now,
    id,
  ]);
  const book = sublistItems(b, 'addressBook');
  if (book) writeAddressBook(ops, id, book, !existing || /(^|,)addressBook(,|$)/i.test(String((b as { __replace?: string }).__replace ?? '')));
  return id;
}

function writeAddressBook(ops: Ops, customerId: number, items: Json[], replace: boolean): void {
  const { db } = ops;
  const now = ops.clock.tick();
  const cust = queryOne(db, 'SELECT altname FROM customer WHERE id = ?', [customerId]);
  if (replace) {
    for (const r of queryRows(db, 'SELECT addressbookaddress FROM customeraddressbook WHERE entity = ?', [customerId])) execute(db, 'DELETE FROM entityaddress WHERE nkey = ?', [r.addressbookaddress as number]);
    execute(db, 'DELETE FROM customeraddressbook WHERE entity = ?', [customerId]);
  }
  items.forEach((it, k) => {
    const a = (it.addressBookAddress ?? {}) as Json;
    const path = `addressBook.items[${k}]`;
    const country = a.country != null && typeof a.country === 'object' ? (a.country as Json).id : a.country;
    const fields = {
      addressee: a.addressee == null ? (cust?.altname == null ? null : String(cust.altname)) : String(a.addressee),
      addr1: a.addr1 == null ? null : String(a.addr1),
      addr2: a.addr2 == null || a.addr2 === '' ? null : String(a.addr2),
      city: a.city == null ? null : String(a.city),
      state: a.state == null || a.state === '' ? null : String(a.state),
      zip: a.zip == null ? null : String(a.zip),
      country: country == null ? null : String(country),
    };
    const lineId = it.internalId ?? it.id;
    const existing = lineId == null ? undefined : queryOne(db, 'SELECT * FROM customeraddressbook WHERE entity = ? AND internalid = ?', [customerId, Number(lineId)]);
    if (lineId != null && !existing) throw userError(`Error while accessing a resource. You have entered an Invalid Field Value ${String(lineId)} for the following field: internalId`, { 'o:errorPath': `${path}.internalId` });
    let nkey: number;
    let bookId: number;
    if (existing) {
      nkey = Number(existing.addressbookaddress);
      bookId = Number(existing.internalid);
      const cur = queryOne(db, 'SELECT * FROM entityaddress WHERE nkey = ?', [nkey]) as Row;
      const merged = Object.fromEntries(Object.entries(fields).map(([key, v]) => [key, key in a || (key === 'country' && 'country' in a) ? v : (cur[key] ?? null)])) as Record<string, string | null>;
      execute(db, 'UPDATE entityaddress SET addressee=?, addr1=?, addr2=?, city=?, state=?, zip=?, country=?, addrtext=?, lastmodifieddate=? WHERE nkey=?', [
        merged.addressee ?? null, merged.addr1 ?? null, merged.addr2 ?? null, merged.city ?? null, merged.state ?? null, merged.zip ?? null, merged.country ?? null,
        addressText({ addressee: merged.addressee, addr1: merged.addr1 ?? '', addr2: merged.addr2 ?? null, city: merged.city ?? '', state: merged.state ?? null, zip: merged.zip ?? '', country: merged.country ?? '' }),
        now, nkey,
      ]);
    } else {
      if (!fields.addr1 || !fields.city || !fields.zip || !fields.country) {
        throw userError('Error while accessing a resource. Please enter value(s) for: Address 1, City, Zip, Country', { 'o:errorPath': `${path}.addressBookAddress` });
      }
      nkey = Number(queryOne(db, 'SELECT COALESCE(MAX(nkey),0)+1 AS n FROM entityaddress')?.n ?? 1);
      bookId = Number(queryOne(db, 'SELECT COALESCE(MAX(internalid),0)+1 AS n FROM customeraddressbook')?.n ?? 1);
      execute(db, 'INSERT INTO entityaddress VALUES (?,?,?,?,?,?,?,?,?,?,?)', [
        nkey, customerId, fields.addressee, fields.addr1, fields.addr2, fields.city, fields.state, fields.zip, fields.country,
        addressText({ addressee: fields.addressee, addr1: fields.addr1, addr2: fields.addr2, city: fields.city, state: fields.state, zip: fields.zip, country: fields.country }),
        now,
      ]);
      execute(db, 'INSERT INTO customeraddressbook VALUES (?,?,?,?,?,?,?)', [bookId, customerId, nkey, 'F', 'F', 'F', it.label == null ? null : String(it.label)]);
    }
    if ('label' in it && existing) execute(db, 'UPDATE customeraddressbook SET label = ? WHERE internalid = ?', [it.label == null ? null : String(it.label), bookId]);
    if (it.defaultBilling === true) {
      execute(db, 'UPDATE customeraddressbook SET defaultbilling = ? WHERE entity = ?', ['F', customerId]);
      execute(db, 'UPDATE customeraddressbook SET defaultbilling = ? WHERE internalid = ?', ['T', bookId]);
      execute(db, 'UPDATE customer SET defaultbillingaddress = ? WHERE id = ?', [nkey, customerId]);
    }
    if (it.defaultShipping === true) {
      execute(db, 'UPDATE customeraddressbook SET defaultshipping = ? WHERE entity = ?', ['F', customerId]);
      execute(db, 'UPDATE customeraddressbook SET defaultshipping = ? WHERE internalid = ?', ['T', bookId]);
      execute(db, 'UPDATE customer SET defaultshippingaddress = ? WHERE id = ?', [nkey, customerId]);
    }
  });
  execute(db, 'UPDATE customer SET lastmodifieddate = ? WHERE id = ?', [now, customerId]);
}

function salesOrderFromBody(ops: Ops, b: Json, externalId: string | null | undefined): number {
  if (b.entity == null) throw userError('Error while accessing a resource. Please enter value(s) for: Customer', { 'o:errorPath': 'entity' });
  const items = sublistItems(b, 'item') ?? [];
  const lines = items.map((it, k) => {
    const q = Number(it.quantity ?? 1);
    return {
      item: refId(it.item, `item.items[${k}].item`),
      quantity: q,
      rateCents: it.rate == null ? undefined : toCents(Number(it.rate)),
      description: it.description == null ? null : String(it.description),
    };
  });
  const st = b.orderStatus == null ? undefined : String(typeof b.orderStatus === 'object' ? (b.orderStatus as Json).id : b.orderStatus);
  if (st !== undefined && st !== 'A' && st !== 'B') {
    throw userError(`Error while accessing a resource. You have entered an Invalid Field Value ${st} for the following field: orderStatus`, { 'o:errorPath': 'orderStatus' });
  }
  let trandate: number | undefined;
  if (typeof b.tranDate === 'string') {
    const ms = Date.parse(`${b.tranDate.slice(0, 10)}T00:00:00Z`);
    if (!Number.isFinite(ms)) throw new NsError(400, 'INVALID_CONTENT', `Invalid value for the field tranDate: ${b.tranDate}`, { 'o:errorPath': 'tranDate' });
    trandate = ms / 86_400_000;
  }
  return createSalesOrder(ops, {
    entity: refId(b.entity, 'entity'),
    lines,
    externalId: externalId ?? null,
    memo: optString(b, 'memo') ?? null,
    channel: optString(b, 'custbody_sales_channel') ?? null,
    ...(st ? { status: st } : {}),
    ...(trandate !== undefined ? { trandate } : {}),
  });
}

function patchSalesOrder(ops: Ops, so: Row, b: Json): void {
  const { db } = ops;
  const id = Number(so.id);
  const sets: Record<string, SqlValue> = {};
  for (const k of ['memo', 'custbody_sales_channel']) {
    const v = optString(b, k);
    if (v !== undefined) sets[k] = v === '' ? null : v;
  }
  if ('externalId' in b) {
    const ext = optString(b, 'externalId') ?? null;
    if (ext && queryOne(db, 'SELECT id FROM "transaction" WHERE type = ? AND externalid = ? AND id <> ?', ['SalesOrd', ext, id])) throw duplicateRecord();
    sets.externalid = ext;
  }
  const cols = Object.keys(sets);
  if (cols.length) execute(db, `UPDATE "transaction" SET ${cols.map((c) => `${c} = ?`).join(', ')} WHERE id = ?`, [...cols.map((c) => sets[c] ?? null), id]);
  const items = sublistItems(b, 'item');
  if (items) {
    const closing = items.filter((it) => it.isClosed === true).map((it) => Number(it.line));
    if (closing.some((n) => !Number.isInteger(n))) throw userError('Error while accessing a resource. Each item line to close must name its line.', { 'o:errorPath': 'item.items' });
    const count = Number(queryOne(db, 'SELECT COUNT(*) AS n FROM transactionline WHERE "transaction" = ?', [id])?.n ?? 0);
    if (closing.length) closeSalesOrder(ops, id, closing.length === count ? 'all' : closing);
  }
  execute(db, 'UPDATE "transaction" SET lastmodifieddate = ? WHERE id = ?', [ops.clock.tick(), id]);
}

export function registerRecordRoutes(app: FastifyInstance, ops: Ops): void {
  const expandOf = (req: FastifyRequest): boolean => String((req.query as Json).expandSubResources ?? '').toLowerCase() === 'true';

  app.get(`${V1}/customer/:id`, async (req, reply) => {
    const c = findCustomer(ops, (req.params as { id: string }).id);
    if (!c) throw recordNotFound();
    return sendJson(reply, customerJson(ops, baseUrlOf(req), c, expandOf(req)));
  });
  app.get(`${V1}/customer/:id/addressBook`, async (req, reply) => {
    const c = findCustomer(ops, (req.params as { id: string }).id);
    if (!c) throw recordNotFound();
    return sendJson(reply, collection(baseUrlOf(req), `${V1}/customer/${String(c.id)}/addressBook`, addressBookItems(ops, baseUrlOf(req), c)));
  });
  app.post(`${V1}/customer`, async (req, reply) => {
    const b = body(req);
    const id = writeCustomer(ops, b, undefined);
    return created(reply, req, 'customer', id);
  });
  app.patch(`${V1}/customer/:id`, async (req, reply) => {
    const c = findCustomer(ops, (req.params as { id: string }).id);
    if (!c) throw recordNotFound();
    const b = { ...body(req), __replace: (req.query as Json).replace };
    writeCustomer(ops, b, c);
    return created(reply, req, 'customer', Number(c.id));
  });
  app.put(`${V1}/customer/:id`, async (req, reply) => {
    const raw = (req.params as { id: string }).id;
    const p = parseId(raw);
    if (!('eid' in p)) throw new NsError(405, 'INVALID_REQUEST', 'The PUT method is supported only with an external ID (eid:) in the URL.');
    const c = findCustomer(ops, raw);
    const b = { ...body(req), __replace: (req.query as Json).replace };
    const id = writeCustomer(ops, b, c, p.eid);
    return created(reply, req, 'customer', id);
  });

  for (const [recordType, type] of Object.entries(RECORD_TYPES)) {
    if (!type) continue;
    app.get(`${V1}/${recordType}/:id`, async (req, reply) => {
      const t = findTransaction(ops, type, (req.params as { id: string }).id);
      if (!t) throw recordNotFound();
      return sendJson(reply, transactionJson(ops, baseUrlOf(req), recordType, t, expandOf(req)));
    });
    if (type === 'CustPymt') continue;
    app.get(`${V1}/${recordType}/:id/item`, async (req, reply) => {
      const t = findTransaction(ops, type, (req.params as { id: string }).id);
      if (!t) throw recordNotFound();
      return sendJson(reply, collection(baseUrlOf(req), `${V1}/${recordType}/${String(t.id)}/item`, lineItems(ops, baseUrlOf(req), t, recordType)));
    });
  }

  app.post(`${V1}/salesOrder`, async (req, reply) => {
    const b = body(req);
    const id = salesOrderFromBody(ops, b, optString(b, 'externalId'));
    return created(reply, req, 'salesOrder', id);
  });
  app.patch(`${V1}/salesOrder/:id`, async (req, reply) => {
    const so = findTransaction(ops, 'SalesOrd', (req.params as { id: string }).id);
    if (!so) throw recordNotFound();
    patchSalesOrder(ops, so, body(req));
    return created(reply, req, 'salesOrder', Number(so.id));
  });
  app.put(`${V1}/salesOrder/:id`, async (req, reply) => {
    const raw = (req.params as { id: string }).id;
    const p = parseId(raw);
    if (!('eid' in p)) throw new NsError(405, 'INVALID_REQUEST', 'The PUT method is supported only with an external ID (eid:) in the URL.');
    const so = findTransaction(ops, 'SalesOrd', raw);
    if (so) {
      patchSalesOrder(ops, so, body(req));
      return created(reply, req, 'salesOrder', Number(so.id));
    }
    return created(reply, req, 'salesOrder', salesOrderFromBody(ops, body(req), p.eid));
  });
  app.post(`${V1}/salesOrder/:id/!transform/returnAuthorization`, async (req, reply) => {
    const so = findTransaction(ops, 'SalesOrd', (req.params as { id: string }).id);
    if (!so) throw recordNotFound();
    const b = body(req);
    const items = sublistItems(b, 'item');
    const id = createReturn(ops, Number(so.id), {
      lines: items ? items.map((it) => ({ orderLine: Number(it.orderLine ?? it.line), quantity: Number(it.quantity) })).map((l, k) => {
        if (!Number.isInteger(l.orderLine)) throw userError(`Error while accessing a resource. Please enter value(s) for: orderLine`, { 'o:errorPath': `item.items[${k}].orderLine` });
        return l;
      }) : null,
      reason: optString(b, 'custbody_return_reason') ?? null,
      memo: optString(b, 'memo') ?? null,
      externalId: optString(b, 'externalId') ?? null,
    });
    return created(reply, req, 'returnAuthorization', id);
  });
}
