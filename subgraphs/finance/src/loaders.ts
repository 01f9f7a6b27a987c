/**
 * The finance subgraph's DataLoaders, created once per request in createContext so
 * that batching and memoisation never leak between callers. Each loader turns the
 * keys one plan step asks for into one connector call.
 */
import DataLoader from 'dataloader';
import type {
  FinanceConnector,
  FinancialsRecord,
  InvoicePage,
  InvoicePageArgs,
  InvoiceRecord,
  PaymentRecord,
} from './netsuite.js';
import type { ErpCustomerRecord } from './netsuite-identity.js';

/**
 * Keys per connector call. Large enough that any page of a plan step fits in one
 * call, small enough that the IN list keeps a SuiteQL statement reasonable.
 */
const MAX_BATCH = 500;

export interface InvoicePageKey {
  customerNumber: string;
  args: InvoicePageArgs;
}

export interface FinancialsKey {
  customerNumber: string;
  maxAgeSeconds?: number;
}

export interface FinanceLoaders {
  invoice: DataLoader<string, InvoiceRecord>;
  invoicesByOrder: DataLoader<string, InvoiceRecord[]>;
  paymentsByInvoice: DataLoader<string, PaymentRecord[]>;
  invoicePage: DataLoader<InvoicePageKey, InvoicePage, string>;
  financials: DataLoader<FinancialsKey, FinancialsRecord, string>;
  /** NetSuite customers without an external id, by lower-case e-mail address or phone key: where identity candidates come from. */
  customersByContact: DataLoader<string, ErpCustomerRecord[]>;
}

/**
 * Batches keys that carry arguments: keys with equal arguments share one call (in a
 * plan step they nearly always do), and results go back in key order.
 */
function groupedBatch<K, V>(
  argsKey: (key: K) => string,
  run: (keys: K[]) => Promise<ReadonlyArray<V | Error>>,
): (keys: readonly K[]) => Promise<Array<V | Error>> {
  return async (keys) => {
    const groups = new Map<string, { keys: K[]; positions: number[] }>();
    keys.forEach((key, i) => {
      const g = groups.get(argsKey(key)) ?? { keys: [], positions: [] };
      g.keys.push(key);
      g.positions.push(i);
      groups.set(argsKey(key), g);
    });
    const out = new Array<V | Error>(keys.length);
    await Promise.all(
      [...groups.values()].map(async (g) => {
        const results = await run(g.keys);
        g.positions.forEach((pos, j) => {
          out[pos] = results[j] ?? new Error('the connector returned fewer results than keys');
        });
      }),
    );
    return out;
  };
}

function pageArgsKey(args: InvoicePageArgs): string {
  return JSON.stringify({
    first: args.first,
    after: args.after ?? null,
    statuses: args.statuses && args.statuses.length > 0 ? [...new Set(args.statuses)].sort() : null,
  });
}

export function createFinanceLoaders(connector: FinanceConnector): FinanceLoaders {
  const invoice = new DataLoader<string, InvoiceRecord>((numbers) => connector.invoicesByNumber(numbers), { maxBatchSize: MAX_BATCH });

  // Invoices read as part of a list are whole records: remember them so that a later
  // reference to the same invoice in this request costs nothing.
  const prime = (records: Iterable<InvoiceRecord>): void => {
    for (const r of records) invoice.prime(r.number, r);
  };

  const invoicesByOrder = new DataLoader<string, InvoiceRecord[]>(
    async (orderNumbers) => {
      const lists = await connector.invoicesByOrderNumber(orderNumbers);
      for (const l of lists) if (!(l instanceof Error)) prime(l);
      return lists;
    },
    { maxBatchSize: MAX_BATCH },
  );

  const paymentsByInvoice = new DataLoader<string, PaymentRecord[]>((numbers) => connector.paymentsByInvoice(numbers), {
    maxBatchSize: MAX_BATCH,
  });

  const invoicePage = new DataLoader<InvoicePageKey, InvoicePage, string>(
    groupedBatch(
      (k) => pageArgsKey(k.args),
      async (keys) => {
        const first = keys[0] as InvoicePageKey;
        const pages = await connector.invoicePagesByCustomer(
          keys.map((k) => k.customerNumber),
          first.args,
        );
        for (const p of pages) if (!(p instanceof Error)) prime(p.invoices);
        return pages;
      },
    ),
    { maxBatchSize: MAX_BATCH, cacheKeyFn: (k) => `${k.customerNumber}|${pageArgsKey(k.args)}` },
  );

  const financials = new DataLoader<FinancialsKey, FinancialsRecord, string>(
    groupedBatch(
      (k) => String(k.maxAgeSeconds ?? ''),
      (keys) =>
        connector.financialsByCustomer(
          keys.map((k) => k.customerNumber),
          keys[0]?.maxAgeSeconds === undefined ? {} : { maxAgeSeconds: keys[0].maxAgeSeconds },
        ),
    ),
    { maxBatchSize: MAX_BATCH, cacheKeyFn: (k) => `${k.customerNumber}|${k.maxAgeSeconds ?? ''}` },
  );

  const customersByContact = new DataLoader<string, ErpCustomerRecord[]>((contacts) => connector.customersByContact(contacts), { maxBatchSize: MAX_BATCH });

  return { invoice, invoicesByOrder, paymentsByInvoice, invoicePage, financials, customersByContact };
}
