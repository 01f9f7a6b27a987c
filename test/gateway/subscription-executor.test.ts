/**
 * The gateway's federated subscription executor at the protocol level, over two
 * small subgraphs: the owner of the event and a second one that contributes a
 * field to it. Asserts the graphql-ws messages a client receives, that each
 * event is enriched once per root field, arguments and scope, whatever each
 * subscriber selects, with each message shaped to its own selection, and how a
 * slow subscriber is cut off.
 */
import { createServer, type Server } from 'node:http';
import { EventEmitter, on } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import express from 'express';
import { WebSocketServer } from 'ws';
import WebSocket from 'ws';
import { useServer } from 'graphql-ws/use/ws';
import { createClient, type Client } from 'graphql-ws';
import { GraphQLError, parse } from 'graphql';
import { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { composeServices } from '@apollo/composition';
import { RemoteGraphQLDataSource } from '@apollo/gateway';
import { attachSubscriptionServer, CloseCodes, type RunningSubscriptionServer } from '../../gateway/src/subscriptions/server.js';
import { formatError } from '../../lib/errors.js';

const ORDER_SDL = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])
  type Order @key(fields: "id") { id: ID! status: String! customer: Customer! }
  type Customer @key(fields: "id") { id: ID! }
  type OrderStatusChange { eventId: ID! status: String! order: Order! }
  type Query { order(id: ID!): Order }
  type Subscription { orderStatusChanged(customerId: ID): OrderStatusChange! }
`;
const CUSTOMER_SDL = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])
  type Customer @key(fields: "id") { id: ID! name: String email: String tier: String note(prefix: String): String }
  type Query { customer(id: ID!): Customer }
`;

interface Change {
  eventId: string;
  status: string;
  customerId: string;
}

const events = new EventEmitter();
let customerEntityCalls = 0;
/** Each operation the customer subgraph received over HTTP: the scope it was fetched under and its document. */
const customerRequests: Array<{ scope: string; query: string }> = [];
const closers: Array<() => Promise<void> | void> = [];
let gatewayUrl = '';
let subs: RunningSubscriptionServer;
/** The gateway's data sources; a test swaps one to take a subgraph away. */
let serviceMap: Record<string, RemoteGraphQLDataSource>;

/** Sends the caller's scope with each fetch, as the gateway's data sources sign the caller. */
class ScopedDataSource extends RemoteGraphQLDataSource<{ scope?: string }> {
  override willSendRequest({ request, context }: Parameters<NonNullable<RemoteGraphQLDataSource<{ scope?: string }>['willSendRequest']>>[0]): void {
    if (context.scope) request.http?.headers.set('x-scope', context.scope);
  }
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const addr = server.address();
  return `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/graphql`;
}

async function startSubgraph(sdl: string, resolvers: Record<string, unknown>, onRequest?: (req: express.Request) => void): Promise<string> {
  const schema = buildSubgraphSchema([{ typeDefs: parse(sdl), resolvers: resolvers as never }]);
  const app = express();
  const server = createServer(app);
  const apollo = new ApolloServer({ schema });
  await apollo.start();
  app.use('/graphql', express.json(), (req, _res, next) => {
    onRequest?.(req);
    next();
  }, expressMiddleware(apollo));
  const wss = new WebSocketServer({ server, path: '/graphql' });
  const ws = useServer({ schema }, wss);
  const url = await listen(server);
  closers.push(async () => {
    await ws.dispose();
    await apollo.stop();
    server.close();
  });
  return url;
}

