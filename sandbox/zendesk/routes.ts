/**
 * The Support API v2 routes the sandbox serves. Route templates are written
 * without the `.json` suffix; index.ts strips the suffix before routing, so both
 * spellings reach the same template and count as one in the stats.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Comment, Organization, OrganizationInput, Ticket, User, ZendeskStore, TicketInput } from './store.js';
import { RecordInvalid } from './store.js';
import { SearchIndex, parseQuery } from './search.js';
import type { Webhook, WebhookHub } from './webhooks.js';
import { WebhookInvalid } from './webhooks.js';
import {
  PaginationError,
  auditJson,
  baseUrl,
  commentJson,
  errors,
  organizationJson,
  paginate,
  q1,
  sendError,
  ticketJson,
  ticketLookup,
  ticketSort,
  userJson,
  type Query,
  type SortSpec,
} from './wire.js';

export interface RouteContext {
  store: ZendeskStore;
  hub: WebhookHub;
  idempotencyTtlMs: number;
  incremental: { exclusionSeconds: number; limiter: () => number | null };
  /** How far search trails the store (the `searchLagMs` fault). @default 0 */
  searchLagMs?: () => number;
}

interface IdempotencyEntry {
  fingerprint: string;
  at: number;
  status: number;
  payload: string;
  location: string | undefined;
}

