/**
 * The subscription benchmark, called by bench/run.ts for our gateway once the
 * sandbox, the subgraphs and the gateway are up. Two measurements:
 *
 * A. Latency from a change made inside a system of record (a sandbox action) to
 *    the subscriber's message, per change feed: ERP polling (orders, invoices),
 *    Zendesk webhooks (cases), and Salesforce CDC (which has no subscription
 *    field, so a query polled through the gateway stands in for the message).
 * B. Fan-out of one change to 1,000 subscribers, sharing one selection or each
 *    with its own, with the gateway's CPU and memory around it.
 *
 * The subscribers live in a separate process (bench/subclients.ts) pinned to the
 * client cores; this process triggers the changes, matches messages to them and
 * samples the gateway through /proc. Every figure comes from the run; one that
 * could not be measured is null, with the reason beside it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { root, sampleProcess, taskset } from './processes.js';
import { percentile } from './stats.js';
import type { ClientLine, ClientSpec, SubscriptionSpec } from './subclients.js';

export interface SubscriptionBenchContext {
  /** The gateway's GraphQL URL, e.g. http://127.0.0.1:5000/graphql; graphql-ws is served on the same path. */
  gatewayUrl: string;
  /** The gateway's process id, sampled with sampleProcess() for CPU and RSS. */
  gatewayPid: number;
  /** Base URLs of the sandbox systems of record, e.g. http://127.0.0.1:5101. */
  sandbox: { salesforce: string; netsuite: string; zendesk: string };
  /** An agent JWT the gateway accepts (sent as "Bearer <token>"). */
  token: string;
  /** The dataset's customer numbers, C-000001…; the Salesforce samples change these customers' tiers. */
  customerIds: string[];
  /** `taskset -c` cores for the client process; unpinned when absent or when taskset is missing. */
  clientCores?: string;
  /** quick: small sample counts, well under two minutes with 5 s ERP polls; full: larger. */
  plan: 'quick' | 'full';
  /** The intervals the subgraphs run with (ORDER_FEED_INTERVAL_MS, FINANCE_FEED_INTERVAL_MS, SERVICE_FEED_POLL_MS), reported beside the figures. */
  feedIntervalsMs: { order: number; finance: number; servicePoll: number };
}

/** Sample counts of one plan. */
export interface SubscriptionPlan {
  /** Measured actions per ERP feed (orders, invoices). */
  erpSamples: number;
  /** Measured Zendesk agent replies. */
  webhookSamples: number;
  /** Measured Salesforce tier changes. */
  cdcSamples: number;
  /** Actions made first on each feed and left out of its figures (connections, JIT, plans). */
  warmupSamples: number;
  /** Subscribers per fan-out measurement. */
  fanoutSubscribers: number;
  /** Subscriptions per graphql-ws connection, below the gateway's limit of 50. */
  subscriptionsPerConnection: number;
  /** Changes (ship-order actions) per fan-out measurement. */
  fanoutEvents: number;
}

export const SUBSCRIPTION_PLANS: Record<SubscriptionBenchContext['plan'], SubscriptionPlan> = {
  quick: { erpSamples: 5, webhookSamples: 20, cdcSamples: 10, warmupSamples: 1, fanoutSubscribers: 1000, subscriptionsPerConnection: 20, fanoutEvents: 3 },
  full: { erpSamples: 30, webhookSamples: 200, cdcSamples: 50, warmupSamples: 1, fanoutSubscribers: 1000, subscriptionsPerConnection: 20, fanoutEvents: 10 },
};

/** Percentiles (nearest rank) of a set of latencies; null where there were no samples. */
export interface LatencySummary {
  /** Values summarised. */
  n: number;
  /** ms. */
  p50: number | null;
  /** ms. */
  p99: number | null;
  /** ms. */
  max: number | null;
  /** ms. */
  mean: number | null;
}

export type FeedId = 'erp-orders' | 'erp-invoices' | 'zendesk-webhook' | 'salesforce-cdc';

/** Latency from a sandbox action to the client, for one change feed. */
export interface FeedLatencyResult {
  feed: FeedId;
  /** e.g. "ERP poll: ship-order → orderStatusChanged". */
  title: string;
  /** The sandbox action making each change, e.g. "NetSuite ship-order". */
  action: string;
  /** A subscription message, or (Salesforce, which has no subscription field) a query polled through the gateway. */
  observedBy: 'subscription' | 'query-poll';
  /** The subscription or query document. */
  document: string;
  /** The poll interval of the feed that bounds its latency; null for pushed feeds (webhooks, CDC). */
  feedIntervalMs: number | null;
  /** How often the query was sent, for query-poll; null otherwise. */
  queryPollMs: number | null;
  /** Time between consecutive actions (ERP: interval × (1 + 1/samples)); null when each action waits for the previous one's result. */
  actionSpacingMs: number | null;
  /** measured: figures below are from this run; not-measured: nothing to act on; failed: the measurement broke (see reason). */
  status: 'measured' | 'not-measured' | 'failed';
  /** Why the figures are missing or partial; null when nothing is. */
  reason: string | null;
  /** Actions made before the measured ones and left out of every figure. */
  warmupSamples: number;
  /** Measured actions the sandbox accepted. */
  samples: number;
  /** Actions the sandbox refused or that failed; not in `samples`. */
  actionFailures: number;
  /** Samples observed within the deadline. */
  received: number;
  /** Samples with no message (or, for query-poll, no new value) within `deadlineMs`. */
  missed: number;
  /** Messages repeating an eventId already seen on the same subscription, warm-up included. */
  duplicates: number;
  /** Messages with errors, or with null where another subgraph's field was selected. */
  notEnriched: number;
  /** Messages about records no action of this feed changed. */
  unmatched: number;
  /** How long after its action a sample may arrive, ms. */
  deadlineMs: number;
  /** Action send (runner, just before the POST) → message receive (client), ms. */
  latencyMs: LatencySummary;
  /** The first few distinct errors from actions, queries or the client. */
  sampleErrors: string[];
}

