/**
 * A small federated graph for subscription tests: an order subgraph that owns
 * `orderStatusChanged` and publishes what a test emits, a customer subgraph that
 * contributes `Customer.name` (and can be made slow or verbose), and the
 * gateway's subscription server over both, with the security and limits a test
 * gives it. Every server listens on a port the OS picks.
 */
import { createServer, type Server } from 'node:http';
import { EventEmitter, on } from 'node:events';
import express from 'express';
import { WebSocketServer } from 'ws';
import WebSocket from 'ws';
import { useServer } from 'graphql-ws/use/ws';
import { createClient, type Client } from 'graphql-ws';
import { parse } from 'graphql';
import { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { composeServices } from '@apollo/composition';
import { RemoteGraphQLDataSource } from '@apollo/gateway';
import { attachSubscriptionServer, type RunningSubscriptionServer, type SubscriptionCaller, type SubscriptionSecurity, type SubscriptionServerOptions } from '../../gateway/src/subscriptions/server.js';
import { formatError } from '../../lib/errors.js';

const ORDER_SDL = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])
  type Order @key(fields: "id") { id: ID! status: String! customer: Customer! }
  type Customer @key(fields: "id") { id: ID! orders(first: Int = 10): [Order!]! }
  type OrderStatusChange { eventId: ID! status: String! order: Order! }
  type Query { order(id: ID!): Order }
  type Subscription { orderStatusChanged(customerId: ID): OrderStatusChange! }
`;
const CUSTOMER_SDL = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])
  type Customer @key(fields: "id") { id: ID! name: String }
  type Query { customer(id: ID!): Customer }
`;

export interface Change {
  eventId: string;
  status: string;
  customerId: string;
}

/** How the customer subgraph answers entity fetches; a test changes it. */
export interface CustomerBehaviour {
  /** Milliseconds before each answer. */
  delayMs: number;
  /** Characters of each customer's name. */
  nameLength: number;
}

export interface Fixture {
  events: EventEmitter;
  emit(change: Change): void;
  subs: RunningSubscriptionServer;
  wsUrl: string;
  customer: CustomerBehaviour;
  /** Entity fetches the customer subgraph received, and how many its client abandoned before the answer. */
  customerRequests: { received: number; abandoned: number };
  /** Subscribe messages the order subgraph received. */
  orderSubscribes: () => number;
  /** WebSocket connections the gateway was asked to open. */
  upgrades: () => number;
  client(connectionParams?: Record<string, unknown>): Client;
  close(): Promise<void>;
}

/** Security that admits every connection as an agent: for tests about something other than who may subscribe. */
export const OPEN_SECURITY: SubscriptionSecurity<{ scope: string }> = {
  authenticate: () => ({ scope: 'agent' }),
  authorize: () => undefined,
  dataSourceContext: () => ({}),
  upstreamExtensions: () => ({}),
  expiredCloseCode: 4401,
};

async function listen(server: Server): Promise<string> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const addr = server.address();
  return `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/graphql`;
}

