/**
 * graphql-ws on the gateway, at the same path as HTTP. Subscriptions are
 * validated against the API schema, held to the same abuse limits as a query
 * (document size, depth, aliases, root fields, cost), authorised, planned, and
 * served by the hub; queries and mutations stay on HTTP, where the gateway's
 * plugins (limits, caches) apply. A connection lives no longer than its
 * credentials: it is closed when the token expires and when a periodic
 * re-verification refuses it (a signing key rotated out of the JWKS).
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { randomUUID } from 'node:crypto';
import { WebSocketServer, type WebSocket } from 'ws';
import { useServer } from 'graphql-ws/use/ws';
import { GraphQLError, Kind, parse, validate, type DocumentNode, type ExecutionArgs, type ExecutionResult, type GraphQLFormattedError, type OperationDefinitionNode } from 'graphql';
import { childTraceparent } from '../../../lib/context.js';
import { childLogger } from '../../../lib/log.js';
import { ErrorCode } from '../../../lib/errors.js';
import { DEFAULT_QUERY_LIMITS, checkOperationLimits, measureOperation, parseByteSize, queryTooComplex, type QueryLimits } from '../limits.js';
import { SubscriptionHub, HubFullError, type HubLimits } from './hub.js';
import { SubscriptionPlanner } from './plan.js';
import { enrichEvent, serviceOfError } from './execute.js';
import { Upstreams } from './upstream.js';
import { loadSubscriptionConfig } from './config.js';
import type { ServiceMap } from '@apollo/gateway';

const log = childLogger('subscriptions');

/** Close codes this server uses, documented in docs/subscriptions.md. */
export const CloseCodes = {
  /**
   * The credentials were refused, expired, or no longer verify. graphql-ws
   * clients treat 4401 as fatal and do not retry with the same parameters;
   * 4403, which graphql-ws's own server sends when onConnect refuses, is retried,
   * so a client holding a bad token would reconnect in a loop.
   */
  Unauthorized: 4401,
  /** The client stopped reading and its buffer filled. */
  SlowConsumer: 4413,
  /** Too many subscriptions on this connection or on this gateway. */
  TooManySubscriptions: 4429,
  /** The server is shutting down (a restart, a rollout): graphql-ws clients retry it, and reach another replica. */
  ServiceRestart: 1012,
} as const;

/** Who is connected, as the gateway's identity layer established it. */
export interface SubscriptionCaller {
  /** Stable scope string: subscribers share enrichment only within one scope. */
  scope: string;
  /**
   * Milliseconds since the epoch after which the credentials are no longer
   * accepted (a token's `exp` plus the clock tolerance the HTTP path allows), if ever.
   */
  expiresAt?: number;
}

export interface SubscriptionSecurity<C extends SubscriptionCaller> {
  /** Authenticates the connection from its connection parameters; throw to refuse. */
  authenticate(connectionParams: Record<string, unknown> | undefined, request: IncomingMessage): Promise<C> | C;
  /**
   * The document a subscribe runs, before it is parsed: the payload's own `query`, or
   * the trusted document the payload names (gateway/src/trusted-documents.ts). Throw a
   * GraphQLError to refuse the subscribe. @default the payload's `query`
   */
  document?(caller: C, payload: { query: string; documentId?: unknown; extensions?: unknown }): string;
  /** Checks one subscribe: the root field and its arguments. Throw a GraphQLError (e.g. FORBIDDEN) to refuse. */
  authorize(caller: C, field: { name: string; args: Record<string, unknown> }): void;
  /** The context the gateway's data sources get when enriching this caller's events (its scope and verified caller). */
  dataSourceContext(caller: C, scope: { correlationId: string; traceparent: string }): Record<string, unknown>;
  /** Extensions carried to the owning subgraph with the subscribe (the caller's signed identity). */
  upstreamExtensions(caller: C, correlationId: string): Record<string, unknown>;
  /** The close code for a connection whose credentials expired. */
  expiredCloseCode: number;
  /**
   * The close code for a connection whose credentials were refused, at connect
   * or on re-verification. @default 4401 (graphql-ws Unauthorized, which its clients do not retry)
   */
  rejectedCloseCode?: number;
}

