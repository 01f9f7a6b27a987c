/**
 * B. Fan-out of one change to 1,000 subscribers, sharing one selection or each
 * with its own, with the gateway's CPU and memory (read from /proc) and the
 * subgraph fetches (their own `rsg_subgraph_requests_total`) around it.
 */
import { fetchesBetween } from '../metrics.js';
import { sampleProcess } from '../processes.js';
import type { SubscriptionSpec } from '../subclients.js';
import { errorText, now, SETTLE_MS, sleep, summarise, type Sample } from './common.js';
import type { FanoutResult, SubscriptionBenchContext, SubscriptionPlan } from './model.js';
import { gatewayAnswers, sandboxAction } from './setup.js';
import { SubscriberProcess } from './subscriber-process.js';

export async function measureFanout(ctx: SubscriptionBenchContext, plan: SubscriptionPlan, kind: FanoutResult['kind'], orders: string[]): Promise<FanoutResult> {
  const n = plan.fanoutSubscribers;
  const per = plan.subscriptionsPerConnection;
  const interval = Math.max(1000, ctx.feedIntervalsMs.order);
  const spacing = Math.max(Math.round(interval * 1.2), interval + 500);
  const deadlineMs = 2 * interval + 30_000;
  const docFor = (i: number): string =>
    kind === 'shared'
      ? 'subscription BenchFanout { orderStatusChanged { eventId status previousStatus order { id customer { name } } } }'
      : `subscription BenchFanout { orderStatusChanged { eventId status previousStatus order { id customer { ${alias(i)}: name } ${extrasOf(i)} } } }`;
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
    variation:
      kind === 'shared'
        ? null
        : `each subscriber aliases customer.name differently (${alias(0)} … ${alias(n - 1)}) and adds its own subset (the bits of its number) of ${OPTIONAL.length} selections on the order from the customer, finance, service and order subgraphs (${OPTIONAL.map((o) => `\`${o}\``).join(', ')})`,
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
    subgraphFetches: null,
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

    const m0 = ctx.metrics ? await ctx.metrics() : null;
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
    const m1 = ctx.metrics ? await ctx.metrics() : null;
    const fetches = m0 && m1 ? fetchesBetween(m0, m1) : null;
    if (fetches) {
      const total = Object.values(fetches).reduce((a, b) => a + b, 0);
      result.subgraphFetches = { total, bySubgraph: fetches, perChange: samples.some((s) => !s.error) ? total / samples.filter((s) => !s.error).length : null };
    }

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

/** Selections on the order a distinct subscriber may add, one bit of its number each: 1,024 subsets, from every subgraph. */
const OPTIONAL = [
  'customer { email }',
  'customer { loyalty { tier } }',
  'customer { phone }',
  'customer { segment }',
  'invoices { id status }',
  'invoices { amountDue { amount } }',
  'cases { id status }',
  'cases { subject priority }',
  'total { amount currency }',
  'channel placedAt',
];

function extrasOf(i: number): string {
  return OPTIONAL.filter((_, bit) => (i >> bit) & 1).join(' ');
}

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
