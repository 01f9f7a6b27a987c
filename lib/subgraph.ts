/**
 * Serving one subgraph: its schema (its own SDL plus the shared value types),
 * Apollo Server on Express, the request scope (correlation id, traceparent), the
 * gateway's signed caller (verified here: a subgraph answers only the gateway),
 * the audit trail and the cache report, health, and Prometheus metrics
 * (lib/metrics.ts). A subgraph supplies its schema file, its resolvers and a
 * per-request context factory that creates its DataLoaders; lib/boot.ts wires
 * what it depends on.
 */
import type { Server } from 'node:http';
import { join } from 'node:path';
import express from 'express';
import { createClient, type RedisClientType } from 'redis';
import { ApolloServer, HeaderMap, type BaseContext, type HTTPGraphQLResponse } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { GraphQLError, type GraphQLFieldResolver, type GraphQLScalarType } from 'graphql';
import { childTraceparent, correlationIdFrom, runInScope, type RequestScope } from './context.js';
import { ErrorCode, formatError } from './errors.js';
import { childLogger } from './log.js';
import { codeRoot } from './paths.js';
import { subgraphTypeDefs } from './schema/sdl.js';
import { serveSubgraphSubscriptions } from './subscriptions.js';
import { ArgumentRulesPlugin, type ArgumentRules } from './arguments.js';
import { loadCommonConfig, loadMetricsConfig } from './config.js';
import { serveMetrics } from './metrics.js';
import { SubgraphRequestsPlugin } from './subgraph-requests.js';
import { Health, redisCheck, type HealthCheck } from './health.js';
import { createAppServer, jsonErrorHandler, listenGraphQL, SUBGRAPH_BODY_LIMIT, type RunningService } from './server.js';
import { SpanKind, activeTraceparent, contextFromHeaders, inSpan, tracingOn } from './tracing.js';

export type { RunningService } from './server.js';
import type { LocalSubgraph } from './local-subgraph.js';
export type { LocalRequest, LocalResponse, LocalSubgraph } from './local-subgraph.js';
import { CACHE_REPORT_EXTENSION, collectCacheReport, currentCacheReport, instrumentCacheReport } from './cache/index.js';
import {
  CALLER_HEADER,
  acceptVoucher,
  beginAudit,
  bindPiiCaller,
  flushAuditReads,
  instrumentAudit,
  instrumentPii,
  loadTrustOptions,
  memoryNonceStore,
  redisNonceStore,
  verifyCaller,
  type Caller,
  type CallerVerification,
  type CallerVoucher,
  type NonceStore,
  type SignatureBinding,
  type SignedOperation,
  type TrustOptions,
} from './auth/index.js';

/**
 * Resolvers by type and field, in the shape buildSubgraphSchema takes (it does
 * not export its own type from the package's entry point).
 */
// any: each type's resolvers take their own parent type, checked by the generated Resolvers type (codegen.ts); `unknown` or
// `never` would not do, since the map must be assignable both from our resolvers and to buildSubgraphSchema's own `any` map.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type FieldResolver<TContext> = GraphQLFieldResolver<any, TContext>;
export interface ResolverMap<TContext> {
  [typeName: string]:
    | { [fieldName: string]: FieldResolver<TContext> | { requires?: string; resolve?: FieldResolver<TContext>; subscribe?: FieldResolver<TContext> } }
    | GraphQLScalarType
    | { [enumValue: string]: string | number };
}

/** A subgraph's schema.graphql, which ships beside its code (the build copies it into dist/). */
export const schemaFileOf = (name: string): string => join(codeRoot, 'subgraphs', name, 'schema.graphql');

/** Schema loading lives in lib/schema/sdl.ts, next to the shared types and templates it reads. */
export { sharedTypeDefs, subgraphSdl, subgraphTypeDefs } from './schema/sdl.js';

export interface RequestInfo {
  scope: RequestScope;
  headers: Record<string, string | string[] | undefined>;
  /** Who is asking, as the gateway verified and signed it. Every authorization rule (lib/auth) takes it. */
  caller: Caller;
}

