/**
 * Zendesk's JSON as the service desk connectors receive it, and the one way a
 * ticket or a comment becomes the subgraph's record (zendesk.ts): the reads, the
 * writes (zendesk-writes.ts) and the change feed (zendesk-feed.ts) all map
 * through here, so a case reads the same whichever of them fetched it.
 */
import { UpstreamError } from '../../../lib/errors.js';
import type { CaseCommentRecord, CasePriority, CaseStatus, SupportCaseRecord } from './zendesk.js';

export interface ZdTicket {
  id: number;
  subject: string | null;
  description: string | null;
  status: string;
  priority: string | null;
  created_at: string;
  updated_at: string;
  organization_id: number | null;
  requester_id: number | null;
  custom_fields?: Array<{ id: number; value: unknown }>;
}
export interface ZdOrganization {
  id: number;
  external_id: string | null;
}
export interface ZdUser {
  id: number;
  name: string;
  role: string;
  external_id: string | null;
}
export interface ZdComment {
  id: number;
  author_id: number;
  body?: string;
  plain_body?: string;
  public: boolean;
  created_at: string;
}

export const STATUS_FROM_WIRE: Record<string, CaseStatus> = {
  new: 'NEW',
  open: 'OPEN',
  pending: 'PENDING',
  hold: 'ON_HOLD',
  solved: 'SOLVED',
  closed: 'CLOSED',
};
const STATUS_TO_WIRE: Record<CaseStatus, string> = {
  NEW: 'new',
  OPEN: 'open',
  PENDING: 'pending',
  ON_HOLD: 'hold',
  SOLVED: 'solved',
  CLOSED: 'closed',
};
const PRIORITY_FROM_WIRE: Record<string, CasePriority> = { low: 'LOW', normal: 'NORMAL', high: 'HIGH', urgent: 'URGENT' };

export function caseStatusToWire(s: CaseStatus): string {
  return STATUS_TO_WIRE[s];
}

export function caseStatusFromWire(s: string): CaseStatus | undefined {
  return STATUS_FROM_WIRE[s.toLowerCase()];
}

/**
 * A ticket as the graph's case. `customerNumber` is what the caller knows of the
 * ticket's organization (side-loaded, or the customer it started from), else null.
 */
export function caseRecord(t: ZdTicket, orderFieldId: number, customerNumber: string | null, fetchedAt = new Date().toISOString()): SupportCaseRecord {
  const status = STATUS_FROM_WIRE[t.status];
  if (!status) throw new UpstreamError('SERVICE_DESK', 'error', `ticket ${t.id} has a status the graph does not know: '${t.status}'`);
  const orderValue = t.custom_fields?.find((f) => f.id === orderFieldId)?.value;
  return {
    id: String(t.id),
    subject: t.subject ?? '',
    description: t.description ?? null,
    status,
    // A ticket may have no priority; the schema documents that it reads as NORMAL.
    priority: (t.priority && PRIORITY_FROM_WIRE[t.priority]) || 'NORMAL',
    createdAt: new Date(t.created_at).toISOString(),
    updatedAt: new Date(t.updated_at).toISOString(),
    customerNumber,
    organizationId: t.organization_id ?? null,
    requesterId: t.requester_id ?? null,
    orderNumber: typeof orderValue === 'string' && orderValue.trim() !== '' ? orderValue.trim() : null,
    fetchedAt,
  };
}

export function commentRecord(c: ZdComment): CaseCommentRecord {
  return {
    id: String(c.id),
    body: c.plain_body ?? c.body ?? '',
    public: c.public !== false,
    authorId: String(c.author_id),
    createdAt: new Date(c.created_at).toISOString(),
  };
}