/** One fan-out measurement: one change delivered to many subscribers. */
export interface FanoutResult {
  /** shared: one document and variables for every subscriber; distinct: a different document per subscriber. */
  kind: 'shared' | 'distinct';
  title: string;
  status: 'measured' | 'not-measured' | 'failed';
  reason: string | null;
  /** The (first) subscription document. */
  document: string;
  /** What differs between the subscribers' documents; null when they are equal. */
  variation: string | null;
  /** The subscription's arguments, as prose. */
  filter: string;
  /** Subscribers asked for. */
  subscribers: number;
  /** Subscriptions sent on connections the gateway acknowledged. */
  subscribed: number;
  /** Connections asked for. */
  connections: number;
  /** Connections the gateway acknowledged. */
  connectionsAcknowledged: number;
  subscriptionsPerConnection: number;
  /** From the first connection attempt to the last acknowledgement, ms (client clock). */
  connectMs: number | null;
  /** ship-order actions the sandbox accepted. */
  events: number;
  actionFailures: number;
  /** Time between consecutive actions, ms: more than the order poll interval, so each change arrives in a poll of its own. */
  eventSpacingMs: number;
  /** events × subscribers. */
  deliveriesExpected: number;
  /** (subscriber, change) pairs with a message within the deadline. */
  deliveriesReceived: number;
  /** deliveriesExpected − deliveriesReceived. */
  missed: number;
  /** Messages repeating an eventId already seen on the same subscription. */
  duplicates: number;
  /** Messages with errors, or with null where the customer's name (Salesforce) was selected. */
  notEnriched: number;
  /** Messages about orders this measurement did not ship. */
  unmatched: number;
  /** How long after its action a delivery may arrive, ms. */
  deadlineMs: number;
  /** Action send → receive, over every delivery. */
  latencyMs: LatencySummary;
  /** Per change, from the first to the last subscriber receiving it, over the changes. */
  spreadMs: LatencySummary;
  /** The gateway, sampled from /proc (CPU in clock ticks, usually 10 ms). */
  gateway: {
    /** CPU spent opening the subscriptions: from before the first connection until the gateway went quiet again, ms. */
    openCpuMs: number | null;
    /** Wall time of that, ms: the acknowledgements come sooner, the upstream subscriptions and plans after them. */
    openSettledMs: number | null;
    /** Gateway CPU share with every subscriber open and no change flowing, over `idleWindowMs` (1 = a full core). */
    idleCpuShare: number | null;
    idleWindowMs: number;
    /** CPU from just before the first action to the last delivery (or the deadline), ms; includes the idle time between polls. */
    eventsCpuMs: number | null;
    /** The wall time of that window, ms. */
    eventsWindowMs: number;
    /** eventsCpuMs / events. */
    cpuMsPerEvent: number | null;
    /** eventsCpuMs / eventsWindowMs. */
    cpuShare: number | null;
    /** Resident set before the connections were opened, MB. */
    rssMbBefore: number | null;
    /** With every subscriber open, before the first change, MB. */
    rssMbSubscribed: number | null;
    /** After the last delivery, subscribers still open, MB. */
    rssMbAfterEvents: number | null;
    /** rssMbAfterEvents − rssMbBefore. */
    rssGrowthMb: number | null;
    /** About a second after every connection closed, MB. */
    rssMbAfterClose: number | null;
  };
  /** Connections closed by the gateway (or the network) before the run asked, by close code; 4429 is the per-connection or per-gateway limit. */
  unexpectedCloses: Record<string, number>;
  /** Subscriptions that ended with an error or completed before the run closed them. */
  subscriptionErrors: number;
  /** Close codes of every connection at the end, by code; 1000 is a normal close. */
  closeCodes: Record<string, number>;
  /** Whether the gateway answered `{ __typename }` over HTTP after every connection closed. */
  gatewayAnsweringAfterClose: boolean | null;
  sampleErrors: string[];
}

export interface SubscriptionResults {
  schema: 1;
  plan: SubscriptionBenchContext['plan'];
  settings: SubscriptionPlan;
  startedAt: string;
  finishedAt: string;
  /** The intervals the subgraphs ran with, from the context. */
  feedIntervalsMs: SubscriptionBenchContext['feedIntervalsMs'];
  /** The cores the client process was pinned to, or "any". */
  clientCores: string;
  /** The faults each sandbox had at the start (GET /__sandbox/faults; `{}` is none), null where it could not be read: added upstream latency shows in every figure. */
  sandboxFaults: Record<keyof SubscriptionBenchContext['sandbox'], Record<string, unknown> | null>;
  /** What the run found to act on, through the gateway with the agent token. */
  targets: {
    customersScanned: number;
    /** Orders in BOOKED, RELEASED or PARTIALLY_SHIPPED (ship-order accepts those). */
    shippableOrders: number;
    /** Invoices with at least 1.00 due. */
    openInvoices: number;
    /** Open cases that name an order. */
    openCasesWithOrder: number;
    /** Why fewer were found than the plan wanted; null when enough were. */
    shortfall: string | null;
  };
  latency: FeedLatencyResult[];
  fanout: FanoutResult[];
  /** Whether the gateway answered `{ __typename }` at the end of the whole benchmark. */
  gatewayAnsweringAtEnd: boolean;
}

const ORDER_FEED_DOC = 'subscription BenchOrderStatus { orderStatusChanged { eventId status previousStatus order { id customer { name } } } }';
const INVOICE_FEED_DOC = 'subscription BenchInvoiceStatus { invoiceStatusChanged { eventId status previousStatus amountDue { amount } invoice { id customer { name } } } }';
const CASE_FEED_DOC = 'subscription BenchCaseUpdated { caseUpdated { eventId status case { id order { status } } } }';
const TIER_QUERY = 'query BenchLoyaltyTier($id: ID!) { customer(id: $id) { loyalty { tier } } }';
const TIERS = ['BRONZE', 'SILVER', 'GOLD', 'PLATINUM'] as const;
const TIER_POLL_MS = 25;
/** A subscriber is listening once the gateway has its subscribe; this covers the hop to the owning subgraph too. */
const SETTLE_MS = 1000;
const WEBHOOK_DEADLINE_MS = 10_000;
const CDC_DEADLINE_MS = 15_000;

const now = (): number => performance.timeOrigin + performance.now();
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, Math.max(0, ms)));
const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export async function runSubscriptionBench(ctx: SubscriptionBenchContext): Promise<SubscriptionResults> {
  const plan = SUBSCRIPTION_PLANS[ctx.plan];
  const startedAt = new Date().toISOString();
  const faultsOf = async (base: string): Promise<Record<string, unknown> | null> => {
    try {
      const res = await fetch(`${base}/__sandbox/faults`, { signal: AbortSignal.timeout(5000) });
      return res.ok ? ((await res.json()) as Record<string, unknown>) : null;
    } catch {
      return null;
    }
  };
  const [sf, ns, zd] = await Promise.all([faultsOf(ctx.sandbox.salesforce), faultsOf(ctx.sandbox.netsuite), faultsOf(ctx.sandbox.zendesk)]);
  const erpActions = plan.erpSamples + plan.warmupSamples;
  const need = {
    orders: erpActions + 2 * plan.fanoutEvents,
    invoices: erpActions,
    // Replies are made one at a time, each waiting for its message, so a few cases can take turns.
    cases: Math.min(plan.webhookSamples + plan.warmupSamples, ctx.plan === 'quick' ? 3 : 10),
  };
  const targets = await findTargets(ctx, need);
  const orders = targets.orders.slice();
  const ordersFor = (n: number): string[] => orders.splice(0, Math.min(n, orders.length));
  // Fan-out first claims its orders: a feed short of orders loses samples, a fan-out short of them loses its point.
  const fanoutOrders = { shared: ordersFor(plan.fanoutEvents), distinct: ordersFor(plan.fanoutEvents) };
  const erpOrders = ordersFor(erpActions);

  const latency = await measureFeeds(ctx, plan, { orders: erpOrders, invoices: targets.invoices.slice(0, erpActions), cases: targets.cases });
  const fanout: FanoutResult[] = [];
  for (const kind of ['shared', 'distinct'] as const) fanout.push(await measureFanout(ctx, plan, kind, fanoutOrders[kind]));

  return {
    schema: 1,
    plan: ctx.plan,
    settings: plan,
    startedAt,
    finishedAt: new Date().toISOString(),
    feedIntervalsMs: ctx.feedIntervalsMs,
    clientCores: ctx.clientCores !== undefined && taskset() !== null ? ctx.clientCores : 'any',
    sandboxFaults: { salesforce: sf, netsuite: ns, zendesk: zd },
    targets: {
      customersScanned: targets.customersScanned,
      shippableOrders: targets.orders.length,
      openInvoices: targets.invoices.length,
      openCasesWithOrder: targets.cases.length,
      shortfall: targets.shortfall,
    },
    latency,
    fanout,
    gatewayAnsweringAtEnd: await gatewayAnswers(ctx),
  };
}

