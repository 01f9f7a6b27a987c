/**
 * Turning SuiteQL's text values into the graph's value types. SuiteQL returns
 * every value as a string, numbers without trailing zeros ("129.9"), dates in
 * the account's date format unless the query formats them, and omits nulls.
 */

/** The graph's Money: a two-place decimal string and an ISO 4217 code. */
export interface Money {
  amount: string;
  currency: string;
}

const DECIMAL = /^(-)?(\d*)(?:\.(\d*))?$/;

/**
 * A decimal string with exactly two fraction digits, rounded half away from zero,
 * computed on the digits so no binary float ever touches an amount.
 */
export function twoPlaces(text: string | undefined): string | undefined {
  if (text == null) return undefined;
  const t = text.trim();
  const m = DECIMAL.exec(t);
  if (!m || (!m[2] && !m[3])) {
    // Exponent notation only shows up for amounts far below a cent.
    const n = Number(t);
    return t !== '' && Number.isFinite(n) ? twoPlaces(n.toFixed(2)) : undefined;
  }
  const frac = (m[3] ?? '').padEnd(3, '0');
  let cents = BigInt(m[2] || '0') * 100n + BigInt(frac.slice(0, 2));
  if (Number(frac[2]) >= 5) cents += 1n;
  const sign = m[1] && cents !== 0n ? '-' : '';
  return `${sign}${cents / 100n}.${String(cents % 100n).padStart(2, '0')}`;
}

/** Whole cents of a decimal string (0 when absent or unreadable), for comparisons that must be exact. */
export function cents(text: string | undefined): bigint {
  const t = twoPlaces(text);
  return t === undefined ? 0n : BigInt(t.replace('.', ''));
}

export function money(text: string | undefined, currency: string): Money {
  return { amount: twoPlaces(text) ?? '0.00', currency };
}

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
