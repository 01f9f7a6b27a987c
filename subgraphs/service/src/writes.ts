/**
 * The service subgraph's writes: open a case, add a comment, change a status.
 * Each goes to the service desk only, through the shared write coordinator
 * (lib/writes), which makes it idempotent, queues it durably while Zendesk is out
 * of reach, and replays it exactly once. This file holds what differs per write:
 * the shape checks (free), the payloads, and one applier per kind with the way
 * Zendesk recognises a repeated call.
 *
 * | kind | dedupe | how a repeat is recognised |
 * |---|---|---|
 * | `service.openCase` | idempotency-key | `Idempotency-Key: <writeId>` on the create (Zendesk keeps keys about 2 h); past that, the ticket's `external_id` is the writeId and a retry looks it up first |
 * | `service.addCaseComment` | conditional | a ticket update has no idempotency key, so a retry (never the first attempt) first reads the case's newest comments and treats an identical comment (body, visibility, author) written since the write was accepted as its own earlier commit. Writes to one case are applied one at a time in order, so no other write of ours can have written that comment meanwhile |
 * | `service.updateCaseStatus` | conditional | `safe_update` with `updated_stamp = expectedVersion`; a 409 whose ticket already has the asked status, on a retry, is our own earlier commit, otherwise CONFLICT |
 */
import { DomainError, ErrorCode, UpstreamError, badInput } from '../../../lib/errors.js';
import { entityTag, listTag } from '../../../lib/cache/index.js';
import type { WriteCoordinator, WriteEvent } from '../../../lib/writes/index.js';
import type { CasePriority, CaseStatus, SupportCaseRecord } from './zendesk.js';
import type { CustomerDirectoryEntry, ServiceDeskWrites } from './zendesk-writes.js';

export const WRITE_KINDS = {
  openCase: 'service.openCase',
  addCaseComment: 'service.addCaseComment',
  updateCaseStatus: 'service.updateCaseStatus',
} as const;

/** Bounds of what a case write may carry; Zendesk's own limits are higher, these keep abuse out. */
export const LIMITS = {
  /** @default 150 characters, Zendesk's subject length in its agent interface */
  subject: 150,
  /** @default 32000 characters */
  body: 32_000,
} as const;

export interface OpenCasePayload {
  customerId: string;
  orderId: string | null;
  subject: string;
  description: string;
  priority: CasePriority;
}

export interface AddCommentPayload {
  caseId: string;
  /** The case's customer, when known at submission (for the event and invalidation). */
  customerId: string | null;
  body: string;
  public: boolean;
  /** The service desk user to write as: the case's requester for a storefront caller, else the API user. */
  authorId: number | null;
}

export interface UpdateStatusPayload {
  caseId: string;
  customerId: string | null;
  status: CaseStatus;
}

/** What an applied case write returns and stores as its outcome: ids and the change, never personal data. */
export interface CaseRef {
  caseId: string;
  customerId: string | null;
  orderId: string | null;
  status: CaseStatus;
  previousStatus: CaseStatus | null;
  /** The case's version (updated_at) after the write. */
  version: string;
}

/** The event an applied write announces; the feed turns it into a `case.updated` bus event. */
export const CASE_WRITTEN = 'CaseUpdated';

/** Trims and bounds a required text argument. */
export function requiredText(value: unknown, argumentName: string, max: number): string {
  const s = typeof value === 'string' ? value.trim() : '';
  if (s.length === 0) throw badInput(`expected a non-empty ${argumentName}`, { argumentName });
  if (s.length > max) throw badInput(`expected a ${argumentName} of at most ${max} characters, got ${s.length}`, { argumentName });
  return s;
}

/** expectedVersion is a case's `version` (its updatedAt), an ISO-8601 instant. */
export function checkVersion(v: string | null | undefined): string | undefined {
  if (v === null || v === undefined) return undefined;
  const t = Date.parse(v);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(v) || Number.isNaN(t)) {
    throw badInput(`expected an expectedVersion as the case's version reads, e.g. "2026-11-20T09:15:00.000Z", got '${v.slice(0, 60)}'`, { argumentName: 'expectedVersion' });
  }
  return new Date(t).toISOString();
}

