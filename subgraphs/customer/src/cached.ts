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
import type { CustomerDirectory, CustomerRecord } from './salesforce.js';

export const CUSTOMER_CACHE_KINDS = {
  customer: { name: 'customer/Customer', domain: 'engagement', tag: (id) => entityTag('Customer', id) },
} as const satisfies Record<string, EntryKind>;

export interface CachedCustomerOptions {
  /** The TTL factor to apply now (quotaTtlFactor). @default () => 1 */
  ttlFactor?: () => number;
}

export function cachedCustomerReads(directory: CustomerDirectory, cache: EntityCache, opts: CachedCustomerOptions = {}): CustomerReads {
  const ttlFactor = opts.ttlFactor ?? (() => 1);
  return {
    async customersByNumber(numbers) {
      const found = await cache.load<CustomerRecord>(
        CUSTOMER_CACHE_KINDS.customer,
        numbers,
        async (missing) => {
          const got = await directory.customersByNumber(missing);
          const out = new Map<string, CustomerRecord>();
          missing.forEach((n, i) => {
            const r = got[i];
            if (r) out.set(n, r);
          });
          return out;
        },
        { ttlFactor: ttlFactor() },
      );
      return numbers.map((n) => lookupValue(found.get(n)));
    },
  };
}
