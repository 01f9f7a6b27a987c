/**
 * Webhooks: the registry behind /api/v2/webhooks and the outgoing deliveries.
 *
 * Deliveries follow Zendesk's documented behaviour: a POST with the
 * x-zendesk-webhook-* headers, signed as base64(HMAC-SHA256(secret, timestamp + body)),
 * sent asynchronously and in order per webhook, retried on 409, 429/503, other
 * 5xx, network errors and timeouts. Deliveries are outgoing calls, so they never
 * appear in the sandbox's API stats.
 */
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import type { Comment, Organization, OrganizationChange, Ticket, TicketChange, ZendeskStore } from './store.js';
import { zdTime } from './store.js';

export type WebhookAuth =
  | { type: 'basic_auth'; data: { username: string; password: string }; add_position: 'header' }
  | { type: 'bearer_token'; data: { token: string }; add_position: 'header' }
  | { type: 'api_key'; data: { name: string; value: string }; add_position: 'header' };

export interface Webhook {
  id: string;
  name: string;
  description: string | null;
  status: 'active' | 'inactive';
  endpoint: string;
  http_method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  request_format: 'json' | 'xml' | 'form_encoded';
  subscriptions: string[];
  authentication: WebhookAuth | null;
  custom_headers: Record<string, string>;
  secret: string;
  created_at: string;
  created_by: string;
  updated_at: string;
  updated_by: string;
}

/** The ticket event types the sandbox emits; Zendesk has more, none of them needed here. */
export const TICKET_EVENT_TYPES = [
  'zen:event-type:ticket.created',
  'zen:event-type:ticket.status_changed',
  'zen:event-type:ticket.priority_changed',
  'zen:event-type:ticket.comment_added',
  'zen:event-type:ticket.agent_assignment_changed',
  'zen:event-type:ticket.subject_changed',
  'zen:event-type:ticket.tags_changed',
  'zen:event-type:ticket.custom_field_changed',
  'zen:event-type:ticket.external_id_changed',
  'zen:event-type:ticket.requester_changed',
  'zen:event-type:ticket.organization_changed',
] as const;
/** The organization event types the sandbox emits (Zendesk also has custom_field_changed, tags_changed, deleted). */
export const ORGANIZATION_EVENT_TYPES = ['zen:event-type:organization.created', 'zen:event-type:organization.external_id_changed', 'zen:event-type:organization.name_changed'] as const;
export const CONDITIONAL = 'conditional_ticket_events';

/** A validation failure in the Webhooks API's own error shape. */
export class WebhookInvalid extends Error {
  constructor(
    readonly code: string,
    readonly detail: string,
    readonly pointer: string,
  ) {
    super(detail);
  }
  body(): unknown {
    return { errors: [{ code: this.code, title: 'Invalid attribute', detail: this.detail, source: { pointer: this.pointer } }] };
  }
}

export interface DeliveryRecord {
  webhookId: string;
  invocationId: string;
  eventType: string;
  at: string;
  attempts: number;
  /** Last HTTP status, or null after a network error or timeout. */
  status: number | null;
  outcome: 'pending' | 'delivered' | 'failed';
}

export interface WebhookOptions {
  accountId: number;
  /** Delay before retry n (1-based) in ms; Zendesk backs off, tests shorten it. */
  retryDelayMs: (attempt: number) => number;
  /** Retries after the first attempt. */
  maxRetries: number;
  /** Per-attempt timeout; Zendesk documents 12 s. */
  timeoutMs: number;
}

const DELIVERY_LOG_LIMIT = 2000;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Zendesk webhook ids are 26-character ULIDs; the timestamp prefix keeps them sortable. */
function ulid(): string {
  const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  let t = Date.now();
  let time = '';
  for (let i = 0; i < 10; i++) {
    time = alphabet[t % 32] + time;
    t = Math.floor(t / 32);
  }
  const rand = randomBytes(16);
  let tail = '';
  for (let i = 0; i < 16; i++) tail += alphabet[(rand[i] ?? 0) % 32];
  return time + tail;
}

export function newSecret(): string {
  return randomBytes(32).toString('base64');
}

/** Zendesk's documented signature: base64(HMAC-SHA256(secret, timestamp + body)). */
export function sign(secret: string, timestamp: string, body: string): string {
  return createHmac('sha256', secret).update(timestamp + body).digest('base64');
}

