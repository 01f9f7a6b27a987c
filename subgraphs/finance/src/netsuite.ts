/**
 * The finance domain's view of the ERP: invoices, payments and a customer's
 * financial standing, read from NetSuite with SuiteQL through the shared
 * transport. This file is the only place in the subgraph that knows SuiteQL;
 * resolvers speak in invoice numbers, customer numbers and pages.
 *
 * Every batch method answers one result per key, in key order. A key the ERP
 * does not know gets a NOT_FOUND DomainError (single records) or an empty list
 * (lists); an ERP failure rejects the whole batch with an UpstreamError, because
 * no key could be answered.
 *
 * Status, balances and "overdue" are computed by the ERP inside the query, against
 * the ERP's own notion of today (SYSDATE), so that a list filtered by status and the
 * statuses shown on it can never disagree.
 */
import { suiteqlString, type NetSuiteClient, type SuiteQLRow } from '../../../lib/clients/netsuite.js';
import { UpstreamError, notFound } from '../../../lib/errors.js';
import type { OrgMapping } from '../../../lib/mapping.js';
import { creditHold } from '../../../lib/erp/credit.js';
import { inList } from '../../../lib/erp/suiteql.js';
import { money, moneyOf, toCents, type Money } from '../../../lib/money.js';

export const INVOICE_STATUSES = ['OPEN', 'PARTIALLY_PAID', 'PAID', 'OVERDUE', 'VOID'] as const;
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];

export interface InvoiceRecord {
  /** The document number, e.g. INV-300017. */
  number: string;
  /** The ERP's internal id; part of the page cursor so that equal dates still order totally. */
  internalId: number;
  customerNumber: string;
  orderNumber: string | null;
  status: InvoiceStatus;
  /** YYYY-MM-DD */
  issuedOn: string;
  /** YYYY-MM-DD */
  dueOn: string;
  total: Money;
  amountDue: Money;
  fetchedAt: Date;
}

export interface PaymentRecord {
  /** The payment's document number, e.g. PMT-400017. */
  number: string;
  /** The amount applied to the invoice. */
  amount: Money | null;
  /** YYYY-MM-DD */
  receivedOn: string | null;
  method: string | null;
}

export interface AddressRecord {
  line1: string;
  line2: string | null;
  city: string;
  region: string | null;
  postalCode: string;
  country: string;
}

export interface FinancialsRecord {
  customerNumber: string;
  balance: Money;
  overdueBalance: Money;
  creditLimit: Money | null;
  creditHold: boolean;
  paymentTerms: string | null;
  billingAddress: AddressRecord | null;
  shippingAddresses: AddressRecord[];
  /**
   * The ERP customer record's last-modified time (ISO-8601 UTC, whole seconds), the
   * version a billing update passes as expectedVersion; null when the ERP gave none.
   */
  version: string | null;
  fetchedAt: Date;
}

/** Where a page of a customer's invoices starts: just after this invoice (newest first). */
export interface InvoiceCursor {
  issuedOn: string;
  internalId: number;
}

export interface InvoicePageArgs {
  /** Invoices per page, already checked to be 1..100. */
  first: number;
  after?: InvoiceCursor;
  /** Only these statuses; empty or absent means all. */
  statuses?: readonly InvoiceStatus[];
}

export interface InvoicePage {
  invoices: InvoiceRecord[];
  hasNextPage: boolean;
  /**
   * All invoices of the customer matching the status filter, across pages; null when
   * unknown (a page after a cursor that came back empty carries no count).
   */
  totalCount: number | null;
  fetchedAt: Date;
}

export interface ReadOptions {
  /**
   * The oldest cached answer the caller accepts, in seconds; 0 means read the ERP now.
   * Every read goes to the ERP today; the cross-request cache will honour this.
   * @default the domain's configured TTL
   */
  maxAgeSeconds?: number;
}

