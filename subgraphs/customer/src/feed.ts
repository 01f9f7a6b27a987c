/**
 * The customer change feed: Salesforce Change Data Capture on the Account and
 * Contact channels, through jsforce's streaming client (CometD). Every change
 * invalidates the cached customer it belongs to and is published on the bus as
 * a `customer.changed` event.
 *
 * No loss, no repeat across restarts: the replay id of the last event handled on
 * each channel is persisted after the event's invalidation and publication, and
 * a restart subscribes from it, so Salesforce replays exactly what came after
 * (for 72 hours). A crash between handling and saving re-delivers that one event;
 * its eventId is the same, so the bus and subscribers drop it, and invalidating
 * twice is harmless.
 *
 * When streaming is unavailable (CDC not enabled for the channels, the replay id
 * expired, the subscription not acknowledged in time), the feed polls
 * SystemModstamp instead, and tries streaming again now and then.
 */
import type { ChangeEventMessage, ChangeStream, SalesforceClient } from '../../../lib/clients/salesforce.js';
import { entityTag } from '../../../lib/cache/index.js';
import type { EventBus, NewEvent } from '../../../lib/events/bus.js';
import { createPoller, type ChangedRecord as PolledRecord, type Poller } from '../../../lib/feeds/poller.js';
import type { FeedStateStore } from '../../../lib/feeds/state.js';
import { childLogger } from '../../../lib/log.js';
import type { CustomerDirectory } from './salesforce.js';

const log = childLogger('customer:feed');

/** The bus topic of customer changes. */
export const CUSTOMER_CHANGED = 'customer.changed';

export const CDC_CHANNELS = ['/data/AccountChangeEvent', '/data/ContactChangeEvent'] as const;

/** What a `customer.changed` event carries: identifiers and field names only, never values (they may be personal data). */
export interface CustomerChangedPayload {
  customerId: string;
  /** `Account` or `Contact`. */
  entity: string;
  /** CREATE, UPDATE, DELETE, UNDELETE, GAP_… (CDC), or UPDATE for a polled change. */
  changeType: string;
  /** API names of the changed fields, when the source says (CDC). */
  changedFields: string[];
  /** Who made the change: `cdc` or `poll` (Salesforce), `graph` (a write through this graph). */
  source: 'cdc' | 'poll' | 'graph';
  /** CDC's changeOrigin: `com/salesforce/api/rest/…;client=…` for API writes, empty for the Salesforce UI. */
  changeOrigin?: string;
  /** The CDC replay id of the change. */
  replayId?: number;
}

export type FeedMode = 'streaming' | 'polling' | 'off';

/** Where the feed stands; `streaming` and `polling` say which mechanism is delivering changes now. */
export type FeedPhase = { phase: 'stopped' } | { phase: 'connecting' } | { phase: 'streaming' } | { phase: 'polling'; reason: string };

export interface CustomerFeedOptions {
  client: SalesforceClient;
  directory: CustomerDirectory;
  bus: EventBus;
  /** Drops cached entries by tag (the subgraph's invalidate). */
  invalidate(tags: string[]): Promise<unknown>;
  /** The Account field holding the customer number (the org mapping's), read from CREATE events' payloads. */
  customerNumberField: string;
  /** Where the CDC replay ids are kept (fileStateStore / redisStateStore). */
  store: FeedStateStore;
  /** Where the polling fallback keeps its SystemModstamp watermark. */
  pollStore: FeedStateStore;
  /** `streaming` (CDC, polling as the fallback), `polling` only, or `off`. @default 'streaming' */
  mode?: FeedMode;
  /** How long to wait for the subscriptions to be acknowledged before falling back to polling, ms. @default 15000 */
  subscribeTimeoutMs?: number;
  /** Interval of the SystemModstamp poll while it is the fallback, ms. @default 30000 */
  pollIntervalMs?: number;
  /** While polling, how often to try streaming again, ms. @default 300000 */
  streamingRetryMs?: number;
  /** Channels to subscribe to. @default CDC_CHANNELS */
  channels?: readonly string[];
}

export interface CustomerFeed {
  start(): Promise<void>;
  stop(): Promise<void>;
  status(): FeedPhase;
  /** Resolves once every event received so far has been handled (invalidated, published and its replay id saved). */
  drain(): Promise<void>;
  /** Runs one SystemModstamp poll now (tests, and an operator nudging a stalled feed). Returns the events published. */
  pollOnce(): Promise<number>;
}

const replayKey = (channel: string): string => `replay:${channel}`;
const LAST_COMMIT = 'lastCommitAt';

/** Remembers recent id → customer number answers, so a busy account does not cost a query per change. */
class RecentMap {
  private readonly map = new Map<string, string | null>();
  constructor(private readonly capacity: number) {}
  get(id: string): string | null | undefined {
    return this.map.get(id);
  }
  set(id: string, value: string | null): void {
    this.map.delete(id);
    this.map.set(id, value);
    if (this.map.size > this.capacity) {
      const oldest = this.map.keys().next().value;
      if (oldest !== undefined) this.map.delete(oldest);
    }
  }
}

