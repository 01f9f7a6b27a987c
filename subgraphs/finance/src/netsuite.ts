/**
 * The finance domain's view of the ERP: invoices, payments and a customer's
 * financial standing, read from NetSuite with SuiteQL through the shared
 * transport. This file and its siblings (netsuite-invoices.ts: the invoice query
 * both reads and the change feed use; netsuite-billing.ts: the billing write;
 * netsuite-changes.ts: the change reader) are the only places in the subgraph
 * that know SuiteQL; resolvers speak in invoice numbers, customer numbers and pages.
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
import { erpCustomersByContact, type ErpCustomerRecord } from './netsuite-identity.js';
import { INVOICE_COLUMNS, INVOICE_FROM, STATUS_SQL, invoiceFromRow, isInvoiceStatus, selectList, unique, type InvoiceRow, type InvoiceStatus } from './netsuite-invoices.js';

export type { InvoiceStatus } from './netsuite-invoices.js';

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
  /**
   * The NetSuite customer record's internal id (its identity in Customer.erpIdentities); null
   * in entries cached before it was read.
   */
  internalId?: string | null;
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
  /**
   * NetSuite customers without an external id, by lower-case e-mail address or by phone key
   * (`candidatePhone`, lib/identity-link.ts): where identity candidates come from.
   */
  customersByContact(contacts: readonly string[]): Promise<Array<ErpCustomerRecord[] | Error>>;
}

export interface NetSuiteFinanceDeps {
  netsuite: NetSuiteClient;
  mapping: OrgMapping;
}

export function createNetSuiteFinance(deps: NetSuiteFinanceDeps): FinanceConnector {
  const { netsuite, mapping } = deps;
  const defaultCurrency = mapping.netsuite.currency.code;

  const toInvoice = (row: InvoiceRow, fetchedAt: Date): InvoiceRecord => invoiceFromRow(row, fetchedAt, defaultCurrency);

  /** The invoices that match `condition`, in `order`, read now in one query. */
  const readInvoices = async (condition: string, order = ''): Promise<InvoiceRecord[]> => {
    const fetchedAt = new Date();
    const { items } = await netsuite.suiteql<InvoiceRow>(`SELECT ${selectList(INVOICE_COLUMNS)}\nFROM ${INVOICE_FROM}\nWHERE t.type = 'CustInvc' AND ${condition}${order}`);
    return items.map((r) => toInvoice(r, fetchedAt));
  };

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

  const direct: FinanceConnector = {
    async invoicesByNumber(numbers) {
      const keys = unique(numbers);
      if (keys.length === 0) return [];
      const byNumber = new Map((await readInvoices(`t.tranid IN (${inList(keys)})`)).map((i) => [i.number, i]));
      return numbers.map((n) => byNumber.get(n) ?? notFound(`the ERP has no invoice ${n}`, { invoiceId: n }));
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
      const byOrder = new Map<string, InvoiceRecord[]>();
      for (const invoice of await readInvoices(`so.type = 'SalesOrd' AND so.tranid IN (${inList(keys)})`, '\nORDER BY t.trandate DESC, t.id DESC')) {
        byOrder.set(invoice.orderNumber ?? '', [...(byOrder.get(invoice.orderNumber ?? '') ?? []), invoice]);
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

    customersByContact: (contacts) => erpCustomersByContact(netsuite, contacts),

    async financialsByCustomer(customerNumbers, _opts = {}) {
      const keys = unique(customerNumbers);
      if (keys.length === 0) return [];
      const fetchedAt = new Date();
      type Row = SuiteQLRow & {
        customernumber?: string;
        internalid?: string | number;
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
  c.id AS internalid,
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
          internalId: row.internalid == null ? null : String(row.internalid),
          fetchedAt,
        };
      });
    },
  };

  /** One read per key joins the same read of other requests while it waits for a slot (NetSuiteClient.batched). */
  const merged =
    <V>(kind: string, read: (keys: readonly string[]) => Promise<Array<V | Error>>) =>
    async (keys: readonly string[]): Promise<Array<V | Error>> => {
      const found = await netsuite.batched(kind, keys, async (all) => {
        const answers = await read(all);
        return new Map(all.map((k, i) => [k, answers[i] as V | Error]));
      });
      return keys.map((k) => found.get(k) ?? new UpstreamError('ERP', 'error', `the ERP read ${kind} answered nothing for ${k}`));
    };

  return {
    invoicesByNumber: merged('finance/invoicesByNumber', (keys) => direct.invoicesByNumber(keys)),
    invoicePagesByCustomer: (customerNumbers, args) =>
      merged(`finance/invoicePagesByCustomer:${JSON.stringify(args)}`, (keys) => direct.invoicePagesByCustomer(keys, args))(customerNumbers),
    invoicesByOrderNumber: merged('finance/invoicesByOrderNumber', (keys) => direct.invoicesByOrderNumber(keys)),
    paymentsByInvoice: merged('finance/paymentsByInvoice', (keys) => direct.paymentsByInvoice(keys)),
    customersByContact: merged('finance/customersByContact', (keys) => direct.customersByContact(keys)),
    financialsByCustomer: (customerNumbers, opts) => merged('finance/financialsByCustomer', (keys) => direct.financialsByCustomer(keys, opts))(customerNumbers),
  };
}