/** The finance subgraph's connector to the ERP, in the domain's words. */
export interface FinanceConnector {
  invoicesByNumber(numbers: readonly string[]): Promise<Array<InvoiceRecord | Error>>;
  invoicePagesByCustomer(customerNumbers: readonly string[], args: InvoicePageArgs): Promise<Array<InvoicePage | Error>>;
  invoicesByOrderNumber(orderNumbers: readonly string[]): Promise<Array<InvoiceRecord[] | Error>>;
  paymentsByInvoice(invoiceNumbers: readonly string[]): Promise<Array<PaymentRecord[] | Error>>;
  financialsByCustomer(customerNumbers: readonly string[], opts?: ReadOptions): Promise<Array<FinancialsRecord | Error>>;
}

export interface NetSuiteFinanceDeps {
  netsuite: NetSuiteClient;
  mapping: OrgMapping;
}

// --------------------------------------------------------------- SuiteQL

/** The invoice's status, derived by the ERP (see InvoiceStatus in schema.graphql for the rule). */
const STATUS_SQL = `CASE
    WHEN t.status = 'V' THEN 'VOID'
    WHEN t.status = 'B' OR NVL(t.foreignamountunpaid, 0) <= 0 THEN 'PAID'
    WHEN t.duedate < TRUNC(SYSDATE) THEN 'OVERDUE'
    WHEN t.foreignamountunpaid < t.foreigntotal THEN 'PARTIALLY_PAID'
    ELSE 'OPEN' END`;

/** Columns of an invoice row; `t` is the invoice, `c` its customer, `so` the order it came from, `cur` its currency. */
const INVOICE_COLUMNS: ReadonlyArray<[expr: string, alias: string]> = [
  ['t.id', 'internalid'],
  ['t.tranid', 'invoicenumber'],
  ['c.externalid', 'customernumber'],
  ["CASE WHEN so.type = 'SalesOrd' THEN so.tranid END", 'ordernumber'],
  [STATUS_SQL, 'derivedstatus'],
  ["TO_CHAR(t.trandate, 'YYYY-MM-DD')", 'issuedon'],
  ["TO_CHAR(NVL(t.duedate, t.trandate), 'YYYY-MM-DD')", 'dueon'],
  ['t.foreigntotal', 'total'],
  ["CASE WHEN t.status = 'V' THEN 0 ELSE NVL(t.foreignamountunpaid, 0) END", 'amountdue'],
  ['cur.symbol', 'currencycode'],
];

const INVOICE_FROM = `transaction t
  JOIN customer c ON c.id = t.entity
  LEFT JOIN transaction so ON so.id = t.createdfrom
  LEFT JOIN currency cur ON cur.id = t.currency`;

const selectList = (cols: ReadonlyArray<[string, string]>): string => cols.map(([e, a]) => `${e} AS ${a}`).join(',\n  ');
const unique = (values: readonly string[]): string[] => [...new Set(values)];

type InvoiceRow = SuiteQLRow & {
  internalid?: string;
  invoicenumber?: string;
  customernumber?: string;
  ordernumber?: string;
  derivedstatus?: string;
  issuedon?: string;
  dueon?: string;
  total?: string;
  amountdue?: string;
  currencycode?: string;
};

function unexpected(what: string): UpstreamError {
  return new UpstreamError('ERP', 'error', `the ERP answered an invoice query without ${what}`);
}

function isInvoiceStatus(v: string | undefined): v is InvoiceStatus {
  return (INVOICE_STATUSES as readonly string[]).includes(v ?? '');
}

function invoiceFromRow(row: InvoiceRow, fetchedAt: Date, defaultCurrency: string): InvoiceRecord {
  if (!row.invoicenumber || !row.customernumber || !row.issuedon) throw unexpected('a number, customer or date');
  if (!isInvoiceStatus(row.derivedstatus)) throw unexpected('a known status');
  const currency = row.currencycode ?? defaultCurrency;
  const amount = (text: string | undefined): Money => moneyOf(text, currency);
  return {
    number: row.invoicenumber,
    internalId: Number(row.internalid),
    customerNumber: row.customernumber,
    orderNumber: row.ordernumber ?? null,
    status: row.derivedstatus,
    issuedOn: row.issuedon,
    dueOn: row.dueon ?? row.issuedon,
    total: amount(row.total),
    amountDue: amount(row.amountdue),
    fetchedAt,
  };
}

