import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { randomUUID } from 'node:crypto';
import { generateDataset } from '../../sandbox/dataset/generate.js';
import type { NsTransaction, RetailDataset } from '../../sandbox/dataset/model.js';
import { createNetSuiteSandbox, type NetSuiteSandbox } from '../../sandbox/netsuite/index.js';
import { createNetSuiteClient } from '../../lib/clients/netsuite.js';
import { loadNetSuiteConfig } from '../../lib/config.js';
import { loadOrgMapping } from '../../lib/mapping.js';
import { serveSubgraph, type RunningService } from '../../lib/subgraph.js';
import { TEST_TRUST, signedHeaders } from '../support/auth.js';
import { createOrderSubgraph } from '../../subgraphs/order/src/index.js';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JournalStore } from '../../lib/writes/index.js';
import { fileStateStore } from '../../lib/feeds/state.js';

const SUITEQL = 'POST /services/rest/query/v1/suiteql';

let dataset: RetailDataset;
let sandbox: NetSuiteSandbox;
let erpUrl: string;
let subgraph: RunningService;

interface GqlError {
  message: string;
  path?: (string | number)[];
  extensions?: Record<string, unknown>;
}
interface Answer<T = Record<string, unknown>> {
  data?: T | null;
  errors?: GqlError[];
  /** Calls that reached the ERP for this request, per route template. */
  calls: Record<string, number>;
  total: number;
}

async function query<T = Record<string, unknown>>(q: string, variables: Record<string, unknown> = {}): Promise<Answer<T>> {
  const correlationId = randomUUID();
  const res = await fetch(subgraph.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...signedHeaders(correlationId, 'order', { query: q, variables }) },
    body: JSON.stringify({ query: q, variables }),
  });
  const body = (await res.json()) as { data?: T | null; errors?: GqlError[] };
  const stats = (await (await fetch(`${erpUrl}/__sandbox/stats?correlationId=${correlationId}`)).json()) as { total: number; calls: Record<string, number> };
  return { ...body, calls: stats.calls, total: stats.total };
}

async function setFaults(faults: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${erpUrl}/__sandbox/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(faults) });
  expect(res.status).toBeLessThan(300);
}

const ns = () => dataset.netsuite;
const customerOf = (cn: string) => {
  const c = ns().customers.find((x) => x.externalid === cn);
  if (!c) throw new Error(`fixture ${cn} missing`);
  return c;
};
const ordersOf = (cn: string): NsTransaction[] => {
  const id = customerOf(cn).id;
  return ns()
    .transactions.filter((t) => t.type === 'SalesOrd' && t.entity === id)
    .sort((a, b) => (a.createddate === b.createddate ? b.id - a.id : a.createddate < b.createddate ? 1 : -1));
};
const isoSeconds = (iso: string) => new Date(Math.floor(Date.parse(iso) / 1000) * 1000).toISOString();

const ORDER_FIELDS = `id status channel placedAt total { amount currency } customer { id }
  lines { lineNumber sku description quantity quantityShipped unitPrice { amount currency } }
  shipments { id carrier trackingNumber shippedAt status }
  returns { id status refundStatus reason refundAmount { amount currency } createdAt lines { sku quantity quantityReceived unitPrice { amount } } }
  freshness { source fetchedAt stale }`;

interface OrderOut {
  id: string;
  status: string;
  channel: string;
  placedAt: string;
  total: { amount: string; currency: string };
  customer: { id: string };
  lines: Array<{ lineNumber: number; sku: string; quantity: number; quantityShipped: number; unitPrice: { amount: string } }>;
  shipments: Array<{ id: string; status: string; carrier: string | null; trackingNumber: string | null; shippedAt: string | null }>;
  returns: Array<{ id: string; status: string; refundStatus: string; refundAmount: { amount: string }; lines: Array<{ sku: string; quantity: number }> }>;
  freshness: { source: string; stale: boolean };
}

/** These tests read only: a write journal in a temporary directory, and no change feed. */
async function readOnlyWrites() {
  const dir = await mkdtemp(join(tmpdir(), 'order-test-'));
  return { writes: { store: await JournalStore.open({ dir: join(dir, 'writes') }) }, feed: { state: fileStateStore(dir, 'order-status'), enabled: false } };
}

beforeAll(async () => {
  dataset = generateDataset({ seed: 11, customers: 200, asOf: new Date('2026-11-20T12:00:00Z') });
  sandbox = await createNetSuiteSandbox({ dataset });
  erpUrl = await sandbox.listen(0, '127.0.0.1');
  const netsuite = createNetSuiteClient(loadNetSuiteConfig({ NETSUITE_BASE_URL: `${erpUrl}/services/rest` }), { policy: { backoffMs: 1 } });
  subgraph = await serveSubgraph(createOrderSubgraph({ netsuite, mapping: loadOrgMapping('config/org-mapping.json'), ...(await readOnlyWrites()) }), { port: 0, host: '127.0.0.1' }, { trust: TEST_TRUST });
});

