/**
 * Resolvers of the service subgraph. Each one validates its input before any
 * call, then asks a loader; failures of the service desk propagate from the field
 * that needed it, so only that field is null.
 */
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { badInput, UpstreamError } from '../../../lib/errors.js';
import type { IdFormat } from '../../../lib/mapping.js';
import { connection, decodeCursor, pageSize, type Connection } from '../../../lib/pagination.js';
import type { ServiceLoaders } from './loaders.js';
import type { CaseCommentRecord, CaseCursor, CaseStatus, SupportCaseRecord } from './zendesk.js';

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

interface CasesArgs {
  first?: number | null;
  after?: string | null;
  status?: CaseStatus[] | null;
}

export const resolvers: GraphQLResolverMap<ServiceContext> = {
  Query: {
    supportCase(_root: unknown, args: { id: string }, ctx: ServiceContext) {
      return ctx.loaders.caseById.load(checkCaseId(args.id));
    },
  },

  SupportCase: {
    __resolveReference(ref: { id: string }, ctx: ServiceContext) {
      return ctx.loaders.caseById.load(checkCaseId(ref.id));
    },
    async customer(c: SupportCaseRecord, _args: unknown, ctx: ServiceContext) {
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
    order(c: SupportCaseRecord) {
      return c.orderNumber ? { id: c.orderNumber } : null;
    },
    comments(c: SupportCaseRecord, _args: unknown, ctx: ServiceContext) {
      return ctx.loaders.commentsByCase.load(c.id);
    },
    freshness(c: SupportCaseRecord) {
      return { source: 'SERVICE_DESK', fetchedAt: c.fetchedAt, stale: false };
    },
  },

  CaseComment: {
    author(c: CaseCommentRecord) {
      return { id: c.authorId };
    },
  },

  CaseCommentAuthor: {
    async name(a: { id: string }, _args: unknown, ctx: ServiceContext) {
      return (await ctx.loaders.userById.load(a.id))?.name ?? null;
    },
    async role(a: { id: string }, _args: unknown, ctx: ServiceContext) {
      return (await ctx.loaders.userById.load(a.id))?.role ?? null;
    },
  },

  Customer: {
    __resolveReference(ref: { id: string }) {
      return { id: ref.id };
    },
    async cases(customer: { id: string }, args: CasesArgs, ctx: ServiceContext): Promise<Connection<SupportCaseRecord>> {
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
    __resolveReference(ref: { id: string }) {
      return { id: ref.id };
    },
    cases(order: { id: string }, _args: unknown, ctx: ServiceContext) {
      return ctx.loaders.casesByOrder.load(checkFormat(ctx.formats.orderNumber, order.id, 'id'));
    },
  },
};
