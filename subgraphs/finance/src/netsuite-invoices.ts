/**
 * An invoice as SuiteQL reads it, shared by the finance reads (netsuite.ts) and
 * the change reader (netsuite-changes.ts), so that both derive the same status
 * and amounts: the columns and joins, the ERP-side status rule, and the row's
 * mapping to an InvoiceRecord.
 */
import type { SuiteQLRow } from '../../../lib/clients/netsuite.js';
import { UpstreamError } from '../../../lib/errors.js';
import { moneyOf, type Money } from '../../../lib/money.js';
import type { InvoiceRecord } from './netsuite.js';

export const INVOICE_STATUSES = ['OPEN', 'PARTIALLY_PAID', 'PAID', 'OVERDUE', 'VOID'] as const;
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];

/** The invoice's status, derived by the ERP (see InvoiceStatus in schema.graphql for the rule). */
export const STATUS_SQL = `CASE
    WHEN t.status = 'V' THEN 'VOID'
    WHEN t.status = 'B' OR NVL(t.foreignamountunpaid, 0) <= 0 THEN 'PAID'
    WHEN t.duedate < TRUNC(SYSDATE) THEN 'OVERDUE'
    WHEN t.foreignamountunpaid < t.foreigntotal THEN 'PARTIALLY_PAID'
    ELSE 'OPEN' END`;

/** Columns of an invoice row; `t` is the invoice, `c` its customer, `so` the order it came from, `cur` its currency. */
export const INVOICE_COLUMNS: ReadonlyArray<[expr: string, alias: string]> = [
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

export const INVOICE_FROM = `transaction t
  JOIN customer c ON c.id = t.entity
  LEFT JOIN transaction so ON so.id = t.createdfrom
  LEFT JOIN currency cur ON cur.id = t.currency`;

export const selectList = (cols: ReadonlyArray<[string, string]>): string => cols.map(([e, a]) => `${e} AS ${a}`).join(',\n  ');
export const unique = (values: readonly string[]): string[] => [...new Set(values)];

export type InvoiceRow = SuiteQLRow & {
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

export function unexpected(what: string): UpstreamError {
  return new UpstreamError('ERP', 'error', `the ERP answered an invoice query without ${what}`);
}

export function isInvoiceStatus(v: string | undefined): v is InvoiceStatus {
  return (INVOICE_STATUSES as readonly string[]).includes(v ?? '');
}

export function invoiceFromRow(row: InvoiceRow, fetchedAt: Date, defaultCurrency: string): InvoiceRecord {
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
