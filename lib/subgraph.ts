/**
 * The bootstrap every subgraph shares: schema loading (the subgraph's own SDL
 * plus the shared value types), Apollo Server on Express, the request scope
 * (correlation id, traceparent), the gateway's signed caller (verified here:
 * a subgraph answers only the gateway), error formatting, health, Prometheus
 * metrics (lib/metrics.ts), and graceful shutdown. A subgraph supplies its
 * schema file, its resolvers and a per-request context factory that creates
 * its DataLoaders.
 */
import { createServer, type Server } from 'node:http';
import express from 'express';
import { createClient, type RedisClientType } from 'redis';
import { ApolloServer, type BaseContext } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import {
  GraphQLError,
  defaultFieldResolver,
  getNamedType,
  isObjectType,
  type GraphQLFieldResolver,
  type GraphQLFormattedError,
  type GraphQLSchema,
} from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { childTraceparent, correlationIdFrom, runInScope, type RequestScope } from './context.js';
import { DomainError, ErrorCode, UpstreamError, toGraphQLError } from './errors.js';
import { childLogger } from './log.js';
import { serveSubgraphSubscriptions } from './subscriptions.js';
import { ArgumentRulesPlugin, type ArgumentRules } from './arguments.js';
import { loadCommonConfig, loadMetricsConfig } from './config.js';
import { serveMetrics } from './metrics.js';
import { subgraphTypeDefs } from './schema/sdl.js';
import { CACHE_REPORT_EXTENSION, collectCacheReport, currentCacheReport, entityTag, noteCacheRead } from './cache/index.js';
import {
  CALLER_HEADER,
  PERSONAL_DATA_FIELDS,
  audit,
  loadTrustOptions,
  memoryNonceStore,
  redisNonceStore,
  verifyCaller,
  type Caller,
  type FieldGroup,
  type NonceStore,
  type SignedOperation,
  type TrustOptions,
} from './auth/index.js';

export type SubgraphName = 'customer' | 'order' | 'finance' | 'service';

/** Schema loading lives in lib/schema/sdl.ts, next to the shared types and templates it reads. */
export { sharedTypeDefs, subgraphSdl, subgraphTypeDefs } from './schema/sdl.js';

export interface RequestInfo {
  scope: RequestScope;
  headers: Record<string, string | string[] | undefined>;
  /** Who is asking, as the gateway verified and signed it. Every authorization rule (lib/auth) takes it. */
  caller: Caller;
}

export interface SubgraphModule<TContext extends BaseContext> {
  name: SubgraphName;
  /** Absolute path of the subgraph's schema.graphql. */
  schemaFile: string;
  resolvers: GraphQLResolverMap<TContext>;
  /** Called once per request (and once per subscription); creates the request's DataLoaders. */
  createContext(req: RequestInfo): TContext | Promise<TContext>;
  /** Checks on arguments beyond the shared ones (lib/arguments.ts), e.g. id formats this subgraph knows; run before any resolver. @default none */
  argumentRules?: ArgumentRules;
  /** Mounts extra HTTP routes (e.g. a webhook receiver) before /graphql. They are not behind the gateway's signature: each must authenticate its own caller. */
  routes?(app: express.Express): void;
  /** Starts background work (change feeds, the write queue's worker) once the server listens. */
  start?(): Promise<void>;
  /** Drops cached entries and list memberships by tag (writes and change events call it). Resolves false when a shared cache could not record it. */
  invalidate?(tags: readonly string[]): Promise<boolean>;
  /** Releases connections and timers when the process stops. */
  close?(): Promise<void>;
}

export interface RunningService {
  name: string;
  url: string;
  close(): Promise<void>;
}

/**
 * Formats errors for clients: codes from the one list, `system` on upstream
 * failures, and no internals in production.
 */
