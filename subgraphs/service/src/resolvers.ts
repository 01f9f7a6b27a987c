/**
 * Resolvers of the service subgraph. Each one checks its input and the caller's
 * access (lib/auth) before any call, then asks a loader; failures of the service
 * desk propagate from the field that needed it, so only that field is null.
 * Writes validate (shape checks cost nothing; business checks read, through the
 * cache) and then go through the write coordinator (writes.ts).
 */
import { DomainError, ErrorCode, UpstreamError, badInput } from '../../../lib/errors.js';
import type { IdFormat } from '../../../lib/mapping.js';
import { connection, decodeCursor, pageSize, type Connection } from '../../../lib/pagination.js';
import { audit, authorize, authorizeSubscription, isStorefront, requirePublicComment, visibleComments, type Caller } from '../../../lib/auth/index.js';
import type { DomainEvent, EventBus } from '../../../lib/events/bus.js';
import { eventsFor, type SubscriptionContext } from '../../../lib/subscriptions.js';
import { sharedKeyIdentity, type IdentityRecord } from '../../../lib/identity.js';
import { candidateEmail, candidatePhone, rejectCandidate, submitIdentityLink, type IdentityMatching } from '../../../lib/identity-link.js';
import { IDENTITY_LINK_WRITE, checkServiceDeskRecord, serviceDeskCandidates, type IdentityLinkPayload } from './identity.js';
import type { WriteCoordinator, WriteOutcome } from '../../../lib/writes/index.js';
import { submitFor, writeQueueResolvers } from '../../../lib/writes/graph.js';
import { CASE_UPDATED_TOPIC, type CaseUpdatePayload } from './feed.js';
import type { ServiceLoaders } from './loaders.js';
import { LIMITS, WRITE_KINDS, checkCommentable, checkTransition, checkVersion, requiredText, type AddCommentPayload, type CaseRef, type OpenCasePayload, type UpdateStatusPayload } from './writes.js';
import type { CaseCursor, CaseStatus, SupportCaseRecord } from './zendesk.js';
import type { CustomerDirectoryEntry } from './zendesk-writes.js';
import type { Resolvers } from './__generated__/resolvers-types.js';

/** What the resolvers need beyond the request's loaders; one per process. */
export interface ServiceRuntime {
  /** The write coordinator; without one, the mutations refuse (a read-only deployment). */
  writes?: WriteCoordinator;
  /** The event bus the change feed publishes on; without one, subscriptions refuse. */
  bus?: EventBus;
  /** The customer an ERP order belongs to (null: the ERP has no such order), through the cache. */
  orderOwner(orderId: string): Promise<string | null>;
  /** Where a customer's new cases go in the service desk, through the cache. */
  directory(customerId: string): Promise<CustomerDirectoryEntry>;
  /** The matching rule and remembered rejections; without them only shared-key links are listed. */
  identity?: IdentityMatching;
}

