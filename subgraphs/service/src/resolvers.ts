/**
 * Resolvers of the service subgraph. Each one validates its input before any
 * call, then asks a loader; failures of the service desk propagate from the field
 * that needed it, so only that field is null.
 */
import { badInput, UpstreamError } from '../../../lib/errors.js';
import type { IdFormat } from '../../../lib/mapping.js';
import { connection, decodeCursor, pageSize, type Connection } from '../../../lib/pagination.js';
import type { ServiceLoaders } from './loaders.js';
import type { CaseCursor, SupportCaseRecord } from './zendesk.js';
import type { Resolvers } from './__generated__/resolvers-types.js';

export interface ServiceContext {
  loaders: ServiceLoaders;
  formats: { customerNumber: IdFormat; orderNumber: IdFormat };
}

const CASE_ID = /^[1-9]\d{0,15}$/;

/** A case id is a Zendesk ticket id: a positive integer, as a string. */
export function checkCaseId(id: unknown): string {
  const s = typeof id === 'string' ? id : typeof id === 'number' ? String(id) : '';
  if (!CASE_ID.test(s) || !Number.isSafeInteger(Number(s))) {
    throw badInput(`expected a case id like 4521 (a positive integer), got '${String(id).slice(0, 60)}'`, { argumentName: 'id' });
  }
  return s;
}

function checkFormat(format: IdFormat, id: unknown, argumentName: string): string {
  const s = typeof id === 'string' ? id : '';
  if (!format.test(s)) throw badInput(`expected ${format.describe()}, got '${String(id).slice(0, 60)}'`, { argumentName });
  return s;
}

const isCaseCursor = (v: unknown): v is CaseCursor =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as CaseCursor).createdAt === 'string' &&
  !Number.isNaN(Date.parse((v as CaseCursor).createdAt)) &&
  Number.isSafeInteger((v as CaseCursor).id) &&
  (v as CaseCursor).id > 0;

/** A Customer, an Order or a comment's author here: only its id; the rest is resolved from it. */
export interface EntityRef {
  id: string;
}

/** What Customer.cases resolves to; codegen.ts maps SupportCaseConnection to it. */
export type SupportCaseConnectionParent = Connection<SupportCaseRecord>;

/**
 * Checked against the resolver types generated from this subgraph's SDL
 * (`npm run codegen`), which map each GraphQL type to the record it resolves from.
 * `satisfies` rather than an annotation keeps the exported type what
 * lib/subgraph.ts accepts: the generated `__resolveReference` signature
 * (reference, context, info) is not a GraphQLFieldResolver.
 */
export const resolvers = {
  Query: {
    supportCase(_root, args, ctx) {
      return ctx.loaders.caseById.load(checkCaseId(args.id));
    },
  },

  SupportCase: {
    __resolveReference(ref, ctx) {
      return ctx.loaders.caseById.load(checkCaseId(ref.id));
    },
    async customer(c, _args, ctx): Promise<EntityRef> {
      if (c.customerNumber) return { id: c.customerNumber };
      if (c.organizationId !== null) {
        const n = await ctx.loaders.customerNumberByOrg.load(c.organizationId);
        if (n) return { id: n };
      }
      if (c.requesterId !== null) {
        const u = await ctx.loaders.userById.load(String(c.requesterId));
        if (u?.externalId) return { id: u.externalId };
      }
      throw new UpstreamError('SERVICE_DESK', 'error', `case ${c.id} has neither an organization nor a requester with a customer number`);
    },
    order(c): EntityRef | null {
      return c.orderNumber ? { id: c.orderNumber } : null;
    },
    comments(c, _args, ctx) {
      return ctx.loaders.commentsByCase.load(c.id);
    },
    freshness(c) {
      return { source: 'SERVICE_DESK', fetchedAt: c.fetchedAt, stale: false };
    },
  },

  CaseComment: {
    author(c): EntityRef {
      return { id: c.authorId };
    },
  },

  CaseCommentAuthor: {
    async name(a, _args, ctx) {
      return (await ctx.loaders.userById.load(a.id))?.name ?? null;
    },
    async role(a, _args, ctx) {
      return (await ctx.loaders.userById.load(a.id))?.role ?? null;
    },
  },

  Customer: {
    __resolveReference(ref): EntityRef {
      return { id: ref.id };
    },
    async cases(customer, args, ctx): Promise<SupportCaseConnectionParent> {
      const id = checkFormat(ctx.formats.customerNumber, customer.id, 'id');
      const first = pageSize(args.first, 10);
      const after = decodeCursor(args.after, isCaseCursor);
      const statuses = args.status && args.status.length > 0 ? args.status : undefined;
      const page = await ctx.loaders.casePages({ first, ...(after ? { after } : {}), ...(statuses ? { statuses } : {}) }).load(id);
      return connection(page.cases, (c) => ({ createdAt: c.createdAt, id: Number(c.id) }), {
        hasNextPage: page.hasNextPage,
        totalCount: page.totalCount,
        freshness: { source: 'SERVICE_DESK', fetchedAt: page.fetchedAt, stale: false },
      });
    },
  },

  Order: {
    __resolveReference(ref): EntityRef {
      return { id: ref.id };
    },
    cases(order, _args, ctx) {
      return ctx.loaders.casesByOrder.load(checkFormat(ctx.formats.orderNumber, order.id, 'id'));
    },
  },
} satisfies Resolvers;
