/**
 * SOQL over the in-memory org: the subset the connectors and the documentation
 * examples need, answered as Salesforce answers it, and everything else refused
 * with Salesforce's error codes rather than answered wrongly.
 *
 * soql-parser-js does the tokenising. Three things it does not do are done here:
 * - string literals come back raw ('O\'Brien'); they are unescaped by SOQL's rules
 *   (WIRE.md 1.5), so an escaped quote stays inside the literal;
 * - WHERE comes back as a right-leaning list with parenthesis counts, not a tree;
 *   it is rebuilt here, refusing AND and OR mixed without parentheses as SOQL does;
 * - it accepts clauses the sandbox does not implement; those are refused.
 */
import soqlParser from 'soql-parser-js';
import { SfError, soqlError } from './errors.js';
import { canonicalId, sobjectByName, SOBJECTS, type FieldDef, type SObjectDef } from './schema.js';
import { fieldJson, recordJson, type Rec, type SalesforceStore, type Value } from './store.js';

const { parseQuery } = soqlParser;

export interface SoqlResult {
  totalSize: number;
  records: Record<string, unknown>[];
}

// The parser's output, described loosely: its published types are unions that do not
// narrow on a discriminant, and the code below checks every shape it relies on.
interface PField {
  type: string;
  field?: string;
  relationships?: string[];
  functionName?: string;
  parameters?: unknown[];
  subquery?: PQuery;
  alias?: string;
  rawValue?: string;
  objectPrefix?: string;
}
interface PCondition {
  field?: string;
  fn?: unknown;
  operator?: string;
  value?: string | string[];
  literalType?: string | string[];
  dateLiteralVariable?: number | number[];
  valueQuery?: PQuery;
  openParen?: number;
  closeParen?: number;
}
interface PWhere {
  left: PCondition | null;
  operator?: string;
  right?: PWhere;
}
interface POrder {
  field?: string;
  fn?: unknown;
  order?: string;
  nulls?: string;
}
interface PQuery {
  fields?: PField[];
  sObject?: string;
  relationshipName?: string;
  sObjectAlias?: string;
  where?: PWhere;
  limit?: number;
  offset?: number;
  orderBy?: POrder | POrder[];
  groupBy?: unknown;
  having?: unknown;
  usingScope?: string;
  withDataCategory?: unknown;
  withSecurityEnforced?: boolean;
  withAccessLevel?: unknown;
  for?: unknown;
  update?: unknown;
}

/** A field reached from the queried object: directly, or through one parent relationship. */
interface FieldPath {
  parent?: FieldDef; // the reference field, e.g. Contact.AccountId for Account.Name
  target: SObjectDef;
  field: FieldDef;
}

type Pred = (rec: Rec) => boolean;

interface Ctx {
  query: string;
  store: SalesforceStore;
  now: Date;
  version: string;
}

// ------------------------------------------------------------- helpers
function indexOfToken(query: string, token: string, from = 0): number {
  const i = query.toLowerCase().indexOf(token.toLowerCase(), from);
  return i >= 0 ? i : from;
}

function malformed(ctx: Ctx, token: string, text: string): SfError {
  return soqlError('MALFORMED_QUERY', ctx.query, indexOfToken(ctx.query, token), text);
}

function fromIndex(query: string): number {
  const m = /\bfrom\b/i.exec(query);
  return m ? m.index : 0;
}

/** The position of the main query's FROM, skipping FROMs inside parenthesised subqueries. */
function mainFromIndex(query: string): number {
  let depth = 0;
  const re = /[()]|\bfrom\b|'(?:[^'\\]|\\.)*'/gi;
  for (let m = re.exec(query); m; m = re.exec(query)) {
    if (m[0] === '(') depth++;
    else if (m[0] === ')') depth--;
    else if (depth === 0 && m[0].toLowerCase() === 'from') return m.index;
  }
  return fromIndex(query);
}

const noSuchColumn = (ctx: Ctx, name: string, def: SObjectDef, from = 0): SfError =>
  soqlError(
    'INVALID_FIELD',
    ctx.query,
    indexOfToken(ctx.query, name, from),
    `No such column '${name}' on entity '${def.name}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`,
  );

