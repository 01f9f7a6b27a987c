/**
 * The service desk's change feed: every change to a case, made through the
 * graph or inside Zendesk, becomes one `case.updated` event on the bus and
 * invalidates the cached case and the lists it is on.
 *
 * Two sources, one event per change:
 * - **Webhooks** (push, within a second). One webhook, registered by name at boot
 *   as an upsert (list by name, create if missing, keep the oldest if replicas
 *   raced), points at `POST /webhooks/zendesk` on this subgraph. Its signing
 *   secret is read through the API, and every delivery's signature
 *   (base64 HMAC-SHA256 of timestamp + body) is checked before anything else;
 *   a delivery that fails is answered 401 and changes nothing. Zendesk sends one
 *   delivery per ticket event (status changed, comment added, …); the deliveries
 *   of one change share a sequence id and are gathered into one event.
 * - **The incremental export** (pull, every minute by default), from a cursor
 *   persisted with the feed state, catches whatever a missed or refused webhook
 *   dropped.
 *
 * The same webhook subscribes to organization events (created, external id changed,
 * deleted): they publish nothing, but drop the cached directory entries and case lists
 * of the customers the organization names now and named before, so a customer whose
 * organization appears in Zendesk sees its cases at the next read. A lost one is
 * bounded by the short TTL of directory misses.
 *
 * With replicas, every replica receives webhooks (Zendesk delivers to whichever
 * the load balancer picks) and publishes what they announce; only the replica
 * holding the feed's lease reads the export and writes the shared cursor and
 * versions (lib/feeds/lease.ts), so the export is read once per deployment.
 *
 * The eventId is the ticket id plus its updated_at, which names one change
 * whichever source saw it (and the write that made it); the bus drops repeats, and
 * the feed state remembers the last version seen per case, so the export does not
 * announce again what a webhook already did, even after a restart.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import express from 'express';
import type { Logger } from 'pino';
import type { EventBus } from '../../../lib/events/bus.js';
import type { FeedState, FeedStateStore } from '../../../lib/feeds/state.js';
import { soleLease, type FeedLease } from '../../../lib/feeds/lease.js';
import { boundKnown } from '../../../lib/feeds/state.js';
import { inBackground } from '../../../lib/limits.js';
import { readRecently } from '../../../lib/feeds/poller.js';
import { sharedFeedHealth } from '../../../lib/feeds/shared-health.js';
import { UpstreamError } from '../../../lib/errors.js';
import { entityTag, listTag } from '../../../lib/cache/index.js';
import { caseTags } from './writes.js';
import type { CaseStatus, SupportCaseRecord } from './zendesk.js';
import type { ServiceDeskFeed } from './zendesk-feed.js';
import { caseStatusFromWire } from './zendesk-wire.js';

export const CASE_UPDATED_TOPIC = 'case.updated';

/** The ticket events the webhook subscribes to: every one Zendesk emits for a ticket change we show. */
export const TICKET_EVENT_TYPES = [
  'zen:event-type:ticket.created',
  'zen:event-type:ticket.status_changed',
  'zen:event-type:ticket.priority_changed',
  'zen:event-type:ticket.comment_added',
  'zen:event-type:ticket.agent_assignment_changed',
  'zen:event-type:ticket.subject_changed',
  'zen:event-type:ticket.tags_changed',
  'zen:event-type:ticket.custom_field_changed',
  'zen:event-type:ticket.external_id_changed',
  'zen:event-type:ticket.requester_changed',
  'zen:event-type:ticket.organization_changed',
] as const;

/**
 * The organization events the webhook subscribes to: each can put a customer number on an
 * organization or take it off one, which moves where that customer's cases are listed.
 */
export const ORGANIZATION_EVENT_TYPES = [
  'zen:event-type:organization.created',
  'zen:event-type:organization.external_id_changed',
  'zen:event-type:organization.deleted',
] as const;

/** Everything the webhook subscribes to. */
export const WEBHOOK_EVENT_TYPES = [...TICKET_EVENT_TYPES, ...ORGANIZATION_EVENT_TYPES] as const;