export function formatError(production: boolean) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    if (original instanceof UpstreamError || original instanceof DomainError) {
      const mapped = toGraphQLError(original);
      return { message: mapped.message, locations: formatted.locations, path: formatted.path, extensions: { ...mapped.extensions } };
    }
    const code = formatted.extensions?.code;
    // Errors that already carry a code keep it: Apollo's parse and validation errors,
    // and, at the gateway, the errors the subgraphs formatted.
    if (typeof code === 'string' && code !== ErrorCode.INTERNAL_SERVER_ERROR) {
      if (!production) return formatted;
      const { stacktrace: _stack, exception: _exception, ...rest } = formatted.extensions ?? {};
      return { ...formatted, extensions: rest };
    }
    const ext: Record<string, unknown> = { code: ErrorCode.INTERNAL_SERVER_ERROR };
    if (!production && original instanceof Error) {
      ext.detail = original.message;
      ext.stacktrace = original.stack?.split('\n');
    }
    return { message: 'Internal server error', locations: formatted.locations, path: formatted.path, extensions: ext };
  };
}

/** What one request has read and who asked, for its audit records. */
interface AuditState {
  caller: Caller;
  correlationId: string;
  reads: Map<string, Set<FieldGroup>>;
  /** The customer the write being resolved concerns, as its resolver learned it (auditWriteCustomer). */
  writeCustomerId?: string;
}

/**
 * Carried on the request's context object under a symbol. Not a WeakMap keyed
 * by the context: Apollo Server hands resolvers and plugins a shallow copy of
 * it (Object.assign), which keeps symbol-keyed properties but not identity.
 */
const AUDIT = Symbol('audit');
const auditState = (ctx: unknown): AuditState | undefined =>
  ctx !== null && typeof ctx === 'object' ? (ctx as { [AUDIT]?: AuditState })[AUDIT] : undefined;

/**
 * Tells the audit record of the write being resolved which customer it
 * concerns, when its arguments do not say: an order's owner, say, known once
 * the order is read. Call it with the resolver's context; a no-op outside a
 * write. Mutations run one after another, so it cannot name another's customer.
 */
export function auditWriteCustomer(ctx: unknown, customerId: string): void {
  const state = auditState(ctx);
  if (state) state.writeCustomerId = customerId;
}

