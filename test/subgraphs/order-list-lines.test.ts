/**
 * A customer's page of orders with their lines, through the entity cache: a cold
 * view reads the list and the page's lines in one SuiteQL query, and stores the
 * lines where the lines read finds them. Answers are compared with the order
 * subgraph without a cache, which reads list and lines apart.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { randomUUID } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateDataset } from '../../sandbox/dataset/generate.js';
import type { NsTransaction, RetailDataset } from '../../sandbox/dataset/model.js';
import { createNetSuiteSandbox, type NetSuiteSandbox } from '../../sandbox/netsuite/index.js';
import { createNetSuiteClient } from '../../lib/clients/netsuite.js';
import { loadNetSuiteConfig } from '../../lib/config.js';
import { loadOrgMapping } from '../../lib/mapping.js';
import { serveSubgraph, type RunningService } from '../../lib/subgraph.js';
import { createEntityCache, loadCacheConfig, type CacheHandle } from '../../lib/cache/index.js';
import { JournalStore } from '../../lib/writes/index.js';
import { fileStateStore } from '../../lib/feeds/state.js';
import { createOrderSubgraph } from '../../subgraphs/order/src/index.js';
import { ORDER_CACHE_KINDS } from '../../subgraphs/order/src/cached.js';
import { TEST_TRUST, signedHeaders } from '../support/auth.js';

const SUITEQL = 'POST /services/rest/query/v1/suiteql';

let dataset: RetailDataset;
let sandbox: NetSuiteSandbox;
let erpUrl: string;
/** Each service with the cache it reads through (none for the uncached one). */
const services: Array<{ svc: RunningService; cache?: CacheHandle }> = [];

interface Answer<T> {
  data?: T | null;
  errors?: Array<{ message: string }>;
  calls: Record<string, number>;
  total: number;
}

async function query<T>(svc: RunningService, q: string, variables: Record<string, unknown> = {}): Promise<Answer<T>> {
  const correlationId = randomUUID();
  const res = await fetch(svc.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...signedHeaders(correlationId, 'order', { query: q, variables }) },
    body: JSON.stringify({ query: q, variables }),
  });
  const body = (await res.json()) as { data?: T | null; errors?: Array<{ message: string }> };
  const stats = (await (await fetch(`${erpUrl}/__sandbox/stats?correlationId=${correlationId}`)).json()) as { total: number; calls: Record<string, number> };
  return { ...body, calls: stats.calls, total: stats.total };
}

/** The order subgraph over the sandbox; with a fresh in-memory entity cache unless `cached` is false. */
async function start(opts: { cached: boolean; pageSize?: number }): Promise<{ svc: RunningService; cache?: CacheHandle }> {
  const dir = await mkdtemp(join(tmpdir(), 'order-lines-test-'));
  const env: Record<string, string> = { NETSUITE_BASE_URL: `${erpUrl}/services/rest` };
  if (opts.pageSize) env.NETSUITE_PAGE_SIZE = String(opts.pageSize);
  const netsuite = createNetSuiteClient(loadNetSuiteConfig(env), { policy: { backoffMs: 1 } });
  const cache = opts.cached ? await createEntityCache({ namespace: `order-lines-${randomUUID()}`, config: loadCacheConfig({}) }) : undefined;
  const module = createOrderSubgraph({
    netsuite,
    mapping: loadOrgMapping('config/org-mapping.json'),
    ...(cache ? { cache: cache.cache } : {}),
    writes: { store: await JournalStore.open({ dir: join(dir, 'writes') }) },
    feed: { state: fileStateStore(dir, 'order-status'), enabled: false },
  });
  const svc = await serveSubgraph(module, { port: 0, host: '127.0.0.1' }, { trust: TEST_TRUST });
  const s = cache ? { svc, cache } : { svc };
  services.push(s);
  return s;
}

const ns = () => dataset.netsuite;
const ordersOf = (cn: string): NsTransaction[] => {
  const c = ns().customers.find((x) => x.externalid === cn);
  if (!c) throw new Error(`fixture ${cn} missing`);
  return ns()
    .transactions.filter((t) => t.type === 'SalesOrd' && t.entity === c.id)
    .sort((a, b) => (a.createddate === b.createddate ? b.id - a.id : a.createddate < b.createddate ? 1 : -1));
};
/** The dataset's lines of an order, as Order.lines shows them. */
const linesOf = (so: NsTransaction) =>
  ns()
    .lines.filter((l) => l.transaction === so.id)
    .sort((a, b) => a.linesequencenumber - b.linesequencenumber || a.id - b.id)
    .map((l) => ({ lineNumber: l.linesequencenumber, quantity: Math.abs(l.quantity), quantityShipped: l.quantityshiprecv }));

const reps = (...ids: string[]) => ids.map((id) => ({ __typename: 'Customer', id }));

