/**
 * Resolvers of the customer subgraph. The id of a customer never depends on
 * Salesforce answering: when Salesforce fails, the customer still resolves with
 * its id (so the order, finance and service fields on it resolve through the
 * gateway), and each Salesforce field throws the failure, which nulls that
 * field alone with an error naming SALESFORCE.
 */
import { DomainError, ErrorCode, UpstreamError, badInput, unreachable } from '../../../lib/errors.js';
import { connection, decodeCursor, pageSize, type Connection, type Freshness } from '../../../lib/pagination.js';
import type { CustomerDirectory, CustomerFilter, CustomerRecord, CustomerSearchKey } from './salesforce.js';
import type { CustomerLoaders } from './loaders.js';
import type { Resolvers } from './__generated__/resolvers-types.js';

export interface CustomerContext {
  directory: CustomerDirectory;
  loaders: CustomerLoaders;
}

/** What Salesforce said about one customer. */
export type CustomerSource =
  | { phase: 'found'; record: CustomerRecord }
  | { phase: 'absent' }
  | { phase: 'failed'; error: UpstreamError };

/** The parent object of every Customer field resolver. */
export interface CustomerParent {
  id: string;
  source: CustomerSource;
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
      const source = await loadCustomer(ctx, args.id);
      return source.phase === 'absent' ? null : { id: args.id, source };
    },

    async customers(_root, args, ctx): Promise<CustomerConnectionParent> {
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
  },

  CustomerConnection: {
    // Counted only when asked for: it is a second query.
    totalCount: (parent, _args, ctx) => ctx.directory.countCustomers(parent.filter),
  },

  Customer: {
    async __resolveReference(ref, ctx): Promise<CustomerParent> {
      checkNumber(ctx, ref.id, 'id');
      // A customer Salesforce does not know still resolves: other systems may know it, and its Salesforce fields are null.
      return { id: ref.id, source: await loadCustomer(ctx, ref.id) };
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
    contacts: salesforceField((r) => r.contacts),
    freshness: salesforceField((r) => freshness(r.fetchedAt)),
  },
} satisfies Resolvers;