/**
 * What `authenticate` throws when the credentials could not be checked at all
 * (the identity provider's JWKS could not be fetched), as opposed to refused:
 * at connect the connection is refused either way, but an open connection is
 * not closed over an outage of the identity provider.
 */
export class CredentialsUnverifiableError extends Error {
  override readonly name = 'CredentialsUnverifiableError';
}

/** Every setting of the subscription server that bounds what a client may cost. */
export type SubscriptionLimits = HubLimits & {
  /** Subscriptions open at once on one connection. @default 50 */
  perConnection: number;
};

export interface SubscriptionServerOptions<C extends SubscriptionCaller> {
  httpServer: Server;
  path: string;
  supergraphSdl: string;
  /** Overrides of the subgraph URLs the supergraph records, by name. */
  subgraphUrls?: Record<string, string>;
  /** The gateway's data sources, for the entity fetches that enrich events. */
  serviceMap: () => ServiceMap;
  security: SubscriptionSecurity<C>;
  /** Headers identifying the gateway to each subgraph's WebSocket endpoint, by subgraph name (the signature is bound to it). */
  connectionHeaders?: (subgraph: string) => Record<string, string>;
  limits?: Partial<SubscriptionLimits>;
  /**
   * Depth, alias, root-field and cost limits, applied to each subscription
   * document at subscribe time exactly as to a query over HTTP.
   * @default DEFAULT_QUERY_LIMITS (the gateway passes its own `limits`)
   */
  queryLimits?: QueryLimits;
  /**
   * Largest subscribe message (its JSON payload: query, variables, extensions),
   * as the HTTP body limit; a larger one gets QUERY_TOO_COMPLEX with `limit: 'bodySize'`.
   * WebSocket frames larger than twice this (at least 64 KiB) are refused by the
   * socket itself with close code 1009.
   * @default '100kb' (the gateway passes its own `bodyLimit`)
   */
  bodyLimit?: string | number;
  /**
   * How often each connection's credentials are verified again, so that a
   * token whose signing key left the JWKS stops being served.
   * @default 60000 (GATEWAY_SUBSCRIPTION_REVERIFY_MS)
   */
  reverifyIntervalMs?: number;
  /**
   * Formats each error a subscriber receives, as the HTTP path formats a query's
   * (codes, `system`, no internals in production). @default GraphQL's own format
   */
  formatError?: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
}

export interface RunningSubscriptionServer {
  hub: SubscriptionHub;
  close(): Promise<void>;
}

/** A result with no errors is already in its wire format. */
type FormattedResult = Omit<ExecutionResult, 'errors'>;

interface ConnectionState<C> {
  caller?: C;
  open: number;
  expiryTimer?: NodeJS.Timeout;
  reverifyTimer?: NodeJS.Timeout;
}

/** setTimeout's longest delay; a longer one fires at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** An error as the HTTP path sends it (a limit, a trusted-documents refusal): Apollo Server takes `http` (the status) out of extensions there. */
function wireError(error: GraphQLError): GraphQLError {
  const { http: _http, ...extensions } = error.extensions;
  return new GraphQLError(error.message, { extensions: { ...extensions, code: extensions.code ?? ErrorCode.QUERY_TOO_COMPLEX } });
}