/**
 * Zendesk's status rules, checked before any write: a closed ticket takes no
 * update at all, nothing goes back to NEW, and a case is closed only once solved
 * (Zendesk closes solved tickets itself; an agent solves).
 */
export function checkTransition(caseId: string, from: CaseStatus, to: CaseStatus): void {
  const refuse = (why: string): never => {
    throw new DomainError(ErrorCode.INVALID_STATUS_TRANSITION, `case ${caseId} cannot go from ${from} to ${to}: ${why}`, { from, to });
  };
  if (from === 'CLOSED') refuse('a closed case takes no more changes; open a follow-up case');
  if (from === to) refuse(`it is already ${to}`);
  if (to === 'NEW') refuse('a case never returns to NEW');
  if (to === 'CLOSED' && from !== 'SOLVED') refuse('solve it first; the service desk closes solved cases');
}

/** Refuses a comment on a closed case, as Zendesk would. */
export function checkCommentable(c: SupportCaseRecord): void {
  if (c.status === 'CLOSED') {
    throw new DomainError(ErrorCode.INVALID_STATUS_TRANSITION, `case ${c.id} is closed and takes no more comments; open a follow-up case`, { from: 'CLOSED' });
  }
}

/** Cache tags a change to this case makes stale: the case and the lists it is (or was) on. */
export function caseTags(caseId: string, customerId: string | null, orderIds: ReadonlyArray<string | null>): string[] {
  const tags = [entityTag('SupportCase', caseId)];
  if (customerId) tags.push(listTag('Customer', customerId, 'cases'));
  for (const o of new Set(orderIds)) if (o) tags.push(listTag('Order', o, 'cases'));
  return tags;
}

function eventOf(ref: CaseRef): WriteEvent {
  return { type: CASE_WRITTEN, data: { ...ref } };
}

export interface ApplierDeps {
  desk: ServiceDeskWrites;
  /** The customer's organization and requester, through the cache when there is one. */
  directory(customerId: string): Promise<CustomerDirectoryEntry>;
  /** The customer number a case belongs to (organization or requester external id). */
  customerOfCase(c: SupportCaseRecord): Promise<string | null>;
}

/** Zendesk's 422 RecordInvalid on a ticket update, e.g. "Status: closed prevents ticket update". */
const isInvalidRecord = (e: unknown): e is UpstreamError => e instanceof UpstreamError && e.details.status === 422;

/** Compares comment texts the way Zendesk may reformat them (whitespace). */
const sameText = (a: string, b: string): boolean => a.replace(/\s+/g, ' ').trim() === b.replace(/\s+/g, ' ').trim();

/**
 * Registers the three appliers. Call before `writes.start()`: queued writes are
 * data, and after a restart only a registered applier can carry them out.
 */