// ---------------------------------------------------------------- A. latency per feed

interface Sample {
  key: string;
  sentAt: number;
  warmup: boolean;
  /** Set when the sandbox refused the action. */
  error?: string;
  /** query-poll only: when the new value was first seen. */
  seenAt?: number;
}

async function measureFeeds(
  ctx: SubscriptionBenchContext,
  plan: SubscriptionPlan,
  targets: { orders: string[]; invoices: Array<{ id: string }>; cases: string[] },
): Promise<FeedLatencyResult[]> {
  const erpDeadline = (interval: number): number => 2 * interval + 10_000;
  const base = (feed: FeedId, title: string, action: string, observedBy: FeedLatencyResult['observedBy'], document: string, deadlineMs: number): FeedLatencyResult => ({
    feed,
    title,
    action,
    observedBy,
    document,
    feedIntervalMs: null,
    queryPollMs: null,
    actionSpacingMs: null,
    status: 'measured',
    reason: null,
    warmupSamples: 0,
    samples: 0,
    actionFailures: 0,
    received: 0,
    missed: 0,
    duplicates: 0,
    notEnriched: 0,
    unmatched: 0,
    deadlineMs,
    latencyMs: summarise([]),
    sampleErrors: [],
  });
  const orders = { ...base('erp-orders', 'ERP poll: ship-order → orderStatusChanged', 'NetSuite ship-order', 'subscription', ORDER_FEED_DOC, erpDeadline(ctx.feedIntervalsMs.order)), feedIntervalMs: ctx.feedIntervalsMs.order };
  const invoices = { ...base('erp-invoices', 'ERP poll: pay-invoice → invoiceStatusChanged', 'NetSuite pay-invoice (1.00)', 'subscription', INVOICE_FEED_DOC, erpDeadline(ctx.feedIntervalsMs.finance)), feedIntervalMs: ctx.feedIntervalsMs.finance };
  const cases = base('zendesk-webhook', 'Zendesk webhook: agent-reply → caseUpdated', 'Zendesk agent-reply', 'subscription', CASE_FEED_DOC, WEBHOOK_DEADLINE_MS);
  const tiers = { ...base('salesforce-cdc', 'Salesforce CDC: set-loyalty-tier → query shows the new tier', 'Salesforce set-loyalty-tier', 'query-poll', TIER_QUERY, CDC_DEADLINE_MS), queryPollMs: TIER_POLL_MS };

  const subs: Record<'orders' | 'invoices' | 'cases', SubscriptionSpec> = {
    orders: { id: 'orders', query: ORDER_FEED_DOC, keyPath: ['orderStatusChanged', 'order', 'id'], enrichedPath: ['orderStatusChanged', 'order', 'customer', 'name'] },
    invoices: { id: 'invoices', query: INVOICE_FEED_DOC, keyPath: ['invoiceStatusChanged', 'invoice', 'id'], enrichedPath: ['invoiceStatusChanged', 'invoice', 'customer', 'name'] },
    cases: { id: 'cases', query: CASE_FEED_DOC, keyPath: ['caseUpdated', 'case', 'id'], enrichedPath: ['caseUpdated', 'case', 'order', 'status'] },
  };
  // One connection per feed, so a stall on one cannot delay another.
  const client = SubscriberProcess.start({ url: ctx.gatewayUrl, token: ctx.token, connections: [[subs.orders], [subs.invoices], [subs.cases]] }, ctx.clientCores);
  try {
    const ready = await client.ready;
    if (ready.failed > 0) throw new Error(`the gateway acknowledged ${ready.connections} of 3 connections: ${ready.errors.join('; ')}`);
    await sleep(SETTLE_MS);
  } catch (e) {
    await client.close().catch(() => undefined);
    const reason = `the subscription client did not start: ${errorText(e)}`;
    const failed = [orders, invoices, cases].map((r): FeedLatencyResult => ({ ...r, status: 'failed', reason }));
    return [...failed, await cdcFeed(ctx, plan, tiers)];
  }

  const erp = async (result: FeedLatencyResult, sub: SubscriptionSpec, keys: string[], act: (key: string) => Promise<string | null>, wanted: number): Promise<FeedLatencyResult> => {
    const interval = Math.max(1000, result.feedIntervalMs ?? 5000);
    const measured = Math.max(1, keys.length - plan.warmupSamples);
    // Spacing interval × (1 + 1/n) walks each action 1/n of a cycle further past the poll,
    // so the n samples land at evenly spread points of the poll cycle rather than all at one.
    const spacing = Math.round(interval * (1 + 1 / measured));
    result.actionSpacingMs = spacing;
    const samples: Sample[] = [];
    const start = now();
    for (let i = 0; i < keys.length; i++) {
      await sleep(start + i * spacing - now());
      const sentAt = now();
      const error = await act(keys[i]!);
      samples.push({ key: keys[i]!, sentAt, warmup: i < plan.warmupSamples, ...(error ? { error } : {}) });
    }
    const accepted = samples.filter((s) => !s.error);
    const lastDeadline = Math.max(now(), ...accepted.map((s) => s.sentAt + result.deadlineMs));
    await client.until(() => accepted.every((s) => client.firstFor(sub.id, s.key, s.sentAt) !== undefined), lastDeadline);
    return finishFeed(result, client, sub.id, samples, keys.length < wanted ? `found ${Math.max(0, keys.length - plan.warmupSamples)} of the ${wanted - plan.warmupSamples} wanted targets` : null);
  };

  const webhook = async (): Promise<FeedLatencyResult> => {
    if (targets.cases.length === 0) return { ...cases, status: 'not-measured', reason: 'no open case naming an order was found' };
    const samples: Sample[] = [];
    const total = plan.webhookSamples + plan.warmupSamples;
    for (let i = 0; i < total; i++) {
      const key = targets.cases[i % targets.cases.length]!;
      const sentAt = now();
      const error = await sandboxAction(ctx.sandbox.zendesk, 'agent-reply', { caseId: key, body: `bench reply ${i + 1}` });
      samples.push({ key, sentAt, warmup: i < plan.warmupSamples, ...(error ? { error } : {}) });
      // Waiting for each reply's message is what lets the cases be reused without confusing one reply with the next.
      if (!error) await client.until(() => client.firstFor('cases', key, sentAt) !== undefined, sentAt + cases.deadlineMs);
      await sleep(100);
    }
    return finishFeed(cases, client, 'cases', samples, null);
  };

  const settled = await Promise.allSettled([
    erp(orders, subs.orders, targets.orders, (id) => sandboxAction(ctx.sandbox.netsuite, 'ship-order', { orderId: id }), plan.erpSamples + plan.warmupSamples),
    erp(invoices, subs.invoices, targets.invoices.map((i) => i.id), (id) => sandboxAction(ctx.sandbox.netsuite, 'pay-invoice', { invoiceId: id, amount: '1.00' }), plan.erpSamples + plan.warmupSamples),
    // The query poll loads the gateway; it runs after the webhook samples so the two do not measure each other.
    webhook().then(async (r) => [r, await cdcFeed(ctx, plan, tiers)] as const),
  ]);
  await client.close().catch(() => undefined);
  const [o, i, rest] = settled;
  const failed = (r: FeedLatencyResult, e: unknown): FeedLatencyResult => ({ ...r, status: 'failed', reason: errorText(e) });
  return [
    o.status === 'fulfilled' ? o.value : failed(orders, o.reason),
    i.status === 'fulfilled' ? i.value : failed(invoices, i.reason),
    ...(rest.status === 'fulfilled' ? rest.value : [failed(cases, rest.reason), failed(tiers, rest.reason)]),
  ];
}

