/**
 * Helpers every part of the dataset draws with: time units, the seeded streams,
 * weighted draws, and the formats the systems print (cents as decimals, instants,
 * ASCII slugs).
 */
import type { Random } from './random.js';

export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

/** Independent stream per (domain, index), so that one customer's draws never shift another's. */
export function streamSeed(seed: number, domain: number, index: number): number {
  const high = Math.floor(seed / 4294967296);
  let h = (seed ^ Math.imul(high, 0x27d4eb2f) ^ 0x9e3779b9) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ domain ^ (h >>> 13), 0xc2b2ae35);
  h = Math.imul(h ^ index ^ (h >>> 16), 0x85ebca6b);
  return (h ^ (h >>> 13)) >>> 0;
}

export const STREAM = { catalog: 1, customer: 2, orders: 3, tickets: 4, agents: 5, crosswalk: 6 } as const;

export function weighted<T>(rng: Random, entries: readonly (readonly [T, number])[]): T {
  let total = 0;
  for (const entry of entries) total += entry[1];
  let r = rng.next() * total;
  for (const entry of entries) {
    r -= entry[1];
    if (r < 0) return entry[0];
  }
  return (entries[entries.length - 1] as readonly [T, number])[0];
}

/** A moment in [lo, hi); lo when the window is empty. */
export function between(rng: Random, lo: number, hi: number): number {
  return hi > lo ? lo + Math.floor(rng.next() * (hi - lo)) : lo;
}

export function formatCents(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

export const isoMs = (ms: number): string => new Date(ms).toISOString();
/** Zendesk prints instants without milliseconds. */
export const isoSeconds = (ms: number): string => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
export const dayOf = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
export const addDays = (day: string, days: number): string => dayOf(Date.parse(`${day}T00:00:00.000Z`) + days * DAY);

/** Letters that NFD does not decompose into base letter plus accent. */
const FOLD_EXTRA: Readonly<Record<string, string>> = {
  ß: 'ss', Ł: 'L', ł: 'l', Ø: 'O', ø: 'o', Æ: 'Ae', æ: 'ae', Œ: 'Oe', œ: 'oe', Đ: 'D', đ: 'd', Þ: 'Th', þ: 'th', ı: 'i',
};

/** "Jürgen Müller" -> "jurgen muller": e-mail local parts and domains stay ASCII. */
function asciiFold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[ßŁłØøÆæŒœĐđÞþı]/g, (ch) => FOLD_EXTRA[ch] ?? '')
    .toLowerCase();
}

export const slug = (text: string, sep: string): string =>
  asciiFold(text)
    .replace(/[^a-z0-9]+/g, (m) => (/['’]/.test(m) && m.length === 1 ? '' : sep))
    .replace(new RegExp(`^\\${sep}+|\\${sep}+$`, 'g'), '');