export function createNetSuiteFinance(deps: NetSuiteFinanceDeps): FinanceConnector {
  const { netsuite, mapping } = deps;
  const defaultCurrency = mapping.netsuite.currency.code;

  const toInvoice = (row: InvoiceRow, fetchedAt: Date): InvoiceRecord => invoiceFromRow(row, fetchedAt, defaultCurrency);

  /** The status filter as a SuiteQL condition; statuses come from the enum, never from free text. */
  function statusCondition(statuses: readonly InvoiceStatus[] | undefined): string {
    if (!statuses || statuses.length === 0) return '';
    const known = statuses.filter(isInvoiceStatus);
    if (known.length === 0) return '';
    return `AND (${STATUS_SQL}) IN (${inList(known)})`;
  }

  function cursorCondition(after: InvoiceCursor | undefined): string {
    if (!after) return '';
    // Both parts were shape-checked when the cursor was decoded; they are still quoted, not spliced.
    const day = suiteqlString(after.issuedOn);
    const id = Math.trunc(after.internalId);
    return `WHERE (x.issuedon < ${day} OR (x.issuedon = ${day} AND x.internalid < ${id}))`;
  }

  return {
    async invoicesByNumber(numbers) {
      const keys = unique(numbers);
      if (keys.length === 0) return [];
      const fetchedAt = new Date();
      const { items } = await netsuite.suiteql<InvoiceRow>(
        `SELECT ${selectList(INVOICE_COLUMNS)}
FROM ${INVOICE_FROM}
WHERE t.type = 'CustInvc' AND t.tranid IN (${inList(keys)})`,
      );
      const byNumber = new Map(items.map((r) => [r.invoicenumber, toInvoice(r, fetchedAt)]));
      return numbers.map(
        (n) => byNumber.get(n) ?? notFound(`the ERP has no invoice ${n}`, { invoiceId: n }),
      );
    },

    async invoicePagesByCustomer(customerNumbers, args) {
      const keys = unique(customerNumbers);
      if (keys.length === 0) return [];
      const fetchedAt = new Date();
      const aliases = INVOICE_COLUMNS.map(([, alias]) => alias);
      const cols = aliases.map((a) => `x.${a}`).join(', ');
      const outer = [...aliases, 'totalcount', 'rn'].map((a) => `y.${a}`).join(', ');
      // Innermost: every matching invoice of these customers with its per-customer total.
      // Middle: the rows after the cursor, numbered newest first per customer.
      // Outer: first + 1 rows per customer, the extra one telling whether a next page exists.
      // One query for all customers, whatever their invoice counts.
      const { items } = await netsuite.suiteql<InvoiceRow & { rn?: string; totalcount?: string }>(
        `SELECT ${outer} FROM (
  SELECT ${cols}, x.totalcount,
    ROW_NUMBER() OVER (PARTITION BY x.customernumber ORDER BY x.issuedon DESC, x.internalid DESC) AS rn
  FROM (
    SELECT ${selectList(INVOICE_COLUMNS)},
      COUNT(*) OVER (PARTITION BY t.entity) AS totalcount
    FROM ${INVOICE_FROM}
    WHERE t.type = 'CustInvc' AND c.externalid IN (${inList(keys)}) ${statusCondition(args.statuses)}
  ) x
  ${cursorCondition(args.after)}
) y
WHERE y.rn <= ${args.first + 1}
ORDER BY y.customernumber, y.rn`,
      );
      const pages = new Map<string, InvoicePage>();
      for (const row of items) {
        const customer = row.customernumber ?? '';
        let page = pages.get(customer);
        if (!page) {
          page = { invoices: [], hasNextPage: false, totalCount: Number(row.totalcount ?? 0), fetchedAt };
          pages.set(customer, page);
        }
        if (page.invoices.length < args.first) page.invoices.push(toInvoice(row, fetchedAt));
        else page.hasNextPage = true;
      }
      // A customer with nothing after the cursor may still have invoices before it; counting
      // them would cost a second query, so that total is left unknown.
      return customerNumbers.map(
        (n) => pages.get(n) ?? { invoices: [], hasNextPage: false, totalCount: args.after ? null : 0, fetchedAt },
      );
    },

    async invoicesByOrderNumber(orderNumbers) {
      const keys = unique(orderNumbers);
      if (keys.length === 0) return [];
      const fetchedAt = new Date();
      const { items } = await netsuite.suiteql<InvoiceRow>(
        `SELECT ${selectList(INVOICE_COLUMNS)}
FROM ${INVOICE_FROM}
WHERE t.type = 'CustInvc' AND so.type = 'SalesOrd' AND so.tranid IN (${inList(keys)})
ORDER BY t.trandate DESC, t.id DESC`,
      );
      const byOrder = new Map<string, InvoiceRecord[]>();
      for (const row of items) {
        const list = byOrder.get(row.ordernumber ?? '') ?? [];
        list.push(toInvoice(row, fetchedAt));
        byOrder.set(row.ordernumber ?? '', list);
      }
      return orderNumbers.map((n) => byOrder.get(n) ?? []);
    },

    async paymentsByInvoice(invoiceNumbers) {
      const keys = unique(invoiceNumbers);
      if (keys.length === 0) return [];
      type Row = SuiteQLRow & {
        invoicenumber?: string;
        paymentnumber?: string;
        receivedon?: string;
        method?: string;
        amount?: string;
        currencycode?: string;
      };
      const { items } = await netsuite.suiteql<Row>(
        `SELECT inv.tranid AS invoicenumber,
  p.tranid AS paymentnumber,
  TO_CHAR(p.trandate, 'YYYY-MM-DD') AS receivedon,
  BUILTIN.DF(p.paymentmethod) AS method,
  l.foreignamount AS amount,
  cur.symbol AS currencycode
FROM previoustransactionlink l
  JOIN transaction inv ON inv.id = l.previousdoc
  JOIN transaction p ON p.id = l.nextdoc
  LEFT JOIN currency cur ON cur.id = p.currency
WHERE inv.type = 'CustInvc' AND p.type = 'CustPymt' AND inv.tranid IN (${inList(keys)})
ORDER BY inv.tranid, p.trandate, p.id`,
      );
      const byInvoice = new Map<string, PaymentRecord[]>();
      for (const row of items) {
        if (!row.paymentnumber) throw new UpstreamError('ERP', 'error', 'the ERP answered a payment query without a payment number');
        const list = byInvoice.get(row.invoicenumber ?? '') ?? [];
        const cents = toCents(row.amount);
        list.push({
          number: row.paymentnumber,
          amount: cents === undefined ? null : money(cents, row.currencycode ?? defaultCurrency),
          receivedOn: row.receivedon ?? null,
          method: row.method ?? null,
        });
        byInvoice.set(row.invoicenumber ?? '', list);
      }
      return invoiceNumbers.map((n) => byInvoice.get(n) ?? []);
    },

    async financialsByCustomer(customerNumbers, _opts = {}) {
      const keys = unique(customerNumbers);
      if (keys.length === 0) return [];
      const fetchedAt = new Date();
      type Row = SuiteQLRow & {
        customernumber?: string;
        creditlimit?: string;
        creditholdoverride?: string;
        terms?: string;
        currencycode?: string;
        balance?: string;
        overduebalance?: string;
        defaultbillingaddress?: string;
        defaultshippingaddress?: string;
        lastmodified?: string;
        addresskey?: string;
        addr1?: string;
        addr2?: string;
        city?: string;
        state?: string;
        zip?: string;
        country?: string;
      };
      const openAmount = `SELECT SUM(t.foreignamountunpaid) FROM transaction t
      WHERE t.entity = c.id AND t.type = 'CustInvc' AND t.status <> 'V' AND t.foreignamountunpaid > 0`;
      // One row per address book entry (or one row for a customer without any), with the
      // customer's figures repeated: a single call answers every customer of the batch.
      const { items } = await netsuite.suiteql<Row>(
        `SELECT c.externalid AS customernumber,
  c.creditlimit AS creditlimit,
  c.creditholdoverride AS creditholdoverride,
  BUILTIN.DF(c.terms) AS terms,
  cur.symbol AS currencycode,
  (${openAmount}) AS balance,
  (${openAmount} AND t.duedate < TRUNC(SYSDATE)) AS overduebalance,
  c.defaultbillingaddress AS defaultbillingaddress,
  c.defaultshippingaddress AS defaultshippingaddress,
  TO_CHAR(c.lastmodifieddate, 'YYYY-MM-DD"T"HH24:MI:SS') AS lastmodified,
  a.nkey AS addresskey,
  a.addr1 AS addr1, a.addr2 AS addr2, a.city AS city, a.state AS state, a.zip AS zip, a.country AS country
FROM customer c
  LEFT JOIN currency cur ON cur.id = c.currency
  LEFT JOIN customeraddressbook ab ON ab.entity = c.id
  LEFT JOIN customeraddressbookentityaddress a ON a.nkey = ab.addressbookaddress
WHERE c.externalid IN (${inList(keys)})
ORDER BY c.externalid, ab.internalid`,
      );
      const byCustomer = new Map<string, { first: Row; billing: AddressRecord | null; shipping: Array<{ address: AddressRecord; isDefault: boolean }> }>();
      for (const row of items) {
        const n = row.customernumber ?? '';
        let acc = byCustomer.get(n);
        if (!acc) {
          acc = { first: row, billing: null, shipping: [] };
          byCustomer.set(n, acc);
        }
        if (!row.addresskey) continue;
        const address: AddressRecord = {
          line1: row.addr1 ?? '',
          line2: row.addr2 ?? null,
          city: row.city ?? '',
          region: row.state ?? null,
          postalCode: row.zip ?? '',
          country: row.country ?? '',
        };
        // The customer record's own pointers decide the defaults; the address book's
        // per-line flags can lag behind them while a change is being saved.
        const isBilling = row.addresskey === row.defaultbillingaddress;
        const isShipping = row.addresskey === row.defaultshippingaddress;
        if (isBilling && !acc.billing) acc.billing = address;
        // An entry that is only the default billing address is not a place to ship to.
        if (!isBilling || isShipping) acc.shipping.push({ address, isDefault: isShipping });
      }
      return customerNumbers.map((n) => {
        const acc = byCustomer.get(n);
        if (!acc) return notFound(`the ERP has no customer ${n}`, { customerId: n });
        const row = acc.first;
        const currency = row.currencycode ?? defaultCurrency;
        const balance = toCents(row.balance) ?? 0n;
        const limit = toCents(row.creditlimit);
        return {
          customerNumber: n,
          balance: money(balance, currency),
          overdueBalance: moneyOf(row.overduebalance, currency),
          creditLimit: limit === undefined ? null : money(limit, currency),
          creditHold: creditHold(row.creditholdoverride, balance, limit),
          paymentTerms: row.terms ?? null,
          billingAddress: acc.billing,
          shippingAddresses: [...acc.shipping.filter((s) => s.isDefault), ...acc.shipping.filter((s) => !s.isDefault)].map((s) => s.address),
          version: row.lastmodified ? `${row.lastmodified}Z` : null,
          fetchedAt,
        };
      });
    },
  };
}


