/**
 * Resolvers of the finance subgraph. They check arguments and ids (before any call),
 * ask the request's loaders, and shape connector records into the schema's types.
 * Unknown but well-formed ids resolve to null; ERP failures propagate as
 * UpstreamErrors so that only the fields that needed the ERP are null.
 */
import type DataLoader from 'dataloader';
import { DomainError, ErrorCode, UpstreamError, badInput, notFound } from '../../../lib/errors.js';
import { idFormat, type IdFormat, type OrgMapping } from '../../../lib/mapping.js';
import { connection, decodeCursor, freshNow, pageSize, type Connection, type Freshness } from '../../../lib/pagination.js';
import { audit, authorize, authorizeSubscription, idempotencyScope, type Caller } from '../../../lib/auth/index.js';
import type { EventBus } from '../../../lib/events/bus.js';
import { eventsFor, type SubscriptionContext } from '../../../lib/subscriptions.js';
import type { Money } from '../../../lib/money.js';
import { sharedKeyIdentity, type IdentityRecord } from '../../../lib/identity.js';
import { candidateEmail, candidatePhone, checkLinkRecord, rankCandidates, rejectCandidate, submitIdentityLink, type IdentityMatching } from '../../../lib/identity-link.js';
import type { WriteCoordinator } from '../../../lib/writes/index.js';
import { submitFor, writeQueueResolvers } from '../../../lib/writes/graph.js';
import { INVOICE_STATUS_TOPIC, invoiceFromSnapshot, type InvoiceStatusEvent } from './feed.js';
import type { FinanceLoaders } from './loaders.js';
import type { AddressRecord, FinancialsRecord, InvoiceCursor, InvoiceRecord, InvoiceStatus, PaymentRecord } from './netsuite.js';
import {
  BILLING_ADDRESS_KIND,
  IDENTITY_LINK_KIND,
  validateAddress,
  validateVersion,
  type BillingAddressPayload,
  type BillingAddressResult,
  type ErpIdentityLinkPayload,
} from './writes.js';
import type { ResolversTypes, Resolvers } from './__generated__/resolvers-types.js';

export interface FinanceContext {
  loaders: FinanceLoaders;
  /** Who is asking, as the gateway signed it: every authorization rule takes it. */
  caller: Caller;
  /** The subgraph's write coordinator; absent when the host wired no write store (reads only). */
  writes: WriteCoordinator | undefined;
  /** Where the change feed publishes and subscriptions read. */
  bus: EventBus;
}

/** A subscription's context: the subgraph's own plus what lib/subscriptions.ts adds (the resume position). */
type FinanceSubscriptionContext = FinanceContext & SubscriptionContext;

/** A Customer or an Order here: only its id, the key other subgraphs resolve it by. */
export interface EntityRef {
  id: string;
}

