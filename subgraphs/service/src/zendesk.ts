/**
 * The service desk, in the words of the service subgraph: cases by id, a
 * customer's organization, a page of an organization's cases, the cases about an
 * order, a case's comments. Built on the Zendesk transport; nothing outside this
 * file sees search syntax or endpoints.
 *
 * Cost per call (each number is Zendesk API requests, whatever the number of keys
 * up to the stated chunk):
 * - casesById: ceil(ids / 100) (tickets/show_many).
 * - organizationsByCustomer: ceil(customers / 100) (organizations/show_many by
 *   external id). A read of its own, apart from the case listing, because it is
 *   directory data: a caller that caches it spares each case-list miss this call.
 * - casePagesByOrganization: per 50 organizations one search page per 100 tickets
 *   read; reading stops as soon as every organization in the chunk has its page,
 *   so for organizations with fewer than ~100 matching tickets together it is one page.
 *   Search only offers the newest 1,000 matches of a query; past that window the
 *   search continues below the oldest ticket seen, for the organizations still short.
 * - casesByOrderNumber: per 100 order numbers, one search page per 100 tickets.
 * - commentsByCase: one request per case (Zendesk lists comments per ticket and
 *   has no multi-ticket comment read outside the rate-limited incremental export),
 *   plus one per further 100 comments of a case.
 * - customerNumbersByOrganization, usersById: ceil(ids / 100).
 */
import type { ZendeskClient } from '../../../lib/clients/zendesk.js';
import { searchPhrase } from '../../../lib/clients/zendesk.js';
import { chunks } from '../../../lib/chunks.js';
import { UpstreamError } from '../../../lib/errors.js';
import type { OrgMapping } from '../../../lib/mapping.js';

export type CaseStatus = 'NEW' | 'OPEN' | 'PENDING' | 'ON_HOLD' | 'SOLVED' | 'CLOSED';
export type CasePriority = 'LOW' | 'NORMAL' | 'HIGH' | 'URGENT';

export interface SupportCaseRecord {
  id: string;
  subject: string;
  description: string | null;
  status: CaseStatus;
  priority: CasePriority;
  createdAt: string;
  updatedAt: string;
  /** Known when the read side-loaded the organization or started from the customer. */
  customerNumber: string | null;
  organizationId: number | null;
  requesterId: number | null;
  orderNumber: string | null;
  fetchedAt: string;
}

export interface CaseCommentRecord {
  id: string;
  body: string;
  public: boolean;
  authorId: string;
  createdAt: string;
}

export interface ServiceDeskUser {
  id: string;
  name: string;
  role: 'CUSTOMER' | 'AGENT';
  externalId: string | null;
}

/** Where a page of a customer's cases starts: strictly older than this case. */
export interface CaseCursor {
  createdAt: string;
  id: number;
}

export interface CasePageArgs {
  first: number;
  after?: CaseCursor;
  statuses?: readonly CaseStatus[];
}

export interface CasePage {
  cases: SupportCaseRecord[];
  hasNextPage: boolean;
  totalCount: number | null;
  fetchedAt: string;
}

/** The organization a customer's cases belong to in the service desk. */
export interface CustomerOrganization {
  organizationId: number;
  /** The customer number as the service desk spells it; it matches customer numbers case-insensitively. */
  customerNumber: string;
}

