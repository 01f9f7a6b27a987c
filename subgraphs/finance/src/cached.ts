/**
 * The finance connector behind the entity cache: invoices, their payments, a
 * customer's financial standing, and which invoices a customer (per page and
 * filter) or an order has. Same interface as the NetSuite connector.
 */
import { entityTag, listTag, loadLists, lookupValue, type EntityCache, type EntryKind, type FetchedList, type Lookup } from '../../../lib/cache/index.js';
import type { FinanceConnector, FinancialsRecord, InvoicePage, InvoicePageArgs, InvoiceRecord, PaymentRecord } from './netsuite.js';

export const FINANCE_CACHE_KINDS = {
  invoice: { name: 'finance/Invoice', domain: 'invoices', tag: (id) => entityTag('Invoice', id) },
  payments: { name: 'finance/Invoice.payments', domain: 'payments', tag: (id) => entityTag('Invoice', id) },
  customerInvoices: { name: 'finance/Customer.invoices', domain: 'invoiceLists', tag: (id) => listTag('Customer', id, 'invoices') },
  orderInvoices: { name: 'finance/Order.invoices', domain: 'invoiceLists', tag: (id) => listTag('Order', id, 'invoices') },
  financials: { name: 'finance/Customer.financials', domain: 'balances', tag: (id) => listTag('Customer', id, 'financials') },
} as const satisfies Record<string, EntryKind>;

type PageMeta = Omit<InvoicePage, 'invoices'>;

/** The connector answers arrays in key order; the cache speaks maps. */
async function asMap<V>(keys: string[], read: (keys: string[]) => Promise<Array<V | Error>>): Promise<Map<string, V | Error>> {
  const got = await read(keys);
  return new Map(keys.map((k, i) => [k, got[i] ?? new Error(`the connector gave no answer for ${k}`)]));
}

function inOrder<V>(keys: readonly string[], found: Map<string, Lookup<V>>, missing: (key: string) => V | Error): Array<V | Error> {
  return keys.map((k) => lookupValue(found.get(k)) ?? missing(k));
}

/** Equal argument sets give equal strings, whatever order the statuses came in. */
function pageArgs(args: InvoicePageArgs): string {
  return JSON.stringify([args.first, args.after ?? null, [...new Set(args.statuses ?? [])].sort()]);
}

const noAnswer = (what: string) => (key: string): Error => new Error(`the ERP gave no ${what} for ${key}`);

export function cachedFinanceConnector(inner: FinanceConnector, cache: EntityCache): FinanceConnector {
  const invoices = (numbers: readonly string[]): Promise<Map<string, Lookup<InvoiceRecord>>> =>
    cache.load(FINANCE_CACHE_KINDS.invoice, numbers, (missing) => asMap(missing, (k) => inner.invoicesByNumber(k)));

  return {
    async invoicesByNumber(numbers) {
      return inOrder(numbers, await invoices(numbers), noAnswer('invoice'));
    },

    async invoicePagesByCustomer(customerNumbers, args) {
      const lists = await loadLists<InvoiceRecord, PageMeta>(cache, customerNumbers, {
        list: FINANCE_CACHE_KINDS.customerInvoices,
        record: FINANCE_CACHE_KINDS.invoice,
        idOf: (i) => i.number,
        listOptions: { args: pageArgs(args) },
        async fetchLists(parents) {
          const pages = await asMap(parents, (k) => inner.invoicePagesByCustomer(k, args));
          return new Map(
            [...pages].map(([p, page]): [string, FetchedList<InvoiceRecord, PageMeta> | Error] => {
              if (page instanceof Error) return [p, page];
              const { invoices: records, ...meta } = page;
              return [p, { records, meta }];
            }),
          );
        },
        loadRecords: (ids) => invoices(ids),
      });
      return customerNumbers.map((c) => {
        const l = lookupValue(lists.get(c));
        if (l === null) return noAnswer('invoice page')(c);
        return l instanceof Error ? l : { ...l.meta, invoices: l.records };
      });
    },

    async invoicesByOrderNumber(orderNumbers) {
      const lists = await loadLists<InvoiceRecord, null>(cache, orderNumbers, {
        list: FINANCE_CACHE_KINDS.orderInvoices,
        record: FINANCE_CACHE_KINDS.invoice,
        idOf: (i) => i.number,
        async fetchLists(parents) {
          const got = await asMap(parents, (k) => inner.invoicesByOrderNumber(k));
          return new Map([...got].map(([p, l]) => [p, l instanceof Error ? l : { records: l, meta: null }]));
        },
        loadRecords: (ids) => invoices(ids),
      });
      return orderNumbers.map((o) => {
        const l = lookupValue(lists.get(o));
        return l === null ? [] : l instanceof Error ? l : l.records;
      });
    },

    async paymentsByInvoice(invoiceNumbers) {
      const found = await cache.load<PaymentRecord[]>(FINANCE_CACHE_KINDS.payments, invoiceNumbers, (missing) =>
        asMap(missing, (k) => inner.paymentsByInvoice(k)),
      );
      return inOrder(invoiceNumbers, found, () => []);
    },

    async financialsByCustomer(customerNumbers, opts = {}) {
      const found = await cache.load<FinancialsRecord>(
        FINANCE_CACHE_KINDS.financials,
        customerNumbers,
        // The ERP is asked without maxAge: freshness is the cache's business now.
        (missing) => asMap(missing, (k) => inner.financialsByCustomer(k)),
        opts.maxAgeSeconds === undefined ? {} : { maxAgeSeconds: opts.maxAgeSeconds },
      );
      return inOrder(customerNumbers, found, noAnswer('financials'));
    },
  };
}
