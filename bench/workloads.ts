/**
 * The workloads: what a request asks and for whom. Bodies are generated up front
 * from a seed, so every gateway receives exactly the same sequence of requests.
 */
import type { LoadBody } from './loadgen.js';
import { seededRandom, shuffled, zipfSampler } from './stats.js';

export type WorkloadId = 'customer360-cold' | 'customer360-warm-zipf' | 'customers-list' | 'storefront-my-orders' | 'mutation-mix' | 'subscription-fanout';

export type Workload =
  | {
      phase: 'ready';
      id: WorkloadId;
      title: string;
      /**
       * `cold`: each request asks for a customer no gateway in this run has asked
       * for, at a low fixed rate: single-request latency and calls per request.
       * `ramp`: Zipf-distributed requests at rising offered rates.
       */
      mode: 'cold' | 'ramp';
      /** The GraphQL operation every request of this workload sends. */
      query: string;
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

export const WORKLOADS: readonly Workload[] = [
  { phase: 'ready', id: 'customer360-cold', title: 'customer-360, cold (every customer asked for once)', mode: 'cold', query: CUSTOMER_360 },
  { phase: 'ready', id: 'customer360-warm-zipf', title: 'customer-360, warm, Zipf(1.1) over customers', mode: 'ramp', query: CUSTOMER_360 },
  { phase: 'ready', id: 'customers-list', title: 'customers(first: 20) { orders { invoices } cases }, Zipf(1.1) over pages', mode: 'ramp', query: CUSTOMERS_LIST },
  { phase: 'ready', id: 'storefront-my-orders', title: 'storefront "my orders", Zipf(1.1) over customers', mode: 'ramp', query: MY_ORDERS },
  { phase: 'pending', id: 'mutation-mix', title: 'a mix of mutations', reason: 'pending: needs issue 5 (writes)' },
  { phase: 'pending', id: 'subscription-fanout', title: 'subscription fan-out', reason: 'pending: needs issue 6 (subscriptions)' },
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
