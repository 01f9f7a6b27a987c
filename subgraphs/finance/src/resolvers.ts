/**
 * Resolvers of the finance subgraph. They check arguments and ids (before any call),
 * ask the request's loaders, and shape connector records into the schema's types.
 * Unknown but well-formed ids resolve to null; ERP failures propagate as
 * UpstreamErrors so that only the fields that needed the ERP are null.
 */
import type DataLoader from 'dataloader';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { DomainError, ErrorCode, badInput } from '../../../lib/errors.js';
import { idFormat, type IdFormat, type OrgMapping } from '../../../lib/mapping.js';
import { connection, decodeCursor, freshNow, pageSize, type Connection, type Freshness } from '../../../lib/pagination.js';
import type { FinanceLoaders } from './loaders.js';
import type { AddressRecord, FinancialsRecord, InvoiceCursor, InvoiceRecord, InvoiceStatus, PaymentRecord } from './netsuite.js';
import type { Money } from './money.js';

export interface FinanceContext {
  loaders: FinanceLoaders;
}

interface EntityRef {
  id: string;
}

interface InvoiceConnectionArgs {
  first?: number | null;
  after?: string | null;
  status?: InvoiceStatus[] | null;
}

/** The wire shape of a page cursor: invoice date and ERP id of the last invoice shown. */
interface CursorKey {
  d: string;
  i: number;
}

const isCursorKey = (v: unknown): v is CursorKey =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as CursorKey).d === 'string' &&
  /^\d{4}-\d{2}-\d{2}$/.test((v as CursorKey).d) &&
  Number.isSafeInteger((v as CursorKey).i) &&
  (v as CursorKey).i > 0;

/** Dates the ERP keeps without a time are reported at midnight UTC. */
const midnightUtc = (day: string): string => `${day}T00:00:00.000Z`;

/** An id in an error message, cut short so a hostile string cannot flood the response. */
const shown = (id: string): string => (id.length > 60 ? `${id.slice(0, 60)}…` : id);

function checkId(format: IdFormat, id: string, argumentName: string): string {
  if (!format.test(id)) throw badInput(`expected ${format.describe()}, got '${shown(id)}'`, { argumentName });
  return id;
}

/** Loads one key; a NOT_FOUND from the batch becomes null, as the schema documents. */
async function loadOrNull<K, V, C>(loader: DataLoader<K, V, C>, key: K): Promise<V | null> {
  try {
    return await loader.load(key);
  } catch (e) {
    if (e instanceof DomainError && e.code === ErrorCode.NOT_FOUND) return null;
    throw e;
  }
}

export function createFinanceResolvers(mapping: OrgMapping): GraphQLResolverMap<FinanceContext> {
  const customerNumber = idFormat('a customer number', mapping.customerNumber);
  const orderNumber = idFormat('an order number', mapping.netsuite.orderNumber);
  const invoiceNumber = idFormat('an invoice number', mapping.netsuite.invoiceNumber);

  const invoiceById = (id: string, ctx: FinanceContext, argumentName: string): Promise<InvoiceRecord | null> =>
    loadOrNull(ctx.loaders.invoice, checkId(invoiceNumber, id, argumentName));

  return {
    Query: {
      invoice: (_: unknown, args: { id: string }, ctx: FinanceContext) => invoiceById(args.id, ctx, 'id'),
    },

    Invoice: {
      __resolveReference: (ref: EntityRef, ctx: FinanceContext) => invoiceById(ref.id, ctx, 'id'),
      id: (r: InvoiceRecord): string => r.number,
      customer: (r: InvoiceRecord): EntityRef => ({ id: r.customerNumber }),
      order: (r: InvoiceRecord): EntityRef | null => (r.orderNumber ? { id: r.orderNumber } : null),
      status: (r: InvoiceRecord): InvoiceStatus => r.status,
      issuedAt: (r: InvoiceRecord): string => midnightUtc(r.issuedOn),
      dueAt: (r: InvoiceRecord): string => midnightUtc(r.dueOn),
      total: (r: InvoiceRecord): Money => r.total,
      amountDue: (r: InvoiceRecord): Money => r.amountDue,
      payments: (r: InvoiceRecord, _: unknown, ctx: FinanceContext): Promise<PaymentRecord[]> =>
        ctx.loaders.paymentsByInvoice.load(r.number),
      freshness: (r: InvoiceRecord): Freshness => freshNow('ERP', r.fetchedAt),
    },

    Payment: {
      id: (p: PaymentRecord): string => p.number,
      amount: (p: PaymentRecord): Money | null => p.amount,
      receivedAt: (p: PaymentRecord): string | null => (p.receivedOn ? midnightUtc(p.receivedOn) : null),
      method: (p: PaymentRecord): string | null => p.method,
    },

    Customer: {
      __resolveReference: (ref: EntityRef): EntityRef => ({ id: ref.id }),
      financials: (parent: EntityRef, args: { maxAgeSeconds?: number | null }, ctx: FinanceContext): Promise<FinancialsRecord | null> => {
        const id = checkId(customerNumber, parent.id, 'id');
        const maxAge = args.maxAgeSeconds;
        if (maxAge != null && maxAge < 0) {
          throw badInput(`expected maxAgeSeconds to be 0 or more, got ${maxAge}`, { argumentName: 'maxAgeSeconds' });
        }
        return loadOrNull(ctx.loaders.financials, maxAge == null ? { customerNumber: id } : { customerNumber: id, maxAgeSeconds: maxAge });
      },
      invoices: async (parent: EntityRef, args: InvoiceConnectionArgs, ctx: FinanceContext): Promise<Connection<InvoiceRecord>> => {
        const id = checkId(customerNumber, parent.id, 'id');
        const first = pageSize(args.first, 10);
        const key = decodeCursor(args.after, isCursorKey);
        const after: InvoiceCursor | undefined = key ? { issuedOn: key.d, internalId: key.i } : undefined;
        const statuses = args.status && args.status.length > 0 ? args.status : undefined;
        const page = await ctx.loaders.invoicePage.load({
          customerNumber: id,
          args: { first, ...(after ? { after } : {}), ...(statuses ? { statuses } : {}) },
        });
        return connection(page.invoices, (inv): CursorKey => ({ d: inv.issuedOn, i: inv.internalId }), {
          hasNextPage: page.hasNextPage,
          totalCount: page.totalCount,
          freshness: freshNow('ERP', page.fetchedAt),
        });
      },
    },

    CustomerFinancials: {
      freshness: (f: FinancialsRecord): Freshness => freshNow('ERP', f.fetchedAt),
      billingAddress: (f: FinancialsRecord): AddressRecord | null => f.billingAddress,
    },

    Order: {
      __resolveReference: (ref: EntityRef): EntityRef => ({ id: ref.id }),
      invoices: (parent: EntityRef, _: unknown, ctx: FinanceContext): Promise<InvoiceRecord[]> =>
        ctx.loaders.invoicesByOrder.load(checkId(orderNumber, parent.id, 'id')),
    },
  };
}
