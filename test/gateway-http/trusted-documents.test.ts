/**
 * Trusted documents at the gateway (docs/security.md, "Trusted documents"): a
 * storefront caller runs only documents from a manifest, named by `documentId`
 * or by Apollo's APQ hash, over POST, GET and graphql-ws; anything else is
 * refused before a subgraph is called. Staff keep ad-hoc documents and Apollo's
 * APQ. Every manifest in the folder counts, one added while the gateway runs too.
 */
import { createHash, randomUUID } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { register } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type CallStats, type GraphQLResponse, type Stack, type StackCache, type SystemName } from '../support/stack.js';
import { StorefrontMyOrdersDocument } from '../../trusted-documents/retail-supergraph/graphql.js';
import { PLACE_ORDER, action, activeItems, eventually, orderableCustomers, type PlaceOrderResult } from '../e2e/order-helpers.js';

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

const MANIFEST = 'trusted-documents/retail-supergraph/persisted-documents.json';
/** The storefront's "my orders": its id, as the typed document a client imports carries it, and its text in the committed manifest. */
const MY_ORDERS_ID = (StorefrontMyOrdersDocument as unknown as { __meta__: { hash: string } }).__meta__.hash;
const MY_ORDERS = (JSON.parse(readFileSync(MANIFEST, 'utf8')) as Record<string, string>)[MY_ORDERS_ID] as string;

/** Another team's documents, in a manifest of their own. */
const TEAM_ORDER_STATUS = 'query TeamOrderStatus($id: ID!) { order(id: $id) { id status } }';
const TEAM_WATCH = 'subscription TeamWatchOrders($c: ID) { orderStatusChanged(customerId: $c) { status order { id status } } }';
/** A document added as a third manifest while the gateway runs. */
const LATE_CUSTOMER_NAME = 'query LateCustomerName($id: ID!) { customer(id: $id) { id name } }';

let stack: Stack & StackCache;
let dir: string;
const clients: Client[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rsg-trusted-'));
  copyFileSync(MANIFEST, join(dir, 'retail-supergraph.json'));
  writeFileSync(join(dir, 'storefront-web.json'), JSON.stringify({ [`sha256:${sha256(TEAM_ORDER_STATUS)}`]: TEAM_ORDER_STATUS, [`sha256:${sha256(TEAM_WATCH)}`]: TEAM_WATCH }));
  stack = await startStack({ trustedDocuments: { dir, requiredRoles: ['storefront'] } });
});

