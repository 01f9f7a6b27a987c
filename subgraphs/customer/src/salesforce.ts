/**
 * The customer directory: Salesforce Accounts and their Contacts, in the
 * domain's words. The org mapping names the fields, so an org that calls its
 * customer number `Cust_No__c` needs a different mapping file, not different code.
 * Everything SOQL-shaped stays in this file.
 */
import { soqlLikeEscape, soqlLikePrefix, soqlString, type SalesforceClient, type SfRecord } from '../../../lib/clients/salesforce.js';
import { UpstreamError } from '../../../lib/errors.js';
import { idFormat, type IdFormat, type OrgMapping } from '../../../lib/mapping.js';
import { chunks } from '../../../lib/chunks.js';
import { childLogger } from '../../../lib/log.js';

const log = childLogger('customer:salesforce');

export type CustomerSegment = 'CONSUMER' | 'BUSINESS';
export type LoyaltyTier = 'BRONZE' | 'SILVER' | 'GOLD' | 'PLATINUM';

export interface ContactRecord {
  id: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  role: string | null;
}

/** A customer as Salesforce holds it, in the graph's terms. */
export interface CustomerRecord {
  /** The enterprise customer number, as Salesforce stores it. */
  number: string;
  salesforceId: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  /** Null when the org holds a value the mapping does not list. */
  segment: CustomerSegment | null;
  loyalty: { tier: LoyaltyTier; points: number } | null;
  consent: { emailOptIn: boolean; smsOptIn: boolean; updatedAt: string | null } | null;
  preferredStoreId: string | null;
  contacts: ContactRecord[];
  /** The Account's LastModifiedDate (ISO-8601 UTC): the version a conditional update compares. */
  version: string | null;
  /** When Salesforce answered. */
  fetchedAt: Date;
}

/**
 * What updateCustomerEngagement changes on the Account, in the graph's terms.
 * An absent field is left alone; null clears it (phone, preferred store).
 */
export interface EngagementChanges {
  email?: string;
  phone?: string | null;
  preferredStoreId?: string | null;
  emailOptIn?: boolean;
  smsOptIn?: boolean;
}

/** How a conditional update ended: applied, or refused because the Account changed after the given version. */
export type EngagementUpdate = { phase: 'applied' } | { phase: 'modified_since' };

/** A record Salesforce changed, for the polling fallback of the change feed. */
export interface ChangedRecord {
  entity: 'Account' | 'Contact';
  /** The Salesforce id of the changed record. */
  recordId: string;
  /** The customer number it belongs to; null when it belongs to no customer (a contact without account). */
  customerNumber: string | null;
  /** SystemModstamp, ISO-8601 UTC. */
  modifiedAt: string;
}

export interface CustomerFilter {
  email?: string | null;
  phone?: string | null;
  namePrefix?: string | null;
}

/** Where a page of a customer search ends: the sort key of its last customer. */
export interface CustomerSearchKey {
  name: string;
  number: string;
}

export interface CustomerPage {
  customers: CustomerRecord[];
  hasNextPage: boolean;
  fetchedAt: Date;
}

export interface CustomerDirectory {
  /** The format customer numbers must have; ids that do not match are never sent to Salesforce. */
  readonly numberFormat: IdFormat;
  /**
   * Customers by customer number, in the order asked, null where Salesforce has
   * none. One SOQL query for the whole batch (contacts included), and none for
   * numbers that do not match the format.
   */
  customersByNumber(numbers: readonly string[]): Promise<Array<CustomerRecord | null>>;
  /**
   * Customers by the Id of their Account (18 characters, see account-id.ts), in the order asked,
   * null where Salesforce has no such Account or it has no customer number. One SOQL query per 200 ids.
   */
  customersByAccountId(accountIds: readonly string[]): Promise<Array<CustomerRecord | null>>;
  /** One page of customers matching the filter, ordered by name then number, after the given key. One query. */
  searchCustomers(filter: CustomerFilter, first: number, after?: CustomerSearchKey): Promise<CustomerPage>;
  /** How many customers match the filter. One query. */
  countCustomers(filter: CustomerFilter): Promise<number>;
  /**
   * Changes the Account's engagement fields: one PATCH by Account id. With
   * `ifUnmodifiedSince` (a version) the update is conditional on the Account not
   * having changed after it (If-Unmodified-Since); otherwise it applies as is.
   * Consent changes also stamp the consent time (`consentUpdatedAt`).
   */
  updateEngagement(salesforceId: string, changes: EngagementChanges, opts: { ifUnmodifiedSince?: string; consentUpdatedAt: Date }): Promise<EngagementUpdate>;
  /** Customer numbers of Accounts by Salesforce id, null for accounts without one. One query per 200 ids. */
  customerNumbersOfAccounts(accountIds: readonly string[]): Promise<Map<string, string | null>>;
  /** Customer numbers of the Accounts these Contacts belong to, by Contact id. One query per 200 ids. */
  customerNumbersOfContacts(contactIds: readonly string[]): Promise<Map<string, string | null>>;
  /** Accounts and Contacts whose SystemModstamp is at or after `since`, oldest first. Two queries (more past 2,000 records). */
  changedSince(since: Date): Promise<ChangedRecord[]>;
  /**
   * Which of these customer numbers an Account holds, upper-cased (Salesforce compares text without
   * case). One query per 200 numbers; numbers that do not match the format once upper-cased are never sent.
   */
  knownCustomerNumbers(numbers: readonly string[]): Promise<Set<string>>;
}

