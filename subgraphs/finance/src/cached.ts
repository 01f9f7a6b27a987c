/**
 * The finance connector behind the entity cache: invoices, their payments, a
 * customer's financial standing, and which invoices a customer (per page and
 * filter) or an order has. Same interface as the NetSuite connector.
 */
import { entityTag, listTag, loadPages, loadParentLists, lookupValue, pageArgsKey, type EntityCache, type EntryKind, type Lookup } from '../../../lib/cache/index.js';
import type { FinanceConnector, FinancialsRecord, InvoiceRecord, PaymentRecord } from './netsuite.js';
import type { ErpCustomerRecord } from './netsuite-identity.js';

export const FINANCE_CACHE_KINDS = {
  invoice: { name: 'finance/Invoice', domain: 'invoices', tag: (id) => entityTag('Invoice', id) },
  payments: { name: 'finance/Invoice.payments', domain: 'payments', tag: (id) => entityTag('Invoice', id) },
  customerInvoices: { name: 'finance/Customer.invoices', domain: 'invoiceLists', tag: (id) => listTag('Customer', id, 'invoices') },
  orderInvoices: { name: 'finance/Order.invoices', domain: 'invoiceLists', tag: (id) => listTag('Order', id, 'invoices') },
  financials: { name: 'finance/Customer.financials', domain: 'balances', tag: (id) => listTag('Customer', id, 'financials') },
  /**
   * NetSuite customers without an external id by e-mail address or phone key, where identity
   * candidates come from (docs/identity.md): kept for their own TTL, keyed by the address or number.
   * Not `balances`: the finance feed reads only customers with an external id, so it cannot keep these current.
   */
  customersByContact: { name: 'finance/ErpCustomer.byContact', domain: 'erpContacts', tag: (contact) => entityTag('ErpCustomerContact', contact) },
} as const satisfies Record<string, EntryKind>;

/** The connector answers arrays in key order; the cache speaks maps. */
async function asMap<V>(keys: string[], read: (keys: string[]) => Promise<Array<V | Error>>): Promise<Map<string, V | Error>> {
  const got = await read(keys);
  return new Map(keys.map((k, i) => [k, got[i] ?? new Error(`the connector gave no answer for ${k}`)]));
}

function inOrder<V>(keys: readonly string[], found: Map<string, Lookup<V>>, missing: (key: string) => V | Error): Array<V | Error> {
  return keys.map((k) => lookupValue(found.get(k)) ?? missing(k));
}

const noAnswer = (what: string) => (key: string): Error => new Error(`the ERP gave no ${what} for ${key}`);

export function cachedFinanceConnector(inner: FinanceConnector, cache: EntityCache): FinanceConnector {
  const invoices = (numbers: readonly string[]): Promise<Map<string, Lookup<InvoiceRecord>>> =>
    cache.load(FINANCE_CACHE_KINDS.invoice, numbers, (missing) => asMap(missing, (k) => inner.invoicesByNumber(k)));

  /** A list of invoices: its membership under `list`, its invoices through the invoice cache. */
  const invoiceLists = (list: EntryKind) => ({ list, record: FINANCE_CACHE_KINDS.invoice, idOf: (i: InvoiceRecord) => i.number, loadRecords: invoices });

  return {
    async invoicesByNumber(numbers) {
      return inOrder(numbers, await invoices(numbers), noAnswer('invoice'));
    },

    invoicePagesByCustomer: (customerNumbers, args) =>
      loadPages(
        cache,
        customerNumbers,
        'invoices',
        { ...invoiceLists(FINANCE_CACHE_KINDS.customerInvoices), args: pageArgsKey(args), fetch: (k) => inner.invoicePagesByCustomer(k, args) },
        noAnswer('invoice page'),
      ),

    invoicesByOrderNumber: (orderNumbers) =>
      loadParentLists(cache, orderNumbers, { ...invoiceLists(FINANCE_CACHE_KINDS.orderInvoices), fetch: (k) => inner.invoicesByOrderNumber(k) }),

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

    async customersByContact(contacts) {
      const found = await cache.load<ErpCustomerRecord[]>(FINANCE_CACHE_KINDS.customersByContact, contacts, (missing) => asMap(missing, (k) => inner.customersByContact(k)));
      return inOrder(contacts, found, () => []);
    },
  };
}
