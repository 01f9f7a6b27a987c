/**
 * The runner's calls to the gateway and the sandbox, and the scenario they set
 * up: the orders, invoices and cases there are to act on, and the faults each
 * sandbox had at the start.
 */
import { errorText } from './common.js';
import type { SubscriptionBenchContext } from './model.js';

export async function gql<T>(ctx: SubscriptionBenchContext, query: string, variables: Record<string, unknown>): Promise<{ data: T } | { error: string }> {
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

export async function gatewayAnswers(ctx: SubscriptionBenchContext): Promise<boolean> {
  const r = await gql<{ __typename: string }>(ctx, '{ __typename }', {});
  return 'data' in r && r.data.__typename === 'Query';
}

/** POSTs a sandbox action; null when it was applied, else what went wrong. */
export async function sandboxAction(base: string, name: string, body: Record<string, unknown>): Promise<string | null> {
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

/** The faults a sandbox has now (`{}` is none); null where they could not be read. */
export async function faultsOf(base: string): Promise<Record<string, unknown> | null> {
  try {
    const res = await fetch(`${base}/__sandbox/faults`, { signal: AbortSignal.timeout(5000) });
    return res.ok ? ((await res.json()) as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

export interface Targets {
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
export async function findTargets(ctx: SubscriptionBenchContext, need: { orders: number; invoices: number; cases: number }): Promise<Targets> {
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
