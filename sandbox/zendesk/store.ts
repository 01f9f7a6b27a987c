/**
 * The Zendesk sandbox's mutable state: organizations, users, tickets, comments and
 * audits, cloned from the shared dataset, plus the ticket rules Zendesk enforces on
 * every write (whoever makes it: the API or an in-system action). Every committed
 * ticket and organization change is announced to listeners, which is how webhooks learn of it.
 */
import type { RetailDataset, ZdStatus, ZdPriority } from '../dataset/model.js';

export type TicketType = 'question' | 'incident' | 'problem' | 'task';
export type CustomFieldValue = string | number | boolean | string[] | null;

export interface Organization {
  id: number;
  external_id: string | null;
  name: string;
  created_at: string;
  updated_at: string;
}

export interface User {
  id: number;
  external_id: string | null;
  name: string;
  email: string;
  phone?: string | null;
  role: 'end-user' | 'agent' | 'admin';
  organization_id: number | null;
  created_at: string;
  updated_at: string;
}

export interface Ticket {
  id: number;
  external_id: string | null;
  subject: string | null;
  description: string;
  status: ZdStatus;
  priority: ZdPriority | null;
  type: TicketType | null;
  requester_id: number;
  submitter_id: number;
  assignee_id: number | null;
  organization_id: number | null;
  tags: string[];
  custom_fields: { id: number; value: CustomFieldValue }[];
  via_channel: string;
  created_at: string;
  updated_at: string;
  /** Milliseconds of updated_at, kept for ordering the incremental export. */
  updatedMs: number;
}

export interface Comment {
  id: number;
  ticket_id: number;
  author_id: number;
  body: string;
  public: boolean;
  audit_id: number;
  via_channel: string;
  created_at: string;
}

export interface AuditEvent {
  id: number;
  type: 'Create' | 'Change' | 'Comment';
  field_name?: string;
  value?: unknown;
  previous_value?: unknown;
  comment?: Comment;
}

export interface Audit {
  id: number;
  ticket_id: number;
  author_id: number;
  created_at: string;
  via_channel: string;
  events: AuditEvent[];
}

/** One committed ticket change, as listeners (webhooks) see it. */
export interface TicketChange {
  kind: 'created' | 'updated';
  ticket: Ticket;
  /** The ticket before the change; null on create. */
  previous: Ticket | null;
  comment: Comment | null;
  actorId: number;
  audit: Audit;
}

/** One committed organization change, as listeners (webhooks) see it. */
export interface OrganizationChange {
  kind: 'created' | 'updated';
  organization: Organization;
  /** The organization before the change; null on create. */
  previous: Organization | null;
}

export interface OrganizationInput {
  name?: unknown;
  external_id?: unknown;
}

/** A Zendesk validation failure: answered as 422 RecordInvalid with these details. */
export class RecordInvalid extends Error {
  constructor(
    readonly details: Record<string, { description: string; error: string }[]>,
  ) {
    super('Record validation errors');
  }
}

export const STATUSES: readonly ZdStatus[] = ['new', 'open', 'pending', 'hold', 'solved', 'closed'];
export const PRIORITIES: readonly ZdPriority[] = ['low', 'normal', 'high', 'urgent'];
export const TICKET_TYPES: readonly TicketType[] = ['question', 'incident', 'problem', 'task'];