const isOrganizationEvent = (type: string): type is (typeof ORGANIZATION_EVENT_TYPES)[number] => (ORGANIZATION_EVENT_TYPES as readonly string[]).includes(type);

/**
 * Cache tags an organization change makes stale: which customer the organization is, and for each
 * customer number it gained or lost, where that customer sits in the service desk and their case
 * lists. External ids are case-insensitive in Zendesk; customer numbers are upper case in the graph.
 */
export function organizationTags(organizationId: string, customerNumbers: ReadonlyArray<string | null>): string[] {
  const tags = [entityTag('Organization', organizationId)];
  const numbers = new Set(customerNumbers.flatMap((c) => (c ? [c, c.toUpperCase()] : [])));
  for (const c of numbers) tags.push(listTag('Customer', c, 'serviceDirectory'), listTag('Customer', c, 'cases'));
  return tags;
}

/** What a `case.updated` event carries: ids and statuses, never the case's text. */
export interface CaseUpdatePayload {
  caseId: string;
  /** The case's customer; null only when the service desk could not say. */
  customerId: string | null;
  status: CaseStatus;
  previousStatus: CaseStatus | null;
  /** The case's updated_at after the change, ISO-8601. */
  changedAt: string;
}

/** One change, the same whichever source saw it. */
export const caseEventId = (caseId: string, updatedAt: string): string => `zendesk:ticket:${caseId}:${new Date(updatedAt).toISOString()}`;

export interface CaseFeedOptions {
  bus: EventBus;
  desk: ServiceDeskFeed;
  /** Where the cursor and the last version seen per case are kept. */
  state: FeedStateStore;
  /** Drops cached entries by tag (the subgraph's invalidate). */
  invalidate(tags: string[]): Promise<unknown>;
  /** Reads cases (through the cache; called after their tags were invalidated, so fresh). */
  readCases(ids: string[]): Promise<Array<SupportCaseRecord | null>>;
  /** The customer number of a case (organization or requester external id). */
  customerOfCase(c: SupportCaseRecord): Promise<string | null>;
  log: Logger;
  /** The webhook's name in Zendesk; one per deployment. @default 'retail-supergraph-service' */
  webhookName?: string;
  /** The URL Zendesk delivers to (this subgraph's `/webhooks/zendesk`, as Zendesk can reach it). Without one, no webhook is registered. @default none */
  webhookUrl?: string;
  /** The path the receiver is mounted on. @default '/webhooks/zendesk' */
  webhookPath?: string;
  /** How far a delivery's signature timestamp may be from now, in seconds (replay protection). @default 300 */
  signatureToleranceSeconds?: number;
  /** How long to wait for the rest of a change's deliveries before announcing it with what came. @default 1000 */
  sequenceWaitMs?: number;
  /** Milliseconds between incremental export polls; 0 turns polling off. Zendesk allows 10 export calls a minute. @default 60000 */
  pollIntervalMs?: number;
  /** Zendesk leaves the last minute out of the export; a first start reads from this many seconds ago. @default 90 */
  exportLagSeconds?: number;
  /** Last versions remembered (one per case). @default 50000 */
  knownLimit?: number;
  /**
   * How long after a change its case lists are dropped once more. Zendesk's search, which the
   * lists are read from, may take a few minutes to index a change, so a list searched right
   * after the change can miss it; dropping the lists again once the index has caught up keeps
   * such a list from living out its stretched TTL. 0 turns it off. @default 180000
   */
  searchSettleMs?: number;
  /** Which replica reads the export and writes the state; webhooks are handled by every replica. @default soleLease: this process */
  lease?: FeedLease;
}

export interface CaseFeed {
  /** Mounts the webhook receiver. */
  routes(app: express.Express): void;
  /** Registers the webhook (retrying in the background while Zendesk is unreachable) and starts polling. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Reads the export once now (tests, and an operator's nudge); resolves to the events published. */
  pollOnce(): Promise<number>;
  /** Announces a change made by one of our own writes (the webhook for it is then a repeat). */
  announceWrite(change: CaseUpdatePayload & { orderId: string | null }): Promise<void>;
  /** Resolves once the webhook is registered and its secret read. */
  ready(): Promise<void>;
  /**
   * Whether the feed is keeping the cases' caches current: started, its webhook registered,
   * and an export poll succeeded within HEALTHY_INTERVALS poll intervals (the export catches
   * what a lost delivery dropped). Read at every cache lookup of the domains it covers.
   */
  healthy(): boolean;
}

