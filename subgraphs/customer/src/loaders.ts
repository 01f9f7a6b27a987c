/**
 * The request's DataLoaders. Created per request in createContext, so one
 * request's answers never leak into another's and every entity fetched in one
 * plan step (a `_entities` call, a page of references) costs one Salesforce query.
 */
import DataLoader from 'dataloader';
import { UpstreamError, notFound } from '../../../lib/errors.js';
import type { CustomerDirectory, CustomerRecord } from './salesforce.js';
import type { ForeignRecordKey, IdentityLookups } from './identity-lookups.js';

/**
 * The lookup the loader needs, one result per number in order: the record, null
 * when Salesforce has none, or an Error for that number alone (the cached reads
 * serve what they can). The Salesforce-backed CustomerDirectory fits as it is.
 */
export interface CustomerReads {
  customersByNumber(numbers: readonly string[]): Promise<Array<CustomerRecord | null | Error>>;
  /** The same, by 18-character Account Id. */
  customersByAccountId(accountIds: readonly string[]): Promise<Array<CustomerRecord | null | Error>>;
}

export interface CustomerLoaders {
  /** Customer by customer number; rejects with NOT_FOUND for a number Salesforce does not know. */
  customerByNumber: DataLoader<string, CustomerRecord>;
  /** Customer by 18-character Account Id; rejects with NOT_FOUND for an Account Salesforce does not know as a customer. */
  customerByAccountId: DataLoader<string, CustomerRecord>;
  /** The customer number a NetSuite or Zendesk record holds, or null; rejects when no lookup is configured. */
  customerNumberByRecord: DataLoader<ForeignRecordKey, string | null>;
}

/** One result per key: the record, or the batch's failure, or NOT_FOUND in the words of `missing`. */
function batch(read: (keys: readonly string[]) => Promise<Array<CustomerRecord | null | Error>>, missing: (key: string) => Error) {
  return async (keys: readonly string[]): Promise<Array<CustomerRecord | Error>> => {
    let found: Array<CustomerRecord | null | Error>;
    try {
      found = await read(keys);
    } catch (err) {
      // One failed call fails each key with the same error; resolvers decide what it means for their field.
      const e = err instanceof Error ? err : new Error(String(err));
      return keys.map(() => e);
    }
    return keys.map((k, i) => found[i] ?? missing(k));
  };
}

export function createLoaders(directory: CustomerReads | CustomerDirectory, lookups?: IdentityLookups): CustomerLoaders {
  // Keep a request's keys in one batch however large; the directory splits very large batches itself.
  const customerByNumber = new DataLoader<string, CustomerRecord>(
    batch(
      (numbers) => directory.customersByNumber(numbers),
      (n) => notFound(`no customer with number '${n}'`, { customerId: n }),
    ),
    { maxBatchSize: Infinity },
  );
  const customerByAccountId = new DataLoader<string, CustomerRecord>(
    async (ids) => {
      const found = await batch(
        (keys) => directory.customersByAccountId(keys),
        (id) => notFound(`no customer with Salesforce Account id '${id}'`, { salesforceId: id }),
      )(ids);
      // A customer found by its Account is the same customer by its number, within this request too.
      for (const r of found) if (!(r instanceof Error)) customerByNumber.prime(r.number, r);
      return found;
    },
    { maxBatchSize: Infinity },
  );
  const customerNumberByRecord = new DataLoader<ForeignRecordKey, string | null>(
    async (keys) => {
      if (!lookups) return keys.map((k) => new UpstreamError(k.startsWith('NETSUITE') ? 'ERP' : 'SERVICE_DESK', 'unavailable', 'this customer subgraph was started without NetSuite and Zendesk lookups'));
      return lookups.customerNumbersByRecord(keys);
    },
    { maxBatchSize: Infinity },
  );
  return { customerByNumber, customerByAccountId, customerNumberByRecord };
}
