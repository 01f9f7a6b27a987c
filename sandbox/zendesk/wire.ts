/**
 * The JSON Zendesk puts on the wire for each resource, and its two pagination
 * styles (offset with next_page/previous_page/count, cursor with meta/links).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Audit, Comment, Organization, Ticket, User, ZendeskStore } from './store.js';

/** Base URL as the client addressed us, used for `url`, `next_page` and `after_url`. */
export function baseUrl(req: FastifyRequest): string {
  const host = req.headers.host ?? 'localhost';
  return `${req.protocol}://${host}`;
}

export function ticketJson(t: Ticket, base: string): Record<string, unknown> {
  return {
    url: `${base}/api/v2/tickets/${t.id}.json`,
    id: t.id,
    external_id: t.external_id,
    via: { channel: t.via_channel, source: { from: {}, to: {}, rel: null } },
    created_at: t.created_at,
    updated_at: t.updated_at,
    generated_timestamp: Math.floor(t.updatedMs / 1000),
    type: t.type,
    subject: t.subject,
    raw_subject: t.subject,
    description: t.description,
    priority: t.priority,
    status: t.status,
    recipient: null,
    requester_id: t.requester_id,
    submitter_id: t.submitter_id,
    assignee_id: t.assignee_id,
    organization_id: t.organization_id,
    group_id: null,
    collaborator_ids: [],
    follower_ids: [],
    email_cc_ids: [],
    forum_topic_id: null,
    problem_id: null,
    has_incidents: false,
    is_public: true,
    due_at: null,
    tags: [...t.tags],
    custom_fields: t.custom_fields.map((f) => ({ ...f })),
    satisfaction_rating: null,
    sharing_agreement_ids: [],
    fields: t.custom_fields.map((f) => ({ ...f })),
    followup_ids: [],
    ticket_form_id: null,
    brand_id: null,
    allow_channelback: false,
    allow_attachments: true,
    from_messaging_channel: false,
  };
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function commentJson(c: Comment): Record<string, unknown> {
  const paragraphs = c.body.split(/\n{2,}/).map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`).join('');
  return {
    id: c.id,
    type: 'Comment',
    author_id: c.author_id,
    body: c.body,
    html_body: `<div class="zd-comment" dir="auto">${paragraphs}</div>`,
    plain_body: c.body,
    public: c.public,
    attachments: [],
    audit_id: c.audit_id || null,
    via: { channel: c.via_channel, source: { from: {}, to: {}, rel: null } },
    created_at: c.created_at,
    metadata: { system: {}, custom: {} },
  };
}

export function auditJson(a: Audit): Record<string, unknown> {
  return {
    id: a.id,
    ticket_id: a.ticket_id,
    created_at: a.created_at,
    author_id: a.author_id,
    metadata: { system: {}, custom: {} },
    via: { channel: a.via_channel, source: { from: {}, to: {}, rel: null } },
    events: a.events.map((e) =>
      e.type === 'Comment' && e.comment
        ? { ...commentJson(e.comment), id: e.id, type: 'Comment' }
        : { id: e.id, type: e.type, field_name: e.field_name, value: e.value, ...(e.type === 'Change' ? { previous_value: e.previous_value } : {}) },
    ),
  };
}

export function organizationJson(o: Organization, base: string): Record<string, unknown> {
  return {
    url: `${base}/api/v2/organizations/${o.id}.json`,
    id: o.id,
    name: o.name,
    shared_tickets: false,
    shared_comments: false,
    external_id: o.external_id,
    created_at: o.created_at,
    updated_at: o.updated_at,
    domain_names: [],
    details: null,
    notes: null,
    group_id: null,
    tags: [],
    organization_fields: {},
  };
}

export function userJson(u: User, base: string): Record<string, unknown> {
  return {
    id: u.id,
    url: `${base}/api/v2/users/${u.id}.json`,
    name: u.name,
    email: u.email,
    created_at: u.created_at,
    updated_at: u.updated_at,
    time_zone: 'Etc/UTC',
    iana_time_zone: 'Etc/UTC',
    phone: u.phone ?? null,
    shared_phone_number: null,
    photo: null,
    locale_id: 1,
    locale: 'en-US',
    organization_id: u.organization_id,
    role: u.role,
    verified: true,
    external_id: u.external_id,
    tags: [],
    alias: null,
    active: true,
    shared: false,
    shared_agent: false,
    last_login_at: null,
    two_factor_auth_enabled: null,
    signature: null,
    details: null,
    notes: null,
    role_type: null,
    custom_role_id: null,
    moderator: u.role !== 'end-user',
    ticket_restriction: u.role === 'end-user' ? 'requested' : null,
    only_private_comments: false,
    restricted_agent: false,
    suspended: false,
    user_fields: {},
  };
}

/** Zendesk's error bodies. */
export const errors = {
  unauthenticated: { error: "Couldn't authenticate you" },
  notFound: { error: 'RecordNotFound', description: 'Not found' },
  invalidEndpoint: { error: 'InvalidEndpoint', description: 'Not found' },
};

export function sendError(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  return reply.code(status).header('content-type', 'application/json; charset=utf-8').send(body);
}

export type Query = Record<string, string | string[] | undefined>;

export function q1(query: Query, key: string): string | undefined {
  const v = query[key];
  return Array.isArray(v) ? v[v.length - 1] : v;
}

/** Rebuilds the request URL with some query parameters replaced (or removed with null). */
export function withParams(req: FastifyRequest, changes: Record<string, string | number | null>): string {
  const url = new URL(req.url, baseUrl(req));
  for (const [k, v] of Object.entries(changes)) {
    if (v === null) url.searchParams.delete(k);
    else url.searchParams.set(k, String(v));
  }
  // Zendesk's next_page links name the .json resource.
  if (url.pathname.startsWith('/api/v2/') && !url.pathname.endsWith('.json')) url.pathname += '.json';
  return url.toString().replace(/%5B/g, '[').replace(/%5D/g, ']');
}

export class PaginationError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super('pagination');
  }
}

export interface SortSpec<T> {
  /** Sort keys the endpoint accepts, mapped to the value to sort by. */
  keys: Record<string, (item: T) => string | number>;
  defaultKey: string;
  defaultDesc: boolean;
  id: (item: T) => number;
}

function cursorEncode(v: unknown): string {
  return Buffer.from(JSON.stringify(v)).toString('base64url');
}

function cursorDecode(s: string): [string | number, number] {
  try {
    const v: unknown = JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
    if (Array.isArray(v) && v.length === 2 && (typeof v[0] === 'string' || typeof v[0] === 'number') && typeof v[1] === 'number') {
      return [v[0], v[1]];
    }
  } catch {
    // fall through to the error below
  }
  throw new PaginationError(400, { error: 'InvalidPaginationParameter', description: 'cursor is invalid' });
}

/**
 * Answers a list endpoint with whichever pagination the client asked for: cursor
 * pagination when any `page[...]` parameter is present, offset pagination otherwise.
 */
export function paginate<T>(
  req: FastifyRequest,
  items: T[],
  sort: SortSpec<T>,
  key: string,
  toJson: (item: T) => unknown,
): Record<string, unknown> {
  const query = req.query as Query;
  let sortKey = sort.defaultKey;
  let desc = sort.defaultDesc;
  const sortParam = q1(query, 'sort');
  const sortBy = q1(query, 'sort_by');
  if (sortParam) {
    desc = sortParam.startsWith('-');
    sortKey = sortParam.replace(/^-/, '');
  } else if (sortBy) {
    sortKey = sortBy;
  }
  const order = q1(query, 'sort_order');
  if (order === 'desc') desc = true;
  else if (order === 'asc') desc = false;
  const getter = sort.keys[sortKey];
  if (!getter) {
    throw new PaginationError(400, { error: 'InvalidParameter', description: `sort is invalid: ${sortKey}` });
  }
  const cmp = (a: T, b: T): number => {
    const va = getter(a);
    const vb = getter(b);
    const c = va < vb ? -1 : va > vb ? 1 : sort.id(a) - sort.id(b);
    return desc ? -c : c;
  };
  const sorted = [...items].sort(cmp);
  const position = (item: T): [string | number, number] => [getter(item), sort.id(item)];
  const cmpPos = (item: T, pos: [string | number, number]): number => {
    const va = getter(item);
    const c = va < pos[0] ? -1 : va > pos[0] ? 1 : sort.id(item) - pos[1];
    return desc ? -c : c;
  };

  const size = q1(query, 'page[size]');
  const after = q1(query, 'page[after]');
  const before = q1(query, 'page[before]');
  if (size !== undefined || after !== undefined || before !== undefined) {
    const n = size === undefined ? 100 : Number(size);
    if (!Number.isInteger(n) || n < 1) {
      throw new PaginationError(400, { error: 'InvalidPaginationParameter', description: 'page[size] must be a positive integer' });
    }
    if (n > 100) throw new PaginationError(400, { error: 'InvalidPaginationParameter', description: 'page[size] is limited to 100' });
    let page: T[];
    let hasMore: boolean;
    if (before !== undefined) {
      const pos = cursorDecode(before);
      const earlier = sorted.filter((i) => cmpPos(i, pos) < 0);
      page = earlier.slice(Math.max(0, earlier.length - n));
      hasMore = earlier.length > n;
    } else {
      const rest = after !== undefined ? sorted.filter((i) => cmpPos(i, cursorDecode(after)) > 0) : sorted;
      page = rest.slice(0, n);
      hasMore = rest.length > n;
    }
    const first = page[0];
    const last = page[page.length - 1];
    const afterCursor = last ? cursorEncode(position(last)) : null;
    const beforeCursor = first ? cursorEncode(position(first)) : null;
    return {
      [key]: page.map(toJson),
      meta: { has_more: hasMore, after_cursor: afterCursor, before_cursor: beforeCursor },
      links: {
        prev: beforeCursor ? withParams(req, { 'page[before]': beforeCursor, 'page[after]': null, 'page[size]': n }) : null,
        next: afterCursor ? withParams(req, { 'page[after]': afterCursor, 'page[before]': null, 'page[size]': n }) : null,
      },
    };
  }

  const perPageRaw = Number(q1(query, 'per_page') ?? 100);
  const perPage = Number.isInteger(perPageRaw) && perPageRaw > 0 ? Math.min(perPageRaw, 100) : 100;
  const pageRaw = Number(q1(query, 'page') ?? 1);
  const pageNo = Number.isInteger(pageRaw) && pageRaw > 0 ? pageRaw : 1;
  const start = (pageNo - 1) * perPage;
  const page = sorted.slice(start, start + perPage);
  return {
    [key]: page.map(toJson),
    next_page: start + perPage < sorted.length ? withParams(req, { page: pageNo + 1, per_page: perPage }) : null,
    previous_page: pageNo > 1 ? withParams(req, { page: pageNo - 1, per_page: perPage }) : null,
    count: sorted.length,
  };
}

export const ticketSort: SortSpec<Ticket> = {
  keys: {
    id: (t) => t.id,
    created_at: (t) => t.created_at,
    updated_at: (t) => t.updatedMs,
    status: (t) => t.status,
    priority: (t) => t.priority ?? '',
  },
  defaultKey: 'id',
  defaultDesc: false,
  id: (t) => t.id,
};

export function ticketLookup(store: ZendeskStore, raw: string): Ticket | undefined {
  return /^\d+$/.test(raw) ? store.tickets.get(Number(raw)) : undefined;
}