interface PendingSequence {
  caseId: string;
  updatedAt: string;
  status: CaseStatus;
  previousStatus: CaseStatus | null;
  created: boolean;
  orderIds: Set<string>;
  seen: Set<number>;
  total: number;
  timer: NodeJS.Timeout | undefined;
}

interface OrganizationEventBody {
  type: (typeof ORGANIZATION_EVENT_TYPES)[number];
  detail: { id: string | number; external_id?: string | null };
  event?: { current?: unknown; previous?: unknown } | null;
}

interface WebhookBody {
  type?: unknown;
  subject?: unknown;
  detail?: { id?: unknown; status?: unknown; updated_at?: unknown };
  event?: {
    current?: unknown;
    previous?: unknown;
    custom_field?: { id?: unknown };
    meta?: { sequence?: { id?: unknown; position?: unknown; total?: unknown } };
  };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * What is wrong with a delivery's JSON, or undefined when it is an event we can read:
 * an object with a string `type`, and for a ticket event a `detail` naming the ticket
 * (id, status, updated_at). Events of other types are well-formed and simply not ours.
 */
export function malformed(body: unknown): string | undefined {
  if (!isObject(body)) return `expected a JSON object (a Zendesk event), got ${body === null ? 'null' : Array.isArray(body) ? 'an array' : `a ${typeof body}`}`;
  if (typeof body.type !== 'string' || body.type === '') return 'expected a Zendesk event with a string "type"';
  if (isOrganizationEvent(body.type)) {
    const d = body.detail;
    if (!isObject(d)) return `expected a "detail" object in the ${body.type} event`;
    if (!((typeof d.id === 'string' || typeof d.id === 'number') && /^\d+$/.test(String(d.id)))) return `expected "detail.id" to be an organization id in the ${body.type} event, got ${JSON.stringify(d.id) ?? 'nothing'}`;
    if (d.external_id !== undefined && d.external_id !== null && typeof d.external_id !== 'string') return `expected "detail.external_id" to be a string or null in the ${body.type} event, got ${JSON.stringify(d.external_id)}`;
    if (body.event !== undefined && body.event !== null && !isObject(body.event)) return `expected "event" to be an object in the ${body.type} event`;
    return undefined;
  }
  if (!body.type.startsWith('zen:event-type:ticket.')) return undefined;
  const d = body.detail;
  if (!isObject(d)) return `expected a "detail" object in the ${body.type} event`;
  if (!((typeof d.id === 'string' || typeof d.id === 'number') && /^\d+$/.test(String(d.id)))) return `expected "detail.id" to be a ticket id in the ${body.type} event, got ${JSON.stringify(d.id) ?? 'nothing'}`;
  if (typeof d.status !== 'string' || !caseStatusFromWire(d.status)) return `expected "detail.status" to be a ticket status in the ${body.type} event, got ${JSON.stringify(d.status) ?? 'nothing'}`;
  if (typeof d.updated_at !== 'string' || Number.isNaN(Date.parse(d.updated_at))) return `expected "detail.updated_at" to be a time in the ${body.type} event, got ${JSON.stringify(d.updated_at) ?? 'nothing'}`;
  if (body.event !== undefined && body.event !== null && !isObject(body.event)) return `expected "event" to be an object in the ${body.type} event`;
  return undefined;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** `2026-11-22T10:00:01.000Z|OPEN`: the last version seen of a case, and its status then. */
const knownValue = (updatedAt: string, status: CaseStatus): string => `${new Date(updatedAt).toISOString()}|${status}`;
function parseKnown(v: string | undefined): { at: number; status: CaseStatus } | undefined {
  if (!v) return undefined;
  const [at, status] = v.split('|');
  const s = status ? caseStatusFromWire(status === 'ON_HOLD' ? 'hold' : status) : undefined;
  return at && s ? { at: Date.parse(at), status: s } : undefined;
}

export function createCaseFeed(opts: CaseFeedOptions): CaseFeed {
  const { log } = opts;
  const path = opts.webhookPath ?? '/webhooks/zendesk';
  const tolerance = (opts.signatureToleranceSeconds ?? 300) * 1000;
  const sequenceWait = opts.sequenceWaitMs ?? 1000;
  const pollInterval = opts.pollIntervalMs ?? 60_000;
  const lag = opts.exportLagSeconds ?? 90;
  const knownLimit = opts.knownLimit ?? 50_000;
  const searchSettleMs = opts.searchSettleMs ?? 180_000;
  const lease = opts.lease ?? soleLease('service-cases');
  // The export's health, not this replica's: a replica that does not read the export follows the leader's record.
  const exportHealth = sharedFeedHealth({ lease, intervalMs: pollInterval, local: () => readRecently(lastExportAt, pollInterval) });

  let state: FeedState | undefined;
  let saving: Promise<void> = Promise.resolve();
  let webhookId: string | undefined;
  let secret: string | undefined;
  let secretReadAt = 0;
  let stopped = true;
  let pollTimer: NodeJS.Timeout | undefined;
  /** While this replica holds the lease: the export is read on a timer. */
  let exporting = false;
  let polling: Promise<number> | undefined;
  let lastExportAt: number | undefined;
  let readyResolve: (() => void) | undefined;
  const readyPromise = new Promise<void>((r) => (readyResolve = r));
  const pending = new Map<string, PendingSequence>();
  /** Announcements started by webhook deliveries, awaited on stop so none runs against a closed bus. */
  const announcing = new Set<Promise<unknown>>();
  /** The lists to drop again once Zendesk's search has indexed their latest change: one timer per list tag. */
  const settling = new Map<string, NodeJS.Timeout>();

  /** Drops `tags` (case lists) again `searchSettleMs` after the latest change to them. */
  const settleLater = (tags: readonly string[]): void => {
    if (searchSettleMs <= 0 || stopped) return;
    for (const tag of tags) {
      clearTimeout(settling.get(tag));
      const timer = setTimeout(() => {
        settling.delete(tag);
        opts.invalidate([tag]).catch((e: unknown) => log.warn({ err: (e as Error).message, tag }, 'could not drop a case list once the search index caught up'));
      }, searchSettleMs);
      timer.unref();
      settling.set(tag, timer);
    }
  };

  const loadState = async (): Promise<FeedState> => (state ??= await opts.state.load());
  /** Saves are chained so that two never interleave; a failed save is logged, the next one carries the state. */
  const saveState = (): Promise<void> => {
    saving = saving
      .then(async () => {
        // A follower's memory is its own: the leader's export records every change in the shared state.
        if (state && (!lease.shared || lease.token() !== undefined)) await opts.state.save({ ...(state.watermark ? { watermark: state.watermark } : {}), known: boundKnown(state.known, knownLimit) });
      })
      .catch((e: unknown) => log.warn({ err: (e as Error).message }, 'could not persist the case feed state'));
    return saving;
  };

  /**
   * The one path every change takes: drop the cached case and its lists, learn its
   * customer (reading the case fresh, which also warms the cache for subscribers),
   * publish, and remember the version. Returns whether an event was published.
   */
  const announce = async (
    change: Omit<CaseUpdatePayload, 'customerId'> & { customerId?: string | null; orderIds?: string[]; extraOrderIds?: string[] },
  ): Promise<boolean> => {
    const st = await loadState();
    const known = parseKnown(st.known[change.caseId]);
    const at = Date.parse(change.changedAt);
    if (known && known.at >= at) return false;
    await opts.invalidate(caseTags(change.caseId, null, []));
    let customerId = change.customerId ?? null;
    // A webhook names neither the customer nor the order; the case read fresh does.
    const orderIds = [...(change.orderIds ?? []), ...(change.extraOrderIds ?? [])];
    if (!customerId || change.orderIds === undefined) {
      const [fresh] = await opts.readCases([change.caseId]);
      if (fresh) {
        customerId ??= await opts.customerOfCase(fresh);
        if (fresh.orderNumber) orderIds.push(fresh.orderNumber);
      }
    }
    const tags = caseTags(change.caseId, customerId, orderIds);
    await opts.invalidate(tags);
    // The lists are searched; the case itself is read by id, which Zendesk answers current at once.
    settleLater(tags.filter((t) => t !== entityTag('SupportCase', change.caseId)));
    const payload: CaseUpdatePayload = {
      caseId: change.caseId,
      customerId,
      status: change.status,
      previousStatus: change.previousStatus,
      changedAt: new Date(at).toISOString(),
    };
    const position = await opts.bus.publish({ eventId: caseEventId(change.caseId, change.changedAt), topic: CASE_UPDATED_TOPIC, occurredAt: payload.changedAt, payload });
    const now = parseKnown(st.known[change.caseId]);
    if (!now || now.at < at) st.known[change.caseId] = knownValue(change.changedAt, change.status);
    await saveState();
    return position !== null;
  };

  // ---------------------------------------------------------------- webhooks

  const readSecret = async (): Promise<string> => {
    if (!webhookId) throw new UpstreamError('SERVICE_DESK', 'unavailable', 'the Zendesk webhook is not registered yet');
    secret = await opts.desk.signingSecret(webhookId);
    secretReadAt = Date.now();
    return secret;
  };

  const signatureMatches = (key: string, timestamp: string, body: Buffer, signature: string): boolean => {
    const expected = createHmac('sha256', key).update(timestamp).update(body).digest();
    let given: Buffer;
    try {
      given = Buffer.from(signature, 'base64');
    } catch {
      return false;
    }
    return given.length === expected.length && timingSafeEqual(given, expected);
  };

  /** True when the delivery is signed with our webhook's secret; re-reads the secret once if it was reset. */
  const verify = async (timestamp: string, body: Buffer, signature: string): Promise<boolean> => {
    const key = secret ?? (await readSecret());
    if (signatureMatches(key, timestamp, body, signature)) return true;
    // An administrator may have reset the secret; look again, at most every 10 s, so forged
    // deliveries cannot make us call Zendesk at their rate.
    if (Date.now() - secretReadAt < 10_000) return false;
    return signatureMatches(await readSecret(), timestamp, body, signature);
  };

  const flush = (key: string): void => {
    const seq = pending.get(key);
    if (!seq) return;
    pending.delete(key);
    if (seq.timer) clearTimeout(seq.timer);
    const run = announce({
      caseId: seq.caseId,
      status: seq.status,
      previousStatus: seq.created ? null : seq.previousStatus,
      changedAt: seq.updatedAt,
      ...(seq.orderIds.size > 0 ? { extraOrderIds: [...seq.orderIds] } : {}),
    }).catch((e: unknown) =>
      // The export will announce it: a change is never lost because this path failed.
      log.warn({ err: (e as Error).message, caseId: seq.caseId }, 'could not announce a webhook change; the incremental export will'),
    );
    announcing.add(run);
    void run.finally(() => announcing.delete(run));
  };

  const accept = (body: WebhookBody): void => {
    const type = typeof body.type === 'string' ? body.type : '';
    const caseId = typeof body.detail?.id === 'string' || typeof body.detail?.id === 'number' ? String(body.detail.id) : '';
    const status = typeof body.detail?.status === 'string' ? caseStatusFromWire(body.detail.status) : undefined;
    const updatedAt = typeof body.detail?.updated_at === 'string' ? body.detail.updated_at : '';
    if (!type.startsWith('zen:event-type:ticket.') || !/^\d+$/.test(caseId) || !status || Number.isNaN(Date.parse(updatedAt))) {
      log.info({ type }, 'ignored a Zendesk webhook delivery that is not a ticket change');
      return;
    }
    const sequence = body.event?.meta?.sequence;
    const key = typeof sequence?.id === 'string' ? sequence.id : caseEventId(caseId, updatedAt);
    const seq: PendingSequence = pending.get(key) ?? {
      caseId,
      updatedAt,
      status,
      previousStatus: status,
      created: false,
      orderIds: new Set(),
      seen: new Set(),
      total: typeof sequence?.total === 'number' ? sequence.total : 1,
      timer: undefined,
    };
    pending.set(key, seq);
    seq.seen.add(typeof sequence?.position === 'number' ? sequence.position : seq.seen.size + 1);
    if (type === 'zen:event-type:ticket.created') seq.created = true;
    if (type === 'zen:event-type:ticket.status_changed' && typeof body.event?.previous === 'string') {
      seq.previousStatus = caseStatusFromWire(body.event.previous) ?? seq.previousStatus;
    }
    // A case moved off an order: that order's list of cases is stale too.
    if (type === 'zen:event-type:ticket.custom_field_changed' && typeof body.event?.previous === 'string') seq.orderIds.add(body.event.previous);
    if (seq.seen.size >= seq.total) flush(key);
    else seq.timer ??= setTimeout(() => flush(key), sequenceWait);
  };

  const receiver = async (req: express.Request, res: express.Response): Promise<void> => {
    const signature = req.header('x-zendesk-webhook-signature');
    const timestamp = req.header('x-zendesk-webhook-signature-timestamp');
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const refuse = (reason: string): void => {
      log.warn({ reason, webhookId: req.header('x-zendesk-webhook-id') }, 'refused a webhook delivery');
      res.status(401).json({ error: 'invalid signature' });
    };
    if (!signature || !timestamp) return refuse('unsigned');
    const ts = Date.parse(timestamp);
    if (Number.isNaN(ts) || Math.abs(Date.now() - ts) > tolerance) return refuse('timestamp outside the tolerance');
    let ok: boolean;
    try {
      ok = await verify(timestamp, body, signature);
    } catch (e) {
      // We cannot check it now (Zendesk unreachable for the secret): ask Zendesk to retry.
      log.warn({ err: (e as Error).message }, 'could not read the webhook signing secret');
      res.status(503).set('retry-after', '5').json({ error: 'not ready' });
      return;
    }
    if (!ok) return refuse('bad signature');
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      res.status(400).json({ error: 'expected a JSON body' });
      return;
    }
    // Signed by Zendesk yet not an event we can read: refused with the reason, so the
    // delivery log says why. Nothing is lost: the incremental export reads every ticket change.
    const problem = malformed(parsed);
    if (problem) {
      log.warn({ problem, webhookId: req.header('x-zendesk-webhook-id') }, 'refused a signed webhook delivery that is not a Zendesk event');
      res.status(400).json({ error: problem });
      return;
    }
    const type = (parsed as { type: string }).type;
    if (isOrganizationEvent(type)) {
      try {
        await organizationChanged(parsed as OrganizationEventBody);
      } catch (e) {
        // Not applied: Zendesk retries the delivery; the miss TTL bounds what a lost one leaves behind.
        log.warn({ err: (e as Error).message, type }, 'could not apply an organization event');
        res.status(503).set('retry-after', '5').json({ error: 'could not apply the event now' });
        return;
      }
    } else {
      accept(parsed as WebhookBody);
    }
    res.status(200).json({ ok: true });
  };

  /**
   * An organization was created, deleted or given another external id: the customers it names (now
   * and before) may have gained or lost the organization their cases are listed by. Their cached
   * directory entries and case lists go, so the next read asks Zendesk, well before the miss TTL.
   */
  const organizationChanged = async (body: OrganizationEventBody): Promise<void> => {
    const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);
    const organizationId = String(body.detail.id);
    const numbers = [str(body.detail.external_id)];
    if (body.type === 'zen:event-type:organization.external_id_changed') numbers.push(str(body.event?.current), str(body.event?.previous));
    const tags = organizationTags(organizationId, numbers);
    // False: the shared store did not record it, so other replicas would not see it; Zendesk's retry will.
    if ((await opts.invalidate(tags)) === false) throw new Error('the shared cache did not record the invalidation');
    log.info({ type: body.type, organizationId, customers: [...new Set(numbers.filter((n) => n !== null))] }, 'organization changed in Zendesk; its customers\' directory entries and case lists were dropped');
  };