function str(v: unknown, field: string, required: boolean): string | undefined {
  if (v === undefined || v === null) {
    if (required) throw new WebhookInvalid('MissingAttribute', `${field} is required`, `/webhook/${field}`);
    return undefined;
  }
  if (typeof v !== 'string' || (required && v.trim() === '')) throw new WebhookInvalid('InvalidValue', `${field} is invalid`, `/webhook/${field}`);
  return v;
}

function oneOf<T extends string>(v: string | undefined, field: string, values: readonly T[]): T | undefined {
  if (v === undefined) return undefined;
  if (!values.includes(v as T)) throw new WebhookInvalid('InvalidValue', `${field} must be one of ${values.join(', ')}`, `/webhook/${field}`);
  return v as T;
}

function parseAuth(raw: unknown): WebhookAuth | null {
  if (raw === undefined || raw === null) return null;
  const a = raw as Record<string, unknown>;
  const data = (a.data ?? {}) as Record<string, unknown>;
  const s = (v: unknown, f: string): string => {
    if (typeof v !== 'string' || !v) throw new WebhookInvalid('InvalidValue', `authentication.data.${f} is required`, `/webhook/authentication/data/${f}`);
    return v;
  };
  switch (a.type) {
    case 'basic_auth':
      return { type: 'basic_auth', data: { username: s(data.username, 'username'), password: s(data.password, 'password') }, add_position: 'header' };
    case 'bearer_token':
      return { type: 'bearer_token', data: { token: s(data.token, 'token') }, add_position: 'header' };
    case 'api_key':
      return { type: 'api_key', data: { name: s(data.name, 'name'), value: s(data.value, 'value') }, add_position: 'header' };
    default:
      throw new WebhookInvalid('InvalidValue', 'authentication.type must be one of basic_auth, bearer_token, api_key', '/webhook/authentication/type');
  }
}

function parseSubscriptions(raw: unknown): string[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw) || !raw.every((s) => typeof s === 'string')) {
    throw new WebhookInvalid('InvalidValue', 'subscriptions must be an array of event types', '/webhook/subscriptions');
  }
  const subs = raw as string[];
  if (subs.includes(CONDITIONAL) && subs.length > 1) {
    throw new WebhookInvalid('InvalidValue', `${CONDITIONAL} cannot be combined with other subscriptions`, '/webhook/subscriptions');
  }
  for (const s of subs) {
    if (s !== CONDITIONAL && !s.startsWith('zen:event-type:')) {
      throw new WebhookInvalid('InvalidValue', `unknown subscription ${s}`, '/webhook/subscriptions');
    }
  }
  return [...subs];
}

/** Ticket event `detail`, as Zendesk sends it: ids as strings, enum values upper-cased. */
function eventDetail(t: Ticket, actorId: number): Record<string, unknown> {
  return {
    actor_id: String(actorId),
    assignee_id: t.assignee_id === null ? null : String(t.assignee_id),
    brand_id: null,
    created_at: t.created_at,
    custom_status: null,
    description: t.description,
    external_id: t.external_id === null ? null : String(t.external_id),
    form_id: null,
    group_id: null,
    id: String(t.id),
    is_public: true,
    organization_id: t.organization_id === null ? null : String(t.organization_id),
    priority: t.priority === null ? null : t.priority.toUpperCase(),
    requester_id: String(t.requester_id),
    status: t.status.toUpperCase(),
    subject: t.subject,
    submitter_id: String(t.submitter_id),
    tags: [...t.tags],
    type: t.type === null ? null : t.type.toUpperCase(),
    updated_at: t.updated_at,
    via: { channel: t.via_channel },
  };
}

function commentEvent(c: Comment, store: ZendeskStore): Record<string, unknown> {
  const author = store.users.get(c.author_id);
  return {
    comment: {
      id: String(c.id),
      body: c.body,
      is_public: c.public,
      author: { id: String(c.author_id), is_staff: author ? author.role !== 'end-user' : false, name: author?.name ?? '' },
    },
  };
}