function resolvePath(ctx: Ctx, def: SObjectDef, raw: string, alias: string | undefined): FieldPath {
  let parts = raw.split('.');
  // A path may start with the alias or with the queried object's own name ("Contact.Account.Name").
  const head = parts[0]?.toLowerCase();
  if (parts.length > 1 && (head === alias?.toLowerCase() || (head === def.name.toLowerCase() && !def.parentByLower.has(head)))) parts = parts.slice(1);
  if (parts.length === 1) {
    const field = def.byLower.get((parts[0] as string).toLowerCase());
    if (!field) throw noSuchColumn(ctx, raw, def);
    return { target: def, field };
  }
  if (parts.length === 2) {
    const parent = def.parentByLower.get((parts[0] as string).toLowerCase());
    if (!parent || !parent.referenceTo) {
      throw soqlError(
        'INVALID_FIELD',
        ctx.query,
        indexOfToken(ctx.query, raw),
        `Didn't understand relationship '${parts[0] as string}' in field path. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names.`,
      );
    }
    const target = SOBJECTS[parent.referenceTo];
    const field = target.byLower.get((parts[1] as string).toLowerCase());
    if (!field) throw noSuchColumn(ctx, raw, target);
    return { parent, target, field };
  }
  throw malformed(ctx, raw, `unexpected token: '${raw}'`);
}

function readPath(ctx: Ctx, path: FieldPath, rec: Rec): Value {
  if (!path.parent) return rec[path.field.name] ?? null;
  const pid = rec[path.parent.name];
  if (typeof pid !== 'string') return null;
  const parent = ctx.store.get(path.target.name, pid);
  return parent ? (parent[path.field.name] ?? null) : null;
}

// ------------------------------------------------------------- string literals
type LikeToken = { lit: string } | { wild: '%' | '_' };

/**
 * Unescapes a raw SOQL string literal (with its quotes). In LIKE mode `\%` and `\_`
 * stay literal characters and bare `%`/`_` become wildcards. Any other backslash
 * sequence is an error, as in SOQL.
 */
function unescapeLiteral(ctx: Ctx, raw: string, like: boolean): LikeToken[] {
  if (raw.length < 2 || !raw.startsWith("'") || !raw.endsWith("'")) {
    throw malformed(ctx, raw, `unexpected token: ${raw}`);
  }
  const body = raw.slice(1, -1);
  const out: LikeToken[] = [];
  const simple: Record<string, string> = { n: '\n', N: '\n', r: '\r', R: '\r', t: '\t', T: '\t', b: '\b', B: '\b', f: '\f', F: '\f', '"': '"', "'": "'", '\\': '\\' };
  for (let i = 0; i < body.length; i++) {
    const c = body[i] as string;
    if (c !== '\\') {
      if (like && (c === '%' || c === '_')) out.push({ wild: c });
      else out.push({ lit: c });
      continue;
    }
    const n = body[i + 1];
    if (n !== undefined && n in simple) {
      out.push({ lit: simple[n] as string });
      i++;
    } else if (n === 'u' && /^[0-9a-fA-F]{4}$/.test(body.slice(i + 2, i + 6))) {
      out.push({ lit: String.fromCharCode(parseInt(body.slice(i + 2, i + 6), 16)) });
      i += 5;
    } else if (like && (n === '%' || n === '_')) {
      out.push({ lit: n });
      i++;
    } else {
      throw soqlError(
        'MALFORMED_QUERY',
        ctx.query,
        indexOfToken(ctx.query, raw),
        `Invalid string literal '${body}'. Illegal character sequence '\\${n ?? ''}' in string literal.`,
      );
    }
  }
  return out;
}

function literalString(ctx: Ctx, raw: string): string {
  return unescapeLiteral(ctx, raw, false)
    .map((t) => ('lit' in t ? t.lit : t.wild))
    .join('');
}