beforeAll(async () => {
  const orderUrl = await startSubgraph(ORDER_SDL, {
    Subscription: {
      orderStatusChanged: {
        subscribe: async function* (_: unknown, args: { customerId?: string }) {
          for await (const [change] of on(events, 'change') as AsyncIterable<[Change]>) {
            if (!args.customerId || change.customerId === args.customerId) yield { orderStatusChanged: change };
          }
        },
      },
    },
    OrderStatusChange: { order: (c: Change) => ({ id: `SO-${c.eventId}`, status: c.status, customer: { id: c.customerId } }) },
  });
  const customerUrl = await startSubgraph(CUSTOMER_SDL, {
    Customer: {
      __resolveReference: (ref: { id: string }) => {
        customerEntityCalls += 1;
        return { id: ref.id, name: `Name of ${ref.id}`, email: `${ref.id}@example.test`, tier: 'GOLD' };
      },
      note: (c: { id: string }, args: { prefix?: string }) => `${args.prefix ?? ''}${c.id}`,
      // One customer whose tier the system cannot give: an error on one field of the entity.
      tier: (c: { id: string; tier?: string }) => {
        if (c.id === 'C-000080') throw new GraphQLError('the loyalty system did not answer', { extensions: { code: 'UPSTREAM_UNAVAILABLE', system: 'SALESFORCE' } });
        return c.tier;
      },
    },
  }, (req) => {
    const body = req.body as { query?: string } | undefined;
    if (body?.query) customerRequests.push({ scope: req.header('x-scope') ?? '', query: body.query });
  });
  const composed = composeServices([
    { name: 'order', typeDefs: parse(ORDER_SDL), url: orderUrl },
    { name: 'customer', typeDefs: parse(CUSTOMER_SDL), url: customerUrl },
  ]);
  if (composed.errors) throw new Error(composed.errors.map((e) => e.message).join('\n'));
  serviceMap = { order: new ScopedDataSource({ url: orderUrl }), customer: new ScopedDataSource({ url: customerUrl }) };

  const gatewayServer = createServer((_req, res) => res.end());
  gatewayUrl = await listen(gatewayServer);
  subs = attachSubscriptionServer({
    httpServer: gatewayServer,
    path: '/graphql',
    supergraphSdl: composed.supergraphSdl,
    subgraphUrls: { order: orderUrl, customer: customerUrl },
    serviceMap: () => serviceMap,
    security: {
      authenticate: (params) => {
        // A second identity, for the scope tests: a storefront customer.
        if (params?.authorization === 'Bearer storefront') return { scope: 'customer:C-000050' };
        if (params?.authorization !== 'Bearer good') throw new Error('bad token');
        return { scope: 'agent' };
      },
      authorize: () => undefined,
      dataSourceContext: (caller) => ({ scope: caller.scope }),
      upstreamExtensions: () => ({}),
      expiredCloseCode: 4401,
    },
    limits: { bufferPerSubscriber: 5 },
    formatError: formatError(true),
  });
  closers.push(() => subs.close());
  closers.push(() => new Promise<void>((r) => gatewayServer.close(() => r())));
});

afterAll(async () => {
  for (const c of closers.reverse()) await c();
});

function client(token = 'Bearer good'): Client {
  const c = createClient({ url: gatewayUrl.replace('http', 'ws'), webSocketImpl: WebSocket, connectionParams: { authorization: token }, retryAttempts: 0, lazy: true });
  closers.push(() => c.dispose());
  return c;
}

/** A selection the owning subgraph serves alone: events flow without entity fetches. */
const OWN_FIELDS_ONLY = 'subscription($c: ID) { orderStatusChanged(customerId: $c) { eventId status } }';
const SUBSCRIPTION = 'subscription($c: ID) { orderStatusChanged(customerId: $c) { eventId status order { id customer { id name } } } }';

async function waitFor(cond: () => boolean, timeoutMs = 10_000): Promise<void> {
  for (let i = 0; i < timeoutMs / 10 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!cond()) throw new Error('condition not met');
}