function finishFeed(result: FeedLatencyResult, client: SubscriberProcess, sub: string, samples: Sample[], shortfall: string | null): FeedLatencyResult {
  const measured = samples.filter((s) => !s.warmup);
  const accepted = measured.filter((s) => !s.error);
  const latencies: number[] = [];
  for (const s of accepted) {
    const first = client.firstFor(sub, s.key, s.sentAt);
    if (first && first.t - s.sentAt <= result.deadlineMs) latencies.push(first.t - s.sentAt);
  }
  const keys = new Set(samples.map((s) => s.key));
  const messages = client.messagesOf(sub);
  const errors = [...new Set([...samples.filter((s) => s.error).map((s) => s.error!), ...client.problems()])];
  const status = samples.length === 0 ? 'not-measured' : 'measured';
  return {
    ...result,
    status: result.status === 'measured' ? status : result.status,
    reason: result.reason ?? (samples.length === 0 ? (shortfall ?? 'nothing to act on') : shortfall),
    warmupSamples: samples.filter((s) => s.warmup).length,
    samples: accepted.length,
    actionFailures: samples.filter((s) => s.error).length,
    received: latencies.length,
    missed: accepted.length - latencies.length,
    duplicates: client.duplicatesOf(sub),
    notEnriched: messages.filter((m) => !m.enriched).length,
    unmatched: messages.filter((m) => m.key === null || !keys.has(m.key)).length,
    latencyMs: summarise(latencies),
    sampleErrors: errors.slice(0, 5),
  };
}

/**
 * Salesforce changes reach the graph as cache invalidations, not messages: each
 * sample reads the customer's tier (so the cache holds the old one), changes it
 * in the sandbox and polls the query until the new tier shows.
 */
async function cdcFeed(ctx: SubscriptionBenchContext, plan: SubscriptionPlan, result: FeedLatencyResult): Promise<FeedLatencyResult> {
  // Past the fixed fixtures (C-000001…C-000010), one customer per sample.
  const customers = ctx.customerIds.slice(10);
  const total = plan.cdcSamples + plan.warmupSamples;
  if (customers.length < total) return { ...result, status: 'not-measured', reason: `needs ${total} customers past the fixtures, the dataset has ${customers.length}` };
  const errors = new Set<string>();
  const samples: Sample[] = [];
  for (let i = 0; i < total; i++) {
    const id = customers[Math.floor((i * customers.length) / total)]!;
    const warmup = i < plan.warmupSamples;
    const before = await readTier(ctx, id);
    if ('error' in before) {
      samples.push({ key: id, sentAt: now(), warmup, error: before.error });
      continue;
    }
    const next = TIERS[(TIERS.indexOf(before.tier as (typeof TIERS)[number]) + 1) % TIERS.length]!;
    const sentAt = now();
    const error = await sandboxAction(ctx.sandbox.salesforce, 'set-loyalty-tier', { customerId: id, tier: next });
    const sample: Sample = { key: id, sentAt, warmup, ...(error ? { error } : {}) };
    samples.push(sample);
    if (error) continue;
    while (now() - sentAt <= result.deadlineMs) {
      const polledAt = now();
      const seen = await readTier(ctx, id);
      if ('error' in seen) errors.add(seen.error);
      else if (seen.tier === next) {
        sample.seenAt = now();
        break;
      }
      await sleep(polledAt + TIER_POLL_MS - now());
    }
  }
  const measured = samples.filter((s) => !s.warmup);
  const accepted = measured.filter((s) => !s.error);
  const latencies = accepted.filter((s) => s.seenAt !== undefined).map((s) => s.seenAt! - s.sentAt);
  return {
    ...result,
    warmupSamples: samples.length - measured.length,
    samples: accepted.length,
    actionFailures: measured.length - accepted.length,
    received: latencies.length,
    missed: accepted.length - latencies.length,
    latencyMs: summarise(latencies),
    sampleErrors: [...new Set([...samples.filter((s) => s.error).map((s) => s.error!), ...errors])].slice(0, 5),
  };
}

async function readTier(ctx: SubscriptionBenchContext, id: string): Promise<{ tier: string | null } | { error: string }> {
  const r = await gql<{ customer: { loyalty: { tier: string } | null } | null }>(ctx, TIER_QUERY, { id });
  if ('error' in r) return r;
  if (!r.data.customer) return { error: `customer ${id} not found through the gateway` };
  return { tier: r.data.customer.loyalty?.tier ?? null };
}

// ---------------------------------------------------------------- B. fan-out