export function attachSubscriptionServer<C extends SubscriptionCaller>(opts: SubscriptionServerOptions<C>): RunningSubscriptionServer {
  const planner = new SubscriptionPlanner(opts.supergraphSdl);
  const upstreams = new Upstreams({
    urls: { ...planner.subgraphUrls, ...opts.subgraphUrls },
    ...(opts.connectionHeaders ? { connectionHeaders: opts.connectionHeaders } : {}),
  });
  const env = loadSubscriptionConfig(process.env);
  const perConnection = opts.limits?.perConnection ?? 50;
  const bodyLimit = opts.bodyLimit ?? '100kb';
  const maxDocumentBytes = parseByteSize(bodyLimit);
  const reverifyIntervalMs = opts.reverifyIntervalMs ?? env.reverifyIntervalMs;
  const rejectedCloseCode = opts.security.rejectedCloseCode ?? CloseCodes.Unauthorized;
  const queryLimits = { ...DEFAULT_QUERY_LIMITS, ...opts.queryLimits };
  const hub = new SubscriptionHub(
    {
      openUpstream: (serviceName, payload, sink) => upstreams.subscribe(serviceName, payload, sink),
      enrich: (prepared, payload, variables, context, limits) =>
        enrichEvent({ planner, prepared, payload, variables, serviceMap: opts.serviceMap(), context, limits }),
      // Subscribers on one root field, arguments and scope share one enrichment of the union of their
      // selections, which is held to the cost limit of a single query.
      merging: {
        schema: planner.apiSchema,
        prepare: (document) => planner.prepare(document, null),
        cost: (document) => {
          const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
          return operation ? measureOperation(planner.apiSchema, operation, {}, {}, queryLimits.listSize).cost : 0;
        },
        maxCost: queryLimits.maxCost,
        serviceOfError,
      },
    },
    {
      bufferPerSubscriber: opts.limits?.bufferPerSubscriber ?? 256,
      maxTotal: opts.limits?.maxTotal ?? 10_000,
      enrichTimeoutMs: opts.limits?.enrichTimeoutMs ?? env.enrichTimeoutMs,
      enrichMaxBytes: opts.limits?.enrichMaxBytes ?? env.enrichMaxBytes,
    },
  );

  // ws buffers a whole message before graphql-ws parses it; without a cap a
  // client could make the gateway hold 100 MiB (ws's default) per frame.
  const wss = new WebSocketServer({ noServer: true, maxPayload: Math.max(2 * maxDocumentBytes, 64 * 1024) });
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const url = new URL(req.url ?? '/', 'http://gateway');
    if (url.pathname !== opts.path) return;
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  };
  opts.httpServer.on('upgrade', onUpgrade);

  const states = new WeakMap<WebSocket, ConnectionState<C>>();
  const stateOf = (socket: WebSocket): ConnectionState<C> => {
    let s = states.get(socket);
    if (!s) states.set(socket, (s = { open: 0 }));
    return s;
  };

  // Enrichment can fail with something other than a GraphQLError (a subgraph that
  // cannot be reached throws a plain Error inside @apollo/gateway's executor).
  // graphql-ws serialises errors with toJSON and, when that throws, closes the whole
  // connection with 4500: every subscription on it would end over one bad event.
  const format = (error: unknown): GraphQLFormattedError => {
    const formatted: GraphQLFormattedError =
      error instanceof GraphQLError ? error.toJSON() : { message: error instanceof Error ? error.message : String(error) };
    return opts.formatError ? opts.formatError(formatted, error) : formatted;
  };

  const disposable = useServer<Record<string, unknown>, { socket: WebSocket; request: IncomingMessage }>(
    {
      schema: planner.apiSchema,
      onConnect: async (ctx) => {
        const socket = ctx.extra.socket;
        const state = stateOf(socket);
        try {
          state.caller = await opts.security.authenticate(ctx.connectionParams, ctx.extra.request);
        } catch (e) {
          log.info({ err: e instanceof Error ? e.message : e }, 'subscription connection refused');
          // Closed here rather than by returning false, which graphql-ws answers with
          // 4403, a code its clients retry: a bad token would reconnect in a loop.
          socket.close(rejectedCloseCode, 'Unauthorized');
          return true;
        }
        const expiresAt = state.caller.expiresAt;
        if (expiresAt !== undefined) {
          const expire = (): void => {
            const left = expiresAt - Date.now();
            // A token valid for longer than setTimeout can wait is rescheduled, not closed early.
            if (left > 0) state.expiryTimer = setTimeout(expire, Math.min(left, MAX_TIMER_MS));
            else socket.close(opts.security.expiredCloseCode, 'Credentials expired');
          };
          state.expiryTimer = setTimeout(expire, Math.min(Math.max(0, expiresAt - Date.now()), MAX_TIMER_MS));
        }
        const params = ctx.connectionParams;
        const request = ctx.extra.request;
        state.reverifyTimer = setInterval(() => {
          void (async () => {
            try {
              await opts.security.authenticate(params, request);
            } catch (e) {
              if (e instanceof CredentialsUnverifiableError) {
                log.warn({ err: e.message }, 'could not re-verify a subscription connection; keeping it until the next check');
                return;
              }
              log.info({ err: e instanceof Error ? e.message : e }, 'subscription connection closed: its credentials no longer verify');
              socket.close(rejectedCloseCode, 'Credentials no longer valid');
            }
          })();
        }, reverifyIntervalMs);
        state.reverifyTimer.unref();
        return true;
      },
      onNext: (_ctx, _id, _payload, _args, result) =>
        result.errors ? { ...result, errors: result.errors.map(format) } : (result as FormattedResult),
      onError: (_ctx, _id, _payload, errors) => errors.map(format),
      onClose: (ctx) => {
        const state = states.get(ctx.extra.socket);
        if (state?.expiryTimer) clearTimeout(state.expiryTimer);
        if (state?.reverifyTimer) clearInterval(state.reverifyTimer);
      },
      onSubscribe: (ctx, _id, payload) => {
        const state = stateOf(ctx.extra.socket);
        const caller = state.caller;
        if (!caller) return [new GraphQLError('Not authenticated', { extensions: { code: 'UNAUTHENTICATED' } })];
        if (caller.expiresAt !== undefined && caller.expiresAt <= Date.now()) {
          ctx.extra.socket.close(opts.security.expiredCloseCode, 'Credentials expired');
          return [new GraphQLError('Credentials expired', { extensions: { code: 'UNAUTHENTICATED' } })];
        }
        // The HTTP body limit, applied to what stands for the body here: before parsing.
        const size = Buffer.byteLength(JSON.stringify(payload));
        if (size > maxDocumentBytes) return [wireError(queryTooComplex('bodySize', `${size} bytes`, bodyLimit))];
        let source = payload.query;
        if (opts.security.document) {
          try {
            source = opts.security.document(caller, payload);
          } catch (e) {
            if (e instanceof GraphQLError) return [wireError(e)];
            throw e;
          }
        }
        let document: DocumentNode;
        try {
          document = parse(source);
        } catch (e) {
          return [new GraphQLError((e as Error).message, { extensions: { code: 'GRAPHQL_PARSE_FAILED' } })];
        }
        const errors = validate(planner.apiSchema, document);
        if (errors.length > 0) return errors.map((e) => new GraphQLError(e.message, { nodes: e.nodes, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }));
        const operation = document.definitions.find(
          (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION && (payload.operationName == null || d.name?.value === payload.operationName),
        );
        if (!operation) return [new GraphQLError('no operation to run', { extensions: { code: 'BAD_USER_INPUT' } })];
        if (operation.operation !== 'subscription') {
          return [new GraphQLError('only subscriptions are served over WebSocket; send queries and mutations over HTTP', { extensions: { code: 'BAD_USER_INPUT' } })];
        }
        const roots = operation.selectionSet.selections.filter((s) => s.kind === Kind.FIELD);
        if (roots.length !== 1 || operation.selectionSet.selections.length !== 1) {
          return [new GraphQLError('a subscription selects exactly one root field', { extensions: { code: 'BAD_USER_INPUT' } })];
        }
        const variables = (payload.variables ?? {}) as Record<string, unknown>;
        // Before anything is planned or subscribed upstream, as didResolveOperation is on HTTP.
        const tooComplex = checkOperationLimits(planner.apiSchema, document, operation, variables, opts.queryLimits);
        if (tooComplex) return [wireError(tooComplex)];
        // graphql-ws records a subscribe in ctx.subscriptions before this hook runs and
        // awaits the hook for each message, so a burst of subscribes arriving together is
        // all here before any has reached `subscribe`: count the recorded ones, which
        // include this one and every other not yet completed, not those already started.
        if (Object.keys(ctx.subscriptions).length > perConnection) {
          ctx.extra.socket.close(CloseCodes.TooManySubscriptions, `more than ${perConnection} subscriptions on one connection`);
          return [new GraphQLError('too many subscriptions on this connection', { extensions: { code: 'QUERY_TOO_COMPLEX' } })];
        }
        const root = roots[0];
        if (root?.kind === Kind.FIELD) {
          const args: Record<string, unknown> = {};
          for (const a of root.arguments ?? []) {
            args[a.name.value] = a.value.kind === Kind.VARIABLE ? variables[a.value.name.value] : a.value.kind === Kind.STRING || a.value.kind === Kind.INT ? a.value.value : a.value.kind === Kind.NULL ? null : undefined;
          }
          try {
            opts.security.authorize(caller, { name: root.name.value, args });
          } catch (e) {
            if (e instanceof GraphQLError) return [e];
            throw e;
          }
        }
        const args: ExecutionArgs = {
          schema: planner.apiSchema,
          document,
          operationName: payload.operationName ?? null,
          variableValues: variables,
          contextValue: { socket: ctx.extra.socket, caller, state },
        };
        return args;
      },
      subscribe: (args) => {
        const { socket, caller, state } = args.contextValue as { socket: WebSocket; caller: C; state: ConnectionState<C> };
        const correlationId = `sub-${randomUUID()}`;
        const prepared = planner.prepare(args.document, args.operationName ?? null);
        let iterator: AsyncIterableIterator<ExecutionResult>;
        try {
          iterator = hub.subscribe({
            prepared,
            variables: (args.variableValues ?? {}) as Record<string, unknown>,
            scope: caller.scope,
            upstreamExtensions: opts.security.upstreamExtensions(caller, correlationId),
            context: opts.security.dataSourceContext(caller, { correlationId, traceparent: childTraceparent(undefined) }),
            onOverflow: () => socket.close(CloseCodes.SlowConsumer, 'Subscriber too slow: buffer full'),
          });
        } catch (e) {
          if (e instanceof HubFullError) {
            socket.close(CloseCodes.TooManySubscriptions, e.message);
            return { errors: [new GraphQLError(e.message, { extensions: { code: 'QUERY_TOO_COMPLEX' } })] };
          }
          throw e;
        }
        state.open += 1;
        const ret = iterator.return?.bind(iterator);
        let counted = true;
        iterator.return = () => {
          if (counted) {
            counted = false;
            state.open -= 1;
          }
          return ret ? ret() : Promise.resolve({ value: undefined, done: true });
        };
        return iterator;
      },
      execute: () => ({ errors: [new GraphQLError('only subscriptions are served over WebSocket', { extensions: { code: 'BAD_USER_INPUT' } })] }),
    },
    wss,
  );

  // Once: a second close (a signal during shutdown, a host closing twice) waits for the first.
  let closing: Promise<void> | undefined;
  return {
    hub,
    close() {
      closing ??= (async () => {
        opts.httpServer.off('upgrade', onUpgrade);
        hub.close();
        for (const client of wss.clients) client.close(CloseCodes.ServiceRestart, 'Server restarting: reconnect');
        await disposable.dispose();
        await upstreams.dispose();
      })();
      return closing;
    },
  };
}