/** The ticket events one change produces, in the order Zendesk lists them for an update. */
export function ticketEvents(change: TicketChange, store: ZendeskStore): { type: string; event: Record<string, unknown> }[] {
  const { ticket: t, previous: p } = change;
  if (!p) {
    const out: { type: string; event: Record<string, unknown> }[] = [{ type: 'zen:event-type:ticket.created', event: {} }];
    return out;
  }
  const out: { type: string; event: Record<string, unknown> }[] = [];
  const diff = (type: string, cur: unknown, prev: unknown, map: (v: unknown) => unknown = (v) => v): void => {
    if (JSON.stringify(cur) !== JSON.stringify(prev)) out.push({ type: `zen:event-type:ticket.${type}`, event: { current: map(cur), previous: map(prev) } });
  };
  const upper = (v: unknown): unknown => (typeof v === 'string' ? v.toUpperCase() : v);
  const idStr = (v: unknown): unknown => (v === null || v === undefined ? null : String(v));
  if (change.comment) out.push({ type: 'zen:event-type:ticket.comment_added', event: commentEvent(change.comment, store) });
  diff('status_changed', t.status, p.status, upper);
  diff('priority_changed', t.priority, p.priority, upper);
  diff('agent_assignment_changed', t.assignee_id, p.assignee_id, idStr);
  diff('subject_changed', t.subject, p.subject);
  diff('external_id_changed', t.external_id, p.external_id);
  diff('requester_changed', t.requester_id, p.requester_id, idStr);
  diff('organization_changed', t.organization_id, p.organization_id, idStr);
  if (JSON.stringify(t.tags) !== JSON.stringify(p.tags)) {
    out.push({
      type: 'zen:event-type:ticket.tags_changed',
      event: { tags_added: t.tags.filter((x) => !p.tags.includes(x)), tags_removed: p.tags.filter((x) => !t.tags.includes(x)) },
    });
  }
  for (const f of t.custom_fields) {
    const before = p.custom_fields.find((x) => x.id === f.id)?.value ?? null;
    if (JSON.stringify(before) !== JSON.stringify(f.value)) {
      out.push({ type: 'zen:event-type:ticket.custom_field_changed', event: { current: f.value, previous: before, custom_field: { id: String(f.id) } } });
    }
  }
  return out;
}

/** Organization event `detail`, as Zendesk sends it: the organization with its ids as strings. */
function organizationDetail(o: Organization): Record<string, unknown> {
  return {
    created_at: o.created_at,
    external_id: o.external_id,
    group_id: null,
    id: String(o.id),
    name: o.name,
    shared_comments: false,
    shared_tickets: false,
    updated_at: o.updated_at,
  };
}

/** The organization events one change produces: created (with an empty event), or one per changed attribute. */
export function organizationEvents(change: OrganizationChange): { type: string; event: Record<string, unknown> }[] {
  const { organization: o, previous: p } = change;
  if (!p) return [{ type: 'zen:event-type:organization.created', event: {} }];
  const out: { type: string; event: Record<string, unknown> }[] = [];
  if (o.external_id !== p.external_id) out.push({ type: 'zen:event-type:organization.external_id_changed', event: { current: o.external_id, previous: p.external_id } });
  if (o.name !== p.name) out.push({ type: 'zen:event-type:organization.name_changed', event: { current: o.name, previous: p.name } });
  return out;
}

interface Job {
  eventType: string;
  body: string;
}

export class WebhookHub {
  readonly hooks = new Map<string, Webhook>();
  private queues = new Map<string, Promise<void>>();
  private log: DeliveryRecord[] = [];
  private inFlight = new Set<Promise<void>>();
  private closed = false;

  constructor(
    private readonly store: ZendeskStore,
    private readonly opts: WebhookOptions,
  ) {
    store.onTicketChange((c) => this.onTicketChange(c));
    store.onOrganizationChange((c) => this.onOrganizationChange(c));
  }

  create(raw: unknown, actorId: number): Webhook {
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new WebhookInvalid('MissingAttribute', 'webhook is required', '/webhook');
    const w = raw as Record<string, unknown>;
    const endpoint = str(w.endpoint, 'endpoint', true) ?? '';
    try {
      const u = new URL(endpoint);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('scheme');
    } catch {
      throw new WebhookInvalid('InvalidValue', 'endpoint must be an http(s) URL', '/webhook/endpoint');
    }
    const now = zdTime(Date.now());
    const secretIn = (w.signing_secret as Record<string, unknown> | undefined)?.secret;
    const hook: Webhook = {
      id: ulid(),
      name: str(w.name, 'name', true) ?? '',
      description: str(w.description, 'description', false) ?? null,
      status: oneOf(str(w.status, 'status', true), 'status', ['active', 'inactive'] as const) ?? 'active',
      endpoint,
      http_method: oneOf(str(w.http_method, 'http_method', true), 'http_method', ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const) ?? 'POST',
      request_format: oneOf(str(w.request_format, 'request_format', true), 'request_format', ['json', 'xml', 'form_encoded'] as const) ?? 'json',
      subscriptions: parseSubscriptions(w.subscriptions),
      authentication: parseAuth(w.authentication),
      custom_headers: parseHeaders(w.custom_headers),
      secret: typeof secretIn === 'string' && secretIn ? secretIn : newSecret(),
      created_at: now,
      created_by: String(actorId),
      updated_at: now,
      updated_by: String(actorId),
    };
    const eventSubs = hook.subscriptions.filter((s) => s !== CONDITIONAL);
    if (eventSubs.length > 0 && (hook.http_method !== 'POST' || hook.request_format !== 'json')) {
      throw new WebhookInvalid('InvalidValue', 'webhooks subscribed to events must use http_method POST and request_format json', '/webhook/http_method');
    }
    this.hooks.set(hook.id, hook);
    return hook;
  }

