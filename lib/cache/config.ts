/**
 * The entity cache's settings: one table of TTLs per data domain, the maximum
 * staleness served while a system of record is failing, and the store's limits.
 * Every value can be overridden from the environment; docs/caching.md lists them.
 * TTLs are kept in seconds here because that is how people think about them;
 * the cache converts to milliseconds (the store's unit) in one place (EntityCache#ttlMs).
 */
import { z } from 'zod';
import { ConfigError } from '../config.js';

/**
 * How long a value of each kind stays fresh, in seconds. One row per data
 * domain; each connector read names the domain of what it caches.
 */
export const DEFAULT_TTL_SECONDS = {
  /** Salesforce account and contacts: name, email, loyalty, consent. Changes rarely and costs API quota. */
  engagement: 300,
  /** ERP sales order headers (status, total). Status moves within minutes as orders ship. */
  orderStatus: 30,
  /** Which orders a customer has (per status filter). New orders must show up quickly. */
  orderLists: 30,
  /** Order lines, including quantity shipped. */
  orderLines: 60,
  /** Item fulfillments of an order. */
  shipments: 60,
  /** Return authorizations of an order; refund status must never run far ahead of the ERP. */
  returns: 60,
  /** Invoice headers and amount due. */
  invoices: 60,
  /** Which invoices a customer or an order has (per page and filter). */
  invoiceLists: 60,
  /** Payments applied to an invoice. */
  payments: 60,
  /** Balance, overdue balance, credit limit and hold, terms, addresses. */
  balances: 60,
  /** ERP customers without an external id, by e-mail address or phone: where identity candidates come from. */
  erpContacts: 60,
  /** Service-desk cases (tickets). */
  cases: 30,
  /** Which cases a customer or an order has (per page and filter). */
  caseLists: 30,
  /** Comments of a case. */
  caseComments: 30,
  /** Service-desk directory data: which customer an organization is, user names. Changes very rarely. */
  directory: 3600,
  /** A directory lookup that found nothing (no organization yet): it may be created any minute. */
  directoryMiss: 30,
} as const;

export type TtlDomain = keyof typeof DEFAULT_TTL_SECONDS;
export type TtlTable = Record<TtlDomain, number>;

export const TTL_DOMAINS = Object.keys(DEFAULT_TTL_SECONDS) as TtlDomain[];

const envWord = (domain: TtlDomain): string => domain.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase();

/** `orderStatus` → `CACHE_TTL_ORDER_STATUS_SECONDS`. */
export function ttlEnvName(domain: TtlDomain): string {
  return `CACHE_TTL_${envWord(domain)}_SECONDS`;
}

/**
 * The domains a change feed keeps current, and so whose TTLs it may stretch while it is
 * healthy (EntityCache#coverByFeed; healthy is the feed's, judged alike on every replica
 * whether it runs the feed or not: lib/feeds/shared-health.ts). Each is invalidated by its
 * feed for every change the feed reads: Salesforce Change Data Capture for engagement; the
 * ERP order feed for order headers, the lists they are on, lines and shipments (an item
 * fulfillment modifies its order); the ERP invoice feed for invoices, their lists and
 * payments (a payment moves the amount due), and for balances (its poll also reads the
 * customers whose record or receivable transactions changed: credit memos, payments,
 * deposits, refunds, journal entries, credit-hold and credit-limit edits); Zendesk webhooks
 * backed by the incremental export for cases, their lists and comments. A domain is
 * stretched only in the cache of the subgraph that declares the feed: the order
 * subgraph's copy of a customer's standing (balances) keeps its plain TTL. Not here,
 * because no feed sees their changes: returns (an RMA made in NetSuite modifies no sales
 * order), the service-desk directory and the catalog.
 */
export const FEED_DOMAINS = [
  'engagement',
  'orderStatus',
  'orderLists',
  'orderLines',
  'shipments',
  'invoices',
  'invoiceLists',
  'payments',
  'balances',
  'cases',
  'caseLists',
  'caseComments',
] as const satisfies readonly TtlDomain[];

export type FeedDomain = (typeof FEED_DOMAINS)[number];

/**
 * Covered domains whose stretch defaults to more than `CACHE_CHANGE_FEED_TTL_FACTOR`: the
 * service desk's. Its feed is healthy only while both of its sources are: the webhook
 * (every ticket event within a second) and the incremental export, a cursor over every
 * ticket change in the order Zendesk made them, read every minute and resumed from where it
 * stopped. So while it is healthy no change to a case escapes it for longer than one export
 * interval plus the minute Zendesk leaves out, however long the entry is kept, and the TTL
 * only bounds a defect in the feed itself. 60 keeps case lists as long as Change Data
 * Capture keeps engagement (30 minutes). The ERP polls go by `lastmodifieddate`, whose
 * reach (which edits move it) is less certain, and keep the default. Where
 * `CACHE_CHANGE_FEED_TTL_FACTOR` is set, it applies to these too.
 */
