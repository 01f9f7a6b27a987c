/**
 * The seeded retail world behind the sandbox servers.
 *
 * Everything is derived from the seed and `asOf`; the wall clock is never read
 * (except for the default `asOf` in {@link datasetOptionsFromEnv}). Each customer
 * draws from its own pseudo-random streams, so customer C-000042 looks the same
 * whether the dataset holds 300 customers or 20,000; only the global numbering
 * of transactions and tickets (which follows time) depends on the size.
 *
 * Money is handled as integer cents from start to end and formatted once, so
 * totals add up exactly.
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
import {
  ORDER_NUMBER_FIELD_ID,
  type DatasetOptions,
  type NsAddress,
  type NsBool,
  type NsCustomer,
  type NsItem,
  type NsTerm,
  type NsTranType,
  type NsTransaction,
  type NsTransactionLine,
  type NsTransactionLink,
  type RetailDataset,
  type SfAccount,
  type SfContact,
  type ZdComment,
  type ZdOrganization,
  type ZdPriority,
  type ZdStatus,
  type ZdTicket,
  type ZdUser,
} from './model.js';
import { createRandom, type Random } from './random.js';
import {
  AGENT_REPLIES,
  COMPANY_PATTERNS,
  COMPANY_WORDS,
  CONTACT_ROLES,
  COUNTRIES,
  CUSTOMER_REPLIES,
  FIRST_NAMES,
  GENERAL_TICKET_SUBJECTS,
  INTERNAL_NOTES,
  LAST_NAMES,
  ORDER_TICKET_SUBJECTS,
  PRODUCT_ADJECTIVES,
  PRODUCT_FAMILIES,
  PRODUCT_MATERIALS,
  RETURN_REASONS,
} from './names.js';

// ---------------------------------------------------------------- public API

export const DEFAULT_SEED = 42;
export const DEFAULT_CUSTOMERS = 2000;
/** Customer numbers have six digits. */
export const MAX_CUSTOMERS = 999_999;

/** The enterprise customer number: 42 -> "C-000042". */
export function customerNumber(n: number): string {
  if (!Number.isInteger(n) || n < 1 || n > MAX_CUSTOMERS) {
    throw new RangeError(`expected a customer index between 1 and ${MAX_CUSTOMERS}, got ${n}`);
  }
  return `C-${String(n).padStart(6, '0')}`;
}

/**
 * Reads the dataset settings from the environment.
 * - `SANDBOX_SEED`: an integer. @default 42
 * - `SANDBOX_CUSTOMERS`: 1..999999. @default 2000
 * - `SANDBOX_AS_OF`: a UTC date `YYYY-MM-DD`. @default today's UTC date
 */
export function datasetOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): DatasetOptions {
  const seedText = env.SANDBOX_SEED?.trim();
  const customersText = env.SANDBOX_CUSTOMERS?.trim();
  const asOfText = env.SANDBOX_AS_OF?.trim();

  let seed = DEFAULT_SEED;
  if (seedText) {
    seed = Number(seedText);
    if (!/^-?\d+$/.test(seedText) || !Number.isSafeInteger(seed)) {
      throw new Error(`SANDBOX_SEED: expected an integer, got '${seedText}'`);
    }
  }

  let customers = DEFAULT_CUSTOMERS;
  if (customersText) {
    customers = Number(customersText);
    if (!/^\d+$/.test(customersText) || customers < 1 || customers > MAX_CUSTOMERS) {
      throw new Error(`SANDBOX_CUSTOMERS: expected a whole number from 1 to ${MAX_CUSTOMERS}, got '${customersText}'`);
    }
  }

  let asOf: Date;
  if (asOfText) {
    const parsed = /^\d{4}-\d{2}-\d{2}$/.test(asOfText) ? new Date(`${asOfText}T00:00:00.000Z`) : null;
    // Date accepts 2025-02-31 by rolling over; the round trip catches it.
    if (!parsed || Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== asOfText) {
      throw new Error(`SANDBOX_AS_OF: expected a date like 2026-11-20 (YYYY-MM-DD, UTC), got '${asOfText}'`);
    }
    asOf = parsed;
  } else {
    asOf = todayUtc();
  }
  return { seed, customers, asOf };
}

/** Generates the whole dataset. Same seed and asOf give a deep-equal result. */
export function generateDataset(options: Partial<DatasetOptions> = {}): RetailDataset {
  const seed = options.seed ?? DEFAULT_SEED;
  const customers = options.customers ?? DEFAULT_CUSTOMERS;
  const asOf = options.asOf ?? todayUtc();
  if (!Number.isSafeInteger(seed)) throw new Error(`dataset seed: expected an integer, got ${seed}`);
  if (!Number.isInteger(customers) || customers < 1 || customers > MAX_CUSTOMERS) {
    throw new Error(`dataset customers: expected a whole number from 1 to ${MAX_CUSTOMERS}, got ${customers}`);
  }
  if (!(asOf instanceof Date) || Number.isNaN(asOf.getTime())) {
    throw new Error(`dataset asOf: expected a valid Date, got ${String(asOf)}`);
  }
  return new Generator(seed, customers, asOf.getTime()).run();
}

// ---------------------------------------------------------------- small helpers

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

function todayUtc(): Date {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}

/** Independent stream per (domain, index), so that one customer's draws never shift another's. */
function streamSeed(seed: number, domain: number, index: number): number {
  const high = Math.floor(seed / 4294967296);
  let h = (seed ^ Math.imul(high, 0x27d4eb2f) ^ 0x9e3779b9) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ domain ^ (h >>> 13), 0xc2b2ae35);
  h = Math.imul(h ^ index ^ (h >>> 16), 0x85ebca6b);
  return (h ^ (h >>> 13)) >>> 0;
}

const STREAM = { catalog: 1, customer: 2, orders: 3, tickets: 4, agents: 5 } as const;

