/**
 * Cross-request batching while waiting for a concurrency slot. A request's
 * DataLoader batch is one call per request; when every slot of an account is
 * busy, twenty requests for twenty customers would queue twenty calls. Here
 * the keys of one kind of read (say, the orders of customers) that arrive while
 * an earlier batch of that kind waits for a slot join it, up to `maxKeys`, and
 * the call made once the slot is granted answers every request in it: the
 * number of calls waiting follows the kinds of reads, not the requests.
 *
 * - Each request gets only its own keys' results (the merged call's answer is
 *   cut per request), and a failure of the call fails every request in it.
 * - A request stops waiting when its own wait or deadline runs out, with the
 *   error the call policy gives; the call others wait on goes on. Its keys are
 *   left out of the call when it leaves before the slot is granted.
 * - The slot granted to the batch is the one its call uses: the call's first
 *   permit is taken from it (lib/limits.ts runWithPermit), so no second wait.
 * - Background and interactive work never share a batch; the batch waits with
 *   the priority of its work.
 * - A batch closes when its slot is granted: nothing joins a call already made,
 *   so every key is fetched after its requester asked (the entity cache's
 *   version rule holds: a value is read after the version it is stored with).
 *
 * The merged call runs in the context of the request that opened the batch,
 * so it carries that request's correlation id to the system; its log line and
 * span name every request it served.
 *
 * Written here rather than with DataLoader's batchScheduleFn: a batch must wait
 * for a slot as long as its longest-waiting request, drop the keys of requests
 * that left, and fail when no slot came; DataLoader's scheduler sees none of
 * the batch's requests and can only dispatch it.
 */
import type { Logger } from 'pino';
import { currentScope } from './context.js';
import { UpstreamError, type SystemOfRecord } from './errors.js';
import { currentPriority, LimitTimeoutError, runWithPermit, type Limiter, type Priority } from './limits.js';
import { childLogger } from './log.js';
import { counterMetric } from './metrics.js';
import { activeSpanContext, inSpan, SpanKind, type SpanContext } from './tracing.js';

/** Reads `keys` in one call; a key the system does not know is left out. */
export type BatchRead<V> = (keys: string[]) => Promise<Map<string, V>>;

export interface SlotBatcher {
  /**
   * Answers `keys` (only them) from one call of `read`, shared with the other
   * requests of this process that ask for the same `kind` while the call waits
   * for a slot. Every `read` given for one `kind` must read the same thing: the
   * kind names everything the query depends on besides its keys (a filter, a page).
   */
  load<V>(kind: string, keys: readonly string[], read: BatchRead<V>): Promise<Map<string, V>>;
}

export interface SlotBatcherOptions {
  system: SystemOfRecord;
  /** The account's limiter; the same one the reads' calls take their permits from. */
  limiter: Limiter;
  /** Longest wait of one request for a slot. */
  permitWaitMs: number;
  /** Longest wait of one request for its answer, slot included: the call's deadline. */
  deadlineMs: number;
  /** Most keys in one merged call; a request asking more runs alone. @default 100 */
  maxKeys?: number;
  log?: Logger;
}

const merged = counterMetric(
  'rsg_upstream_batched_requests_total',
  'Requests answered by a call to a system of record that served other requests too (cross-request batching while waiting for a slot), by system',
  ['system'] as const,
);

interface Member {
  keys: string[];
  enteredAt: number;
  correlationId: string | undefined;
  span: SpanContext | undefined;
  resolve(found: Map<string, unknown>): void;
  reject(e: unknown): void;
  left: boolean;
  timer: NodeJS.Timeout | undefined;
}

interface Batch {
  slotKey: string;
  read: BatchRead<unknown>;
  members: Member[];
  keys: Set<string>;
  closed: boolean;
  abort: AbortController;
}