afterAll(async () => {
  await subgraph?.close();
  await sandbox?.close();
});

describe('Query.order', () => {
  it('answers an order as the ERP holds it, for one ERP call', async () => {
    const so = ordersOf('C-000001')[0] as NsTransaction;
    const r = await query<{ order: OrderOut }>(`query($id: ID!) { order(id: $id) { id status channel placedAt total { amount currency } customer { id } freshness { source stale } } }`, { id: so.tranid });
    expect(r.errors).toBeUndefined();
    expect(r.data?.order).toMatchObject({
      id: so.tranid,
      status: 'BOOKED',
      channel: so.custbody_sales_channel,
      placedAt: isoSeconds(so.createddate),
      total: { amount: so.foreigntotal, currency: 'USD' },
      customer: { id: 'C-000001' },
      freshness: { source: 'ERP', stale: false },
    });
    expect(r.calls).toEqual({ [SUITEQL]: 1 });
  });

  it('answers lines, shipments and returns matching the ERP', async () => {
    // C-000003 has an order with a refunded return.
    const rma = ns().transactions.find((t) => t.type === 'RtnAuth' && t.status === 'G' && t.entity === customerOf('C-000003').id) as NsTransaction;
    const so = ns().transactions.find((t) => t.id === rma.createdfrom) as NsTransaction;
    const r = await query<{ order: OrderOut }>(`query($id: ID!) { order(id: $id) { ${ORDER_FIELDS} } }`, { id: so.tranid });
    expect(r.errors).toBeUndefined();
    const o = r.data?.order as OrderOut;
    const lines = ns().lines.filter((l) => l.transaction === so.id).sort((a, b) => a.linesequencenumber - b.linesequencenumber);
    expect(o.lines.map((l) => [l.quantity, l.quantityShipped, l.unitPrice.amount])).toEqual(lines.map((l) => [l.quantity, l.quantityshiprecv, l.rate]));
    const ships = ns().transactions.filter((t) => t.type === 'ItemShip' && t.createdfrom === so.id);
    expect(o.shipments.map((s) => s.id).sort()).toEqual(ships.map((s) => s.tranid).sort());
    expect(o.shipments.every((s) => s.status === 'SHIPPED' && s.shippedAt && s.carrier)).toBe(true);
    const ret = o.returns.find((x) => x.id === rma.tranid);
    expect(ret).toMatchObject({ status: 'REFUNDED', refundStatus: 'REFUNDED', refundAmount: { amount: rma.foreigntotal } });
    expect(ret?.lines.length).toBe(ns().lines.filter((l) => l.transaction === rma.id).length);
    expect(o.status).toBe('INVOICED');
    // One query for the order, then one for each list field.
    expect(r.calls).toEqual({ [SUITEQL]: 4 });
  });

  it('is null for a well-formed number the ERP does not know', async () => {
    const r = await query(`{ order(id: "SO-9999999") { id } }`);
    expect(r.errors).toBeUndefined();
    expect(r.data).toEqual({ order: null });
    expect(r.calls).toEqual({ [SUITEQL]: 1 });
  });

  it('refuses a malformed number with BAD_USER_INPUT and no ERP call', async () => {
    for (const id of ['abc', "SO-1' OR '1'='1", 'so-100001', '']) {
      const r = await query(`query($id: ID!) { order(id: $id) { id } }`, { id });
      expect(r.data).toEqual({ order: null });
      expect(r.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(r.errors?.[0]?.message).toContain('expected an order number like SO-100234');
      expect(r.total).toBe(0);
    }
  });
});

describe('Customer.orders', () => {
  const Q = `query($reps: [_Any!]!, $first: Int, $after: String, $status: [OrderStatus!]) {
    _entities(representations: $reps) { ... on Customer { id orders(first: $first, after: $after, status: $status) {
      totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id } } nodes { id placedAt status }
      freshness { source stale } } } } }`;
  interface Conn {
    totalCount: number;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    edges: Array<{ cursor: string; node: { id: string } }>;
    nodes: Array<{ id: string; placedAt: string; status: string }>;
  }
  type Out = { _entities: Array<{ id: string; orders: Conn | null }> };
  const reps = (...ids: string[]) => ids.map((id) => ({ __typename: 'Customer', id }));

  it('lists a customer\'s orders newest first, and pages with the cursor', async () => {
    const expected = ordersOf('C-000003').map((t) => t.tranid);
    expect(expected.length).toBeGreaterThanOrEqual(150);
    const p1 = await query<Out>(Q, { reps: reps('C-000003'), first: 100 });
    expect(p1.errors).toBeUndefined();
    const c1 = p1.data?._entities[0]?.orders as Conn;
    expect(c1.totalCount).toBe(expected.length);
    expect(c1.nodes.map((n) => n.id)).toEqual(expected.slice(0, 100));
    expect(c1.edges.map((e) => e.node.id)).toEqual(expected.slice(0, 100));
    expect(c1.pageInfo).toEqual({ hasNextPage: true, endCursor: c1.edges[99]?.cursor });
    expect(p1.calls).toEqual({ [SUITEQL]: 1 });

    const p2 = await query<Out>(Q, { reps: reps('C-000003'), first: 100, after: c1.pageInfo.endCursor });
    const c2 = p2.data?._entities[0]?.orders as Conn;
    expect(c2.nodes.map((n) => n.id)).toEqual(expected.slice(100, 200));
    expect(c2.pageInfo.hasNextPage).toBe(expected.length > 200);
  });

  it('answers 20 customers with one ERP call', async () => {
    const ids = Array.from({ length: 20 }, (_, i) => `C-${String(i + 1).padStart(6, '0')}`);
    const r = await query<Out>(Q, { reps: reps(...ids), first: 5 });
    expect(r.errors).toBeUndefined();
    for (const [i, id] of ids.entries()) {
      const conn = r.data?._entities[i]?.orders as Conn;
      expect(conn.totalCount).toBe(ordersOf(id).length);
      expect(conn.nodes.map((n) => n.id)).toEqual(ordersOf(id).slice(0, 5).map((t) => t.tranid));
    }
    expect(r.calls).toEqual({ [SUITEQL]: 1 });
  });

  it('gives a customer without orders, and an unknown one, an empty list', async () => {
    const r = await query<Out>(Q, { reps: reps('C-000002', 'C-999999') });
    expect(r.errors).toBeUndefined();
    for (const e of r.data?._entities ?? []) expect(e.orders).toMatchObject({ totalCount: 0, nodes: [], pageInfo: { hasNextPage: false, endCursor: null } });
  });

  it('filters by status, telling BOOKED from RELEASED', async () => {
    const all = ordersOf('C-000004');
    const r = await query<Out>(Q, { reps: reps('C-000004'), first: 100, status: ['INVOICED', 'CANCELLED'] });
    const conn = r.data?._entities[0]?.orders as Conn;
    const want = all.filter((t) => t.status === 'G' || t.status === 'C');
    expect(conn.totalCount).toBe(want.length);
    expect(conn.nodes.every((n) => n.status === 'INVOICED' || n.status === 'CANCELLED')).toBe(true);
    const booked = await query<Out>(Q, { reps: reps('C-000001'), status: ['BOOKED'] });
    expect(booked.data?._entities[0]?.orders?.totalCount).toBe(1);
    const released = await query<Out>(Q, { reps: reps('C-000001'), status: ['RELEASED'] });
    expect(released.data?._entities[0]?.orders?.totalCount).toBe(0);
  });

  it('refuses first outside 1..100 and a foreign cursor with BAD_USER_INPUT, costing nothing', async () => {
    for (const vars of [{ first: 0 }, { first: 101 }, { first: 10, after: 'not-a-cursor!' }]) {
      const r = await query<Out>(Q, { reps: reps('C-000003'), ...vars });
      expect(r.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(r.total).toBe(0);
    }
  });

  it('refuses a malformed or hostile customer number with BAD_USER_INPUT and no ERP call', async () => {
    for (const id of ["C-000001' OR '1'='1", 'nobody']) {
      const r = await query<Out>(Q, { reps: reps(id) });
      expect(r.data?._entities[0]?.orders).toBeNull();
      expect(r.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(r.errors?.[0]?.message).toContain('expected a customer number like C-000042');
      expect(r.total).toBe(0);
    }
  });

  it('costs the same for 150+ orders with every nested list as for one order', async () => {
    const sel = `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Customer { orders(first: 100) { nodes { ${ORDER_FIELDS} } } } } }`;
    const big = await query(sel, { reps: reps('C-000003') });
    const one = await query(sel, { reps: reps('C-000001') });
    expect(big.errors).toBeUndefined();
    expect(one.errors).toBeUndefined();
    // orders, lines, shipments, returns: one query each.
    expect(big.calls).toEqual({ [SUITEQL]: 4 });
    expect(one.calls).toEqual(big.calls);
  });
});

describe('Customer.orders past one SuiteQL page', () => {
  let small: RunningService;
  beforeAll(async () => {
    const netsuite = createNetSuiteClient(loadNetSuiteConfig({ NETSUITE_BASE_URL: `${erpUrl}/services/rest`, NETSUITE_PAGE_SIZE: '50' }));
    small = await serveSubgraph(createOrderSubgraph({ netsuite, mapping: loadOrgMapping('config/org-mapping.json'), ...(await readOnlyWrites()) }), { port: 0, host: '127.0.0.1' }, { trust: TEST_TRUST });
  });
  afterAll(async () => {
    await small?.close();
  });

  it('follows the pages: ceil(rows / page size) calls, whatever first is', async () => {
    const rows = ordersOf('C-000003').length + ordersOf('C-000004').length;
    const correlationId = randomUUID();
    const request = {
      query: `{ _entities(representations: [{__typename: "Customer", id: "C-000003"}, {__typename: "Customer", id: "C-000004"}]) { ... on Customer { orders(first: 3) { totalCount nodes { id } } } } }`,
    };
    const res = await fetch(small.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...signedHeaders(correlationId, 'order', request) },
      body: JSON.stringify(request),
    });
    const body = (await res.json()) as { data: { _entities: Array<{ orders: { totalCount: number; nodes: Array<{ id: string }> } }> } };
    expect(body.data._entities.map((e) => e.orders.totalCount)).toEqual([ordersOf('C-000003').length, ordersOf('C-000004').length]);
    expect(body.data._entities[1]?.orders.nodes.map((n) => n.id)).toEqual(ordersOf('C-000004').slice(0, 3).map((t) => t.tranid));
    const stats = (await (await fetch(`${erpUrl}/__sandbox/stats?correlationId=${correlationId}`)).json()) as { calls: Record<string, number> };
    expect(stats.calls).toEqual({ [SUITEQL]: Math.ceil(rows / 50) });
  });
});

describe('Order entities', () => {
  it('resolves 50 order references with one ERP call, in order, null for unknown and malformed', async () => {
    const some = ns()
      .transactions.filter((t) => t.type === 'SalesOrd')
      .slice(0, 50);
    const ids = [...some.map((t) => t.tranid), 'SO-9999999', 'nonsense'];
    const r = await query<{ _entities: Array<{ id: string; status: string; customer: { id: string } } | null> }>(
      `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Order { id status customer { id } } } }`,
      { reps: ids.map((id) => ({ __typename: 'Order', id })) },
    );
    expect(r.errors).toBeUndefined();
    expect(r.data?._entities.slice(0, 50).map((e) => e?.id)).toEqual(some.map((t) => t.tranid));
    const byId = new Map(ns().customers.map((c) => [c.id, c.externalid]));
    expect(r.data?._entities.slice(0, 50).map((e) => e?.customer.id)).toEqual(some.map((t) => byId.get(t.entity)));
    expect(r.data?._entities.slice(50)).toEqual([null, null]);
    expect(r.calls).toEqual({ [SUITEQL]: 1 });
  });

  it('answers the lines of 50 referenced orders with one more call', async () => {
    const some = ns()
      .transactions.filter((t) => t.type === 'SalesOrd')
      .slice(50, 100);
    const r = await query<{ _entities: Array<{ lines: unknown[] }> }>(
      `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Order { lines { sku quantity } shipments { id } } } }`,
      { reps: some.map((t) => ({ __typename: 'Order', id: t.tranid })) },
    );
    expect(r.errors).toBeUndefined();
    expect(r.data?._entities.map((e) => e.lines.length)).toEqual(some.map((t) => ns().lines.filter((l) => l.transaction === t.id).length));
    expect(r.calls).toEqual({ [SUITEQL]: 3 });
  });
});

describe('ERP failures', () => {
  it('nulls the order fields with UPSTREAM_UNAVAILABLE naming the ERP when it is down', async () => {
    await setFaults({ down: true });
    try {
      const so = ordersOf('C-000003')[0] as NsTransaction;
      const r = await query(`query($id: ID!, $reps: [_Any!]!) {
        order(id: $id) { id }
        _entities(representations: $reps) { ... on Customer { id orders { totalCount } } } }`, {
        id: so.tranid,
        reps: [{ __typename: 'Customer', id: 'C-000003' }],
      });
      expect(r.data).toEqual({ order: null, _entities: [{ id: 'C-000003', orders: null }] });
      expect(r.errors).toHaveLength(2);
      for (const e of r.errors ?? []) expect(e.extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', system: 'ERP' });
    } finally {
      await setFaults({});
    }
  });

  it('reports the ERP rate limiting as UPSTREAM_RATE_LIMITED once retries are spent', async () => {
    await setFaults({ rateLimitPerMinute: 1 });
    try {
      const q = `{ order(id: "SO-100001") { id } }`;
      await query(q);
      const r = await query(q);
      expect(r.data).toEqual({ order: null });
      expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'UPSTREAM_RATE_LIMITED', system: 'ERP' });
    } finally {
      await setFaults({});
    }
  });
});
