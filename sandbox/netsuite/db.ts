/**
 * The NetSuite sandbox's store: one in-memory SQLite database (sql.js) whose
 * tables and columns carry SuiteQL's own names, so SuiteQL runs on a real SQL
 * engine and the record API reads and writes the same rows.
 *
 * Dates are stored as epoch days (a REAL: days since 1970-01-01 UTC, whole
 * seconds only). Oracle date arithmetic counts in days, so `SYSDATE - 7`,
 * comparisons, MIN/MAX and ORDER BY all behave as in SuiteQL.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import initSqlJs, { type Database, type SqlValue } from 'sql.js';
import type { NetSuiteData, NsAddress } from '../dataset/model.js';

export type { Database, SqlValue };

const MS_PER_DAY = 86_400_000;

/** ISO instant → epoch days, truncated to whole seconds as NetSuite stores them. */
export function instantToDays(iso: string): number {
  return Math.floor(Date.parse(iso) / 1000) / 86_400;
}

/** 'YYYY-MM-DD' → epoch days at midnight UTC. */
export function dateToDays(d: string): number {
  return Date.parse(`${d.slice(0, 10)}T00:00:00Z`) / MS_PER_DAY;
}

export function daysToDate(days: number): Date {
  return new Date(Math.round(days * 86_400) * 1000);
}

/** The sandbox account's date preference, M/D/YYYY (NetSuite's US default). */
export function formatAccountDate(days: number): string {
  const d = daysToDate(days);
  return `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()}`;
}

/** Columns holding dates, by name; SuiteQL renders them in the account's date format. */
export const DATE_COLUMNS = new Set(['trandate', 'duedate', 'createddate', 'lastmodifieddate', 'datecreated', 'linkdate', 'shipdate']);

/** Tables a SuiteQL query may name (lowercase). */
export const TABLES = new Set([
  'customer',
  'transaction',
  'transactionline',
  'item',
  'term',
  'currency',
  'entityaddress',
  'customeraddressbook',
  'customeraddressbookentityaddress',
  'previoustransactionlink',
  'companyinformation',
]);

const SCHEMA = `
CREATE TABLE companyinformation (companyid TEXT, companyname TEXT, basecurrency INTEGER, lastmodifieddate REAL);
CREATE TABLE customer (
  id INTEGER PRIMARY KEY, entityid TEXT, externalid TEXT UNIQUE, isperson TEXT, companyname TEXT,
  firstname TEXT, lastname TEXT, altname TEXT, email TEXT, phone TEXT, terms INTEGER, creditlimit NUMERIC,
  creditholdoverride TEXT, currency INTEGER, subsidiary INTEGER, isinactive TEXT, custentity_tax_class TEXT,
  defaultbillingaddress INTEGER, defaultshippingaddress INTEGER, datecreated REAL, lastmodifieddate REAL);
CREATE TABLE entityaddress (
  nkey INTEGER PRIMARY KEY, recordowner INTEGER, addressee TEXT, addr1 TEXT, addr2 TEXT, city TEXT, state TEXT,
  zip TEXT, country TEXT, addrtext TEXT, lastmodifieddate REAL);
CREATE VIEW customeraddressbookentityaddress AS SELECT * FROM entityaddress;
CREATE TABLE customeraddressbook (
  internalid INTEGER PRIMARY KEY, entity INTEGER, addressbookaddress INTEGER, defaultbilling TEXT,
  defaultshipping TEXT, isresidential TEXT, label TEXT);
CREATE TABLE term (id INTEGER PRIMARY KEY, name TEXT, daysuntilnetdue INTEGER, isinactive TEXT);
CREATE TABLE currency (id INTEGER PRIMARY KEY, name TEXT, symbol TEXT, isbasecurrency TEXT, isinactive TEXT);
CREATE TABLE item (
  id INTEGER PRIMARY KEY, itemid TEXT UNIQUE, displayname TEXT, salesdescription TEXT, itemtype TEXT,
  baseprice NUMERIC, isinactive TEXT);
CREATE TABLE "transaction" (
  id INTEGER PRIMARY KEY, tranid TEXT, type TEXT, recordtype TEXT, entity INTEGER, status TEXT, trandate REAL,
  duedate REAL, createddate REAL, lastmodifieddate REAL, currency INTEGER, terms INTEGER, foreigntotal NUMERIC,
  foreignamountpaid NUMERIC, foreignamountunpaid NUMERIC, createdfrom INTEGER, externalid TEXT, memo TEXT,
  paymentmethod TEXT, custbody_sales_channel TEXT, custbody_wms_released TEXT, shipcarrier TEXT,
  trackingnumbers TEXT, custbody_return_reason TEXT);
CREATE UNIQUE INDEX transaction_externalid ON "transaction"(type, externalid);
CREATE INDEX transaction_entity ON "transaction"(entity);
CREATE INDEX transaction_tranid ON "transaction"(tranid);
CREATE INDEX transaction_lastmod ON "transaction"(lastmodifieddate);
CREATE TABLE transactionline (
  id INTEGER PRIMARY KEY, "transaction" INTEGER, linesequencenumber INTEGER, mainline TEXT, item INTEGER,
  memo TEXT, quantity NUMERIC, rate NUMERIC, foreignamount NUMERIC, quantityshiprecv NUMERIC, isclosed TEXT,
  createdfrom INTEGER, entity INTEGER);
CREATE INDEX transactionline_transaction ON transactionline("transaction");
CREATE TABLE previoustransactionlink (
  previousdoc INTEGER, nextdoc INTEGER, linktype TEXT, foreignamount NUMERIC, amount NUMERIC, linkdate REAL,
  previoustype TEXT, nexttype TEXT);
CREATE INDEX ptl_previous ON previoustransactionlink(previousdoc);
CREATE INDEX ptl_next ON previoustransactionlink(nextdoc);
`;

