import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { useServer } from 'graphql-ws/use/ws';
import type * as GraphQL from 'graphql';
import { runClients, type ClientLine, type SubscriptionSpec } from '../subclients.js';

// graphql-ws loads graphql the way Node does (index.js), while Vite would give this file index.mjs,
// and graphql refuses a schema built by the other copy; bench/vitest.config.ts has no alias for it.
const { GraphQLID, GraphQLNonNull, GraphQLObjectType, GraphQLSchema, GraphQLString } = createRequire(import.meta.url)('graphql') as typeof GraphQL;

/**
 * A graphql-ws server standing in for the gateway: `changed` yields whatever the
 * test publishes, to every subscriber. A connection whose token is "close-me"
 * is closed with 4429 as soon as it subscribes, as the gateway does past its limit.
 */
type Change = { eventId: string; order: { id: string; customer: { name: string | null } } };
const listeners = new Set<(c: Change) => void>();
const publish = (c: Change): void => {
  for (const l of listeners) l(c);
};

async function* changes(): AsyncGenerator<{ changed: Change }> {
  const queue: Change[] = [];
  let wake: (() => void) | undefined;
  const listener = (c: Change): void => {
    queue.push(c);
    wake?.();
  };
  listeners.add(listener);
  try {
    for (;;) {
      while (queue.length > 0) yield { changed: queue.shift()! };
      await new Promise<void>((r) => (wake = r));
    }
  } finally {
    listeners.delete(listener);
  }
}

const Customer = new GraphQLObjectType({ name: 'Customer', fields: { name: { type: GraphQLString } } });
const Order = new GraphQLObjectType({ name: 'Order', fields: { id: { type: new GraphQLNonNull(GraphQLID) }, customer: { type: Customer } } });
const ChangeType = new GraphQLObjectType({ name: 'Change', fields: { eventId: { type: new GraphQLNonNull(GraphQLID) }, order: { type: Order } } });
const schema = new GraphQLSchema({
  query: new GraphQLObjectType({ name: 'Query', fields: { ok: { type: GraphQLString, resolve: () => 'ok' } } }),
  subscription: new GraphQLObjectType({ name: 'Subscription', fields: { changed: { type: new GraphQLNonNull(ChangeType), subscribe: () => changes() } } }),
});

let server: Server;
let url = '';
beforeAll(async () => {
  server = createServer();
  const wss = new WebSocketServer({ server, path: '/graphql' });
  useServer(
    {
      schema,
      onSubscribe: (ctx) => {
        if (ctx.connectionParams?.authorization === 'Bearer close-me') ctx.extra.socket.close(4429, 'too many subscriptions');
      },
    },
    wss,
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/graphql`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const spec = (id: string): SubscriptionSpec => ({
  id,
  query: 'subscription { changed { eventId order { id customer { name } } } }',
  keyPath: ['changed', 'order', 'id'],
  enrichedPath: ['changed', 'order', 'customer', 'name'],
});

/** Runs the clients until `stopWhen` holds for the lines seen so far, then sends the close command. */
async function session(token: string, connections: SubscriptionSpec[][], act: () => void, stopWhen: (lines: ClientLine[]) => boolean): Promise<ClientLine[]> {
  const lines: ClientLine[] = [];
  let release: (() => void) | undefined;
  const check = (): void => {
    if (stopWhen(lines)) release?.();
  };
  const commands: AsyncIterable<string> = {
    async *[Symbol.asyncIterator]() {
      await new Promise<void>((r) => {
        release = r;
        check();
      });
      yield JSON.stringify({ op: 'close' });
    },
  };
  await runClients({ url, token, connections }, commands, (line) => {
    lines.push(line);
    // Subscriptions are live once the server has them; the `ready` line alone does not say so.
    if (line.type === 'ready') setTimeout(act, 100);
    check();
  });
  return lines;
}

describe('the subscription client process', () => {
  it('reports readiness, every message with its receive time, key and eventId, and normal closes', async () => {
    const before = performance.timeOrigin + performance.now();
    const lines = await session(
      'agent',
      [[spec('a'), spec('b')], [spec('c')]],
      () => {
        publish({ eventId: 'e1', order: { id: 'SO-1', customer: { name: 'Ada' } } });
        publish({ eventId: 'e1', order: { id: 'SO-1', customer: { name: 'Ada' } } });
        publish({ eventId: 'e2', order: { id: 'SO-2', customer: { name: null } } });
      },
      (ls) => ls.filter((l) => l.type === 'msg').length === 9,
    );
    const ready = lines.find((l) => l.type === 'ready');
    expect(ready).toMatchObject({ connections: 2, subscriptions: 3, failed: 0 });
    const msgs = lines.filter((l): l is Extract<ClientLine, { type: 'msg' }> => l.type === 'msg');
    expect(msgs.filter((m) => m.sub === 'a').map((m) => [m.eventId, m.key, m.enriched])).toEqual([
      ['e1', 'SO-1', true],
      ['e1', 'SO-1', true],
      ['e2', 'SO-2', false],
    ]);
    for (const m of msgs) expect(m.t).toBeGreaterThanOrEqual(before);
    expect(lines.filter((l) => l.type === 'conn-closed').every((l) => l.type === 'conn-closed' && l.requested)).toBe(true);
    expect(lines.at(-1)).toEqual({ type: 'closed', closeCodes: { '1000': 2 }, unclosed: 0 });
  });

  it('reports a connection the server closed, with its code, as not requested', async () => {
    const lines = await session(
      'close-me',
      [[spec('x')]],
      () => undefined,
      (ls) => ls.some((l) => l.type === 'conn-closed'),
    );
    expect(lines.find((l) => l.type === 'conn-closed')).toMatchObject({ code: 4429, reason: 'too many subscriptions', requested: false });
  });
});
