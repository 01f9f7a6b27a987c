/**
 * What the finance change feed (feed.ts) reads from the ERP: invoices changed
 * since a watermark, themselves or through a payment or credit memo applied to
 * them; and the customers whose account moved since it (their record edited, or
 * a transaction posted to their receivable), in keyset pages of SuiteQL.
 */
import { suiteqlString } from '../../../lib/clients/netsuite.js';
import type { InvoiceRecord, NetSuiteFinanceDeps } from './netsuite.js';
import { INVOICE_COLUMNS, INVOICE_FROM, invoiceFromRow, selectList, unexpected, type InvoiceRow } from './netsuite-invoices.js';

/** An invoice as the change feed reads it: the full record plus when it last changed. */
export interface InvoiceChange extends InvoiceRecord {
  /**
   * ISO-8601 UTC, whole seconds: the latest of the invoice's own lastmodifieddate and that of
   * any payment or credit memo applied to it, so an application the ERP does not stamp on the
   * invoice itself is still seen.
   */
  modifiedAt: string;
}

/** A customer whose financial figures may have moved: its record, or a transaction on its account, changed. */
export interface AccountChange {
  /** The customer number (the NetSuite customer's external id). */
  customerNumber: string;
  /** ISO-8601 UTC, whole seconds: the latest such change of the customer at or after the watermark. */
  modifiedAt: string;
}

/**
 * The transactions that post to a customer's receivable besides invoices (which the invoice
 * read sees): credit memos, payments, deposits and their applications, refunds, and journal
 * entries. Each moves the balance without necessarily touching an invoice. A journal entry
 * names its customers on its lines (`transactionline.entity`), the others in their header.
 */
export const ACCOUNT_TRANSACTION_TYPES = ['CustCred', 'CustPymt', 'CustDep', 'DepAppl', 'CustRfnd', 'Journal'] as const;

/** Reads invoice and account changes for the change feed. */
export interface FinanceChangeReader {
  /** Every invoice changed at or after `since`, all pages, in (modifiedAt, internal id) order. */
  invoiceChangesSince(since: Date): Promise<InvoiceChange[]>;
  /**
   * Every customer whose record, or a receivable transaction of whose (ACCOUNT_TRANSACTION_TYPES),
   * changed at or after `since`: credit limit, terms, credit hold, addresses, balance. All pages,
   * one row per customer, in (modifiedAt, customer number) order.
   */
  accountChangesSince(since: Date): Promise<AccountChange[]>;
}

/** SuiteQL timestamp text, `YYYY-MM-DD HH24:MI:SS` in the account's time zone (UTC here). */
const suiteqlTimestamp = (d: Date): string => d.toISOString().slice(0, 19).replace('T', ' ');

const timestampSince = (since: Date): string => `TO_TIMESTAMP(${suiteqlString(suiteqlTimestamp(since))}, 'YYYY-MM-DD HH24:MI:SS')`;

export function createNetSuiteChangeReader(deps: NetSuiteFinanceDeps & {
  /** Rows per SuiteQL page; NetSuite's maximum is 1000. @default 1000 */
  pageSize?: number;
}): FinanceChangeReader {
  const { netsuite, mapping } = deps;
  const pageSize = Math.min(deps.pageSize ?? 1000, 1000);
  const toRecord = (row: InvoiceRow, fetchedAt: Date): InvoiceRecord => invoiceFromRow(row, fetchedAt, mapping.netsuite.currency.code);

  return {
    async invoiceChangesSince(since) {
      const ts = timestampSince(since);
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

    async accountChangesSince(since) {
      const ts = timestampSince(since);
      const types = ACCOUNT_TRANSACTION_TYPES.map((t) => suiteqlString(t)).join(', ');
      const out: AccountChange[] = [];
      // One query for all sources: customer records edited, and receivable transactions
      // entered or edited (by header entity, and for journal entries by line entity), each
      // reduced to its customer and the latest change. Keyset pages as for invoices.
      let after: { modifiedAt: string; customerNumber: string } | undefined;
      for (;;) {
        const keyset = after
          ? `AND (x.modifiedat > ${suiteqlString(after.modifiedAt)} OR (x.modifiedat = ${suiteqlString(after.modifiedAt)} AND x.customernumber > ${suiteqlString(after.customerNumber)}))`
          : '';
        const { items } = await netsuite.suiteql<{ customernumber?: string; modifiedat?: string }>(
          `SELECT x.customernumber, x.modifiedat FROM (
  SELECT u.customernumber, TO_CHAR(MAX(u.m), 'YYYY-MM-DD"T"HH24:MI:SS') AS modifiedat FROM (
    SELECT c.externalid AS customernumber, c.lastmodifieddate AS m
    FROM customer c
    WHERE c.lastmodifieddate >= ${ts} AND c.externalid IS NOT NULL
    UNION ALL
    SELECT c.externalid AS customernumber, t.lastmodifieddate AS m
    FROM transaction t JOIN customer c ON c.id = t.entity
    WHERE t.type IN (${types}) AND t.lastmodifieddate >= ${ts} AND c.externalid IS NOT NULL
    UNION ALL
    SELECT c.externalid AS customernumber, t.lastmodifieddate AS m
    FROM transaction t JOIN transactionline tl ON tl.transaction = t.id JOIN customer c ON c.id = tl.entity
    WHERE t.type = 'Journal' AND t.lastmodifieddate >= ${ts} AND c.externalid IS NOT NULL
  ) u
  GROUP BY u.customernumber
) x
WHERE x.customernumber IS NOT NULL ${keyset}
ORDER BY x.modifiedat, x.customernumber
FETCH FIRST ${pageSize} ROWS ONLY`,
          { maxRows: pageSize },
        );
        for (const row of items) {
          if (!row.customernumber || !row.modifiedat) throw unexpected('a customer number and a modification time');
          out.push({ customerNumber: row.customernumber, modifiedAt: `${row.modifiedat}Z` });
        }
        const last = out[out.length - 1];
        if (items.length < pageSize || !last) return out;
        after = { modifiedAt: last.modifiedAt.slice(0, 19), customerNumber: last.customerNumber };
      }
    },
  };
}