export const SERVICE_DESK_FEED_TTL_FACTOR = 60;
const DEFAULT_FEED_TTL_FACTORS: Partial<Record<FeedDomain, number>> = {
  cases: SERVICE_DESK_FEED_TTL_FACTOR,
  caseLists: SERVICE_DESK_FEED_TTL_FACTOR,
  caseComments: SERVICE_DESK_FEED_TTL_FACTOR,
};

/** `orderStatus` → `CACHE_ORDER_STATUS_FEED_TTL_FACTOR`. */
export function feedFactorEnvName(domain: FeedDomain): string {
  return `CACHE_${envWord(domain)}_FEED_TTL_FACTOR`;
}

export interface CacheConfig {
  /** Fresh lifetime of each domain, in seconds. */
  ttlSeconds: TtlTable;
  /**
   * How long past its TTL a value may still be served, flagged `stale: true`,
   * while its system of record is down, timing out or rate-limiting. 0 turns
   * stale-if-error off.
   */
  maxStaleSeconds: number;
  /** Longest wait for one cache operation before the read goes to the system of record instead. */
  opTimeoutMs: number;
  /** Multiplier on the engagement TTLs once Salesforce API usage passes SALESFORCE_BUDGET_THRESHOLD. */
  salesforceBudgetTtlFactor: number;
  /**
   * Multiplier on the TTLs of a domain while the change feed that covers it is healthy: a
   * change then invalidates its entries within seconds, so the TTL only bounds what a lost
   * event could leave behind. The default of every row of `feedTtlFactors`. 1 turns the stretch off.
   */
  changeFeedTtlFactor: number;
  /**
   * The stretch of each feed-covered domain (`CACHE_<DOMAIN>_FEED_TTL_FACTOR`).
   * @default changeFeedTtlFactor for each, but SERVICE_DESK_FEED_TTL_FACTOR for the service desk's unless CACHE_CHANGE_FEED_TTL_FACTOR is set
   */
  feedTtlFactors: Record<FeedDomain, number>;
}

type Env = Record<string, string | undefined>;

const seconds = z.coerce.number().int('expected a whole number of seconds').min(0, 'expected 0 or more seconds');

/** Reads the cache settings; a bad value stops the process with the variable's name and what it expected. */
export function loadCacheConfig(env: Env = process.env): CacheConfig {
  const problems: string[] = [];
  const read = <T>(name: string, schema: z.ZodType<T>, fallback: T): T => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const r = schema.safeParse(raw);
    if (r.success) return r.data;
    problems.push(`  ${name}=${JSON.stringify(raw)}: ${r.error.issues.map((i) => i.message).join('; ')}`);
    return fallback;
  };
  const ttlSeconds = Object.fromEntries(TTL_DOMAINS.map((d) => [d, read(ttlEnvName(d), seconds, DEFAULT_TTL_SECONDS[d])])) as TtlTable;
  const factor = z.coerce.number().min(1, 'expected a factor of 1 or more');
  const changeFeedTtlFactor = read('CACHE_CHANGE_FEED_TTL_FACTOR', factor, 6);
  const globalFactorSet = (env.CACHE_CHANGE_FEED_TTL_FACTOR ?? '') !== '';
  const feedTtlFactors = Object.fromEntries(
    FEED_DOMAINS.map((d) => [d, read(feedFactorEnvName(d), factor, globalFactorSet ? changeFeedTtlFactor : (DEFAULT_FEED_TTL_FACTORS[d] ?? changeFeedTtlFactor))]),
  ) as Record<FeedDomain, number>;
  const config: CacheConfig = {
    ttlSeconds,
    maxStaleSeconds: read('CACHE_MAX_STALE_SECONDS', seconds, 3600),
    opTimeoutMs: read('CACHE_OP_TIMEOUT_MS', z.coerce.number().int().positive('expected a positive number of milliseconds'), 250),
    salesforceBudgetTtlFactor: read('CACHE_SALESFORCE_BUDGET_TTL_FACTOR', factor, 4),
    changeFeedTtlFactor,
    feedTtlFactors,
  };
  if (problems.length) throw new ConfigError(`invalid cache configuration:\n${problems.join('\n')}`);
  return config;
}
