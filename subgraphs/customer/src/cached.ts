/**
 * Customer lookups by number behind the entity cache. Salesforce API calls are
 * the scarcest budget in the graph, so once the org reports usage past
 * SALESFORCE_BUDGET_THRESHOLD the engagement TTL is stretched (see
 * docs/caching.md) instead of spending the rest of the day's calls.
 *
 * Searches are not cached: their results depend on free-form filters, are
 * rarely repeated, and their records are primed into the request's loader.
 */
import { entityTag, lookupValue, type EntityCache, type EntryKind } from '../../../lib/cache/index.js';
import type { CustomerReads } from './loaders.js';
import type { ForeignRecordKey, IdentityLookups } from './identity-lookups.js';
import type { CustomerDirectory, CustomerRecord } from './salesforce.js';

export const CUSTOMER_CACHE_KINDS = {
  customer: { name: 'customer/Customer', domain: 'engagement', tag: (id) => entityTag('Customer', id) },
  /**
   * Account Id → customer number (the crosswalk `customerByIdentity(system: SALESFORCE)` reads). The
   * customer itself stays under its number, so one change event or write drops it for both lookups;
   * the crosswalk only ages out, since an Account's customer number, an External ID, does not move.
   */
  accountCustomerNumber: { name: 'customer/Account.customerNumber', domain: 'engagement', tag: (id) => entityTag('Account', id) },
  /**
   * A NetSuite or Zendesk record → the customer number in its external-id field
   * (`customerByIdentity(system: NETSUITE | ZENDESK)`). Only found numbers are kept, so a record
   * linked later (a confirmed match writes its external id) is found at the next lookup.
   */
  recordCustomerNumber: { name: 'customer/Record.customerNumber', domain: 'engagement', tag: (key) => entityTag('Record', key) },
} as const satisfies Record<string, EntryKind>;

export interface CachedCustomerOptions {
  /** The TTL factor to apply now (quotaTtlFactor). @default () => 1 */
  ttlFactor?: () => number;
}

export function cachedCustomerReads(directory: CustomerDirectory, cache: EntityCache, opts: CachedCustomerOptions = {}): CustomerReads {
  const ttlFactor = opts.ttlFactor ?? (() => 1);
  /**
   * Customers by number through the cache; `inHand` holds records this lookup already read
   * (by Account Id), which are stored instead of being read again.
   */
  async function byNumber(numbers: readonly string[], inHand = new Map<string, CustomerRecord>()): Promise<Array<CustomerRecord | null | Error>> {
    const found = await cache.load<CustomerRecord>(
      CUSTOMER_CACHE_KINDS.customer,
      numbers,
      async (missing) => {
        const out = new Map<string, CustomerRecord>();
        const toRead = missing.filter((n) => !inHand.has(n));
        const got = toRead.length ? await directory.customersByNumber(toRead) : [];
        toRead.forEach((n, i) => {
          const r = got[i];
          if (r) out.set(n, r);
        });
        for (const n of missing) {
          const r = inHand.get(n);
          if (r) out.set(n, r);
        }
        return out;
      },
      { ttlFactor: ttlFactor() },
    );
    return numbers.map((n) => lookupValue(found.get(n)));
  }

  return {
    customersByNumber: (numbers) => byNumber(numbers),

    async customersByAccountId(accountIds) {
      // A cold Account Id costs one query, which reads the whole customer; a warm one costs none.
      const inHand = new Map<string, CustomerRecord>();
      const crosswalk = await cache.load<string>(
        CUSTOMER_CACHE_KINDS.accountCustomerNumber,
        accountIds,
        async (missing) => {
          const got = await directory.customersByAccountId(missing);
          const out = new Map<string, string>();
          missing.forEach((id, i) => {
            const r = got[i];
            if (!r) return;
            out.set(id, r.number);
            inHand.set(r.number, r);
          });
          return out;
        },
        { ttlFactor: ttlFactor() },
      );
      const numbers = accountIds.map((id) => lookupValue(crosswalk.get(id)));
      const wanted = [...new Set(numbers.filter((n): n is string => typeof n === 'string'))];
      const customers = new Map<string, CustomerRecord | null | Error>();
      (await byNumber(wanted, inHand)).forEach((c, i) => customers.set(wanted[i] as string, c));
      return numbers.map((n) => (typeof n === 'string' ? (customers.get(n) ?? null) : n));
    },
  };
}

/** The crosswalk from NetSuite and Zendesk records behind the cache: a warm lookup costs no call. */
export function cachedIdentityLookups(lookups: IdentityLookups, cache: EntityCache): IdentityLookups {
  return {
    async customerNumbersByRecord(keys) {
      const found = await cache.load<string>(CUSTOMER_CACHE_KINDS.recordCustomerNumber, keys, async (missing) => {
        const got = await lookups.customerNumbersByRecord(missing as ForeignRecordKey[]);
        const out = new Map<string, string>();
        missing.forEach((k, i) => {
          const n = got[i];
          if (n) out.set(k, n);
        });
        return out;
      });
      return keys.map((k) => {
        const v = lookupValue(found.get(k));
        if (v instanceof Error) throw v;
        return v;
      });
    },
  };
}