function stringArg(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

/**
 * Wraps, in place, the resolvers of personal-data fields (PERSONAL_DATA_FIELDS)
 * to note each (customer, field group) read, and every Mutation field to write
 * an audit record of the write and its outcome. Done here, once, so that every
 * subgraph audits the same way without a line in its resolvers.
 */
function instrumentAudit(schema: GraphQLSchema): void {
  for (const [typeName, fields] of Object.entries(PERSONAL_DATA_FIELDS)) {
    const type = schema.getType(typeName);
    if (!isObjectType(type)) continue;
    const defs = type.getFields();
    for (const [fieldName, group] of Object.entries(fields)) {
      const def = defs[fieldName];
      if (!def) continue;
      const resolve: GraphQLFieldResolver<unknown, object> = def.resolve ?? defaultFieldResolver;
      def.resolve = (parent, args, ctx, info) => {
        const state = auditState(ctx);
        const customerId = stringArg((parent as { id?: unknown } | null)?.id);
        if (state && customerId) {
          const groups = state.reads.get(customerId) ?? new Set<FieldGroup>();
          groups.add(group);
          state.reads.set(customerId, groups);
        }
        return resolve(parent, args, ctx, info);
      };
    }
  }
  const mutation = schema.getMutationType();
  if (!mutation) return;
  for (const def of Object.values(mutation.getFields())) {
    const resolve: GraphQLFieldResolver<unknown, object> = def.resolve ?? defaultFieldResolver;
    def.resolve = async (parent, args: Record<string, unknown>, ctx, info) => {
      const state = auditState(ctx);
      const input = (args.input ?? {}) as Record<string, unknown>;
      // Identifiers only: ids of the records acted on, never the values written.
      const target: Record<string, string> = {};
      for (const [k, v] of [...Object.entries(args), ...Object.entries(input)]) {
        if ((k === 'id' || k.endsWith('Id')) && typeof v === 'string') target[k] = v;
      }
      const fromArgs =
        stringArg(args.customerId) ?? stringArg(input.customerId) ?? (getNamedType(info.returnType).name.startsWith('Customer') ? stringArg(args.id) : undefined);
      if (state) state.writeCustomerId = undefined;
      const record = () => {
        const customerId = fromArgs ?? state?.writeCustomerId;
        return { action: 'write' as const, operation: info.fieldName, ...(customerId ? { customerId } : {}), target };
      };
      try {
        const result: unknown = await resolve(parent, args, ctx, info);
        if (state) audit(state.caller, state.correlationId, { ...record(), outcome: 'succeeded' });
        return result;
      } catch (err) {
        const original = unwrapResolverError(err);
        const errorCode = original instanceof DomainError || original instanceof UpstreamError ? original.code : ErrorCode.INTERNAL_SERVER_ERROR;
        if (state) audit(state.caller, state.correlationId, { ...record(), outcome: 'failed', errorCode });
        throw err;
      }
    };
  }
}

/**
 * Notes, in the request's cache report, every entity whose fields this subgraph
 * resolves (`Customer:C-000042`), whether or not the value came through the
 * entity cache: the gateway's response cache must know every entity an answer
 * shows to drop it when one changes. List tags come from the cache itself.
 */
function instrumentCacheReport(schema: GraphQLSchema): void {
  const entities = schema.getType('_Entity');
  if (!entities || !('getTypes' in entities)) return;
  for (const type of entities.getTypes()) {
    for (const def of Object.values(type.getFields())) {
      const resolve: GraphQLFieldResolver<unknown, object> = def.resolve ?? defaultFieldResolver;
      def.resolve = (parent, args, ctx, info) => {
        const id = (parent as { id?: unknown } | null)?.id;
        if (typeof id === 'string') noteCacheRead([entityTag(type.name, id)]);
        return resolve(parent, args, ctx, info);
      };
    }
  }
}

/**
 * How long an idle keep-alive connection stays open, ms. Node closes one after 5 s by
 * default; a caller pooling connections (the gateway to its subgraphs, a load balancer to
 * the gateway) that sends on it just as it closes sees "socket hang up", and its client
 * an INTERNAL_SERVER_ERROR. Idle connections are kept longer than the common 60 s of
 * load balancers, so the caller is the side that closes them.
 */
export const KEEP_ALIVE_TIMEOUT_MS = 65_000;

/** The largest request body a subgraph reads. The gateway's own limit on client bodies is far smaller; entity fetches of a large plan are what come near this. */
export const SUBGRAPH_BODY_LIMIT = '1mb';

type HttpError = { type?: unknown; status?: unknown; statusCode?: unknown };

/**
 * Turns a failure that reached Express (a body that is not JSON, too large,
 * badly compressed, in an unknown encoding or charset, or a route's own
 * failure) into a coded GraphQL error in JSON, never Express's HTML page,
 * which names files and, outside production, prints the stack.
 */
export function jsonErrorHandler(log: ReturnType<typeof childLogger>, bodyLimit = SUBGRAPH_BODY_LIMIT): express.ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const e = (err ?? {}) as HttpError;
    const status = typeof e.status === 'number' ? e.status : typeof e.statusCode === 'number' ? e.statusCode : 500;
    const send = (httpStatus: number, message: string, extensions: Record<string, unknown>): void => {
      res.status(httpStatus).json({ errors: [{ message, extensions }] });
    };
    switch (e.type) {
      case 'entity.too.large':
        send(413, `expected a request body of at most ${bodyLimit}, got more`, { code: ErrorCode.QUERY_TOO_COMPLEX, limit: 'bodySize', max: bodyLimit });
        return;
      case 'encoding.unsupported':
        send(415, `expected a body with Content-Encoding identity, gzip, deflate or br, got '${String(req.headers['content-encoding'] ?? '').slice(0, 40)}'`, {
          code: ErrorCode.BAD_USER_INPUT,
        });
        return;
      case 'charset.unsupported':
        send(415, 'expected a JSON body in UTF-8', { code: ErrorCode.BAD_USER_INPUT });
        return;
      case 'entity.parse.failed':
        send(400, 'expected a JSON request body, got one that does not parse', { code: ErrorCode.BAD_USER_INPUT });
        return;
      default:
        break;
    }
    if (status >= 400 && status < 500) {
      // A gzip body that does not inflate, a body shorter or longer than its Content-Length, an aborted upload.
      send(status === 413 || status === 415 ? status : 400, 'expected a well-formed request body (JSON, in the Content-Encoding it declares)', { code: ErrorCode.BAD_USER_INPUT });
      return;
    }
    log.error({ err: err instanceof Error ? err.message : String(err), path: req.path }, 'request failed outside GraphQL');
    send(500, 'Internal server error', { code: ErrorCode.INTERNAL_SERVER_ERROR });
  };
}