export const RECORD_TYPE_OF: Record<string, string> = {
  SalesOrd: 'salesorder',
  ItemShip: 'itemfulfillment',
  CustInvc: 'invoice',
  CustPymt: 'customerpayment',
  RtnAuth: 'returnauthorization',
  CustCred: 'creditmemo',
  Journal: 'journalentry',
};

/**
 * Transaction types whose item lines SuiteQL reports with negative quantity and
 * amount (they draw down stock or credit income). Connectors negate them.
 */
export const NEGATIVE_LINE_TYPES = new Set(['SalesOrd', 'CustInvc', 'ItemShip']);

let sqlModule: Promise<initSqlJs.SqlJsStatic> | undefined;

function loadSqlJs(): Promise<initSqlJs.SqlJsStatic> {
  if (!sqlModule) {
    // The wasm ships inside the sql.js package; resolve it there so nothing is fetched.
    const require = createRequire(import.meta.url);
    const dist = dirname(require.resolve('sql.js/dist/sql-wasm.wasm'));
    sqlModule = initSqlJs({ locateFile: (file: string) => join(dist, file) });
  }
  return sqlModule;
}

export function addressText(a: { addressee?: string | null } & NsAddress): string {
  return [a.addressee, a.addr1, a.addr2, [a.city, a.state, a.zip].filter(Boolean).join(' '), a.country].filter(Boolean).join('\n');
}

export function customerAltName(c: { isperson: string; companyname: string | null; firstname: string | null; lastname: string | null }): string {
  return c.isperson === 'T' ? [c.firstname, c.lastname].filter(Boolean).join(' ') : (c.companyname ?? '');
}

const emptyToNull = (v: string | null | undefined): string | null => (v == null || v === '' ? null : v);

