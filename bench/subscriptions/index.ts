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
 *
 * This file runs the two in turn. Beside it: `setup.ts` (the calls to the gateway
 * and the sandbox, and what there is to act on), `subscriber-process.ts` (the
 * client process), `feeds.ts` (A), `fanout.ts` (B), `model.ts` (the context, plans
 * and results) and `report.ts` (the section of BENCHMARKS.md).
 */
import { taskset } from '../processes.js';
import { measureFanout } from './fanout.js';
import { measureFeeds } from './feeds.js';
import { SUBSCRIPTION_PLANS, type FanoutResult, type SubscriptionBenchContext, type SubscriptionResults } from './model.js';
import { faultsOf, findTargets, gatewayAnswers } from './setup.js';

export {
  SUBSCRIPTION_PLANS,
  type FanoutResult,
  type FeedId,
  type FeedLatencyResult,
  type LatencySummary,
  type SubscriptionBenchContext,
  type SubscriptionPlan,
  type SubscriptionResults,
} from './model.js';
export { subscriptionReport } from './report.js';

export async function runSubscriptionBench(ctx: SubscriptionBenchContext): Promise<SubscriptionResults> {
  const plan = SUBSCRIPTION_PLANS[ctx.plan];
  const startedAt = new Date().toISOString();
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