/** Zendesk writes instants to the second, without milliseconds. */
export function zdTime(msOrIso: number | string): string {
  const d = typeof msOrIso === 'number' ? new Date(msOrIso) : new Date(msOrIso);
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function invalid(field: string, description: string, error = 'InvalidValue'): RecordInvalid {
  return new RecordInvalid({ [field]: [{ description, error }] });
}

export interface TicketInput {
  subject?: unknown;
  comment?: unknown;
  description?: unknown;
  status?: unknown;
  priority?: unknown;
  type?: unknown;
  requester_id?: unknown;
  requester?: unknown;
  submitter_id?: unknown;
  assignee_id?: unknown;
  organization_id?: unknown;
  external_id?: unknown;
  tags?: unknown;
  custom_fields?: unknown;
  fields?: unknown;
}

export interface CommentInput {
  body: string;
  public: boolean;
  authorId: number;
}

let lastProvisionedAt = 0;

/** To the second, and at least a second after the previous instance of this process (Zendesk times are whole seconds). */
function provisionedAt(now: number): number {
  const at = Math.max(Math.floor(now / 1000) * 1000, lastProvisionedAt + 1000);
  lastProvisionedAt = at;
  return at;
}

export class ZendeskStore {
  readonly organizations = new Map<number, Organization>();
  readonly users = new Map<number, User>();
  readonly tickets = new Map<number, Ticket>();
  /** Comments per ticket, oldest first. */
  readonly comments = new Map<number, Comment[]>();
  readonly agent: User;
  private nextTicketId: number;
  private nextCommentId: number;
  private nextAuditId = 1;
  private nextUserId: number;
  private listeners: ((c: TicketChange) => void)[] = [];
  private organizationListeners: ((c: OrganizationChange) => void)[] = [];
  private nextOrganizationId: number;

  constructor(dataset: RetailDataset, agentEmail: string) {
    // structuredClone: the generator's output is shared with the other sandboxes and must stay untouched.
    const zd = structuredClone(dataset.zendesk);
    for (const o of zd.organizations) {
      this.organizations.set(o.id, { ...o, created_at: zdTime(o.created_at), updated_at: zdTime(o.updated_at) });
    }
    for (const u of zd.users) {
      this.users.set(u.id, { ...u, created_at: zdTime(u.created_at), updated_at: zdTime(u.updated_at) });
    }
    for (const t of zd.tickets) {
      const updatedMs = Date.parse(t.updated_at);
      this.tickets.set(t.id, {
        ...t,
        custom_fields: t.custom_fields.map((f) => ({ id: f.id, value: f.value })),
        via_channel: 'web',
        created_at: zdTime(t.created_at),
        updated_at: zdTime(updatedMs),
        updatedMs: Math.floor(updatedMs / 1000) * 1000,
      });
    }
    let maxComment = 0;
    for (const c of zd.comments) {
      const list = this.comments.get(c.ticket_id) ?? [];
      list.push({ ...c, audit_id: 0, via_channel: 'web', created_at: zdTime(c.created_at) });
      this.comments.set(c.ticket_id, list);
      maxComment = Math.max(maxComment, c.id);
    }
    for (const list of this.comments.values()) list.sort((a, b) => a.created_at.localeCompare(b.created_at) || a.id - b.id);
    this.nextTicketId = Math.max(0, ...this.tickets.keys()) + 1;
    this.nextCommentId = maxComment + 1;
    this.nextUserId = Math.max(0, ...this.users.keys()) + 1;
    this.nextOrganizationId = Math.max(0, ...this.organizations.keys()) + 1;

    const existing = this.userByEmail(agentEmail);
    if (existing && existing.role !== 'end-user') {
      // Each instance is a freshly provisioned account, whose API user was created with it;
      // feeds read users/me as the account's identity, so a new instance must not look like the last.
      const provisioned = zdTime(provisionedAt(Date.now()));
      this.agent = { ...existing, created_at: provisioned, updated_at: provisioned };
      this.users.set(this.agent.id, this.agent);
    } else {
      const now = zdTime(provisionedAt(Date.now()));
      this.agent = {
        id: this.nextUserId++,
        external_id: null,
        name: 'Sandbox Agent',
        email: agentEmail,
        role: 'admin',
        organization_id: null,
        created_at: now,
        updated_at: now,
      };
      this.users.set(this.agent.id, this.agent);
    }
  }

  onTicketChange(listener: (c: TicketChange) => void): void {
    this.listeners.push(listener);
  }

  onOrganizationChange(listener: (c: OrganizationChange) => void): void {
    this.organizationListeners.push(listener);
  }

  /**
   * Zendesk's organization rules: a name is required and unique; an external id is
   * optional, unique and compared without case. `exceptId` is the organization being updated.
   */
  private checkOrganization(name: string, externalId: string | null, exceptId: number | null): void {
    if (name.trim() === '') throw invalid('name', 'Name: cannot be blank', 'BlankValue');
    for (const o of this.organizations.values()) {
      if (o.id === exceptId) continue;
      if (o.name.toLowerCase() === name.trim().toLowerCase()) throw invalid('name', `Name: ${name.trim()} has already been taken`, 'DuplicateValue');
      if (externalId !== null && (o.external_id ?? '').toLowerCase() === externalId.toLowerCase()) {
        throw invalid('external_id', `External ID: ${externalId} has already been taken`, 'DuplicateValue');
      }
    }
  }

  private static externalIdOf(raw: unknown): string | null {
    if (raw === null || raw === undefined || raw === '') return null;
    if (typeof raw === 'number' && Number.isFinite(raw)) return String(raw);
    if (typeof raw !== 'string') throw invalid('external_id', 'External ID: is invalid');
    return raw;
  }

  /** POST /api/v2/organizations, as an admin would. */
  createOrganization(input: OrganizationInput): Organization {
    if (typeof input.name !== 'string') throw invalid('name', 'Name: cannot be blank', 'BlankValue');
    const externalId = ZendeskStore.externalIdOf(input.external_id);
    this.checkOrganization(input.name, externalId, null);
    const now = zdTime(Date.now());
    const org: Organization = { id: this.nextOrganizationId++, external_id: externalId, name: input.name.trim(), created_at: now, updated_at: now };
    this.organizations.set(org.id, org);
    this.emitOrganization({ kind: 'created', organization: { ...org }, previous: null });
    return org;
  }

  /** PUT /api/v2/organizations/:id: the attributes given change, the rest stay. Null when there is no such organization. */
  updateOrganization(id: number, input: OrganizationInput): Organization | null {
    const org = this.organizations.get(id);
    if (!org) return null;
    const before = { ...org };
    const name = input.name === undefined ? org.name : input.name;
    if (typeof name !== 'string') throw invalid('name', 'Name: cannot be blank', 'BlankValue');
    const externalId = input.external_id === undefined ? org.external_id : ZendeskStore.externalIdOf(input.external_id);
    this.checkOrganization(name, externalId, id);
    if (name.trim() === org.name && externalId === org.external_id) return org;
    Object.assign(org, { name: name.trim(), external_id: externalId, updated_at: zdTime(Date.now()) });
    this.emitOrganization({ kind: 'updated', organization: { ...org }, previous: before });
    return org;
  }

  private emitOrganization(change: OrganizationChange): void {
    for (const l of this.organizationListeners) {
      try {
        l(change);
      } catch {
        // As for tickets: a listener's failure never undoes a committed write.
      }
    }
  }

  userByEmail(email: string): User | undefined {
    const e = email.toLowerCase();
    for (const u of this.users.values()) if (u.email.toLowerCase() === e) return u;
    return undefined;
  }

  commentsOf(ticketId: number): Comment[] {
    return this.comments.get(ticketId) ?? [];
  }

  /**
   * Every change moves updated_at to a later second than before, so that an
   * `updated_stamp` (second precision on the wire) names exactly one version of
   * the ticket and safe_update can never miss a change made in the same second.
   */
  private stamp(previousMs: number | null): number {
    const now = Math.floor(Date.now() / 1000) * 1000;
    return previousMs === null ? now : Math.max(now, previousMs + 1000);
  }

  private resolveUserId(field: string, raw: unknown): number {
    const id = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : raw;
    if (typeof id !== 'number' || !Number.isInteger(id) || !this.users.has(id)) {
      throw invalid(field, `${label(field)}: is invalid`);
    }
    return id;
  }

  private resolveRequester(input: TicketInput): number {
    if (input.requester_id !== undefined && input.requester_id !== null) {
      return this.resolveUserId('requester', input.requester_id);
    }
    if (input.requester !== undefined && input.requester !== null) {
      const r = input.requester as Record<string, unknown>;
      const email = typeof r.email === 'string' ? r.email.trim() : '';
      if (typeof r !== 'object' || !email || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
        throw invalid('requester', 'Requester: Email is invalid');
      }
      const found = this.userByEmail(email);
      if (found) return found.id;
      const now = zdTime(Date.now());
      const name = typeof r.name === 'string' && r.name.trim() ? r.name.trim() : email.split('@')[0] ?? email;
      const orgId = typeof input.organization_id === 'number' && this.organizations.has(input.organization_id) ? input.organization_id : null;
      const user: User = {
        id: this.nextUserId++,
        external_id: null,
        name,
        email,
        role: 'end-user',
        organization_id: orgId,
        created_at: now,
        updated_at: now,
      };
      this.users.set(user.id, user);
      return user.id;
    }
    // Zendesk: with no requester given, the agent making the request becomes the requester.
    return this.agent.id;
  }

  private parseCustomFields(raw: unknown): { id: number; value: CustomFieldValue }[] {
    if (!Array.isArray(raw)) throw invalid('custom_fields', 'Custom fields: is invalid');
    return raw.map((f) => {
      const o = f as Record<string, unknown> | null;
      const id = o && typeof o.id === 'string' && /^\d+$/.test(o.id) ? Number(o.id) : o?.id;
      if (typeof id !== 'number' || !Number.isInteger(id)) throw invalid('custom_fields', 'Custom fields: id is invalid');
      const v = o?.value;
      const ok =
        v === null || v === undefined || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ||
        (Array.isArray(v) && v.every((x) => typeof x === 'string'));
      if (!ok) throw invalid('custom_fields', 'Custom fields: value is invalid');
      return { id, value: (v ?? null) as CustomFieldValue };
    });
  }

  private parseComment(raw: unknown, defaultAuthor: number): CommentInput | null {
    if (raw === undefined || raw === null) return null;
    if (typeof raw !== 'object' || Array.isArray(raw)) throw invalid('comment', 'Comment: is invalid');
    const c = raw as Record<string, unknown>;
    const text = typeof c.body === 'string' ? c.body : typeof c.html_body === 'string' ? stripHtml(c.html_body) : '';
    if (!text.trim()) return null;
    const authorId = c.author_id !== undefined && c.author_id !== null ? this.resolveUserId('comment', c.author_id) : defaultAuthor;
    return { body: text, public: c.public === undefined ? true : c.public !== false && c.public !== 'false', authorId };
  }

  private validateEnum<T extends string>(field: string, raw: unknown, values: readonly T[]): T {
    if (typeof raw !== 'string' || !values.includes(raw.toLowerCase() as T)) {
      throw invalid(field, `${label(field)}: ${String(raw)} is not valid`);
    }
    return raw.toLowerCase() as T;
  }

  private addComment(ticket: Ticket, c: CommentInput, auditId: number, via: string, at: string): Comment {
    const comment: Comment = {
      id: this.nextCommentId++,
      ticket_id: ticket.id,
      author_id: c.authorId,
      body: c.body,
      public: c.public,
      audit_id: auditId,
      via_channel: via,
      created_at: at,
    };
    const list = this.comments.get(ticket.id) ?? [];
    list.push(comment);
    this.comments.set(ticket.id, list);
    return comment;
  }

  /** Creates a ticket the way POST /api/v2/tickets does; throws RecordInvalid on bad input. */
  createTicket(input: TicketInput, actorId: number, via = 'api'): { ticket: Ticket; audit: Audit } {
    const first = this.parseComment(input.comment ?? (typeof input.description === 'string' ? { body: input.description } : undefined), actorId);
    if (!first) throw invalid('description', 'Description: cannot be blank', 'BlankValue');
    const requesterId = this.resolveRequester(input);
    const submitterId = input.submitter_id != null ? this.resolveUserId('submitter', input.submitter_id) : actorId;
    const assigneeId = input.assignee_id != null ? this.resolveUserId('assignee', input.assignee_id) : null;
    let orgId: number | null = this.users.get(requesterId)?.organization_id ?? null;
    if (input.organization_id != null) {
      const o = typeof input.organization_id === 'string' && /^\d+$/.test(input.organization_id) ? Number(input.organization_id) : input.organization_id;
      if (typeof o !== 'number' || !this.organizations.has(o)) throw invalid('organization', 'Organization: is invalid');
      orgId = o;
    }
    let status: ZdStatus = input.status != null ? this.validateEnum('status', input.status, STATUSES) : assigneeId ? 'open' : 'new';
    if (status === 'closed') throw invalid('status', 'Status: closed is not valid for a new ticket');
    if (status === 'new' && assigneeId) status = 'open';
    const priority = input.priority != null ? this.validateEnum('priority', input.priority, PRIORITIES) : null;
    const type = input.type != null ? this.validateEnum('type', input.type, TICKET_TYPES) : null;
    const customFields = input.custom_fields != null ? this.parseCustomFields(input.custom_fields) : input.fields != null ? this.parseCustomFields(input.fields) : [];
    const tags = input.tags != null ? parseTags(input.tags) : [];
    if (input.subject != null && typeof input.subject !== 'string') throw invalid('subject', 'Subject: is invalid');
    if (input.external_id != null && typeof input.external_id !== 'string' && typeof input.external_id !== 'number') {
      throw invalid('external_id', 'External id: is invalid');
    }

    const ms = this.stamp(null);
    const at = zdTime(ms);
    const ticket: Ticket = {
      id: this.nextTicketId++,
      external_id: input.external_id != null ? String(input.external_id) : null,
      subject: typeof input.subject === 'string' ? input.subject : null,
      description: first.body,
      status,
      priority,
      type,
      requester_id: requesterId,
      submitter_id: submitterId,
      // Zendesk's "auto assign on solve": a ticket solved without an assignee is given to the solver.
      assignee_id: assigneeId ?? (status === 'solved' ? actorId : null),
      organization_id: orgId,
      tags,
      custom_fields: customFields,
      via_channel: via,
      created_at: at,
      updated_at: at,
      updatedMs: ms,
    };
    this.tickets.set(ticket.id, ticket);
    const audit: Audit = { id: this.nextAuditId++, ticket_id: ticket.id, author_id: actorId, created_at: at, via_channel: via, events: [] };
    const comment = this.addComment(ticket, first, audit.id, via, at);
    audit.events.push({ id: this.nextAuditId++, type: 'Comment', comment });
    for (const [field, value] of Object.entries({ status, priority, subject: ticket.subject, requester_id: requesterId })) {
      audit.events.push({ id: this.nextAuditId++, type: 'Create', field_name: field, value });
    }
    this.emit({ kind: 'created', ticket: { ...ticket }, previous: null, comment, actorId, audit });
    return { ticket, audit };
  }

  /**
   * Updates a ticket the way PUT /api/v2/tickets/{id} does, with Zendesk's
   * built-in rules: closed tickets refuse updates, nothing goes back to new, an
   * end-user comment reopens a pending, on-hold or solved ticket, and solving
   * without an assignee assigns the solver.
   */
  updateTicket(id: number, input: TicketInput, actorId: number, via = 'api'): { ticket: Ticket; audit: Audit } | null {
    const ticket = this.tickets.get(id);
    if (!ticket) return null;
    if (ticket.status === 'closed') throw invalid('status', 'Status: closed prevents ticket update');
    const before: Ticket = { ...ticket, tags: [...ticket.tags], custom_fields: ticket.custom_fields.map((f) => ({ ...f })) };
    const comment = this.parseComment(input.comment, actorId);

    const next: Partial<Ticket> = {};
    if (input.status != null) {
      const s = this.validateEnum('status', input.status, STATUSES);
      if (s === 'new' && ticket.status !== 'new') throw invalid('status', 'Status: new is not valid');
      next.status = s;
    }
    if (input.priority !== undefined) {
      if (input.priority === null) {
        if (ticket.priority !== null) throw invalid('priority', 'Priority: cannot be removed');
      } else next.priority = this.validateEnum('priority', input.priority, PRIORITIES);
    }
    if (input.type != null) next.type = this.validateEnum('type', input.type, TICKET_TYPES);
    if (input.subject !== undefined) {
      if (input.subject !== null && typeof input.subject !== 'string') throw invalid('subject', 'Subject: is invalid');
      next.subject = input.subject;
    }
    if (input.assignee_id !== undefined) next.assignee_id = input.assignee_id === null ? null : this.resolveUserId('assignee', input.assignee_id);
    if (input.requester_id != null || input.requester != null) next.requester_id = this.resolveRequester(input);
    if (input.organization_id !== undefined) {
      if (input.organization_id === null) next.organization_id = null;
      else {
        const o = Number(input.organization_id);
        if (!this.organizations.has(o)) throw invalid('organization', 'Organization: is invalid');
        next.organization_id = o;
      }
    }
    if (input.external_id !== undefined) next.external_id = input.external_id === null ? null : String(input.external_id);
    if (input.tags != null) next.tags = parseTags(input.tags);
    const cf = input.custom_fields ?? input.fields;
    if (cf != null) {
      const merged = ticket.custom_fields.map((f) => ({ ...f }));
      for (const f of this.parseCustomFields(cf)) {
        const at = merged.find((m) => m.id === f.id);
        if (at) at.value = f.value;
        else merged.push(f);
      }
      next.custom_fields = merged;
    }

    const author = comment ? this.users.get(comment.authorId) : undefined;
    if (comment && author?.role === 'end-user' && next.status === undefined && ['pending', 'hold', 'solved'].includes(ticket.status)) {
      next.status = 'open';
    }
    const finalAssignee = next.assignee_id !== undefined ? next.assignee_id : ticket.assignee_id;
    const finalStatus = next.status ?? ticket.status;
    if ((finalStatus === 'solved' || finalStatus === 'closed') && finalAssignee === null) next.assignee_id = actorId;
    if (finalStatus === 'new' && (next.assignee_id ?? null) !== null) next.status = 'open';

    const ms = this.stamp(ticket.updatedMs);
    const at = zdTime(ms);
    const audit: Audit = { id: this.nextAuditId++, ticket_id: id, author_id: actorId, created_at: at, via_channel: via, events: [] };
    let added: Comment | null = null;
    if (comment) {
      added = this.addComment(ticket, comment, audit.id, via, at);
      audit.events.push({ id: this.nextAuditId++, type: 'Comment', comment: added });
    }
    for (const [k, v] of Object.entries(next) as [keyof Ticket, unknown][]) {
      if (JSON.stringify(before[k]) === JSON.stringify(v)) continue;
      audit.events.push({ id: this.nextAuditId++, type: 'Change', field_name: k, value: v, previous_value: before[k] });
    }
    Object.assign(ticket, next, { updated_at: at, updatedMs: ms });
    this.emit({ kind: 'updated', ticket: { ...ticket }, previous: before, comment: added, actorId, audit });
    return { ticket, audit };
  }

  private emit(change: TicketChange): void {
    for (const l of this.listeners) {
      try {
        l(change);
      } catch {
        // A listener's failure must never undo or fail a committed write.
      }
    }
  }
}

function label(field: string): string {
  const s = field.replace(/_id$/, '').replace(/_/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function parseTags(raw: unknown): string[] {
  const list = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(/[\s,]+/) : null;
  if (!list || !list.every((t) => typeof t === 'string')) throw invalid('tags', 'Tags: is invalid');
  // Zendesk stores tags lowercased, with spaces turned into separate tags.
  return [...new Set((list as string[]).flatMap((t) => t.toLowerCase().split(/\s+/)).filter(Boolean))];
}

function stripHtml(html: string): string {
  return html.replace(/<[^>]*>/g, ' ').replace(/&nbsp;/g, ' ').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&').replace(/\s+/g, ' ').trim();
}