// --------------------------------------------------------------- billing writes (record API)

/** The customer's default billing line as the ERP's address book holds it. */
export interface BillingLine {
  /** The address book line's internal id. */
  lineId: number;
  address: AddressRecord;
  /** The same line is the default shipping address: editing it in place would move shipping too. */
  alsoDefaultShipping: boolean;
}

/** What a billing update needs to know before it writes. */
export interface BillingState {
  customerNumber: string;
  /** The customer record's lastModifiedDate, ISO-8601 UTC, whole seconds (the same form as FinancialsRecord.version). */
  version: string;
  billing: BillingLine | null;
}

/** The finance subgraph's only write to the ERP: the customer's default billing address. */
export interface FinanceBillingConnector {
  /** One GET of the customer record with its address book; null when the ERP has no such customer. */
  billingState(customerNumber: string): Promise<BillingState | null>;
  /**
   * Makes `address` the customer's default billing address with one PATCH of the address book:
   * the billing line is edited in place when it is billing-only (`replaceLine`), otherwise a new
   * line is added as the default billing, so that a shared shipping address is left as it was.
   */
  setBillingAddress(customerNumber: string, address: AddressRecord, replaceLine: number | null): Promise<void>;
}

interface RecordAddress {
  addr1?: string;
  addr2?: string;
  city?: string;
  state?: string;
  zip?: string;
  country?: string | { id?: string };
}
interface RecordAddressLine {
  internalId?: number;
  id?: number;
  defaultBilling?: boolean;
  defaultShipping?: boolean;
  addressBookAddress?: RecordAddress;
}
interface CustomerRecord {
  externalId?: string;
  lastModifiedDate?: string;
  addressBook?: { items?: RecordAddressLine[] };
}