afterAll(async () => {
  await Promise.allSettled(clients.map((c) => c.dispose()));
  await stack?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Operations the subgraphs executed so far (rsg_subgraph_requests_total: the stack's subgraphs run in this process). */
async function subgraphOperations(): Promise<number> {
  const metric = register.getSingleMetric('rsg_subgraph_requests_total');
  const values = (await metric?.get())?.values ?? [];
  return values.reduce((sum, v) => sum + v.value, 0);
}

/** How many operations the gateway timed under this operation label (rsg_gateway_operation_duration_seconds). */
async function timedAs(operation: string): Promise<number> {
  const metric = register.getSingleMetric('rsg_gateway_operation_duration_seconds');
  const values = (await metric?.get())?.values ?? [];
  return values.filter((v) => (v as { metricName?: string }).metricName === 'rsg_gateway_operation_duration_seconds_count' && v.labels.operation === operation).reduce((sum, v) => sum + v.value, 0);
}

async function totalCalls(correlationId: string): Promise<number> {
  const stats: Record<SystemName, CallStats> = await stack.allStats(correlationId);
  return Object.values(stats).reduce((sum, s) => sum + s.total, 0);
}

interface Sent {
  status: number;
  body: GraphQLResponse['body'];
  correlationId: string;
}

/** A POST of exactly this body (documentId, extensions, query as given). */
async function post(body: Record<string, unknown>, token: string): Promise<Sent> {
  const correlationId = `trusted-${randomUUID()}`;
  const res = await fetch(stack.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-correlation-id': correlationId },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Sent['body'], correlationId };
}

async function get(params: Record<string, string>, token: string): Promise<Sent> {
  const correlationId = `trusted-${randomUUID()}`;
  const res = await fetch(`${stack.gatewayUrl}?${new URLSearchParams(params)}`, {
    headers: { authorization: `Bearer ${token}`, 'x-correlation-id': correlationId, 'apollo-require-preflight': 'true' },
  });
  return { status: res.status, body: (await res.json()) as Sent['body'], correlationId };
}

const storefront = (): string => stack.tokens.storefront.token;
const own = (): { customerId: string } => ({ customerId: stack.tokens.storefront.customerId });
const codeOf = (sent: Sent): unknown => sent.body.errors?.[0]?.extensions?.code;

/** Sends a request that must be refused, and proves nothing behind the gateway ran for it. */
async function refusedBeforePlanning(send: () => Promise<Sent>): Promise<Sent> {
  const before = await subgraphOperations();
  const sent = await send();
  expect(sent.body.data).toBeUndefined();
  expect(await totalCalls(sent.correlationId)).toBe(0);
  expect(await subgraphOperations()).toBe(before);
  return sent;
}

describe('a storefront caller', () => {
  it('is refused an ad-hoc document, the text of a manifest document included, with no subgraph called', async () => {
    for (const query of [MY_ORDERS, '{ customer(id: "C-000001") { id name } }']) {
      const sent = await refusedBeforePlanning(() => post({ query, variables: own() }, storefront()));
      expect(sent.status).toBe(403);
      expect(codeOf(sent)).toBe('TRUSTED_DOCUMENT_REQUIRED');
      expect(sent.body.errors?.[0]?.message).toContain('documentId');
    }
  });

  it('is served a manifest document named by documentId, over POST and GET', async () => {
    expect(MY_ORDERS_ID).toMatch(/^sha256:[0-9a-f]{64}$/);
    const before = await subgraphOperations();
    const sent = await post({ documentId: MY_ORDERS_ID, variables: own() }, storefront());
    expect(sent.status).toBe(200);
    expect(sent.body.errors).toBeUndefined();
    expect(sent.body.data).toMatchObject({ customer: { id: own().customerId, orders: { totalCount: expect.any(Number), edges: expect.any(Array) } } });
    expect(await totalCalls(sent.correlationId)).toBeGreaterThan(0);
    expect(await subgraphOperations()).toBeGreaterThan(before);

    const viaGet = await get({ documentId: MY_ORDERS_ID, variables: JSON.stringify(own()) }, storefront());
    expect(viaGet.status).toBe(200);
    expect(viaGet.body.data).toEqual(sent.body.data);
    const adHocGet = await refusedBeforePlanning(() => get({ query: MY_ORDERS, variables: JSON.stringify(own()) }, storefront()));
    expect(adHocGet.status).toBe(403);
    expect(codeOf(adHocGet)).toBe('TRUSTED_DOCUMENT_REQUIRED');
  });

  it("is served a manifest document named by Apollo's APQ hash, with or without its text", async () => {
    const persistedQuery = { version: 1, sha256Hash: MY_ORDERS_ID.slice('sha256:'.length) };
    const byHash = await post({ extensions: { persistedQuery }, variables: own() }, storefront());
    expect(byHash.body.errors).toBeUndefined();
    expect(byHash.body.data).toMatchObject({ customer: { id: own().customerId } });
    // Apollo Client's persisted query link sends the text with the hash when it retries.
    const withText = await post({ query: MY_ORDERS, extensions: { persistedQuery }, variables: own() }, storefront());
    expect(withText.body.data).toEqual(byHash.body.data);
    const viaGet = await get({ extensions: JSON.stringify({ persistedQuery }), variables: JSON.stringify(own()) }, storefront());
    expect(viaGet.body.data).toEqual(byHash.body.data);
  });

  it('cannot register a document through APQ, and the hash stays unknown', async () => {
    const query = '{ customer(id: "C-000001") { id email phone } }';
    const persistedQuery = { version: 1, sha256Hash: sha256(query) };
    const register = await refusedBeforePlanning(() => post({ query, extensions: { persistedQuery } }, storefront()));
    expect(register.status).toBe(403);
    expect(codeOf(register)).toBe('TRUSTED_DOCUMENT_REQUIRED');
    const lookup = await refusedBeforePlanning(() => post({ extensions: { persistedQuery } }, storefront()));
    expect(lookup.status).toBe(400);
    expect(codeOf(lookup)).toBe('TRUSTED_DOCUMENT_NOT_FOUND');
  });

  it('gets TRUSTED_DOCUMENT_NOT_FOUND for an id in no manifest, and BAD_REQUEST for one that is not sha256:<hex>', async () => {
    const unknown = await refusedBeforePlanning(() => post({ documentId: `sha256:${sha256('query Nope { __typename }')}` }, storefront()));
    expect(unknown.status).toBe(400);
    expect(codeOf(unknown)).toBe('TRUSTED_DOCUMENT_NOT_FOUND');
    for (const documentId of ['StorefrontMyOrders', MY_ORDERS_ID.toUpperCase(), 42]) {
      const bad = await refusedBeforePlanning(() => post({ documentId }, storefront()));
      expect(bad.status).toBe(400);
      expect(codeOf(bad)).toBe('BAD_REQUEST');
    }
    const both = await refusedBeforePlanning(() => post({ documentId: MY_ORDERS_ID, query: MY_ORDERS }, storefront()));
    expect(codeOf(both)).toBe('BAD_REQUEST');
  });
});

describe('staff callers', () => {
  it('keep ad-hoc documents', async () => {
    const sent = await post({ query: '{ customer(id: "C-000002") { id name } }' }, stack.tokens.agent);
    expect(sent.body.errors).toBeUndefined();
    expect(sent.body.data).toMatchObject({ customer: { id: 'C-000002' } });
  });

  it("keep Apollo's APQ, registration included, and may name manifest documents too", async () => {
    const query = `{ customer(id: "C-000003") { id name } } # ${randomUUID()}`;
    const persistedQuery = { version: 1, sha256Hash: sha256(query) };
    const notYet = await post({ extensions: { persistedQuery } }, stack.tokens.agent);
    expect(codeOf(notYet)).toBe('PERSISTED_QUERY_NOT_FOUND');
    const registered = await post({ query, extensions: { persistedQuery } }, stack.tokens.agent);
    expect(registered.body.data).toMatchObject({ customer: { id: 'C-000003' } });
    const byHash = await post({ extensions: { persistedQuery } }, stack.tokens.agent);
    expect(byHash.body.data).toEqual(registered.body.data);
    const byId = await post({ documentId: MY_ORDERS_ID, variables: { customerId: 'C-000004' } }, stack.tokens.agent);
    expect(byId.body.data).toMatchObject({ customer: { id: 'C-000004' } });
  });
});

describe('the manifests folder', () => {
  it("honours another team's manifest beside this repository's", async () => {
    const mine = await stack.query<{ customer: { orders: { nodes: Array<{ id: string }> } } }>(`{ customer(id: "${own().customerId}") { orders(first: 1) { nodes { id } } } }`);
    const orderId = mine.body.data?.customer.orders.nodes[0]?.id;
    expect(orderId).toBeDefined();
    const timedBefore = await timedAs('TeamOrderStatus');
    const sent = await post({ documentId: `sha256:${sha256(TEAM_ORDER_STATUS)}`, variables: { id: orderId } }, storefront());
    expect(sent.body.errors).toBeUndefined();
    expect(sent.body.data).toMatchObject({ order: { id: orderId } });
    // A manifest's operations are timed under their own names, though no example or setting lists them.
    expect((await timedAs('TeamOrderStatus')) - timedBefore).toBe(1);
  });

  it('loads a manifest added while the gateway runs', async () => {
    const id = `sha256:${sha256(LATE_CUSTOMER_NAME)}`;
    const before = await post({ documentId: id, variables: { id: own().customerId } }, storefront());
    expect(codeOf(before)).toBe('TRUSTED_DOCUMENT_NOT_FOUND');
    writeFileSync(join(dir, 'late-team.json'), JSON.stringify({ [id]: LATE_CUSTOMER_NAME }));
    const after = await eventually(
      async () => {
        const sent = await post({ documentId: id, variables: { id: own().customerId } }, storefront());
        return sent.body.data ? sent : undefined;
      },
      5_000,
      'the new manifest to load',
    );
    expect(after.body.data).toMatchObject({ customer: { id: own().customerId } });
    expect(await timedAs('LateCustomerName')).toBeGreaterThanOrEqual(1);
  });
});

describe('subscriptions over graphql-ws', () => {
  interface Watch {
    events: Array<{ status: string; order: { id: string } }>;
    errors: Array<{ extensions?: Record<string, unknown> }>;
  }

  function watch(token: string, payload: { query: string; variables: Record<string, unknown>; documentId?: string }): Watch {
    const c = createClient({ url: stack.wsUrl, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${token}` }, retryAttempts: 0, lazy: true });
    clients.push(c);
    const w: Watch = { events: [], errors: [] };
    c.subscribe<{ orderStatusChanged: Watch['events'][number] }>(payload, {
      next: (msg) => {
        if (msg.errors) w.errors.push(...(msg.errors as unknown as Watch['errors']));
        if (msg.data?.orderStatusChanged) w.events.push(msg.data.orderStatusChanged);
      },
      error: (e) => w.errors.push(...(Array.isArray(e) ? (e as Watch['errors']) : [{ extensions: { code: String(e) } }])),
      complete: () => undefined,
    });
    return w;
  }

  it('refuse an ad-hoc subscription from a storefront caller, and run the manifest one it names', async () => {
    const [customer] = orderableCustomers(stack);
    const customerId = customer!.externalid;
    const token = await stack.issuer.token({ sub: customerId, roles: ['storefront'] });
    const placed = await stack.query<PlaceOrderResult>(PLACE_ORDER, { input: { customerId, lines: [{ sku: activeItems(stack)[0]!.itemid, quantity: 1 }] }, key: `td-${randomUUID()}` });
    const orderId = placed.body.data?.placeOrder.order?.id;
    expect(orderId).toBeDefined();

    const adHoc = watch(token, { query: TEAM_WATCH, variables: { c: customerId } });
    // The manifest document runs: it reaches the role × operation matrix, which refuses another customer.
    const otherCustomer = watch(token, { query: '', documentId: `sha256:${sha256(TEAM_WATCH)}`, variables: { c: 'C-000002' } });
    const trusted = watch(token, { query: '', documentId: `sha256:${sha256(TEAM_WATCH)}`, variables: { c: customerId } });
    await eventually(async () => (adHoc.errors.length && otherCustomer.errors.length ? true : undefined), 5_000, 'both refusals');
    expect(adHoc.errors.map((e) => e.extensions?.code)).toEqual(['TRUSTED_DOCUMENT_REQUIRED']);
    expect(otherCustomer.errors.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);

    // Let the feed see the new order, then ship it inside the ERP.
    await new Promise((r) => setTimeout(r, 1200));
    await action(stack, 'netsuite', 'ship-order', { orderId });
    const event = await eventually(async () => trusted.events.find((e) => e.order.id === orderId), 10_000, 'the SHIPPED event');
    expect(trusted.errors).toEqual([]);
    expect(event).toMatchObject({ status: 'SHIPPED', order: { id: orderId, status: 'SHIPPED' } });
  });
});
