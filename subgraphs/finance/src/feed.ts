/**
 * The finance change feed: the ERP has no push mechanism to rely on, so invoices are
 * polled by last-modified time (lib/feeds/poller.ts keeps the persisted watermark and
 * the overlap that makes equal timestamps safe). A change of an invoice's status or
 * amount due becomes one `invoice.status` event with a stable eventId; every change
 * read invalidates the cache entries it affects before its event is published, so a
 * subscriber that reads on sees the new state.
 *
 * The first change the feed sees of an invoice carries the status the product
 * last knew, when it knew one: the invoice as cached by an earlier read, taken
 * before the poll drops it, and only when it was read before the change.
 *
 * Each poll also reads the customers whose account moved without an invoice
 * changing (their record edited: credit limit, terms, credit hold, addresses; or a
 * credit memo, payment, deposit, refund or journal posted to them), in the same
 * round and under the same watermark, and drops their cached financial figures
 * before anything is published. Those are no events: only a cache invalidation.
 */
import { entityTag, listTag, type Peeked } from '../../../lib/cache/index.js';
import type { EventBus, NewEvent } from '../../../lib/events/bus.js';
import { createPoller, type ChangedRecord, type Poller } from '../../../lib/feeds/poller.js';
import type { FeedStateStore } from '../../../lib/feeds/state.js';
import { childLogger } from '../../../lib/log.js';
import type { InvoiceRecord } from './netsuite.js';
import type { AccountChange, FinanceChangeReader, InvoiceChange } from './netsuite-changes.js';
import { INVOICE_STATUSES, type InvoiceStatus } from './netsuite-invoices.js';

const log = childLogger('feed:finance-invoices');

/** The bus topic of invoice changes. */
export const INVOICE_STATUS_TOPIC = 'invoice.status';

/** An invoice as an event carries it: JSON, so it crosses Redis unchanged. */
export type InvoiceSnapshot = Omit<InvoiceRecord, 'fetchedAt'> & { fetchedAt: string };

/** The payload of an `invoice.status` event. */
export interface InvoiceStatusEvent {
  invoiceId: string;
  customerId: string;
  previousStatus: InvoiceStatus | null;
  status: InvoiceStatus;
  /** ISO-8601 UTC, whole seconds. */
  changedAt: string;
  /** The invoice as read with the change, so that no subscriber needs another ERP call for it. */
  invoice: InvoiceSnapshot;
}

export function invoiceFromSnapshot(s: InvoiceSnapshot): InvoiceRecord {
  return { ...s, fetchedAt: new Date(s.fetchedAt) };
}

/** The cache tags one invoice change makes stale: the invoice (and its payments), its customer's figures and lists, its order's list. */
export function invoiceChangeTags(c: Pick<InvoiceRecord, 'number' | 'customerNumber' | 'orderNumber'>): string[] {
  const tags = [entityTag('Invoice', c.number), listTag('Customer', c.customerNumber, 'financials'), listTag('Customer', c.customerNumber, 'invoices')];
  if (c.orderNumber) tags.push(listTag('Order', c.orderNumber, 'invoices'));
  return tags;
}

/** The cache tag of a customer's financial figures, which finance's financials and order's standing both carry. */
export function accountChangeTags(c: Pick<AccountChange, 'customerNumber'>): string[] {
  return [listTag('Customer', c.customerNumber, 'financials')];
}

type FinanceChangeRecord = ChangedRecord &
  ({ kind: 'invoice'; change: InvoiceChange } | { kind: 'account'; change: AccountChange });

/** Account rows share the poller's state with invoices; their keys cannot be invoice numbers. */
const accountKey = (customerNumber: string): string => `account:${customerNumber}`;

/** A change is news when the status or the amount due moved: a payment that leaves the status as it was still matters. */
const valueOf = (c: Pick<InvoiceChange, 'status' | 'amountDue'>): string => `${c.status}|${c.amountDue.amount}`;

const statusOfValue = (value: string | undefined): InvoiceStatus | null => {
  const s = value?.split('|')[0];
  return (INVOICE_STATUSES as readonly string[]).includes(s ?? '') ? (s as InvoiceStatus) : null;
};