/** Record API datetimes come with or without milliseconds; versions compare as whole-second ISO strings. */
export function normalizeVersion(text: string): string | null {
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) return null;
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function createNetSuiteBilling(deps: { netsuite: NetSuiteClient }): FinanceBillingConnector {
  const { netsuite } = deps;
  return {
    async billingState(customerNumber) {
      // The external id addresses the customer without a lookup of its internal id.
      const rec = await netsuite.getRecord<CustomerRecord>('customer', `eid:${customerNumber}`, { expandSubResources: true });
      if (!rec) return null;
      const version = rec.lastModifiedDate ? normalizeVersion(rec.lastModifiedDate) : null;
      if (!version) throw new UpstreamError('ERP', 'error', `the ERP answered customer ${customerNumber} without a lastModifiedDate`);
      const line = (rec.addressBook?.items ?? []).find((l) => l.defaultBilling === true);
      const a = line?.addressBookAddress;
      const lineId = line?.internalId ?? line?.id;
      const billing: BillingLine | null =
        line && a && lineId !== undefined
          ? {
              lineId,
              alsoDefaultShipping: line.defaultShipping === true,
              address: {
                line1: a.addr1 ?? '',
                line2: a.addr2 ?? null,
                city: a.city ?? '',
                region: a.state ?? null,
                postalCode: a.zip ?? '',
                country: (typeof a.country === 'object' ? a.country.id : a.country) ?? '',
              },
            }
          : null;
      return { customerNumber, version, billing };
    },

    async setBillingAddress(customerNumber, address, replaceLine) {
      // null clears a field in a PATCH: an address without a second line must not keep the old one.
      const addressBookAddress = {
        addr1: address.line1,
        addr2: address.line2,
        city: address.city,
        state: address.region,
        zip: address.postalCode,
        country: address.country,
      };
      const line = replaceLine === null ? { defaultBilling: true, addressBookAddress } : { internalId: replaceLine, defaultBilling: true, addressBookAddress };
      await netsuite.updateRecord('customer', `eid:${customerNumber}`, { addressBook: { items: [line] } });
    },
  };
}