export async function startFixture<C extends SubscriptionCaller>(
  opts: Omit<SubscriptionServerOptions<C>, 'httpServer' | 'path' | 'supergraphSdl' | 'subgraphUrls' | 'serviceMap'>,
): Promise<Fixture> {
  const closers: Array<() => Promise<void> | void> = [];
  const events = new EventEmitter();
  const customer: CustomerBehaviour = { delayMs: 0, nameLength: 0 };
  const customerRequests = { received: 0, abandoned: 0 };
  let orderSubscribes = 0;

  const startSubgraph = async (sdl: string, resolvers: Record<string, unknown>, watch?: express.RequestHandler): Promise<string> => {
    const schema = buildSubgraphSchema([{ typeDefs: parse(sdl), resolvers: resolvers as never }]);
    const app = express();
    const server = createServer(app);
    const apollo = new ApolloServer({ schema });
    await apollo.start();
    app.use('/graphql', ...(watch ? [watch] : []), express.json({ limit: '200mb' }), expressMiddleware(apollo));
    const wss = new WebSocketServer({ server, path: '/graphql' });
    const ws = useServer({ schema, onSubscribe: () => void (orderSubscribes += 1) }, wss);
    const url = await listen(server);
    closers.push(async () => {
      await ws.dispose();
      await apollo.stop();
      server.closeAllConnections();
      server.close();
    });
    return url;
  };

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
    Customer: { orders: (c: { id: string }, args: { first: number }) => Array.from({ length: args.first }, (_, i) => ({ id: `SO-${c.id}-${i}`, status: 'BOOKED', customer: { id: c.id } })) },
  });
  const customerUrl = await startSubgraph(
    CUSTOMER_SDL,
    {
      Customer: {
        __resolveReference: async (ref: { id: string }) => {
          if (customer.delayMs > 0) await new Promise((r) => setTimeout(r, customer.delayMs));
          return { id: ref.id, name: customer.nameLength > 0 ? 'n'.repeat(customer.nameLength) : `Name of ${ref.id}` };
        },
      },
    },
    (_req, res, next) => {
      customerRequests.received += 1;
      res.once('close', () => {
        if (!res.writableFinished) customerRequests.abandoned += 1;
      });
      next();
    },
  );
  const composed = composeServices([
    { name: 'order', typeDefs: parse(ORDER_SDL), url: orderUrl },
    { name: 'customer', typeDefs: parse(CUSTOMER_SDL), url: customerUrl },
  ]);
  if (composed.errors) throw new Error(composed.errors.map((e) => e.message).join('\n'));
  const serviceMap = { order: new RemoteGraphQLDataSource({ url: orderUrl }), customer: new RemoteGraphQLDataSource({ url: customerUrl }) };

  const gatewayServer = createServer((_req, res) => res.end());
  let upgrades = 0;
  gatewayServer.on('upgrade', () => void (upgrades += 1));
  const gatewayUrl = await listen(gatewayServer);
  const subs = attachSubscriptionServer<C>({
    formatError: formatError(true),
    ...opts,
    httpServer: gatewayServer,
    path: '/graphql',
    supergraphSdl: composed.supergraphSdl,
    subgraphUrls: { order: orderUrl, customer: customerUrl },
    serviceMap: () => serviceMap,
  });
  // Run in reverse: the subscription server first, then the HTTP server under it.
  closers.push(() => {
    gatewayServer.closeAllConnections();
    return new Promise<void>((r) => gatewayServer.close(() => r()));
  });
  closers.push(() => subs.close());
  const wsUrl = gatewayUrl.replace('http', 'ws');

  return {
    events,
    emit: (change) => void events.emit('change', change),
    subs,
    wsUrl,
    customer,
    customerRequests,
    orderSubscribes: () => orderSubscribes,
    upgrades: () => upgrades,
    client(connectionParams = { authorization: 'Bearer good' }) {
      const c = createClient({ url: wsUrl, webSocketImpl: WebSocket, connectionParams, retryAttempts: 0, lazy: true });
      closers.push(() => c.dispose());
      return c;
    },
    async close() {
      for (const c of closers.reverse()) await c();
    },
  };
}

export async function waitFor(cond: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  if (!cond()) throw new Error('condition not met');
}

/** A raw graphql-transport-ws socket, for asserting exact messages and close codes. */
export interface RawSocket {
  ws: WebSocket;
  messages: Array<{ id?: string; type: string; payload?: unknown }>;
  closed: Promise<{ code: number; reason: string }>;
  send(message: Record<string, unknown>): void;
  /** Resolves with the first message of this type (and id) received, now or later. */
  next(type: string, id?: string, timeoutMs?: number): Promise<{ id?: string; type: string; payload?: unknown }>;
}

export async function rawSocket(url: string, connectionParams: Record<string, unknown> | undefined): Promise<RawSocket> {
  const ws = new WebSocket(url, 'graphql-transport-ws');
  const messages: RawSocket['messages'] = [];
  ws.on('message', (raw) => messages.push(JSON.parse(String(raw)) as RawSocket['messages'][number]));
  const closed = new Promise<{ code: number; reason: string }>((r) => ws.once('close', (code, reason) => r({ code, reason: String(reason) })));
  ws.once('error', () => undefined);
  await new Promise((r, j) => {
    ws.once('open', r);
    ws.once('error', j);
  });
  ws.send(JSON.stringify({ type: 'connection_init', ...(connectionParams ? { payload: connectionParams } : {}) }));
  const raw: RawSocket = {
    ws,
    messages,
    closed,
    send: (m) => ws.send(JSON.stringify(m)),
    async next(type, id, timeoutMs = 10_000) {
      const find = () => messages.find((m) => m.type === type && (id === undefined || m.id === id));
      await waitFor(() => find() !== undefined, timeoutMs);
      return find() as RawSocket['messages'][number];
    },
  };
  return raw;
}