describe('federated subscription executor', () => {
  it('delivers each event with a field resolved by another subgraph, filtered by the argument', async () => {
    const c = client();
    const received: unknown[] = [];
    const done = new Promise<void>((resolve, reject) => {
      c.subscribe({ query: SUBSCRIPTION, variables: { c: 'C-000001' } }, { next: (v) => received.push(v), error: reject, complete: resolve });
    });
    await waitFor(() => subs.hub.stats().upstreams === 1);
    await new Promise((r) => setTimeout(r, 100));
    events.emit('change', { eventId: '1', status: 'SHIPPED', customerId: 'C-000001' });
    events.emit('change', { eventId: '2', status: 'SHIPPED', customerId: 'C-000002' });
    events.emit('change', { eventId: '3', status: 'INVOICED', customerId: 'C-000001' });
    await waitFor(() => received.length === 2);
    expect(received).toEqual([
      { data: { orderStatusChanged: { eventId: '1', status: 'SHIPPED', order: { id: 'SO-1', customer: { id: 'C-000001', name: 'Name of C-000001' } } } } },
      { data: { orderStatusChanged: { eventId: '3', status: 'INVOICED', order: { id: 'SO-3', customer: { id: 'C-000001', name: 'Name of C-000001' } } } } },
    ]);
    await c.dispose();
    await done.catch(() => undefined);
    await waitFor(() => subs.hub.stats().upstreams === 0);
  });

  it('delivers an event whose enrichment failed, with a coded error, and keeps the connection open', async () => {
    const c = client();
    const received: Array<{ data?: unknown; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> }> = [];
    let ended: unknown;
    c.subscribe({ query: SUBSCRIPTION, variables: { c: 'C-000004' } }, { next: (v) => received.push(v as never), error: (e) => (ended = e), complete: () => (ended = 'complete') });
    await waitFor(() => subs.hub.stats().upstreams === 1);
    await new Promise((r) => setTimeout(r, 100));
    // The customer subgraph is unreachable: its fetch fails in transport, not with a GraphQL answer.
    const reachable = serviceMap.customer!;
    const dead = createServer();
    const deadUrl = await listen(dead);
    await new Promise<void>((r) => dead.close(() => r()));
    serviceMap.customer = new RemoteGraphQLDataSource({ url: deadUrl });
    try {
      events.emit('change', { eventId: '41', status: 'SHIPPED', customerId: 'C-000004' });
      await waitFor(() => received.length === 1);
    } finally {
      serviceMap.customer = reachable;
    }
    // The event still arrives, with what the owning subgraph gave and the missing field null.
    expect(received[0]?.data).toEqual({ orderStatusChanged: { eventId: '41', status: 'SHIPPED', order: { id: 'SO-41', customer: { id: 'C-000004', name: null } } } });
    expect(received[0]?.errors).toHaveLength(1);
    expect(received[0]?.errors?.[0]).toMatchObject({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    // The connection survived: the next change arrives whole.
    events.emit('change', { eventId: '42', status: 'INVOICED', customerId: 'C-000004' });
    await waitFor(() => received.length === 2);
    expect(received[1]).toEqual({ data: { orderStatusChanged: { eventId: '42', status: 'INVOICED', order: { id: 'SO-42', customer: { id: 'C-000004', name: 'Name of C-000004' } } } } });
    expect(ended).toBeUndefined();
    await c.dispose();
    await waitFor(() => subs.hub.stats().upstreams === 0);
  });

  it('enriches an event once for many subscribers sharing document, variables and scope', async () => {
    const clients = Array.from({ length: 20 }, () => client());
    const counts = new Array<number>(20).fill(0);
    clients.forEach((c, i) => c.subscribe({ query: SUBSCRIPTION, variables: { c: 'C-000009' } }, { next: () => (counts[i] = (counts[i] ?? 0) + 1), error: () => undefined, complete: () => undefined }));
    await waitFor(() => subs.hub.stats().subscribers === 20);
    expect(subs.hub.stats().upstreams).toBe(1);
    await new Promise((r) => setTimeout(r, 100));
    const before = customerEntityCalls;
    events.emit('change', { eventId: '10', status: 'SHIPPED', customerId: 'C-000009' });
    await waitFor(() => counts.every((n) => n === 1));
    expect(customerEntityCalls - before).toBe(1);
    await Promise.all(clients.map((c) => c.dispose()));
    await waitFor(() => subs.hub.stats().subscribers === 0);
  });

  it('enriches a change with one fetch for 50 subscribers on distinct selections, each shaped to its own selection', async () => {
    // Each subscriber picks its own aliases and its own subset of the customer's fields, some
    // through a fragment, some switched by a variable, two of them with arguments.
    const docFor = (i: number): string => {
      const fields = [`n${i}: name`];
      if ((i >> 1) & 1) fields.push(i % 5 === 0 ? '...Contact' : 'email');
      if ((i >> 2) & 1) fields.push('tier @include(if: $withTier)');
      if ((i >> 3) & 1) fields.push('note(prefix: "a-")');
      if ((i >> 4) & 1) fields.push(`other${i}: note(prefix: "b-")`);
      const fragment = i % 5 === 0 && (i >> 1) & 1 ? ' fragment Contact on Customer { email }' : '';
      const tierVariable = (i >> 2) & 1 ? ', $withTier: Boolean!' : '';
      return `subscription S${i}($c: ID${tierVariable}) { orderStatusChanged(customerId: $c) { ${i % 2 ? 'eventId ' : ''}s${i}: status order { id customer { ${fields.join(' ')} } } } }${fragment}`;
    };
    const expected = (i: number, eventId: string, customerId: string): unknown => {
      const customer: Record<string, unknown> = { [`n${i}`]: `Name of ${customerId}` };
      if ((i >> 1) & 1) customer.email = `${customerId}@example.test`;
      if ((i >> 2) & 1 && i % 3 !== 0) customer.tier = 'GOLD';
      if ((i >> 3) & 1) customer.note = `a-${customerId}`;
      if ((i >> 4) & 1) customer[`other${i}`] = `b-${customerId}`;
      return { data: { orderStatusChanged: { ...(i % 2 ? { eventId } : {}), [`s${i}`]: 'SHIPPED', order: { id: `SO-${eventId}`, customer } } } };
    };
    const n = 50;
    const received: unknown[][] = Array.from({ length: n }, () => []);
    // 10 subscriptions on each of 5 connections, under the per-connection limit.
    const clients = Array.from({ length: 5 }, () => client());
    for (let i = 0; i < n; i++) {
      clients[i % 5]!.subscribe(
        { query: docFor(i), variables: { c: 'C-000060', withTier: i % 3 !== 0 } },
        { next: (v) => received[i]!.push(v), error: (e) => received[i]!.push({ error: e }), complete: () => undefined },
      );
    }
    await waitFor(() => subs.hub.stats().subscribers === n);
    // Every subscriber receives the same events: one upstream subscription serves them all.
    expect(subs.hub.stats().upstreams).toBe(1);
    await new Promise((r) => setTimeout(r, 100));
    const before = customerRequests.length;
    events.emit('change', { eventId: '60', status: 'SHIPPED', customerId: 'C-000060' });
    await waitFor(() => received.every((r) => r.length === 1));
    for (let i = 0; i < n; i++) expect(received[i]).toEqual([expected(i, '60', 'C-000060')]);
    // One entity fetch for the 50 of them, carrying the union of what they selected.
    const fetches = customerRequests.slice(before);
    expect(fetches).toHaveLength(1);
    expect(fetches[0]!.query).toMatch(/\bemail\b/);
    expect(fetches[0]!.query).toMatch(/\btier\b/);
    expect(fetches[0]!.query).toContain('"a-"');
    expect(fetches[0]!.query).toContain('"b-"');
    await Promise.all(clients.map((c) => c.dispose()));
    await waitFor(() => subs.hub.stats().subscribers === 0 && subs.hub.stats().upstreams === 0);
  });

  it('widens a shared subscription for a subscriber who selects more, without a lost or repeated event for the others', async () => {
    const first = client();
    const later = client();
    const got: Record<'first' | 'later', unknown[]> = { first: [], later: [] };
    first.subscribe(
      { query: 'subscription($c: ID) { orderStatusChanged(customerId: $c) { status order { customer { name } } } }', variables: { c: 'C-000070' } },
      { next: (v) => got.first.push(v), error: (e) => got.first.push({ error: e }), complete: () => undefined },
    );
    await waitFor(() => subs.hub.stats().upstreams === 1);
    await new Promise((r) => setTimeout(r, 100));
    events.emit('change', { eventId: '71', status: 'SHIPPED', customerId: 'C-000070' });
    await waitFor(() => got.first.length === 1);
    // The newcomer selects a field of the event the union did not have (eventId) and another subgraph field (email).
    later.subscribe(
      { query: 'subscription($c: ID) { orderStatusChanged(customerId: $c) { eventId order { customer { email } } } }', variables: { c: 'C-000070' } },
      { next: (v) => got.later.push(v), error: (e) => got.later.push({ error: e }), complete: () => undefined },
    );
    await waitFor(() => subs.hub.stats().subscribers === 2);
    expect(subs.hub.stats().upstreams).toBe(1);
    await new Promise((r) => setTimeout(r, 100));
    const before = customerRequests.length;
    events.emit('change', { eventId: '72', status: 'INVOICED', customerId: 'C-000070' });
    await waitFor(() => got.first.length === 2 && got.later.length === 1);
    await new Promise((r) => setTimeout(r, 100));
    expect(got.first).toEqual([
      { data: { orderStatusChanged: { status: 'SHIPPED', order: { customer: { name: 'Name of C-000070' } } } } },
      { data: { orderStatusChanged: { status: 'INVOICED', order: { customer: { name: 'Name of C-000070' } } } } },
    ]);
    expect(got.later).toEqual([{ data: { orderStatusChanged: { eventId: '72', order: { customer: { email: 'C-000070@example.test' } } } } }]);
    expect(customerRequests.length - before).toBe(1);
    await Promise.all([first.dispose(), later.dispose()]);
    await waitFor(() => subs.hub.stats().subscribers === 0 && subs.hub.stats().upstreams === 0);
  });

  it('gives a field error from the shared fetch to the subscribers who selected that field, at their own path', async () => {
    const c = client();
    const got: Record<'withTier' | 'nameOnly', Array<{ data?: unknown; errors?: Array<{ path?: unknown; extensions?: Record<string, unknown> }> }>> = { withTier: [], nameOnly: [] };
    c.subscribe(
      { query: 'subscription($c: ID) { orderStatusChanged(customerId: $c) { status order { customer { name level: tier } } } }', variables: { c: 'C-000080' } },
      { next: (v) => got.withTier.push(v as never), error: () => undefined, complete: () => undefined },
    );
    c.subscribe(
      { query: 'subscription($c: ID) { orderStatusChanged(customerId: $c) { status order { customer { who: name } } } }', variables: { c: 'C-000080' } },
      { next: (v) => got.nameOnly.push(v as never), error: () => undefined, complete: () => undefined },
    );
    await waitFor(() => subs.hub.stats().subscribers === 2);
    expect(subs.hub.stats().upstreams).toBe(1);
    await new Promise((r) => setTimeout(r, 100));
    const before = customerRequests.length;
    events.emit('change', { eventId: '80', status: 'SHIPPED', customerId: 'C-000080' });
    await waitFor(() => got.withTier.length === 1 && got.nameOnly.length === 1);
    expect(customerRequests.length - before).toBe(1);
    expect(got.withTier[0]?.data).toEqual({ orderStatusChanged: { status: 'SHIPPED', order: { customer: { name: 'Name of C-000080', level: null } } } });
    expect(got.withTier[0]?.errors).toHaveLength(1);
    expect(got.withTier[0]?.errors?.[0]).toMatchObject({ path: ['orderStatusChanged', 'order', 'customer', 'level'], extensions: { code: 'UPSTREAM_UNAVAILABLE', system: 'SALESFORCE' } });
    expect(got.nameOnly).toEqual([{ data: { orderStatusChanged: { status: 'SHIPPED', order: { customer: { who: 'Name of C-000080' } } } } }]);
    await c.dispose();
    await waitFor(() => subs.hub.stats().subscribers === 0 && subs.hub.stats().upstreams === 0);
  });

  it('fetches separately for a storefront and an agent on the same change, and neither sees the other\'s fields', async () => {
    const storefront = client('Bearer storefront');
    const agent = client();
    const got: Record<'storefront' | 'agent', unknown[]> = { storefront: [], agent: [] };
    storefront.subscribe(
      { query: 'subscription($c: ID) { orderStatusChanged(customerId: $c) { status order { customer { name } } } }', variables: { c: 'C-000050' } },
      { next: (v) => got.storefront.push(v), error: (e) => got.storefront.push({ error: e }), complete: () => undefined },
    );
    agent.subscribe(
      { query: 'subscription($c: ID) { orderStatusChanged(customerId: $c) { status order { customer { email tier } } } }', variables: { c: 'C-000050' } },
      { next: (v) => got.agent.push(v), error: (e) => got.agent.push({ error: e }), complete: () => undefined },
    );
    await waitFor(() => subs.hub.stats().subscribers === 2);
    // One per scope: the same root field and arguments, but never one enrichment for both.
    expect(subs.hub.stats().upstreams).toBe(2);
    await new Promise((r) => setTimeout(r, 100));
    const before = customerRequests.length;
    events.emit('change', { eventId: '50', status: 'SHIPPED', customerId: 'C-000050' });
    await waitFor(() => got.storefront.length === 1 && got.agent.length === 1);
    expect(got.storefront).toEqual([{ data: { orderStatusChanged: { status: 'SHIPPED', order: { customer: { name: 'Name of C-000050' } } } } }]);
    expect(got.agent).toEqual([{ data: { orderStatusChanged: { status: 'SHIPPED', order: { customer: { email: 'C-000050@example.test', tier: 'GOLD' } } } } }]);
    const fetches = customerRequests.slice(before);
    expect(fetches.map((f) => f.scope).sort()).toEqual(['agent', 'customer:C-000050']);
    const asStorefront = fetches.find((f) => f.scope === 'customer:C-000050')!;
    const asAgent = fetches.find((f) => f.scope === 'agent')!;
    expect(asStorefront.query).toMatch(/\bname\b/);
    expect(asStorefront.query).not.toMatch(/\bemail\b|\btier\b/);
    expect(asAgent.query).toMatch(/\bemail\b/);
    expect(asAgent.query).not.toMatch(/\bname\b/);
    await Promise.all([storefront.dispose(), agent.dispose()]);
    await waitFor(() => subs.hub.stats().subscribers === 0 && subs.hub.stats().upstreams === 0);
  });

  it('closes a connection with 4429 when a burst of subscribes passes the per-connection limit', async () => {
    // All 60 subscribes leave in one write: none has started when the others are checked.
    const ws = new WebSocket(gatewayUrl.replace('http', 'ws'), 'graphql-transport-ws');
    closers.push(() => ws.terminate());
    await new Promise((r) => ws.once('open', r));
    ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: 'Bearer good' } }));
    await new Promise((r) => ws.once('message', r));
    const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
    for (let i = 0; i < 60; i++) ws.send(JSON.stringify({ id: `burst-${i}`, type: 'subscribe', payload: { query: OWN_FIELDS_ONLY, variables: { c: 'C-000555' } } }));
    expect(await closed).toBe(CloseCodes.TooManySubscriptions);
    await waitFor(() => subs.hub.stats().subscribers === 0);
  });

  it('refuses a connection without valid credentials', async () => {
    const c = client('Bearer forged');
    const outcome = await new Promise<unknown>((resolve) => {
      c.subscribe({ query: SUBSCRIPTION }, { next: () => resolve('next'), error: (e) => resolve(e), complete: () => resolve('complete') });
    });
    // 4401, not graphql-ws's 4403: its clients retry 4403, and a bad token would reconnect in a loop.
    expect((outcome as { code?: number }).code).toBe(4401);
  });

  it('closes the connection of a subscriber that stops reading once its buffer is full', async () => {
    // A raw socket that never reads: pause it right after the subscription starts.
    const ws = new WebSocket(gatewayUrl.replace('http', 'ws'), 'graphql-transport-ws');
    closers.push(() => ws.terminate());
    await new Promise((r) => ws.once('open', r));
    ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: 'Bearer good' } }));
    await new Promise((r) => ws.once('message', r));
    ws.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: SUBSCRIPTION, variables: { c: 'C-000777' } } }));
    await waitFor(() => subs.hub.stats().subscribers === 1);
    await new Promise((r) => setTimeout(r, 100));
    ws.pause();
    const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
    const big = 'x'.repeat(64 * 1024);
    for (let i = 0; i < 400; i++) events.emit('change', { eventId: `slow-${i}-${big}`, status: 'SHIPPED', customerId: 'C-000777' });
    // The gateway gives up on the subscriber while the client still is not reading ...
    await waitFor(() => subs.hub.stats().subscribers === 0);
    // ... and the close frame, queued behind what was already sent, names the reason.
    ws.resume();
    expect(await closed).toBe(CloseCodes.SlowConsumer);
  });

  it('keeps memory bounded while 10,000 events flow to a reading subscriber past one that stopped reading', async () => {
    const reader = client();
    let delivered = 0;
    reader.subscribe({ query: OWN_FIELDS_ONLY, variables: { c: 'C-000888' } }, { next: () => (delivered += 1), error: () => undefined, complete: () => undefined });
    const ws = new WebSocket(gatewayUrl.replace('http', 'ws'), 'graphql-transport-ws');
    closers.push(() => ws.terminate());
    await new Promise((r) => ws.once('open', r));
    ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: 'Bearer good' } }));
    await new Promise((r) => ws.once('message', r));
    ws.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: OWN_FIELDS_ONLY, variables: { c: 'C-000888' } } }));
    await waitFor(() => subs.hub.stats().subscribers === 2);
    await new Promise((r) => setTimeout(r, 100));
    ws.pause();
    const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
    const rssBefore = process.memoryUsage().rss;
    const payload = 'p'.repeat(1024);
    for (let i = 0; i < 10_000; i++) {
      events.emit('change', { eventId: `flow-${i}-${payload}`, status: 'SHIPPED', customerId: 'C-000888' });
      // A stream of changes, not one burst larger than the buffer: a reading client keeps up.
      await new Promise((r) => setImmediate(r));
    }
    await waitFor(() => delivered === 10_000, 60_000);
    const growthMb = (process.memoryUsage().rss - rssBefore) / 1024 / 1024;
    ws.resume();
    expect(await closed).toBe(CloseCodes.SlowConsumer);
    expect(growthMb).toBeLessThan(50);
    await reader.dispose();
    await waitFor(() => subs.hub.stats().subscribers === 0);
  }, 120_000);
});