async function measureFanout(ctx: SubscriptionBenchContext, plan: SubscriptionPlan, kind: FanoutResult['kind'], orders: string[]): Promise<FanoutResult> {
  const n = plan.fanoutSubscribers;
  const per = plan.subscriptionsPerConnection;
  const interval = Math.max(1000, ctx.feedIntervalsMs.order);
  const spacing = Math.max(Math.round(interval * 1.2), interval + 500);
  const deadlineMs = 2 * interval + 30_000;
  const docFor = (i: number): string =>
    kind === 'shared'
      ? 'subscription BenchFanout { orderStatusChanged { eventId status previousStatus order { id customer { name } } } }'
      : `subscription BenchFanout { orderStatusChanged { eventId status previousStatus order { id customer { ${alias(i)}: name } } } }`;
  const specs: SubscriptionSpec[] = Array.from({ length: n }, (_, i) => ({
    id: `s${i}`,
    query: docFor(i),
    keyPath: ['orderStatusChanged', 'order', 'id'],
    enrichedPath: ['orderStatusChanged', 'order', 'customer', kind === 'shared' ? 'name' : alias(i)],
  }));
  const connections: SubscriptionSpec[][] = [];
  for (let i = 0; i < specs.length; i += per) connections.push(specs.slice(i, i + per));
  const result: FanoutResult = {
    kind,
    title: kind === 'shared' ? `${n} subscribers sharing one selection` : `${n} subscribers with distinct selections`,
    status: 'measured',
    reason: null,
    document: docFor(0),
    variation: kind === 'shared' ? null : `each subscriber aliases customer.name differently (${alias(0)} … ${alias(n - 1)})`,
    filter: 'no filter (agent role): every order status change',
    subscribers: n,
    subscribed: 0,
    connections: connections.length,
    connectionsAcknowledged: 0,
    subscriptionsPerConnection: per,
    connectMs: null,
    events: 0,
    actionFailures: 0,
    eventSpacingMs: spacing,
    deliveriesExpected: 0,
    deliveriesReceived: 0,
    missed: 0,
    duplicates: 0,
    notEnriched: 0,
    unmatched: 0,
    deadlineMs,
    latencyMs: summarise([]),
    spreadMs: summarise([]),
    gateway: {
      openCpuMs: null,
      openSettledMs: null,
      idleCpuShare: null,
      idleWindowMs: SETTLE_MS,
      eventsCpuMs: null,
      eventsWindowMs: 0,
      cpuMsPerEvent: null,
      cpuShare: null,
      rssMbBefore: null,
      rssMbSubscribed: null,
      rssMbAfterEvents: null,
      rssGrowthMb: null,
      rssMbAfterClose: null,
    },
    unexpectedCloses: {},
    subscriptionErrors: 0,
    closeCodes: {},
    gatewayAnsweringAfterClose: null,
    sampleErrors: [],
  };
  if (orders.length === 0) return { ...result, status: 'not-measured', reason: 'no shippable order was left for this measurement' };

  await untilQuiet(ctx.gatewayPid);
  const g0 = sampleProcess(ctx.gatewayPid);
  const openStart = now();
  result.gateway.rssMbBefore = g0?.rssMb ?? null;
  let client: SubscriberProcess | undefined;
  const samples: Sample[] = [];
  try {
    client = SubscriberProcess.start({ url: ctx.gatewayUrl, token: ctx.token, connections, connectTimeoutMs: 60_000 }, ctx.clientCores);
    const ready = await client.ready;
    result.connectionsAcknowledged = ready.connections;
    result.subscribed = connections.slice(0, ready.connections).reduce((a, c) => a + c.length, 0);
    result.connectMs = ready.connectMs;
    if (ready.failed > 0) result.reason = `the gateway acknowledged ${ready.connections} of ${connections.length} connections: ${ready.errors.join('; ')}`;
    // graphql-ws acknowledges a subscribe by nothing: the gateway going quiet is the sign that it has
    // planned and subscribed upstream for every subscriber, and that what follows is its idle cost.
    await untilQuiet(ctx.gatewayPid);
    const g1 = sampleProcess(ctx.gatewayPid);
    result.gateway.openSettledMs = now() - openStart;
    result.gateway.openCpuMs = cpuBetween(g0, g1);
    const idleStart = now();
    await sleep(SETTLE_MS);
    const g2 = sampleProcess(ctx.gatewayPid);
    result.gateway.idleWindowMs = now() - idleStart;
    result.gateway.idleCpuShare = share(cpuBetween(g1, g2), result.gateway.idleWindowMs);
    result.gateway.rssMbSubscribed = g2?.rssMb ?? null;

    const windowStart = now();
    for (let i = 0; i < orders.length; i++) {
      await sleep(windowStart + i * spacing - now());
      const sentAt = now();
      const error = await sandboxAction(ctx.sandbox.netsuite, 'ship-order', { orderId: orders[i]! });
      samples.push({ key: orders[i]!, sentAt, warmup: false, ...(error ? { error } : {}) });
    }
    const accepted = samples.filter((s) => !s.error);
    const c = client;
    await c.until(() => accepted.every((s) => c.receiversOf(s.key) >= n), Math.max(now(), ...accepted.map((s) => s.sentAt + deadlineMs)));
    const g3 = sampleProcess(ctx.gatewayPid);
    result.gateway.eventsWindowMs = now() - windowStart;
    result.gateway.eventsCpuMs = cpuBetween(g2, g3);
    result.gateway.rssMbAfterEvents = g3?.rssMb ?? null;

    const latencies: number[] = [];
    const spreads: number[] = [];
    for (const s of accepted) {
      const times: number[] = [];
      for (const spec of specs) {
        const first = c.firstFor(spec.id, s.key, s.sentAt);
        if (first && first.t - s.sentAt <= deadlineMs) times.push(first.t);
      }
      for (const t of times) latencies.push(t - s.sentAt);
      if (times.length > 0) spreads.push(Math.max(...times) - Math.min(...times));
    }
    const keys = new Set(samples.map((s) => s.key));
    const messages = specs.flatMap((s) => c.messagesOf(s.id));
    result.events = accepted.length;
    result.actionFailures = samples.length - accepted.length;
    result.deliveriesExpected = accepted.length * n;
    result.deliveriesReceived = latencies.length;
    result.missed = result.deliveriesExpected - result.deliveriesReceived;
    result.duplicates = specs.reduce((a, s) => a + c.duplicatesOf(s.id), 0);
    result.notEnriched = messages.filter((m) => !m.enriched).length;
    result.unmatched = messages.filter((m) => m.key === null || !keys.has(m.key)).length;
    result.latencyMs = summarise(latencies);
    result.spreadMs = summarise(spreads);
    result.gateway.cpuMsPerEvent = result.gateway.eventsCpuMs !== null && accepted.length > 0 ? result.gateway.eventsCpuMs / accepted.length : null;
    result.gateway.cpuShare = share(result.gateway.eventsCpuMs, result.gateway.eventsWindowMs);
    result.gateway.rssGrowthMb = result.gateway.rssMbAfterEvents !== null && result.gateway.rssMbBefore !== null ? result.gateway.rssMbAfterEvents - result.gateway.rssMbBefore : null;
    if (accepted.length === 0) {
      result.status = 'not-measured';
      result.reason = `the sandbox refused every ship-order: ${samples[0]?.error ?? ''}`;
    }
  } catch (e) {
    result.status = 'failed';
    result.reason = errorText(e);
  } finally {
    if (client) {
      const closed = await client.close().catch((e: unknown) => {
        result.sampleErrors.push(`closing: ${errorText(e)}`);
        return undefined;
      });
      if (closed) result.closeCodes = closed.closeCodes;
      for (const c of client.closes) if (!c.requested) result.unexpectedCloses[String(c.code)] = (result.unexpectedCloses[String(c.code)] ?? 0) + 1;
      result.subscriptionErrors = client.subscriptionProblems;
      result.sampleErrors.push(...client.problems());
    }
    result.sampleErrors.push(...new Set(samples.filter((s) => s.error).map((s) => s.error!)));
    result.sampleErrors = [...new Set(result.sampleErrors)].slice(0, 5);
    // Give the gateway a moment to release what the closed connections held before reading its memory.
    await sleep(1000);
    result.gateway.rssMbAfterClose = sampleProcess(ctx.gatewayPid)?.rssMb ?? null;
    result.gatewayAnsweringAfterClose = await gatewayAnswers(ctx);
  }
  return result;
}

const alias = (i: number): string => `n${String(i).padStart(4, '0')}`;

function cpuBetween(a: { cpuMs: number } | null, b: { cpuMs: number } | null): number | null {
  return a && b ? b.cpuMs - a.cpuMs : null;
}

/**
 * Resolves once the gateway has used at most `threshold` of a core over a
 * window, or after `maxMs`. /proc counts CPU in clock ticks (usually 10 ms), so
 * the window must span several of them.
 */
