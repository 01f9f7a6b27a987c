/**
 * SuiteQL on SQLite. The query text is tokenized, checked against what SuiteQL
 * accepts (one SELECT, known functions, no SQLite-only syntax), rewritten into
 * SQLite with Oracle-flavoured functions registered under private names, then
 * executed; results are shaped as SuiteQL returns them (lowercase keys, every
 * value a string, NULLs omitted, dates in the account's date format).
 */
import { DATE_COLUMNS, TABLES, daysToDate, formatAccountDate, type Database, type SqlValue } from './db.js';
import { suiteQlError, type NsError } from './errors.js';

type TokKind = 'str' | 'qid' | 'word' | 'num' | 'op' | 'ws';
interface Tok {
  kind: TokKind;
  text: string;
}

const GENERIC = 'Invalid or unsupported search.';

export function tokenize(q: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < q.length) {
    const c = q[i] ?? '';
    if (/\s/.test(c)) {
      let j = i + 1;
      while (j < q.length && /\s/.test(q[j] ?? '')) j++;
      out.push({ kind: 'ws', text: ' ' });
      i = j;
    } else if (c === '-' && q[i + 1] === '-') {
      const j = q.indexOf('\n', i);
      out.push({ kind: 'ws', text: ' ' });
      i = j < 0 ? q.length : j + 1;
    } else if (c === '/' && q[i + 1] === '*') {
      const j = q.indexOf('*/', i + 2);
      if (j < 0) throw suiteQlError(GENERIC);
      out.push({ kind: 'ws', text: ' ' });
      i = j + 2;
    } else if (c === "'") {
      let j = i + 1;
      for (;;) {
        if (j >= q.length) throw suiteQlError(GENERIC);
        if (q[j] === "'") {
          if (q[j + 1] === "'") j += 2;
          else break;
        } else j++;
      }
      out.push({ kind: 'str', text: q.slice(i, j + 1) });
      i = j + 1;
    } else if (c === '"') {
      const j = q.indexOf('"', i + 1);
      if (j < 0) throw suiteQlError(GENERIC);
      out.push({ kind: 'qid', text: q.slice(i, j + 1) });
      i = j + 1;
    } else if (/[A-Za-z_]/.test(c)) {
      let j = i + 1;
      while (j < q.length && /[A-Za-z0-9_$#]/.test(q[j] ?? '')) j++;
      out.push({ kind: 'word', text: q.slice(i, j) });
      i = j;
    } else if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(q[i + 1] ?? ''))) {
      let j = i + 1;
      while (j < q.length && /[0-9.]/.test(q[j] ?? '')) j++;
      if (/[eE]/.test(q[j] ?? '') && /[-+0-9]/.test(q[j + 1] ?? '')) {
        j += 2;
        while (j < q.length && /[0-9]/.test(q[j] ?? '')) j++;
      }
      out.push({ kind: 'num', text: q.slice(i, j) });
      i = j;
    } else {
      const two = q.slice(i, i + 2);
      if (['<=', '>=', '<>', '!=', '||'].includes(two)) {
        out.push({ kind: 'op', text: two });
        i += 2;
      } else {
        out.push({ kind: 'op', text: c });
        i += 1;
      }
    }
  }
  return out;
}

/** Words that may precede "(" without being a function call. */
const KEYWORDS_BEFORE_PAREN = new Set([
  'in', 'exists', 'as', 'and', 'or', 'not', 'on', 'from', 'where', 'select', 'over', 'using', 'then', 'else', 'when',
  'case', 'by', 'all', 'any', 'some', 'join', 'union', 'minus', 'intersect', 'is', 'like', 'between', 'distinct', 'having',
]);

/** Oracle/SuiteQL function → SQLite implementation name. */
const FUNCTIONS: Record<string, string> = {
  count: 'count', sum: 'sum', avg: 'avg', min: 'min', max: 'max',
  coalesce: 'coalesce', nullif: 'nullif', nvl: 'coalesce', nvl2: 'ns_nvl2',
  upper: 'upper', lower: 'lower', length: 'length', replace: 'replace', abs: 'abs', round: 'ns_round',
  trim: 'trim', ltrim: 'ltrim', rtrim: 'rtrim', substr: 'ns_substr', instr: 'ns_instr', lpad: 'ns_lpad', rpad: 'ns_rpad',
  concat: 'ns_concat', initcap: 'ns_initcap', to_char: 'ns_to_char', to_date: 'ns_to_date', to_timestamp: 'ns_to_date',
  to_number: 'ns_to_number', trunc: 'ns_trunc', floor: 'ns_floor', ceil: 'ns_ceil', mod: 'ns_mod',
  add_months: 'ns_add_months', regexp_replace: 'ns_regexp_replace', cast: 'cast', row_number: 'row_number', rank: 'rank', dense_rank: 'dense_rank',
};

