/**
 * The service desk's writes, in the words of the service subgraph: where a new
 * case goes, creating a case, adding a comment, moving its status (conditionally,
 * with Zendesk's safe_update), and the reads a write's dedupe and checks need,
 * which bypass every cache. Built on the Zendesk transport; writes.ts applies them.
 */
import type { ZendeskClient } from '../../../lib/clients/zendesk.js';
import { searchPhrase } from '../../../lib/clients/zendesk.js';
import { UpstreamError } from '../../../lib/errors.js';
import type { OrgMapping } from '../../../lib/mapping.js';
import type { CaseCommentRecord, CasePriority, CaseStatus, SupportCaseRecord } from './zendesk.js';
import { STATUS_FROM_WIRE, caseRecord, caseStatusToWire, commentRecord, type ZdComment, type ZdOrganization, type ZdTicket, type ZdUser } from './zendesk-wire.js';

/** Where a new case goes in the service desk: the customer's organization and requester. */
export interface CustomerDirectoryEntry {
  organizationId: number | null;
  requesterId: number | null;
}

export interface NewCase {
  customerNumber: string;
  organizationId: number | null;
  requesterId: number;
  subject: string;
  description: string;
  priority: CasePriority;
  orderNumber: string | null;
  /** Stored as the ticket's external_id, so a create can be found again after its answer was lost. */
  externalId: string;
}

export interface NewComment {
  body: string;
  public: boolean;
  /** The service desk user the comment is written as; the API user when absent. */
  authorId?: number;
}

/** A conditional update's verdict: applied, or refused because the ticket changed after `updated_stamp`. */
export type ConditionalResult = { phase: 'applied'; record: SupportCaseRecord; previousStatus: CaseStatus } | { phase: 'stale' };

/**
 * The service desk's writes. Each is one Zendesk request unless stated; none is
 * ever retried by the transport except the create, which carries an
 * Idempotency-Key (see lib/clients/zendesk.ts `send`).
 */
export interface ServiceDeskWrites {
  /** Organization and end user whose external_id is the customer number (2 calls). */
  customerDirectory(customerNumber: string): Promise<CustomerDirectoryEntry>;
  /** The ticket as Zendesk holds it now, bypassing every cache; null when it does not exist. */
  caseNow(id: string): Promise<SupportCaseRecord | null>;
  /** Creates a ticket; Zendesk replays its first answer for a repeated `idempotencyKey`. */
  createCase(input: NewCase, idempotencyKey: string): Promise<SupportCaseRecord>;
  /** The ticket created with this external_id, if any (one search). */
  caseByExternalId(externalId: string): Promise<SupportCaseRecord | null>;
  /** Adds a comment through a ticket update (Zendesk's only way to add one). */
  addComment(caseId: string, comment: NewComment): Promise<{ record: SupportCaseRecord; commentId: string | null; previousStatus: CaseStatus }>;
  /** The newest comments of a case (one page, up to 100), newest first. */
  latestComments(caseId: string): Promise<CaseCommentRecord[]>;
  /**
   * Sets the status. With `updatedStamp`, a Zendesk safe_update: refused (stale) when the
   * ticket changed after that version.
   */
  setStatus(caseId: string, status: CaseStatus, updatedStamp: string | undefined): Promise<ConditionalResult>;
  /** The organization's external id as Zendesk holds it now (null: none); undefined when there is no such organization. */
  organizationExternalId(organizationId: string): Promise<string | null | undefined>;
  /** Writes the customer number into the organization's external id (one PUT of an absolute value). */
  setOrganizationExternalId(organizationId: string, customerNumber: string): Promise<void>;
}

interface ZdAudit {
  events?: Array<{ type?: string; id?: number; field_name?: string; previous_value?: unknown }>;
}

/** The status before an update, from the update's audit (a `Change` of `status`); unchanged when it has none. */
function previousStatusOf(audit: ZdAudit | undefined, after: CaseStatus): CaseStatus {
  const change = audit?.events?.find((e) => e.type === 'Change' && e.field_name === 'status');
  const prev = typeof change?.previous_value === 'string' ? STATUS_FROM_WIRE[change.previous_value] : undefined;
  return prev ?? after;
}