/** The client id Salesforce records as the changeOrigin of our writes (Sforce-Call-Options), so CDC events name their source. */
export const SALESFORCE_CLIENT_ID = 'retail-supergraph';

/**
 * Numbers per query. A GET carries the query in its URL, and Salesforce refuses
 * URLs beyond about 16 KB; 200 numbers stay far below that.
 */
const MAX_NUMBERS_PER_QUERY = 200;

export function createCustomerDirectory(client: SalesforceClient, mapping: OrgMapping): CustomerDirectory {
  const f = mapping.salesforce.account;
  const numberFormat = idFormat('a customer number', mapping.customerNumber);
  const segmentByValue = new Map(Object.entries(mapping.salesforce.segmentValues).map(([k, v]) => [v.toLowerCase(), k as CustomerSegment]));
  const tierByValue = new Map(Object.entries(mapping.salesforce.loyaltyTierValues).map(([k, v]) => [v.toLowerCase(), k as LoyaltyTier]));

  const accountFields = [
    'Id',
    'Name',
    f.customerNumber,
    f.email,
    f.phone,
    f.segment,
    f.loyaltyTier,
    f.loyaltyPoints,
    f.emailOptIn,
    f.smsOptIn,
    f.consentUpdatedAt,
    f.preferredStore,
    'LastModifiedDate',
  ];
  const select = `SELECT ${[...new Set(accountFields)].join(', ')}, (SELECT Id, Name, Email, Phone, Title FROM Contacts ORDER BY Name) FROM Account`;

  const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
  const bool = (v: unknown): boolean => v === true || v === 'true';

  function toContact(r: SfRecord): ContactRecord {
    return { id: String(r.Id), name: str(r.Name), email: str(r.Email), phone: str(r.Phone), role: str(r.Title) };
  }

  function toCustomer(r: SfRecord, fetchedAt: Date): CustomerRecord {
    const segmentRaw = str(r[f.segment]);
    const segment = segmentRaw ? (segmentByValue.get(segmentRaw.toLowerCase()) ?? null) : null;
    if (segmentRaw && !segment) log.warn({ value: segmentRaw, field: f.segment }, 'segment value not in the org mapping');
    const tierRaw = str(r[f.loyaltyTier]);
    const tier = tierRaw ? (tierByValue.get(tierRaw.toLowerCase()) ?? null) : null;
    if (tierRaw && !tier) log.warn({ value: tierRaw, field: f.loyaltyTier }, 'loyalty tier value not in the org mapping');
    const points = Number(r[f.loyaltyPoints] ?? 0);
    const contacts = r.Contacts as { records?: SfRecord[] } | null | undefined;
    return {
      number: String(r[f.customerNumber]),
      salesforceId: String(r.Id),
      name: str(r.Name),
      email: str(r[f.email]),
      phone: str(r[f.phone]),
      segment,
      loyalty: tier ? { tier, points: Number.isFinite(points) ? Math.trunc(points) : 0 } : null,
      consent: { emailOptIn: bool(r[f.emailOptIn]), smsOptIn: bool(r[f.smsOptIn]), updatedAt: normalizeInstant(str(r[f.consentUpdatedAt])) },
      preferredStoreId: str(r[f.preferredStore]),
      contacts: (contacts?.records ?? []).map(toContact),
      version: normalizeInstant(str(r.LastModifiedDate)),
      fetchedAt,
    };
  }

  function filterClauses(filter: CustomerFilter): string[] {
    const where: string[] = [];
    if (filter.email != null) where.push(`${f.email} = ${soqlString(filter.email)}`);
    if (filter.phone != null) where.push(`${f.phone} = ${soqlString(filter.phone)}`);
    if (filter.namePrefix != null) {
      // A prefix of the name or of any word in it, so that "O'Bri" finds "Siobhan O'Brien".
      where.push(`(Name LIKE ${soqlLikePrefix(filter.namePrefix)} OR Name LIKE '% ${soqlLikeEscape(filter.namePrefix)}%')`);
    }
    return where;
  }

  /** The customers whose `field` is one of `values` (and `also` holds): one query per 200 distinct values, run together. */
  async function customersWhere(field: string, values: readonly string[], also = ''): Promise<CustomerRecord[]> {
    const results = await Promise.all(
      chunks([...new Set(values)], MAX_NUMBERS_PER_QUERY).map(async (chunk) => {
        const res = await client.query(`${select} WHERE ${field} IN (${chunk.map(soqlString).join(', ')})${also}`);
        const fetchedAt = new Date();
        return res.records.map((r) => toCustomer(r, fetchedAt));
      }),
    );
    return results.flat();
  }

  return {
    numberFormat,

    async customersByNumber(numbers) {
      const found = await customersWhere(f.customerNumber, numbers.filter((n) => numberFormat.test(n)));
      // External ID fields match case-insensitively in Salesforce.
      const byNumber = new Map(found.map((c) => [c.number.toLowerCase(), c]));
      return numbers.map((n) => byNumber.get(n.toLowerCase()) ?? null);
    },

    async customersByAccountId(accountIds) {
      // An Account without a customer number is no customer of this graph.
      const found = await customersWhere('Id', accountIds, ` AND ${f.customerNumber} != null`);
      const byId = new Map(found.map((c) => [c.salesforceId, c]));
      return accountIds.map((id) => byId.get(id) ?? null);
    },

    async searchCustomers(filter, first, after) {
      const where = filterClauses(filter);
      if (after) {
        const n = soqlString(after.name);
        where.push(`(Name > ${n} OR (Name = ${n} AND ${f.customerNumber} > ${soqlString(after.number)}))`);
      }
      const soql =
        `${select}${where.length ? ` WHERE ${where.join(' AND ')}` : ''}` +
        ` ORDER BY Name ASC, ${f.customerNumber} ASC LIMIT ${first + 1}`;
      const res = await client.query(soql, { maxRecords: first + 1 });
      const fetchedAt = new Date();
      const customers = res.records.map((r) => toCustomer(r, fetchedAt));
      return { customers: customers.slice(0, first), hasNextPage: customers.length > first, fetchedAt };
    },

    async countCustomers(filter) {
      const where = filterClauses(filter);
      const res = await client.query(`SELECT COUNT() FROM Account${where.length ? ` WHERE ${where.join(' AND ')}` : ''}`);
      return res.totalSize;
    },

    async updateEngagement(salesforceId, changes, opts) {
      const body: Record<string, unknown> = {};
      if (changes.email !== undefined) body[f.email] = changes.email;
      if (changes.phone !== undefined) body[f.phone] = changes.phone;
      if (changes.preferredStoreId !== undefined) body[f.preferredStore] = changes.preferredStoreId;
      if (changes.emailOptIn !== undefined) body[f.emailOptIn] = changes.emailOptIn;
      if (changes.smsOptIn !== undefined) body[f.smsOptIn] = changes.smsOptIn;
      if (changes.emailOptIn !== undefined || changes.smsOptIn !== undefined) body[f.consentUpdatedAt] = opts.consentUpdatedAt.toISOString();
      const headers: Record<string, string> = { 'Sforce-Call-Options': `client=${SALESFORCE_CLIENT_ID}` };
      // HTTP dates have one-second resolution: a version is rounded down, so a change later in the
      // same second as the version is not seen by the header alone (docs/customer.md, Conflicts).
      if (opts.ifUnmodifiedSince !== undefined) headers['If-Unmodified-Since'] = new Date(opts.ifUnmodifiedSince).toUTCString();
      try {
        // Setting the same values twice leaves the same state, so a retry of a PATCH whose answer was lost is safe.
        await client.request({ method: 'PATCH', path: `/sobjects/Account/${encodeURIComponent(salesforceId)}`, body, headers, idempotent: true });
        return { phase: 'applied' };
      } catch (err) {
        if (err instanceof UpstreamError && (err.details.status === 412 || err.details.upstreamCode === 'ENTITY_FAILED_IFLASTMODIFIED_ON_UPDATE_CHECK')) {
          return { phase: 'modified_since' };
        }
        throw err;
      }
    },

    async customerNumbersOfAccounts(accountIds) {
      const out = new Map<string, string | null>();
      for (const chunk of chunks([...new Set(accountIds)], MAX_NUMBERS_PER_QUERY)) {
        const res = await client.query(`SELECT Id, ${f.customerNumber} FROM Account WHERE Id IN (${chunk.map(soqlString).join(', ')})`);
        for (const r of res.records) out.set(String(r.Id), str(r[f.customerNumber]));
      }
      return out;
    },

    async knownCustomerNumbers(numbers) {
      const known = new Set<string>();
      const wanted = [...new Set(numbers.map((n) => n.toUpperCase()).filter((n) => numberFormat.test(n)))];
      for (const chunk of chunks(wanted, MAX_NUMBERS_PER_QUERY)) {
        const res = await client.query(`SELECT ${f.customerNumber} FROM Account WHERE ${f.customerNumber} IN (${chunk.map(soqlString).join(', ')})`);
        for (const r of res.records) {
          const n = str(r[f.customerNumber]);
          if (n) known.add(n.toUpperCase());
        }
      }
      return known;
    },

    async customerNumbersOfContacts(contactIds) {
      const out = new Map<string, string | null>();
      for (const chunk of chunks([...new Set(contactIds)], MAX_NUMBERS_PER_QUERY)) {
        const res = await client.query(`SELECT Id, Account.${f.customerNumber} FROM Contact WHERE Id IN (${chunk.map(soqlString).join(', ')})`);
        for (const r of res.records) out.set(String(r.Id), str((r.Account as SfRecord | null | undefined)?.[f.customerNumber]));
      }
      return out;
    },

    async changedSince(since) {
      // SOQL datetime literals are unquoted; whole seconds, since the poller's overlap covers the rounding.
      const at = `${new Date(Math.floor(since.getTime() / 1000) * 1000).toISOString().slice(0, 19)}Z`;
      const [accounts, contacts] = await Promise.all([
        client.query(`SELECT Id, ${f.customerNumber}, SystemModstamp FROM Account WHERE SystemModstamp >= ${at} ORDER BY SystemModstamp ASC, Id ASC`),
        client.query(`SELECT Id, Account.${f.customerNumber}, SystemModstamp FROM Contact WHERE SystemModstamp >= ${at} ORDER BY SystemModstamp ASC, Id ASC`),
      ]);
      const out: ChangedRecord[] = [
        ...accounts.records.map((r): ChangedRecord => ({
          entity: 'Account',
          recordId: String(r.Id),
          customerNumber: str(r[f.customerNumber]),
          modifiedAt: normalizeInstant(str(r.SystemModstamp)) ?? new Date(0).toISOString(),
        })),
        ...contacts.records.map((r): ChangedRecord => ({
          entity: 'Contact',
          recordId: String(r.Id),
          customerNumber: str((r.Account as SfRecord | null | undefined)?.[f.customerNumber]),
          modifiedAt: normalizeInstant(str(r.SystemModstamp)) ?? new Date(0).toISOString(),
        })),
      ];
      return out.sort((a, b) => (a.modifiedAt < b.modifiedAt ? -1 : a.modifiedAt > b.modifiedAt ? 1 : a.recordId < b.recordId ? -1 : 1));
    },
  };
}

/** Salesforce writes datetimes as "2026-11-20T09:15:00.000+0000"; the graph speaks ISO-8601 UTC with Z. */
function normalizeInstant(v: string | null): string | null {
  if (!v) return null;
  const t = Date.parse(v.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isFinite(t) ? new Date(t).toISOString() : v;
}
