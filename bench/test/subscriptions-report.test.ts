import { describe, expect, it } from 'vitest';
import { SUBSCRIPTION_PLANS, subscriptionReport, type FanoutResult, type FeedLatencyResult, type SubscriptionResults } from '../subscriptions/index.js';

const summary = (p50: number | null) => ({ n: p50 === null ? 0 : 5, p50, p99: p50, max: p50, mean: p50 });

const feed = (over: Partial<FeedLatencyResult>): FeedLatencyResult => ({
  feed: 'erp-orders',
  title: 'ERP poll: ship-order → orderStatusChanged',
  action: 'NetSuite ship-order',
  observedBy: 'subscription',
  document: 'subscription { orderStatusChanged { eventId } }',
  feedIntervalMs: 5000,
  queryPollMs: null,
  actionSpacingMs: 6000,
  status: 'measured',
  reason: null,
  warmupSamples: 1,
  samples: 5,
  actionFailures: 0,
  received: 5,
  missed: 0,
  duplicates: 0,
  notEnriched: 0,
  unmatched: 0,
  deadlineMs: 20_000,
  latencyMs: summary(2100),
  sampleErrors: [],
  ...over,
});

const fanout: FanoutResult = {
  kind: 'distinct',
  title: '1000 subscribers with distinct selections',
  status: 'failed',
  reason: 'the subscription client exited (code 1)',
  document: 'subscription { orderStatusChanged { eventId } }',
  variation: 'aliases',
  filter: 'no filter',
  subscribers: 1000,
  subscribed: 0,
  connections: 50,
  connectionsAcknowledged: 0,
  subscriptionsPerConnection: 20,
  connectMs: null,
  events: 0,
  actionFailures: 0,
  eventSpacingMs: 6000,
  deliveriesExpected: 0,
  deliveriesReceived: 0,
  missed: 0,
  duplicates: 0,
  notEnriched: 0,
  unmatched: 0,
  deadlineMs: 40_000,
  latencyMs: summary(null),
  spreadMs: summary(null),
  gateway: {
    openCpuMs: null,
    openSettledMs: null,
    idleCpuShare: null,
    idleWindowMs: 1000,
    eventsCpuMs: null,
    eventsWindowMs: 0,
    cpuMsPerEvent: null,
    cpuShare: null,
    rssMbBefore: 150,
    rssMbSubscribed: null,
    rssMbAfterEvents: null,
    rssGrowthMb: null,
    rssMbAfterClose: 151,
  },
  unexpectedCloses: { '4429': 2 },
  subscriptionErrors: 0,
  closeCodes: {},
  gatewayAnsweringAfterClose: true,
  sampleErrors: [],
};

const results: SubscriptionResults = {
  schema: 1,
  plan: 'quick',
  settings: SUBSCRIPTION_PLANS.quick,
  startedAt: '2026-11-20T10:00:00.000Z',
  finishedAt: '2026-11-20T10:01:00.000Z',
  feedIntervalsMs: { order: 5000, finance: 5000, servicePoll: 60000 },
  clientCores: '1',
  sandboxFaults: { salesforce: {}, netsuite: { latencyMs: 5 }, zendesk: null },
  targets: { customersScanned: 400, shippableOrders: 21, openInvoices: 76, openCasesWithOrder: 0, shortfall: 'among 400 customers: 0 of 3 open cases naming an order' },
  latency: [feed({}), feed({ feed: 'zendesk-webhook', title: 'Zendesk webhook', status: 'not-measured', reason: 'no open case naming an order was found', latencyMs: summary(null) })],
  fanout: [fanout],
  gatewayAnsweringAtEnd: true,
};

describe('the subscription report', () => {
  const text = subscriptionReport(results).join('\n');

  it('prints measured figures with missed and duplicates beside them, and the poll interval', () => {
    expect(text).toContain('| ERP poll: ship-order → orderStatusChanged | NetSuite ship-order | 5000 ms | 5 | 2100 | 2100 | 2100 | 0 | 0 | 0 |');
  });

  it('says why a figure is missing instead of printing a number', () => {
    expect(text).toContain('not-measured: no open case naming an order was found');
    expect(text).toContain('failed: the subscription client exited (code 1)');
    expect(text).toContain('| gateway CPU per change (ms) | – |');
    expect(text).toContain('2 × 4429');
    expect(text).toContain('zendesk unknown');
  });
});