const LINES = 'lines { lineNumber sku description quantity quantityShipped unitPrice { amount currency } }';
const WITH_LINES = `query($reps: [_Any!]!, $first: Int, $after: String, $status: [OrderStatus!]) {
  _entities(representations: $reps) { ... on Customer { id orders(first: $first, after: $after, status: $status) {
    totalCount pageInfo { hasNextPage endCursor } nodes { id status placedAt ${LINES} } freshness { source stale } } } } }`;
const WITHOUT_LINES = `query($reps: [_Any!]!, $first: Int) {
  _entities(representations: $reps) { ... on Customer { id orders(first: $first) { totalCount nodes { id status } } } } }`;

interface Line {
  lineNumber: number;
  sku: string;
  quantity: number;
  quantityShipped: number;
}
interface Conn {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  nodes: Array<{ id: string; status: string; lines: Line[] }>;
  freshness: { source: string; stale: boolean };
}
type Out = { _entities: Array<{ id: string; orders: Conn }> };

const shown = (lines: Line[]) => lines.map((l) => ({ lineNumber: l.lineNumber, quantity: l.quantity, quantityShipped: l.quantityShipped }));

beforeAll(async () => {
  dataset = generateDataset({ seed: 11, customers: 200, asOf: new Date('2026-11-20T12:00:00Z') });
  sandbox = await createNetSuiteSandbox({ dataset });
  erpUrl = await sandbox.listen(0, '127.0.0.1');
});

afterAll(async () => {
  for (const s of services) {
    await s.svc.close();
    await s.cache?.close();
  }
  await sandbox?.close();
});