export interface SubgraphModule<TContext extends BaseContext> {
  /** Its name in config/subgraphs.json: the caller header is signed for it. */
  name: string;
  /** Absolute path of its schema. @default schemaFileOf(name), subgraphs/<name>/schema.graphql */
  schemaFile?: string;
  resolvers: ResolverMap<TContext>;
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

/** A request to /graphql as every transport delivers it: the HTTP route and the in-process entry. */
interface EdgeRequest {
  method: string;
  headers: Record<string, string | string[] | undefined>;
  /** The URL's query string, with its `?`, or ''. */
  search: string;
  /** The parsed JSON body (undefined for a GET). */
  body: unknown;
  /** The body's bytes as received (decoded from its Content-Encoding, if it had one), which a signed caller header may bind; undefined without a body. */
  rawBody: string | Uint8Array | undefined;
  /** The gateway's in-process voucher for the caller (LocalRequest.voucher); the HTTP route never sets it. */
  voucher?: CallerVoucher;
}

/**
 * What a request's caller header may be bound to (lib/auth/internal.ts): the
 * body's bytes, and the operation Apollo Server will execute (the JSON body of a
 * POST, the query string of a GET), for headers that bind the operation.
 */
function bindingOf(audience: string, req: EdgeRequest): SignatureBinding {
  if (req.method !== 'GET') {
    const body = req.body;
    const operation = body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as SignedOperation) : { query: body };
    return { audience, operation, body: req.rawBody ?? '' };
  }
  const q = new URLSearchParams(req.search);
  let variables: unknown = q.get('variables') ?? undefined;
  if (typeof variables === 'string') {
    try {
      variables = JSON.parse(variables);
    } catch {
      // Apollo refuses it too; the digest then matches nothing the gateway signs.
    }
  }
  return { audience, operation: { query: q.get('query') ?? undefined, operationName: q.get('operationName') ?? undefined, variables } };
}

/** express.json's `verify` hook keeps the body's bytes here, for the caller check. */
const RAW_BODY = Symbol('rawBody');
type WithRawBody = { [RAW_BODY]?: Buffer };

/** A subgraph served: its HTTP server's URL and close(), and the entry the gateway calls when it runs in the same process. */
export interface ServedSubgraph extends RunningService {
  local: LocalSubgraph;
}

