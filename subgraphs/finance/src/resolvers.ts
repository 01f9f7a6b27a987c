/**
 * Resolvers of the finance subgraph. They check arguments and ids (before any call),
 * ask the request's loaders, and shape connector records into the schema's types.
 * Unknown but well-formed ids resolve to null; ERP failures propagate as
 * UpstreamErrors so that only the fields that needed the ERP are null.
 */
import type DataLoader from 'dataloader';
import { DomainError, ErrorCode, badInput } from '../../../lib/errors.js';
import { idFormat, type IdFormat, type OrgMapping } from '../../../lib/mapping.js';
import { connection, decodeCursor, freshNow, pageSize, type Connection, type Freshness } from '../../../lib/pagination.js';
import type { FinanceLoaders } from './loaders.js';
import type { AddressRecord, FinancialsRecord, InvoiceCursor, InvoiceRecord, InvoiceStatus, PaymentRecord } from './netsuite.js';
import type { Money } from './money.js';
import type { Resolvers } from './__generated__/resolvers-types.js';

export interface FinanceContext {
  loaders: FinanceLoaders;
}

/** A Customer or an Order here: only its id, the key other subgraphs resolve it by. */
export interface EntityRef {
  id: string;
}

/** What Customer.invoices resolves to; codegen.ts maps InvoiceConnection to it. */
export type InvoiceConnectionParent = Connection<InvoiceRecord>;

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

/**
 * The resolvers, checked against the resolver types generated from this subgraph's
 * SDL (`npm run codegen`), which map each GraphQL type to the record it resolves from.
 * `satisfies` rather than a return type annotation keeps the result what
 * lib/subgraph.ts accepts: the generated `__resolveReference` signature
 * (reference, context, info) is not a GraphQLFieldResolver.
 */
export function createFinanceResolvers(mapping: OrgMapping) {
  const customerNumber = idFormat('a customer number', mapping.customerNumber);
  const orderNumber = idFormat('an order number', mapping.netsuite.orderNumber);
  const invoiceNumber = idFormat('an invoice number', mapping.netsuite.invoiceNumber);

  const invoiceById = (id: string, ctx: FinanceContext, argumentName: string): Promise<InvoiceRecord | null> =>
    loadOrNull(ctx.loaders.invoice, checkId(invoiceNumber, id, argumentName));

  return {
    Query: {
      invoice: (_, args, ctx) => invoiceById(args.id, ctx, 'id'),
    },

    Invoice: {
      __resolveReference: (ref, ctx) => invoiceById(ref.id, ctx, 'id'),
      id: (r): string => r.number,
      customer: (r): EntityRef => ({ id: r.customerNumber }),
      order: (r): EntityRef | null => (r.orderNumber ? { id: r.orderNumber } : null),
      status: (r): InvoiceStatus => r.status,
      issuedAt: (r): string => midnightUtc(r.issuedOn),
      dueAt: (r): string => midnightUtc(r.dueOn),
      total: (r): Money => r.total,
      amountDue: (r): Money => r.amountDue,
      payments: (r, _, ctx): Promise<PaymentRecord[]> => ctx.loaders.paymentsByInvoice.load(r.number),
      freshness: (r): Freshness => freshNow('ERP', r.fetchedAt),
    },

    Payment: {
      id: (p): string => p.number,
      amount: (p): Money | null => p.amount,
      receivedAt: (p): string | null => (p.receivedOn ? midnightUtc(p.receivedOn) : null),
      method: (p): string | null => p.method,
    },

    Customer: {
      __resolveReference: (ref): EntityRef => ({ id: ref.id }),
      financials: (parent, args, ctx): Promise<FinancialsRecord | null> => {
        const id = checkId(customerNumber, parent.id, 'id');
        const maxAge = args.maxAgeSeconds;
        if (maxAge != null && maxAge < 0) {
          throw badInput(`expected maxAgeSeconds to be 0 or more, got ${maxAge}`, { argumentName: 'maxAgeSeconds' });
        }
        return loadOrNull(ctx.loaders.financials, maxAge == null ? { customerNumber: id } : { customerNumber: id, maxAgeSeconds: maxAge });
      },
      invoices: async (parent, args, ctx): Promise<InvoiceConnectionParent> => {
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
      freshness: (f): Freshness => freshNow('ERP', f.fetchedAt),
      billingAddress: (f): AddressRecord | null => f.billingAddress,
    },

    Order: {
      __resolveReference: (ref): EntityRef => ({ id: ref.id }),
      invoices: (parent, _, ctx): Promise<InvoiceRecord[]> =>
        ctx.loaders.invoicesByOrder.load(checkId(orderNumber, parent.id, 'id')),
    },
  } satisfies Resolvers;
}