function weighted<T>(rng: Random, entries: readonly (readonly [T, number])[]): T {
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
function between(rng: Random, lo: number, hi: number): number {
  return hi > lo ? lo + Math.floor(rng.next() * (hi - lo)) : lo;
}

function formatCents(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

const isoMs = (ms: number): string => new Date(ms).toISOString();
/** Zendesk prints instants without milliseconds. */
const isoSeconds = (ms: number): string => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
const dayOf = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
const addDays = (day: string, days: number): string => dayOf(Date.parse(`${day}T00:00:00.000Z`) + days * DAY);

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

const slug = (text: string, sep: string): string =>
  asciiFold(text)
    .replace(/[^a-z0-9]+/g, (m) => (/['’]/.test(m) && m.length === 1 ? '' : sep))
    .replace(new RegExp(`^\\${sep}+|\\${sep}+$`, 'g'), '');

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const SUFFIX_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';

/**
 * An 18-character Salesforce id: key prefix, a fixed pod part, a base-62 counter,
 * and the real case-safe suffix (one character per 5-character chunk, encoding
 * which of its characters are upper case), so clients that validate ids accept them.
 */
function salesforceId(prefix: string, counter: number): string {
  let body = '';
  let v = counter;
  for (let i = 0; i < 10; i += 1) {
    body = BASE62.charAt(v % 62) + body;
    v = Math.floor(v / 62);
  }
  const id15 = `${prefix}Dn${body}`;
  let suffix = '';
  for (let chunk = 0; chunk < 3; chunk += 1) {
    let bits = 0;
    for (let i = 0; i < 5; i += 1) {
      const c = id15.charCodeAt(chunk * 5 + i);
      if (c >= 65 && c <= 90) bits |= 1 << i;
    }
    suffix += SUFFIX_ALPHABET.charAt(bits);
  }
  return id15 + suffix;
}

// ---------------------------------------------------------------- fixed reference data

const TERMS: readonly NsTerm[] = [
  { id: 1, name: 'Net 15', daysuntilnetdue: 15 },
  { id: 2, name: 'Net 30', daysuntilnetdue: 30 },
  { id: 3, name: 'Net 45', daysuntilnetdue: 45 },
  { id: 4, name: 'Net 60', daysuntilnetdue: 60 },
  { id: 5, name: 'Due on receipt', daysuntilnetdue: 0 },
];
const TERM_NET_30 = 2;
const TERM_DUE_ON_RECEIPT = 5;

const STORE_COUNT = 40;
const AGENT_COUNT = 10;

const ID_BASE = {
  item: 500,
  customer: 1000,
  transaction: 5000,
  zdOrganization: 360001000000,
  zdUser: 361001000000,
  zdComment: 370001000000,
} as const;

type Segment = 'Consumer' | 'Business';
type CountryCode = keyof typeof COUNTRIES;
type Channel = NonNullable<NsTransaction['custbody_sales_channel']>;

interface OrderForce {
  /** Age window of the order, in days before asOf. */
  ageDays: readonly [number, number];
  status: 'B' | 'G';
  wms?: NsBool;
  payment?: 'paid' | 'unpaid';
  refundedReturn?: boolean;
}

interface Fixture {
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

// ---------------------------------------------------------------- drafts

interface CatalogItem {
  item: NsItem;
  priceCents: number;
}

interface LineDraft {
  item: CatalogItem;
  quantity: number;
  rateCents: number;
  /** SalesOrd: shipped so far; ItemShip: the quantity; RtnAuth: received. */
  shipRecv: number;
}

interface TxDraft {
  /** Generation order; breaks ties between equal timestamps deterministically. */
  seq: number;
  type: NsTranType;
  customer: CustomerDraft;
  createdMs: number;
  modifiedMs: number;
  status: string;
  duedate: string | null;
  remainingCents: number | null;
  from: TxDraft | null;
  lines: LineDraft[];
  /** Header total for documents without lines (payments). */
  amountCents: number | null;
  memo: string | null;
  paymentmethod: string | null;
  channel: Channel | null;
  wms: NsBool | null;
  carrier: string | null;
  tracking: string | null;
  reason: string | null;
  id: number;
  tranid: string;
}

interface LinkDraft {
  invoice: TxDraft;
  doc: TxDraft;
  linktype: NsTransactionLink['linktype'];
  cents: number;
}

interface CustomerDraft {
  n: number;
  number: string;
  nsId: number;
  fixture: Fixture | undefined;
  segment: Segment;
  first: string;
  last: string;
  company: string | null;
  name: string;
  email: string;
  phone: string | null;
  country: CountryCode;
  createdMs: number;
  termDays: number;
  creditHold: NsCustomer['credithold'];
  endUserName: string;
  endUserEmail: string;
  orders: TxDraft[];
}

const linesCents = (lines: readonly LineDraft[]): number => {
  let sum = 0;
  for (const l of lines) sum += l.quantity * l.rateCents;
  return sum;
};

const txTotalCents = (tx: TxDraft): number => tx.amountCents ?? linesCents(tx.lines);

const TRANID: Readonly<Record<NsTranType, readonly [string, number]>> = {
  SalesOrd: ['SO-', 100001],
  CustInvc: ['INV-', 300001],
  CustPymt: ['PMT-', 400001],
  RtnAuth: ['RMA-', 500001],
  CustCred: ['CM-', 600001],
  ItemShip: ['SHIP-', 700001],
};

// ---------------------------------------------------------------- the generator

class Generator {
  private readonly catalog: CatalogItem[] = [];
  private readonly activeItems: CatalogItem[] = [];
  private readonly stores: string[] = [];
  private readonly customers: CustomerDraft[] = [];
  private readonly txs: TxDraft[] = [];
  private readonly links: LinkDraft[] = [];
  private readonly usedNames = new Set<string>();
  private readonly usedEmails = new Set<string>();
  private seq = 0;

  private readonly accounts: SfAccount[] = [];
  private readonly contacts: SfContact[] = [];
  private readonly nsCustomers: NsCustomer[] = [];
  private readonly organizations: ZdOrganization[] = [];
  private readonly users: ZdUser[] = [];
  private readonly agents: ZdUser[] = [];

  constructor(
    private readonly seed: number,
    private readonly count: number,
    private readonly asOfMs: number,
  ) {}

  run(): RetailDataset {
    for (let i = 1; i <= STORE_COUNT; i += 1) this.stores.push(`STORE-${String(i).padStart(3, '0')}`);
    this.buildCatalog();
    for (const [n, fixture] of Object.entries(FIXTURES)) {
      if (Number(n) <= this.count && fixture.first && fixture.last) this.usedNames.add(`${fixture.first} ${fixture.last}`);
      if (Number(n) <= this.count && fixture.company) this.usedNames.add(fixture.company);
    }
    for (let n = 1; n <= this.count; n += 1) this.buildCustomer(n);
    for (const c of this.customers) this.buildOrders(c);
    const { transactions, lines, links } = this.finishTransactions();
    this.buildAgents();
    const { tickets, comments } = this.buildTickets();

    return {
      options: { seed: this.seed, customers: this.count, asOf: new Date(this.asOfMs) },
      salesforce: { accounts: this.accounts, contacts: this.contacts, stores: this.stores },
      netsuite: {
        terms: TERMS.map((t) => ({ ...t })),
        items: this.catalog.map((c) => c.item),
        customers: this.nsCustomers,
        transactions,
        lines,
        links,
      },
      zendesk: {
        organizations: this.organizations,
        users: [...this.users, ...this.agents],
        tickets,
        comments,
      },
    };
  }

  // ------------------------------------------------------------ catalog

  private buildCatalog(): void {
    const rng = createRandom(streamSeed(this.seed, STREAM.catalog, 0));
    const size = rng.int(300, 500);
    const seen = new Set<string>();
    while (this.catalog.length < size) {
      const family = rng.pick(PRODUCT_FAMILIES);
      const material = rng.chance(0.6) ? `${rng.pick(PRODUCT_MATERIALS)} ` : '';
      const name = `${rng.pick(PRODUCT_ADJECTIVES)} ${material}${rng.pick(family.nouns)}`;
      if (seen.has(name)) continue;
      seen.add(name);
      const dollars = rng.int(Math.floor(family.minCents / 100), Math.floor(family.maxCents / 100) - 1);
      const priceCents = dollars * 100 + rng.pick([99, 95, 50, 0]);
      const index = this.catalog.length;
      const entry: CatalogItem = {
        priceCents,
        item: {
          id: ID_BASE.item + index + 1,
          itemid: `SKU-${10000 + index}`,
          displayname: name,
          baseprice: formatCents(priceCents),
          isinactive: rng.chance(0.03) ? 'T' : 'F',
        },
      };
      this.catalog.push(entry);
      if (entry.item.isinactive === 'F') this.activeItems.push(entry);
    }
  }

  // ------------------------------------------------------------ customers

  private uniqueEmail(local: string, domain: string, n: number): string {
    let email = `${local}@${domain}`;
    if (this.usedEmails.has(email)) email = `${local}${n}@${domain}`;
    for (let k = 2; this.usedEmails.has(email); k += 1) email = `${local}${n}.${k}@${domain}`;
    this.usedEmails.add(email);
    return email;
  }

  private personName(rng: Random, n: number): { first: string; last: string } {
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

  private companyName(rng: Random, n: number): string {
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

  private phone(rng: Random, country: CountryCode): string {
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

  private address(rng: Random, country: CountryCode, business: boolean, cityName?: string): NsAddress {
    const info = COUNTRIES[country];
    const city = info.cities.find((c) => c.city === cityName) ?? rng.pick(info.cities);
    const street = rng.pick(info.streets);
    const digit = (): string => String(rng.int(0, 9));
    const letter = (alphabet: string): string => alphabet.charAt(rng.int(0, alphabet.length - 1));
    let addr1: string;
    let zip: string;
    let addr2: string | null = null;
    switch (country) {
      case 'US':
      case 'CA':
        addr1 = `${rng.int(1, 9999)} ${street}`;
        zip =
          country === 'US'
            ? `${city.postal}${digit()}${digit()}`
            : `${city.postal}${digit()}${letter('ABCEGHJKLMNPRSTVXY')} ${digit()}${letter('ABCEGHJKLMNPRSTVXY')}${digit()}`;
        if (rng.chance(business ? 0.4 : 0.2)) addr2 = business ? `Suite ${rng.int(100, 1200)}` : `Apt ${rng.int(1, 40)}${letter('ABCD')}`;
        break;
      case 'GB':
        addr1 = `${rng.int(1, 250)} ${street}`;
        zip = `${city.postal} ${digit()}${letter('ABDEFGHJLNPQRSTUWXYZ')}${letter('ABDEFGHJLNPQRSTUWXYZ')}`;
        if (rng.chance(business ? 0.3 : 0.2)) addr2 = business ? `Unit ${rng.int(1, 30)}` : `Flat ${rng.int(1, 12)}`;
        break;
      case 'DE':
        addr1 = `${street} ${rng.int(1, 180)}`;
        zip = `${city.postal}${digit()}${digit()}${digit()}`;
        if (rng.chance(0.2)) addr2 = business ? `${rng.int(1, 5)}. OG` : 'Hinterhaus';
        break;
      default: {
        const unreachable: never = country;
        throw new Error(`unknown country ${String(unreachable)}`);
      }
    }
    return { addr1, addr2, city: city.city, state: city.state, zip, country: info.code };
  }

  private buildCustomer(n: number): void {
    const rng = createRandom(streamSeed(this.seed, STREAM.customer, n));
    const fixture = FIXTURES[n];
    const number = customerNumber(n);
    const nsId = ID_BASE.customer + n;
    const segment: Segment = fixture?.segment ?? (rng.chance(0.3) ? 'Business' : 'Consumer');
    const business = segment === 'Business';
    const country: CountryCode =
      fixture?.country ?? weighted<CountryCode>(rng, [['US', 70], ['CA', 10], ['GB', 10], ['DE', 10]]);

    const person =
      fixture?.first && fixture.last ? { first: fixture.first, last: fixture.last } : this.personName(rng, n);
    const company = business ? (fixture?.company ?? this.companyName(rng, n)) : null;
    const personFull = `${person.first} ${person.last}`;
    const name = company ?? personFull;

    const domain = business ? `${slug(company ?? '', '-')}.example` : rng.pick(['example.com', 'example.net', 'example.org', 'mail.example.com']);
    const local = business
      ? rng.pick(['orders', 'accounts', 'purchasing', 'info'])
      : rng.chance(0.75)
        ? `${slug(person.first, '.')}.${slug(person.last, '.')}`
        : `${slug(person.first, '.').charAt(0)}${slug(person.last, '')}${rng.int(1, 99)}`;
    const email = this.uniqueEmail(local, domain, n);
    const phone = rng.chance(0.9) ? this.phone(rng, country) : null;

    const createdMs = rng.chance(0.85)
      ? between(rng, this.asOfMs - 6 * 365 * DAY, this.asOfMs - 731 * DAY)
      : between(rng, this.asOfMs - 730 * DAY, this.asOfMs - 14 * DAY);
    const fixedCreated = fixture ? between(rng, this.asOfMs - 5 * 365 * DAY, this.asOfMs - 800 * DAY) : createdMs;

    // ---- Salesforce
    const tier = weighted<SfAccount['Loyalty_Tier__c']>(rng, [['Bronze', 55], ['Silver', 28], ['Gold', 13], ['Platinum', 4]]);
    const points =
      tier === 'Bronze' ? rng.int(0, 999) : tier === 'Silver' ? rng.int(1000, 4999) : tier === 'Gold' ? rng.int(5000, 14999) : rng.int(15000, 50000);
    const emailOptIn = rng.chance(0.6);
    const smsOptIn = phone !== null && rng.chance(0.3);
    const consentMs = emailOptIn || smsOptIn || rng.chance(0.5) ? between(rng, fixedCreated, this.asOfMs) : null;
    const sfModified = Math.max(consentMs ?? fixedCreated, between(rng, fixedCreated, this.asOfMs));
    this.accounts.push({
      Id: salesforceId('001', n),
      Name: name,
      Customer_Number__c: number,
      Email__c: email,
      Phone: phone,
      Segment__c: segment,
      Loyalty_Tier__c: tier,
      Loyalty_Points__c: points,
      Email_Opt_In__c: emailOptIn,
      SMS_Opt_In__c: smsOptIn,
      Consent_Updated_At__c: consentMs === null ? null : isoMs(consentMs),
      Preferred_Store__c: rng.chance(0.8) ? rng.pick(this.stores) : null,
      CreatedDate: isoMs(fixedCreated),
      LastModifiedDate: isoMs(sfModified),
      SystemModstamp: isoMs(sfModified),
    });

    let endUserName = personFull;
    let endUserEmail = email;
    const contactCount = fixture?.contacts ?? (business ? weighted(rng, [[1, 35], [2, 30], [3, 20], [4, 15]]) : rng.chance(0.4) ? 1 : 0);
    const roles = [...CONTACT_ROLES];
    for (let i = 0; i < contactCount; i += 1) {
      const contactPerson = business && i > 0 ? this.personName(rng, n) : person;
      const contactEmail = business
        ? this.uniqueEmail(`${slug(contactPerson.first, '.')}.${slug(contactPerson.last, '.')}`, domain, n)
        : email;
      // Roles are distinct within an account; the first contact is usually the buyer.
      const role = business ? (i === 0 && rng.chance(0.6) ? 'Buyer' : rng.pick(roles)) : null;
      if (role) roles.splice(roles.indexOf(role), 1);
      const contactCreated = Math.min(this.asOfMs, fixedCreated + between(rng, 0, 60 * DAY));
      const contactModified = between(rng, contactCreated, this.asOfMs);
      this.contacts.push({
        Id: salesforceId('003', this.contacts.length + 1),
        AccountId: salesforceId('001', n),
        FirstName: contactPerson.first,
        LastName: contactPerson.last,
        Name: `${contactPerson.first} ${contactPerson.last}`,
        Email: contactEmail,
        Phone: rng.chance(0.8) ? this.phone(rng, country) : null,
        Title: role,
        CreatedDate: isoMs(contactCreated),
        LastModifiedDate: isoMs(contactModified),
        SystemModstamp: isoMs(contactModified),
      });
      if (business && i === 0) {
        endUserName = `${contactPerson.first} ${contactPerson.last}`;
        endUserEmail = contactEmail;
      }
    }

    // ---- NetSuite
    const termId =
      fixture?.terms ??
      (business
        ? weighted<number>(rng, [[2, 50], [1, 15], [3, 15], [4, 15], [TERM_DUE_ON_RECEIPT, 5]])
        : rng.chance(0.8)
          ? TERM_DUE_ON_RECEIPT
          : null);
    const termDays = TERMS.find((t) => t.id === termId)?.daysuntilnetdue ?? 0;
    const creditLimitCents = business
      ? rng.chance(0.92)
        ? rng.int(10, 200) * 50_000
        : null
      : rng.chance(0.4)
        ? rng.int(2, 10) * 25_000
        : null;
    const creditHold: NsCustomer['credithold'] =
      fixture?.creditHold ?? (rng.chance(business ? 0.06 : 0.03) ? 'ON' : rng.chance(0.06) ? 'OFF' : 'AUTO');
    const bill = this.address(rng, country, business, fixture?.city);
    const shipCount = weighted(rng, [[1, 60], [2, 30], [3, 10]]);
    const shipaddresses: NsAddress[] = [];
    for (let i = 0; i < shipCount; i += 1) {
      shipaddresses.push(i === 0 && rng.chance(0.7) ? { ...bill } : this.address(rng, country, business));
    }
    const nsCreated = Math.min(this.asOfMs, fixedCreated + between(rng, MINUTE, 2 * HOUR));
    this.nsCustomers.push({
      id: nsId,
      externalid: number,
      entityid: number,
      isperson: business ? 'F' : 'T',
      companyname: company,
      firstname: business ? null : person.first,
      lastname: business ? null : person.last,
      email,
      phone,
      terms: termId,
      creditlimit: creditLimitCents === null ? null : formatCents(creditLimitCents),
      credithold: creditHold,
      currency: 1,
      subsidiary: 1,
      custentity_tax_class: business
        ? weighted<string | null>(rng, [['TAXABLE', 75], ['RESALE_EXEMPT', 20], [null, 5]])
        : 'TAXABLE',
      billaddress: bill,
      shipaddresses,
      datecreated: isoMs(nsCreated),
      lastmodifieddate: isoMs(between(rng, nsCreated, this.asOfMs)),
    });

    // ---- Zendesk
    const zdCreated = Math.min(this.asOfMs, fixedCreated + between(rng, MINUTE, DAY));
    const orgId = ID_BASE.zdOrganization + n;
    this.organizations.push({
      id: orgId,
      external_id: number,
      name,
      created_at: isoSeconds(zdCreated),
      updated_at: isoSeconds(between(rng, zdCreated, this.asOfMs)),
    });
    this.users.push({
      id: ID_BASE.zdUser + n,
      external_id: number,
      name: endUserName,
      email: endUserEmail,
      role: 'end-user',
      organization_id: orgId,
      created_at: isoSeconds(zdCreated),
      updated_at: isoSeconds(between(rng, zdCreated, this.asOfMs)),
    });

    this.customers.push({
      n,
      number,
      nsId,
      fixture,
      segment,
      first: person.first,
      last: person.last,
      company,
      name,
      email,
      phone,
      country,
      createdMs: fixedCreated,
      termDays,
      creditHold,
      endUserName,
      endUserEmail,
      orders: [],
    });
  }

  // ------------------------------------------------------------ orders and what follows them

  private newTx(type: NsTranType, customer: CustomerDraft, createdMs: number): TxDraft {
    this.seq += 1;
    const tx: TxDraft = {
      seq: this.seq,
      type,
      customer,
      createdMs,
      modifiedMs: createdMs,
      status: 'A',
      duedate: null,
      remainingCents: null,
      from: null,
      lines: [],
      amountCents: null,
      memo: null,
      paymentmethod: null,
      channel: null,
      wms: null,
      carrier: null,
      tracking: null,
      reason: null,
      id: 0,
      tranid: '',
    };
    this.txs.push(tx);
    return tx;
  }

  private orderCount(rng: Random, fixture: Fixture | undefined): number {
    const fixed = fixture?.orders;
    if (typeof fixed === 'number') return fixed;
    if (fixed) return rng.int(fixed[0], fixed[1]);
    if (rng.chance(0.15)) return 0;
    if (rng.chance(0.004)) return rng.int(150, 400);
    if (rng.chance(0.05)) return rng.int(9, 40);
    return weighted(rng, [[1, 30], [2, 22], [3, 15], [4, 11], [5, 8], [6, 6], [7, 4], [8, 4]]);
  }

  private buildOrders(c: CustomerDraft): void {
    const rng = createRandom(streamSeed(this.seed, STREAM.orders, c.n));
    const count = this.orderCount(rng, c.fixture);
    const windowStart = Math.max(c.createdMs + HOUR, this.asOfMs - 730 * DAY);
    const plan: { t: number; force: OrderForce | null }[] = [];
    for (let i = 0; i < count; i += 1) {
      plan.push({ t: this.orderTime(rng, windowStart), force: null });
    }
    const force = c.fixture?.force;
    if (force && plan[0]) {
      plan[0] = { t: this.asOfMs - Math.floor((force.ageDays[0] + rng.next() * (force.ageDays[1] - force.ageDays[0])) * DAY), force };
    }
    plan.sort((a, b) => a.t - b.t);
    for (const p of plan) c.orders.push(this.buildOrder(rng, c, p.t, p.force));
  }

  /** Shoppers buy in the daytime; the hour is drawn from local-ish shopping hours in UTC. */
  private orderTime(rng: Random, windowStart: number): number {
    const lastMoment = this.asOfMs - 10 * MINUTE;
    const t = between(rng, windowStart, lastMoment);
    const dayStart = Math.floor(t / DAY) * DAY;
    const shifted = dayStart + rng.int(12, 23) * HOUR + rng.int(0, 59) * MINUTE + rng.int(0, 59) * 1000 + rng.int(0, 999);
    return shifted < lastMoment && shifted >= windowStart ? shifted : t;
  }

  private buildOrder(rng: Random, c: CustomerDraft, t0: number, force: OrderForce | null): TxDraft {
    const business = c.segment === 'Business';
    const order = this.newTx('SalesOrd', c, t0);
    order.channel = business
      ? weighted<Channel>(rng, [['AGENT', 40], ['WEB', 45], ['STORE', 15]])
      : weighted<Channel>(rng, [['WEB', 55], ['STORE', 25], ['MARKETPLACE', 12], ['AGENT', 8]]);
    const lineCount = weighted(rng, [[1, 35], [2, 25], [3, 17], [4, 10], [5, 8], [6, 5]]);
    const chosen = new Set<CatalogItem>();
    while (chosen.size < lineCount) chosen.add(rng.pick(this.activeItems));
    for (const item of chosen) {
      const discount = rng.chance(0.15) ? rng.pick([10, 15, 20, 25]) : 0;
      order.lines.push({
        item,
        quantity: weighted(rng, [[1, 55], [2, 22], [3, 11], [4, 7], [5, 5]]),
        // Integer cents throughout; the product is exact and the rounding explicit.
        rateCents: Math.round((item.priceCents * (100 - discount)) / 100),
        shipRecv: 0,
      });
    }

    const ageDays = (this.asOfMs - t0) / DAY;
    const status = force?.status ?? this.orderStatus(rng, ageDays);
    const latest = this.asOfMs;
    switch (status) {
      case 'A':
        order.status = 'A';
        order.wms = 'F';
        order.modifiedMs = between(rng, t0, Math.min(t0 + 2 * HOUR, latest));
        break;
      case 'B':
        order.status = 'B';
        order.wms = force?.wms ?? (rng.chance(0.6) ? 'T' : 'F');
        order.modifiedMs = between(rng, t0, Math.min(t0 + 6 * HOUR, latest));
        break;
      case 'C':
        order.status = 'C';
        order.wms = 'F';
        order.modifiedMs = between(rng, Math.min(t0 + 10 * MINUTE, latest), Math.min(t0 + 2 * DAY, latest));
        break;
      case 'E':
        this.partialShipment(rng, order);
        break;
      case 'F':
        this.fullShipment(rng, order, latest - HOUR);
        order.status = 'F';
        break;
      case 'G':
        this.billedOrder(rng, order, force);
        break;
      default:
        throw new Error(`unplanned order status ${status}`);
    }

    if (order.status !== 'A' && order.status !== 'B' && order.status !== 'C' && !(force && !force.refundedReturn)) {
      if (force?.refundedReturn || rng.chance(0.05)) this.buildReturn(rng, order, force?.refundedReturn === true);
    }
    return order;
  }

  /** Newer orders are more likely to be in flight; old ones are almost all billed. */
  private orderStatus(rng: Random, ageDays: number): 'A' | 'B' | 'C' | 'E' | 'F' | 'G' {
    if (rng.chance(0.035)) return 'C';
    if (ageDays < 1) return rng.chance(0.35) ? 'A' : 'B';
    if (ageDays < 3) return weighted(rng, [['A', 10], ['B', 50], ['E', 15], ['F', 25]] as const);
    if (ageDays < 10) return weighted(rng, [['B', 15], ['E', 10], ['F', 25], ['G', 50]] as const);
    if (ageDays < 30) return weighted(rng, [['B', 2], ['E', 3], ['F', 5], ['G', 90]] as const);
    return weighted(rng, [['E', 0.5], ['F', 1], ['G', 98.5]] as const);
  }

  private shipment(rng: Random, order: TxDraft, whenMs: number, quantities: readonly number[]): TxDraft {
    const ship = this.newTx('ItemShip', order.customer, whenMs);
    ship.from = order;
    ship.status = 'C';
    const carrier =
      order.customer.country === 'US'
        ? weighted(rng, [['UPS', 35], ['FedEx', 25], ['USPS', 35], ['DHL', 5]])
        : weighted(rng, [['UPS', 30], ['FedEx', 20], ['DHL', 50]]);
    ship.carrier = carrier;
    ship.tracking = trackingNumber(rng, carrier);
    order.lines.forEach((line, i) => {
      const q = quantities[i] ?? 0;
      if (q <= 0) return;
      line.shipRecv += q;
      ship.lines.push({ item: line.item, quantity: q, rateCents: line.rateCents, shipRecv: q });
    });
    order.wms = 'T';
    order.modifiedMs = Math.max(order.modifiedMs, whenMs);
    return ship;
  }

  /** Ships everything, in one or two parcels, no later than `notAfter`. Returns the last ship time. */
  private fullShipment(rng: Random, order: TxDraft, notAfter: number): number {
    const t0 = order.createdMs;
    const lines = order.lines;
    const first = between(rng, Math.min(t0 + 2 * HOUR, notAfter), Math.min(t0 + 3 * DAY, notAfter));
    if (lines.length >= 2 && rng.chance(0.15)) {
      const split = Math.ceil(lines.length / 2);
      this.shipment(rng, order, first, lines.map((l, i) => (i < split ? l.quantity : 0)));
      const second = between(rng, Math.min(first + HOUR, notAfter), Math.min(first + 2 * DAY, notAfter));
      this.shipment(rng, order, second, lines.map((l, i) => (i < split ? 0 : l.quantity)));
      return second;
    }
    this.shipment(rng, order, first, lines.map((l) => l.quantity));
    return first;
  }

  private partialShipment(rng: Random, order: TxDraft): void {
    const units = order.lines.reduce((s, l) => s + l.quantity, 0);
    if (units < 2) {
      // A single unit cannot be partly shipped.
      this.fullShipment(rng, order, this.asOfMs - HOUR);
      order.status = 'F';
      return;
    }
    const quantities = order.lines.map((l) => rng.int(0, l.quantity));
    let shipped = quantities.reduce((s, q) => s + q, 0);
    if (shipped === 0) {
      quantities[0] = 1;
      shipped = 1;
    }
    if (shipped === units) {
      const i = quantities.findIndex((q) => q > 0);
      quantities[i] = (quantities[i] ?? 1) - 1;
    }
    const t0 = order.createdMs;
    const when = between(rng, Math.min(t0 + 2 * HOUR, this.asOfMs - HOUR), Math.min(t0 + 3 * DAY, this.asOfMs - HOUR));
    this.shipment(rng, order, when, quantities);
    order.status = 'E';
  }

  private billedOrder(rng: Random, order: TxDraft, force: OrderForce | null): void {
    const c = order.customer;
    // Billing follows the last parcel by at least a day, so its trandate is later.
    const lastShip = this.fullShipment(rng, order, this.asOfMs - 1.5 * DAY);
    const invoiceMs = between(rng, lastShip + DAY, Math.min(lastShip + 3 * DAY, this.asOfMs));
    const inv = this.newTx('CustInvc', c, invoiceMs);
    inv.from = order;
    inv.lines = order.lines.map((l) => ({ item: l.item, quantity: l.quantity, rateCents: l.rateCents, shipRecv: 0 }));
    const trandate = dayOf(invoiceMs);
    inv.duedate = addDays(trandate, c.termDays);
    const total = linesCents(inv.lines);
    inv.remainingCents = total;
    order.status = 'G';
    order.modifiedMs = Math.max(order.modifiedMs, invoiceMs);

    if (!force && rng.chance(0.03)) {
      // A voided invoice puts the order back to pending billing.
      inv.status = 'V';
      inv.remainingCents = 0;
      inv.modifiedMs = between(rng, invoiceMs, Math.min(invoiceMs + 5 * DAY, this.asOfMs));
      order.status = 'F';
      order.modifiedMs = Math.max(order.modifiedMs, inv.modifiedMs);
      return;
    }

    const business = c.segment === 'Business';
    // Debts get collected: the longer past due, the likelier paid. What stays open is the overdue tail.
    const daysPastDue = (this.asOfMs - Date.parse(`${inv.duedate}T00:00:00.000Z`)) / DAY;
    const outcome =
      force?.payment ??
      (c.creditHold === 'ON'
        ? weighted(rng, [['paid', 55], ['partial', 15], ['unpaid', 30]] as const)
        : daysPastDue <= 0
          ? business
            ? weighted(rng, [['paid', 40], ['partial', 12], ['unpaid', 48]] as const)
            : weighted(rng, [['paid', 85], ['partial', 3], ['unpaid', 12]] as const)
          : daysPastDue <= 60
            ? weighted(rng, [['paid', 86], ['partial', 6], ['unpaid', 8]] as const)
            : weighted(rng, [['paid', 98], ['partial', 0.8], ['unpaid', 1.2]] as const));

    const payWindowEnd = Math.min(invoiceMs + (c.termDays + (business ? 20 : 2)) * DAY, this.asOfMs);
    const method = business
      ? weighted(rng, [['ACH', 50], ['Check', 25], ['Wire', 15], ['Visa', 10]])
      : weighted(rng, [['Visa', 45], ['Mastercard', 30], ['American Express', 10], ['PayPal', 10], ['Gift Card', 5]]);
    const amounts: number[] = [];
    if (outcome === 'paid') {
      if (total >= 200 && rng.chance(0.12)) {
        const firstPart = Math.floor((total * rng.int(20, 80)) / 100);
        amounts.push(firstPart, total - firstPart);
      } else {
        amounts.push(total);
      }
    } else if (outcome === 'partial' && total >= 2) {
      amounts.push(Math.max(1, Math.min(total - 1, Math.floor((total * rng.int(20, 80)) / 100))));
    }
    let payMs = invoiceMs;
    for (const cents of amounts) {
      payMs = between(rng, Math.min(payMs + HOUR, payWindowEnd), payWindowEnd);
      const pay = this.newTx('CustPymt', c, payMs);
      pay.amountCents = cents;
      pay.paymentmethod = method;
      pay.status = this.asOfMs - payMs > 3 * DAY ? 'C' : 'B';
      this.links.push({ invoice: inv, doc: pay, linktype: 'Payment', cents });
      inv.remainingCents -= cents;
      inv.modifiedMs = Math.max(inv.modifiedMs, payMs);
    }
    inv.status = inv.remainingCents === 0 ? 'B' : 'A';
  }

  private buildReturn(rng: Random, order: TxDraft, refunded: boolean): void {
    const shipped = order.lines.filter((l) => l.shipRecv > 0);
    const ships = this.shipmentsOf(order);
    const lastShip = Math.max(...ships.map((s) => s.createdMs));
    const earliest = lastShip + 2 * DAY;
    if (shipped.length === 0 || earliest >= this.asOfMs - HOUR) return;
    const rmaMs = between(rng, earliest, Math.min(lastShip + 40 * DAY, this.asOfMs - HOUR));
    const rma = this.newTx('RtnAuth', order.customer, rmaMs);
    rma.from = order;
    rma.reason = rng.pick(RETURN_REASONS);
    rma.memo = rma.reason;
    for (const line of shipped) {
      if (rma.lines.length === 0 || rng.chance(0.5)) {
        rma.lines.push({ item: line.item, quantity: rng.int(1, line.shipRecv), rateCents: line.rateCents, shipRecv: 0 });
      }
    }
    const units = rma.lines.reduce((s, l) => s + l.quantity, 0);
    const rmaAge = (this.asOfMs - rmaMs) / DAY;
    let status = refunded
      ? 'G'
      : rmaAge < 5
        ? weighted(rng, [['A', 40], ['B', 60]])
        : weighted(rng, [['G', 55], ['F', 8], ['B', 8], ['C', 10], ['H', 5], ['D', 7], ['E', 7]]);
    if ((status === 'D' || status === 'E') && units < 2) status = 'F';
    const refundEarliest = rmaMs + 3 * DAY;
    if (status === 'G' && refundEarliest >= this.asOfMs) status = 'F';

    if (status === 'D' || status === 'E') {
      let toReceive = rng.int(1, units - 1);
      for (const l of rma.lines) {
        const r = Math.min(l.quantity, toReceive);
        l.shipRecv = r;
        toReceive -= r;
      }
    } else if (status === 'F' || status === 'G' || status === 'H') {
      for (const l of rma.lines) l.shipRecv = l.quantity;
    }
    rma.status = status;
    rma.modifiedMs = status === 'A' ? rmaMs : between(rng, rmaMs, Math.min(rmaMs + 10 * DAY, this.asOfMs));

    if (status !== 'G') return;
    const cmMs = between(rng, refundEarliest, Math.min(rmaMs + 20 * DAY, this.asOfMs));
    const cm = this.newTx('CustCred', order.customer, cmMs);
    cm.from = rma;
    cm.memo = rma.reason;
    cm.lines = rma.lines.map((l) => ({ item: l.item, quantity: l.quantity, rateCents: l.rateCents, shipRecv: 0 }));
    rma.modifiedMs = Math.max(rma.modifiedMs, cmMs);
    const cmTotal = linesCents(cm.lines);
    // A credit is applied to the order's invoice while it is still open; otherwise it stays available.
    const inv = this.invoiceOf(order);
    const open = inv && inv.status === 'A' && (inv.remainingCents ?? 0) > 0 ? inv : null;
    if (open) {
      const applied = Math.min(open.remainingCents ?? 0, cmTotal);
      this.links.push({ invoice: open, doc: cm, linktype: 'Credit', cents: applied });
      open.remainingCents = (open.remainingCents ?? 0) - applied;
      open.status = open.remainingCents === 0 ? 'B' : 'A';
      open.modifiedMs = Math.max(open.modifiedMs, cmMs);
      cm.status = applied === cmTotal ? 'B' : 'A';
    } else {
      cm.status = 'A';
    }
  }

  // Orders have few documents each and these lookups only run for the ~5% that are returned.
  private shipmentsOf(order: TxDraft): TxDraft[] {
    const found: TxDraft[] = [];
    for (let i = this.txs.length - 1; i >= 0 && this.txs[i] !== order; i -= 1) {
      const tx = this.txs[i] as TxDraft;
      if (tx.type === 'ItemShip' && tx.from === order) found.push(tx);
    }
    return found;
  }

  private invoiceOf(order: TxDraft): TxDraft | null {
    for (let i = this.txs.length - 1; i >= 0 && this.txs[i] !== order; i -= 1) {
      const tx = this.txs[i] as TxDraft;
      if (tx.type === 'CustInvc' && tx.from === order) return tx;
    }
    return null;
  }

  /** Numbers follow time, as in NetSuite: ids and tranids both increase with the creation date. */
  private finishTransactions(): { transactions: NsTransaction[]; lines: NsTransactionLine[]; links: NsTransactionLink[] } {
    const ordered = [...this.txs].sort((a, b) => a.createdMs - b.createdMs || a.seq - b.seq);
    const next: Record<NsTranType, number> = {
      SalesOrd: TRANID.SalesOrd[1],
      CustInvc: TRANID.CustInvc[1],
      CustPymt: TRANID.CustPymt[1],
      RtnAuth: TRANID.RtnAuth[1],
      CustCred: TRANID.CustCred[1],
      ItemShip: TRANID.ItemShip[1],
    };
    const transactions: NsTransaction[] = [];
    const lines: NsTransactionLine[] = [];
    let lineId = 0;
    ordered.forEach((d, index) => {
      d.id = ID_BASE.transaction + index + 1;
      d.tranid = `${TRANID[d.type][0]}${next[d.type]}`;
      next[d.type] += 1;
      const total = txTotalCents(d);
      transactions.push({
        id: d.id,
        tranid: d.tranid,
        type: d.type,
        entity: d.customer.nsId,
        status: d.status,
        trandate: dayOf(d.createdMs),
        duedate: d.duedate,
        createddate: isoMs(d.createdMs),
        lastmodifieddate: isoMs(Math.max(d.createdMs, d.modifiedMs)),
        currency: 1,
        foreigntotal: formatCents(total),
        foreignamountremaining: d.remainingCents === null ? null : formatCents(d.remainingCents),
        createdfrom: d.from ? d.from.id : null,
        externalid: null,
        memo: d.memo,
        paymentmethod: d.paymentmethod,
        custbody_sales_channel: d.channel,
        custbody_wms_released: d.type === 'SalesOrd' ? d.wms : null,
        shipcarrier: d.carrier,
        trackingnumbers: d.tracking,
        custbody_return_reason: d.reason,
      });
      d.lines.forEach((l, i) => {
        lineId += 1;
        lines.push({
          id: lineId,
          transaction: d.id,
          linesequencenumber: i + 1,
          item: l.item.item.id,
          memo: l.item.item.displayname,
          quantity: l.quantity,
          rate: formatCents(l.rateCents),
          foreignamount: formatCents(l.quantity * l.rateCents),
          quantityshiprecv: l.shipRecv,
        });
      });
    });
    const links = this.links
      .map((l) => ({ previousdoc: l.invoice.id, nextdoc: l.doc.id, linktype: l.linktype, foreignamount: formatCents(l.cents) }))
      .sort((a, b) => a.nextdoc - b.nextdoc || a.previousdoc - b.previousdoc);
    return { transactions, lines, links };
  }

  // ------------------------------------------------------------ Zendesk

  private buildAgents(): void {
    const rng = createRandom(streamSeed(this.seed, STREAM.agents, 0));
    const base = ID_BASE.zdUser + this.count;
    const created = (): number => between(rng, this.asOfMs - 7 * 365 * DAY, this.asOfMs - 3 * 365 * DAY);
    // The API-token user of CONTRACT.md, so tickets created through the API have a submitter.
    const apiCreated = created();
    this.agents.push({
      id: base + 1,
      external_id: null,
      name: 'Sandbox Agent',
      email: 'agent@sandbox.example',
      role: 'admin',
      organization_id: null,
      created_at: isoSeconds(apiCreated),
      updated_at: isoSeconds(between(rng, apiCreated, this.asOfMs)),
    });
    const names = new Set<string>();
    while (this.agents.length < AGENT_COUNT + 1) {
      const first = rng.pick(FIRST_NAMES);
      const last = rng.pick(LAST_NAMES);
      const name = `${first} ${last}`;
      if (names.has(name)) continue;
      names.add(name);
      const createdMs = created();
      this.agents.push({
        id: base + this.agents.length + 1,
        external_id: null,
        name,
        email: `${slug(first, '.')}.${slug(last, '.')}@support.sandbox.example`,
        role: 'agent',
        organization_id: null,
        created_at: isoSeconds(createdMs),
        updated_at: isoSeconds(between(rng, createdMs, this.asOfMs)),
      });
    }
  }

  private buildTickets(): { tickets: ZdTicket[]; comments: ZdComment[] } {
    interface TicketDraft {
      seq: number;
      createdMs: number;
      ticket: Omit<ZdTicket, 'id'>;
      comments: Omit<ZdComment, 'id' | 'ticket_id'>[];
    }
    const drafts: TicketDraft[] = [];
    const staff = this.agents.filter((a) => a.role === 'agent');
    let seq = 0;

    for (const c of this.customers) {
      const rng = createRandom(streamSeed(this.seed, STREAM.tickets, c.n));
      const forced = c.fixture?.openOrderTicket === true && c.orders.length > 0;
      const count = forced ? 1 : rng.chance(0.3) ? weighted(rng, [[1, 50], [2, 25], [3, 12], [4, 8], [5, 5]]) : 0;
      const requesterId = ID_BASE.zdUser + c.n;
      const orgId = ID_BASE.zdOrganization + c.n;
      for (let k = 0; k < count; k += 1) {
        const order = c.orders.length > 0 && (forced || rng.chance(0.45)) ? rng.pick(c.orders) : null;
        const createdMs = order
          ? between(rng, Math.min(order.createdMs + HOUR, this.asOfMs), Math.min(order.createdMs + 30 * DAY, this.asOfMs))
          : between(rng, Math.max(c.createdMs, this.asOfMs - 730 * DAY), this.asOfMs);
        const template = order
          ? rng.pick(ORDER_TICKET_SUBJECTS.filter((s) => ticketFits(s.stage, order.status)))
          : rng.pick(GENERAL_TICKET_SUBJECTS);
        const subject = order ? template.subject.replace('{order}', order.tranid) : template.subject;
        const description = order ? template.body.replace('{order}', order.tranid) : template.body;
        const ageDays = (this.asOfMs - createdMs) / DAY;
        const status: ZdStatus = forced ? 'open' : ticketStatus(rng, ageDays);
        const assignee = status === 'new' ? null : rng.pick(staff);
        const viaAgent = assignee !== null && rng.chance(0.2);

        const comments: TicketDraft['comments'] = [
          { author_id: requesterId, body: description, public: true, created_at: isoSeconds(createdMs) },
        ];
        let lastMs = createdMs;
        const extra = assignee ? weighted(rng, [[0, 15], [1, 25], [2, 20], [3, 15], [4, 12], [5, 8], [6, 5]]) : 0;
        for (let j = 0; j < extra && assignee; j += 1) {
          const at = lastMs + between(rng, 10 * MINUTE, 2 * DAY);
          if (at > this.asOfMs) break;
          lastMs = at;
          const kind = j === 0 ? 'reply' : weighted(rng, [['customer', 45], ['reply', 35], ['note', 20]] as const);
          comments.push(
            kind === 'customer'
              ? { author_id: requesterId, body: rng.pick(CUSTOMER_REPLIES), public: true, created_at: isoSeconds(at) }
              : kind === 'reply'
                ? { author_id: assignee.id, body: rng.pick(AGENT_REPLIES), public: true, created_at: isoSeconds(at) }
                : { author_id: rng.chance(0.8) ? assignee.id : rng.pick(staff).id, body: rng.pick(INTERNAL_NOTES), public: false, created_at: isoSeconds(at) },
          );
        }
        const updatedMs =
          status === 'solved' || status === 'closed'
            ? Math.min(this.asOfMs, lastMs + between(rng, HOUR, status === 'closed' ? 28 * DAY : 4 * DAY))
            : lastMs;

        const tags = new Set<string>(template.tags);
        if (c.segment === 'Business') tags.add('b2b');
        if (order) tags.add(`channel_${(order.channel ?? 'web').toLowerCase()}`);
        if (c.creditHold === 'ON') tags.add('credit_hold');

        seq += 1;
        drafts.push({
          seq,
          createdMs,
          comments,
          ticket: {
            external_id: null,
            subject,
            description,
            status,
            priority: weighted<ZdPriority>(rng, [['low', 20], ['normal', 55], ['high', 20], ['urgent', 5]]),
            type: weighted<ZdTicket['type']>(rng, [['question', 40], ['incident', 35], ['problem', 5], ['task', 5], [null, 15]]),
            requester_id: requesterId,
            submitter_id: viaAgent ? assignee.id : requesterId,
            assignee_id: assignee ? assignee.id : null,
            organization_id: orgId,
            tags: [...tags].sort(),
            custom_fields: [{ id: ORDER_NUMBER_FIELD_ID, value: order ? order.tranid : null }],
            created_at: isoSeconds(createdMs),
            updated_at: isoSeconds(updatedMs),
          },
        });
      }
    }

    drafts.sort((a, b) => a.createdMs - b.createdMs || a.seq - b.seq);
    const tickets: ZdTicket[] = [];
    const comments: ZdComment[] = [];
    drafts.forEach((d, index) => {
      const id = index + 1;
      tickets.push({ id, ...d.ticket });
      for (const comment of d.comments) {
        comments.push({ id: ID_BASE.zdComment + comments.length + 1, ticket_id: id, ...comment });
      }
    });
    return { tickets, comments };
  }
}

/** A customer asks about a refund only once something shipped, about an invoice once billed. */
function ticketFits(stage: 'any' | 'shipped' | 'billed', orderStatus: string): boolean {
  switch (stage) {
    case 'any':
      return true;
    case 'shipped':
      return orderStatus === 'E' || orderStatus === 'F' || orderStatus === 'G';
    case 'billed':
      return orderStatus === 'G';
    default: {
      const unreachable: never = stage;
      throw new Error(`unknown ticket stage ${String(unreachable)}`);
    }
  }
}

/** Open work is recent; old tickets are almost all solved or closed. */
function ticketStatus(rng: Random, ageDays: number): ZdStatus {
  if (ageDays < 4) return weighted<ZdStatus>(rng, [['new', 30], ['open', 35], ['pending', 20], ['hold', 5], ['solved', 10]]);
  if (ageDays < 30) {
    return weighted<ZdStatus>(rng, [['new', 5], ['open', 10], ['pending', 10], ['hold', 5], ['solved', 50], ['closed', 20]]);
  }
  return weighted<ZdStatus>(rng, [['open', 2], ['pending', 2], ['hold', 1], ['solved', 10], ['closed', 85]]);
}

function trackingNumber(rng: Random, carrier: string): string {
  const digits = (k: number): string => {
    let s = '';
    for (let i = 0; i < k; i += 1) s += String(rng.int(0, 9));
    return s;
  };
  switch (carrier) {
    case 'UPS': {
      let account = '';
      for (let i = 0; i < 6; i += 1) account += '0123456789ABCDEFGHJKLMNPRSTUVWXYZ'.charAt(rng.int(0, 32));
      return `1Z${account}03${digits(8)}`;
    }
    case 'FedEx':
      return digits(12);
    case 'USPS':
      return `9400${digits(18)}`;
    default:
      return digits(10);
  }
}
