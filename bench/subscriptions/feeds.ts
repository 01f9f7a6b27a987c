/**
 * A. Latency from a change made inside a system of record (a sandbox action) to
 * the subscriber's message, per change feed: ERP polling (orders, invoices),
 * Zendesk webhooks (cases), and Salesforce CDC (which has no subscription field,
 * so a query polled through the gateway stands in for the message).
 */
import { errorText, now, SETTLE_MS, sleep, summarise, type Sample } from './common.js';
import type { FeedId, FeedLatencyResult, SubscriptionBenchContext, SubscriptionPlan } from './model.js';
import { gql, sandboxAction } from './setup.js';
import { SubscriberProcess } from './subscriber-process.js';
import type { SubscriptionSpec } from '../subclients.js';

const ORDER_FEED_DOC = 'subscription BenchOrderStatus { orderStatusChanged { eventId status previousStatus order { id customer { name } } } }';
const INVOICE_FEED_DOC = 'subscription BenchInvoiceStatus { invoiceStatusChanged { eventId status previousStatus amountDue { amount } invoice { id customer { name } } } }';
const CASE_FEED_DOC = 'subscription BenchCaseUpdated { caseUpdated { eventId status case { id order { status } } } }';
const TIER_QUERY = 'query BenchLoyaltyTier($id: ID!) { customer(id: $id) { loyalty { tier } } }';
const TIERS = ['BRONZE', 'SILVER', 'GOLD', 'PLATINUM'] as const;
export const TIER_POLL_MS = 25;
export const WEBHOOK_DEADLINE_MS = 10_000;
export const CDC_DEADLINE_MS = 15_000;

export async function measureFeeds(
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
