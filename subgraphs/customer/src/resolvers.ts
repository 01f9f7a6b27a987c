/**
 * Resolvers of the customer subgraph. The id of a customer never depends on
 * Salesforce answering: when Salesforce fails, the customer still resolves with
 * its id (so the order, finance and service fields on it resolve through the
 * gateway), and each Salesforce field throws the failure, which nulls that
 * field alone with an error naming SALESFORCE.
 */
import { DomainError, ErrorCode, UpstreamError, badInput, notFound, unreachable } from '../../../lib/errors.js';
import { connection, decodeCursor, pageSize, type Connection, type Freshness } from '../../../lib/pagination.js';
import { authorize, isStorefront, type Caller } from '../../../lib/auth/index.js';
import type { WriteCoordinator } from '../../../lib/writes/index.js';
import type { EventBus } from '../../../lib/events/bus.js';
import { submitFor, writeQueueResolvers } from '../../../lib/writes/graph.js';
import type { CustomerDirectory, CustomerFilter, CustomerRecord, CustomerSearchKey } from './salesforce.js';
import type { CustomerLoaders } from './loaders.js';
import { toAccountId18 } from './account-id.js';
import { parseIdentityId, type ForeignRecordPages } from './identity-lookups.js';
import { identityOrphanPage, orphanPageArgs, orphanSystem, type IdentityOrphanPage } from './identity-orphans.js';
import { sharedKeyIdentity, type IdentityRecord } from '../../../lib/identity.js';
import type { Resolvers } from './__generated__/resolvers-types.js';
import {
  ENGAGEMENT_WRITE,
  engagementEntityKey,
  isNewerThan,
  validateEngagementInput,
  validateVersion,
  type EngagementPayload,
  type EngagementResult,
} from './writes.js';

export interface CustomerContext {
  directory: CustomerDirectory;
  loaders: CustomerLoaders;
  /** Who is asking, as the gateway signed it. */
  caller: Caller;
  /** The write coordinator; without one the subgraph is read-only and mutations answer UPSTREAM_UNAVAILABLE. */
  writes?: WriteCoordinator;
  /** Where the write coordinator announces settlements (customerWriteSettled). */
  bus: EventBus;
  /** NetSuite customers and Zendesk organizations a page at a time, for identityOrphans; without it that list answers UPSTREAM_UNAVAILABLE. */
  identityRecords?: ForeignRecordPages;
}

/** What Salesforce said about one customer, or why this caller may not see it. */
export type CustomerSource =
  | { phase: 'found'; record: CustomerRecord }
  | { phase: 'absent' }
  | { phase: 'failed'; error: UpstreamError }
  | { phase: 'forbidden'; error: DomainError };

/** The parent object of every Customer field resolver. */
export interface CustomerParent {
  id: string;
  source: CustomerSource;
  /**
   * The other systems' records of this customer, as their subgraphs answered for
   * `identities` (its @requires): undefined when not asked for, null when that system failed.
   */
  linked?: { erp: IdentityRecord[] | null | undefined; serviceDesk: IdentityRecord[] | null | undefined };
}

/** What Query.customers resolves to: a page, and the filter that totalCount counts again. */
export type CustomerConnectionParent = Connection<CustomerParent> & { filter: CustomerFilter };

function checkNumber(ctx: CustomerContext, id: string, argumentName: string): void {
  if (!ctx.directory.numberFormat.test(id)) {
    throw badInput(`expected ${ctx.directory.numberFormat.describe()}, got '${id.slice(0, 64)}'`, { argumentName });
  }
}

async function loadCustomer(ctx: CustomerContext, id: string): Promise<CustomerSource> {
  try {
    return { phase: 'found', record: await ctx.loaders.customerByNumber.load(id) };
  } catch (err) {
    if (err instanceof DomainError && err.code === ErrorCode.NOT_FOUND) return { phase: 'absent' };
    if (err instanceof UpstreamError) return { phase: 'failed', error: err };
    throw err;
  }
}

/** A Customer field read from Salesforce: null when Salesforce has no such customer, the failure when it could not answer. */
function salesforceField<T>(pick: (r: CustomerRecord) => T) {
  return (parent: CustomerParent): T | null => {
    const s = parent.source;
    switch (s.phase) {
      case 'found':
        return pick(s.record);
      case 'absent':
        return null;
      case 'failed':
      case 'forbidden':
        throw s.error;
      default:
        return unreachable(s);
    }
  };
}

function freshness(fetchedAt: Date): Freshness {
  return { source: 'SALESFORCE', fetchedAt: fetchedAt.toISOString(), stale: false };
}

function isSearchKey(v: unknown): v is CustomerSearchKey {
  if (typeof v !== 'object' || v === null) return false;
  const k = v as Record<string, unknown>;
  return typeof k.name === 'string' && typeof k.number === 'string' && Object.keys(k).length === 2;
}

const searchKey = (r: CustomerRecord): CustomerSearchKey => ({ name: r.name ?? '', number: r.number });