/** JSON with sorted keys, so that two equal bodies compare equal whatever their key order. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

function recordInvalid(reply: FastifyReply, e: RecordInvalid): FastifyReply {
  return sendError(reply, 422, { error: 'RecordInvalid', description: 'Record validation errors', details: e.details });
}

function idList(raw: string | undefined): string[] {
  return (raw ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}

const TOO_MANY_IDS = { error: 'InvalidValue', description: 'Too many ids: at most 100 may be given' };
const SEARCH_LIMIT = 1000;

function bodyOf(req: FastifyRequest, key: string): Record<string, unknown> {
  const b = req.body as Record<string, unknown> | null | undefined;
  const inner = b && typeof b === 'object' ? b[key] : undefined;
  return inner && typeof inner === 'object' && !Array.isArray(inner) ? (inner as Record<string, unknown>) : {};
}

export function registerRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const { store, hub } = ctx;
  const search = new SearchIndex(store, ctx.searchLagMs);
  const idempotency = new Map<string, IdempotencyEntry>();

  const handlePagination = (reply: FastifyReply, fn: () => unknown): unknown => {
    try {
      return fn();
    } catch (e) {
      if (e instanceof PaginationError) return sendError(reply, e.status, e.body);
      throw e;
    }
  };

  // ------------------------------------------------------------------ tickets
  app.post('/api/v2/tickets', async (req, reply) => {
    const key = req.headers['idempotency-key'];
    const idemKey = typeof key === 'string' && key.length > 0 ? key : null;
    const fingerprint = canonical(req.body ?? null);
    if (idemKey) {
      const now = Date.now();
      for (const [k, e] of idempotency) if (now - e.at > ctx.idempotencyTtlMs) idempotency.delete(k);
      const hit = idempotency.get(idemKey);
      if (hit) {
        if (hit.fingerprint !== fingerprint) {
          return sendError(reply, 400, {
            error: 'IdempotentRequestError',
            description: 'Request parameters do not match the original request made with this idempotency key',
          });
        }
        if (hit.location) reply.header('location', hit.location);
        return reply
          .code(hit.status)
          .header('x-idempotency-lookup', 'hit')
          .header('content-type', 'application/json; charset=utf-8')
          .send(hit.payload);
      }
    }
    // No await between the lookup above and the store below: concurrent requests
    // with one key are serialised by the event loop, so only one of them creates.
    let created;
    try {
      created = store.createTicket(bodyOf(req, 'ticket') as TicketInput, store.agent.id, 'api');
    } catch (e) {
      if (e instanceof RecordInvalid) return recordInvalid(reply, e);
      throw e;
    }
    const base = baseUrl(req);
    const location = `${base}/api/v2/tickets/${created.ticket.id}.json`;
    const payload = JSON.stringify({ ticket: ticketJson(created.ticket, base), audit: auditJson(created.audit) });
    if (idemKey) {
      idempotency.set(idemKey, { fingerprint, at: Date.now(), status: 201, payload, location });
      reply.header('x-idempotency-lookup', 'miss');
    }
    return reply.code(201).header('location', location).header('content-type', 'application/json; charset=utf-8').send(payload);
  });

  app.get('/api/v2/tickets/show_many', async (req, reply) => {
    const ids = idList(q1(req.query as Query, 'ids'));
    if (ids.length > 100) return sendError(reply, 400, TOO_MANY_IDS);
    const base = baseUrl(req);
    const tickets = ids.map((i) => ticketLookup(store, i)).filter((t): t is Ticket => !!t);
    return { tickets: tickets.map((t) => ticketJson(t, base)), next_page: null, previous_page: null, count: tickets.length };
  });

  app.get('/api/v2/tickets/:ticket_id', async (req, reply) => {
    const t = ticketLookup(store, (req.params as { ticket_id: string }).ticket_id);
    if (!t) return sendError(reply, 404, errors.notFound);
    return { ticket: ticketJson(t, baseUrl(req)) };
  });

  app.put('/api/v2/tickets/:ticket_id', async (req, reply) => {
    const t = ticketLookup(store, (req.params as { ticket_id: string }).ticket_id);
    if (!t) return sendError(reply, 404, errors.notFound);
    const input = bodyOf(req, 'ticket');
    const safe = input.safe_update === true || input.safe_update === 'true';
    if (safe && input.updated_stamp != null) {
      const stamp = Date.parse(String(input.updated_stamp));
      if (Number.isNaN(stamp) || Math.floor(stamp / 1000) !== Math.floor(t.updatedMs / 1000)) {
        return sendError(reply, 409, {
          error: 'UpdateConflict',
          description: 'Safe Update prevented the update due to outdated ticket data. Please fetch the latest ticket data and try again.',
        });
      }
    }
    try {
      const r = store.updateTicket(t.id, input as TicketInput, store.agent.id, 'api');
      if (!r) return sendError(reply, 404, errors.notFound);
      return { ticket: ticketJson(r.ticket, baseUrl(req)), audit: auditJson(r.audit) };
    } catch (e) {
      if (e instanceof RecordInvalid) return recordInvalid(reply, e);
      throw e;
    }
  });

  app.get('/api/v2/tickets/:ticket_id/comments', async (req, reply) => {
    const t = ticketLookup(store, (req.params as { ticket_id: string }).ticket_id);
    if (!t) return sendError(reply, 404, errors.notFound);
    const sort: SortSpec<Comment> = {
      keys: { created_at: (c) => c.created_at, id: (c) => c.id },
      defaultKey: 'created_at',
      defaultDesc: false,
      id: (c) => c.id,
    };
    return handlePagination(reply, () => paginate(req, store.commentsOf(t.id), sort, 'comments', commentJson));
  });

  app.get('/api/v2/organizations/:organization_id/tickets', async (req, reply) => {
    const raw = (req.params as { organization_id: string }).organization_id;
    const org = /^\d+$/.test(raw) ? store.organizations.get(Number(raw)) : undefined;
    if (!org) return sendError(reply, 404, errors.notFound);
    const base = baseUrl(req);
    const list = [...store.tickets.values()].filter((t) => t.organization_id === org.id);
    return handlePagination(reply, () => paginate(req, list, ticketSort, 'tickets', (t) => ticketJson(t, base)));
  });

  app.get('/api/v2/users/:user_id/tickets/requested', async (req, reply) => {
    const raw = (req.params as { user_id: string }).user_id;
    const user = /^\d+$/.test(raw) ? store.users.get(Number(raw)) : undefined;
    if (!user) return sendError(reply, 404, errors.notFound);
    const base = baseUrl(req);
    const list = [...store.tickets.values()].filter((t) => t.requester_id === user.id);
    return handlePagination(reply, () => paginate(req, list, ticketSort, 'tickets', (t) => ticketJson(t, base)));
  });

  // ------------------------------------------------------------------ search
  const runSearch = (req: FastifyRequest): ReturnType<SearchIndex['search']> => search.search(q1(req.query as Query, 'query') ?? '');

  app.get('/api/v2/search', async (req, reply) => {
    const query = req.query as Query;
    const text = q1(query, 'query') ?? '';
    const perRaw = Number(q1(query, 'per_page') ?? 100);
    const perPage = Number.isInteger(perRaw) && perRaw > 0 ? Math.min(perRaw, 100) : 100;
    const pageRaw = Number(q1(query, 'page') ?? 1);
    const page = Number.isInteger(pageRaw) && pageRaw > 0 ? pageRaw : 1;
    if (page * perPage > SEARCH_LIMIT) {
      return sendError(reply, 422, {
        error: 'invalid',
        description: 'Invalid search: Requested response size was greater than Search Response Limits',
      });
    }
    const hits = runSearch(req);
    const parsed = parseQuery(text);
    const orderBy = (q1(query, 'sort_by') ?? parsed.orderBy ?? 'created_at').replace(/^created$/, 'created_at').replace(/^updated$/, 'updated_at');
    const desc = (q1(query, 'sort_order') ?? parsed.sort ?? 'desc') === 'desc';
    const keyOf = (h: (typeof hits)[number]): string | number => {
      const t = h.type === 'ticket' ? (h.item as Ticket) : null;
      switch (orderBy) {
        case 'updated_at':
          return h.updated;
        case 'priority':
          return t ? ['low', 'normal', 'high', 'urgent'].indexOf(t.priority ?? '') : -1;
        case 'status':
          return t ? ['new', 'open', 'pending', 'hold', 'solved', 'closed'].indexOf(t.status) : -1;
        case 'ticket_type':
          return t?.type ?? '';
        default:
          return h.created;
      }
    };
    hits.sort((a, b) => {
      const ka = keyOf(a);
      const kb = keyOf(b);
      const c = ka < kb ? -1 : ka > kb ? 1 : a.item.id - b.item.id;
      return desc ? -c : c;
    });
    const base = baseUrl(req);
    const start = (page - 1) * perPage;
    const visible = Math.min(hits.length, SEARCH_LIMIT);
    const results = hits.slice(start, Math.min(start + perPage, visible)).map((h) => {
      if (h.type === 'ticket') return { ...ticketJson(h.item as Ticket, base), result_type: 'ticket' };
      if (h.type === 'user') return { ...userJson(h.item as User, base), result_type: 'user' };
      return { ...organizationJson(h.item as Organization, base), result_type: 'organization' };
    });
    const link = (p: number): string => {
      const u = new URL(`${base}/api/v2/search.json`);
      u.searchParams.set('page', String(p));
      u.searchParams.set('per_page', String(perPage));
      u.searchParams.set('query', text);
      for (const k of ['sort_by', 'sort_order']) {
        const v = q1(query, k);
        if (v) u.searchParams.set(k, v);
      }
      return u.toString();
    };
    return {
      results,
      facets: null,
      next_page: start + perPage < visible ? link(page + 1) : null,
      previous_page: page > 1 ? link(page - 1) : null,
      count: hits.length,
    };
  });

  app.get('/api/v2/search/count', async (req) => ({ count: runSearch(req).length }));

  // ------------------------------------------------------------------ organizations and users
  const byExternalIds = <T extends { external_id: string | null }>(all: Iterable<T>, raw: string | undefined): T[] => {
    const wanted = idList(raw).map((s) => s.toLowerCase());
    const out: T[] = [];
    const list = [...all];
    for (const w of wanted) {
      for (const item of list) if ((item.external_id ?? '').toLowerCase() === w && !out.includes(item)) out.push(item);
    }
    return out;
  };
  const byIds = <T>(map: Map<number, T>, raw: string | undefined): T[] =>
    idList(raw)
      .filter((s) => /^\d+$/.test(s))
      .map((s) => map.get(Number(s)))
      .filter((x): x is T => x !== undefined);

  // Every organization, by id ascending: offset or cursor pagination, as Zendesk's List Organizations.
  app.get('/api/v2/organizations', async (req, reply) => {
    const base = baseUrl(req);
    const sort: SortSpec<Organization> = { keys: { id: (o) => o.id }, defaultKey: 'id', defaultDesc: false, id: (o) => o.id };
    return handlePagination(reply, () => paginate(req, [...store.organizations.values()], sort, 'organizations', (o) => organizationJson(o, base)));
  });

  app.get('/api/v2/organizations/show_many', async (req, reply) => {
    const query = req.query as Query;
    const ext = q1(query, 'external_ids');
    const ids = q1(query, 'ids');
    if (idList(ext).length > 100 || idList(ids).length > 100) return sendError(reply, 400, TOO_MANY_IDS);
    const base = baseUrl(req);
    const orgs = ext !== undefined ? byExternalIds(store.organizations.values(), ext) : byIds(store.organizations, ids);
    return { organizations: orgs.map((o) => organizationJson(o, base)), next_page: null, previous_page: null, count: orgs.length };
  });

  app.get('/api/v2/organizations/search', async (req, reply) => {
    const query = req.query as Query;
    const ext = q1(query, 'external_id');
    const name = q1(query, 'name');
    if (ext === undefined && name === undefined) {
      return sendError(reply, 400, { error: 'InvalidValue', description: 'external_id or name is required' });
    }
    const base = baseUrl(req);
    const all = [...store.organizations.values()];
    const orgs =
      ext !== undefined
        ? all.filter((o) => (o.external_id ?? '').toLowerCase() === ext.toLowerCase())
        : all.filter((o) => o.name.toLowerCase() === (name ?? '').toLowerCase());
    return { organizations: orgs.map((o) => organizationJson(o, base)), next_page: null, previous_page: null, count: orgs.length };
  });

  app.get('/api/v2/organizations/:organization_id', async (req, reply) => {
    const raw = (req.params as { organization_id: string }).organization_id;
    const org = /^\d+$/.test(raw) ? store.organizations.get(Number(raw)) : undefined;
    if (!org) return sendError(reply, 404, errors.notFound);
    return { organization: organizationJson(org, baseUrl(req)) };
  });

  // As an admin creates one: `{organization: {name, external_id}}` → 201 with the organization.
  app.post('/api/v2/organizations', async (req, reply) => {
    let org: Organization;
    try {
      org = store.createOrganization(bodyOf(req, 'organization') as OrganizationInput);
    } catch (e) {
      if (e instanceof RecordInvalid) return recordInvalid(reply, e);
      throw e;
    }
    const base = baseUrl(req);
    return reply.code(201).header('location', `${base}/api/v2/organizations/${org.id}.json`).send({ organization: organizationJson(org, base) });
  });

  app.put('/api/v2/organizations/:organization_id', async (req, reply) => {
    const raw = (req.params as { organization_id: string }).organization_id;
    let org: Organization | null = null;
    try {
      if (/^\d+$/.test(raw)) org = store.updateOrganization(Number(raw), bodyOf(req, 'organization') as OrganizationInput);
    } catch (e) {
      if (e instanceof RecordInvalid) return recordInvalid(reply, e);
      throw e;
    }
    if (!org) return sendError(reply, 404, errors.notFound);
    return { organization: organizationJson(org, baseUrl(req)) };
  });

  app.get('/api/v2/users/show_many', async (req, reply) => {
    const query = req.query as Query;
    const ext = q1(query, 'external_ids');
    const ids = q1(query, 'ids');
    if (idList(ext).length > 100 || idList(ids).length > 100) return sendError(reply, 400, TOO_MANY_IDS);
    const base = baseUrl(req);
    const users = ext !== undefined ? byExternalIds(store.users.values(), ext) : byIds(store.users, ids);
    return { users: users.map((u) => userJson(u, base)), next_page: null, previous_page: null, count: users.length };
  });

  app.get('/api/v2/users/search', async (req, reply) => {
    const query = req.query as Query;
    const ext = q1(query, 'external_id');
    const text = q1(query, 'query');
    const base = baseUrl(req);
    let users: User[];
    if (ext !== undefined) {
      users = [...store.users.values()].filter((u) => (u.external_id ?? '').toLowerCase() === ext.toLowerCase());
    } else if (text !== undefined) {
      users = search.search(`type:user ${text}`).map((h) => h.item as User);
    } else {
      return sendError(reply, 400, { error: 'InvalidValue', description: 'query or external_id is required' });
    }
    const sort: SortSpec<User> = { keys: { id: (u) => u.id }, defaultKey: 'id', defaultDesc: false, id: (u) => u.id };
    return handlePagination(reply, () => paginate(req, users, sort, 'users', (u) => userJson(u, base)));
  });

  app.get('/api/v2/users/:user_id', async (req, reply) => {
    const raw = (req.params as { user_id: string }).user_id;
    // `me` is the authenticated user: always the API agent here.
    const user = raw === 'me' ? store.agent : /^\d+$/.test(raw) ? store.users.get(Number(raw)) : undefined;
    if (!user) return sendError(reply, 404, errors.notFound);
    return { user: userJson(user, baseUrl(req)) };
  });

  // ------------------------------------------------------------------ incremental export
  app.get('/api/v2/incremental/tickets/cursor', async (req, reply) => {
    const retryAfter = ctx.incremental.limiter();
    if (retryAfter !== null) {
      return reply
        .code(429)
        .header('retry-after', String(retryAfter))
        .header('content-type', 'application/json; charset=utf-8')
        .send({ error: 'APIRateLimitExceeded', description: 'Number of allowed incremental export API requests per minute exceeded' });
    }
    const query = req.query as Query;
    const cursor = q1(query, 'cursor');
    const startRaw = q1(query, 'start_time');
    const perRaw = Number(q1(query, 'per_page') ?? 1000);
    const perPage = Number.isInteger(perRaw) && perRaw > 0 ? Math.min(perRaw, 1000) : 1000;
    const now = Date.now();
    const cutoff = now - ctx.incremental.exclusionSeconds * 1000;
    let pos: [number, number];
    if (cursor !== undefined) {
      try {
        const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
        if (!Array.isArray(v) || typeof v[0] !== 'number' || typeof v[1] !== 'number') throw new Error('shape');
        pos = [v[0], v[1]];
      } catch {
        return sendError(reply, 400, { error: 'InvalidValue', description: 'cursor is invalid' });
      }
    } else if (startRaw !== undefined && /^\d+$/.test(startRaw)) {
      const startMs = Number(startRaw) * 1000;
      if (startMs > cutoff) {
        return sendError(reply, 400, {
          error: 'InvalidValue',
          description: `Too recent start_time. Use a start_time older than ${ctx.incremental.exclusionSeconds} seconds`,
        });
      }
      pos = [startMs, -1];
    } else {
      return sendError(reply, 400, { error: 'InvalidValue', description: 'start_time or cursor is required' });
    }
    const after = (t: Ticket): boolean => t.updatedMs > pos[0] || (t.updatedMs === pos[0] && t.id > pos[1]);
    const rest = [...store.tickets.values()]
      .filter((t) => t.updatedMs <= cutoff && after(t))
      .sort((a, b) => a.updatedMs - b.updatedMs || a.id - b.id);
    const page = rest.slice(0, perPage);
    const last = page[page.length - 1];
    const nextPos = last ? [last.updatedMs, last.id] : pos;
    const afterCursor = Buffer.from(JSON.stringify(nextPos)).toString('base64url');
    const base = baseUrl(req);
    const perParam = q1(query, 'per_page') !== undefined ? `&per_page=${perPage}` : '';
    return {
      tickets: page.map((t) => ticketJson(t, base)),
      after_url: `${base}/api/v2/incremental/tickets/cursor.json?cursor=${afterCursor}${perParam}`,
      after_cursor: afterCursor,
      before_url: null,
      before_cursor: null,
      end_of_stream: rest.length <= perPage,
    };
  });

  // ------------------------------------------------------------------ webhooks
  const webhookNotFound = (reply: FastifyReply, id: string): FastifyReply =>
    sendError(reply, 404, { errors: [{ code: 'WebhookNotFound', title: 'Webhook not found', detail: `Webhook ${id} could not be found` }] });
  const webhookInvalid = (reply: FastifyReply, e: WebhookInvalid): FastifyReply => sendError(reply, 400, e.body());
  const seq = new Map<string, number>();
  let nextSeq = 1;

  app.post('/api/v2/webhooks', async (req, reply) => {
    try {
      const hook = hub.create((req.body as Record<string, unknown> | null)?.webhook, store.agent.id);
      seq.set(hook.id, nextSeq++);
      return reply.code(201).header('location', `${baseUrl(req)}/api/v2/webhooks/${hook.id}`).send({ webhook: hub.json(hook) });
    } catch (e) {
      if (e instanceof WebhookInvalid) return webhookInvalid(reply, e);
      throw e;
    }
  });

  app.get('/api/v2/webhooks', async (req, reply) => {
    const query = req.query as Query;
    const contains = q1(query, 'filter[name_contains]')?.toLowerCase();
    const status = q1(query, 'filter[status]');
    const list = [...hub.hooks.values()].filter(
      (h) => (!contains || h.name.toLowerCase().includes(contains)) && (!status || h.status === status),
    );
    const sort: SortSpec<Webhook> = {
      keys: { name: (h) => h.name.toLowerCase(), status: (h) => h.status, created_at: (h) => h.created_at },
      defaultKey: 'created_at',
      defaultDesc: false,
      id: (h) => seq.get(h.id) ?? 0,
    };
    // The Webhooks API pages by cursor only; make sure paginate takes that branch.
    if (q1(query, 'page[size]') === undefined && q1(query, 'page[after]') === undefined && q1(query, 'page[before]') === undefined) {
      (req.query as Query)['page[size]'] = '100';
    }
    return handlePagination(reply, () => paginate(req, list, sort, 'webhooks', (h) => hub.json(h)));
  });

  app.get('/api/v2/webhooks/:webhook_id', async (req, reply) => {
    const id = (req.params as { webhook_id: string }).webhook_id;
    const hook = hub.hooks.get(id);
    if (!hook) return webhookNotFound(reply, id);
    return { webhook: hub.json(hook) };
  });

  const updateWebhook = (merge: boolean) => async (req: FastifyRequest, reply: FastifyReply) => {
    const id = (req.params as { webhook_id: string }).webhook_id;
    try {
      const hook = hub.update(id, (req.body as Record<string, unknown> | null)?.webhook, store.agent.id, merge);
      if (!hook) return webhookNotFound(reply, id);
      return reply.code(204).send();
    } catch (e) {
      if (e instanceof WebhookInvalid) return webhookInvalid(reply, e);
      throw e;
    }
  };
  app.put('/api/v2/webhooks/:webhook_id', updateWebhook(false));
  app.patch('/api/v2/webhooks/:webhook_id', updateWebhook(true));

  app.delete('/api/v2/webhooks/:webhook_id', async (req, reply) => {
    const id = (req.params as { webhook_id: string }).webhook_id;
    if (!hub.delete(id)) return webhookNotFound(reply, id);
    return reply.code(204).send();
  });

  app.get('/api/v2/webhooks/:webhook_id/signing_secret', async (req, reply) => {
    const id = (req.params as { webhook_id: string }).webhook_id;
    const hook = hub.hooks.get(id);
    if (!hook) return webhookNotFound(reply, id);
    return { signing_secret: { algorithm: 'SHA256', secret: hook.secret } };
  });

  app.post('/api/v2/webhooks/:webhook_id/signing_secret', async (req, reply) => {
    const id = (req.params as { webhook_id: string }).webhook_id;
    const hook = hub.resetSecret(id);
    if (!hook) return webhookNotFound(reply, id);
    return reply.code(201).send({ signing_secret: { algorithm: 'SHA256', secret: hook.secret } });
  });

  // Outgoing deliveries, for tests and operators; under /__sandbox so never counted as API calls.
  app.get('/__sandbox/webhook-deliveries', async () => ({ deliveries: hub.deliveries() }));
}
