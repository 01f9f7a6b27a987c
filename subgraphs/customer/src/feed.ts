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
 * A stored replay id Salesforce no longer has (past the 72-hour retention, or an
 * org whose event bus was reset) is refused in the `/meta/subscribe` reply. It can
 * never succeed again, and -2 would replay up to 72 hours of events at once, so
 * those channels resume at -1 (new events only) and one SystemModstamp query
 * reconciles the gap since the last change handled: what changed in it is
 * invalidated and published once. The gap is recorded before resubscribing, so a
 * crash before the query runs still reconciles it on the next start.
 *
 * When streaming is unavailable (CDC not enabled for the channels, Salesforce
 * down, the subscription not acknowledged in time), the feed polls SystemModstamp
 * instead and tries streaming again: soon (5 s, doubling) when Salesforce was
 * unreachable, every `streamingRetryMs` when it refused.
 */
import { ReplayIdUnavailableError, type ChangeEventMessage, type ChangeStream, type SalesforceClient } from '../../../lib/clients/salesforce.js';
import { UpstreamError } from '../../../lib/errors.js';
import { entityTag } from '../../../lib/cache/index.js';
import type { EventBus, NewEvent } from '../../../lib/events/bus.js';
import { createPoller, type ChangedRecord as PolledRecord, type Poller } from '../../../lib/feeds/poller.js';
import type { FeedState, FeedStateStore } from '../../../lib/feeds/state.js';
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
  /**
   * While polling because Salesforce refused the subscription (CDC not enabled for a channel), how
   * often to try streaming again, ms. When Salesforce was unreachable instead, the first retry comes
   * after 5 s and the delay doubles up to this. @default 300000
   */
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
/** The records handled in the same second as the last commit (a JSON array of ids); see handledAt. */
const LAST_COMMIT_RECORDS = 'lastCommitRecords';
/** Set while a gap left by a refused replay id waits for its reconciliation query: where the gap starts. */
const RECONCILE_FROM = 'reconcileFrom';
/** The first streaming retry after Salesforce was unreachable, ms; it doubles up to streamingRetryMs. */
const FIRST_STREAMING_RETRY_MS = 5_000;
const RECONCILE_RETRY_MS = 2_000;

const floorSecond = (ms: number): number => Math.floor(ms / 1000) * 1000;

/** A record the SystemModstamp query found changed, with the customer it belongs to. */
type PolledChange = PolledRecord & { customerNumber: string; entity: string; recordId: string };