export interface ServiceDesk {
  /** One result per id, in order; null for a ticket the service desk does not have. */
  casesById(ids: readonly string[]): Promise<Array<SupportCaseRecord | null>>;
  /** One result per customer number, in order; null for a customer the service desk has no organization for. */
  organizationsByCustomer(customerNumbers: readonly string[]): Promise<Array<CustomerOrganization | null>>;
  /** One page per organization, in order, newest first. */
  casePagesByOrganization(orgs: readonly CustomerOrganization[], args: CasePageArgs): Promise<CasePage[]>;
  /** The cases naming each order number, in order, newest first. */
  casesByOrderNumber(orderNumbers: readonly string[]): Promise<SupportCaseRecord[][]>;
  /** Each case's comments, oldest first; an Error in place of a case whose comments could not be read. */
  commentsByCase(ids: readonly string[]): Promise<Array<CaseCommentRecord[] | Error>>;
  /** The customer number held by each organization, or null. */
  customerNumbersByOrganization(orgIds: readonly number[]): Promise<Array<string | null>>;
  /** Users by id, for comment authors and requesters; null for an unknown user. */
  usersById(ids: readonly string[]): Promise<Array<ServiceDeskUser | null>>;
}

// ------------------------------------------------------------------ wire shapes
interface ZdTicket {
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
interface ZdOrganization {
  id: number;
  external_id: string | null;
}
interface ZdUser {
  id: number;
  name: string;
  role: string;
  external_id: string | null;
}
interface ZdComment {
  id: number;
  author_id: number;
  body?: string;
  plain_body?: string;
  public: boolean;
  created_at: string;
}

const STATUS_FROM_WIRE: Record<string, CaseStatus> = {
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

const SHOW_MANY_MAX = 100;
/** Organizations per search query: keeps the URL well under common 8 KB limits. */
const ORGS_PER_SEARCH = 50;
/** Order numbers per search query (each term is about 40 characters). */
const ORDERS_PER_SEARCH = 100;
/** Search offers at most this many results per query. */
const SEARCH_WINDOW = 1000;
/** Rounds of "continue below the oldest ticket seen" before giving up on a customer. */
const MAX_SEARCH_ROUNDS = 5;

const newestFirst = (a: SupportCaseRecord, b: SupportCaseRecord): number =>
  a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : Number(b.id) - Number(a.id);

/** True when the case sorts strictly after (is older than) the cursor. */
function olderThan(c: SupportCaseRecord, cursor: CaseCursor): boolean {
  const t = Date.parse(c.createdAt);
  const k = Date.parse(cursor.createdAt);
  return t < k || (t === k && Number(c.id) < cursor.id);
}

export function createServiceDesk(client: ZendeskClient, mapping: OrgMapping): ServiceDesk {
  const orderFieldId = mapping.zendesk.orderNumberFieldId;

  const toRecord = (t: ZdTicket, fetchedAt: string, customerNumber: string | null): SupportCaseRecord => {
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
  };

  /** Customer numbers of side-loaded organizations, when the service desk side-loaded them. */
  const sideloadedCustomers = (orgs: unknown[] | undefined): Map<number, string> => {
    const m = new Map<number, string>();
    for (const o of (orgs ?? []) as ZdOrganization[]) if (o.external_id) m.set(o.id, o.external_id);
    return m;
  };

  const searchQuery = (terms: string[]): string => `type:ticket ${terms.join(' ')}`;

  return {
    async casesById(ids) {
      const found = new Map<string, SupportCaseRecord>();
      for (const chunk of chunks(ids, SHOW_MANY_MAX)) {
        const fetchedAt = new Date().toISOString();
        const res = await client.get<{ tickets: ZdTicket[]; organizations?: unknown[] }>('tickets/show_many.json', {
          ids: chunk.join(','),
          include: 'organizations',
        });
        const orgs = sideloadedCustomers(res?.organizations);
        for (const t of res?.tickets ?? []) {
          found.set(String(t.id), toRecord(t, fetchedAt, t.organization_id != null ? (orgs.get(t.organization_id) ?? null) : null));
        }
      }
      return ids.map((id) => found.get(id) ?? null);
    },

    async organizationsByCustomer(customerNumbers) {
      // Customer numbers are matched case-insensitively, as Zendesk matches external_id.
      const byCustomer = new Map<string, CustomerOrganization>();
      for (const chunk of chunks([...new Set(customerNumbers)], SHOW_MANY_MAX)) {
        const res = await client.get<{ organizations: ZdOrganization[] }>('organizations/show_many.json', { external_ids: chunk.join(',') });
        for (const o of res?.organizations ?? []) {
          if (o.external_id) byCustomer.set(o.external_id.toLowerCase(), { organizationId: o.id, customerNumber: o.external_id });
        }
      }
      return customerNumbers.map((c) => byCustomer.get(c.toLowerCase()) ?? null);
    },

    async casePagesByOrganization(orgs, args) {
      const fetchedAt = new Date().toISOString();
      const customerOf = new Map<number, string>();
      for (const o of orgs) customerOf.set(o.organizationId, o.customerNumber);
      const need = args.first + 1;
      const rowsByOrg = new Map<number, SupportCaseRecord[]>();
      const exactTotals = new Map<number, number>();
      const orgIds = [...customerOf.keys()];
      const statusTerms = (args.statuses ?? []).map((s) => `status:${STATUS_TO_WIRE[s]}`);

      for (const chunk of chunks(orgIds, ORGS_PER_SEARCH)) {
        for (const o of chunk) rowsByOrg.set(o, []);
        let boundary = args.after;
        let remaining = chunk;
        for (let round = 0; round < MAX_SEARCH_ROUNDS && remaining.length > 0; round++) {
          const terms = [...remaining.map((o) => `organization:${o}`), ...statusTerms];
          // Zendesk's date terms resolve to the second; ask for everything before the
          // next second and keep only what is strictly older than the cursor.
          if (boundary) terms.push(`created<${new Date(Date.parse(boundary.createdAt) + 1000).toISOString().replace(/\.\d{3}Z$/, 'Z')}`);
          let read = 0;
          let exhausted = false;
          let oldest: SupportCaseRecord | undefined;
          const satisfied = (): boolean => remaining.every((o) => (rowsByOrg.get(o)?.length ?? 0) >= need);
          // On a first page for one organization, search's count is that organization's total.
          const countIsTotal = round === 0 && !args.after && remaining.length === 1 ? remaining[0] : undefined;
          for await (const page of client.pages<ZdTicket>(
            'search.json',
            { query: searchQuery(terms), sort_by: 'created_at', sort_order: 'desc', per_page: 100 },
            'results',
          )) {
            for (const t of page.items) {
              read++;
              const org = t.organization_id;
              const list = org != null ? rowsByOrg.get(org) : undefined;
              if (!list || org == null) continue;
              const rec = toRecord(t, fetchedAt, customerOf.get(org) ?? null);
              if (boundary && !olderThan(rec, boundary)) continue;
              if (!oldest || newestFirst(oldest, rec) < 0) oldest = rec;
              if (!list.some((r) => r.id === rec.id)) list.push(rec);
            }
            if (countIsTotal !== undefined && page.count !== null) exactTotals.set(countIsTotal, page.count);
            if (!page.hasNext) {
              exhausted = read >= (page.count ?? read);
              break;
            }
            if (satisfied()) break;
          }
          if (exhausted && round === 0 && !args.after) {
            for (const o of remaining) exactTotals.set(o, rowsByOrg.get(o)?.length ?? 0);
          }
          // Only search's 1,000-result window can leave an organization short without the list having ended.
          if (exhausted || satisfied() || read < SEARCH_WINDOW || !oldest) break;
          boundary = { createdAt: oldest.createdAt, id: Number(oldest.id) };
          remaining = remaining.filter((o) => (rowsByOrg.get(o)?.length ?? 0) < need);
        }
      }

      return orgs.map(({ organizationId: org }) => {
        const rows = (rowsByOrg.get(org) ?? []).sort(newestFirst);
        return {
          cases: rows.slice(0, args.first),
          hasNextPage: rows.length > args.first,
          totalCount: exactTotals.get(org) ?? null,
          fetchedAt,
        };
      });
    },

    async casesByOrderNumber(orderNumbers) {
      const fetchedAt = new Date().toISOString();
      const byOrder = new Map<string, SupportCaseRecord[]>();
      const unique = [...new Set(orderNumbers.map((o) => o.toUpperCase()))];
      for (const chunk of chunks(unique, ORDERS_PER_SEARCH)) {
        const terms = chunk.map((o) => `custom_field_${orderFieldId}:${searchPhrase(o)}`);
        const res = await client.list<ZdTicket>(
          'search.json',
          { query: searchQuery(terms), sort_by: 'created_at', sort_order: 'desc', per_page: 100, include: 'tickets(organizations)' },
          'results',
        );
        if (res.truncated) {
          throw new UpstreamError('SERVICE_DESK', 'error', `more than ${SEARCH_WINDOW} cases name these ${chunk.length} orders; ask for fewer orders`);
        }
        const orgs = sideloadedCustomers(res.sideloads.organizations);
        for (const t of res.items) {
          const rec = toRecord(t, fetchedAt, t.organization_id != null ? (orgs.get(t.organization_id) ?? null) : null);
          const key = rec.orderNumber?.toUpperCase();
          if (!key || !chunk.includes(key)) continue;
          const list = byOrder.get(key) ?? [];
          list.push(rec);
          byOrder.set(key, list);
        }
      }
      return orderNumbers.map((o) => (byOrder.get(o.toUpperCase()) ?? []).slice().sort(newestFirst));
    },

    async commentsByCase(ids) {
      return Promise.all(
        ids.map(async (id): Promise<CaseCommentRecord[] | Error> => {
          try {
            const comments: CaseCommentRecord[] = [];
            for await (const page of client.pages<ZdComment>(`tickets/${encodeURIComponent(id)}/comments.json`, { sort_order: 'asc', per_page: 100 }, 'comments')) {
              for (const c of page.items) {
                comments.push({
                  id: String(c.id),
                  body: c.plain_body ?? c.body ?? '',
                  public: c.public !== false,
                  authorId: String(c.author_id),
                  createdAt: new Date(c.created_at).toISOString(),
                });
              }
            }
            return comments;
          } catch (e) {
            if (e instanceof UpstreamError && e.details.status === 404) return [];
            return e instanceof Error ? e : new Error(String(e));
          }
        }),
      );
    },

    async customerNumbersByOrganization(orgIds) {
      const found = new Map<number, string | null>();
      for (const chunk of chunks([...new Set(orgIds)], SHOW_MANY_MAX)) {
        const res = await client.get<{ organizations: ZdOrganization[] }>('organizations/show_many.json', { ids: chunk.join(',') });
        for (const o of res?.organizations ?? []) found.set(o.id, o.external_id ?? null);
      }
      return orgIds.map((o) => found.get(o) ?? null);
    },

    async usersById(ids) {
      const found = new Map<string, ServiceDeskUser>();
      for (const chunk of chunks([...new Set(ids)], SHOW_MANY_MAX)) {
        const res = await client.get<{ users: ZdUser[] }>('users/show_many.json', { ids: chunk.join(',') });
        for (const u of res?.users ?? []) {
          found.set(String(u.id), { id: String(u.id), name: u.name, role: u.role === 'end-user' ? 'CUSTOMER' : 'AGENT', externalId: u.external_id ?? null });
        }
      }
      return ids.map((id) => found.get(id) ?? null);
    },
  };
}

// ------------------------------------------------------------------ writes

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
}

export function caseStatusToWire(s: CaseStatus): string {
  return STATUS_TO_WIRE[s];
}

export function caseStatusFromWire(s: string): CaseStatus | undefined {
  return STATUS_FROM_WIRE[s.toLowerCase()];
}

/** The ticket fields a write answer carries, as a record (the organization's customer number is the caller's). */
function recordOf(t: ZdTicket, orderFieldId: number, customerNumber: string | null): SupportCaseRecord {
  const status = STATUS_FROM_WIRE[t.status];
  if (!status) throw new UpstreamError('SERVICE_DESK', 'error', `ticket ${t.id} has a status the graph does not know: '${t.status}'`);
  const orderValue = t.custom_fields?.find((f) => f.id === orderFieldId)?.value;
  return {
    id: String(t.id),
    subject: t.subject ?? '',
    description: t.description ?? null,
    status,
    priority: (t.priority && PRIORITY_FROM_WIRE[t.priority]) || 'NORMAL',
    createdAt: new Date(t.created_at).toISOString(),
    updatedAt: new Date(t.updated_at).toISOString(),
    customerNumber,
    organizationId: t.organization_id ?? null,
    requesterId: t.requester_id ?? null,
    orderNumber: typeof orderValue === 'string' && orderValue.trim() !== '' ? orderValue.trim() : null,
    fetchedAt: new Date().toISOString(),
  };
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

    async caseNow(id) {
      const res = await client.get<{ ticket: ZdTicket }>(ticketPath(id), {}, { notFound: 'null' });
      return res?.ticket ? recordOf(res.ticket, orderFieldId, null) : null;
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
      return recordOf(res.ticket, orderFieldId, input.customerNumber);
    },

    async caseByExternalId(externalId) {
      const res = await client.list<ZdTicket>('search.json', { query: `type:ticket external_id:${searchPhrase(externalId)}`, per_page: 100 }, 'results', { maxItems: 100 });
      const t = res.items.find((x) => (x as ZdTicket & { external_id?: string | null }).external_id === externalId);
      return t ? recordOf(t, orderFieldId, null) : null;
    },

    async addComment(caseId, comment) {
      const res = await client.send<{ ticket: ZdTicket; audit?: ZdAudit }>('PUT', ticketPath(caseId), {
        ticket: { comment: { body: comment.body, public: comment.public, ...(comment.authorId !== undefined ? { author_id: comment.authorId } : {}) } },
      });
      const event = res.audit?.events?.find((e) => e.type === 'Comment');
      const record = recordOf(res.ticket, orderFieldId, null);
      return { record, commentId: event?.id !== undefined ? String(event.id) : null, previousStatus: previousStatusOf(res.audit, record.status) };
    },

    async latestComments(caseId) {
      const res = await client.get<{ comments: ZdComment[] }>(`tickets/${encodeURIComponent(caseId)}/comments.json`, { sort_order: 'desc', per_page: 100 });
      return (res?.comments ?? []).map((c) => ({
        id: String(c.id),
        body: c.plain_body ?? c.body ?? '',
        public: c.public !== false,
        authorId: String(c.author_id),
        createdAt: new Date(c.created_at).toISOString(),
      }));
    },

    async setStatus(caseId, status, updatedStamp) {
      try {
        const res = await client.send<{ ticket: ZdTicket; audit?: ZdAudit }>('PUT', ticketPath(caseId), {
          ticket: { status: STATUS_TO_WIRE[status], ...(updatedStamp !== undefined ? { safe_update: true, updated_stamp: zendeskStamp(updatedStamp) } : {}) },
        });
        const record = recordOf(res.ticket, orderFieldId, null);
        return { phase: 'applied', record, previousStatus: previousStatusOf(res.audit, record.status) };
      } catch (e) {
        // Zendesk answers a safe_update against a newer ticket with 409 UpdateConflict.
        if (e instanceof UpstreamError && e.details.status === 409) return { phase: 'stale' };
        throw e;
      }
    },
  };
}

