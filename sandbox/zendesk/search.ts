/**
 * The subset of Zendesk's search query language that a connector uses, evaluated
 * over the in-memory store. Anything the parser does not recognise is matched as
 * plain text, as Zendesk does, so no query string can make the server fail.
 *
 * Semantics implemented (see README.md):
 * - `key:value` terms on different properties are ANDed; repeated `key:value`
 *   terms on the same property are ORed (`status:open status:pending`).
 * - comparisons (`<`, `>`, `<=`, `>=`) and negations (`-key:value`, `-word`) are always ANDed.
 * - a bare word matches records having a word that starts with it; a quoted
 *   phrase matches that sequence of words.
 */
import type { Organization, Ticket, User, ZendeskStore } from './store.js';
import { PRIORITIES, STATUSES } from './store.js';

type Op = ':' | '<' | '>' | '<=' | '>=';

export type Term =
  | { kind: 'text'; words: string[]; phrase: boolean; negate: boolean }
  | { kind: 'prop'; key: string; op: Op; value: string; negate: boolean };

export interface ParsedQuery {
  terms: Term[];
  types: Set<string>;
  orderBy: string | null;
  sort: 'asc' | 'desc' | null;
}

const TICKET_KEYS = new Set([
  'status', 'priority', 'ticket_type', 'organization', 'requester', 'assignee', 'submitter', 'tags', 'tag',
  'created', 'updated', 'external_id', 'subject', 'description', 'fieldvalue', 'id',
]);
const USER_KEYS = new Set(['name', 'email', 'phone', 'organization', 'role', 'external_id', 'created', 'updated']);
const ORG_KEYS = new Set(['name', 'external_id', 'created', 'updated']);

/** Lowercased words of a text, split on anything that is not a letter or digit. */
export function words(text: string): string[] {
  return text.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);
}

function tokenize(query: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < query.length) {
    while (i < query.length && /\s/.test(query[i] ?? '')) i++;
    if (i >= query.length) break;
    let tok = '';
    while (i < query.length && !/\s/.test(query[i] ?? '')) {
      if (query[i] === '"') {
        const end = query.indexOf('"', i + 1);
        const stop = end === -1 ? query.length : end + 1;
        tok += query.slice(i, stop);
        i = stop;
      } else {
        tok += query[i];
        i++;
      }
    }
    out.push(tok);
  }
  return out;
}

const unquote = (s: string): { text: string; quoted: boolean } => {
  const m = /^"([^"]*)"?$/.exec(s);
  return m ? { text: m[1] ?? '', quoted: true } : { text: s, quoted: false };
};

export function parseQuery(query: string): ParsedQuery {
  const parsed: ParsedQuery = { terms: [], types: new Set(), orderBy: null, sort: null };
  for (const raw of tokenize(query)) {
    let tok = raw;
    let negate = false;
    if (tok.startsWith('-') && tok.length > 1) {
      negate = true;
      tok = tok.slice(1);
    }
    const m = /^([A-Za-z_][A-Za-z0-9_]*)(<=|>=|:|<|>)(.*)$/s.exec(tok);
    const key = m?.[1]?.toLowerCase();
    if (m && key) {
      const op = m[2] as Op;
      const value = unquote(m[3] ?? '').text;
      const known = key === 'type' || key === 'order_by' || key === 'sort' || TICKET_KEYS.has(key) || USER_KEYS.has(key) ||
        ORG_KEYS.has(key) || /^custom_field_\d+$/.test(key);
      if (known && value !== '') {
        if (key === 'type' && op === ':' && !negate) parsed.types.add(value.toLowerCase());
        else if (key === 'order_by' && op === ':') parsed.orderBy = value.toLowerCase();
        else if (key === 'sort' && op === ':') parsed.sort = value.toLowerCase() === 'desc' ? 'desc' : 'asc';
        else parsed.terms.push({ kind: 'prop', key: key === 'tag' ? 'tags' : key, op, value, negate });
        continue;
      }
    }
    const { text, quoted } = unquote(tok);
    const w = words(text.replace(/\*$/, ''));
    if (w.length > 0) parsed.terms.push({ kind: 'text', words: w, phrase: quoted, negate });
  }
  return parsed;
}

/** True when `needle` words occur in `hay` words: each as a word prefix, or in sequence for a phrase. */
function textMatch(hay: string[], needle: string[], phrase: boolean): boolean {
  if (!phrase) return needle.every((n) => hay.some((h) => h.startsWith(n)));
  for (let i = 0; i + needle.length <= hay.length; i++) {
    let ok = true;
    for (let j = 0; j < needle.length; j++) {
      const h = hay[i + j] ?? '';
      const n = needle[j] ?? '';
      if (j === needle.length - 1 ? !h.startsWith(n) : h !== n) {
        ok = false;
        break;
      }
    }
    if (ok) return true;
  }
  return false;
}

function compare(a: number, op: Op, b: number): boolean {
  switch (op) {
    case ':':
      return a === b;
    case '<':
      return a < b;
    case '>':
      return a > b;
    case '<=':
      return a <= b;
    case '>=':
      return a >= b;
  }
}

