/**
 * Subscriptions on a subgraph: graphql-ws on the subgraph's own /graphql, and
 * the bridge from the event bus to a `Subscription` field's resolver. The
 * gateway is the only client: it sends `extensions.resumeAfter` (the position
 * of the last event it saw) when it re-subscribes after a broken link, and
 * reads each event's position from the `eventPosition` extension of every
 * message, so nothing published while the link was down is lost.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { useServer } from 'graphql-ws/use/ws';
import type { GraphQLError} from 'graphql';
import { type GraphQLSchema } from 'graphql';
import type { DomainEvent, EventBus } from './events/bus.js';
import { withCode } from './errors.js';

/** What a subscription resolver finds in its context. */
export interface SubscriptionContext {
  /** Position after which to replay retained events; absent for a new subscription. */
  resumeAfter?: string;
  /** The position of the last event yielded, reported to the gateway with each message. */
  position: { last?: string };
  /** The subscribe message's extensions (e.g. the caller's signed identity). */
  extensions: Record<string, unknown>;
  /** The upgrade request's headers (the gateway's identity). */
  headers: IncomingMessage['headers'];
}

export interface SubgraphSubscriptionOptions {
  httpServer: Server;
  schema: GraphQLSchema;
  /** @default '/graphql' */
  path?: string;
  /** Refuses a connection that is not from the gateway; throw (or reject) to refuse. @default accept */
  verifyConnection?: (request: IncomingMessage) => void | Promise<void>;
  /**
   * Checks one subscribe message (e.g. the caller's signed identity in its
   * extensions, bound to the payload's operation); return errors to refuse it.
   * It runs once per subscribe message, before `context`. @default accept
   */
  verifySubscribe?: (
    extensions: Record<string, unknown>,
    operation: { query: unknown; operationName: unknown; variables: unknown },
  ) => readonly GraphQLError[] | undefined | Promise<readonly GraphQLError[] | undefined>;
  /** Adds the subgraph's own context (loaders, caller) to each subscription's context. */
  context?: (base: SubscriptionContext) => Record<string, unknown> | Promise<Record<string, unknown>>;
}

export function serveSubgraphSubscriptions(opts: SubgraphSubscriptionOptions): { dispose(): Promise<void> } {
  const path = opts.path ?? '/graphql';
  const wss = new WebSocketServer({ noServer: true });
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    if (new URL(req.url ?? '/', 'http://subgraph').pathname !== path) return;
    Promise.resolve()
      .then(() => opts.verifyConnection?.(req))
      .then(
        () => wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req)),
        () => socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n'),
      );
  };
  opts.httpServer.on('upgrade', onUpgrade);
  const server = useServer<Record<string, unknown>, { socket: WebSocket; request: IncomingMessage }>(
    {
      schema: opts.schema,
      onSubscribe: async (_ctx, _id, payload) => {
        const refused = await opts.verifySubscribe?.((payload.extensions ?? {}) as Record<string, unknown>, {
          query: payload.query,
          operationName: payload.operationName,
          variables: payload.variables,
        });
        return refused && refused.length > 0 ? refused : undefined;
      },
      context: async (ctx, _id, payload) => {
        const extensions = (payload.extensions ?? {}) as Record<string, unknown>;
        const resumeAfter = typeof extensions.resumeAfter === 'string' ? extensions.resumeAfter : undefined;
        const base: SubscriptionContext = {
          ...(resumeAfter ? { resumeAfter } : {}),
          position: {},
          extensions,
          headers: ctx.extra.request.headers,
        };
        return { ...base, ...(await opts.context?.(base)) };
      },
      onNext: (_ctx, _id, _payload, args, result) => {
        const last = (args.contextValue as SubscriptionContext | undefined)?.position?.last;
        // A refusal thrown by a subscribe resolver (BAD_USER_INPUT, NOT_FOUND…) and an event's field
        // errors (PII_HIDDEN, UPSTREAM_UNAVAILABLE…) keep their codes, as over HTTP.
        const errors = result.errors?.map(withCode);
        if (!last && errors === undefined) return undefined;
        return { ...result, ...(errors ? { errors } : {}), ...(last ? { extensions: { ...(result.extensions ?? {}), eventPosition: last } } : {}) };
      },
    },
    wss,
  );
  return {
    async dispose() {
      opts.httpServer.off('upgrade', onUpgrade);
      await server.dispose();
    },
  };
}

/**
 * The async iterator a `subscribe` resolver returns: events of one topic from
 * the bus (replayed after `ctx.resumeAfter`, then live), filtered, each mapped
 * to the field's value. Ends when the client completes.
 */
export function eventsFor<T, R>(
  bus: EventBus,
  topic: string,
  ctx: SubscriptionContext,
  opts: { filter: (event: DomainEvent<T>) => boolean; map: (event: DomainEvent<T>) => R },
): AsyncIterableIterator<R> {
  const source = bus.subscribe<T>(topic, ctx.resumeAfter ? { after: ctx.resumeAfter } : {});
  const iterator: AsyncIterableIterator<R> = {
    async next() {
      for (;;) {
        const n = await source.next();
        if (n.done) return { value: undefined, done: true };
        if (!opts.filter(n.value)) continue;
        ctx.position.last = n.value.position;
        return { value: opts.map(n.value), done: false };
      }
    },
    async return() {
      await source.return?.();
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