/** The operation an HTTP request to /graphql will execute, as Apollo Server reads it: the JSON body of a POST, the query string of a GET. */
function operationOf(req: express.Request): SignedOperation {
  if (req.method !== 'GET') {
    const body: unknown = req.body;
    return body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as SignedOperation) : { query: body };
  }
  const q = req.query as Record<string, unknown>;
  let variables: unknown = q.variables;
  if (typeof variables === 'string') {
    try {
      variables = JSON.parse(variables);
    } catch {
      // Apollo refuses it too; the digest then matches nothing the gateway signs.
    }
  }
  return { query: q.query, operationName: q.operationName, variables };
}

/** An HTTP server for an Express app, with keep-alive timeouts that pooled callers can rely on. */
export function createAppServer(app: express.Express): Server {
  const server = createServer(app);
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  // Must exceed keepAliveTimeout, or a request arriving on an idle connection can be cut off.
  server.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 1_000;
  return server;
}

export async function serveSubgraph<TContext extends BaseContext>(
  mod: SubgraphModule<TContext>,
  listen: { port: number; host: string },
  opts: {
    production?: boolean;
    /** The secret(s) the gateway signs the caller header with. @default from INTERNAL_AUTH_SECRET (boot fails without it) */
    trust?: TrustOptions;
    /**
     * Where to serve Prometheus metrics, without credentials (keep it off the public
     * ingress); `false` serves none. Never under /graphql.
     * @default from METRICS_PATH ('/metrics' when unset, `off` for none)
     */
    metricsPath?: string | false;
    /**
     * Remembers the ids of the caller headers already accepted, so a header is good
     * for one request. @default shared in Redis (REDIS_URL), so a header replayed to
     * another replica is refused too; in memory without it
     */
    nonces?: NonceStore;
  } = {},
): Promise<RunningService> {
  const log = childLogger(`subgraph:${mod.name}`);
  const production = opts.production ?? process.env.NODE_ENV === 'production';
  const trust = opts.trust ?? loadTrustOptions(process.env);
  const metricsPath = opts.metricsPath ?? loadMetricsConfig(process.env).path;
  let nonceRedis: RedisClientType | undefined;
  let nonces = opts.nonces;
  if (!nonces) {
    const common = loadCommonConfig(process.env);
    if (common.redisUrl) {
      nonceRedis = createClient({ url: common.redisUrl, disableOfflineQueue: true }) as RedisClientType;
      let lastLogged = 0;
      const report = (err: unknown): void => {
        // A reconnect loop reports an error per attempt; one line per 10 s is enough to see it.
        if (Date.now() - lastLogged < 10_000) return;
        lastLogged = Date.now();
        log.warn({ err: err instanceof Error ? err.message : String(err) }, 'caller nonces: redis error; replays are refused per replica only');
      };
      nonceRedis.on('error', report);
      await nonceRedis.connect();
      nonces = redisNonceStore(nonceRedis, { namespace: common.namespace, onError: report });
    } else {
      nonces = memoryNonceStore();
    }
  }
  const nonceStore = nonces;
  const audience = mod.name;
  const schema = buildSubgraphSchema([{ typeDefs: subgraphTypeDefs(mod.schemaFile), resolvers: mod.resolvers }]);
  instrumentAudit(schema);
  instrumentCacheReport(schema);
  const app = express();
  app.disable('x-powered-by');
  // First, so that a bad path fails before anything starts, and outside /graphql: a scrape carries no signed caller.
  serveMetrics(app, metricsPath);
  const httpServer: Server = createAppServer(app);
  const apollo = new ApolloServer<TContext>({
    schema,
    formatError: formatError(production),
    includeStacktraceInErrorResponses: false,
    // Inline (ftv1) traces are for Apollo Studio, which this product does not report to.
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ApolloServerPluginInlineTraceDisabled(),
      // Every argument checked before any resolver runs, so a bad value costs no system-of-record call.
      ArgumentRulesPlugin<TContext>(mod.argumentRules),
      {
        // One read record per customer per request, listing the field groups read.
        async requestDidStart() {
          return {
            async willSendResponse({ contextValue }) {
              const state = auditState(contextValue);
              if (!state) return;
              for (const [customerId, groups] of state.reads) {
                audit(state.caller, state.correlationId, { action: 'read', customerId, fieldGroups: [...groups].sort() });
              }
              state.reads.clear();
            },
          };
        },
      },
      {
        // What the request read through the entity cache, for the gateway's response cache (lib/cache/tags-report.ts).
        async requestDidStart() {
          return {
            async willSendResponse({ response }) {
              const report = currentCacheReport();
              if (!report || response.body.kind !== 'single') return;
              const result = response.body.singleResult;
              result.extensions = { ...result.extensions, [CACHE_REPORT_EXTENSION]: report };
            },
          };
        },
      },
    ],
  });
  await apollo.start();

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok', subgraph: mod.name });
  });
  mod.routes?.(app);
  app.use(
    '/graphql',
    express.json({ limit: SUBGRAPH_BODY_LIMIT }),
    jsonErrorHandler(log),
    async (req: express.Request, res: express.Response, next: express.NextFunction) => {
      const scope: RequestScope = {
        correlationId: correlationIdFrom(req.headers['x-correlation-id']),
        traceparent: childTraceparent(req.headers.traceparent),
      };
      res.setHeader('x-correlation-id', scope.correlationId);
      res.locals.scope = scope;
      // Only the gateway may call a subgraph: every request, schema
      // introspection included, carries the caller the gateway verified, signed
      // for this subgraph and this operation, once. Anything else is refused
      // before Apollo runs.
      const verdict = await verifyCaller(req.headers[CALLER_HEADER], {
        trust,
        correlationId: scope.correlationId,
        bind: { audience, operation: operationOf(req) },
        nonces: nonceStore,
      });
      if (verdict.phase === 'rejected') {
        runInScope(scope, () => log.warn({ reason: verdict.reason }, 'refused a request not signed by the gateway'));
        res.status(401).json({
          errors: [{ message: 'this subgraph answers only the gateway: send your request to the gateway', extensions: { code: ErrorCode.UNAUTHENTICATED } }],
        });
        return;
      }
      res.locals.caller = verdict.caller;
      runInScope(scope, () => collectCacheReport(() => next()));
    },
    expressMiddleware(apollo, {
      context: async ({ req, res }) => {
        const scope = res.locals.scope as RequestScope;
        const caller = res.locals.caller as Caller;
        const ctx = await mod.createContext({ scope, headers: req.headers, caller });
        const state: AuditState = { caller, correlationId: scope.correlationId, reads: new Map() };
        Object.defineProperty(ctx, AUDIT, { value: state, enumerable: true });
        return ctx;
      },
    }),
  );

  // Failures outside /graphql's own handler too (a webhook route's body, say): JSON, never an HTML page.
  app.use((_req: express.Request, res: express.Response) => {
    res.status(404).json({ errors: [{ message: 'no such route on this subgraph: send GraphQL requests to the gateway', extensions: { code: ErrorCode.NOT_FOUND } }] });
  });
  app.use(jsonErrorHandler(log));

  // Subscriptions: graphql-ws on the same path, for the gateway only. The
  // connection carries the gateway's own signed identity, for this subgraph;
  // each subscribe carries the caller it verified, signed for this subgraph and
  // that subscribe's operation. A subscribe is verified once (its id is then
  // spent); its context takes the caller from that verification.
  const subscribers = new WeakMap<object, Caller>();
  const subscriptions = schema.getSubscriptionType()
    ? serveSubgraphSubscriptions({
        httpServer,
        schema,
        verifyConnection: async (req) => {
          const verdict = await verifyCaller(req.headers[CALLER_HEADER], {
            trust,
            correlationId: correlationIdFrom(req.headers['x-correlation-id']),
            bind: { audience, operation: 'connection' },
            nonces: nonceStore,
          });
          if (verdict.phase === 'rejected') {
            log.warn({ reason: verdict.reason }, 'refused a subscription connection not signed by the gateway');
            throw new Error(verdict.reason);
          }
        },
        verifySubscribe: async (extensions, operation) => {
          const verdict = await verifyCaller(typeof extensions.caller === 'string' ? extensions.caller : undefined, {
            trust,
            correlationId: typeof extensions.correlationId === 'string' ? extensions.correlationId : undefined,
            bind: { audience, operation },
            nonces: nonceStore,
          });
          if (verdict.phase === 'rejected') {
            log.warn({ reason: verdict.reason }, 'refused a subscribe not signed by the gateway');
            return [new GraphQLError('this subgraph answers only the gateway', { extensions: { code: ErrorCode.UNAUTHENTICATED } })];
          }
          // graphql-ws hands `context` the same payload, hence the same extensions object.
          subscribers.set(extensions, verdict.caller);
          return undefined;
        },
        context: async (base) => {
          const caller = subscribers.get(base.extensions);
          if (!caller) throw new Error('a subscribe reached its context without a verified caller');
          const correlationId = typeof base.extensions.correlationId === 'string' ? base.extensions.correlationId : correlationIdFrom(undefined);
          const scope: RequestScope = { correlationId, traceparent: childTraceparent(undefined) };
          return (await mod.createContext({ scope, headers: base.headers, caller })) as Record<string, unknown>;
        },
      })
    : undefined;

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(listen.port, listen.host, () => resolve());
  });
  const addr = httpServer.address();
  const port = typeof addr === 'object' && addr ? addr.port : listen.port;
  const url = `http://${listen.host === '0.0.0.0' ? '127.0.0.1' : listen.host}:${port}/graphql`;
  log.info({ url }, 'subgraph listening');
  await mod.start?.();
  return {
    name: mod.name,
    url,
    async close() {
      await subscriptions?.dispose();
      await apollo.stop();
      await mod.close?.();
      await nonceStore.close?.();
      await nonceRedis?.quit().catch(() => undefined);
    },
  };
}

/** Exits cleanly on SIGINT/SIGTERM after closing the given services. */
export function closeOnSignals(services: RunningService[], log = childLogger('process')): void {
  let closing = false;
  const stop = (signal: string): void => {
    if (closing) return;
    closing = true;
    log.info({ signal }, 'shutting down');
    Promise.allSettled(services.map((s) => s.close())).then(() => process.exit(0));
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}
