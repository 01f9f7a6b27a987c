/**
 * The workloads: what a request asks and for whom. Bodies are generated up front
 * from a seed, so every gateway receives exactly the same sequence of requests.
 */
import type { LoadBody } from './loadgen.js';
import { seededRandom, shuffled, zipfSampler } from './stats.js';

export type WorkloadId =
  | 'customer360-cold'
  | 'customer360-warm-zipf'
  | 'customer360-warm-variants'
  | 'customer360-repeat'
  | 'customers-list'
  | 'storefront-my-orders'
  | 'mutation-mix'
  | 'subscription-fanout';

export type Workload =
  | {
      phase: 'ready';
      id: WorkloadId;
      title: string;
      /**
       * `cold`: each request asks for a customer no gateway in this run has asked
       * for, at a low fixed rate: single-request latency, calls per request, and
       * the gateway's overhead above its systems of record.
       * `ramp`: Zipf-distributed requests at rising offered rates.
       * `fixed`: one fixed offered rate (writes change the data, so no ramp).
       * `closed`: a fixed number of clients, each asking again as soon as it is
       * answered (REPEAT_CLIENTS agents at a time): latency and views/s at that concurrency.
       */
      mode: 'cold' | 'ramp' | 'fixed' | 'closed';
      /** The GraphQL document every request of this workload sends (with an operationName where it holds several). */
      query: string;
    }
  | {
      phase: 'ready';
      id: WorkloadId;
      title: string;
      /** Measured by bench/subscriptions/ over graphql-ws, on gateways that execute subscriptions. */
      mode: 'subscriptions';
    }
  | { phase: 'pending'; id: WorkloadId; title: string; reason: string };

/** The agent console's customer-360 (examples/operations/AgentCustomer360.graphql, trimmed to one page of ten orders). */
export const CUSTOMER_360 = /* GraphQL */ `
query BenchCustomer360($id: ID!) {
  customer(id: $id) {
    id name email phone segment
    loyalty { tier points }
    consent { emailOptIn smsOptIn updatedAt }
    preferredStoreId
    contacts { id name email role }
    financials { balance { amount currency } overdueBalance { amount currency } creditLimit { amount currency } creditHold paymentTerms }
    orders(first: 10) {
      totalCount
      nodes {
        id status channel placedAt total { amount currency }
        lines { lineNumber sku quantity quantityShipped }
        invoices { id status amountDue { amount currency } }
        cases { id subject status }
      }
      pageInfo { hasNextPage endCursor }
    }
    cases(first: 10) { nodes { id subject status priority updatedAt } }
  }
}`;

/**
 * The parts of the agent's customer-360 a console may show, each a selection of
 * its own. VIEW_VARIANTS combines them into the views different screens ask for.
 */
const VIEW_PARTS = {
  contact: 'email phone',
  profile: 'segment preferredStoreId',
  loyalty: 'loyalty { tier points }',
  consent: 'consent { emailOptIn smsOptIn updatedAt }',
  contacts: 'contacts { id name email role }',
  credit: 'financials { creditLimit { amount currency } creditHold paymentTerms }',
  balance: 'financials { balance { amount currency } overdueBalance { amount currency } }',
  orders: 'orders(first: 10) { totalCount nodes { id status placedAt total { amount currency } } }',
  orderLines: 'orders(first: 5) { nodes { id status lines { lineNumber sku quantity quantityShipped } } }',
  orderInvoices: 'orders(first: 10) { nodes { id invoices { id status amountDue { amount currency } } } }',
  orderCases: 'orders(first: 10) { nodes { id cases { id subject status } } }',
  cases: 'cases(first: 10) { nodes { id subject status priority updatedAt } }',
} as const;

/**
 * Twelve views of one customer with different selections, as the screens of an
 * agent console ask for them: each touches another mix of subgraphs and entity
 * fields, so a gateway that caches whole responses per query shape sees twelve
 * shapes, and one that caches subgraph fetches per entity can share between them.
 */
export const VIEW_VARIANTS: readonly string[] = (
  [
    ['contact', 'loyalty'],
    ['contact', 'profile', 'consent'],
    ['contacts', 'cases'],
    ['credit', 'balance'],
    ['orders'],
    ['orders', 'balance'],
    ['orderLines'],
    ['orderInvoices', 'credit'],
    ['orderCases', 'cases'],
    ['loyalty', 'orders', 'cases'],
    ['contact', 'balance', 'orderInvoices'],
    ['profile', 'contacts', 'orderLines', 'cases'],
  ] as const
).map((parts, i) => `query BenchCustomerView${i + 1}($id: ID!) {
  customer(id: $id) {
    id name
    ${parts.map((p) => VIEW_PARTS[p]).join('\n    ')}
  }
}`);