export function createSlotBatcher(opts: SlotBatcherOptions): SlotBatcher {
  const { system, limiter } = opts;
  const maxKeys = opts.maxKeys ?? 100;
  const permitWaitMs = Math.min(opts.permitWaitMs, opts.deadlineMs);
  const log = opts.log ?? childLogger('batch');
  /** The batch of each kind (and priority) still waiting for a slot, which new requests join. */
  const open = new Map<string, Batch>();

  const live = (b: Batch): Member[] => b.members.filter((m) => !m.left);

  const slotTimeout = (cause?: unknown): UpstreamError => {
    if (cause instanceof LimitTimeoutError && cause.kind === 'rate') return new UpstreamError(system, 'rate_limited', `${system} rate budget reached: ${cause.message}`);
    return new UpstreamError(system, 'timeout', `${system} did not answer in time: no free concurrency slot within ${permitWaitMs} ms`, cause ? { cause } : {});
  };

  /** The member leaves: its promise fails now, and its keys leave a batch that has no slot yet. */
  function leave(b: Batch, m: Member, err: unknown): void {
    if (m.left) return;
    m.left = true;
    clearTimeout(m.timer);
    m.reject(err);
    if (b.closed) return;
    b.keys = new Set(live(b).flatMap((x) => x.keys));
    if (live(b).length === 0) {
      if (open.get(b.slotKey) === b) open.delete(b.slotKey);
      b.abort.abort();
    }
  }

  async function acquire(b: Batch, priority: Priority): Promise<(() => void) | undefined> {
    for (;;) {
      const members = live(b);
      if (members.length === 0) return undefined;
      const waitMs = Math.max(0, Math.max(...members.map((m) => m.enteredAt + permitWaitMs)) - Date.now());
      try {
        return await limiter.acquire(waitMs, priority, b.abort.signal);
      } catch (e) {
        if (b.abort.signal.aborted) return undefined;
        // Someone who joined later may still wait; the others' timers have failed them already.
        if (e instanceof LimitTimeoutError && live(b).some((m) => m.enteredAt + permitWaitMs > Date.now() + 1)) continue;
        // As the call policy would: a wait that ran out is a timeout; anything else (the limiter's store failing) as it is.
        for (const m of live(b)) leave(b, m, e instanceof LimitTimeoutError ? slotTimeout(e) : e);
        return undefined;
      }
    }
  }

  async function run(b: Batch, priority: Priority): Promise<void> {
    const release = await acquire(b, priority);
    b.closed = true;
    if (open.get(b.slotKey) === b) open.delete(b.slotKey);
    const members = live(b);
    if (!release) return;
    if (members.length === 0) {
      release();
      return;
    }
    const keys = [...new Set(members.flatMap((m) => m.keys))];
    const correlationIds = [...new Set(members.map((m) => m.correlationId).filter((c): c is string => c !== undefined))];
    if (members.length > 1) {
      merged.inc({ system }, members.length);
      log.debug({ system, kind: b.slotKey, requests: members.length, keys: keys.length, correlationIds }, 'one call serves several requests');
    }
    const call = (): Promise<Map<string, unknown>> => runWithPermit(limiter, release, () => b.read(keys));
    let found: Map<string, unknown>;
    try {
      if (members.length === 1) found = await call();
      else {
        // The call's span (lib/call-span.ts) is a child of this one, which links the traces of every request it serves.
        const links = members.flatMap((m) => (m.span ? [{ context: m.span }] : []));
        const attributes = { 'rsg.system': system, 'rsg.batch.kind': b.slotKey, 'rsg.batch.requests': members.length, 'rsg.batch.keys': keys.length, 'rsg.batch.correlation_ids': correlationIds };
        found = await inSpan(`${system} batch`, { kind: SpanKind.INTERNAL, attributes, links }, call);
      }
    } catch (e) {
      for (const m of members) {
        if (m.left) continue;
        m.left = true;
        clearTimeout(m.timer);
        m.reject(e);
      }
      return;
    }
    for (const m of members) {
      if (m.left) continue;
      m.left = true;
      clearTimeout(m.timer);
      m.resolve(new Map(m.keys.filter((k) => found.has(k)).map((k) => [k, found.get(k)])));
    }
  }

  return {
    load<V>(kind: string, keysIn: readonly string[], read: BatchRead<V>): Promise<Map<string, V>> {
      const keys = [...new Set(keysIn)];
      if (keys.length === 0) return Promise.resolve(new Map());
      // Too many for one call with others: it makes its own calls, as it would have alone.
      if (keys.length > maxKeys) return read(keys);
      const priority = currentPriority();
      const slotKey = `${priority}:${kind}`;
      let b = open.get(slotKey);
      if (!b || new Set([...b.keys, ...keys]).size > maxKeys) {
        // A full batch keeps its place in line; later requests wait in a new one behind it.
        b = { slotKey, read: read as BatchRead<unknown>, members: [], keys: new Set(), closed: false, abort: new AbortController() };
        open.set(slotKey, b);
        const opened = b;
        // Started after the opener joins, in its context: the call carries its correlation id.
        queueMicrotask(() => void run(opened, priority));
      }
      const batch = b;
      for (const k of keys) batch.keys.add(k);
      return new Promise<Map<string, V>>((resolve, reject) => {
        const m: Member = {
          keys,
          enteredAt: Date.now(),
          correlationId: currentScope()?.correlationId,
          span: activeSpanContext(),
          resolve: resolve as (found: Map<string, unknown>) => void,
          reject,
          left: false,
          timer: undefined,
        };
        batch.members.push(m);
        // First the wait for a slot; once the call is made, what is left of the deadline.
        m.timer = setTimeout(() => {
          if (!batch.closed) leave(batch, m, slotTimeout());
          else {
            const rest = m.enteredAt + opts.deadlineMs - Date.now();
            m.timer = setTimeout(() => leave(batch, m, new UpstreamError(system, 'timeout', `${system} did not answer within the call's deadline of ${opts.deadlineMs} ms`)), Math.max(0, rest));
          }
        }, permitWaitMs);
      });
    },
  };
}
