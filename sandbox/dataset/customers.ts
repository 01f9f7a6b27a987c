/**
 * The customer as all three systems share it: the customer number, segment,
 * country, name, e-mail and phone, drawn once per customer before each system
 * draws its own records from the same stream.
 *
 * Guaranteed fixtures (tests across the project rely on them; keep them stable):
 * - C-000001: consumer with exactly one order, placed within the last day before
 *   `asOf`, status B (pending fulfillment) and not released to the warehouse
 *   (custbody_wms_released 'F', so it can still be cancelled), and exactly one
 *   Zendesk ticket, status 'open', linked to that order.
 * - C-000002: consumer with no orders.
 * - C-000003: business with 150-400 orders; one of them (200-400 days old) is
 *   billed, paid in full, and has a refunded return (RtnAuth 'G' plus CustCred).
 * - C-000004: business with 150-400 orders.
 * - C-000005: business on credit hold ('ON'), terms Net 30, with at least one
 *   open, overdue, unpaid invoice (from an order 60-120 days old).
 * - C-000006: business "O'Neill's Boutique" with four contacts.
 * - C-000007: consumer "Siobhan O'Brien" (GB).
 * - C-000008: consumer "Jürgen Müller" (DE, München).
 * - C-000009: consumer "Zoë D'Angelo" (CA, Montréal).
 * - C-000010: consumer "Inés Ñúñez" (US, Española).
 * Fixtures beyond the requested size are simply absent.
 */
import { between, DAY, slug, weighted } from './common.js';
import type { NsBool, NsCustomer } from './model.js';
import { COMPANY_PATTERNS, COMPANY_WORDS, type COUNTRIES, FIRST_NAMES, LAST_NAMES } from './names.js';
import { TERM_NET_30 } from './netsuite.js';
import type { Random } from './random.js';

/** Customer numbers have six digits. */
const MAX_CUSTOMER_NUMBER = 999_999;
/** C-980000 to C-980999 are kept for the crosswalk fixtures (crosswalk.ts), so a dataset stops below them. */
export const MAX_CUSTOMERS = 979_999;

/** The enterprise customer number: 42 -> "C-000042". */
export function customerNumber(n: number): string {
  if (!Number.isInteger(n) || n < 1 || n > MAX_CUSTOMER_NUMBER) {
    throw new RangeError(`expected a customer index between 1 and ${MAX_CUSTOMER_NUMBER}, got ${n}`);
  }
  return `C-${String(n).padStart(6, '0')}`;
}

export type Segment = 'Consumer' | 'Business';
export type CountryCode = keyof typeof COUNTRIES;

export interface OrderForce {
  /** Age window of the order, in days before asOf. */
  ageDays: readonly [number, number];
  status: 'B' | 'G';
  wms?: NsBool;
  payment?: 'paid' | 'unpaid';
  refundedReturn?: boolean;
}

export interface Fixture {
  segment: Segment;
  first?: string;
  last?: string;
  company?: string;
  country?: CountryCode;
  city?: string;
  orders?: number | readonly [number, number];
  contacts?: number;
  creditHold?: NsCustomer['credithold'];
  terms?: number;
  force?: OrderForce;
  /** Exactly one open ticket, linked to the customer's only order. */
  openOrderTicket?: boolean;
}

// Kept in step with the list in the header comment.
const FIXTURES: Readonly<Record<number, Fixture>> = {
  1: { segment: 'Consumer', orders: 1, force: { ageDays: [0.2, 0.8], status: 'B', wms: 'F' }, openOrderTicket: true },
  2: { segment: 'Consumer', orders: 0 },
  3: {
    segment: 'Business',
    orders: [150, 400],
    force: { ageDays: [200, 400], status: 'G', payment: 'paid', refundedReturn: true },
  },
  4: { segment: 'Business', orders: [150, 400] },
  5: {
    segment: 'Business',
    orders: [3, 8],
    creditHold: 'ON',
    terms: TERM_NET_30,
    force: { ageDays: [60, 120], status: 'G', payment: 'unpaid' },
  },
  6: { segment: 'Business', company: "O'Neill's Boutique", contacts: 4 },
  7: { segment: 'Consumer', first: 'Siobhan', last: "O'Brien", country: 'GB' },
  8: { segment: 'Consumer', first: 'Jürgen', last: 'Müller', country: 'DE', city: 'München' },
  9: { segment: 'Consumer', first: 'Zoë', last: "D'Angelo", country: 'CA', city: 'Montréal' },
  10: { segment: 'Consumer', first: 'Inés', last: 'Ñúñez', country: 'US', city: 'Española' },
};

/** One customer, as every system knows them. */
export interface Customer {
  n: number;
  number: string;
  fixture: Fixture | undefined;
  segment: Segment;
  country: CountryCode;
  first: string;
  last: string;
  company: string | null;
  /** The company for a business, the person otherwise. */
  name: string;
  /** The e-mail domain: the company's own for a business, so its contacts share it. */
  domain: string;
  email: string;
  phone: string | null;
  createdMs: number;
}