export interface ServiceContext {
  loaders: ServiceLoaders;
  formats: { customerNumber: IdFormat; orderNumber: IdFormat };
  /** Who is asking, as the gateway verified it. */
  caller: Caller;
  correlationId: string;
  /** Fresh loaders: a subscription gets new ones per event, so no event sees an earlier one's reads. */
  newLoaders(): ServiceLoaders;
  runtime: ServiceRuntime;
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

/** A Customer here: its id, and the Salesforce attributes serviceDeskIdentities requires when it is asked for. */
export interface CustomerRef extends EntityRef {
  email?: string | null;
  name?: string | null;
  phone?: string | null;
}

/** What Customer.cases resolves to; codegen.ts maps SupportCaseConnection to it. */
export type SupportCaseConnectionParent = Connection<SupportCaseRecord>;

/** The customer a case belongs to: the organization's external id, else the requester's. Null when neither has one. */
export async function customerOfCase(c: SupportCaseRecord, loaders: ServiceLoaders): Promise<string | null> {
  if (c.customerNumber) return c.customerNumber;
  if (c.organizationId !== null) {
    const n = await loaders.customerNumberByOrg.load(c.organizationId);
    if (n) return n;
  }
  if (c.requesterId !== null) {
    const u = await loaders.userById.load(String(c.requesterId));
    if (u?.externalId) return u.externalId;
  }
  return null;
}

/**
 * Staff see every case; a storefront caller only its own customer's, and another
 * customer's case reads as absent (`Query.supportCase` is own-or-null), so it
 * cannot learn whether the case exists. Staff pay no extra call for the check.
 */
async function visibleCase(ctx: ServiceContext, c: SupportCaseRecord | null): Promise<SupportCaseRecord | null> {
  if (!c) return null;
  if (!isStorefront(ctx.caller)) return authorize(ctx.caller, 'Query.supportCase', {}) ? c : null;
  return authorize(ctx.caller, 'Query.supportCase', { customerId: await customerOfCase(c, ctx.loaders) }) ? c : null;
}

/** Case text and comments are a customer's personal data: every read leaves an audit record (ids only). */
async function auditCaseRead(ctx: ServiceContext, c: SupportCaseRecord): Promise<void> {
  const customerId = isStorefront(ctx.caller) ? ctx.caller.customerId : await customerOfCase(c, ctx.loaders).catch(() => null);
  if (customerId) audit(ctx.caller, ctx.correlationId, { action: 'read', customerId, fieldGroups: ['cases'] });
}

function writesOf(ctx: ServiceContext): WriteCoordinator {
  if (!ctx.runtime.writes) throw new DomainError(ErrorCode.INTERNAL_SERVER_ERROR, 'this service subgraph was started without a write queue, so it cannot write');
  return ctx.runtime.writes;
}

const writeQueue = writeQueueResolvers('service', 'SERVICE_DESK', writesOf, (ctx) => ctx.runtime.bus);

/** A business check's read that failed transiently is not a refusal: the write is queued and checked again when applied. */
async function unlessUnavailable<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (e) {
    if (e instanceof UpstreamError && e.transient) return undefined;
    throw e;
  }
}

/**
 * The case a comment or status change targets, with the caller's access checked
 * against its customer. A storefront caller gets NOT_FOUND alike for an unknown
 * case and another customer's (it learns nothing about other customers). When
 * the service desk cannot be reached and the case is not cached, staff writes
 * are queued and checked when applied; a storefront write is refused, since its
 * ownership cannot be checked.
 */
async function caseToChange(
  ctx: ServiceContext,
  caseId: string,
  operation: 'Mutation.addCaseComment' | 'Mutation.updateCaseStatus',
): Promise<{ record: SupportCaseRecord; customerId: string | null } | undefined> {
  let record: SupportCaseRecord | null;
  try {
    record = await ctx.loaders.caseById.load(caseId);
  } catch (e) {
    if (e instanceof UpstreamError && e.transient && !isStorefront(ctx.caller)) {
      authorize(ctx.caller, operation, {});
      return undefined;
    }
    throw e;
  }
  const customerId = record ? await customerOfCase(record, ctx.loaders) : null;
  if (!record || (isStorefront(ctx.caller) && customerId !== ctx.caller.customerId)) {
    throw new DomainError(ErrorCode.NOT_FOUND, `the service desk has no case ${caseId}`, { caseId });
  }
  authorize(ctx.caller, operation, { customerId });
  return { record, customerId };
}

/** The mutation's answer: the entity only when APPLIED (submitFor has already thrown a refusal on the first attempt). */
async function writeResult(ctx: ServiceContext, outcome: WriteOutcome<CaseRef>): Promise<{ status: WriteOutcome['status']; writeId: string; supportCase: SupportCaseRecord | null }> {
  let supportCase: SupportCaseRecord | null = null;
  if (outcome.status === 'APPLIED' && outcome.result) {
    // The write invalidated the cached case before answering; the request's own loader may still
    // hold what validation read, so it is cleared too and this reads what the write left.
    const id = outcome.result.caseId;
    supportCase = await ctx.loaders.caseById.clear(id).load(id);
  }
  return { status: outcome.status, writeId: outcome.writeId, supportCase };
}