  /** PUT replaces the webhook's attributes, PATCH merges them. */
  update(id: string, raw: unknown, actorId: number, merge: boolean): Webhook | null {
    const hook = this.hooks.get(id);
    if (!hook) return null;
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new WebhookInvalid('MissingAttribute', 'webhook is required', '/webhook');
    const current = this.json(hook) as Record<string, unknown>;
    const incoming = raw as Record<string, unknown>;
    const base: Record<string, unknown> = merge ? { ...current, authentication: hook.authentication } : {};
    const next = this.create({ ...base, ...incoming, signing_secret: { secret: hook.secret } }, actorId);
    this.hooks.delete(next.id);
    Object.assign(hook, { ...next, id: hook.id, created_at: hook.created_at, created_by: hook.created_by, updated_at: zdTime(Date.now()) });
    return hook;
  }

  delete(id: string): boolean {
    return this.hooks.delete(id);
  }

  resetSecret(id: string): Webhook | null {
    const hook = this.hooks.get(id);
    if (!hook) return null;
    hook.secret = newSecret();
    return hook;
  }

  /** The webhook as the API shows it: credentials other than the basic-auth username are never returned. */
  json(h: Webhook): Record<string, unknown> {
    let authentication: unknown;
    if (h.authentication) {
      authentication =
        h.authentication.type === 'basic_auth'
          ? { type: 'basic_auth', data: { username: h.authentication.data.username }, add_position: 'header' }
          : { type: h.authentication.type, add_position: 'header' };
    }
    return {
      id: h.id,
      name: h.name,
      description: h.description,
      status: h.status,
      endpoint: h.endpoint,
      http_method: h.http_method,
      request_format: h.request_format,
      subscriptions: [...h.subscriptions],
      ...(authentication ? { authentication } : {}),
      ...(Object.keys(h.custom_headers).length ? { custom_headers: { ...h.custom_headers } } : {}),
      created_at: h.created_at,
      created_by: h.created_by,
      updated_at: h.updated_at,
      updated_by: h.updated_by,
    };
  }

  deliveries(): DeliveryRecord[] {
    return this.log.map((d) => ({ ...d }));
  }

  private onTicketChange(change: TicketChange): void {
    if (this.closed) return;
    const events = ticketEvents(change, this.store);
    const sequenceId = randomUUID();
    for (const hook of this.hooks.values()) {
      if (hook.status !== 'active') continue;
      if (hook.subscriptions.includes(CONDITIONAL)) {
        // Trigger-style webhooks carry whatever body the trigger defines; the
        // sandbox behaves as if one trigger fired on every ticket change with a JSON body.
        const body = JSON.stringify({
          ticket: { id: change.ticket.id, status: change.ticket.status, updated_at: change.ticket.updated_at, requester_id: change.ticket.requester_id, organization_id: change.ticket.organization_id },
          event: change.kind === 'created' ? 'ticket.created' : 'ticket.updated',
        });
        this.enqueue(hook, { eventType: CONDITIONAL, body });
        continue;
      }
      events.forEach((e, i) => {
        if (!hook.subscriptions.includes(e.type)) return;
        const body = JSON.stringify({
          account_id: this.opts.accountId,
          detail: eventDetail(change.ticket, change.actorId),
          event: { ...e.event, meta: { sequence: { id: sequenceId, position: i + 1, total: events.length } } },
          id: randomUUID(),
          subject: `zen:ticket:${change.ticket.id}`,
          time: zdTime(Date.now()),
          type: e.type,
          zendesk_event_version: '2022-11-06',
        });
        this.enqueue(hook, { eventType: e.type, body });
      });
    }
  }