// --------------------------------------------------------------- change feed (SuiteQL)

/** An invoice as the change feed reads it: the full record plus when it last changed. */
export interface InvoiceChange extends InvoiceRecord {
  /**
   * ISO-8601 UTC, whole seconds: the latest of the invoice's own lastmodifieddate and that of
   * any payment or credit memo applied to it, so an application the ERP does not stamp on the
   * invoice itself is still seen.
   */
  modifiedAt: string;
}

/** Reads invoice changes for the change feed. */
export interface FinanceChangeReader {
  /** Every invoice changed at or after `since`, all pages, in (modifiedAt, internal id) order. */
  invoiceChangesSince(since: Date): Promise<InvoiceChange[]>;
}

/** SuiteQL timestamp text, `YYYY-MM-DD HH24:MI:SS` in the account's time zone (UTC here). */
const suiteqlTimestamp = (d: Date): string => d.toISOString().slice(0, 19).replace('T', ' ');

export function createNetSuiteChangeReader(deps: NetSuiteFinanceDeps & {
  /** Rows per SuiteQL page; NetSuite's maximum is 1000. @default 1000 */
  pageSize?: number;
}): FinanceChangeReader {
  const { netsuite, mapping } = deps;
  const pageSize = Math.min(deps.pageSize ?? 1000, 1000);
  const toRecord = (row: InvoiceRow, fetchedAt: Date): InvoiceRecord => invoiceFromRow(row, fetchedAt, mapping.netsuite.currency.code);

  return {
    async invoiceChangesSince(since) {
      const ts = `TO_TIMESTAMP(${suiteqlString(suiteqlTimestamp(since))}, 'YYYY-MM-DD HH24:MI:SS')`;
      // Payments and credit memos are ERP documents that exist only once the ERP has
      // recorded (authorized) them; a pending return authorization is not among them, so a
      // refund never shows on an invoice before the ERP issues the credit.
      const applied = `SELECT l.previousdoc AS invoiceid, MAX(p.lastmodifieddate) AS m
      FROM previoustransactionlink l JOIN transaction p ON p.id = l.nextdoc
      WHERE p.type IN ('CustPymt', 'CustCred')
      GROUP BY l.previousdoc`;
      const aliases = INVOICE_COLUMNS.map(([, alias]) => `x.${alias}`).join(', ');
      const out: InvoiceChange[] = [];
      // Keyset pages on (modifiedat, internalid) rather than offsets: a record modified while
      // we page moves to the end of the order instead of shifting the rows after it past an
      // offset, so no change is skipped at a page boundary and none is read twice.
      let after: { modifiedAt: string; id: number } | undefined;
      for (;;) {
        const keyset = after
          ? `WHERE (x.modifiedat > ${suiteqlString(after.modifiedAt)} OR (x.modifiedat = ${suiteqlString(after.modifiedAt)} AND x.internalid > ${Math.trunc(after.id)}))`
          : '';
        const fetchedAt = new Date();
        const { items } = await netsuite.suiteql<InvoiceRow & { modifiedat?: string }>(
          `SELECT ${aliases}, x.modifiedat FROM (
  SELECT ${selectList(INVOICE_COLUMNS)},
    TO_CHAR(CASE WHEN lp.m > t.lastmodifieddate THEN lp.m ELSE t.lastmodifieddate END, 'YYYY-MM-DD"T"HH24:MI:SS') AS modifiedat
  FROM ${INVOICE_FROM}
    LEFT JOIN (${applied}) lp ON lp.invoiceid = t.id
  WHERE t.type = 'CustInvc' AND (t.lastmodifieddate >= ${ts} OR lp.m >= ${ts})
) x
${keyset}
ORDER BY x.modifiedat, x.internalid
FETCH FIRST ${pageSize} ROWS ONLY`,
          { maxRows: pageSize },
        );
        for (const row of items) {
          if (!row.modifiedat) throw unexpected('a modification time');
          out.push({ ...toRecord(row, fetchedAt), modifiedAt: `${row.modifiedat}Z` });
        }
        const last = out[out.length - 1];
        if (items.length < pageSize || !last) return out;
        after = { modifiedAt: last.modifiedAt.slice(0, 19), id: last.internalId };
      }
    },
  };
}
