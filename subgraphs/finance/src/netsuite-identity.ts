/**
 * The ERP's side of the identity crosswalk (docs/identity.md#candidates-from-the-erp):
 * NetSuite customers without an external id found by e-mail or phone (one SuiteQL query for
 * every address and number of a view), and the customer record's external id, which confirming a
 * candidate sets through the record API.
 *
 * | kind | dedupe | how a repeat is recognised |
 * |---|---|---|
 * | `finance.identity.link` | conditional | the PATCH writes an absolute value; every attempt first reads the record: already holding this customer number is an earlier commit (APPLIED without a write), holding another is CONFLICT, as is another record holding this one |
 */
import type { NetSuiteClient, SuiteQLRow } from '../../../lib/clients/netsuite.js';
import { IN_LIST_LIMIT, inList } from '../../../lib/erp/suiteql.js';
import { phoneKeyParts, type ExternalIdField } from '../../../lib/identity-link.js';
import { unique } from './netsuite-invoices.js';

/** A NetSuite customer record without an external id, as the matching rule compares it. */
export interface ErpCustomerRecord {
  /** The record's internal id. */
  internalId: string;
  /** Trimmed and lower-case, as searched; null for a record found by its phone that has none. */
  email: string | null;
  /** As the ERP holds it (free text). */
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

/**
 * The digit strings a phone key's number may be written as, once everything but digits is
 * dropped: the E.164 digits, with `00` before them, and, for a number with the configured
 * country code, the national number with and without its leading 0. Null for a key that is not
 * a phone key (`phoneKeyParts`): such a key is never sent.
 */
export function phoneDigitForms(key: string): string[] | null {
  const parts = phoneKeyParts(key);
  if (!parts) return null;
  const { e164, national } = parts;
  return national ? [e164, `00${e164}`, national, `0${national}`] : [e164, `00${e164}`];
}

/** Digits only, as the query compares a record's phone. */
const digitsOf = (phone: string): string => phone.replace(/\D/g, '');

/** A key to search by: an address (no forms) or a phone key with its digit forms. */
interface SearchKey {
  key: string;
  forms: string[] | null;
}

/**
 * Slices of keys whose IN lists each stay within Oracle's limit: at most IN_LIST_LIMIT addresses
 * and IN_LIST_LIMIT phone forms per query.
 */
function slices(keys: readonly SearchKey[]): SearchKey[][] {
  const out: SearchKey[][] = [];
  let current: SearchKey[] = [];
  let [emails, forms] = [0, 0];
  for (const k of keys) {
    const [e, f] = k.forms ? [0, k.forms.length] : [1, 0];
    if (emails + e > IN_LIST_LIMIT || forms + f > IN_LIST_LIMIT) {
      out.push(current);
      [current, emails, forms] = [[], 0, 0];
    }
    current.push(k);
    emails += e;
    forms += f;
  }
  if (current.length > 0) out.push(current);
  return out;
}

/**
 * The unlinked customers for each key (one list per key, in order): a key is an e-mail address,
 * compared with the record's trimmed, lower-case e-mail, or a phone key (`candidatePhone`),
 * compared with the digits of the record's phone in each of the number's forms. One query for the
 * keys of a batch (up to 1,000 addresses and 1,000 phone forms each).
 */
export async function erpCustomersByContact(netsuite: NetSuiteClient, contacts: readonly string[]): Promise<ErpCustomerRecord[][]> {
  const keys = unique(contacts).flatMap((key): SearchKey[] => {
    if (key.startsWith('tel:')) {
      const forms = phoneDigitForms(key);
      return forms ? [{ key, forms }] : [];
    }
    return isSearchableEmail(key) ? [{ key, forms: null }] : [];
  });
  const found = new Map<string, Map<string, ErpCustomerRecord>>();
  const add = (key: string, record: ErpCustomerRecord): void => {
    const byId = found.get(key) ?? new Map<string, ErpCustomerRecord>();
    byId.set(record.internalId, record);
    found.set(key, byId);
  };
  type Row = SuiteQLRow & { internalid?: string | number; email?: string; phone?: string; isperson?: string; companyname?: string; firstname?: string; lastname?: string };
  for (const part of slices(keys)) {
    const emails = new Set(part.filter((k) => !k.forms).map((k) => k.key));
    const phoneKeys = new Map<string, string[]>();
    for (const k of part) for (const form of k.forms ?? []) phoneKeys.set(form, [...(phoneKeys.get(form) ?? []), k.key]);
    // Both conditions are built from checked keys only: addresses of the characters above, and
    // phone forms of digits only; each is quoted as a literal all the same.
    const conditions = [
      ...(emails.size > 0 ? [`LOWER(LTRIM(RTRIM(c.email))) IN (${inList([...emails])})`] : []),
      ...(phoneKeys.size > 0 ? [`REGEXP_REPLACE(c.phone, '[^0-9]', '') IN (${inList([...phoneKeys.keys()])})`] : []),
    ];
    const { items } = await netsuite.suiteql<Row>(
      `SELECT c.id AS internalid, LOWER(LTRIM(RTRIM(c.email))) AS email, c.phone AS phone,
  c.isperson AS isperson, c.companyname AS companyname, c.firstname AS firstname, c.lastname AS lastname
FROM customer c
WHERE c.externalid IS NULL AND (${conditions.join(' OR ')})
ORDER BY c.id`,
    );
    for (const row of items) {
      if (row.internalid == null) continue;
      const person = [row.firstname, row.lastname].filter(Boolean).join(' ');
      const name = row.isperson === 'T' ? person : (row.companyname ?? person);
      const record: ErpCustomerRecord = { internalId: String(row.internalid), email: row.email || null, phone: row.phone ?? null, name: name || null };
      if (record.email && emails.has(record.email)) add(record.email, record);
      for (const key of record.phone ? (phoneKeys.get(digitsOf(record.phone)) ?? []) : []) add(key, record);
    }
  }
  return contacts.map((k) => [...(found.get(k)?.values() ?? [])]);
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