const RELATIVE = /^(\d+)(minute|minutes|hour|hours|day|days|week|weeks|month|months|year|years)$/;
const UNIT_MS: Record<string, number> = { minute: 60e3, hour: 3600e3, day: 86400e3, week: 7 * 86400e3, month: 30 * 86400e3, year: 365 * 86400e3 };

/** A date term as [start, end) in ms, or null when the value is not a date Zendesk understands. */
function dateRange(value: string, now: number): [number, number] | null {
  const rel = RELATIVE.exec(value.toLowerCase());
  if (rel) {
    const unit = (rel[2] ?? '').replace(/s$/, '');
    const t = now - Number(rel[1]) * (UNIT_MS[unit] ?? 0);
    return [t, t + 1];
  }
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const start = Date.parse(`${value}T00:00:00Z`);
    return Number.isNaN(start) ? null : [start, start + 86400e3];
  }
  if (/^\d{4}-\d{2}-\d{2}T/.test(value)) {
    const t = Date.parse(value);
    return Number.isNaN(t) ? null : [t, t + 1000];
  }
  return null;
}

function dateMatch(iso: string, op: Op, value: string, now: number): boolean {
  const range = dateRange(value, now);
  if (!range) return false;
  const t = Date.parse(iso);
  switch (op) {
    case ':':
      return t >= range[0] && t < range[1];
    case '<':
      return t < range[0];
    case '<=':
      return t < range[1];
    case '>':
      return t > range[0];
    case '>=':
      return t >= range[0];
  }
}

function rankMatch(values: readonly string[], actual: string | null, op: Op, value: string): boolean {
  const v = value.toLowerCase() === 'on-hold' ? 'hold' : value.toLowerCase();
  if (v === 'none') return op === ':' && actual === null;
  const want = values.indexOf(v);
  if (want < 0 || actual === null) return false;
  return compare(values.indexOf(actual), op, want);
}

export class SearchIndex {
  /** `lagMs`: how far the index trails the store; a ticket changed since is left out, not yet indexed. */
  constructor(
    private readonly store: ZendeskStore,
    private readonly lagMs: () => number = () => 0,
  ) {}

  private userMatch(userId: number | null, value: string): boolean {
    const v = value.toLowerCase();
    if (v === 'none') return userId === null;
    if (userId === null) return false;
    if (/^\d+$/.test(v)) return userId === Number(v);
    if (v === 'me') return userId === this.store.agent.id;
    const u = this.store.users.get(userId);
    if (!u) return false;
    if (v.includes('@')) return u.email.toLowerCase() === v;
    return textMatch(words(u.name), words(v), true);
  }

  private orgMatch(orgId: number | null, value: string): boolean {
    const v = value.toLowerCase();
    if (v === 'none') return orgId === null;
    if (orgId === null) return false;
    if (/^\d+$/.test(v) && orgId === Number(v)) return true;
    const o = this.store.organizations.get(orgId);
    return !!o && textMatch(words(o.name), words(v), true);
  }

  private ticketProp(t: Ticket, term: Extract<Term, { kind: 'prop' }>, now: number): boolean {
    const v = term.value;
    const lower = v.toLowerCase();
    const cf = /^custom_field_(\d+)$/.exec(term.key);
    if (cf) {
      const f = t.custom_fields.find((x) => x.id === Number(cf[1]));
      const actual = f?.value;
      if (lower === 'none') return actual === null || actual === undefined || actual === '';
      if (actual === null || actual === undefined) return false;
      const values = Array.isArray(actual) ? actual : [String(actual)];
      return values.some((x) => x.toLowerCase() === lower);
    }
    switch (term.key) {
      case 'status':
        return rankMatch(STATUSES, t.status, term.op, v);
      case 'priority':
        return rankMatch(PRIORITIES, t.priority, term.op, v);
      case 'ticket_type':
        return lower === 'none' ? t.type === null : t.type === lower;
      case 'organization':
        return this.orgMatch(t.organization_id, v);
      case 'requester':
        return this.userMatch(t.requester_id, v);
      case 'assignee':
        return this.userMatch(t.assignee_id, v);
      case 'submitter':
        return this.userMatch(t.submitter_id, v);
      case 'tags':
        return lower === 'none' ? t.tags.length === 0 : t.tags.includes(lower);
      case 'created':
        return dateMatch(t.created_at, term.op, v, now);
      case 'updated':
        return dateMatch(t.updated_at, term.op, v, now);
      case 'external_id':
        return lower === 'none' ? t.external_id === null : (t.external_id ?? '').toLowerCase() === lower;
      case 'subject':
        return textMatch(words(t.subject ?? ''), words(v), true);
      case 'description':
        return textMatch(words(t.description), words(v), true);
      case 'fieldvalue':
        return t.custom_fields.some((f) => f.value !== null && (Array.isArray(f.value) ? f.value : [String(f.value)]).some((x) => x.toLowerCase() === lower));
      case 'id':
        return /^\d+$/.test(v) && compare(t.id, term.op, Number(v));
      default:
        return false;
    }
  }