/** How many agents the repeated customer-360 has asking at once (issue 19: "8 clients at a time"). */
export const REPEAT_CLIENTS = 8;
/** How many customers the repeated customer-360 views again and again. */
export const REPEAT_CUSTOMERS = 200;
/** The repeated customer-360's warm-up, at least: enough for the clients to view every one of the customers once. */
export const REPEAT_WARMUP_MS = 10_000;

/**
 * Cold views each gateway answers, unmeasured, before its measured cold views:
 * its code is then compiled by the JIT, as in a process that has served
 * traffic, so the figures are the cost of a view no cache has seen, not of a
 * process's first requests. Their customers are a slice of their own, outside
 * both the warm workloads' half and the measured cold slices.
 */
export const COLD_WARMUP_VIEWS = 30;

/** The list variant: a page of 20 customers, each with orders, their invoices, and cases. */
export const CUSTOMERS_LIST = /* GraphQL */ `
query BenchCustomersList($after: String) {
  customers(first: 20, after: $after) {
    nodes {
      id name
      orders(first: 10) { nodes { id status total { amount currency } invoices { id status } } }
      cases(first: 10) { nodes { id status priority } }
    }
    pageInfo { hasNextPage endCursor }
  }
}`;

/** Storefront "my orders" (examples/operations/StorefrontMyOrders.graphql). */
export const MY_ORDERS = /* GraphQL */ `
query BenchMyOrders($customerId: ID!) {
  customer(id: $customerId) {
    id
    orders(first: 10) {
      totalCount
      edges { cursor node { id status placedAt total { amount currency } } }
      pageInfo { hasNextPage endCursor }
    }
  }
}`;

/**
 * What an agent console writes during a shift: engagement updates to Salesforce,
 * orders to the ERP, new cases and internal notes to the service desk. Each
 * request names one of these operations; every write goes to its owning system.
 */
export const MUTATION_MIX = /* GraphQL */ `
mutation BenchUpdateEngagement($id: ID!, $phone: String!, $key: String!) {
  updateCustomerEngagement(id: $id, input: { phone: $phone }, idempotencyKey: $key) { status writeId customer { id phone } }
}
mutation BenchPlaceOrder($customerId: ID!, $sku: String!, $key: String!) {
  placeOrder(input: { customerId: $customerId, lines: [{ sku: $sku, quantity: 1 }], channel: AGENT }, idempotencyKey: $key) {
    status writeId order { id status total { amount currency } }
  }
}
mutation BenchOpenCase($customerId: ID!, $subject: String!, $key: String!) {
  openCase(input: { customerId: $customerId, subject: $subject, description: "Raised from the agent console during a call.", priority: NORMAL }, idempotencyKey: $key) {
    status writeId supportCase { id status }
  }
}
mutation BenchCommentCase($caseId: ID!, $body: String!, $key: String!) {
  addCaseComment(caseId: $caseId, body: $body, public: false, idempotencyKey: $key) { status writeId supportCase { id updatedAt } }
}`;

/** Share of each operation in the mutation mix. */
export const MUTATION_WEIGHTS = { BenchUpdateEngagement: 0.35, BenchPlaceOrder: 0.25, BenchOpenCase: 0.2, BenchCommentCase: 0.2 } as const;

/** What the mutation mix may write to: read from the subgraphs before the run (bench/run.ts). */
export interface MutationPools {
  /** Customers that are not on credit hold. */
  customers: string[];
  /** SKUs of items on existing orders (so, active items). */
  skus: string[];
  /** Cases that are neither solved nor closed. */
  openCases: string[];
}

/**
 * `count` writes in the mix's proportions. `keyPrefix` makes every idempotency
 * key unique to its gateway and run, so no gateway replays another's write.
 */
