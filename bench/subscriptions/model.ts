/**
 * What the subscription benchmark is given (the context run.ts builds, the plan's
 * sample counts) and what it answers: the results written to bench/results/ and
 * read back by the report.
 */
import type { MetricsSnapshot } from '../metrics.js';

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
  /** /metrics of the gateway and the subgraphs, to count subgraph fetches around a fan-out; absent when they are not scraped. */
  metrics?: () => Promise<MetricsSnapshot>;
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
  /**
   * Operations the subgraphs executed while the changes were delivered (their own
   * `rsg_subgraph_requests_total`): the enrichment fetches, total, by subgraph and
   * per change. Null when the metrics were not scraped; absent in older runs.
   */
  subgraphFetches?: { total: number; bySubgraph: Record<string, number>; perChange: number | null } | null;
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