export interface InvoiceFeedOptions {
  reader: FinanceChangeReader;
  bus: EventBus;
  /** Where the watermark and last-known values persist (a file in the embedded default, Redis with replicas). */
  store: FeedStateStore;
  /** Drops cache entries by tag (the subgraph's entity cache). */
  invalidate(tags: string[]): Promise<unknown>;
  /** The invoices the cache holds, whatever their age (EntityCache#peek). @default nothing is known */
  lastKnown?: (invoiceNumbers: string[]) => Promise<Map<string, Peeked<InvoiceRecord>>>;
  /** Milliseconds between polls. @default 5000 */
  intervalMs?: number;
  /**
   * How far before the watermark each poll starts again, in milliseconds. It must exceed the
   * ERP's commit delay and any clock difference between us and the ERP. @default 10000
   */
  overlapMs?: number;
  /** Told after each successful poll. @default nothing */
  onSuccess?: () => void;
}

export function createInvoiceFeed({ reader, invalidate, lastKnown, ...polling }: InvoiceFeedOptions): Poller {
  // Records re-read inside the overlap were invalidated when first read; doing it again every
  // poll would empty the cache of the busiest invoices for nothing. Kept in memory only: after a
  // restart the first poll invalidates once more, which is harmless.
  const invalidatedAt = new Map<string, string>();
  return createPoller<FinanceChangeRecord>({
    name: 'finance-invoices',
    // bus, store, and the poller's own intervalMs, overlapMs and onSuccess.
    ...polling,
    async readChanges(since) {
      // One watermark for both reads: each reads from the same `since`, so whichever saw the
      // newest change, the other re-reads nothing older than the overlap and skips nothing newer.
      // One after the other: a poll holds at most one of the account's concurrency slots.
      const invoices = await reader.invoiceChangesSince(since);
      const accounts = await reader.accountChangesSince(since);
      const records: FinanceChangeRecord[] = [
        ...invoices.map((change) => ({ kind: 'invoice' as const, key: change.number, modifiedAt: change.modifiedAt, value: valueOf(change), change })),
        // The value is the change's time: every new change is news to the cache, and none is an event.
        ...accounts.map((change) => ({ kind: 'account' as const, key: accountKey(change.customerNumber), modifiedAt: change.modifiedAt, value: change.modifiedAt, change })),
      ];
      return records;
    },
    async seedKnown(records) {
      const known = new Map<string, string>();
      const invoices = records.filter((r) => r.kind === 'invoice');
      if (!lastKnown || invoices.length === 0) return known;
      const cached = await lastKnown(invoices.map((r) => r.key));
      for (const r of invoices) {
        const c = cached.get(r.key);
        // Whole seconds: a read in the second of the change itself cannot be placed before it.
        if (c && c.fetchedAt < Date.parse(r.modifiedAt)) known.set(r.key, valueOf({ status: c.value.status, amountDue: c.value.amountDue }));
      }
      return known;
    },
    async onChange(records) {
      const fresh = records.filter((r) => invalidatedAt.get(r.key) !== `${r.modifiedAt}|${r.value}`);
      if (fresh.length === 0) return;
      await invalidate([...new Set(fresh.flatMap((r) => (r.kind === 'invoice' ? invoiceChangeTags(r.change) : accountChangeTags(r.change))))]);
      for (const r of fresh) {
        invalidatedAt.delete(r.key);
        invalidatedAt.set(r.key, `${r.modifiedAt}|${r.value}`);
      }
      // Bounded like the poller's own last-known values: the oldest entries go first.
      while (invalidatedAt.size > 50_000) {
        const oldest = invalidatedAt.keys().next().value;
        if (oldest === undefined) break;
        invalidatedAt.delete(oldest);
      }
    },
    toEvents(r, previous): Array<NewEvent<InvoiceStatusEvent>> {
      if (r.kind === 'account') return [];
      const c = r.change;
      const { fetchedAt, modifiedAt: _modifiedAt, ...rest } = c;
      log.debug({ invoiceId: c.number, status: c.status }, 'invoice changed');
      return [
        {
          // The same change read twice (overlap, a restart, another replica) has the same id.
          eventId: `erp:invoice:${c.number}:${c.modifiedAt}:${r.value}`,
          topic: INVOICE_STATUS_TOPIC,
          occurredAt: c.modifiedAt,
          payload: {
            invoiceId: c.number,
            customerId: c.customerNumber,
            previousStatus: statusOfValue(previous),
            status: c.status,
            changedAt: c.modifiedAt,
            invoice: { ...rest, fetchedAt: fetchedAt.toISOString() },
          },
        },
      ];
    },
  });
}