/** SQLite syntax SuiteQL refuses, and statements other than a query. */
const FORBIDDEN_WORDS = new Set([
  'limit', 'pragma', 'attach', 'detach', 'insert', 'update', 'delete', 'drop', 'create', 'alter', 'vacuum', 'reindex',
  'glob', 'regexp', 'with', 'returning', 'upsert', 'analyze', 'explain', 'savepoint', 'release', 'rollback', 'commit', 'begin',
]);

const DATE_FUNCS = new Set(['ns_sysdate', 'ns_to_date', 'ns_add_months', 'sysdate', 'current_date', 'to_date', 'to_timestamp', 'add_months']);
const DATE_WRAPPERS = new Set(['max', 'min', 'nvl', 'coalesce', 'trunc', 'ns_trunc']);

const lower = (t: Tok | undefined): string => (t ? t.text.toLowerCase() : '');

function nextSig(toks: Tok[], i: number): number {
  let j = i;
  while (j < toks.length && toks[j]?.kind === 'ws') j++;
  return j;
}

function prevSig(toks: Tok[], i: number): number {
  let j = i;
  while (j >= 0 && toks[j]?.kind === 'ws') j--;
  return j;
}

function matchParen(toks: Tok[], open: number): number {
  let depth = 0;
  for (let j = open; j < toks.length; j++) {
    const t = toks[j];
    if (t?.kind !== 'op') continue;
    if (t.text === '(') depth++;
    else if (t.text === ')') {
      depth--;
      if (depth === 0) return j;
    }
  }
  throw suiteQlError(GENERIC);
}

const w = (text: string): Tok => ({ kind: 'word', text });
const op = (text: string): Tok => ({ kind: 'op', text });
const sp = (): Tok => ({ kind: 'ws', text: ' ' });

/** BUILTIN.DF(x): the display value NetSuite shows for a field. */
function displayValue(inner: Tok[]): Tok[] {
  const sig = inner.filter((t) => t.kind !== 'ws');
  let qual: string | null = null;
  let col: string | null = null;
  if (sig.length === 1 && sig[0]?.kind === 'word') col = lower(sig[0]);
  else if (sig.length === 3 && sig[0]?.kind === 'word' && sig[1]?.text === '.' && sig[2]?.kind === 'word') {
    qual = sig[0].text;
    col = lower(sig[2]);
  }
  const ref = (name: string): string => (qual ? `${qual}.${name}` : name);
  const expr = inner.map((t) => t.text).join('');
  let sql: string;
  switch (col) {
    case 'status':
      sql = `ns_df_status(${ref('type')}, ${expr})`;
      break;
    case 'type':
      sql = `ns_df_type(${expr})`;
      break;
    case 'entity':
    case 'customer':
    case 'recordowner':
      sql = `(SELECT ns_df_entity(ns__df.entityid, ns__df.altname) FROM customer ns__df WHERE ns__df.id = ${expr})`;
      break;
    case 'item':
      sql = `(SELECT ns__df.itemid FROM item ns__df WHERE ns__df.id = ${expr})`;
      break;
    case 'terms':
      sql = `(SELECT ns__df.name FROM term ns__df WHERE ns__df.id = ${expr})`;
      break;
    case 'currency':
      sql = `(SELECT ns__df.name FROM currency ns__df WHERE ns__df.id = ${expr})`;
      break;
    case 'createdfrom':
    case 'transaction':
    case 'previousdoc':
    case 'nextdoc':
      sql = `(SELECT ns_df_type(ns__df.type) || ' #' || ns__df.tranid FROM "transaction" ns__df WHERE ns__df.id = ${expr})`;
      break;
    case 'creditholdoverride':
      sql = `ns_df_hold(${expr})`;
      break;
    default:
      sql = `(${expr})`;
  }
  return tokenize(sql);
}

interface Rewritten {
  sql: string;
  /** Output keys (lowercase) that hold dates. */
  dateKeys: Set<string>;
}