/** What the subscription's resolve receives from the bus. */
type CaseEvent = DomainEvent<CaseUpdatePayload>;

/**
 * Checked against the resolver types generated from this subgraph's SDL
 * (`npm run codegen`), which map each GraphQL type to the record it resolves from.
 * `satisfies` rather than an annotation keeps the exported type what
 * lib/subgraph.ts accepts: the generated `__resolveReference` signature
 * (reference, context, info) is not a GraphQLFieldResolver.
 */
export const resolvers = {
  Query: {
    async supportCase(_root, args, ctx) {
      const c = await visibleCase(ctx, await ctx.loaders.caseById.load(checkCaseId(args.id)));
      if (c) await auditCaseRead(ctx, c);
      return c;
    },

    ...writeQueue.Query,
  },

  Mutation: {
    async confirmServiceDeskIdentity(_root, args, ctx) {
      const customerId = checkFormat(ctx.formats.customerNumber, args.customerId, 'customerId');
      authorize(ctx.caller, 'Mutation.confirmIdentity', { customerId });
      const { organizationId } = checkServiceDeskRecord(args.recordType, args.recordId);
      return submitIdentityLink<IdentityLinkPayload>(writesOf(ctx), ctx.caller, {
        kind: IDENTITY_LINK_WRITE,
        // One organization's writes in order: two customers confirming it cannot both win.
        entityKey: `SERVICE_DESK:organization:${organizationId}`,
        payload: { customerId, organizationId },
        recordType: 'ZENDESK_ORGANIZATION',
        recordId: organizationId,
        idempotencyKey: args.idempotencyKey,
      });
    },

    async rejectServiceDeskIdentity(_root, args, ctx) {
      const customerId = checkFormat(ctx.formats.customerNumber, args.customerId, 'customerId');
      authorize(ctx.caller, 'Mutation.rejectIdentity', { customerId });
      const { key } = checkServiceDeskRecord(args.recordType, args.recordId);
      return rejectCandidate(ctx.runtime.identity, 'SERVICE_DESK', customerId, key, ctx.caller);
    },

    async openCase(_root, args, ctx) {
      const input = args.input;
      const customerId = checkFormat(ctx.formats.customerNumber, input.customerId, 'customerId');
      // Refused before any call: a storefront caller opens cases for its own customer only.
      authorize(ctx.caller, 'Mutation.openCase', { customerId });
      const payload: OpenCasePayload = {
        customerId,
        orderId: input.orderId === null || input.orderId === undefined ? null : checkFormat(ctx.formats.orderNumber, input.orderId, 'orderId'),
        subject: requiredText(input.subject, 'subject', LIMITS.subject),
        description: requiredText(input.description, 'description', LIMITS.body),
        priority: input.priority ?? 'NORMAL',
      };
      const writes = writesOf(ctx);
      if (payload.orderId) {
        // The ERP says whose order it is (cached: an order never changes hands). A storefront
        // caller cannot tell an unknown order from another customer's.
        const owner = await ctx.runtime.orderOwner(payload.orderId);
        if (owner !== customerId) {
          throw badInput(`order ${payload.orderId} is not an order of customer ${customerId}`, { argumentName: 'orderId' });
        }
      }
      const dir = await unlessUnavailable(() => ctx.runtime.directory(customerId));
      if (dir && dir.requesterId === null) {
        throw new DomainError(ErrorCode.NOT_FOUND, `the service desk has no end user for customer ${customerId}, so a case cannot be opened for them`, { customerId });
      }
      const outcome = await submitFor<OpenCasePayload, CaseRef>(writes, ctx.caller, {
        kind: WRITE_KINDS.openCase,
        entityKey: `SERVICE_DESK:customer:${customerId}`,
        payload,
        customerId,
        idempotencyKey: args.idempotencyKey,
      });
      return writeResult(ctx, outcome);
    },

    async addCaseComment(_root, args, ctx) {
      const caseId = checkCaseId(args.caseId);
      const isPublic = args.public !== false;
      const body = requiredText(args.body, 'body', LIMITS.body);
      // Refused before any call: an internal note from a storefront caller.
      requirePublicComment(ctx.caller, isPublic);
      if (isStorefront(ctx.caller) === false) authorize(ctx.caller, 'Mutation.addCaseComment', {});
      const writes = writesOf(ctx);
      const target = await caseToChange(ctx, caseId, 'Mutation.addCaseComment');
      if (target) checkCommentable(target.record);
      const payload: AddCommentPayload = {
        caseId,
        customerId: target?.customerId ?? null,
        body,
        public: isPublic,
        // A customer's comment is written as the customer (the case's requester), as if they
        // had replied by e-mail, so the service desk reopens a pending case as it would then.
        authorId: isStorefront(ctx.caller) ? (target?.record.requesterId ?? null) : null,
      };
      const outcome = await submitFor<AddCommentPayload, CaseRef>(writes, ctx.caller, {
        kind: WRITE_KINDS.addCaseComment,
        entityKey: `SERVICE_DESK:case:${caseId}`,
        payload,
        customerId: payload.customerId,
        idempotencyKey: args.idempotencyKey ?? null,
      });
      return writeResult(ctx, outcome);
    },

    async updateCaseStatus(_root, args, ctx) {
      // Refused before any call: storefront callers may not change a status.
      authorize(ctx.caller, 'Mutation.updateCaseStatus', {});
      const caseId = checkCaseId(args.caseId);
      const status: CaseStatus = args.status;
      const expectedVersion = checkVersion(args.expectedVersion);
      const writes = writesOf(ctx);
      const target = await caseToChange(ctx, caseId, 'Mutation.updateCaseStatus');
      if (target) checkTransition(caseId, target.record.status, status);
      const payload: UpdateStatusPayload = { caseId, customerId: target?.customerId ?? null, status };
      const outcome = await submitFor<UpdateStatusPayload, CaseRef>(writes, ctx.caller, {
        kind: WRITE_KINDS.updateCaseStatus,
        entityKey: `SERVICE_DESK:case:${caseId}`,
        payload,
        customerId: payload.customerId,
        idempotencyKey: args.idempotencyKey ?? null,
        expectedVersion: expectedVersion ?? null,
      });
      return writeResult(ctx, outcome);
    },

    ...writeQueue.Mutation,
  },

  Subscription: {
    ...writeQueue.Subscription,
    caseUpdated: {
      subscribe(_root, args, ctx) {
        const customerId = args.customerId == null ? null : checkFormat(ctx.formats.customerNumber, args.customerId, 'customerId');
        const caseId = args.caseId == null ? null : checkCaseId(args.caseId);
        // A storefront caller must name its own customer; no filter at all needs the agent role.
        authorizeSubscription(ctx.caller, 'Subscription.caseUpdated', { customerId });
        const bus = ctx.runtime.bus;
        if (!bus) throw new DomainError(ErrorCode.INTERNAL_SERVER_ERROR, 'this service subgraph was started without an event bus, so it has no subscriptions');
        const own = isStorefront(ctx.caller) ? ctx.caller.customerId : null;
        return eventsFor<CaseUpdatePayload, CaseEvent>(bus, CASE_UPDATED_TOPIC, ctx as ServiceContext & SubscriptionContext, {
          filter: (e) =>
            (customerId === null || e.payload.customerId === customerId) &&
            (caseId === null || e.payload.caseId === caseId) &&
            (own === null || e.payload.customerId === own),
          map: (e) => e,
        });
      },
      async resolve(event: CaseEvent, _args: unknown, ctx: ServiceContext) {
        // Each event reads the case afresh: the subscription's context lives as long as it does.
        ctx.loaders = ctx.newLoaders();
        const c = await ctx.loaders.caseById.load(event.payload.caseId);
        if (!c) throw new DomainError(ErrorCode.NOT_FOUND, `case ${event.payload.caseId} is no longer in the service desk`, { caseId: event.payload.caseId });
        if (event.payload.customerId) audit(ctx.caller, ctx.correlationId, { action: 'read', customerId: event.payload.customerId, fieldGroups: ['cases'] });
        return {
          eventId: event.eventId,
          case: c,
          previousStatus: event.payload.previousStatus,
          status: event.payload.status,
          changedAt: event.payload.changedAt,
        };
      },
    },
  },

  SupportCase: {
    async __resolveReference(ref, ctx) {
      return visibleCase(ctx, await ctx.loaders.caseById.load(checkCaseId(ref.id)));
    },
    async customer(c, _args, ctx): Promise<EntityRef> {
      const id = await customerOfCase(c, ctx.loaders);
      if (id) return { id };
      throw new UpstreamError('SERVICE_DESK', 'error', `case ${c.id} has neither an organization nor a requester with a customer number`);
    },
    order(c): EntityRef | null {
      return c.orderNumber ? { id: c.orderNumber } : null;
    },
    version(c): string {
      return c.updatedAt;
    },
    async comments(c, _args, ctx) {
      // Internal notes never reach a storefront caller (the case itself is already its own).
      return visibleComments(ctx.caller, await ctx.loaders.commentsByCase.load(c.id));
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
    __resolveReference(ref): CustomerRef {
      const r = ref as CustomerRef;
      return { id: r.id, ...('email' in r ? { email: r.email ?? null, name: r.name ?? null, phone: r.phone ?? null } : {}) };
    },
    async cases(customer, args, ctx): Promise<SupportCaseConnectionParent> {
      const id = checkFormat(ctx.formats.customerNumber, customer.id, 'id');
      // A storefront caller reaches its own customer's cases only; refused before any call.
      authorize(ctx.caller, 'Customer.cases', { customerId: id });
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
    async serviceDeskIdentities(customer, _args, ctx): Promise<IdentityRecord[]> {
      const id = checkFormat(ctx.formats.customerNumber, customer.id, 'id');
      authorize(ctx.caller, 'Customer.identities', { customerId: id });
      // The organization and the end users holding the number: one batched call each, read together.
      const [org, userIds] = await Promise.all([ctx.loaders.organizationByCustomer.load(id), ctx.loaders.endUsersByCustomer.load(id)]);
      const users = userIds.map((u) => sharedKeyIdentity('ZENDESK_USER', u));
      if (org) return [sharedKeyIdentity('ZENDESK_ORGANIZATION', org.organizationId), ...users];
      // No organization holds the number: candidates, lazily (one search by e-mail, cached), and a
      // search by phone, cached too, only when the e-mail finds none (Zendesk ANDs different fields).
      const matching = ctx.runtime.identity;
      const attributes = { email: customer.email ?? null, name: customer.name ?? null, phone: customer.phone ?? null };
      if (!matching) return users;
      const email = candidateEmail(attributes);
      const phone = candidatePhone(attributes, matching.rule.defaultCountryCode);
      if (!email && !phone) return users;
      const rejectedNow = matching.rejections.rejected(id);
      const byContact = async (contact: string | null): Promise<IdentityRecord[]> => {
        if (!contact) return [];
        const [found, rejected] = await Promise.all([ctx.loaders.endUsersByContact.load(contact), rejectedNow]);
        return serviceDeskCandidates(matching.rule, id, attributes, found, rejected);
      };
      const byEmail = await byContact(email);
      return [...users, ...(byEmail.length > 0 ? byEmail : await byContact(phone))];
    },
  },

  Order: {
    __resolveReference(ref): EntityRef {
      return { id: ref.id };
    },
    async cases(order, _args, ctx) {
      const cases = await ctx.loaders.casesByOrder.load(checkFormat(ctx.formats.orderNumber, order.id, 'id'));
      if (!isStorefront(ctx.caller)) return cases;
      // The order subgraph keeps storefront callers to their own orders; this keeps them to
      // their own cases too, should a case name an order of another customer.
      const owners = await Promise.all(cases.map((c) => customerOfCase(c, ctx.loaders)));
      const own = ctx.caller.customerId;
      return cases.filter((_c, i) => owners[i] === own);
    },
  },
} satisfies Resolvers;
