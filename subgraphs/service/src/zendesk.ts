/**
 * The service desk, in the words of the service subgraph: cases by id, a
 * customer's organization, a page of an organization's cases, the cases about an
 * order, a case's comments. Built on the Zendesk transport; nothing outside this
 * file and its siblings (zendesk-wire.ts: Zendesk's JSON and its mapping to
 * these records; zendesk-writes.ts; zendesk-feed.ts) sees search syntax or endpoints.
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
 * - endUsersByCustomer: ceil(customers / 100) (users/show_many by external id).
 * - customerNumbersByOrganization, usersById: ceil(ids / 100).
 */
import type { ZendeskClient } from '../../../lib/clients/zendesk.js';
import { searchPhrase } from '../../../lib/clients/zendesk.js';
import { phoneKeyParts } from '../../../lib/identity-link.js';
import { chunks } from '../../../lib/chunks.js';
import { UpstreamError } from '../../../lib/errors.js';
import type { OrgMapping } from '../../../lib/mapping.js';
import { caseRecord, caseStatusToWire, commentRecord, type ZdComment, type ZdOrganization, type ZdTicket, type ZdUser } from './zendesk-wire.js';

/**
 * The users search for a contact key: `email:"…"` for an address; for a phone key, the number's
 * digits after `*`, which Zendesk matches however the number is written (`+1 513.555.7611`,
 * `(513) 555-7611`): the national number when it has the configured country code, else all its
 * E.164 digits. Null for a key that is neither: it is never sent.
 */
function contactQuery(contact: string): string | null {
  if (!contact.startsWith('tel:')) return contact.includes('@') ? `email:${searchPhrase(contact)}` : null;
  const parts = phoneKeyParts(contact);
  return parts ? `role:end-user phone:*${parts.national ?? parts.e164}` : null;
}

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
  /**
   * The ids of the users holding each customer number as their external id, in order, each list
   * by id ascending; empty for a customer no user holds the number of.
   */
  endUsersByCustomer(customerNumbers: readonly string[]): Promise<string[][]>;
  /** The customer number held by each organization, or null. */
  customerNumbersByOrganization(orgIds: readonly number[]): Promise<Array<string | null>>;
  /** Users by id, for comment authors and requesters; null for an unknown user. */
  usersById(ids: readonly string[]): Promise<Array<ServiceDeskUser | null>>;
  /**
   * End users with each e-mail address (lower-case) or phone key (`candidatePhone`), in order (one
   * search per key): the matching rule's candidates.
   */
  endUsersByContact(contacts: readonly string[]): Promise<EndUserRecord[][]>;
}

/** An end user as the matching rule compares it with a customer. */
export interface EndUserRecord {
  id: string;
  name: string;
  email: string | null;
  phone: string | null;
  organizationId: string | null;
  /** The customer number the user holds, if any. */
  externalId: string | null;
}

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

  const toRecord = (t: ZdTicket, fetchedAt: string, customerNumber: string | null): SupportCaseRecord => caseRecord(t, orderFieldId, customerNumber, fetchedAt);

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

    async endUsersByCustomer(customerNumbers) {
      // Matched case-insensitively, as Zendesk matches external_id.
      const byCustomer = new Map<string, number[]>();
      for (const chunk of chunks([...new Set(customerNumbers.map((c) => c.toLowerCase()))], SHOW_MANY_MAX)) {
        const res = await client.get<{ users: ZdUser[] }>('users/show_many.json', { external_ids: chunk.join(',') });
        for (const u of res?.users ?? []) {
          const key = u.external_id?.toLowerCase();
          if (!key) continue;
          const ids = byCustomer.get(key) ?? [];
          if (!ids.includes(u.id)) ids.push(u.id);
          byCustomer.set(key, ids);
        }
      }
      return customerNumbers.map((c) => (byCustomer.get(c.toLowerCase()) ?? []).sort((a, b) => a - b).map(String));
    },

    async casePagesByOrganization(orgs, args) {
      const fetchedAt = new Date().toISOString();
      const customerOf = new Map<number, string>();
      for (const o of orgs) customerOf.set(o.organizationId, o.customerNumber);
      const need = args.first + 1;
      const rowsByOrg = new Map<number, SupportCaseRecord[]>();
      const exactTotals = new Map<number, number>();
      const orgIds = [...customerOf.keys()];
      const statusTerms = (args.statuses ?? []).map((s) => `status:${caseStatusToWire(s)}`);

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
              comments.push(...page.items.map(commentRecord));
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

    async endUsersByContact(contacts) {
      return Promise.all(
        contacts.map(async (contact) => {
          const query = contactQuery(contact);
          if (query === null) return [];
          const res = await client.get<{ users: Array<ZdUser & { email?: string | null; phone?: string | null; organization_id?: number | null }> }>('users/search.json', { query });
          return (res?.users ?? [])
            .filter((u) => u.role === 'end-user')
            .map((u) => ({
              id: String(u.id),
              name: u.name,
              email: u.email ?? null,
              phone: u.phone ?? null,
              organizationId: u.organization_id != null ? String(u.organization_id) : null,
              externalId: u.external_id ?? null,
            }));
        }),
      );
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
