/**
 * Exact money arithmetic for ERP amounts. NetSuite renders numbers as decimal
 * strings ("129.9", "-5", "1200"); adding them as JS floats would drift by
 * fractions of a cent, so every amount becomes integer cents (BigInt) on the way
 * in and a two-place decimal string on the way out.
 */

export interface Money {
  /** Two fraction digits, e.g. "129.90". */
  amount: string;
  /** ISO 4217 code, e.g. "USD". */
  currency: string;
}

const DECIMAL = /^([+-])?(\d*)(?:\.(\d*))?$/;

/**
 * Parses a decimal string to integer cents, rounding half away from zero beyond
 * two places. Returns undefined for text that is not a plain decimal number.
 */
export function toCents(text: string | undefined | null): bigint | undefined {
  if (text == null) return undefined;
  const trimmed = text.trim();
  const m = DECIMAL.exec(trimmed);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) {
    // Exponent notation only appears for values far below a cent; round through toFixed.
    const n = Number(trimmed);
    if (trimmed === '' || !Number.isFinite(n)) return undefined;
    return toCents(n.toFixed(2));
  }
  const negative = m[1] === '-';
  const whole = BigInt(m[2] === '' ? '0' : (m[2] as string));
  const frac = (m[3] ?? '').padEnd(3, '0');
  let cents = whole * 100n + BigInt(frac.slice(0, 2));
  if (Number(frac[2]) >= 5) cents += 1n;
  return negative ? -cents : cents;
}

/** Formats integer cents as a decimal string with two fraction digits. */
export function formatCents(cents: bigint): string {
  const negative = cents < 0n;
  const abs = negative ? -cents : cents;
  const text = `${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
  return negative ? `-${text}` : text;
}

export function money(cents: bigint, currency: string): Money {
  return { amount: formatCents(cents), currency };
}