function likeRegex(ctx: Ctx, raw: string): RegExp {
  const src = unescapeLiteral(ctx, raw, true)
    .map((t) => ('wild' in t ? (t.wild === '%' ? '[\\s\\S]*' : '[\\s\\S]') : t.lit.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${src}$`, 'i');
}

// ------------------------------------------------------------- date literals
const DAY = 86_400_000;

function startOfDay(d: Date): number {
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
}

/** [start, end) of a date literal in UTC (the sandbox user's time zone is GMT). */
function dateLiteralRange(ctx: Ctx, name: string, n: number | undefined): [number, number] | null {
  const today = startOfDay(ctx.now);
  const y = ctx.now.getUTCFullYear();
  const m = ctx.now.getUTCMonth();
  const weekStart = today - ctx.now.getUTCDay() * DAY; // weeks start on Sunday in the en_US locale
  switch (name) {
    case 'TODAY':
      return [today, today + DAY];
    case 'YESTERDAY':
      return [today - DAY, today];
    case 'TOMORROW':
      return [today + DAY, today + 2 * DAY];
    case 'THIS_WEEK':
      return [weekStart, weekStart + 7 * DAY];
    case 'LAST_WEEK':
      return [weekStart - 7 * DAY, weekStart];
    case 'NEXT_WEEK':
      return [weekStart + 7 * DAY, weekStart + 14 * DAY];
    case 'THIS_MONTH':
      return [Date.UTC(y, m, 1), Date.UTC(y, m + 1, 1)];
    case 'LAST_MONTH':
      return [Date.UTC(y, m - 1, 1), Date.UTC(y, m, 1)];
    case 'NEXT_MONTH':
      return [Date.UTC(y, m + 1, 1), Date.UTC(y, m + 2, 1)];
    case 'THIS_YEAR':
      return [Date.UTC(y, 0, 1), Date.UTC(y + 1, 0, 1)];
    case 'LAST_YEAR':
      return [Date.UTC(y - 1, 0, 1), Date.UTC(y, 0, 1)];
    case 'NEXT_YEAR':
      return [Date.UTC(y + 1, 0, 1), Date.UTC(y + 2, 0, 1)];
    case 'LAST_90_DAYS':
      return [today - 90 * DAY, today + DAY];
    case 'NEXT_90_DAYS':
      return [today + DAY, today + 91 * DAY];
    case 'LAST_N_DAYS':
      return n === undefined ? null : [today - n * DAY, today + DAY];
    case 'NEXT_N_DAYS':
      return n === undefined ? null : [today + DAY, today + (n + 1) * DAY];
    case 'N_DAYS_AGO':
      return n === undefined ? null : [today - n * DAY, today - (n - 1) * DAY];
    case 'LAST_N_MONTHS':
      return n === undefined ? null : [Date.UTC(y, m - n, 1), Date.UTC(y, m, 1)];
    case 'NEXT_N_MONTHS':
      return n === undefined ? null : [Date.UTC(y, m + 1, 1), Date.UTC(y, m + 1 + n, 1)];
    default:
      return null;
  }
}

// ------------------------------------------------------------- WHERE
type Tok = { kind: '(' } | { kind: ')' } | { kind: 'AND' } | { kind: 'OR' } | { kind: 'NOT' } | { kind: 'cond'; cond: PCondition };

function flattenWhere(where: PWhere | undefined, out: Tok[]): void {
  for (let node = where; node; node = node.right) {
    const left = node.left;
    if (node.operator === 'NOT' && (!left || (left.field === undefined && left.fn === undefined && left.operator === undefined))) {
      for (let i = 0; i < (left?.openParen ?? 0); i++) out.push({ kind: '(' });
      out.push({ kind: 'NOT' });
      continue;
    }
    if (left) {
      for (let i = 0; i < (left.openParen ?? 0); i++) out.push({ kind: '(' });
      out.push({ kind: 'cond', cond: left });
      for (let i = 0; i < (left.closeParen ?? 0); i++) out.push({ kind: ')' });
    }
    if (node.operator === 'AND' || node.operator === 'OR') out.push({ kind: node.operator });
    else if (node.operator === 'NOT') out.push({ kind: 'NOT' });
  }
}

function compileWhere(ctx: Ctx, def: SObjectDef, where: PWhere | undefined, alias: string | undefined): Pred {
  if (!where) return () => true;
  const toks: Tok[] = [];
  flattenWhere(where, toks);
  let pos = 0;
  const peek = (): Tok | undefined => toks[pos];

  const unary = (): Pred => {
    const t = toks[pos++];
    if (!t) throw malformed(ctx, 'WHERE', 'unexpected token: <EOF>');
    if (t.kind === 'NOT') {
      const inner = unary();
      return (r) => !inner(r);
    }
    if (t.kind === '(') {
      const inner = expr();
      if (peek()?.kind !== ')') throw malformed(ctx, '(', "unexpected token: '('");
      pos++;
      return inner;
    }
    if (t.kind === 'cond') return compileCondition(ctx, def, t.cond, alias);
    throw malformed(ctx, t.kind, `unexpected token: '${t.kind}'`);
  };

  const expr = (): Pred => {
    const parts = [unary()];
    let op: 'AND' | 'OR' | undefined;
    for (let t = peek(); t && (t.kind === 'AND' || t.kind === 'OR'); t = peek()) {
      if (op && t.kind !== op) {
        // SOQL needs parentheses to mix AND and OR; the first offending operator is reported.
        const re = new RegExp(`\\b${t.kind}\\b`, 'i');
        const where = mainWhereIndex(ctx.query);
        const at = re.exec(ctx.query.slice(where));
        throw soqlError('MALFORMED_QUERY', ctx.query, at ? where + at.index : where, `unexpected token: '${t.kind}'`);
      }
      op = t.kind;
      pos++;
      parts.push(unary());
    }
    if (parts.length === 1) return parts[0] as Pred;
    return op === 'OR' ? (r) => parts.some((p) => p(r)) : (r) => parts.every((p) => p(r));
  };

  const pred = expr();
  if (pos < toks.length) throw malformed(ctx, ')', "unexpected token: ')'");
  return pred;
}

function mainWhereIndex(query: string): number {
  const m = /\bwhere\b/i.exec(query);
  return m ? m.index : 0;
}

type Cmp = '=' | '!=' | '<' | '<=' | '>' | '>=';

function compare(a: string | number | boolean, b: string | number | boolean): number {
  if (typeof a === 'string' && typeof b === 'string') {
    const x = a.toLowerCase();
    const y = b.toLowerCase();
    return x < y ? -1 : x > y ? 1 : 0;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

function applyCmp(op: Cmp, v: Value, lit: string | number | boolean | null): boolean {
  if (lit === null) return op === '=' ? v === null : op === '!=' ? v !== null : false;
  if (v === null) return op === '!=';
  const c = compare(v, lit);
  switch (op) {
    case '=':
      return c === 0;
    case '!=':
      return c !== 0;
    case '<':
      return c < 0;
    case '<=':
      return c <= 0;
    case '>':
      return c > 0;
    case '>=':
      return c >= 0;
  }
}

const TEXT_TYPES = new Set(['string', 'email', 'phone', 'picklist', 'id', 'reference']);

function typeWord(f: FieldDef): string {
  if (f.type === 'double') return 'double';
  if (f.type === 'boolean') return 'boolean';
  if (f.type === 'datetime') return 'dateTime';
  if (f.type === 'id' || f.type === 'reference') return 'id';
  return 'string';
}

function filterTypeError(ctx: Ctx, f: FieldDef, token: string): SfError {
  const quoted = TEXT_TYPES.has(f.type) ? 'should be enclosed in quotes' : 'should not be enclosed in quotes';
  return soqlError(
    'INVALID_FIELD',
    ctx.query,
    indexOfToken(ctx.query, token, mainWhereIndex(ctx.query)),
    `value of filter criterion for field '${f.name}' must be of type ${typeWord(f)} and ${quoted}`,
  );
}

/** Converts one literal to the field's comparable value; date literals become ranges. */
function literalValue(ctx: Ctx, f: FieldDef, raw: string, type: string, n: number | undefined): string | number | boolean | null | [number, number] {
  if (type === 'NULL') return null;
  if (type === 'APEX_BIND_VARIABLE' || type.endsWith('CURRENCY_PREFIX')) throw malformed(ctx, raw, `unexpected token: '${raw}'`);
  if (TEXT_TYPES.has(f.type)) {
    if (type !== 'STRING') throw filterTypeError(ctx, f, raw);
    const s = literalString(ctx, raw);
    if (f.type === 'id' || f.type === 'reference') {
      const id = canonicalId(s);
      if (!id) {
        throw soqlError('INVALID_QUERY_FILTER_OPERATOR', ctx.query, indexOfToken(ctx.query, raw, mainWhereIndex(ctx.query)), `invalid ID field: ${s}`);
      }
      return id;
    }
    return s;
  }
  if (f.type === 'double') {
    if (type !== 'INTEGER' && type !== 'DECIMAL') throw filterTypeError(ctx, f, raw);
    return Number(raw);
  }
  if (f.type === 'boolean') {
    if (type !== 'BOOLEAN') throw filterTypeError(ctx, f, raw);
    return raw.toUpperCase() === 'TRUE';
  }
  // datetime
  if (type === 'DATETIME') {
    const ms = Date.parse(raw);
    if (Number.isNaN(ms)) throw malformed(ctx, raw, `line 1:${indexOfToken(ctx.query, raw)} no viable alternative at character '${raw}'`);
    return ms;
  }
  if (type === 'DATE_LITERAL' || type === 'DATE_N_LITERAL') {
    const name = raw.split(':')[0] as string;
    const range = dateLiteralRange(ctx, name.toUpperCase(), n);
    if (!range) throw malformed(ctx, raw, `unexpected token: '${raw}'`);
    return range;
  }
  throw filterTypeError(ctx, f, raw);
}

function compileCondition(ctx: Ctx, def: SObjectDef, c: PCondition, alias: string | undefined): Pred {
  if (c.fn !== undefined || c.field === undefined) throw malformed(ctx, 'WHERE', 'unexpected token: function in WHERE clause');
  const path = resolvePath(ctx, def, c.field, alias);
  const f = path.field;
  const op = (c.operator ?? '').toUpperCase();
  const read = (r: Rec): Value => {
    const v = readPath(ctx, path, r);
    return f.type === 'datetime' && typeof v === 'string' ? Date.parse(v) : v;
  };

  if (op === 'IN' || op === 'NOT IN') {
    let set: (string | number | boolean | null)[];
    if (c.valueQuery) {
      set = semiJoinValues(ctx, c.valueQuery);
    } else {
      const raws = Array.isArray(c.value) ? c.value : [c.value ?? ''];
      const types = Array.isArray(c.literalType) ? c.literalType : raws.map(() => (c.literalType as string | undefined) ?? 'STRING');
      set = raws.map((raw, i) => {
        const v = literalValue(ctx, f, raw, types[i] ?? 'STRING', undefined);
        if (Array.isArray(v)) throw malformed(ctx, raw, `unexpected token: '${raw}'`);
        return v;
      });
    }
    const lowered = set.map((s) => (typeof s === 'string' && f.type !== 'id' && f.type !== 'reference' ? s.toLowerCase() : s));
    const has = (v: Value): boolean => lowered.includes(typeof v === 'string' && f.type !== 'id' && f.type !== 'reference' ? v.toLowerCase() : v);
    return op === 'IN' ? (r) => has(read(r)) : (r) => !has(read(r));
  }

  if (op === 'LIKE') {
    if (!TEXT_TYPES.has(f.type) || f.type === 'id' || f.type === 'reference') {
      throw soqlError('INVALID_QUERY_FILTER_OPERATOR', ctx.query, indexOfToken(ctx.query, 'LIKE'), `invalid operator on ${typeWord(f)} field: LIKE`);
    }
    if (c.literalType !== 'STRING' || typeof c.value !== 'string') throw filterTypeError(ctx, f, String(c.value));
    const re = likeRegex(ctx, c.value);
    return (r) => {
      const v = read(r);
      return typeof v === 'string' && re.test(v);
    };
  }

  const cmp = (op === '<>' ? '!=' : op) as Cmp;
  if (!['=', '!=', '<', '<=', '>', '>='].includes(cmp)) throw malformed(ctx, op, `unexpected token: '${op}'`);
  if (typeof c.value !== 'string') throw malformed(ctx, op, `unexpected token: '${op}'`);
  const n = typeof c.dateLiteralVariable === 'number' ? c.dateLiteralVariable : undefined;
  const lit = literalValue(ctx, f, c.value, (c.literalType as string | undefined) ?? 'STRING', n);
  if (f.type === 'boolean' && cmp !== '=' && cmp !== '!=') {
    throw soqlError('INVALID_QUERY_FILTER_OPERATOR', ctx.query, indexOfToken(ctx.query, cmp, mainWhereIndex(ctx.query)), `invalid operator on boolean field: ${cmp}`);
  }
  if (Array.isArray(lit)) {
    const [start, end] = lit;
    return (r) => {
      const v = read(r);
      if (typeof v !== 'number') return cmp === '!=';
      switch (cmp) {
        case '=':
          return v >= start && v < end;
        case '!=':
          return v < start || v >= end;
        case '<':
          return v < start;
        case '<=':
          return v < end;
        case '>':
          return v >= end;
        case '>=':
          return v >= start;
      }
    };
  }
  return (r) => applyCmp(cmp, read(r), lit);
}

function semiJoinValues(ctx: Ctx, q: PQuery): (string | null)[] {
  const def = q.sObject ? sobjectByName(q.sObject) : undefined;
  if (!def) throw invalidType(ctx, q.sObject ?? '');
  const fields = q.fields ?? [];
  const only = fields[0];
  if (fields.length !== 1 || !only || only.type !== 'Field' || !only.field) {
    throw malformed(ctx, 'SELECT', 'The selected field in a semi join subquery must be an id or reference field');
  }
  const f = def.byLower.get(only.field.toLowerCase());
  if (!f) throw noSuchColumn(ctx, only.field, def);
  if (f.type !== 'id' && f.type !== 'reference') {
    throw soqlError('INVALID_FIELD', ctx.query, indexOfToken(ctx.query, only.field), `The selected field '${f.name}' in a subquery must be an id or reference field`);
  }
  const pred = compileWhere(ctx, def, q.where, q.sObjectAlias);
  return ctx.store
    .all(def.name)
    .filter(pred)
    .map((r) => r[f.name] as string | null);
}

function invalidType(ctx: Ctx, name: string): SfError {
  return soqlError(
    'INVALID_TYPE',
    ctx.query,
    indexOfToken(ctx.query, name, fromIndex(ctx.query)),
    `sObject type '${name}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.`,
  );
}

// ------------------------------------------------------------- ORDER BY
function compileOrder(ctx: Ctx, def: SObjectDef, orderBy: POrder | POrder[] | undefined, alias: string | undefined): ((a: Rec, b: Rec) => number) | null {
  if (!orderBy) return null;
  const list = Array.isArray(orderBy) ? orderBy : [orderBy];
  const keys = list.map((o) => {
    if (o.fn !== undefined || !o.field) throw malformed(ctx, 'ORDER BY', 'unexpected token: function in ORDER BY');
    const path = resolvePath(ctx, def, o.field, alias);
    const desc = (o.order ?? 'ASC').toUpperCase() === 'DESC';
    // Salesforce puts nulls first in ascending order and last in descending order unless told.
    const nullsFirst = o.nulls ? o.nulls.toUpperCase() === 'FIRST' : !desc;
    return { path, desc, nullsFirst };
  });
  return (a, b) => {
    for (const k of keys) {
      const x = readPath(ctx, k.path, a);
      const y = readPath(ctx, k.path, b);
      if (x === null && y === null) continue;
      if (x === null) return k.nullsFirst ? -1 : 1;
      if (y === null) return k.nullsFirst ? 1 : -1;
      const c = compare(x, y);
      if (c !== 0) return k.desc ? -c : c;
    }
    return 0;
  };
}

// ------------------------------------------------------------- SELECT
type Projection =
  | { kind: 'field'; path: FieldPath }
  | { kind: 'child'; rel: string; def: SObjectDef; field: FieldDef; run: (parentId: string) => Rec[]; projections: Projection[] };

function rejectUnsupported(ctx: Ctx, q: PQuery): void {
  const check = (cond: unknown, token: string): void => {
    if (cond !== undefined && cond !== false && cond !== null) throw malformed(ctx, token, `unexpected token: '${token}'`);
  };
  check(q.groupBy, 'GROUP');
  check(q.having, 'HAVING');
  check(q.usingScope, 'USING');
  check(q.withDataCategory, 'WITH');
  check(q.withSecurityEnforced, 'WITH');
  check(q.withAccessLevel, 'WITH');
  check(q.for, 'FOR');
  check(q.update, 'UPDATE');
}

function expandFields(ctx: Ctx, def: SObjectDef, q: PQuery, isCount: { value: boolean }): Projection[] {
  const out: Projection[] = [];
  const seen = new Set<string>();
  const push = (p: Projection, name: string): void => {
    const key = name.toLowerCase();
    if (seen.has(key)) throw malformed(ctx, name, `duplicate field selected: ${name}`);
    seen.add(key);
    out.push(p);
  };
  for (const f of q.fields ?? []) {
    if (f.type === 'Field' && f.field) {
      if (f.alias) throw malformed(ctx, f.alias, `unexpected token: '${f.alias}'`);
      const path = resolvePath(ctx, def, f.field, q.sObjectAlias);
      push({ kind: 'field', path }, path.parent ? `${path.parent.relationshipName as string}.${path.field.name}` : path.field.name);
    } else if (f.type === 'FieldRelationship' && f.field && f.relationships) {
      const raw = [...f.relationships, f.field].join('.');
      const path = resolvePath(ctx, def, raw, q.sObjectAlias);
      push({ kind: 'field', path }, path.parent ? `${path.parent.relationshipName as string}.${path.field.name}` : path.field.name);
    } else if (f.type === 'FieldFunctionExpression') {
      const fn = (f.functionName ?? '').toUpperCase();
      if (fn === 'COUNT' && (f.parameters ?? []).length === 0 && !f.alias) {
        isCount.value = true;
        continue;
      }
      if (fn === 'FIELDS' && (f.parameters ?? []).length === 1) {
        const which = String((f.parameters ?? [])[0]).toUpperCase();
        if (which !== 'ALL' && which !== 'STANDARD' && which !== 'CUSTOM') throw malformed(ctx, f.rawValue ?? 'FIELDS', `unexpected token: '${which}'`);
        if (which !== 'STANDARD' && (q.limit === undefined || q.limit > 200)) {
          throw malformed(ctx, 'FIELDS', 'The SOQL FIELDS function must have a LIMIT of at most 200');
        }
        for (const fd of def.fields) {
          const take = which === 'ALL' || (which === 'STANDARD' ? fd.standard : fd.custom);
          if (take && !seen.has(fd.name.toLowerCase())) push({ kind: 'field', path: { target: def, field: fd } }, fd.name);
        }
        continue;
      }
      // Aggregates, toLabel, FORMAT, convertCurrency, DISTANCE… are outside the sandbox's subset.
      throw malformed(ctx, f.rawValue ?? fn, `unexpected token: '${f.rawValue ?? fn}'`);
    } else if (f.type === 'FieldSubquery' && f.subquery) {
      const sq = f.subquery;
      rejectUnsupported(ctx, sq);
      const rel = def.childRelationships.find((r) => r.relationshipName.toLowerCase() === (sq.relationshipName ?? '').toLowerCase());
      if (!rel) {
        throw soqlError(
          'INVALID_TYPE',
          ctx.query,
          indexOfToken(ctx.query, sq.relationshipName ?? ''),
          `Didn't understand relationship '${sq.relationshipName ?? ''}' in FROM part of query call. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names.`,
        );
      }
      const child = SOBJECTS[rel.childSObject];
      const childCount = { value: false };
      const projections = expandFields(ctx, child, sq, childCount);
      if (childCount.value) throw malformed(ctx, 'COUNT', "unexpected token: 'COUNT'");
      const where = compileWhere(ctx, child, sq.where, sq.sObjectAlias);
      const order = compileOrder(ctx, child, sq.orderBy, sq.sObjectAlias);
      const fkey = rel.field;
      const run = (parentId: string): Rec[] => {
        let rows = ctx.store.all(child.name).filter((r) => r[fkey] === parentId && where(r));
        if (order) rows = rows.sort(order);
        if (sq.offset) rows = rows.slice(sq.offset);
        if (sq.limit !== undefined) rows = rows.slice(0, sq.limit);
        return rows;
      };
      push({ kind: 'child', rel: rel.relationshipName, def: child, field: child.byLower.get(fkey.toLowerCase()) as FieldDef, run, projections }, rel.relationshipName);
    } else {
      throw malformed(ctx, f.field ?? 'TYPEOF', `unexpected token: '${f.field ?? 'TYPEOF'}'`);
    }
  }
  return out;
}

function project(ctx: Ctx, def: SObjectDef, rec: Rec, projections: Projection[]): Record<string, unknown> {
  const out = recordJson(def, rec, ctx.version, []);
  for (const p of projections) {
    if (p.kind === 'field') {
      if (!p.path.parent) {
        out[p.path.field.name] = fieldJson(p.path.field, rec[p.path.field.name] ?? null);
        continue;
      }
      const relName = p.path.parent.relationshipName as string;
      const pid = rec[p.path.parent.name];
      const parent = typeof pid === 'string' ? ctx.store.get(p.path.target.name, pid) : undefined;
      if (!parent) {
        out[relName] = null;
        continue;
      }
      const existing = out[relName] as Record<string, unknown> | null | undefined;
      const obj = existing ?? recordJson(p.path.target, parent, ctx.version, []);
      obj[p.path.field.name] = fieldJson(p.path.field, parent[p.path.field.name] ?? null);
      out[relName] = obj;
    } else {
      const rows = p.run(rec.Id as string);
      out[p.rel] = rows.length === 0 ? null : { totalSize: rows.length, done: true, records: rows.map((r) => project(ctx, p.def, r, p.projections)) };
    }
  }
  return out;
}

/** Runs a SOQL query; throws SfError with Salesforce's code and message when it cannot. */
export function runSoql(query: string, store: SalesforceStore, version: string, now = new Date()): SoqlResult {
  const ctx: Ctx = { query, store, now, version };
  if (query.trim() === '') throw new SfError(400, 'MALFORMED_QUERY', 'A query string has to be specified');
  if (/(^|[^\\]):[A-Za-z_]/.test(query.replace(/'(?:[^'\\]|\\.)*'/g, "''").replace(/[A-Z_]+:\d+/gi, ''))) {
    throw malformed(ctx, ':', "unexpected token: ':'");
  }
  let parsed: PQuery;
  try {
    parsed = parseQuery(query) as unknown as PQuery;
  } catch (e) {
    const msg = (e as Error).message;
    const found = /found:? -*>? ?'?([^'<\s]+)'?/.exec(msg)?.[1];
    const token = found ?? query.trim().split(/\s+/).pop() ?? '';
    throw soqlError('MALFORMED_QUERY', query, found ? indexOfToken(query, token) : query.length, `unexpected token: ${found ? `'${token}'` : '<EOF>'}`);
  }
  rejectUnsupported(ctx, parsed);
  const def = parsed.sObject ? sobjectByName(parsed.sObject) : undefined;
  if (!def) throw invalidType(ctx, parsed.sObject ?? '');
  if (parsed.offset !== undefined && parsed.offset > 2000) {
    throw soqlError('NUMBER_OUTSIDE_VALID_RANGE', query, indexOfToken(query, 'OFFSET', mainFromIndex(query)), 'Maximum SOQL offset allowed is 2000');
  }
  const isCount = { value: false };
  const projections = expandFields(ctx, def, parsed, isCount);
  if (isCount.value && projections.length > 0) {
    throw malformed(ctx, 'COUNT', 'Field must be grouped or aggregated: ' + (projections[0]?.kind === 'field' ? projections[0].path.field.name : 'Id'));
  }
  if (!isCount.value && projections.length === 0) throw malformed(ctx, 'FROM', "unexpected token: 'FROM'");
  const where = compileWhere(ctx, def, parsed.where, parsed.sObjectAlias);
  const order = compileOrder(ctx, def, parsed.orderBy, parsed.sObjectAlias);

  let rows = store.all(def.name).filter(where);
  if (order) rows = rows.sort(order);
  if (parsed.offset) rows = rows.slice(parsed.offset);
  if (parsed.limit !== undefined) rows = rows.slice(0, parsed.limit);
  if (isCount.value) return { totalSize: rows.length, records: [] };
  return { totalSize: rows.length, records: rows.map((r) => project(ctx, def, r, projections)) };
}