  private onOrganizationChange(change: OrganizationChange): void {
    if (this.closed) return;
    const events = organizationEvents(change);
    for (const hook of this.hooks.values()) {
      // Trigger (conditional) webhooks fire on tickets only.
      if (hook.status !== 'active' || hook.subscriptions.includes(CONDITIONAL)) continue;
      for (const e of events) {
        if (!hook.subscriptions.includes(e.type)) continue;
        const body = JSON.stringify({
          type: e.type,
          account_id: this.opts.accountId,
          subject: `zen:organization:${change.organization.id}`,
          id: randomUUID(),
          time: zdTime(Date.now()),
          zendesk_event_version: '2022-06-20',
          detail: organizationDetail(change.organization),
          event: e.event,
        });
        this.enqueue(hook, { eventType: e.type, body });
      }
    }
  }

  private enqueue(hook: Webhook, job: Job): void {
    const record: DeliveryRecord = {
      webhookId: hook.id,
      invocationId: String(Date.now()) + String(Math.floor(Math.random() * 1e6)).padStart(6, '0'),
      eventType: job.eventType,
      at: new Date().toISOString(),
      attempts: 0,
      status: null,
      outcome: 'pending',
    };
    this.log.push(record);
    if (this.log.length > DELIVERY_LOG_LIMIT) this.log = this.log.slice(-DELIVERY_LOG_LIMIT / 2);
    const prev = this.queues.get(hook.id) ?? Promise.resolve();
    const next = prev.then(() => this.deliver(hook, job, record));
    this.queues.set(hook.id, next);
    this.inFlight.add(next);
    void next.finally(() => {
      this.inFlight.delete(next);
      if (this.queues.get(hook.id) === next) this.queues.delete(hook.id);
    });
  }

  private async deliver(hook: Webhook, job: Job, record: DeliveryRecord): Promise<void> {
    for (let attempt = 0; attempt <= this.opts.maxRetries; attempt++) {
      if (this.closed) {
        record.outcome = 'failed';
        return;
      }
      record.attempts = attempt + 1;
      // The signature is recomputed per attempt: the timestamp header is part of it.
      const timestamp = zdTime(Date.now());
      const body = hook.http_method === 'GET' || hook.http_method === 'DELETE' ? '' : job.body;
      const headers: Record<string, string> = {
        'content-type': 'application/json; charset=utf-8',
        'user-agent': 'Zendesk Webhook',
        'x-zendesk-account-id': String(this.opts.accountId),
        'x-zendesk-webhook-id': hook.id,
        'x-zendesk-webhook-invocation-id': record.invocationId,
        'x-zendesk-webhook-signature-timestamp': timestamp,
        'x-zendesk-webhook-signature': sign(hook.secret, timestamp, body),
        ...hook.custom_headers,
      };
      const auth = hook.authentication;
      if (auth?.type === 'basic_auth') headers.authorization = `Basic ${Buffer.from(`${auth.data.username}:${auth.data.password}`).toString('base64')}`;
      else if (auth?.type === 'bearer_token') headers.authorization = `Bearer ${auth.data.token}`;
      else if (auth?.type === 'api_key') headers[auth.data.name.toLowerCase()] = auth.data.value;
      let retryAfterMs: number | null = null;
      try {
        const res = await fetch(hook.endpoint, {
          method: hook.http_method,
          headers,
          body: body === '' ? undefined : body,
          signal: AbortSignal.timeout(this.opts.timeoutMs),
        });
        await res.arrayBuffer().catch(() => undefined);
        record.status = res.status;
        if (res.status < 300) {
          record.outcome = 'delivered';
          return;
        }
        const retryable = res.status === 409 || res.status === 429 || res.status >= 500;
        if (!retryable) break;
        const ra = Number(res.headers.get('retry-after'));
        if ((res.status === 429 || res.status === 503) && Number.isFinite(ra) && ra > 0) {
          // Zendesk honours Retry-After only below a minute; longer waits give up.
          if (ra >= 60) break;
          retryAfterMs = ra * 1000;
        }
      } catch {
        record.status = null;
      }
      if (attempt < this.opts.maxRetries) await sleep(retryAfterMs ?? this.opts.retryDelayMs(attempt + 1));
    }
    record.outcome = 'failed';
  }

  /** Resolves once every queued delivery has finished (tests and shutdown). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  close(): void {
    this.closed = true;
  }
}

function parseHeaders(raw: unknown): Record<string, string> {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new WebhookInvalid('InvalidValue', 'custom_headers must be an object', '/webhook/custom_headers');
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
    if (typeof v !== 'string') throw new WebhookInvalid('InvalidValue', `custom_headers.${k} must be a string`, '/webhook/custom_headers');
    out[k.toLowerCase()] = v;
  }
  return out;
}