export function registerServiceAppliers(writes: WriteCoordinator, deps: ApplierDeps): void {
  const { desk } = deps;

  const refOf = async (c: SupportCaseRecord, previousStatus: CaseStatus | null, customerId: string | null): Promise<CaseRef> => ({
    caseId: c.id,
    customerId: customerId ?? (await deps.customerOfCase(c).catch(() => null)),
    orderId: c.orderNumber,
    status: c.status,
    previousStatus,
    version: c.updatedAt,
  });

  /** On a closed ticket Zendesk answers 422; that is the contract's INVALID_STATUS_TRANSITION. */
  const explainRefusal = async (caseId: string, e: unknown): Promise<never> => {
    if (isInvalidRecord(e)) {
      const now = await desk.caseNow(caseId);
      if (now?.status === 'CLOSED') checkCommentable(now);
    }
    throw e;
  };

  writes.registerApplier<OpenCasePayload, CaseRef>(
    WRITE_KINDS.openCase,
    async (p, ctx) => {
      if (ctx.attempt > 1 || ctx.resumed) {
        // Zendesk forgets idempotency keys after about two hours; a queued create
        // replayed later is recognised by the external id it carried.
        const existing = await desk.caseByExternalId(ctx.dedupeKey);
        if (existing) return refOf(existing, null, p.customerId);
      }
      const dir = await deps.directory(p.customerId);
      if (dir.requesterId === null) {
        throw new DomainError(ErrorCode.NOT_FOUND, `the service desk has no end user for customer ${p.customerId}, so a case cannot be opened for them`);
      }
      const created = await desk.createCase(
        {
          customerNumber: p.customerId,
          organizationId: dir.organizationId,
          requesterId: dir.requesterId,
          subject: p.subject,
          description: p.description,
          priority: p.priority,
          orderNumber: p.orderId,
          externalId: ctx.dedupeKey,
        },
        ctx.dedupeKey,
      );
      return refOf(created, null, p.customerId);
    },
    {
      dedupe: 'idempotency-key',
      invalidates: (p, r) => caseTags(r.caseId, p.customerId, [p.orderId]),
      event: (_p, r) => eventOf(r),
    },
  );

  writes.registerApplier<AddCommentPayload, CaseRef>(
    WRITE_KINDS.addCaseComment,
    async (p, ctx) => {
      if (ctx.attempt > 1 || ctx.resumed) {
        const accepted = await writes.outcome(ctx.writeId);
        // Zendesk stamps comments to the second; allow a little clock skew between us and it.
        const since = (accepted ? Date.parse(accepted.createdAt) : 0) - 5_000;
        const mine = (await desk.latestComments(p.caseId)).find(
          (c) =>
            Date.parse(c.createdAt) >= since &&
            c.public === p.public &&
            (p.authorId === null || c.authorId === String(p.authorId)) &&
            sameText(c.body, p.body),
        );
        if (mine) {
          const now = await desk.caseNow(p.caseId);
          if (now) return refOf(now, null, p.customerId);
        }
      }
      try {
        const { record, previousStatus } = await desk.addComment(p.caseId, { body: p.body, public: p.public, ...(p.authorId !== null ? { authorId: p.authorId } : {}) });
        return refOf(record, previousStatus, p.customerId);
      } catch (e) {
        return explainRefusal(p.caseId, e);
      }
    },
    {
      dedupe: 'conditional',
      invalidates: (p, r) => [...caseTags(r.caseId, r.customerId ?? p.customerId, [r.orderId]), entityTag('SupportCase', p.caseId)],
      event: (_p, r) => eventOf(r),
    },
  );

  writes.registerApplier<UpdateStatusPayload, CaseRef>(
    WRITE_KINDS.updateCaseStatus,
    async (p, ctx) => {
      let result;
      try {
        result = await desk.setStatus(p.caseId, p.status, ctx.expectedVersion);
      } catch (e) {
        return explainRefusal(p.caseId, e);
      }
      if (result.phase === 'applied') return refOf(result.record, result.previousStatus, p.customerId);
      const now = await desk.caseNow(p.caseId);
      if (!now) throw new DomainError(ErrorCode.NOT_FOUND, `case ${p.caseId} no longer exists in the service desk`);
      // After an interrupted attempt, the newer version may be our own commit.
      if ((ctx.attempt > 1 || ctx.resumed) && now.status === p.status) return refOf(now, null, p.customerId);
      throw ctx.conflict(`case ${p.caseId} changed in the service desk at ${now.updatedAt}, after version ${ctx.expectedVersion ?? '(none)'}; read it again and decide`, {
        currentVersion: now.updatedAt,
        currentStatus: now.status,
      });
    },
    {
      dedupe: 'conditional',
      invalidates: (p, r) => caseTags(r.caseId, r.customerId ?? p.customerId, [r.orderId]),
      event: (_p, r) => eventOf(r),
    },
  );
}