  const register = async (): Promise<void> => {
    if (!opts.webhookUrl) return;
    for (let delay = 1000; !stopped; delay = Math.min(delay * 2, 60_000)) {
      try {
        webhookId = await opts.desk.ensureWebhook({ name: opts.webhookName ?? 'retail-supergraph-service', endpoint: opts.webhookUrl, subscriptions: WEBHOOK_EVENT_TYPES });
        await readSecret();
        log.info({ webhookId, endpoint: opts.webhookUrl }, 'Zendesk webhook registered');
        readyResolve?.();
        return;
      } catch (e) {
        log.warn({ err: (e as Error).message, retryInMs: delay }, 'could not register the Zendesk webhook; the incremental export covers changes meanwhile');
        await sleep(delay);
      }
    }
  };

  // ---------------------------------------------------------------- export

  const poll = async (): Promise<number> => {
    const st = await loadState();
    let published = 0;
    for (let page = 0; page < 100; page++) {
      const from = st.watermark ? { cursor: st.watermark } : { startTime: Math.floor(Date.now() / 1000) - lag };
      const res = await opts.desk.exportPage(from);
      for (const c of res.cases) {
        const known = parseKnown(st.known[c.id]);
        if (known && known.at >= Date.parse(c.updatedAt)) continue;
        if (await announce({ caseId: c.id, status: c.status, previousStatus: known ? known.status : null, changedAt: c.updatedAt, orderIds: c.orderNumber ? [c.orderNumber] : [] })) published++;
      }
      if (res.afterCursor) st.watermark = res.afterCursor;
      await saveState();
      if (res.endOfStream || res.cases.length === 0) break;
    }
    lastExportAt = Date.now();
    exportHealth.succeeded();
    return published;
  };

