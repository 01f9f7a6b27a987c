/**
 * The ERP's side of the identity crosswalk (docs/identity.md#candidates-from-the-erp):
 * NetSuite customers without an external id found by e-mail (one SuiteQL query for every
 * address of a view), and the customer record's external id, which confirming a
 * candidate sets through the record API.
 *
 * | kind | dedupe | how a repeat is recognised |
 * |---|---|---|
 * | `finance.identity.link` | conditional | the PATCH writes an absolute value; every attempt first reads the record: already holding this customer number is an earlier commit (APPLIED without a write), holding another is CONFLICT, as is another record holding this one |
 */
import type { NetSuiteClient, SuiteQLRow } from '../../../lib/clients/netsuite.js';
import { IN_LIST_LIMIT, inList } from '../../../lib/erp/suiteql.js';
import { chunks } from '../../../lib/chunks.js';
import type { ExternalIdField } from '../../../lib/identity-link.js';
import { unique } from './netsuite-invoices.js';

/** A NetSuite customer record without an external id, as the matching rule compares it. */
export interface ErpCustomerRecord {
  /** The record's internal id. */
  internalId: string;
  /** Lower-case, as searched. */
  email: string;
  phone: string | null;
  /** A person's first and last name, or a company's name. */
  name: string | null;
}

/**
 * An address SuiteQL is asked about: lower-case, the characters RFC 5321 allows unquoted in the
 * local part, a dotted domain, at most 254 characters. Anything else is never sent (it is quoted
 * as a literal all the same), so an address made to break a query costs no call.
 */
const SEARCHABLE_EMAIL = /^[a-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[a-z0-9-]{1,63}(?:\.[a-z0-9-]{1,63})+$/;

export const isSearchableEmail = (email: string): boolean => email.length <= 254 && SEARCHABLE_EMAIL.test(email);

/** The unlinked customers with each address (one list per address, in order): one query per 1,000 addresses. */
export async function erpCustomersByEmail(netsuite: NetSuiteClient, emails: readonly string[]): Promise<ErpCustomerRecord[][]> {
  const keys = unique(emails).filter(isSearchableEmail);
  const byEmail = new Map<string, ErpCustomerRecord[]>();
  type Row = SuiteQLRow & { internalid?: string | number; email?: string; phone?: string; isperson?: string; companyname?: string; firstname?: string; lastname?: string };
  for (const part of chunks(keys, IN_LIST_LIMIT)) {
    const { items } = await netsuite.suiteql<Row>(
      `SELECT c.id AS internalid, LOWER(c.email) AS email, c.phone AS phone,
  c.isperson AS isperson, c.companyname AS companyname, c.firstname AS firstname, c.lastname AS lastname
FROM customer c
WHERE c.externalid IS NULL AND LOWER(c.email) IN (${inList(part)})
ORDER BY c.id`,
    );
    for (const row of items) {
      if (row.internalid == null || !row.email) continue;
      const person = [row.firstname, row.lastname].filter(Boolean).join(' ');
      const name = row.isperson === 'T' ? person : (row.companyname ?? person);
      byEmail.set(row.email, [...(byEmail.get(row.email) ?? []), { internalId: String(row.internalid), email: row.email, phone: row.phone ?? null, name: name || null }]);
    }
  }
  return emails.map((e) => byEmail.get(e) ?? []);
}

interface CustomerRecord {
  id?: string | number;
  externalId?: string | null;
}

/**
 * The customer record's external id through the record API. Give it a client without transport
 * retries: the write queue retries through the applier's read-compare-write.
 */
export function netsuiteExternalIds(netsuite: NetSuiteClient): ExternalIdField {
  return {
    async read(internalId) {
      const rec = await netsuite.getRecord<CustomerRecord>('customer', internalId);
      return rec ? (rec.externalId ?? null) : undefined;
    },
    async write(internalId, customerNumber) {
      await netsuite.updateRecord('customer', internalId, { externalId: customerNumber });
    },
    // NetSuite keeps a record type's external ids unique.
    async holder(customerNumber) {
      const rec = await netsuite.getRecord<CustomerRecord>('customer', `eid:${customerNumber}`);
      return rec?.id == null ? null : String(rec.id);
    },
  };
}