export function createCustomerFeed(opts: CustomerFeedOptions): CustomerFeed {
  const mode = opts.mode ?? 'streaming';
  const channels = opts.channels ?? CDC_CHANNELS;
  const subscribeTimeoutMs = opts.subscribeTimeoutMs ?? 15_000;
  const streamingRetryMs = opts.streamingRetryMs ?? 300_000;
  let phase: FeedPhase = { phase: 'stopped' };
  // A function, not an inline test: stop() may run while connect() awaits, which flow analysis cannot see.
  const stopped = (): boolean => phase.phase === 'stopped';
  let stream: ChangeStream | undefined;
  let retryTimer: NodeJS.Timeout | undefined;
  let poller: Poller | undefined;
  let chain: Promise<void> = Promise.resolve();
  let pending: ChangeEventMessage[] = [];
  // When the last change handled by CDC was committed: a first fallback poll starts there, so the
  // switch from streaming to polling loses nothing in between.
  let lastCommitAt: Date | undefined;
  // An Account's customer number practically never changes; a Contact may move, so its answer is refreshed on every event.
  const accountNumbers = new RecentMap(50_000);
  const contactNumbers = new RecentMap(50_000);

  async function customerNumbersOf(events: ChangeEventMessage[]): Promise<Map<ChangeEventMessage, Set<string>>> {
    const accountIds = new Set<string>();
    const contactIds = new Set<string>();
    for (const e of events) {
      for (const id of e.header.recordIds) {
        if (id.includes('*')) continue; // a wildcard (a merged gap event) names no record we can map
        if (e.header.entityName === 'Account') {
          const fromPayload = e.fields[opts.customerNumberField];
          if (typeof fromPayload === 'string') accountNumbers.set(id, fromPayload);
          else if (accountNumbers.get(id) === undefined) accountIds.add(id);
        } else if (e.header.entityName === 'Contact') contactIds.add(id);
      }
    }
    const previousOwner = new Map<string, string | null | undefined>([...contactIds].map((id) => [id, contactNumbers.get(id)]));
    if (accountIds.size > 0) for (const [id, n] of await opts.directory.customerNumbersOfAccounts([...accountIds])) accountNumbers.set(id, n);
    if (contactIds.size > 0) for (const [id, n] of await opts.directory.customerNumbersOfContacts([...contactIds])) contactNumbers.set(id, n);
    const out = new Map<ChangeEventMessage, Set<string>>();
    for (const e of events) {
      const numbers = new Set<string>();
      for (const id of e.header.recordIds) {
        const n = e.header.entityName === 'Account' ? accountNumbers.get(id) : contactNumbers.get(id);
        if (n) numbers.add(n);
        // A contact moved to another account leaves its old customer changed too.
        const before = e.header.entityName === 'Contact' ? previousOwner.get(id) : undefined;
        if (before) numbers.add(before);
      }
      if (numbers.size === 0) log.warn({ entity: e.header.entityName, changeType: e.header.changeType, replayId: e.replayId }, 'a change event names no known customer; its cache entries expire by TTL');
      out.set(e, numbers);
    }
    return out;
  }

  /** Handles what has arrived, in order: one lookup batch, one invalidation, then the events and the replay ids. */
  async function handle(batch: ChangeEventMessage[]): Promise<void> {
    const numbers = await customerNumbersOf(batch);
    const tags = new Set<string>();
    for (const set of numbers.values()) for (const n of set) tags.add(entityTag('Customer', n));
    if (tags.size > 0) await opts.invalidate([...tags]);
    for (const e of batch) {
      for (const customerId of numbers.get(e) ?? []) {
        const event: NewEvent<CustomerChangedPayload> = {
          // The change's own identity in Salesforce: the same whenever it is replayed.
          eventId: `salesforce-cdc:${e.header.transactionKey}:${e.header.sequenceNumber}:${customerId}`,
          topic: CUSTOMER_CHANGED,
          occurredAt: new Date(e.header.commitTimestamp).toISOString(),
          payload: {
            customerId,
            entity: e.header.entityName,
            changeType: e.header.changeType,
            changedFields: e.header.changedFields ?? [],
            source: 'cdc',
            changeOrigin: e.header.changeOrigin,
            replayId: e.replayId,
          },
        };
        await opts.bus.publish(event);
      }
    }
    const state = await opts.store.load();
    for (const e of batch) {
      const prev = Number(state.known[replayKey(e.channel)] ?? -1);
      if (e.replayId > prev) state.known[replayKey(e.channel)] = String(e.replayId);
      if (!lastCommitAt || e.header.commitTimestamp > lastCommitAt.getTime()) lastCommitAt = new Date(e.header.commitTimestamp);
    }
    if (lastCommitAt) state.known[LAST_COMMIT] = lastCommitAt.toISOString();
    await opts.store.save(state);
  }

  function enqueue(event: ChangeEventMessage): void {
    pending.push(event);
    // One handler at a time keeps replay ids saved in order; events arriving meanwhile form the next batch.
    chain = chain.then(async () => {
      if (pending.length === 0) return;
      const batch = pending;
      pending = [];
      for (;;) {
        try {
          await handle(batch);
          return;
        } catch (err) {
          // Salesforce or the state store failed: keep the batch (its replay ids are not saved) and try again shortly.
          log.warn({ err, events: batch.length }, 'handling change events failed; retrying');
          await new Promise((r) => setTimeout(r, 1000));
          if (phase.phase === 'stopped') return;
        }
      }
    });
  }

  function startPolling(reason: string): void {
    if (phase.phase === 'stopped') return;
    phase = { phase: 'polling', reason };
    log.warn({ reason }, 'change data capture unavailable; polling SystemModstamp instead');
    poller ??= createPoller<PolledRecord & { customerNumber: string }>({
      name: 'customer-systemmodstamp',
      bus: opts.bus,
      store: opts.pollStore,
      intervalMs: opts.pollIntervalMs ?? 30_000,
      ...(lastCommitAt ? { startAt: () => lastCommitAt ?? new Date() } : {}),
      async readChanges(since) {
        const changed = await opts.directory.changedSince(since);
        return changed
          .filter((c): c is typeof c & { customerNumber: string } => c.customerNumber !== null)
          .map((c) => ({ key: `${c.entity}:${c.recordId}`, modifiedAt: c.modifiedAt, value: c.modifiedAt, customerNumber: c.customerNumber }));
      },
      async onChange(records) {
        await opts.invalidate([...new Set(records.map((r) => entityTag('Customer', r.customerNumber)))]);
      },
      toEvents(r) {
        return [
          {
            eventId: `salesforce-poll:${r.key}:${r.modifiedAt}`,
            topic: CUSTOMER_CHANGED,
            occurredAt: r.modifiedAt,
            payload: { customerId: r.customerNumber, entity: r.key.split(':')[0] ?? 'Account', changeType: 'UPDATE', changedFields: [], source: 'poll' } satisfies CustomerChangedPayload,
          },
        ];
      },
    });
    void poller.start();
    retryTimer = setTimeout(() => void connect(), streamingRetryMs);
    retryTimer.unref();
  }

  async function connect(): Promise<void> {
    if (phase.phase === 'stopped') return;
    phase = { phase: 'connecting' };
    const state = await opts.store.load();
    const stored = state.known[LAST_COMMIT];
    if (stored && !lastCommitAt) lastCommitAt = new Date(stored);
    const subscribe = channels.map((channel) => ({ channel, replayId: Number(state.known[replayKey(channel)] ?? -1) }));
    let s: ChangeStream;
    try {
      s = await opts.client.streamChanges({
        channels: subscribe,
        onEvent: enqueue,
        onFailure: (err) => {
          if (stream !== s || stopped()) return;
          log.warn({ err }, 'the change stream stopped; resubscribing from the stored replay ids');
          s.close();
          stream = undefined;
          // Let what arrived be handled (and its replay ids saved) before resubscribing from them.
          void chain.then(() => connect());
        },
      });
    } catch (err) {
      log.warn({ err }, 'could not open the change stream');
      startPolling(err instanceof Error ? err.message : String(err));
      return;
    }
    stream = s;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`subscriptions not acknowledged within ${subscribeTimeoutMs} ms`)), subscribeTimeoutMs);
    });
    try {
      await Promise.race([s.ready, timeout]);
    } catch (err) {
      if (stream === s) {
        s.close();
        stream = undefined;
        startPolling(err instanceof Error ? err.message : String(err));
      }
      return;
    } finally {
      clearTimeout(timer);
    }
    if (stopped()) return;
    // Streaming delivers again: the poller's job is done (its watermark stays for the next fallback).
    if (poller) await poller.stop();
    phase = { phase: 'streaming' };
    log.info({ channels: subscribe }, 'change data capture subscribed');
  }

  return {
    async start() {
      if (mode === 'off' || phase.phase !== 'stopped') return;
      phase = { phase: 'connecting' };
      if (mode === 'polling') {
        startPolling('CUSTOMER_FEED_MODE=polling');
        return;
      }
      await connect();
    },
    async stop() {
      phase = { phase: 'stopped' };
      clearTimeout(retryTimer);
      stream?.close();
      stream = undefined;
      await poller?.stop();
      await chain;
    },
    status: () => phase,
    async drain() {
      await chain;
    },
    async pollOnce() {
      return poller ? poller.pollOnce() : 0;
    },
  };
}
