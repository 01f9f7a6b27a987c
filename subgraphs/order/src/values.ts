/**
 * Turning SuiteQL's text values into the graph's value types. SuiteQL returns
 * every value as a string, numbers without trailing zeros ("129.9"), dates in
 * the account's date format unless the query formats them, and omits nulls.
 * Amounts go through lib/money.ts, which finance shares.
 */

/** Absolute value of a SuiteQL number as an integer (quantities of some line types come back negative). */
export function quantity(text: string | undefined): number {
  const n = Number(text ?? '0');
  return Number.isFinite(n) ? Math.round(Math.abs(n)) : 0;
}

/**
 * SuiteQL format for datetime columns: SuiteQL renders a bare date column as a
 * date only (in the account's format), losing the time, so the connector asks for
 * this explicit format.
 */
export const SUITEQL_INSTANT_FORMAT = 'YYYY-MM-DD"T"HH24:MI:SS"Z"';

/**
 * An ISO instant from what SuiteQL returned: the explicit format above, an ISO
 * string, "YYYY-MM-DD HH:MI:SS", or an account-format date ("M/D/YYYY", US default,
 * or "D.M.YYYY"). Undefined when the text is none of these.
 */
export function instant(text: string | undefined): string | undefined {
  if (!text) return undefined;
  const t = text.trim();
  let m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(t);
  if (m) {
    const iso = `${m[1]}-${m[2]}-${m[3]}T${m[4] ?? '00'}:${m[5] ?? '00'}:${m[6] ?? '00'}${m[7] ?? 'Z'}`;
    const ms = Date.parse(iso);
    return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
  }
  m = /^(\d{1,2})([/.])(\d{1,2})\2(\d{4})$/.exec(t);
  if (m) {
    const [a, b] = m[2] === '/' ? [Number(m[1]), Number(m[3])] : [Number(m[3]), Number(m[1])];
    const ms = Date.UTC(Number(m[4]), a - 1, b);
    return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
  }
  return undefined;
}