  const pollOnce = (): Promise<number> => {
    // Nobody waits on an export read: its calls give way to views for the account's limits.
    polling ??= inBackground(poll).finally(() => (polling = undefined));
    return polling;
  };

  const schedule = (ms: number): void => {
    if (stopped || !exporting || pollInterval <= 0) return;
    pollTimer = setTimeout(() => {
      pollOnce()
        .then(() => schedule(pollInterval))
        .catch((e: unknown) => {
          const retryAfter = e instanceof UpstreamError ? e.details.retryAfterSeconds : undefined;
          log.warn({ err: (e as Error).message }, 'incremental export poll failed');
          schedule(Math.max(pollInterval, (retryAfter ?? 0) * 1000));
        });
    }, ms);
    pollTimer.unref?.();
  };

  return {
    routes(app) {
      app.post(path, express.raw({ type: () => true, limit: '2mb' }), (req, res, next) => {
        receiver(req, res).catch(next);
      });
    },
    async start() {
      stopped = false;
      exportHealth.start();
      // Zendesk may be unreachable at boot (the state is tied to its identity): the first poll or delivery loads it then.
      await loadState().catch((e: unknown) => log.warn({ err: (e as Error).message }, 'could not load the case feed state at start; will retry'));
      void register();
      await lease.run({
        start: async () => {
          // Another replica may have moved the shared cursor since this one read it.
          state = undefined;
          exporting = true;
          schedule(pollInterval);
        },
        stop: async () => {
          exporting = false;
          if (pollTimer) clearTimeout(pollTimer);
          await polling?.catch(() => undefined);
        },
      });
    },
    async stop() {
      stopped = true;
      if (pollTimer) clearTimeout(pollTimer);
      // A stopped feed stretches nothing: the lists' plain TTL bounds what the index missed.
      for (const timer of settling.values()) clearTimeout(timer);
      settling.clear();
      for (const key of [...pending.keys()]) flush(key);
      await Promise.allSettled([...announcing]);
      await polling?.catch(() => undefined);
      await saving;
      // Last: what was announced until now is saved while this replica still leads.
      await lease.stop();
      exportHealth.stop();
    },
    pollOnce,
    async announceWrite(change) {
      await announce({ ...change, orderIds: change.orderId ? [change.orderId] : [] });
    },
    ready: () => readyPromise,
    // This replica's webhook registration (deliveries reach every replica), and the export's health, whoever reads it.
    healthy: () => !stopped && secret !== undefined && exportHealth.healthy(),
  };
}