async function untilQuiet(pid: number, windowMs = 500, threshold = 0.05, maxMs = 30_000): Promise<void> {
  const start = now();
  let prev = sampleProcess(pid);
  while (prev && now() - start < maxMs) {
    await sleep(windowMs);
    const cur = sampleProcess(pid);
    if (!cur || cur.cpuMs - prev.cpuMs <= threshold * windowMs) return;
    prev = cur;
  }
}

function share(cpuMs: number | null, wallMs: number): number | null {
  return cpuMs !== null && wallMs > 0 ? cpuMs / wallMs : null;
}

// ---------------------------------------------------------------- the client process

type MsgLine = Extract<ClientLine, { type: 'msg' }>;
type ReadyLine = Extract<ClientLine, { type: 'ready' }>;
type ClosedLine = Extract<ClientLine, { type: 'closed' }>;
type ConnClosedLine = Extract<ClientLine, { type: 'conn-closed' }>;

/** bench/subclients.ts as a child process, with its messages indexed by subscription and by record. */
class SubscriberProcess {
  readonly ready: Promise<ReadyLine>;
  readonly closes: ConnClosedLine[] = [];
  /** Subscriptions that errored or completed before the close. */
  subscriptionProblems = 0;
  private readonly bySub = new Map<string, MsgLine[]>();
  private readonly eventIds = new Map<string, Set<string>>();
  private readonly duplicates = new Map<string, number>();
  /** record id → subscriptions that received a message about it. */
  private readonly receivers = new Map<string, Set<string>>();
  private readonly errors = new Set<string>();
  private readonly waiters = new Set<() => void>();
  private readonly closed: Promise<ClosedLine>;
  private exited = false;
  private stderr = '';

  private constructor(private readonly child: ChildProcess) {
    let onReady!: (r: ReadyLine) => void;
    let onClosed!: (r: ClosedLine) => void;
    let fail!: (e: Error) => void;
    this.ready = new Promise<ReadyLine>((resolve, reject) => {
      onReady = resolve;
      fail = reject;
    });
    let failClosed!: (e: Error) => void;
    this.closed = new Promise<ClosedLine>((resolve, reject) => {
      onClosed = resolve;
      failClosed = reject;
    });
    // Both may never be awaited when a measurement fails early.
    this.ready.catch(() => undefined);
    this.closed.catch(() => undefined);
    child.stderr?.on('data', (c: Buffer) => {
      this.stderr = (this.stderr + c.toString('utf8')).slice(-2000);
    });
    createInterface({ input: child.stdout!, crlfDelay: Infinity }).on('line', (text) => {
      if (!text.trim()) return;
      let line: ClientLine;
      try {
        line = JSON.parse(text) as ClientLine;
      } catch {
        this.errors.add(`client wrote a line that is not JSON: ${text.slice(0, 120)}`);
        return;
      }
      switch (line.type) {
        case 'ready':
          onReady(line);
          break;
        case 'msg':
          this.record(line);
          break;
        case 'sub-error':
          this.subscriptionProblems += 1;
          this.errors.add(`subscription error: ${line.message}`);
          break;
        case 'sub-complete':
          this.subscriptionProblems += 1;
          this.errors.add('a subscription completed before the run closed it');
          break;
        case 'conn-closed':
          this.closes.push(line);
          if (!line.requested) this.errors.add(`the gateway closed a connection: ${line.code} ${line.reason}`);
          break;
        case 'closed':
          onClosed(line);
          break;
        case 'fatal':
          this.errors.add(`client: ${line.message}`);
          break;
        default: {
          const unreachable: never = line;
          throw new Error(`unexpected client line ${JSON.stringify(unreachable)}`);
        }
      }
      this.wake();
    });
    child.once('exit', (code, signal) => {
      this.exited = true;
      const e = new Error(`the subscription client exited (${signal ?? `code ${code}`}): ${[...this.errors].join('; ')} ${this.stderr.slice(-500)}`.trim());
      fail(e);
      failClosed(e);
      this.wake();
    });
  }