export function mutationBodies(pools: MutationPools, count: number, seed: number, keyPrefix: string): LoadBody[] {
  for (const [name, pool] of Object.entries(pools)) if ((pool as string[]).length === 0) throw new Error(`the mutation mix has no ${name} to write to`);
  const random = seededRandom(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const ops = Object.entries(MUTATION_WEIGHTS) as Array<[keyof typeof MUTATION_WEIGHTS, number]>;
  return Array.from({ length: count }, (_, i) => {
    const key = `${keyPrefix}-${seed}-${i}`;
    let u = random();
    let op = ops[ops.length - 1]![0];
    for (const [name, w] of ops) {
      if (u < w) {
        op = name;
        break;
      }
      u -= w;
    }
    const variables: Record<string, unknown> = (() => {
      switch (op) {
        case 'BenchUpdateEngagement':
          return { id: pick(pools.customers), phone: `+1 555 ${String(1000 + Math.floor(random() * 9000))} ${String(1000 + i % 9000)}`, key };
        case 'BenchPlaceOrder':
          return { customerId: pick(pools.customers), sku: pick(pools.skus), key };
        case 'BenchOpenCase':
          return { customerId: pick(pools.customers), subject: `Where is my parcel? (${key})`, key };
        case 'BenchCommentCase':
          return { caseId: pick(pools.openCases), body: `Called the customer back (${key}).`, key };
      }
    })();
    return { query: MUTATION_MIX, operationName: op, variables };
  });
}

export const WORKLOADS: readonly Workload[] = [
  { phase: 'ready', id: 'customer360-cold', title: 'customer-360, cold (every customer asked for once)', mode: 'cold', query: CUSTOMER_360 },
  { phase: 'ready', id: 'customer360-warm-zipf', title: 'customer-360, warm, Zipf(1.1) over customers', mode: 'ramp', query: CUSTOMER_360 },
  {
    phase: 'ready',
    id: 'customer360-warm-variants',
    title: `customer views, warm: ${VIEW_VARIANTS.length} selections rotating, Zipf(1.1) over customers`,
    mode: 'ramp',
    query: VIEW_VARIANTS[0]!,
  },
  {
    phase: 'ready',
    id: 'customer360-repeat',
    title: `customer-360 repeated: ${REPEAT_CUSTOMERS} customers viewed again and again, ${REPEAT_CLIENTS} clients at a time`,
    mode: 'closed',
    query: CUSTOMER_360,
  },
  { phase: 'ready', id: 'customers-list', title: 'customers(first: 20) { orders { invoices } cases }, Zipf(1.1) over pages', mode: 'ramp', query: CUSTOMERS_LIST },
  { phase: 'ready', id: 'storefront-my-orders', title: 'storefront "my orders", Zipf(1.1) over customers', mode: 'ramp', query: MY_ORDERS },
  { phase: 'ready', id: 'mutation-mix', title: 'a mix of mutations: engagement 35%, placeOrder 25%, openCase 20%, addCaseComment 20%', mode: 'fixed', query: MUTATION_MIX },
  { phase: 'ready', id: 'subscription-fanout', title: 'subscriptions: latency per change feed, and fan-out to 1,000 subscribers', mode: 'subscriptions' },
];

/** The enterprise customer numbers of a sandbox dataset of `count` customers. */
export function customerIds(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `C-${String(i + 1).padStart(6, '0')}`);
}

/** The Zipf exponent of every warm workload. */
export const ZIPF_EXPONENT = 1.1;

/**
 * `count` requests whose keys follow Zipf(1.1). Which keys are popular is a seeded
 * shuffle, so the hot set is not simply the first customers.
 */
export function zipfBodies(query: string, keys: readonly (string | null)[], variable: string, count: number, seed: number): LoadBody[] {
  const random = seededRandom(seed);
  const order = shuffled(keys, random);
  const next = zipfSampler(order.length, ZIPF_EXPONENT, random);
  return Array.from({ length: count }, () => {
    const key = order[next()] ?? null;
    return { query, variables: { [variable]: key } };
  });
}

/**
 * Cold requests: the customers in `slice`, each once. The caller gives every
 * gateway and latency profile its own slice, so that no cache on any layer
 * (gateway, subgraph, sandbox) has seen them.
 */
export function coldBodies(slice: readonly string[]): LoadBody[] {
  return slice.map((id) => ({ query: CUSTOMER_360, variables: { id } }));
}

/**
 * `count` views over Zipf(1.1) customers, each with the next selection of
 * `variants` in turn, so every customer is seen through several selections.
 */
export function variantBodies(variants: readonly string[], keys: readonly string[], count: number, seed: number): LoadBody[] {
  if (variants.length === 0) throw new Error('expected at least one selection variant');
  return zipfBodies('', keys, 'id', count, seed).map((b, i) => ({ ...b, query: variants[i % variants.length]! }));
}

/**
 * The repeated customer-360: the same `customers` over and over, each round in
 * a seeded order, so that after the first round every view is a repeat.
 */
export function repeatBodies(customers: readonly string[], count: number, seed: number): LoadBody[] {
  const random = seededRandom(seed);
  const out: LoadBody[] = [];
  while (out.length < count) out.push(...shuffled(customers, random).map((id) => ({ query: CUSTOMER_360, variables: { id } })));
  return out.slice(0, count);
}
