/**
 * The request's DataLoaders. Created per request in createContext, so one
 * request's answers never leak into another's and every entity fetched in one
 * plan step (a `_entities` call, a page of references) costs one Salesforce query.
 */
import DataLoader from 'dataloader';
import { notFound } from '../../../lib/errors.js';
import type { CustomerDirectory, CustomerRecord } from './salesforce.js';

/**
 * The lookup the loader needs, one result per number in order: the record, null
 * when Salesforce has none, or an Error for that number alone (the cached reads
 * serve what they can). The Salesforce-backed CustomerDirectory fits as it is.
 */
export interface CustomerReads {
  customersByNumber(numbers: readonly string[]): Promise<Array<CustomerRecord | null | Error>>;
}

export interface CustomerLoaders {
  /** Customer by customer number; rejects with NOT_FOUND for a number Salesforce does not know. */
  customerByNumber: DataLoader<string, CustomerRecord>;
}

export function createLoaders(directory: CustomerReads | CustomerDirectory): CustomerLoaders {
  return {
    customerByNumber: new DataLoader<string, CustomerRecord>(
      async (numbers) => {
        let found: Array<CustomerRecord | null | Error>;
        try {
          found = await directory.customersByNumber(numbers);
        } catch (err) {
          // One failed call fails each key with the same error; resolvers decide what it means for their field.
          const e = err instanceof Error ? err : new Error(String(err));
          return numbers.map(() => e);
        }
        return numbers.map((n, i) => found[i] ?? notFound(`no customer with number '${n}'`, { customerId: n }));
      },
      // Keep a request's keys in one batch however large; the directory splits very large batches itself.
      { maxBatchSize: Infinity },
    ),
  };
}