/** Zendesk's wire time has second precision; `updated_stamp` must name the second the caller saw. */
export function zendeskStamp(version: string): string {
  return new Date(version).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function createServiceDeskWrites(client: ZendeskClient, mapping: OrgMapping): ServiceDeskWrites {
  const orderFieldId = mapping.zendesk.orderNumberFieldId;
  const ticketPath = (id: string): string => `tickets/${encodeURIComponent(id)}.json`;

  return {
    async customerDirectory(customerNumber) {
      const [orgs, users] = await Promise.all([
        client.get<{ organizations: ZdOrganization[] }>('organizations/show_many.json', { external_ids: customerNumber }),
        client.get<{ users: ZdUser[] }>('users/show_many.json', { external_ids: customerNumber }),
      ]);
      const lower = customerNumber.toLowerCase();
      const org = (orgs?.organizations ?? []).find((o) => o.external_id?.toLowerCase() === lower);
      const user = (users?.users ?? []).find((u) => u.external_id?.toLowerCase() === lower && u.role === 'end-user');
      return { organizationId: org?.id ?? null, requesterId: user?.id ?? null };
    },

    async organizationExternalId(organizationId) {
      const res = await client.get<{ organization: ZdOrganization }>(`organizations/${encodeURIComponent(organizationId)}.json`, {}, { notFound: 'null' });
      return res ? (res.organization.external_id ?? null) : undefined;
    },

    async setOrganizationExternalId(organizationId, customerNumber) {
      await client.send('PUT', `organizations/${encodeURIComponent(organizationId)}.json`, { organization: { external_id: customerNumber } });
    },

    async caseNow(id) {
      const res = await client.get<{ ticket: ZdTicket }>(ticketPath(id), {}, { notFound: 'null' });
      return res?.ticket ? caseRecord(res.ticket, orderFieldId, null) : null;
    },

    async createCase(input, idempotencyKey) {
      const res = await client.send<{ ticket: ZdTicket }>(
        'POST',
        'tickets.json',
        {
          ticket: {
            subject: input.subject,
            comment: { body: input.description, public: true },
            requester_id: input.requesterId,
            ...(input.organizationId !== null ? { organization_id: input.organizationId } : {}),
            priority: input.priority.toLowerCase(),
            external_id: input.externalId,
            ...(input.orderNumber ? { custom_fields: [{ id: orderFieldId, value: input.orderNumber }] } : {}),
          },
        },
        { idempotencyKey },
      );
      return caseRecord(res.ticket, orderFieldId, input.customerNumber);
    },

    async caseByExternalId(externalId) {
      const res = await client.list<ZdTicket>('search.json', { query: `type:ticket external_id:${searchPhrase(externalId)}`, per_page: 100 }, 'results', { maxItems: 100 });
      const t = res.items.find((x) => (x as ZdTicket & { external_id?: string | null }).external_id === externalId);
      return t ? caseRecord(t, orderFieldId, null) : null;
    },

    async addComment(caseId, comment) {
      const res = await client.send<{ ticket: ZdTicket; audit?: ZdAudit }>('PUT', ticketPath(caseId), {
        ticket: { comment: { body: comment.body, public: comment.public, ...(comment.authorId !== undefined ? { author_id: comment.authorId } : {}) } },
      });
      const event = res.audit?.events?.find((e) => e.type === 'Comment');
      const record = caseRecord(res.ticket, orderFieldId, null);
      return { record, commentId: event?.id !== undefined ? String(event.id) : null, previousStatus: previousStatusOf(res.audit, record.status) };
    },

    async latestComments(caseId) {
      const res = await client.get<{ comments: ZdComment[] }>(`tickets/${encodeURIComponent(caseId)}/comments.json`, { sort_order: 'desc', per_page: 100 });
      return (res?.comments ?? []).map(commentRecord);
    },

    async setStatus(caseId, status, updatedStamp) {
      try {
        const res = await client.send<{ ticket: ZdTicket; audit?: ZdAudit }>('PUT', ticketPath(caseId), {
          ticket: { status: caseStatusToWire(status), ...(updatedStamp !== undefined ? { safe_update: true, updated_stamp: zendeskStamp(updatedStamp) } : {}) },
        });
        const record = caseRecord(res.ticket, orderFieldId, null);
        return { phase: 'applied', record, previousStatus: previousStatusOf(res.audit, record.status) };
      } catch (e) {
        // Zendesk answers a safe_update against a newer ticket with 409 UpdateConflict.
        if (e instanceof UpstreamError && e.details.status === 409) return { phase: 'stale' };
        throw e;
      }
    },
  };
}