export async function serveSubgraph<TContext extends BaseContext>(
  mod: SubgraphModule<TContext>,
  listen: { port: number; host: string },
  opts: {
    production?: boolean;
    /** The secret(s) the gateway signs the caller header with. @default from INTERNAL_AUTH_SECRET (boot fails without it) */
    trust?: TrustOptions;
    /**
     * Where to serve Prometheus metrics, to loopback peers or with metricsToken (keep it off the public
     * ingress); `false` serves none. Never under /graphql.
     * @default from METRICS_PATH ('/metrics' when unset, `off` for none)
     */
    metricsPath?: string | false;
    /** The bearer token a scrape must carry (lib/metrics.ts). @default from METRICS_TOKEN; unset, only loopback peers are answered */
    metricsToken?: string;
    /**
     * Remembers the ids of the caller headers already accepted, so a header is good
     * for one request. @default shared in Redis (REDIS_URL), so a header replayed to
     * another replica is refused too; in memory without it
     */
    nonces?: NonceStore;
    /** What readiness asks besides this file's own parts (lib/health.ts): systems, feeds, the write queue, Redis. @default none */
    health?: readonly HealthCheck[] | (() => readonly HealthCheck[]);
  } = {},
): Promise<ServedSubgraph> {
  const log = childLogger(`subgraph:${mod.name}`);
  const production = opts.production ?? process.env.NODE_ENV === 'production';
  const trust = opts.trust ?? loadTrustOptions(process.env);
  const metricsPath = opts.metricsPath ?? loadMetricsConfig(process.env).path;
  const metricsToken = opts.metricsToken ?? loadMetricsConfig(process.env).token;
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
  const health = new Health(`subgraph:${mod.name}`, opts.health);
  // Without it, replayed caller headers are refused per replica only (redisNonceStore falls back to memory).
  if (nonceRedis) health.add(redisCheck(nonceRedis, { required: false, name: 'redis:nonces' }));
  const audience = mod.name;
  const schema = buildSubgraphSchema([{ typeDefs: subgraphTypeDefs(mod.schemaFile ?? schemaFileOf(mod.name)), resolvers: mod.resolvers }]);
  instrumentAudit(schema);
  // After the audit, so that it wraps it: a field hidden from the caller is not audited as read.
  instrumentPii(schema);
  instrumentCacheReport(schema);
  const app = express();
  app.disable('x-powered-by');
  // An ETag is a hash of every body sent; the gateway POSTs, and a POST answer is never revalidated.
  app.set('etag', false);
  // First, so that a bad path fails before anything starts, and outside /graphql: a scrape carries no signed caller.
  serveMetrics(app, metricsPath, metricsToken);
  const httpServer: Server = createAppServer(app);
  const apollo = new ApolloServer<TContext>({
    schema,
    // closeOnSignals (lib/server.ts) owns SIGTERM: readiness turns 503 first. Apollo's own handler would stop
    // the HTTP server at once and re-raise the signal, killing the process before feeds and queues close.
    stopOnTerminationSignals: false,
    formatError: formatError(production),
    includeStacktraceInErrorResponses: false,
    // Inline (ftv1) traces are for Apollo Studio, which this product does not report to. No schema here
    // gives cache-control hints, so the cache-control plugin's work on every field would only ever yield
    // `no-store`, which the gateway reads as it reads no header (max-age 0).
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ApolloServerPluginInlineTraceDisabled(),
      ApolloServerPluginCacheControlDisabled(),
      SubgraphRequestsPlugin<TContext>(mod.name),
      // Every argument checked before any resolver runs, so a bad value costs no system-of-record call.
      ArgumentRulesPlugin<TContext>(mod.argumentRules),
      {
        // One read record per customer per request, listing the field groups read; then what the request
        // read through the entity cache, and those records, for the gateway's caches (lib/cache/tags-report.ts).
        // One hook, in this order: the report carries the reads the records name.
        async requestDidStart() {
          return {
            async willSendResponse({ contextValue, response }) {
              flushAuditReads(contextValue);
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

  health.serve(app, { subgraph: mod.name });
  mod.routes?.(app);
  /**
   * The caller of a request: an in-process voucher when it carries one and it
   * holds (no HMAC, no digest, no nonce); otherwise the signed header, as over
   * HTTP. A refused voucher is reported as such when there is no header to fall back on.
   */
  const callerOf = async (req: EdgeRequest, correlationId: string): Promise<CallerVerification> => {
    const vouched = req.voucher === undefined ? undefined : acceptVoucher(req.voucher, { audience, correlationId });
    if (vouched?.phase === 'verified' || (vouched && req.headers[CALLER_HEADER] === undefined)) return vouched;
    return verifyCaller(req.headers[CALLER_HEADER], { trust, correlationId, bind: bindingOf(audience, req), nonces: nonceStore });
  };
  /**
   * One request to /graphql, whatever carried it: the HTTP route and the
   * in-process entry both come through here. Only the gateway may call a
   * subgraph: every request, schema introspection included, carries the caller
   * the gateway verified, signed for this subgraph and this request body, once;
   * or, in process, vouched for this subgraph and this request, once.
   * Anything else is refused before Apollo runs.
   */
  const serve = async (req: EdgeRequest): Promise<HTTPGraphQLResponse> => {
    const scope: RequestScope = {
      correlationId: correlationIdFrom(req.headers['x-correlation-id']),
      traceparent: activeTraceparent() ?? childTraceparent(req.headers.traceparent),
    };
    const verdict = await callerOf(req, scope.correlationId);
    if (verdict.phase === 'rejected') {
      runInScope(scope, () => log.warn({ reason: verdict.reason }, 'refused a request not signed by the gateway'));
      const refusal = { message: 'this subgraph answers only the gateway: send your request to the gateway', extensions: { code: ErrorCode.UNAUTHENTICATED } };
      return {
        status: 401,
        headers: new HeaderMap([
          ['content-type', 'application/json; charset=utf-8'],
          ['x-correlation-id', scope.correlationId],
        ]),
        body: { kind: 'complete', string: JSON.stringify({ errors: [refusal] }) },
      };
    }
    const caller = verdict.caller;
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    const answer = await runInScope(scope, () =>
      collectCacheReport(() =>
        apollo.executeHTTPGraphQLRequest({
          httpGraphQLRequest: { method: req.method.toUpperCase(), headers, search: req.search, body: req.body },
          context: async () => {
            const ctx = await mod.createContext({ scope, headers: req.headers, caller });
            beginAudit(ctx, caller, scope.correlationId);
            bindPiiCaller(ctx, caller);
            return ctx;
          },
        }),
      ),
    );
    answer.headers.set('x-correlation-id', scope.correlationId);
    return answer;
  };
  /**
   * With tracing on, each request is a SERVER span continued from the gateway's
   * traceparent (over HTTP and in process alike), named after the operation the
   * gateway sent; the entity cache's hits and misses and the system-of-record
   * calls of its resolvers land on or under it.
   */
  const edge = (req: EdgeRequest): Promise<HTTPGraphQLResponse> => {
    if (!tracingOn()) return serve(req);
    const body = (req.body ?? {}) as { operationName?: unknown; query?: unknown };
    const operationName = typeof body.operationName === 'string' ? body.operationName : undefined;
    const type = typeof body.query === 'string' ? (/^\s*(query|mutation|subscription)\b/.exec(body.query)?.[1] ?? 'query') : 'query';
    const correlationId = req.headers['x-correlation-id'];
    const attributes = {
      'subgraph.name': mod.name,
      'graphql.operation.type': type,
      ...(operationName ? { 'graphql.operation.name': operationName } : {}),
      ...(typeof correlationId === 'string' ? { 'rsg.correlation_id': correlationId } : {}),
    };
    return inSpan(operationName ? `${type} ${operationName}` : `${type} (subgraph ${mod.name})`, { kind: SpanKind.SERVER, parent: contextFromHeaders(req.headers), attributes }, async (span) => {
      const answer = await serve(req);
      span?.setAttribute('http.response.status_code', answer.status ?? 200);
      return answer;
    });
  };

  app.use(
    '/graphql',
    express.json({
      limit: SUBGRAPH_BODY_LIMIT,
      verify: (req, _res, buf) => {
        (req as WithRawBody)[RAW_BODY] = buf;
      },
    }),
    jsonErrorHandler(log),
    async (req: express.Request, res: express.Response) => {
      const search = req.url.includes('?') ? req.url.slice(req.url.indexOf('?')) : '';
      // Never a voucher, whatever else the request object carries: over HTTP the caller is the signed header.
      const answer = await edge({ method: req.method, headers: req.headers, search, body: req.body, rawBody: (req as WithRawBody)[RAW_BODY] });
      for (const [key, value] of answer.headers) res.setHeader(key, value);
      res.statusCode = answer.status ?? 200;
      if (answer.body.kind === 'complete') {
        res.send(answer.body.string);
        return;
      }
      for await (const chunk of answer.body.asyncIterator) res.write(chunk);
      res.end();
    },
  );

  const local: LocalSubgraph = {
    name: mod.name,
    async fetch(request) {
      let body: unknown;
      try {
        body = JSON.parse(request.body);
      } catch {
        const error = { message: 'expected a JSON request body, got one that does not parse', extensions: { code: ErrorCode.BAD_USER_INPUT } };
        return { status: 400, headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify({ errors: [error] }) };
      }
      const answer = await edge({ method: 'POST', headers: request.headers, search: '', body, rawBody: request.body, voucher: request.voucher });
      let text = '';
      if (answer.body.kind === 'complete') text = answer.body.string;
      else for await (const chunk of answer.body.asyncIterator) text += chunk;
      return { status: answer.status ?? 200, headers: Object.fromEntries(answer.headers), body: text };
    },
  };

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
          const ctx = (await mod.createContext({ scope, headers: base.headers, caller })) as Record<string, unknown>;
          bindPiiCaller(ctx, caller);
          return ctx;
        },
      })
    : undefined;

  const url = await listenGraphQL(httpServer, listen);
  log.info({ url }, 'subgraph listening');
  await mod.start?.();
  return {
    name: mod.name,
    url,
    local,
    drain: () => health.drain(),
    async close() {
      health.drain();
      await subscriptions?.dispose();
      await apollo.stop();
      await mod.close?.();
      await nonceStore.close?.();
      await nonceRedis?.quit().catch(() => undefined);
    },
  };
}
