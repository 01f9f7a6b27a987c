/**
 * The matching rule for records that lack the customer number (docs/identity.md#the-matching-rule).
 * Deterministic and explainable: a record is compared with the customer on three
 * attributes, each normalised first, and the confidence is computed from which of
 * them agree, so the same inputs always give the same score and the score says
 * why (`matchedOn`).
 *
 * - **email**: trimmed and lower-cased;
 * - **phone**: in E.164 (`+` and 8 to 15 digits), a national number taking the
 *   configured country calling code;
 * - **name+postcode**: the name without accents, punctuation, case or word order,
 *   together with the postcode without spaces or case. Both must agree: a name
 *   alone is too common to link on.
 *
 * confidence = 1 − Π(1 − weight) over the attributes that agree (each attribute is
 * independent evidence), and 0 if any attribute both sides hold disagrees on email
 * (two different e-mail addresses are two people, whatever else agrees).
 */
import { z } from 'zod';
import { parseSettings } from './config.js';

/** What the rule compares: the customer as Salesforce holds it, or another system's record. */
export interface MatchAttributes {
  email?: string | null;
  phone?: string | null;
  name?: string | null;
  postcode?: string | null;
}

export type MatchAttribute = 'email' | 'phone' | 'name+postcode';

export interface MatchRule {
  /** How much each attribute's agreement counts, 0..1. */
  weights: Record<MatchAttribute, number>;
  /** From this confidence a record is listed as a candidate (`linkedBy: MATCHED`). @default 0.6 */
  showThreshold: number;
  /** From this confidence a candidate is marked as suggested for confirmation. @default 0.85 */
  suggestThreshold: number;
  /** The country calling code a phone number without one is taken to have, digits only. @default "1" */
  defaultCountryCode: string;
}

export interface MatchResult {
  /** 0..1, rounded to three decimals so that the score is stable as text. */
  confidence: number;
  /** The attributes that agreed, strongest first. */
  matchedOn: MatchAttribute[];
}

/** The rule's order of attributes: strongest first. */
const ATTRIBUTES: readonly MatchAttribute[] = ['email', 'phone', 'name+postcode'];

export function normalizeEmail(raw: string | null | undefined): string | null {
  const e = raw?.trim().toLowerCase() ?? '';
  return /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(e) ? e : null;
}

/** E.164, or null for something that cannot be a phone number. */
export function normalizePhone(raw: string | null | undefined, defaultCountryCode: string): string | null {
  const text = raw?.trim() ?? '';
  if (!text) return null;
  // Extensions are not part of the number.
  const main = text.split(/\s*(?:x|ext\.?|#)\s*\d+$/i)[0] ?? '';
  const digits = main.replace(/\D/g, '');
  let e164: string;
  if (main.startsWith('+')) e164 = digits;
  else if (digits.startsWith('00')) e164 = digits.slice(2);
  else if (defaultCountryCode === '1' && digits.length === 11 && digits.startsWith('1')) e164 = digits;
  else e164 = defaultCountryCode + digits.replace(/^0+/, '');
  return /^[1-9]\d{7,14}$/.test(e164) ? `+${e164}` : null;
}

/** A name as a key: no accents, punctuation, case or word order ("Müller, Anna" = "anna muller"). */
export function normalizeName(raw: string | null | undefined): string | null {
  const words = (raw ?? '')
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
    .split(' ')
    .filter(Boolean)
    .sort();
  return words.length > 0 ? words.join(' ') : null;
}

export function normalizePostcode(raw: string | null | undefined): string | null {
  const p = (raw ?? '').replace(/[\s-]+/g, '').toUpperCase();
  return /^[A-Z0-9]{3,10}$/.test(p) ? p : null;
}

/** One attribute on both sides: agree, disagree, or unknown when either side lacks it. */
function compare(rule: MatchRule, attribute: MatchAttribute, a: MatchAttributes, b: MatchAttributes): 'agree' | 'disagree' | 'unknown' {
  let x: string | null;
  let y: string | null;
  switch (attribute) {
    case 'email':
      [x, y] = [normalizeEmail(a.email), normalizeEmail(b.email)];
      break;
    case 'phone':
      [x, y] = [normalizePhone(a.phone, rule.defaultCountryCode), normalizePhone(b.phone, rule.defaultCountryCode)];
      break;
    case 'name+postcode': {
      const [na, nb, pa, pb] = [normalizeName(a.name), normalizeName(b.name), normalizePostcode(a.postcode), normalizePostcode(b.postcode)];
      [x, y] = [na && pa ? `${na}|${pa}` : null, nb && pb ? `${nb}|${pb}` : null];
      break;
    }
    default: {
      const never: never = attribute;
      throw new Error(`unknown match attribute ${String(never)}`);
    }
  }
  if (x === null || y === null) return 'unknown';
  return x === y ? 'agree' : 'disagree';
}

/** How well a record matches a customer, by the rule. */
export function matchScore(rule: MatchRule, customer: MatchAttributes, record: MatchAttributes): MatchResult {
  const verdicts = ATTRIBUTES.map((attribute) => ({ attribute, verdict: compare(rule, attribute, customer, record) }));
  if (verdicts.some((v) => v.attribute === 'email' && v.verdict === 'disagree')) return { confidence: 0, matchedOn: [] };
  const matchedOn = verdicts.filter((v) => v.verdict === 'agree').map((v) => v.attribute);
  const miss = matchedOn.reduce((p, a) => p * (1 - rule.weights[a]), 1);
  return { confidence: Math.round((1 - miss) * 1000) / 1000, matchedOn };
}

/** The rule from the environment (docs/configuration.md lists the variables). */
export function loadMatchRule(env: Record<string, string | undefined> = process.env): MatchRule {
  const weight = z.coerce.number().min(0).max(1);
  const c = parseSettings(
    'identity matching',
    z
      .object({
        IDENTITY_MATCH_EMAIL_WEIGHT: weight.default(0.9),
        IDENTITY_MATCH_PHONE_WEIGHT: weight.default(0.75),
        IDENTITY_MATCH_NAME_POSTCODE_WEIGHT: weight.default(0.6),
        IDENTITY_MATCH_SHOW_THRESHOLD: weight.default(0.6),
        IDENTITY_MATCH_SUGGEST_THRESHOLD: weight.default(0.85),
        IDENTITY_MATCH_COUNTRY_CODE: z.string().regex(/^[1-9]\d{0,2}$/, 'expected a country calling code of 1 to 3 digits, e.g. 1 or 44').default('1'),
      })
      .refine((s) => s.IDENTITY_MATCH_SUGGEST_THRESHOLD >= s.IDENTITY_MATCH_SHOW_THRESHOLD, {
        message: 'IDENTITY_MATCH_SUGGEST_THRESHOLD must be at least IDENTITY_MATCH_SHOW_THRESHOLD',
        path: ['IDENTITY_MATCH_SUGGEST_THRESHOLD'],
      }),
    env,
  );
  return {
    weights: { email: c.IDENTITY_MATCH_EMAIL_WEIGHT, phone: c.IDENTITY_MATCH_PHONE_WEIGHT, 'name+postcode': c.IDENTITY_MATCH_NAME_POSTCODE_WEIGHT },
    showThreshold: c.IDENTITY_MATCH_SHOW_THRESHOLD,
    suggestThreshold: c.IDENTITY_MATCH_SUGGEST_THRESHOLD,
    defaultCountryCode: c.IDENTITY_MATCH_COUNTRY_CODE,
  };
}