  static start(spec: ClientSpec, cores: string | undefined): SubscriberProcess {
    const node = [process.execPath, '--import', 'tsx', join(root, 'bench', 'subclients.ts')];
    const pin = cores !== undefined ? taskset() : null;
    const [cmd, ...args] = pin ? [pin, '-c', cores!, ...node] : node;
    const child = spawn(cmd!, args, { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdin!.write(`${JSON.stringify(spec)}\n`);
    return new SubscriberProcess(child);
  }

  private record(m: MsgLine): void {
    let list = this.bySub.get(m.sub);
    if (!list) this.bySub.set(m.sub, (list = []));
    list.push(m);
    if (m.eventId !== null) {
      let seen = this.eventIds.get(m.sub);
      if (!seen) this.eventIds.set(m.sub, (seen = new Set()));
      if (seen.has(m.eventId)) this.duplicates.set(m.sub, (this.duplicates.get(m.sub) ?? 0) + 1);
      else seen.add(m.eventId);
    }
    if (m.key !== null) {
      let subs = this.receivers.get(m.key);
      if (!subs) this.receivers.set(m.key, (subs = new Set()));
      subs.add(m.sub);
    }
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
  }

  messagesOf(sub: string): MsgLine[] {
    return this.bySub.get(sub) ?? [];
  }

  duplicatesOf(sub: string): number {
    return this.duplicates.get(sub) ?? 0;
  }

  /** Subscriptions that received a message about this record. */
  receiversOf(key: string): number {
    return this.receivers.get(key)?.size ?? 0;
  }

  /** The first message about `key` on `sub` received after `after`. */
  firstFor(sub: string, key: string, after: number): MsgLine | undefined {
    return this.bySub.get(sub)?.find((m) => m.key === key && m.t >= after);
  }

  problems(): string[] {
    return [...this.errors];
  }

  /** Resolves true once `done()` holds, false at the deadline (ms since the epoch) or when the client exits. */
  async until(done: () => boolean, deadline: number): Promise<boolean> {
    for (;;) {
      if (done()) return true;
      const left = deadline - now();
      if (left <= 0 || this.exited) return false;
      await new Promise<void>((resolve) => {
        const wake = (): void => {
          clearTimeout(timer);
          this.waiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, Math.min(left, 250));
        this.waiters.add(wake);
      });
    }
  }

  /** Closes every connection and waits for the client to report their close codes and exit. */
  async close(): Promise<ClosedLine> {
    if (!this.exited) this.child.stdin?.end(`${JSON.stringify({ op: 'close' })}\n`);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 30_000);
    try {
      return await this.closed;
    } finally {
      clearTimeout(timer);
    }
  }
}

// ---------------------------------------------------------------- talking to the gateway and the sandbox

async function gql<T>(ctx: SubscriptionBenchContext, query: string, variables: Record<string, unknown>): Promise<{ data: T } | { error: string }> {
  try {
    const res = await fetch(ctx.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ctx.token}` },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(15_000),
    });
    const body = (await res.json()) as { data?: T | null; errors?: Array<{ message: string; extensions?: { code?: string } }> };
    const first = body.errors?.[0];
    if (res.status !== 200 || first || body.data == null) return { error: `HTTP ${res.status}: ${first?.extensions?.code ?? ''} ${first?.message ?? 'no data'}`.trim() };
    return { data: body.data };
  } catch (e) {
    return { error: errorText(e) };
  }
}

async function gatewayAnswers(ctx: SubscriptionBenchContext): Promise<boolean> {
  const r = await gql<{ __typename: string }>(ctx, '{ __typename }', {});
  return 'data' in r && r.data.__typename === 'Query';
}

/** POSTs a sandbox action; null when it was applied, else what went wrong. */
async function sandboxAction(base: string, name: string, body: Record<string, unknown>): Promise<string | null> {
  try {
    const res = await fetch(`${base}/__sandbox/actions/${name}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    if (res.ok) {
      await res.arrayBuffer();
      return null;
    }
    return `${name} ${JSON.stringify(body)}: HTTP ${res.status} ${(await res.text()).slice(0, 200)}`;
  } catch (e) {
    return `${name}: ${errorText(e)}`;
  }
}

interface Targets {
  orders: string[];
  invoices: Array<{ id: string; amountDue: number }>;
  cases: string[];
  customersScanned: number;
  shortfall: string | null;
}

const TARGETS_QUERY = `query BenchSubscriptionTargets($after: String) {
  customers(first: 50, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes {
      id
      orders(first: 20, status: [BOOKED, RELEASED, PARTIALLY_SHIPPED]) { nodes { id } }
      invoices(first: 5, status: [OPEN, PARTIALLY_PAID, OVERDUE]) { nodes { id amountDue { amount } } }
      cases(first: 10, status: [NEW, OPEN, PENDING, ON_HOLD]) { nodes { id order { id } } }
    }
  }
}`;

/** Pages through customers with the agent token until enough orders, invoices and cases are found (or the customers run out). */
async function findTargets(ctx: SubscriptionBenchContext, need: { orders: number; invoices: number; cases: number }): Promise<Targets> {
  type Page = {
    customers: {
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
      nodes: Array<{
        id: string;
        orders: { nodes: Array<{ id: string }> } | null;
        invoices: { nodes: Array<{ id: string; amountDue: { amount: string } }> } | null;
        cases: { nodes: Array<{ id: string; order: { id: string } | null }> } | null;
      }>;
    };
  };
  const out: Targets = { orders: [], invoices: [], cases: [], customersScanned: 0, shortfall: null };
  let after: string | null = null;
  // A page costs a few hundred ms; past 40 pages (2,000 customers) the dataset is not going to have more.
  for (let page = 0; page < 40; page++) {
    const r: { data: Page } | { error: string } = await gql<Page>(ctx, TARGETS_QUERY, { after });
    if ('error' in r) {
      out.shortfall = `listing customers failed: ${r.error}`;
      break;
    }
    for (const c of r.data.customers.nodes) {
      out.customersScanned += 1;
      for (const o of c.orders?.nodes ?? []) out.orders.push(o.id);
      for (const i of c.invoices?.nodes ?? []) if (Number(i.amountDue.amount) >= 1) out.invoices.push({ id: i.id, amountDue: Number(i.amountDue.amount) });
      for (const k of c.cases?.nodes ?? []) if (k.order) out.cases.push(k.id);
    }
    const info: Page['customers']['pageInfo'] = r.data.customers.pageInfo;
    if (out.orders.length >= need.orders && out.invoices.length >= need.invoices && out.cases.length >= need.cases) break;
    if (!info.hasNextPage || !info.endCursor) break;
    after = info.endCursor;
  }
  if (!out.shortfall && (out.orders.length < need.orders || out.invoices.length < need.invoices || out.cases.length < need.cases)) {
    out.shortfall = `among ${out.customersScanned} customers: ${out.orders.length} of ${need.orders} shippable orders, ${out.invoices.length} of ${need.invoices} open invoices, ${out.cases.length} of ${need.cases} open cases naming an order`;
  }
  return out;
}

function summarise(values: number[]): LatencySummary {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return { n: 0, p50: null, p99: null, max: null, mean: null };
  return {
    n: sorted.length,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1]!,
    mean: sorted.reduce((a, b) => a + b, 0) / sorted.length,
  };
}

// ---------------------------------------------------------------- report

const ms = (v: number | null): string => (v === null ? '–' : v >= 100 ? v.toFixed(0) : v.toFixed(1));
const mb = (v: number | null): string => (v === null ? '–' : v.toFixed(1));
const pct = (v: number | null): string => (v === null ? '–' : `${(v * 100).toFixed(1)}%`);
const codes = (c: Record<string, number>): string =>
  Object.keys(c).length === 0
    ? 'none'
    : Object.entries(c)
        .map(([code, count]) => `${count} × ${code}`)
        .join(', ');