/** Checks a SuiteQL statement and rewrites it for SQLite. Throws NetSuite's SuiteQL error when SuiteQL would refuse it. */
export function rewrite(q: string): Rewritten {
  let toks = tokenize(q).filter((t, i, a) => !(t.kind === 'ws' && (i === 0 || a[i - 1]?.kind === 'ws')));
  const first = toks[nextSig(toks, 0)];
  if (!first || lower(first) !== 'select') throw suiteQlError(GENERIC);

  // Pass 1: refusals and BUILTIN.DF, which needs its parenthesised argument.
  const out: Tok[] = [];
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i] as Tok;
    if (t.kind === 'op' && (t.text === ';' || t.text === '?' || t.text === ':' || t.text === '@' || t.text === '$')) throw suiteQlError(GENERIC);
    if (t.kind === 'op' && (t.text === '[' || t.text === '`')) throw suiteQlError(GENERIC);
    if (t.kind === 'word') {
      const lw = lower(t);
      if (FORBIDDEN_WORDS.has(lw)) throw suiteQlError(GENERIC);
      if (lw.startsWith('sqlite_') || lw.startsWith('ns_') || lw.startsWith('pragma_')) throw suiteQlError(`Unknown identifier '${t.text}'.`);
      if (lw === 'builtin') {
        const dot = nextSig(toks, i + 1);
        const fn = nextSig(toks, dot + 1);
        const open = nextSig(toks, fn + 1);
        if (toks[dot]?.text !== '.' || toks[open]?.text !== '(') throw suiteQlError(GENERIC);
        const fname = lower(toks[fn]);
        if (fname !== 'df') throw suiteQlError(`Unknown identifier 'BUILTIN.${toks[fn]?.text ?? ''}'.`);
        const close = matchParen(toks, open);
        out.push(...displayValue(toks.slice(open + 1, close)));
        i = close;
        continue;
      }
    }
    if (t.kind === 'qid') {
      // SuiteQL accepts double quotes only around column aliases.
      const p = prevSig(toks, i - 1);
      if (lower(toks[p]) !== 'as') throw suiteQlError(GENERIC);
    }
    out.push(t);
  }
  toks = out;

  // Pass 2: functions, SYSDATE, the reserved word "transaction", ROWNUM and FETCH FIRST.
  const res: Tok[] = [];
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i] as Tok;
    if (t.kind !== 'word') {
      res.push(t);
      continue;
    }
    const lw = lower(t);
    const after = nextSig(toks, i + 1);
    const prev = prevSig(toks, i - 1);
    const qualified = toks[prev]?.text === '.';
    if (toks[after]?.text === '(' && !qualified) {
      if (KEYWORDS_BEFORE_PAREN.has(lw)) {
        res.push(t);
        continue;
      }
      // ns_ names come only from BUILTIN.DF rewriting; user text with that prefix was refused in pass 1.
      const impl = lw.startsWith('ns_') ? lw : FUNCTIONS[lw];
      if (!impl) throw suiteQlError(GENERIC);
      res.push(w(impl));
      continue;
    }
    if (!qualified && (lw === 'sysdate' || lw === 'current_date' || lw === 'current_timestamp' || lw === 'systimestamp')) {
      res.push(w('ns_sysdate()'));
      continue;
    }
    if ((lw === 'date' || lw === 'timestamp') && toks[after]?.kind === 'str' && !qualified) {
      // ANSI literals: DATE '2026-11-20', TIMESTAMP '2026-11-20 10:00:00'
      res.push(w(`ns_to_date(${toks[after]?.text ?? "''"}, '${lw === 'date' ? 'YYYY-MM-DD' : 'YYYY-MM-DD HH24:MI:SS'}')`));
      i = after;
      continue;
    }
    if (lw === 'transaction') {
      res.push({ kind: 'qid', text: '"transaction"' });
      continue;
    }
    if (lw === 'fetch') {
      // FETCH FIRST|NEXT n ROWS|ROW ONLY
      const a = nextSig(toks, i + 1);
      const n = nextSig(toks, a + 1);
      const rows = nextSig(toks, n + 1);
      const only = nextSig(toks, rows + 1);
      if (!['first', 'next'].includes(lower(toks[a])) || toks[n]?.kind !== 'num' || !['rows', 'row'].includes(lower(toks[rows])) || lower(toks[only]) !== 'only') {
        throw suiteQlError(GENERIC);
      }
      res.push(w('LIMIT'), { kind: 'ws', text: ' ' }, toks[n] as Tok);
      i = only;
      continue;
    }
    if (lw === 'offset') {
      // OFFSET n ROWS (Oracle 12c row limiting); SQLite wants it after LIMIT, handled below.
      const n = nextSig(toks, i + 1);
      const rows = nextSig(toks, n + 1);
      if (toks[n]?.kind !== 'num' || !['rows', 'row'].includes(lower(toks[rows]))) throw suiteQlError(GENERIC);
      res.push(w('ns__offset'), { kind: 'ws', text: ' ' }, toks[n] as Tok);
      i = rows;
      continue;
    }
    res.push(t);
  }
  toks = fixOffsets(res);
  toks = rowNum(toks);
  toks = oracleNullOrder(toks);

  const dateKeys = new Set<string>();
  toks = nameColumns(toks, dateKeys);
  return { sql: toks.map((t) => t.text).join(''), dateKeys };
}

/** Moves `OFFSET n ROWS` after the LIMIT that follows it, as SQLite requires; alone it becomes LIMIT -1 OFFSET n. */
function fixOffsets(toks: Tok[]): Tok[] {
  const out = [...toks];
  for (let i = 0; i < out.length; i++) {
    if (out[i]?.text !== 'ns__offset') continue;
    const n = out[i + 2] as Tok;
    const lim = nextSig(out, i + 3);
    if (out[lim]?.text === 'LIMIT') {
      const ln = out[lim + 2] as Tok;
      out.splice(i, lim + 3 - i, w('LIMIT'), { kind: 'ws', text: ' ' }, ln, { kind: 'ws', text: ' ' }, w('OFFSET'), { kind: 'ws', text: ' ' }, n);
    } else {
      out.splice(i, 3, w('LIMIT -1 OFFSET'), { kind: 'ws', text: ' ' }, n);
    }
  }
  return out;
}