/** Creates the database and copies the dataset into it (the dataset itself is never touched). */
export async function openDatabase(ns: NetSuiteData): Promise<Database> {
  const SQL = await loadSqlJs();
  const db = new SQL.Database();
  // Oracle's LIKE is case-sensitive; SQLite's is not unless told.
  db.run('PRAGMA case_sensitive_like = ON');
  db.run(SCHEMA);
  db.run('BEGIN');
  try {
    const ins = (sql: string, rows: SqlValue[][]): void => {
      const st = db.prepare(sql);
      for (const r of rows) st.run(r);
      st.free();
    };
    ins('INSERT INTO term VALUES (?,?,?,?)', ns.terms.map((t) => [t.id, t.name, t.daysuntilnetdue, 'F']));
    const currencies = new Set([1, ...ns.customers.map((c) => c.currency), ...ns.transactions.map((t) => t.currency)]);
    ins(
      'INSERT INTO currency VALUES (?,?,?,?,?)',
      [...currencies].map((id) => (id === 1 ? [1, 'US Dollar', 'USD', 'T', 'F'] : [id, `Currency ${id}`, `C${id}`, 'F', 'F'])),
    );
    ins(
      'INSERT INTO item VALUES (?,?,?,?,?,?,?)',
      ns.items.map((i) => [i.id, i.itemid, i.displayname, i.displayname, 'InvtPart', Number(i.baseprice), i.isinactive]),
    );

    let nkey = 1;
    let abook = 1;
    const custRows: SqlValue[][] = [];
    const addrRows: SqlValue[][] = [];
    const bookRows: SqlValue[][] = [];
    for (const c of ns.customers) {
      const altname = customerAltName(c);
      const lastmod = instantToDays(c.lastmodifieddate);
      let bill: number | null = null;
      let ship: number | null = null;
      const addAddress = (a: NsAddress, isBill: boolean, isShip: boolean): number => {
        const key = nkey++;
        addrRows.push([key, c.id, altname, a.addr1, emptyToNull(a.addr2), a.city, emptyToNull(a.state), a.zip, a.country, addressText({ addressee: altname, ...a }), lastmod]);
        bookRows.push([abook++, c.id, key, isBill ? 'T' : 'F', isShip ? 'T' : 'F', c.isperson, isBill ? 'Billing' : 'Shipping']);
        return key;
      };
      if (c.billaddress) bill = addAddress(c.billaddress, true, false);
      c.shipaddresses.forEach((a, i) => {
        const key = addAddress(a, false, i === 0);
        if (i === 0) ship = key;
      });
      custRows.push([
        c.id, c.entityid, c.externalid, c.isperson, emptyToNull(c.companyname), emptyToNull(c.firstname), emptyToNull(c.lastname), altname,
        emptyToNull(c.email), emptyToNull(c.phone), c.terms, c.creditlimit == null ? null : Number(c.creditlimit), c.credithold, c.currency,
        c.subsidiary, 'F', emptyToNull(c.custentity_tax_class), bill, ship, instantToDays(c.datecreated), lastmod,
      ]);
    }
    ins(`INSERT INTO customer VALUES (${Array(21).fill('?').join(',')})`, custRows);
    ins(`INSERT INTO entityaddress VALUES (${Array(11).fill('?').join(',')})`, addrRows);
    ins('INSERT INTO customeraddressbook VALUES (?,?,?,?,?,?,?)', bookRows);

    const customerTerms = new Map(ns.customers.map((c) => [c.id, c.terms]));
    const typeOf = new Map<number, string>();
    ins(
      `INSERT INTO "transaction" VALUES (${Array(24).fill('?').join(',')})`,
      ns.transactions.map((t) => {
        typeOf.set(t.id, t.type);
        const total = Number(t.foreigntotal);
        const unpaid = t.type === 'CustInvc' ? Number(t.foreignamountremaining ?? t.foreigntotal) : null;
        return [
          t.id, t.tranid, t.type, RECORD_TYPE_OF[t.type] ?? null, t.entity, t.status, dateToDays(t.trandate),
          t.duedate ? dateToDays(t.duedate) : null, instantToDays(t.createddate), instantToDays(t.lastmodifieddate), t.currency,
          t.type === 'CustInvc' || t.type === 'SalesOrd' ? (customerTerms.get(t.entity) ?? null) : null, total,
          unpaid == null ? null : Math.round((total - unpaid) * 100) / 100, unpaid, t.createdfrom, emptyToNull(t.externalid), emptyToNull(t.memo),
          emptyToNull(t.paymentmethod), t.custbody_sales_channel, t.custbody_wms_released, emptyToNull(t.shipcarrier),
          emptyToNull(t.trackingnumbers), emptyToNull(t.custbody_return_reason),
        ];
      }),
    );
    const createdFrom = new Map(ns.transactions.map((t) => [t.id, t.createdfrom]));
    const entityOf = new Map(ns.transactions.map((t) => [t.id, t.entity]));
    ins(
      `INSERT INTO transactionline VALUES (${Array(13).fill('?').join(',')})`,
      ns.lines.map((l) => {
        const sign = NEGATIVE_LINE_TYPES.has(typeOf.get(l.transaction) ?? '') ? -1 : 1;
        return [
          l.id, l.transaction, l.linesequencenumber, 'F', l.item, emptyToNull(l.memo), sign * l.quantity, Number(l.rate),
          sign * Number(l.foreignamount), l.quantityshiprecv, 'F', createdFrom.get(l.transaction) ?? null, entityOf.get(l.transaction) ?? null,
        ];
      }),
    );
    const tran = new Map(ns.transactions.map((t) => [t.id, t]));
    ins(
      'INSERT INTO previoustransactionlink VALUES (?,?,?,?,?,?,?,?)',
      ns.links.map((k) => {
        const next = tran.get(k.nextdoc);
        return [
          k.previousdoc, k.nextdoc, k.linktype, Number(k.foreignamount), Number(k.foreignamount), next ? dateToDays(next.trandate) : null,
          typeOf.get(k.previousdoc) ?? null, typeOf.get(k.nextdoc) ?? null,
        ];
      }),
    );
    db.run('COMMIT');
  } catch (e) {
    db.run('ROLLBACK');
    throw e;
  }
  return db;
}

/** Runs a read and returns rows as objects keyed by column name. */
export function queryRows(db: Database, sql: string, params: SqlValue[] = []): Record<string, SqlValue>[] {
  const st = db.prepare(sql);
  try {
    st.bind(params);
    const out: Record<string, SqlValue>[] = [];
    while (st.step()) out.push(st.getAsObject() as Record<string, SqlValue>);
    return out;
  } finally {
    st.free();
  }
}

export function queryOne(db: Database, sql: string, params: SqlValue[] = []): Record<string, SqlValue> | undefined {
  return queryRows(db, sql, params)[0];
}

export function execute(db: Database, sql: string, params: SqlValue[] = []): void {
  db.run(sql, params);
}

/** Amount arithmetic in integer cents, so that no binary-float residue reaches a total. */
export function toCents(v: SqlValue | string | number): number {
  return Math.round(Number(v) * 100);
}

export function fromCents(c: number): number {
  return c / 100;
}