/** Markdown lines for BENCHMARKS.md: the two tables and how each figure is measured. */
export function subscriptionReport(r: SubscriptionResults): string[] {
  const out: string[] = [];
  const i = r.feedIntervalsMs;
  out.push('### Subscriptions, through our gateway', '');
  out.push(
    `Run: ${r.startedAt} to ${r.finishedAt}. Subscribers in one client process (bench/subclients.ts, graphql-ws), ${r.clientCores === 'any' ? 'not pinned' : `pinned to core${/^\d+$/.test(r.clientCores) ? '' : 's'} ${r.clientCores}`}. ` +
      `Subgraph feeds: ERP polled every ${i.order} ms (orders) and ${i.finance} ms (invoices); Zendesk webhooks, with the incremental export as backstop every ${i.servicePoll} ms; Salesforce CDC.  `,
  );
  const faults = Object.entries(r.sandboxFaults).map(([system, f]) => `${system} ${f === null ? 'unknown' : Object.keys(f).length === 0 ? 'none' : JSON.stringify(f)}`);
  out.push(`Sandbox faults during the run (added latency etc.): ${faults.join('; ')}.  `);
  out.push(
    `Targets found through the gateway among ${r.targets.customersScanned} customers: ${r.targets.shippableOrders} shippable orders, ${r.targets.openInvoices} open invoices, ${r.targets.openCasesWithOrder} open cases naming an order${r.targets.shortfall ? ` (short: ${r.targets.shortfall})` : ''}.`,
    '',
  );

  out.push('#### Latency from a change in a system of record to the client', '');
  out.push('| feed | change (sandbox action) | poll interval | samples | p50 ms | p99 ms | max ms | missed | duplicates | not enriched |', '|---|---|---|---|---|---|---|---|---|---|');
  for (const f of r.latency) {
    const interval = f.feedIntervalMs !== null ? `${f.feedIntervalMs} ms` : f.queryPollMs !== null ? `query every ${f.queryPollMs} ms` : 'pushed';
    if (f.status !== 'measured') {
      out.push(`| ${f.title} | ${f.action} | ${interval} | ${f.status}: ${f.reason ?? ''} | – | – | – | – | – | – |`);
      continue;
    }
    const dup = f.observedBy === 'subscription' ? String(f.duplicates) : 'n/a';
    const enr = f.observedBy === 'subscription' ? String(f.notEnriched) : 'n/a';
    out.push(`| ${f.title} | ${f.action} | ${interval} | ${f.samples} | ${ms(f.latencyMs.p50)} | ${ms(f.latencyMs.p99)} | ${ms(f.latencyMs.max)} | ${f.missed} | ${dup} | ${enr} |`);
  }
  out.push('');
  for (const f of r.latency) {
    const notes: string[] = [];
    if (f.status === 'measured' && f.reason) notes.push(f.reason);
    if (f.actionFailures > 0) notes.push(`${f.actionFailures} actions refused by the sandbox`);
    if (f.unmatched > 0) notes.push(`${f.unmatched} messages about records no action touched`);
    if (f.sampleErrors.length > 0 && (f.missed > 0 || f.actionFailures > 0 || f.status !== 'measured')) notes.push(`errors: ${f.sampleErrors.join(' | ')}`);
    if (notes.length > 0) out.push(`- ${f.title}: ${notes.join('; ')}.`);
  }
  const doc = (id: FeedId): string => r.latency.find((f) => f.feed === id)?.document ?? '';
  out.push(
    '- **How it is measured.** For each sample the runner notes the time just before it POSTs the action to the sandbox (`/__sandbox/actions/<name>`); the client process notes when the message about that record (matched by order, invoice or case id) arrives. Latency is the difference; both processes read `performance.timeOrigin + performance.now()`, the same clock on one machine.',
    `- Each payload selects a field from another subgraph, so enriching the event is part of the figure: \`${doc('erp-orders')}\`, \`${doc('erp-invoices')}\`, \`${doc('zendesk-webhook')}\`.`,
    '- **ERP poll:** the latency is mostly where in the poll cycle the change lands (between 0 and one interval), plus the poll and the enrichment. Actions are spaced interval × (1 + 1/n) apart, so the n samples fall at evenly spread points of the cycle.',
    `- **Salesforce CDC:** \`set-loyalty-tier\` has no subscription field. The figure is the time until \`${doc('salesforce-cdc')}\` through the gateway, sent every ${TIER_POLL_MS} ms from the runner after one read that leaves the old tier in the cache, first shows the new tier: CDC delivery, cache invalidation and one query. Its resolution is about ${TIER_POLL_MS} ms plus one query.`,
    `- **missed:** no message (no new tier) within the deadline (ERP: 2 intervals + 10 s; webhook ${WEBHOOK_DEADLINE_MS / 1000} s; CDC ${CDC_DEADLINE_MS / 1000} s). **duplicates:** an eventId seen twice on one subscription. **not enriched:** a message with errors, or null where another subgraph's field was selected. The first action of each feed is a warm-up and is not counted; the feeds run side by side, the query poll after the webhook samples.`,
    '',
  );

  out.push('#### Fan-out of one change to many subscribers', '');
  const fs = r.fanout;
  if (fs.length === 0) {
    out.push('Not measured.', '');
    return out;
  }
  const row = (label: string, f: (x: FanoutResult) => string): string => `| ${label} | ${fs.map(f).join(' | ')} |`;
  out.push(`| | ${fs.map((f) => f.title).join(' | ')} |`, `|---|${fs.map(() => '---').join('|')}|`);
  out.push(row('status', (f) => (f.status === 'measured' && !f.reason ? 'measured' : `${f.status}: ${f.reason ?? ''}`)));
  out.push(row('subscribers open (connections × per connection)', (f) => `${f.subscribed} of ${f.subscribers} (${f.connectionsAcknowledged} × ${f.subscriptionsPerConnection})`));
  out.push(row('time to open every connection (ms)', (f) => ms(f.connectMs)));
  out.push(row('changes (ship-order, spaced)', (f) => `${f.events} (${f.eventSpacingMs} ms apart)`));
  out.push(row('deliveries received / expected', (f) => `${f.deliveriesReceived} / ${f.deliveriesExpected}`));
  out.push(row('missed', (f) => String(f.missed)));
  out.push(row('duplicates', (f) => String(f.duplicates)));
  out.push(row('not enriched', (f) => String(f.notEnriched)));
  out.push(row('latency action → message, p50 / p99 (ms)', (f) => `${ms(f.latencyMs.p50)} / ${ms(f.latencyMs.p99)}`));
  out.push(row('first → last subscriber per change, p50 (max) ms', (f) => `${ms(f.spreadMs.p50)} (${ms(f.spreadMs.max)})`));
  out.push(row('gateway CPU per change (ms)', (f) => ms(f.gateway.cpuMsPerEvent)));
  out.push(row('gateway CPU share during the changes (idle, subscribers open)', (f) => `${pct(f.gateway.cpuShare)} (${pct(f.gateway.idleCpuShare)})`));
  out.push(row('gateway CPU to open the subscriptions, ms (wall ms until quiet)', (f) => `${ms(f.gateway.openCpuMs)} (${ms(f.gateway.openSettledMs)})`));
  out.push(row('gateway RSS before → subscribed → after the changes (MB)', (f) => `${mb(f.gateway.rssMbBefore)} → ${mb(f.gateway.rssMbSubscribed)} → ${mb(f.gateway.rssMbAfterEvents)}`));
  out.push(row('gateway RSS growth (MB)', (f) => mb(f.gateway.rssGrowthMb)));
  out.push(row('gateway RSS after closing (MB)', (f) => mb(f.gateway.rssMbAfterClose)));
  out.push(row('connections closed by the gateway', (f) => codes(f.unexpectedCloses)));
  out.push(row('close codes at the end', (f) => codes(f.closeCodes)));
  out.push(row('gateway answering after close', (f) => (f.gatewayAnsweringAfterClose === null ? '–' : f.gatewayAnsweringAfterClose ? 'yes' : 'no')));
  out.push('');
  for (const f of fs) if (f.sampleErrors.length > 0) out.push(`- ${f.title}: errors seen: ${f.sampleErrors.join(' | ')}.`);
  const shared = fs.find((f) => f.kind === 'shared');
  const distinct = fs.find((f) => f.kind === 'distinct');
  out.push(
    `- **Subscribers:** one client process opens the connections (${fs[0]!.subscriptionsPerConnection} subscriptions each, under the gateway's limit of 50 per connection) with the agent token and ${fs[0]!.filter}. Shared: every subscriber sends \`${shared?.document ?? ''}\` with the same variables, so the gateway holds one upstream subscription and enriches each change once. Distinct: ${distinct?.variation ?? ''}, so no two documents are equal and each is subscribed upstream and enriched on its own.`,
    '- **Changes:** `ship-order` on a different order each time, spaced more than one ERP poll apart so each change arrives in a poll of its own. A delivery is a subscriber\'s first message about that order; latency is measured as above, over every delivery; first → last is, per change, the time between the first and the last subscriber receiving it (it includes the client process reading 1,000 messages on one event loop).',
    '- **Gateway CPU and memory** are read from /proc (user + system clock ticks, usually 10 ms; VmRSS). CPU per change is the CPU from just before the first action to the last delivery, divided by the changes; it includes the gateway\'s idle cost between polls, which the idle share (one second with every subscriber open and nothing changing) shows. Opening costs the CPU from before the first connection until the gateway is quiet again (under 5% of a core over half a second), which is also when the changes start. RSS growth is after the changes minus before the connections were opened; RSS holds garbage V8 has not collected yet, so it moves with garbage collection and can even shrink. At the end every connection is closed by the client (1000 is a normal close) and the gateway must still answer `{ __typename }`.',
    '',
  );
  if (!r.gatewayAnsweringAtEnd) out.push('**The gateway did not answer `{ __typename }` at the end of the subscription benchmark.**', '');
  return out;
}