/**
 * `ROWNUM <= n` / `ROWNUM < n` / `ROWNUM = 1` in a WHERE clause becomes a LIMIT on
 * that query level. Oracle applies ROWNUM before ORDER BY of the same level; the
 * documented idiom (ORDER BY in a subquery, ROWNUM outside) behaves identically.
 */
function rowNum(toks: Tok[]): Tok[] {
  const out = [...toks];
  const limits = new Map<number, number>(); // index of the closing paren of the level (or -1 for top) -> limit
  const opens: number[] = [];
  for (let i = 0; i < out.length; i++) {
    const t = out[i] as Tok;
    if (t.kind === 'op' && t.text === '(') opens.push(i);
    if (t.kind === 'op' && t.text === ')') opens.pop();
    if (t.kind !== 'word' || lower(t) !== 'rownum') continue;
    const o = nextSig(out, i + 1);
    const n = nextSig(out, o + 1);
    const cmp = out[o]?.text;
    const num = Number(out[n]?.text);
    if (out[n]?.kind !== 'num' || !['<=', '<', '='].includes(cmp ?? '') || (cmp === '=' && num !== 1)) throw suiteQlError(GENERIC);
    const limit = cmp === '<' ? num - 1 : num;
    const level = opens.length ? (opens[opens.length - 1] as number) : -1;
    limits.set(level, Math.min(limit, limits.get(level) ?? Infinity));
    out.splice(i, n - i + 1, w('1 = 1'));
  }
  if (!limits.size) return out;
  // Insert LIMITs from the end so earlier indexes stay valid.
  const closeOf = (open: number): number => matchParen(out, open);
  const inserts = [...limits.entries()].map(([open, lim]) => ({ at: open < 0 ? out.length : closeOf(open), lim }));
  inserts.sort((a, b) => b.at - a.at);
  for (const { at, lim } of inserts) out.splice(at, 0, { kind: 'ws', text: ' ' }, w(`LIMIT ${Math.max(0, lim)}`), { kind: 'ws', text: ' ' });
  return out;
}

/**
 * Oracle sorts NULLs as larger than any value (last when ascending, first when
 * descending); SQLite does the opposite. Each ORDER BY item without an explicit
 * NULLS clause gets Oracle's default.
 */
function oracleNullOrder(toks: Tok[]): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < toks.length) {
    const t = toks[i] as Tok;
    const by = nextSig(toks, i + 1);
    if (!(t.kind === 'word' && lower(t) === 'order' && lower(toks[by]) === 'by')) {
      out.push(t);
      i++;
      continue;
    }
    out.push(...toks.slice(i, by + 1));
    let depth = 0;
    let e = by + 1;
    for (; e < toks.length; e++) {
      const u = toks[e] as Tok;
      if (u.kind === 'op' && u.text === '(') depth++;
      if (u.kind === 'op' && u.text === ')') {
        if (depth === 0) break;
        depth--;
      }
      if (depth === 0 && u.kind === 'word' && /^(limit|union|minus|intersect)\b/i.test(u.text)) break;
    }
    splitTop(toks.slice(by + 1, e)).forEach((item, k) => {
      if (k > 0) out.push(op(','));
      out.push(...item);
      const words = item.filter((x) => x.kind === 'word').map((x) => lower(x));
      if (!words.includes('nulls')) out.push(sp(), w(words[words.length - 1] === 'desc' ? 'NULLS FIRST' : 'NULLS LAST'), sp());
    });
    i = e;
  }
  return out;
}

/** Splits a token range by top-level commas. */
function splitTop(toks: Tok[]): Tok[][] {
  const parts: Tok[][] = [[]];
  let depth = 0;
  for (const t of toks) {
    if (t.kind === 'op' && t.text === '(') depth++;
    if (t.kind === 'op' && t.text === ')') depth--;
    if (depth === 0 && t.kind === 'op' && t.text === ',') parts.push([]);
    else parts[parts.length - 1]?.push(t);
  }
  return parts;
}

function isDateExpr(toks: Tok[]): boolean {
  const sig = toks.filter((t) => t.kind !== 'ws');
  if (sig.length === 0) return false;
  // Top-level arithmetic: date ± number is a date, date - date a number of days.
  const terms: Tok[][] = [[]];
  const ops: string[] = [];
  let depth = 0;
  for (const t of sig) {
    if (t.text === '(') depth++;
    if (t.text === ')') depth--;
    if (depth === 0 && t.kind === 'op' && ['+', '-', '*', '/', '||'].includes(t.text) && (terms[terms.length - 1]?.length ?? 0) > 0) {
      ops.push(t.text);
      terms.push([]);
    } else terms[terms.length - 1]?.push(t);
  }
  if (ops.length) {
    const dates = terms.map((t) => isDateExpr(t));
    if (ops.some((o) => o !== '+' && o !== '-')) return false;
    return dates.filter(Boolean).length === 1 && dates[0] === true;
  }
  const f = lower(sig[0]);
  if (DATE_FUNCS.has(f) || f === 'ns_sysdate()' || f.startsWith('ns_to_date(')) return true;
  if (sig.length === 1 && sig[0]?.kind === 'word') return DATE_COLUMNS.has(f);
  if (sig.length === 3 && sig[1]?.text === '.' && sig[2]?.kind === 'word') return DATE_COLUMNS.has(lower(sig[2]));
  if (sig[1]?.text === '(' && matchParen(sig, 1) === sig.length - 1) {
    if (f === 'ns_to_date' || f === 'ns_add_months') return true;
    if (DATE_WRAPPERS.has(f)) return isDateExpr(splitTop(sig.slice(2, -1))[0] ?? []);
  }
  if (sig[0]?.text === '(' && matchParen(sig, 0) === sig.length - 1) return isDateExpr(sig.slice(1, -1));
  return false;
}