/** Remembers recent answers by id, dropping the least recently set beyond its capacity. */
class RecentMap<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly capacity: number) {}
  get(id: string): V | undefined {
    return this.map.get(id);
  }
  set(id: string, value: V): void {
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
  // Consecutive fallbacks because Salesforce could not be reached; sets the next streaming retry's delay.
  let unreachableRetries = 0;
  let poller: Poller | undefined;
  let chain: Promise<void> = Promise.resolve();
  let pending: ChangeEventMessage[] = [];
  // When the last change handled by CDC was committed: a first fallback poll starts there, so the
  // switch from streaming to polling loses nothing in between.
  let lastCommitAt: Date | undefined;
  // An Account's customer number practically never changes; a Contact may move, so its answer is refreshed on every event.
  const accountNumbers = new RecentMap<string | null>(50_000);
  const contactNumbers = new RecentMap<string | null>(50_000);
  // When CDC last handled a change to each record (commit time, ms). A reconciliation query reads
  // whole seconds back from the gap's start, so it finds records CDC already handled; these are
  // left out. Seeded after a restart from the records of the last commit's second (persisted).
  const handledAt = new RecentMap<number>(50_000);
  let lastSecond = 0;
  let lastSecondRecords = new Set<string>();
  // What a reconciliation published (SystemModstamp, ms): a CDC event for the same change, committed
  // between the -1 subscription and the query, is then not published a second time.
  const reconciled = new RecentMap<number>(50_000);

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
      const ids = e.header.recordIds.filter((id) => !id.includes('*'));
      if (ids.length > 0 && ids.every((id) => (reconciled.get(id) ?? -Infinity) >= e.header.commitTimestamp)) continue;
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
      const second = floorSecond(e.header.commitTimestamp);
      if (second > lastSecond) {
        lastSecond = second;
        lastSecondRecords = new Set();
      }
      for (const id of e.header.recordIds) {
        if (id.includes('*')) continue;
        handledAt.set(id, Math.max(handledAt.get(id) ?? 0, e.header.commitTimestamp));
        if (second === lastSecond && lastSecondRecords.size < 1000) lastSecondRecords.add(id);
      }
    }
    if (lastCommitAt) state.known[LAST_COMMIT] = lastCommitAt.toISOString();
    state.known[LAST_COMMIT_RECORDS] = JSON.stringify([...lastSecondRecords]);
    await opts.store.save(state);
  }

  /** Runs `task` after everything queued before it, so the state store is read and written by one task at a time. */
  function serial<T>(task: () => Promise<T>): Promise<T> {
    const run = chain.then(task);
    chain = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  function enqueue(event: ChangeEventMessage): void {
    pending.push(event);
    // One handler at a time keeps replay ids saved in order; events arriving meanwhile form the next batch.
    void serial(async () => {
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

  /** The SystemModstamp query, shared by the polling fallback and the reconciliation of a gap. */
  async function readPolled(since: Date): Promise<PolledChange[]> {
    const changed = await opts.directory.changedSince(since);
    return changed
      .filter((c): c is typeof c & { customerNumber: string } => c.customerNumber !== null)
      .map((c) => ({ key: `${c.entity}:${c.recordId}`, modifiedAt: c.modifiedAt, value: c.modifiedAt, customerNumber: c.customerNumber, entity: c.entity, recordId: c.recordId }));
  }

  async function invalidatePolled(records: PolledChange[]): Promise<void> {
    await opts.invalidate([...new Set(records.map((r) => entityTag('Customer', r.customerNumber)))]);
  }

  function polledEvent(r: PolledChange): NewEvent<CustomerChangedPayload> {
    return {
      // The same for the same change whether the fallback poll or a reconciliation found it, so the bus keeps one.
      eventId: `salesforce-poll:${r.key}:${r.modifiedAt}`,
      topic: CUSTOMER_CHANGED,
      occurredAt: r.modifiedAt,
      payload: { customerId: r.customerNumber, entity: r.entity, changeType: 'UPDATE', changedFields: [], source: 'poll' },
    };
  }

  /**
   * One catch-up query for the gap a refused replay id left: every record modified since `from`
   * that CDC has not handled is invalidated and published, then the gap is marked closed.
   */
  async function reconcile(from: Date): Promise<number> {
    const changes = (await readPolled(from)).filter((r) => {
      const handled = handledAt.get(r.recordId);
      return handled === undefined || handled < floorSecond(Date.parse(r.modifiedAt));
    });
    if (changes.length > 0) await invalidatePolled(changes);
    let published = 0;
    for (const r of changes) {
      if ((await opts.bus.publish(polledEvent(r))) !== null) published += 1;
      reconciled.set(r.recordId, Date.parse(r.modifiedAt));
    }
    const state = await opts.store.load();
    delete state.known[RECONCILE_FROM];
    await opts.store.save(state);
    log.info({ from: from.toISOString(), changed: changes.length, published }, 'reconciled the change data capture gap with SystemModstamp');
    return published;
  }

  /** Runs the pending reconciliation, if any, retrying until it succeeds or the stream it belongs to ends. */
  async function reconcilePending(s: ChangeStream): Promise<void> {
    for (;;) {
      try {
        await serial(async () => {
          const from = (await opts.store.load()).known[RECONCILE_FROM];
          if (from) await reconcile(new Date(from));
        });
        return;
      } catch (err) {
        // The gap stays recorded; the next attempt (or the next start) runs the same query.
        log.warn({ err }, 'reconciling the change data capture gap failed; retrying');
        await new Promise((r) => setTimeout(r, RECONCILE_RETRY_MS));
        if (stopped() || stream !== s) return;
      }
    }
  }

  /**
   * Salesforce no longer has the replay id of these channels: forget it for good, record where the
   * gap starts, and subscribe again (those channels at -1). connect() reconciles the gap once streaming.
   */
  async function resumeAfterRefusedReplay(err: ReplayIdUnavailableError): Promise<void> {
    const retry = await serial(async () => {
      const state = await opts.store.load();
      const dead = err.channels.filter((ch) => state.known[replayKey(ch)] !== undefined);
      if (dead.length === 0) return false; // already at -1: the refusal is not about a stored id
      for (const ch of dead) delete state.known[replayKey(ch)];
      const from = state.known[RECONCILE_FROM] ?? state.known[LAST_COMMIT] ?? lastCommitAt?.toISOString();
      if (from) state.known[RECONCILE_FROM] = from;
      await opts.store.save(state);
      log.warn(
        { channels: dead, reconcileFrom: from ?? null, err: err.message },
        from
          ? 'Salesforce no longer has the stored replay id; resubscribing at -1 and reconciling the gap with one SystemModstamp query'
          : 'Salesforce no longer has the stored replay id and no handled change is on record; resubscribing at -1 (changes in the gap expire by TTL)',
      );
      return true;
    });
    if (retry) await connect();
    else startPolling(err.message, err);
  }

  function streamingRetryDelay(cause: unknown): number {
    // Refusals (CDC not enabled, a bad channel) do not fix themselves quickly; an outage often does.
    const unreachable = !(cause instanceof UpstreamError) || cause.transient;
    if (!unreachable) return streamingRetryMs;
    const delay = Math.min(streamingRetryMs, FIRST_STREAMING_RETRY_MS * 2 ** unreachableRetries);
    unreachableRetries += 1;
    return delay;
  }

  function startPolling(reason: string, cause?: unknown): void {
    if (phase.phase === 'stopped') return;
    phase = { phase: 'polling', reason };
    log.warn({ reason }, 'change data capture unavailable; polling SystemModstamp instead');
    poller ??= createPoller<PolledChange>({
      name: 'customer-systemmodstamp',
      bus: opts.bus,
      store: opts.pollStore,
      intervalMs: opts.pollIntervalMs ?? 30_000,
      ...(lastCommitAt ? { startAt: () => lastCommitAt ?? new Date() } : {}),
      readChanges: readPolled,
      onChange: invalidatePolled,
      toEvents: (r) => [polledEvent(r)],
    });
    void poller.start();
    if (mode !== 'streaming') return;
    clearTimeout(retryTimer);
    retryTimer = setTimeout(() => void connect(), cause === undefined ? streamingRetryMs : streamingRetryDelay(cause));
    retryTimer.unref();
  }

  async function connect(): Promise<void> {
    if (phase.phase === 'stopped') return;
    phase = { phase: 'connecting' };
    let state: FeedState;
    try {
      // Reading the state asks Salesforce who it is (identityBoundStore): while it cannot
      // answer, fall back and retry as for a stream that cannot open.
      state = await opts.store.load();
    } catch (err) {
      log.warn({ err }, 'could not read the change feed state');
      startPolling(err instanceof Error ? err.message : String(err), err);
      return;
    }
    const stored = state.known[LAST_COMMIT];
    if (stored && !lastCommitAt) lastCommitAt = new Date(stored);
    if (lastCommitAt && state.known[LAST_COMMIT_RECORDS] && lastSecond === 0) {
      lastSecond = floorSecond(lastCommitAt.getTime());
      lastSecondRecords = new Set(JSON.parse(state.known[LAST_COMMIT_RECORDS]) as string[]);
      for (const id of lastSecondRecords) if (handledAt.get(id) === undefined) handledAt.set(id, lastCommitAt.getTime());
    }
    const subscribe = channels.map((channel) => ({ channel, replayId: Number(state.known[replayKey(channel)] ?? -1) }));
    let s: ChangeStream;
    try {
      s = await opts.client.streamChanges({
        channels: subscribe,
        onEvent: enqueue,
        onFailure: (err) => {
          if (stream !== s || stopped()) return;
          s.close();
          stream = undefined;
          if (err instanceof ReplayIdUnavailableError) {
            void resumeAfterRefusedReplay(err);
            return;
          }
          log.warn({ err }, 'the change stream stopped; resubscribing from the stored replay ids');
          // Let what arrived be handled (and its replay ids saved) before resubscribing from them.
          void chain.then(() => connect());
        },
      });
    } catch (err) {
      log.warn({ err }, 'could not open the change stream');
      startPolling(err instanceof Error ? err.message : String(err), err);
      return;
    }
    stream = s;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new UpstreamError('SALESFORCE', 'timeout', `subscriptions not acknowledged within ${subscribeTimeoutMs} ms`)), subscribeTimeoutMs);
    });
    try {
      await Promise.race([s.ready, timeout]);
    } catch (err) {
      if (stream === s) {
        s.close();
        stream = undefined;
        if (err instanceof ReplayIdUnavailableError) await resumeAfterRefusedReplay(err);
        else startPolling(err instanceof Error ? err.message : String(err), err);
      }
      return;
    } finally {
      clearTimeout(timer);
    }
    if (stopped()) return;
    // Streaming delivers again: the poller's job is done (its watermark stays for the next fallback).
    if (poller) await poller.stop();
    clearTimeout(retryTimer);
    unreachableRetries = 0;
    phase = { phase: 'streaming' };
    log.info({ channels: subscribe }, 'change data capture subscribed');
    // A gap left by a refused replay id (now, or before a crash) is queried only once subscribed at
    // -1, so that nothing committed between the query and the subscription falls between the two.
    void reconcilePending(s);
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