function coordinator(ctx: CustomerContext): WriteCoordinator {
  if (!ctx.writes) throw new UpstreamError('SALESFORCE', 'unavailable', 'this customer subgraph was started without a write queue; writes are not accepted');
  return ctx.writes;
}

const writeQueue = writeQueueResolvers('customer', 'SALESFORCE', coordinator, (ctx) => ctx.bus);

/**
 * Checked against the resolver types generated from this subgraph's SDL
 * (`npm run codegen`), which map each GraphQL type to what it resolves from.
 * `satisfies` rather than an annotation keeps the exported type what
 * lib/subgraph.ts accepts: the generated `__resolveReference` signature
 * (reference, context, info) is not a GraphQLFieldResolver.
 */
export const resolvers = {
  Query: {
    async customer(_root, args, ctx): Promise<CustomerParent | null> {
      checkNumber(ctx, args.id, 'id');
      // Before any call: a storefront caller asking for another customer costs Salesforce nothing.
      authorize(ctx.caller, 'Query.customer', { customerId: args.id });
      const source = await loadCustomer(ctx, args.id);
      return source.phase === 'absent' ? null : { id: args.id, source };
    },

    async customerByIdentity(_root, args, ctx): Promise<CustomerParent | null> {
      if (args.system !== 'SALESFORCE') {
        // Checked before any call: only digits reach SuiteQL or Zendesk.
        const key = parseIdentityId(args.system, args.id);
        if (!isStorefront(ctx.caller)) authorize(ctx.caller, 'Query.customerByIdentity');
        const number = await ctx.loaders.customerNumberByRecord.load(key);
        authorize(ctx.caller, 'Query.customerByIdentity', { customerId: number });
        // An external id that is not a customer number links the record to no customer.
        if (number === null || !ctx.directory.numberFormat.test(number)) return null;
        // A customer the other system knows but Salesforce does not still resolves, as a reference does.
        return { id: number, source: await loadCustomer(ctx, number) };
      }
      const accountId = toAccountId18(args.id);
      // Staff callers are checked before any call. A storefront caller's rule needs the customer
      // number, which only the lookup knows; an Account that is not its own (or none) is FORBIDDEN
      // alike, so the answer tells it nothing about other customers.
      if (!isStorefront(ctx.caller)) authorize(ctx.caller, 'Query.customerByIdentity');
      let record: CustomerRecord | null;
      try {
        record = await ctx.loaders.customerByAccountId.load(accountId);
      } catch (err) {
        if (!(err instanceof DomainError && err.code === ErrorCode.NOT_FOUND)) throw err;
        record = null;
      }
      authorize(ctx.caller, 'Query.customerByIdentity', { customerId: record?.number ?? null });
      return record ? { id: record.number, source: { phase: 'found', record } } : null;
    },

    async identityOrphans(_root, args, ctx): Promise<IdentityOrphanPage> {
      // Everything is checked before any call: the role, the system, the page size and the cursor.
      authorize(ctx.caller, 'report.identityOrphans');
      const system = orphanSystem(args.system);
      const page = orphanPageArgs(system, args.first, args.after);
      const records = ctx.identityRecords;
      if (!records) throw new UpstreamError(system === 'NETSUITE' ? 'ERP' : 'SERVICE_DESK', 'unavailable', 'this customer subgraph was started without NetSuite and Zendesk clients');
      return identityOrphanPage({ records, knownCustomerNumbers: (n) => ctx.directory.knownCustomerNumbers(n) }, system, page);
    },

    async customers(_root, args, ctx): Promise<CustomerConnectionParent> {
      authorize(ctx.caller, 'Query.customers');
      const first = pageSize(args.first, 20);
      const after = decodeCursor(args.after, isSearchKey);
      const filter: CustomerFilter = { email: args.filter?.email, phone: args.filter?.phone, namePrefix: args.filter?.namePrefix };
      const page = await ctx.directory.searchCustomers(filter, first, after);
      for (const r of page.customers) ctx.loaders.customerByNumber.prime(r.number, r);
      const nodes: CustomerParent[] = page.customers.map((record) => ({ id: record.number, source: { phase: 'found', record } }));
      const conn = connection(nodes, (n) => (n.source.phase === 'found' ? searchKey(n.source.record) : { name: '', number: n.id }), {
        hasNextPage: page.hasNextPage,
        totalCount: null,
        freshness: freshness(page.fetchedAt),
      });
      return { ...conn, filter };
    },

    ...writeQueue.Query,
  },

  Mutation: {
    async updateCustomerEngagement(_root, args, ctx) {
      // Every check that refuses costs no write call; the first three cost no call at all.
      checkNumber(ctx, args.id, 'id');
      authorize(ctx.caller, 'Mutation.updateCustomerEngagement', { customerId: args.id });
      const changes = validateEngagementInput(args.input);
      const expectedVersion = validateVersion(args.expectedVersion);
      const writes = coordinator(ctx);
      // Business checks read the customer, from the cache when warm: it must exist, and must not
      // already be newer than the caller's version. When Salesforce is down the write is still
      // accepted and queued; the applier checks again when it runs.
      const before = await loadCustomer(ctx, args.id);
      if (before.phase === 'absent') throw notFound(`no customer with number '${args.id}'`, { customerId: args.id });
      if (before.phase === 'found' && expectedVersion !== undefined && isNewerThan(before.record, expectedVersion)) {
        throw new DomainError(ErrorCode.CONFLICT, `customer ${args.id} was changed in Salesforce at ${before.record.version ?? ''}, after version ${expectedVersion}`, {
          currentVersion: before.record.version,
        });
      }
      const outcome = await submitFor<EngagementPayload, EngagementResult>(writes, ctx.caller, {
        kind: ENGAGEMENT_WRITE,
        entityKey: engagementEntityKey(args.id),
        payload: { customerId: args.id, changes },
        customerId: args.id,
        idempotencyKey: args.idempotencyKey ?? null,
        expectedVersion: expectedVersion ?? null,
      });
      let customer: CustomerParent | null = null;
      if (outcome.status === 'APPLIED') {
        // The loader holds what this request read before the write; the cache entry is already invalidated.
        ctx.loaders.customerByNumber.clear(args.id);
        customer = { id: args.id, source: await loadCustomer(ctx, args.id) };
      }
      const errors = outcome.status !== 'APPLIED' && outcome.lastError ? [{ code: outcome.lastError.code, message: outcome.lastError.message }] : null;
      return { status: outcome.status, writeId: outcome.writeId, customer, errors };
    },

    ...writeQueue.Mutation,
  },

  Subscription: {
    ...writeQueue.Subscription,
  },

  CustomerConnection: {
    // Counted only when asked for: it is a second query.
    totalCount: (parent, _args, ctx) => ctx.directory.countCustomers(parent.filter),
  },

  Customer: {
    async __resolveReference(ref, ctx): Promise<CustomerParent> {
      checkNumber(ctx, ref.id, 'id');
      // A storefront caller reaches another customer only by a reference it should not hold (its own
      // orders and cases name its own customer). The id stays; every Salesforce field is FORBIDDEN, with no call.
      if (isStorefront(ctx.caller) && ctx.caller.customerId !== ref.id) {
        try {
          authorize(ctx.caller, 'Query.customer', { customerId: ref.id });
        } catch (err) {
          if (err instanceof DomainError) return { id: ref.id, source: { phase: 'forbidden', error: err } };
          throw err;
        }
      }
      // A customer Salesforce does not know still resolves: other systems may know it, and its Salesforce fields are null.
      const parent: CustomerParent = { id: ref.id, source: await loadCustomer(ctx, ref.id) };
      if ('erpIdentities' in ref || 'serviceDeskIdentities' in ref) {
        parent.linked = { erp: ref.erpIdentities as IdentityRecord[] | null | undefined, serviceDesk: ref.serviceDeskIdentities as IdentityRecord[] | null | undefined };
      }
      return parent;
    },
    id: (parent) => parent.id,
    salesforceId: salesforceField((r) => r.salesforceId),
    name: salesforceField((r) => r.name),
    email: salesforceField((r) => r.email),
    phone: salesforceField((r) => r.phone),
    segment: salesforceField((r) => r.segment),
    loyalty: salesforceField((r) => r.loyalty),
    consent: salesforceField((r) => r.consent),
    preferredStoreId: salesforceField((r) => r.preferredStoreId),
    contacts: (parent, _args, ctx) => {
      // Contacts follow their customer's rule: a storefront caller sees its own customer's only.
      authorize(ctx.caller, 'Customer.contacts', { customerId: parent.id });
      return salesforceField((r) => r.contacts)(parent);
    },
    freshness: salesforceField((r) => freshness(r.fetchedAt)),
    version: salesforceField((r) => r.version),
    identities: (parent, _args, ctx): IdentityRecord[] | null => {
      authorize(ctx.caller, 'Customer.identities', { customerId: parent.id });
      // Complete or null: a list silently missing one system's record would read as "not linked".
      const linked = parent.linked;
      if (linked?.erp === null) throw new UpstreamError('ERP', 'unavailable', `the ERP's records of customer ${parent.id} could not be read; see erpIdentities`);
      if (linked?.serviceDesk === null) {
        throw new UpstreamError('SERVICE_DESK', 'unavailable', `the service desk's records of customer ${parent.id} could not be read; see serviceDeskIdentities`);
      }
      const own = salesforceField((r): IdentityRecord[] => [
        ...(r.salesforceId ? [sharedKeyIdentity('SALESFORCE_ACCOUNT', r.salesforceId)] : []),
        ...r.contacts.map((c) => sharedKeyIdentity('SALESFORCE_CONTACT', c.id)),
      ])(parent);
      return [...(own ?? []), ...(linked?.erp ?? []), ...(linked?.serviceDesk ?? [])];
    },
  },
} satisfies Resolvers;