describe('Customer.orders with lines, through the entity cache', () => {
  it('costs one SuiteQL call for a cold page of orders and their lines, and none for the same view again', async () => {
    const { svc } = await start({ cached: true });
    const plain = await start({ cached: false });
    const expected = ordersOf('C-000003');
    expect(expected.length).toBeGreaterThan(100);

    const cold = await query<Out>(svc, WITH_LINES, { reps: reps('C-000003'), first: 10 });
    expect(cold.errors).toBeUndefined();
    expect(cold.calls).toEqual({ [SUITEQL]: 1 });
    const conn = cold.data?._entities[0]?.orders as Conn;
    expect(conn.totalCount).toBe(expected.length);
    expect(conn.nodes.map((n) => n.id)).toEqual(expected.slice(0, 10).map((t) => t.tranid));
    for (const [i, n] of conn.nodes.entries()) expect(shown(n.lines)).toEqual(linesOf(expected[i] as NsTransaction));
    expect(conn.nodes.some((n) => n.lines.length > 0)).toBe(true);

    // The same answer as list and lines read apart, without a cache.
    const apart = await query<Out>(plain.svc, WITH_LINES, { reps: reps('C-000003'), first: 10 });
    expect(apart.calls).toEqual({ [SUITEQL]: 2 });
    expect(cold.data).toEqual(apart.data);

    const again = await query<Out>(svc, WITH_LINES, { reps: reps('C-000003'), first: 10 });
    expect(again.total).toBe(0);
    expect(again.data).toEqual(cold.data);
  });

  it('brings the lines of the page after a cursor, under a status filter, through edges and fragments', async () => {
    const { svc } = await start({ cached: true });
    const plain = await start({ cached: false });
    const q = `query($reps: [_Any!]!, $first: Int, $after: String, $status: [OrderStatus!]) {
      _entities(representations: $reps) { ... on Customer { orders(first: $first, after: $after, status: $status) {
        totalCount pageInfo { hasNextPage endCursor } edges { cursor node { ...O } } } } } }
      fragment O on Order { id status ... on Order { ${LINES} } }`;
    type EdgeOut = { _entities: Array<{ orders: { totalCount: number; pageInfo: { endCursor: string }; edges: Array<{ node: { id: string; lines: Line[] } }> } }> };
    const status = ['INVOICED', 'SHIPPED'];
    const expected = ordersOf('C-000003').filter((t) => t.status === 'G' || t.status === 'F');
    expect(expected.length).toBeGreaterThan(8);

    const first = await query<EdgeOut>(plain.svc, q, { reps: reps('C-000003'), first: 4, status });
    const after = first.data?._entities[0]?.orders.pageInfo.endCursor;
    const cold = await query<EdgeOut>(svc, q, { reps: reps('C-000003'), first: 4, after, status });
    expect(cold.errors).toBeUndefined();
    expect(cold.calls).toEqual({ [SUITEQL]: 1 });
    const page = cold.data?._entities[0]?.orders;
    expect(page?.edges.map((e) => e.node.id)).toEqual(expected.slice(4, 8).map((t) => t.tranid));
    for (const [i, e] of (page?.edges ?? []).entries()) expect(shown(e.node.lines)).toEqual(linesOf(expected[4 + i] as NsTransaction));
    expect((await query<EdgeOut>(plain.svc, q, { reps: reps('C-000003'), first: 4, after, status })).data).toEqual(cold.data);
  });

  it('reads no lines for a view that does not select them', async () => {
    const { svc, cache } = await start({ cached: true });
    const expected = ordersOf('C-000004').slice(0, 10);

    const view = await query<Out>(svc, WITHOUT_LINES, { reps: reps('C-000004'), first: 10 });
    expect(view.errors).toBeUndefined();
    expect(view.calls).toEqual({ [SUITEQL]: 1 });
    const peeked = await cache?.cache.peek(ORDER_CACHE_KINDS.lines, expected.map((t) => t.tranid));
    expect(peeked?.size).toBe(0);

    // With the list cached, the lines are the one read left.
    const lines = await query<Out>(svc, WITH_LINES, { reps: reps('C-000004'), first: 10 });
    expect(lines.calls).toEqual({ [SUITEQL]: 1 });
    for (const [i, n] of (lines.data?._entities[0]?.orders.nodes ?? []).entries()) expect(shown(n.lines)).toEqual(linesOf(expected[i] as NsTransaction));
  });

  it('answers several customers, skipped lines and a bad cursor as before', async () => {
    const { svc } = await start({ cached: true });
    const plain = await start({ cached: false });
    const ids = ['C-000001', 'C-000002', 'C-000005', 'C-000006'];
    const cold = await query<Out>(svc, WITH_LINES, { reps: reps(...ids), first: 3 });
    expect(cold.calls).toEqual({ [SUITEQL]: 1 });
    expect(cold.data).toEqual((await query<Out>(plain.svc, WITH_LINES, { reps: reps(...ids), first: 3 })).data);

    // Past ten customers with lines, the others' lines are read apart: never more calls than list and lines apart.
    const many = Array.from({ length: 14 }, (_, i) => `C-${String(i + 20).padStart(6, '0')}`);
    const big = await query<Out>(svc, WITH_LINES, { reps: reps(...many), first: 2 });
    expect(big.calls).toEqual({ [SUITEQL]: 2 });
    expect(big.data).toEqual((await query<Out>(plain.svc, WITH_LINES, { reps: reps(...many), first: 2 })).data);
    expect((await query<Out>(svc, WITH_LINES, { reps: reps(...many), first: 2 })).total).toBe(0);

    const skipped = `query($reps: [_Any!]!, $no: Boolean!) { _entities(representations: $reps) { ... on Customer { orders(first: 5) { nodes { id lines @skip(if: $no) { sku } } } } } }`;
    const { cache } = await start({ cached: true }).then(async (s) => {
      const r = await query<Out>(s.svc, skipped, { reps: reps('C-000007'), no: true });
      expect(r.errors).toBeUndefined();
      expect(r.calls).toEqual({ [SUITEQL]: 1 });
      return s;
    });
    expect((await cache?.cache.peek(ORDER_CACHE_KINDS.lines, ordersOf('C-000007').map((t) => t.tranid)))?.size).toBe(0);

    // A cursor whose instant is no date reads the list without lines, and pages as before.
    const bogus = Buffer.from(JSON.stringify({ k: 'order', t: 'not a date', i: 5 })).toString('base64url');
    const a = await query<Out>(svc, WITH_LINES, { reps: reps('C-000008'), first: 3, after: bogus });
    const b = await query<Out>(plain.svc, WITH_LINES, { reps: reps('C-000008'), first: 3, after: bogus });
    expect(a.errors).toEqual(b.errors);
    expect(a.data).toEqual(b.data);
  });

  it('follows SuiteQL pages when orders and lines fill more than one, with the same answer', async () => {
    const { svc } = await start({ cached: true, pageSize: 40 });
    const plain = await start({ cached: false });
    const expected = ordersOf('C-000003');
    const lines = expected.slice(0, 20).reduce((n, t) => n + linesOf(t).length, 0);
    // Each order is a row; an order of the page has a row per line instead (one at least).
    const rows = expected.length + expected.slice(0, 20).reduce((n, t) => n + Math.max(0, linesOf(t).length - 1), 0);
    // The page size is chosen so that the combined read is a call cheaper than list and lines apart.
    expect(Math.ceil(rows / 40)).toBeLessThan(Math.ceil(expected.length / 40) + Math.ceil(lines / 40));
    const cold = await query<Out>(svc, WITH_LINES, { reps: reps('C-000003'), first: 20 });
    expect(cold.errors).toBeUndefined();
    expect(cold.calls).toEqual({ [SUITEQL]: Math.ceil(rows / 40) });
    expect(cold.data).toEqual((await query<Out>(plain.svc, WITH_LINES, { reps: reps('C-000003'), first: 20 })).data);
    expect((await query<Out>(svc, WITH_LINES, { reps: reps('C-000003'), first: 20 })).total).toBe(0);
  });
});
