/**
 * Exact money for amounts that systems of record send as decimal text. NetSuite
 * renders numbers as "129.9", "-5" or "1200"; adding those as JS floats would
 * drift by fractions of a cent, so every amount becomes integer cents (BigInt) on
 * the way in and the graph's two-place decimal string on the way out.
 */

/** The graph's shared `Money` type's value. */
export interface Money {
  /** A decimal string with exactly two fraction digits, e.g. "129.90" or "-5.00". */
  amount: string;
  /** ISO 4217 code, e.g. "USD". */
  currency: string;
}

const DECIMAL = /^([+-])?(\d*)(?:\.(\d*))?$/;

const EXPONENT = /^([+-])?(\d*)(?:\.(\d*))?[eE]([+-]?\d{1,4})$/;

/** "1.5e2" as "150", "4E-9" as "0.000000004": the same digits with the point moved, so no float is involved. */
function expandExponent(text: string): string | undefined {
  const m = EXPONENT.exec(text);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return undefined;
  const digits = `${m[2] ?? ''}${m[3] ?? ''}`;
  const point = (m[2] ?? '').length + Number(m[4]);
  const body =
    point <= 0 ? `0.${'0'.repeat(-point)}${digits}` : point >= digits.length ? digits + '0'.repeat(point - digits.length) : `${digits.slice(0, point)}.${digits.slice(point)}`;
  return `${m[1] ?? ''}${body}`;
}

/**
 * Integer cents of a decimal string, rounded half away from zero beyond two
 * places ("0.005" is 1, "-0.005" is -1); exponent notation ("1.5e2") is read too. Computed on the digits, so no binary
 * float touches an amount. Undefined for null, undefined, and text that is not a
 * decimal number.
 */
export function toCents(text: string | undefined | null): bigint | undefined {
  if (text == null) return undefined;
  const trimmed = text.trim();
  const m = DECIMAL.exec(trimmed);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) {
    const plain = expandExponent(trimmed);
    return plain === undefined ? undefined : toCents(plain);
  }
  const negative = m[1] === '-';
  const whole = BigInt(m[2] === '' ? '0' : (m[2] as string));
  const frac = (m[3] ?? '').padEnd(3, '0');
  let cents = whole * 100n + BigInt(frac.slice(0, 2));
  if (Number(frac[2]) >= 5) cents += 1n;
  return negative ? -cents : cents;
}

/** Integer cents as a decimal string with two fraction digits: 12990n is "129.90", -1n is "-0.01". */
export function formatCents(cents: bigint): string {
  const negative = cents < 0n;
  const abs = negative ? -cents : cents;
  const text = `${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
  return negative ? `-${text}` : text;
}

/** A `Money` value of integer cents in a currency. */
export function money(cents: bigint, currency: string): Money {
  return { amount: formatCents(cents), currency };
}

/** A `Money` value of a decimal string; "0.00" when the text is absent or not a number (SuiteQL omits zero sums). */
export function moneyOf(text: string | undefined | null, currency: string): Money {
  return money(toCents(text) ?? 0n, currency);
}