  private ticketText(t: Ticket): string[] {
    const parts = [t.subject ?? '', t.description, t.external_id ?? '', ...t.tags, ...this.store.commentsOf(t.id).map((c) => c.body)];
    return words(parts.join(' '));
  }

  private userProp(u: User, term: Extract<Term, { kind: 'prop' }>, now: number): boolean {
    const lower = term.value.toLowerCase();
    switch (term.key) {
      case 'name':
        return textMatch(words(u.name), words(lower), true);
      case 'email':
        return u.email.toLowerCase() === lower;
      case 'phone': {
        // Digits only; a leading * matches the number however it is written (a suffix of its digits).
        const want = /^(\*?)(\d+)$/.exec(term.value);
        const have = (u.phone ?? '').replace(/\D/g, '');
        if (!want || !have) return false;
        return want[1] ? have.endsWith(want[2] ?? '') : have === want[2];
      }
      case 'organization':
        return this.orgMatch(u.organization_id, term.value);
      case 'role':
        return u.role === lower;
      case 'external_id':
        return (u.external_id ?? '').toLowerCase() === lower;
      case 'created':
        return dateMatch(u.created_at, term.op, term.value, now);
      case 'updated':
        return dateMatch(u.updated_at, term.op, term.value, now);
      default:
        return false;
    }
  }

  private orgProp(o: Organization, term: Extract<Term, { kind: 'prop' }>, now: number): boolean {
    const lower = term.value.toLowerCase();
    switch (term.key) {
      case 'name':
        return textMatch(words(o.name), words(lower), true);
      case 'external_id':
        return (o.external_id ?? '').toLowerCase() === lower;
      case 'created':
        return dateMatch(o.created_at, term.op, term.value, now);
      case 'updated':
        return dateMatch(o.updated_at, term.op, term.value, now);
      default:
        return false;
    }
  }

  /**
   * Evaluates the terms against one record: same-property equality terms form an
   * OR group, every group and every other term must hold.
   */
  private matches(
    terms: Term[],
    keys: Set<string>,
    prop: (t: Extract<Term, { kind: 'prop' }>) => boolean,
    text: () => string[],
    id: number,
  ): boolean {
    let hay: string[] | null = null;
    const groups = new Map<string, boolean>();
    for (const term of terms) {
      if (term.kind === 'text') {
        hay ??= text();
        const ok = (term.words.length === 1 && /^\d+$/.test(term.words[0] ?? '') && Number(term.words[0]) === id) || textMatch(hay, term.words, term.phrase);
        if (ok === term.negate) return false;
        continue;
      }
      const applies = keys.has(term.key) || (keys === TICKET_KEYS && term.key.startsWith('custom_field_'));
      if (!applies) {
        // A property this record type does not have: nothing of this type matches it.
        if (!term.negate) return false;
        continue;
      }
      const ok = prop(term);
      if (term.negate || term.op !== ':') {
        if (ok === term.negate) return false;
      } else {
        groups.set(term.key, (groups.get(term.key) ?? false) || ok);
      }
    }
    for (const ok of groups.values()) if (!ok) return false;
    return true;
  }

  search(query: string): { type: 'ticket' | 'user' | 'organization'; item: Ticket | User | Organization; created: string; updated: string }[] {
    const parsed = parseQuery(query);
    const now = Date.now();
    const want = (t: string): boolean => parsed.types.size === 0 || parsed.types.has(t);
    const out: { type: 'ticket' | 'user' | 'organization'; item: Ticket | User | Organization; created: string; updated: string }[] = [];
    if (want('ticket')) {
      const lag = this.lagMs();
      for (const t of this.store.tickets.values()) {
        if (lag > 0 && Date.parse(t.updated_at) > now - lag) continue;
        if (this.matches(parsed.terms, TICKET_KEYS, (term) => this.ticketProp(t, term, now), () => this.ticketText(t), t.id)) {
          out.push({ type: 'ticket', item: t, created: t.created_at, updated: t.updated_at });
        }
      }
    }
    if (want('user')) {
      for (const u of this.store.users.values()) {
        const text = (): string[] => words(`${u.name} ${u.email} ${u.external_id ?? ''}`);
        if (this.matches(parsed.terms, USER_KEYS, (term) => this.userProp(u, term, now), text, u.id)) {
          out.push({ type: 'user', item: u, created: u.created_at, updated: u.updated_at });
        }
      }
    }
    if (want('organization')) {
      for (const o of this.store.organizations.values()) {
        const text = (): string[] => words(`${o.name} ${o.external_id ?? ''}`);
        if (this.matches(parsed.terms, ORG_KEYS, (term) => this.orgProp(o, term, now), text, o.id)) {
          out.push({ type: 'organization', item: o, created: o.created_at, updated: o.updated_at });
        }
      }
    }
    return out;
  }
}