// ------------------------------------------------------------------ change feed

export interface WebhookSpec {
  name: string;
  endpoint: string;
  subscriptions: readonly string[];
}

/** One page of the incremental export: the changed tickets in (updated_at, id) order, and where to go on. */
export interface ExportPage {
  cases: SupportCaseRecord[];
  afterCursor: string | null;
  endOfStream: boolean;
}

export interface ServiceDeskFeed {
  /**
   * Makes sure exactly one webhook with this name exists, pointing at the endpoint with these
   * subscriptions (list by name, then create or update), and returns its id.
   */
  ensureWebhook(spec: WebhookSpec): Promise<string>;
  /** The webhook's signing secret, read through the API as Zendesk documents. */
  signingSecret(webhookId: string): Promise<string>;
  /** One page of the incremental ticket export: from a cursor, or from a start time (unix seconds). */
  exportPage(from: { cursor: string } | { startTime: number }): Promise<ExportPage>;
}

interface ZdWebhook {
  id: string;
  name: string;
  endpoint: string;
  status: string;
  subscriptions?: string[];
  created_at?: string;
}

export function createServiceDeskFeed(client: ZendeskClient, mapping: OrgMapping): ServiceDeskFeed {
  const orderFieldId = mapping.zendesk.orderNumberFieldId;
  const sameSet = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && [...a].sort().join() === [...b].sort().join();

  const byName = async (name: string): Promise<ZdWebhook[]> => {
    const found: ZdWebhook[] = [];
    for await (const page of client.pages<ZdWebhook>('webhooks', { 'filter[name_contains]': name, 'page[size]': 100 }, 'webhooks')) {
      found.push(...page.items.filter((w) => w.name === name));
    }
    // Oldest first, so that every replica keeps the same one when a race made two.
    return found.sort((a, b) => (a.created_at ?? '').localeCompare(b.created_at ?? '') || a.id.localeCompare(b.id));
  };

  return {
    async ensureWebhook(spec) {
      const body = {
        name: spec.name,
        status: 'active',
        endpoint: spec.endpoint,
        http_method: 'POST',
        request_format: 'json',
        subscriptions: [...spec.subscriptions],
      };
      let hooks = await byName(spec.name);
      if (hooks.length === 0) {
        await client.send('POST', 'webhooks', { webhook: body });
        // Replicas booting together may each have created one: all keep the oldest, the rest go.
        hooks = await byName(spec.name);
      }
      const [keep, ...extra] = hooks;
      if (!keep) throw new UpstreamError('SERVICE_DESK', 'error', `Zendesk does not list the webhook '${spec.name}' it just created`);
      for (const w of extra) await client.send('DELETE', `webhooks/${encodeURIComponent(w.id)}`, undefined).catch(() => undefined);
      if (keep.endpoint !== spec.endpoint || keep.status !== 'active' || !sameSet(keep.subscriptions ?? [], spec.subscriptions)) {
        // PUT replaces the webhook's attributes; the signing secret is kept.
        await client.send('PUT', `webhooks/${encodeURIComponent(keep.id)}`, { webhook: body });
      }
      return keep.id;
    },

    async signingSecret(webhookId) {
      const res = await client.get<{ signing_secret?: { secret?: string } }>(`webhooks/${encodeURIComponent(webhookId)}/signing_secret`);
      const secret = res?.signing_secret?.secret;
      if (!secret) throw new UpstreamError('SERVICE_DESK', 'error', `Zendesk gave no signing secret for webhook ${webhookId}`);
      return secret;
    },

    async exportPage(from) {
      const query = 'cursor' in from ? { cursor: from.cursor } : { start_time: from.startTime };
      const res = await client.get<{ tickets: ZdTicket[]; after_cursor: string | null; end_of_stream: boolean }>('incremental/tickets/cursor.json', query);
      return {
        // Deleted tickets (status "deleted") leave the graph; nothing subscribes to them.
        cases: (res?.tickets ?? []).filter((t) => STATUS_FROM_WIRE[t.status] !== undefined).map((t) => recordOf(t, orderFieldId, null)),
        afterCursor: res?.after_cursor ?? null,
        endOfStream: res?.end_of_stream ?? true,
      };
    },
  };
}