/** Who writes to the service desk for a customer: the person, or a business's first contact. */
export interface EndUser {
  name: string;
  email: string;
}

/** Names and e-mail addresses already given out, so that every one is unique across the dataset. */
export class NameBook {
  private readonly usedNames = new Set<string>();
  private readonly usedEmails = new Set<string>();

  constructor(count: number) {
    for (const [n, fixture] of Object.entries(FIXTURES)) {
      if (Number(n) <= count && fixture.first && fixture.last) this.usedNames.add(`${fixture.first} ${fixture.last}`);
      if (Number(n) <= count && fixture.company) this.usedNames.add(fixture.company);
    }
  }

  uniqueEmail(local: string, domain: string, n: number): string {
    let email = `${local}@${domain}`;
    if (this.usedEmails.has(email)) email = `${local}${n}@${domain}`;
    for (let k = 2; this.usedEmails.has(email); k += 1) email = `${local}${n}.${k}@${domain}`;
    this.usedEmails.add(email);
    return email;
  }

  personName(rng: Random, n: number): { first: string; last: string } {
    for (let attempt = 0; ; attempt += 1) {
      const first = rng.pick(FIRST_NAMES);
      let last = rng.pick(LAST_NAMES);
      // Past a few draws the lists are crowded; a middle initial, then the number, keeps names unique.
      if (attempt >= 30) last = `${last} ${n}`;
      else if (attempt >= 5) last = `${String.fromCharCode(65 + rng.int(0, 25))}. ${last}`;
      const full = `${first} ${last}`;
      if (!this.usedNames.has(full)) {
        this.usedNames.add(full);
        return { first, last };
      }
    }
  }

  companyName(rng: Random, n: number): string {
    for (let attempt = 0; ; attempt += 1) {
      let name = rng
        .pick(COMPANY_PATTERNS)
        .replace('{last}', rng.pick(LAST_NAMES))
        .replace('{word}', rng.pick(COMPANY_WORDS));
      if (attempt >= 20) name = `${name} ${n}`;
      if (!this.usedNames.has(name)) {
        this.usedNames.add(name);
        return name;
      }
    }
  }
}

export function phone(rng: Random, country: CountryCode): string {
  const d = (k: number): string => String(rng.int(0, 10 ** k - 1)).padStart(k, '0');
  switch (country) {
    // 555-01xx, 020 7946 0xxx and the like are reserved for fiction.
    case 'US':
      return `+1 ${rng.pick(['212', '415', '312', '713', '206', '303', '617', '305', '404', '503'])}-555-01${d(2)}`;
    case 'CA':
      return `+1 ${rng.pick(['416', '514', '604', '403', '613', '902'])}-555-01${d(2)}`;
    case 'GB':
      return `+44 20 7946 0${d(3)}`;
    case 'DE':
      return `+49 30 23125 ${d(3)}`;
    default: {
      const unreachable: never = country;
      throw new Error(`unknown country ${String(unreachable)}`);
    }
  }
}

/** Draws customer `n` from the start of its stream; each system then draws its records from where this stops. */
export function drawCustomer(rng: Random, n: number, names: NameBook, asOfMs: number): Customer {
  const fixture = FIXTURES[n];
  const segment: Segment = fixture?.segment ?? (rng.chance(0.3) ? 'Business' : 'Consumer');
  const business = segment === 'Business';
  const country: CountryCode =
    fixture?.country ?? weighted<CountryCode>(rng, [['US', 70], ['CA', 10], ['GB', 10], ['DE', 10]]);

  const person = fixture?.first && fixture.last ? { first: fixture.first, last: fixture.last } : names.personName(rng, n);
  const company = business ? (fixture?.company ?? names.companyName(rng, n)) : null;
  const name = company ?? `${person.first} ${person.last}`;

  const domain = business ? `${slug(company ?? '', '-')}.example` : rng.pick(['example.com', 'example.net', 'example.org', 'mail.example.com']);
  const local = business
    ? rng.pick(['orders', 'accounts', 'purchasing', 'info'])
    : rng.chance(0.75)
      ? `${slug(person.first, '.')}.${slug(person.last, '.')}`
      : `${slug(person.first, '.').charAt(0)}${slug(person.last, '')}${rng.int(1, 99)}`;
  const email = names.uniqueEmail(local, domain, n);
  const phoneNumber = rng.chance(0.9) ? phone(rng, country) : null;

  const createdMs = rng.chance(0.85)
    ? between(rng, asOfMs - 6 * 365 * DAY, asOfMs - 731 * DAY)
    : between(rng, asOfMs - 730 * DAY, asOfMs - 14 * DAY);
  const fixedCreated = fixture ? between(rng, asOfMs - 5 * 365 * DAY, asOfMs - 800 * DAY) : createdMs;

  return {
    n,
    number: customerNumber(n),
    fixture,
    segment,
    country,
    first: person.first,
    last: person.last,
    company,
    name,
    domain,
    email,
    phone: phoneNumber,
    createdMs: fixedCreated,
  };
}