/**
 * Gives every select item a name as SuiteQL does: a column keeps its name, an
 * alias wins, and an unnamed expression becomes exprN. Records which names hold dates.
 */
function nameColumns(toks: Tok[], dateKeys: Set<string>): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  let sawStar = false;
  while (i < toks.length) {
    const t = toks[i] as Tok;
    if (!(t.kind === 'word' && lower(t) === 'select')) {
      out.push(t);
      i++;
      continue;
    }
    out.push(t);
    // Find the FROM at this level.
    let depth = 0;
    let j = i + 1;
    for (; j < toks.length; j++) {
      const u = toks[j] as Tok;
      if (u.kind === 'op' && u.text === '(') depth++;
      if (u.kind === 'op' && u.text === ')') {
        if (depth === 0) break;
        depth--;
      }
      if (depth === 0 && u.kind === 'word' && lower(u) === 'from') break;
    }
    let list = toks.slice(i + 1, j);
    const lead: Tok[] = [];
    const d = nextSig(list, 0);
    if (['distinct', 'all', 'unique'].includes(lower(list[d]))) {
      lead.push(...list.slice(0, d + 1));
      list = list.slice(d + 1);
    }
    let exprN = 0;
    const items = splitTop(list).map((item): Tok[] => {
      const sig = item.filter((x) => x.kind !== 'ws');
      const last = sig[sig.length - 1];
      const beforeLast = sig[sig.length - 2];
      if (sig.length === 1 && last?.text === '*') {
        sawStar = true;
        return item;
      }
      if (sig.length === 3 && last?.text === '*') {
        sawStar = true;
        return item;
      }
      let exprToks = sig;
      let name: string | null = null;
      if (last && (last.kind === 'word' || last.kind === 'qid') && sig.length >= 2) {
        if (lower(beforeLast) === 'as') {
          name = last.kind === 'qid' ? last.text.slice(1, -1) : last.text;
          exprToks = sig.slice(0, -2);
        } else if (beforeLast && beforeLast.text !== '.' && (beforeLast.text === ')' || beforeLast.kind === 'word' || beforeLast.kind === 'qid' || beforeLast.kind === 'num' || beforeLast.kind === 'str') && !['end'].includes(lower(last))) {
          // `expr alias` without AS; a trailing CASE ... END is not an alias.
          name = last.kind === 'qid' ? last.text.slice(1, -1) : last.text;
          exprToks = sig.slice(0, -1);
        }
      }
      if (!name) {
        if (sig.length === 1 && (sig[0]?.kind === 'word' || sig[0]?.kind === 'qid')) name = (sig[0]?.text ?? '').replace(/"/g, '');
        else if (sig.length === 3 && sig[1]?.text === '.' && (sig[2]?.kind === 'word' || sig[2]?.kind === 'qid')) name = (sig[2]?.text ?? '').replace(/"/g, '');
        else name = `expr${++exprN}`;
      }
      name = name.toLowerCase();
      if (isDateExpr(exprToks)) dateKeys.add(name);
      const alias: Tok = { kind: 'qid', text: `"${name}"` };
      return [...exprToks.flatMap((x) => [x, sp()]), w('AS'), sp(), alias];
    });
    out.push(sp(), ...lead, sp());
    items.forEach((it, k) => {
      if (k > 0) out.push(op(','), sp());
      out.push(...it);
    });
    out.push(sp());
    i = j;
  }
  if (sawStar) for (const c of DATE_COLUMNS) dateKeys.add(c);
  return out;
}

// ------------------------------------------------------------------ functions

function parseOracleDate(text: string, fmt: string | null): number {
  const f = (fmt ?? 'MM/DD/YYYY').replace(/"([^"]*)"/g, (_m, lit: string) => lit.replace(/./g, (ch) => `\u0000${ch}`));
  let y = 1970;
  let mo = 1;
  let d = 1;
  let h = 0;
  let mi = 0;
  let s = 0;
  let pm: boolean | null = null;
  let pos = 0;
  const num = (maxLen: number): number => {
    const m = new RegExp(`^\\d{1,${maxLen}}`).exec(text.slice(pos));
    if (!m) throw new Error(`ORA-01861: literal does not match format string`);
    pos += m[0].length;
    return Number(m[0]);
  };
  let k = 0;
  while (k < f.length) {
    const rest = f.slice(k).toUpperCase();
    if (f[k] === '\u0000') {
      pos += 1;
      k += 2;
    } else if (rest.startsWith('YYYY')) {
      y = num(4);
      k += 4;
    } else if (rest.startsWith('MM')) {
      mo = num(2);
      k += 2;
    } else if (rest.startsWith('DD')) {
      d = num(2);
      k += 2;
    } else if (rest.startsWith('HH24')) {
      h = num(2);
      k += 4;
    } else if (rest.startsWith('HH12') || rest.startsWith('HH')) {
      h = num(2);
      k += rest.startsWith('HH12') ? 4 : 2;
    } else if (rest.startsWith('MI')) {
      mi = num(2);
      k += 2;
    } else if (rest.startsWith('SS')) {
      s = num(2);
      k += 2;
    } else if (rest.startsWith('AM') || rest.startsWith('PM')) {
      pm = text.slice(pos, pos + 2).toUpperCase() === 'PM';
      pos += 2;
      k += 2;
    } else {
      pos += 1;
      k += 1;
    }
  }
  if (pos < text.length && text.slice(pos).trim() !== '') throw new Error('ORA-01830: date format picture ends before converting entire input string');
  if (pm !== null) h = (h % 12) + (pm ? 12 : 0);
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  if (!Number.isFinite(ms) || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) throw new Error('ORA-01843: not a valid month');
  return ms / 1000 / 86_400;
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

function formatOracleDate(days: number, fmt: string): string {
  const dt = daysToDate(days);
  const p2 = (n: number): string => String(n).padStart(2, '0');
  let out = '';
  let k = 0;
  while (k < fmt.length) {
    const rest = fmt.slice(k);
    const up = rest.toUpperCase();
    if (rest[0] === '"') {
      const e = rest.indexOf('"', 1);
      out += e < 0 ? rest.slice(1) : rest.slice(1, e);
      k += e < 0 ? rest.length : e + 1;
    } else if (up.startsWith('YYYY')) {
      out += String(dt.getUTCFullYear());
      k += 4;
    } else if (up.startsWith('YY')) {
      out += p2(dt.getUTCFullYear() % 100);
      k += 2;
    } else if (up.startsWith('MONTH')) {
      out += dt.toLocaleString('en-US', { month: 'long', timeZone: 'UTC' }).toUpperCase();
      k += 5;
    } else if (up.startsWith('MON')) {
      out += MONTHS[dt.getUTCMonth()] ?? '';
      k += 3;
    } else if (up.startsWith('MM')) {
      out += p2(dt.getUTCMonth() + 1);
      k += 2;
    } else if (up.startsWith('DD')) {
      out += p2(dt.getUTCDate());
      k += 2;
    } else if (up.startsWith('HH24')) {
      out += p2(dt.getUTCHours());
      k += 4;
    } else if (up.startsWith('HH12') || up.startsWith('HH')) {
      out += p2(dt.getUTCHours() % 12 || 12);
      k += up.startsWith('HH12') ? 4 : 2;
    } else if (up.startsWith('MI')) {
      out += p2(dt.getUTCMinutes());
      k += 2;
    } else if (up.startsWith('SS')) {
      out += p2(dt.getUTCSeconds());
      k += 2;
    } else if (up.startsWith('FF3') || up.startsWith('FF')) {
      out += String(dt.getUTCMilliseconds()).padStart(3, '0');
      k += up.startsWith('FF3') ? 3 : 2;
    } else if (up.startsWith('AM') || up.startsWith('PM')) {
      out += dt.getUTCHours() < 12 ? 'AM' : 'PM';
      k += 2;
    } else {
      out += rest[0];
      k += 1;
    }
  }
  return out;
}

const STATUS_LABELS: Record<string, [string, Record<string, string>]> = {
  SalesOrd: ['Sales Order', { A: 'Pending Approval', B: 'Pending Fulfillment', C: 'Cancelled', D: 'Partially Fulfilled', E: 'Pending Billing/Partially Fulfilled', F: 'Pending Billing', G: 'Billed', H: 'Closed' }],
  ItemShip: ['Item Fulfillment', { A: 'Picked', B: 'Packed', C: 'Shipped' }],
  CustInvc: ['Invoice', { A: 'Open', B: 'Paid In Full', V: 'Voided' }],
  CustPymt: ['Payment', { A: 'Unapproved Payment', B: 'Not Deposited', C: 'Deposited' }],
  RtnAuth: ['Return Authorization', { A: 'Pending Approval', B: 'Pending Receipt', C: 'Cancelled', D: 'Partially Received', E: 'Pending Refund/Partially Received', F: 'Pending Refund', G: 'Refunded', H: 'Closed' }],
  CustCred: ['Credit Memo', { A: 'Open', B: 'Fully Applied' }],
};

export function typeLabel(type: string): string {
  return STATUS_LABELS[type]?.[0] ?? type;
}

export function statusLabel(type: string, status: string): string {
  return STATUS_LABELS[type]?.[1][status] ?? status;
}

const num = (v: SqlValue): number | null => (v == null ? null : typeof v === 'number' ? v : Number(v));

/** REGEXP_REPLACE(source, pattern[, replacement]) over a POSIX-style pattern, as Oracle runs it. */
function regexpReplace(s: SqlValue, p: SqlValue, r: SqlValue): string | null {
  if (s == null) return null;
  if (p == null) return String(s);
  let re: RegExp;
  try {
    re = new RegExp(String(p), 'gu');
  } catch {
    throw new Error('ORA-12726: unmatched bracket in regular expression');
  }
  const out = String(s).replace(re, () => (r == null ? '' : String(r)));
  // Oracle's empty string is NULL.
  return out === '' ? null : out;
}

/** Registers the Oracle-flavoured functions under the private names the rewriter emits. */
export function registerFunctions(db: Database, clock: () => Date): void {
  db.create_function('ns_sysdate', () => Math.floor(clock().getTime() / 1000) / 86_400);
  db.create_function('ns_nvl2', (a: SqlValue, b: SqlValue, c: SqlValue) => (a == null ? c : b));
  db.create_function('ns_round', (a: SqlValue) => (a == null ? null : Math.round(Number(a))));
  db.create_function('ns_round', (a: SqlValue, n: SqlValue) => {
    if (a == null) return null;
    const f = 10 ** Number(n ?? 0);
    return Math.round(Number(a) * f) / f;
  });
  const substr = (s: SqlValue, p: SqlValue, n?: SqlValue): SqlValue => {
    if (s == null || p == null) return null;
    const str = String(s);
    let start = Number(p);
    if (start === 0) start = 1;
    if (start < 0) start = str.length + start + 1;
    const r = n === undefined ? str.slice(start - 1) : str.slice(start - 1, start - 1 + Number(n));
    return r === '' ? null : r;
  };
  db.create_function('ns_substr', (s: SqlValue, p: SqlValue) => substr(s, p));
  db.create_function('ns_substr', (s: SqlValue, p: SqlValue, n: SqlValue) => substr(s, p, n));
  db.create_function('ns_instr', (s: SqlValue, sub: SqlValue) => (s == null || sub == null ? null : String(s).indexOf(String(sub)) + 1));
  db.create_function('ns_instr', (s: SqlValue, sub: SqlValue, p: SqlValue) =>
    s == null || sub == null ? null : String(s).indexOf(String(sub), Math.max(0, Number(p) - 1)) + 1,
  );
  const pad = (left: boolean) => (s: SqlValue, n: SqlValue, ch?: SqlValue): SqlValue => {
    if (s == null || n == null) return null;
    const str = String(s);
    const len = Number(n);
    const fill = ch == null ? ' ' : String(ch);
    if (str.length >= len) return str.slice(0, len);
    return left ? str.padStart(len, fill) : str.padEnd(len, fill);
  };
  db.create_function('ns_lpad', (s: SqlValue, n: SqlValue) => pad(true)(s, n));
  db.create_function('ns_lpad', (s: SqlValue, n: SqlValue, c: SqlValue) => pad(true)(s, n, c));
  db.create_function('ns_rpad', (s: SqlValue, n: SqlValue) => pad(false)(s, n));
  db.create_function('ns_rpad', (s: SqlValue, n: SqlValue, c: SqlValue) => pad(false)(s, n, c));
  db.create_function('ns_concat', (a: SqlValue, b: SqlValue) => {
    const r = `${a ?? ''}${b ?? ''}`;
    return r === '' ? null : r;
  });
  db.create_function('ns_initcap', (s: SqlValue) => (s == null ? null : String(s).toLowerCase().replace(/(^|[^a-z0-9])([a-z])/g, (_m, p: string, c: string) => p + c.toUpperCase())));
  db.create_function('ns_to_char', (v: SqlValue) => (v == null ? null : String(v)));
  db.create_function('ns_to_char', (v: SqlValue, fmt: SqlValue) => {
    if (v == null) return null;
    const f = fmt == null ? '' : String(fmt);
    if (typeof v === 'number' && /YY|MM|DD|HH|MI|SS|MON/i.test(f)) return formatOracleDate(v, f);
    return String(v);
  });
  db.create_function('ns_to_date', (v: SqlValue) => (v == null ? null : typeof v === 'number' ? v : parseOracleDate(String(v), null)));
  db.create_function('ns_to_date', (v: SqlValue, fmt: SqlValue) => (v == null ? null : typeof v === 'number' ? v : parseOracleDate(String(v), fmt == null ? null : String(fmt))));
  db.create_function('ns_to_number', (v: SqlValue) => {
    if (v == null) return null;
    const n = Number(v);
    if (!Number.isFinite(n)) throw new Error('ORA-01722: invalid number');
    return n;
  });
  db.create_function('ns_trunc', (v: SqlValue) => (v == null ? null : Math.trunc(Number(v))));
  db.create_function('ns_trunc', (v: SqlValue, n: SqlValue) => {
    if (v == null) return null;
    if (typeof n === 'string' && /^[a-z]+$/i.test(n)) return Math.floor(Number(v));
    const f = 10 ** Number(n ?? 0);
    return Math.trunc(Number(v) * f) / f;
  });
  db.create_function('ns_floor', (v: SqlValue) => (v == null ? null : Math.floor(Number(v))));
  db.create_function('ns_ceil', (v: SqlValue) => (v == null ? null : Math.ceil(Number(v))));
  db.create_function('ns_mod', (a: SqlValue, b: SqlValue) => {
    const x = num(a);
    const y = num(b);
    if (x == null || y == null) return null;
    return y === 0 ? x : x % y;
  });
  db.create_function('ns_add_months', (v: SqlValue, n: SqlValue) => {
    if (v == null || n == null) return null;
    const d = daysToDate(Number(v));
    d.setUTCMonth(d.getUTCMonth() + Number(n));
    return d.getTime() / 86_400_000;
  });
  // Oracle's REGEXP_REPLACE with its defaults: every match replaced, a NULL replacement removing it.
  db.create_function('ns_regexp_replace', (s: SqlValue, p: SqlValue) => regexpReplace(s, p, null));
  db.create_function('ns_regexp_replace', (s: SqlValue, p: SqlValue, r: SqlValue) => regexpReplace(s, p, r));
  db.create_function('ns_df_status', (type: SqlValue, status: SqlValue) => (status == null ? null : `${typeLabel(String(type))} : ${statusLabel(String(type), String(status))}`));
  db.create_function('ns_df_type', (type: SqlValue) => (type == null ? null : typeLabel(String(type))));
  db.create_function('ns_df_entity', (entityid: SqlValue, altname: SqlValue) => (entityid == null ? null : altname ? `${entityid} ${altname}` : String(entityid)));
  db.create_function('ns_df_hold', (v: SqlValue) => (v == null ? null : ({ AUTO: 'Auto', ON: 'On', OFF: 'Off' } as Record<string, string>)[String(v)] ?? String(v)));
}

// ------------------------------------------------------------------ execution

/** Renders a number as Oracle prints a NUMBER: no float residue, no trailing zeros. */
function numberText(n: number): string {
  if (Number.isInteger(n)) return String(n);
  return String(Number(n.toFixed(8)));
}

export interface SuiteQlPage {
  items: Record<string, string | never[]>[];
  totalResults: number;
}

function translateSqliteError(message: string): NsError {
  let m = /no such column: (.+)$/.exec(message);
  if (m) return suiteQlError(`Unknown identifier '${(m[1] ?? '').replace(/^.*\./, '').replace(/"/g, '')}'.`);
  m = /no such table: (.+)$/.exec(message);
  if (m) return suiteQlError(`Record '${(m[1] ?? '').replace(/"/g, '')}' was not found.`);
  m = /ORA-\d+: .*/.exec(message);
  if (m) return suiteQlError(m[0]);
  return suiteQlError(GENERIC);
}

/** Runs a SuiteQL query and returns one page of shaped items plus the total count. */
export function runSuiteQl(db: Database, q: string, offset: number, limit: number): SuiteQlPage {
  const { sql, dateKeys } = rewrite(q);
  for (const m of sql.matchAll(/\bfrom\s+("?)([a-z_][a-z0-9_]*)\1/gi)) {
    const name = (m[2] ?? '').toLowerCase();
    if (!TABLES.has(name)) throw suiteQlError(`Record '${m[2] ?? ''}' was not found.`);
  }
  for (const m of sql.matchAll(/\bjoin\s+("?)([a-z_][a-z0-9_]*)\1/gi)) {
    const name = (m[2] ?? '').toLowerCase();
    if (!TABLES.has(name)) throw suiteQlError(`Record '${m[2] ?? ''}' was not found.`);
  }
  let st;
  try {
    st = db.prepare(sql);
  } catch (e) {
    throw translateSqliteError((e as Error).message);
  }
  try {
    const cols = st.getColumnNames().map((c) => c.toLowerCase());
    const items: Record<string, string | never[]>[] = [];
    let total = 0;
    for (;;) {
      let more: boolean;
      try {
        more = st.step();
      } catch (e) {
        throw translateSqliteError((e as Error).message);
      }
      if (!more) break;
      if (total >= offset && total < offset + limit) {
        const row = st.get();
        const item: Record<string, string | never[]> = { links: [] };
        cols.forEach((c, k) => {
          const v = row[k];
          if (v == null) return;
          if (typeof v === 'number') item[c] = dateKeys.has(c) ? formatAccountDate(v) : numberText(v);
          else if (typeof v === 'string') {
            if (v !== '') item[c] = v;
          } else item[c] = Buffer.from(v).toString('base64');
        });
        items.push(item);
      }
      total++;
    }
    return { items, totalResults: total };
  } finally {
    st.free();
  }
}