/** A Customer here: its id, and the Salesforce attributes erpIdentities requires when it is asked for. */
export interface CustomerRef extends EntityRef {
  email?: string | null;
  name?: string | null;
  phone?: string | null;
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
export function createFinanceResolvers(mapping: OrgMapping, matching?: IdentityMatching) {
  const customerNumber = idFormat('a customer number', mapping.customerNumber);
  const orderNumber = idFormat('an order number', mapping.netsuite.orderNumber);
  const invoiceNumber = idFormat('an invoice number', mapping.netsuite.invoiceNumber);

  /**
   * An invoice by number, as the caller may see it: a storefront caller gets null for
   * another customer's invoice (own-or-null), so it cannot learn that the invoice exists.
   * The invoice's customer is only known from the record, so this refusal costs a read.
   */
  const invoiceById = async (id: string, ctx: FinanceContext, argumentName: string): Promise<InvoiceRecord | null> => {
    const invoice = await loadOrNull(ctx.loaders.invoice, checkId(invoiceNumber, id, argumentName));
    if (!invoice) return null;
    return authorize(ctx.caller, 'Query.invoice', { customerId: invoice.customerNumber }) ? invoice : null;
  };

  const writesOf = (ctx: FinanceContext): WriteCoordinator => {
    if (!ctx.writes) throw new Error('the finance subgraph was started without a write store; writes are not available');
    return ctx.writes;
  };

  const writeQueue = writeQueueResolvers('finance', 'ERP', writesOf, (ctx) => ctx.bus);

  /**
   * The business check before a billing write: the customer must exist in the ERP. Read
   * through the cache, so it usually costs nothing. An ERP that cannot be reached does not
   * refuse the write: it is queued, and the applier checks again when it replays.
   */
  const requireCustomer = async (ctx: FinanceContext, customerId: string): Promise<void> => {
    try {
      await ctx.loaders.financials.load({ customerNumber: customerId });
    } catch (e) {
      if (e instanceof DomainError && e.code === ErrorCode.NOT_FOUND) throw notFound(`the ERP has no customer ${customerId}`, { customerId });
      if (e instanceof UpstreamError && e.transient) return;
      throw e;
    }
  };

  const toChange = (e: InvoiceStatusEvent, eventId: string): ResolversTypes['InvoiceStatusChange'] => {
    const invoice = invoiceFromSnapshot(e.invoice);
    return { eventId, invoice, previousStatus: e.previousStatus, status: e.status, amountDue: invoice.amountDue, changedAt: e.changedAt };
  };

  return {
    Query: {
      invoice: (_, args, ctx) => invoiceById(args.id, ctx, 'id'),

      ...writeQueue.Query,
    },

    Mutation: {
      updateBillingAddress: async (_, args, ctx) => {
        // Role first: agents and storefronts are refused before anything else, at no cost.
        authorize(ctx.caller, 'Mutation.updateBillingAddress', { customerId: args.customerId });
        const customerId = checkId(customerNumber, args.customerId, 'customerId');
        const address = validateAddress(args.address);
        const expectedVersion = validateVersion(args.expectedVersion);
        const writes = writesOf(ctx);
        const request = {
          kind: BILLING_ADDRESS_KIND,
          // One customer's billing writes are applied in the order they were made.
          entityKey: `ERP:customer:${customerId}`,
          payload: { customerId, address },
          customerId,
          idempotencyKey: args.idempotencyKey ?? null,
          expectedVersion: expectedVersion ?? null,
        };
        // A repeat under its idempotency key (or the key of another request) is answered before the ERP is asked anything.
        if (!(await writes.isRepeat({ ...request, scope: idempotencyScope(ctx.caller) }))) await requireCustomer(ctx, customerId);
        const outcome = await submitFor<BillingAddressPayload, BillingAddressResult>(writes, ctx.caller, request);
        let financials: FinancialsRecord | null = null;
        if (outcome.status === 'APPLIED') {
          // The write invalidated the cache before it answered; this request's loader may still
          // hold what requireCustomer read, so it is cleared to read the write back from the ERP.
          const key = { customerNumber: customerId };
          financials = await loadOrNull(ctx.loaders.financials.clear(key), key);
        }
        return {
          status: outcome.status,
          writeId: outcome.writeId,
          financials,
          errors: outcome.status === 'APPLIED' || !outcome.lastError ? [] : [{ code: outcome.lastError.code, message: outcome.lastError.message }],
        };
      },

      confirmErpIdentity: async (_, args, ctx) => {
        const customerId = checkId(customerNumber, args.customerId, 'customerId');
        authorize(ctx.caller, 'Mutation.confirmIdentity', { customerId });
        const { recordId: internalId } = checkLinkRecord('NETSUITE_CUSTOMER', args.recordType, args.recordId);
        return submitIdentityLink<ErpIdentityLinkPayload>(writesOf(ctx), ctx.caller, {
          kind: IDENTITY_LINK_KIND,
          // One record's writes in order: two customers confirming it cannot both win.
          entityKey: `ERP:customerRecord:${internalId}`,
          payload: { customerId, internalId },
          recordType: 'NETSUITE_CUSTOMER',
          recordId: internalId,
          idempotencyKey: args.idempotencyKey,
        });
      },

      rejectErpIdentity: async (_, args, ctx) => {
        const customerId = checkId(customerNumber, args.customerId, 'customerId');
        authorize(ctx.caller, 'Mutation.rejectIdentity', { customerId });
        const { key } = checkLinkRecord('NETSUITE_CUSTOMER', args.recordType, args.recordId);
        return rejectCandidate(matching, 'ERP', customerId, key, ctx.caller);
      },

      ...writeQueue.Mutation,
    },

    Subscription: {
      ...writeQueue.Subscription,
      invoiceStatusChanged: {
        subscribe: (_, args, financeCtx) => {
          // lib/subscriptions.ts merges the resume position into every subscription's context.
          const ctx = financeCtx as FinanceSubscriptionContext;
          // Checked here as well as at the gateway: the subgraph trusts the signed caller, not the route it came by.
          authorizeSubscription(ctx.caller, 'Subscription.invoiceStatusChanged', { customerId: args.customerId ?? null });
          const customerId = args.customerId == null ? undefined : checkId(customerNumber, args.customerId, 'customerId');
          const invoiceId = args.invoiceId == null ? undefined : checkId(invoiceNumber, args.invoiceId, 'invoiceId');
          const correlationId = typeof ctx.extensions.correlationId === 'string' ? ctx.extensions.correlationId : undefined;
          // lib/subscriptions.ts reads the position back from this very context to report it with each message.
          return eventsFor<InvoiceStatusEvent, { invoiceStatusChanged: ResolversTypes['InvoiceStatusChange'] }>(ctx.bus, INVOICE_STATUS_TOPIC, ctx, {
            filter: (e) => (!customerId || e.payload.customerId === customerId) && (!invoiceId || e.payload.invoiceId === invoiceId),
            map: (e) => {
              // Each delivered event shows one customer's invoice: audited like a read of it
              // (lib/subgraph.ts audits HTTP requests only, not subscription events).
              audit(ctx.caller, correlationId, { action: 'read', customerId: e.payload.customerId, fieldGroups: ['invoices'] });
              return { invoiceStatusChanged: toChange(e.payload, e.eventId) };
            },
          });
        },
      },
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
      // The Salesforce attributes come along only when the gateway resolves erpIdentities' @requires.
      __resolveReference: (ref): CustomerRef => ({
        id: ref.id,
        ...('email' in ref || 'name' in ref || 'phone' in ref ? { email: ref.email ?? null, name: ref.name ?? null, phone: ref.phone ?? null } : {}),
      }),
      financials: (parent, args, ctx): Promise<FinancialsRecord | null> => {
        const id = checkId(customerNumber, parent.id, 'id');
        // Before any call: a storefront caller reaching another customer costs the ERP nothing.
        authorize(ctx.caller, 'Customer.financials', { customerId: id });
        const maxAge = args.maxAgeSeconds;
        if (maxAge != null && maxAge < 0) {
          throw badInput(`expected maxAgeSeconds to be 0 or more, got ${maxAge}`, { argumentName: 'maxAgeSeconds' });
        }
        return loadOrNull(ctx.loaders.financials, maxAge == null ? { customerNumber: id } : { customerNumber: id, maxAgeSeconds: maxAge });
      },
      erpIdentities: async (parent, _args, ctx): Promise<IdentityRecord[]> => {
        const id = checkId(customerNumber, parent.id, 'id');
        authorize(ctx.caller, 'Customer.identities', { customerId: id });
        // The same loader key as financials without maxAgeSeconds: asked together, they cost one read.
        const record = await loadOrNull(ctx.loaders.financials, { customerNumber: id });
        if (record?.internalId) return [sharedKeyIdentity('NETSUITE_CUSTOMER', record.internalId)];
        if (record) return [];
        // No customer record holds the number: candidates, lazily (one query for the view's
        // addresses and phone numbers, cached by each) and only with one of them to search by.
        const attributes = { email: parent.email ?? null, name: parent.name ?? null, phone: parent.phone ?? null };
        if (!matching) return [];
        const email = candidateEmail(attributes);
        const phone = candidatePhone(attributes, matching.rule.defaultCountryCode);
        const contacts = [email, phone].filter((k): k is string => k !== null);
        if (contacts.length === 0) return [];
        const [found, rejected] = await Promise.all([Promise.all(contacts.map((k) => ctx.loaders.customersByContact.load(k))), matching.rejections.rejected(id)]);
        // A record found by both is one candidate.
        const records = [...new Map(found.flat().map((r) => [r.internalId, r])).values()];
        const sources = records.map((r) => ({ recordId: r.internalId, holds: null, attributes: { email: r.email, name: r.name, phone: r.phone } }));
        return rankCandidates(matching.rule, 'NETSUITE_CUSTOMER', id, attributes, sources, rejected);
      },
      invoices: async (parent, args, ctx): Promise<InvoiceConnectionParent> => {
        const id = checkId(customerNumber, parent.id, 'id');
        authorize(ctx.caller, 'Customer.invoices', { customerId: id });
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
      invoices: async (parent, _, ctx): Promise<InvoiceRecord[]> => {
        const invoices = await ctx.loaders.invoicesByOrder.load(checkId(orderNumber, parent.id, 'id'));
        // The order subgraph refuses another customer's order before we are asked; should a
        // reference reach us anyway, a storefront caller still sees only its own invoices.
        return invoices.filter((i) => authorize(ctx.caller, 'Query.invoice', { customerId: i.customerNumber }));
      },
    },
  } satisfies Resolvers;
}
