/**
 * The gateway: @apollo/gateway on Apollo Server 5 and Express, serving the
 * composed supergraph at /graphql, and its Prometheus metrics beside it
 * (/metrics by default). Features are plugins (trusted documents, drain, landing
 * page, abuse limits); the request scope (correlation id, traceparent) is set before
 * Apollo runs and forwarded to every subgraph, with the verified caller in a
 * signed header. docs/security.md describes the whole of identity and access.
 */
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import zlib from 'node:zlib';
import type { Server } from 'node:http';
import express from 'express';
import cors from 'cors';
import { GraphQLError } from 'graphql';
import { ApolloServer, type ApolloServerPlugin, type GraphQLRequestListener } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloGateway, IntrospectAndCompose, type Experimental_DidResolveQueryPlanCallback, type ServiceEndpointDefinition, type ServiceMap } from '@apollo/gateway';
import { childTraceparent, correlationIdFrom, runInScope, type RequestScope } from '../../lib/context.js';
import { formatError } from '../../lib/errors.js';
import { createAppServer, listenGraphQL, type RunningService } from '../../lib/server.js';
import { childLogger } from '../../lib/log.js';
import { loadMetricsConfig } from '../../lib/config.js';
import { serveMetrics } from '../../lib/metrics.js';
import { Health, remoteReadinessCheck, type HealthCheck } from '../../lib/health.js';
import { ErrorCode } from '../../lib/errors.js';
import { CALLER_HEADER, GATEWAY_CALLER, signCaller, type TrustOptions } from '../../lib/auth/index.js';
import { SubgraphDataSource, subgraphFetcher } from './datasource.js';
import { EarlyFetches, type EntityLookup } from './early-fetches.js';
import type { LocalSubgraph } from '../../lib/local-subgraph.js';
import type { GatewayContext } from './context.js';
import { authenticationError, type Authenticator } from './auth.js';
import { QueryLimitsPlugin, queryTooComplex, type QueryLimits } from './limits.js';
import { createCallerRateLimiter, rateLimitedError, type RateLimitOptions } from './limits-rate.js';
import { attachSubscriptionServer, type RunningSubscriptionServer } from './subscriptions/server.js';
import { SubscriptionPlanner } from './subscriptions/plan.js';
import type { HubLimits } from './subscriptions/hub.js';
import { subscriptionSecurity, type SubscriptionIdentity } from './subscriptions/security.js';
import { createResponseCache, type ResponseCache, type ResponseCacheOptions } from './response-cache/index.js';
import { GraphQLOverHttpPlugin, negotiateResultType } from './graphql-over-http.js';
import { TrustedDocuments, TrustedDocumentsPlugin, documentRequestOf, type TrustedDocumentsOptions } from './trusted-documents.js';
import { SandboxLandingPage } from './landing-page.js';
import { TracingPlugin, traceRequest } from './tracing.js';
import { OperationMetricsPlugin, knownOperation, knownOperationNames } from './metrics.js';

const log = childLogger('gateway');

const noStore: GraphQLRequestListener<GatewayContext> = {
  async willSendResponse({ response }) {
    if (!response.http.headers.has('cache-control')) response.http.headers.set('cache-control', 'no-store');
  },
};

/**
 * `cache-control: no-store` on every GraphQL answer that sets no cache-control of
 * its own (Apollo's refusals of persisted queries and the trusted-document ones
 * do): what Apollo's cache-control plugin sends when no field gives a hint, as
 * none does here, without its work on every request.
 */
const NoStorePlugin: ApolloServerPlugin<GatewayContext> = {
  async requestDidStart() {
    return noStore;
  },
};

export type SupergraphSource =
  /** A composed supergraph SDL (from `npm run compose`): what production runs. */
  | { phase: 'file'; path: string }
  | { phase: 'sdl'; sdl: string }
  /** Compose at boot from the live subgraphs' `_service { sdl }`: for development only. */
  | { phase: 'introspect'; subgraphs: Array<{ name: string; url: string }>; pollIntervalMs?: number };

export interface GatewayOptions {
  supergraph: SupergraphSource;
  /** Overrides of the subgraph URLs recorded in the supergraph, by subgraph name. */
  subgraphUrls?: Record<string, string>;
  /**
   * Subgraphs running in this process, by name (scripts/graph.ts): their queries
   * and mutations go to their in-process entry instead of over HTTP, through the
   * same counting and cache report, the caller vouched for in process rather than
   * signed (gateway/src/datasource.ts). Subscriptions still reach them over
   * graphql-ws at their URL, which they keep serving.
   * @default none: every subgraph over HTTP
   */
  localSubgraphs?: Record<string, LocalSubgraph>;
  port: number;
  host: string;
  /** Production hides internals in errors and serves no development landing page. @default NODE_ENV === 'production' */
  production?: boolean;
  /** Origins allowed by CORS (e.g. a Salesforce Lightning domain). `*` allows any. @default [] (same-origin only) */
  corsOrigins?: string[];
  /** Largest request body accepted (a size the `bytes` package parses, e.g. '100kb'); a larger one gets 413 QUERY_TOO_COMPLEX. @default '100kb' */
  bodyLimit?: string;
  /** Verifies callers' bearer tokens (see auth.ts: createAuthenticator). */
  auth: Authenticator;
  /** The secret(s) the gateway signs the caller header with; the subgraphs hold the same. */
  trust: TrustOptions;
  /** Depth, alias, root-field and cost limits. @default DEFAULT_QUERY_LIMITS */
  limits?: QueryLimits;
  /** Per-caller operations per minute, shared through Redis when given one; `false` turns it off. @default { perMinute: 600 } in process */
  rateLimit?: RateLimitOptions | false;
  /** Answer introspection queries. @default !production */
  introspection?: boolean;
  /** Serve Apollo Sandbox on GET /graphql from a browser. @default !production */
  landingPage?: boolean;
  /**
   * Where the landing page sends a browser when Apollo Sandbox cannot load its script
   * from Apollo's CDN (offline, or behind a firewall), as an alternative to a GraphQL client.
   * @default '/console/' (the agent console, where this deployment serves it)
   */
  consoleUrl?: string;
  /**
   * Trusted documents (gateway/src/trusted-documents.ts, docs/security.md): the folder of
   * manifests, and the roles that may run only their documents. Without it, every caller
   * may send any document; the gateway started from the environment always has it.
   * @default false
   */
  trustedDocuments?: TrustedDocumentsOptions | false;
  /** Subscriptions over graphql-ws on /graphql; `false` turns them off. @default on, with the limits in docs/subscriptions.md */
  subscriptions?: Partial<HubLimits & { perConnection: number }> | false;
  /**
   * The whole-response cache (docs/caching.md, "Response cache"). It needs the subgraphs'
   * invalidations to be visible to it, so give it `redisUrl` and the subgraphs' namespace
   * whenever the gateway and the subgraphs run as separate processes; in one process
   * without Redis, the host forwards them to `responseCache.invalidate` (scripts/graph.ts).
   * @default off
   */
  responseCache?: ResponseCacheOptions | false;
  /**
   * Where to serve Prometheus metrics (lib/metrics.ts): to loopback peers, or with `metricsToken`
   * to whoever sends it. Keep it off the public ingress all the same; `false` serves none. Never under /graphql.
   * @default from METRICS_PATH ('/metrics' when unset, `off` for none)
   */
  metricsPath?: string | false;
  /** The bearer token a scrape must carry (lib/metrics.ts). @default from METRICS_TOKEN; unset, only loopback peers are answered */
  metricsToken?: string;
  /**
   * The operation names the duration metric labels by name, besides those the trusted documents
   * define (as reloaded); every other name reads `other`.
   * @default knownOperationNames(process.env): examples/operations and METRICS_OPERATION_NAMES
   */
  knownOperations?: ReadonlySet<string>;
  /**
   * Lookup fields whose entity fetches go out with the plan's first fetch instead of after it
   * (early-fetches.ts). @default none; the gateway's entry sets `customer(id)` unless GATEWAY_EARLY_FETCHES=off
   */
  earlyFetches?: readonly EntityLookup[];
  /** What readiness asks besides the supergraph and the subgraphs' own readiness (lib/health.ts), e.g. the rate limit's Redis. @default none */
  health?: readonly HealthCheck[];
}

export interface RunningGateway extends RunningService {
  /** The response cache, when on: hosts forward invalidations the gateway cannot see to it. */
  responseCache: ResponseCache | undefined;
}

function supergraphSdl(source: Extract<SupergraphSource, { phase: 'file' | 'sdl' }>): string {
  return source.phase === 'sdl' ? source.sdl : readFileSync(source.path, 'utf8');
}

/** The content encodings the body parser inflates (body-parser's list; zstd where this Node has it). */
const BODY_ENCODINGS = ['identity', 'gzip', 'deflate', 'br', ...(typeof (zlib as { createZstdDecompress?: unknown }).createZstdDecompress === 'function' ? ['zstd'] : [])];

/** What the body parser raises (http-errors, or a zlib error it wrapped), as far as this file reads it. */
interface BodyParserError {
  status?: number;
  type?: string;
  message?: string;
  charset?: string;
  encoding?: string;
  /** zlib's, e.g. Z_DATA_ERROR or Z_BUF_ERROR, on a body that does not decompress. */
  code?: string;
}

/**
 * A body the gateway could not read, as the status and GraphQL error a client gets.
 * Every case says what was expected; none echoes internals (paths, frames).
 */
function bodyReadError(err: BodyParserError, contentEncoding: string, bodyLimit: string): { status: number; error: GraphQLError } {
  const refuse = (status: number, message: string): { status: number; error: GraphQLError } => ({
    status,
    error: new GraphQLError(message, { extensions: { code: ErrorCode.BAD_USER_INPUT } }),
  });
  if (err.type === 'entity.too.large') return { status: 413, error: queryTooComplex('bodySize', `more than ${bodyLimit}`, bodyLimit) };
  if (typeof err.code === 'string' && err.code.startsWith('Z_')) {
    return refuse(400, `the request body could not be decompressed as ${contentEncoding}: expected a complete ${contentEncoding} stream, as its Content-Encoding says`);
  }
  switch (err.type) {
    case 'entity.parse.failed':
      return refuse(400, `the request body is not valid JSON (${err.message ?? 'it does not parse'}); expected {"query": "…", "variables": {…}}`);
    case 'encoding.unsupported':
      return refuse(415, `expected Content-Encoding ${BODY_ENCODINGS.slice(0, -1).join(', ')} or ${BODY_ENCODINGS.at(-1)}, got ${JSON.stringify(err.encoding ?? contentEncoding)}`);
    case 'charset.unsupported':
      return refuse(415, `expected a UTF-8 JSON body, got charset ${JSON.stringify(err.charset ?? '')}`);
    case 'request.size.invalid':
      return refuse(400, 'the request body is shorter or longer than its Content-Length says');
    default:
      return refuse(400, 'the request body could not be read; expected a JSON object');
  }
}

/** A GraphQL error response written by Express, outside Apollo, in the media type the client accepts. */
function sendErrors(req: express.Request, res: express.Response, status: number, errors: GraphQLError[]): void {
  // `http` is how an error tells Apollo Server its status; it is not for clients.
  const formatted = errors.map(({ message, extensions: { http: _http, ...extensions } }) => ({ message, extensions }));
  res
    .status(status)
    .type(negotiateResultType(req) || 'application/json; charset=utf-8')
    .send(JSON.stringify({ errors: formatted }));
}

export async function startGateway(opts: GatewayOptions): Promise<RunningGateway> {
  const production = opts.production ?? process.env.NODE_ENV === 'production';
  const app = express();
  app.disable('x-powered-by');
  // An ETag is a hash of every body sent. Nothing here is served for revalidation: GraphQL answers, over
  // POST and GET alike, are `no-store` (NoStorePlugin), and so are health and metrics.
  app.set('etag', false);
  // First, so that a bad path fails before anything starts, and outside /graphql,
  // so that neither CORS nor authentication applies: Prometheus sends no token.
  serveMetrics(app, opts.metricsPath ?? loadMetricsConfig(process.env).path, opts.metricsToken ?? loadMetricsConfig(process.env).token);
  const fetch = subgraphFetcher();
  // Where each subgraph of the loaded supergraph is reached, for readiness to ask it.
  const routed = new Map<string, string>();
  // Before anything listens: a manifest that does not load stops the gateway here.
  const trustedDocuments = opts.trustedDocuments ? TrustedDocuments.load(opts.trustedDocuments) : undefined;
  const responseCache = opts.responseCache ? await createResponseCache(opts.responseCache) : undefined;
  const early = new EarlyFetches(opts.earlyFetches ?? []);
  const experimental_didResolveQueryPlan: Experimental_DidResolveQueryPlanCallback = (resolved) => early.start(resolved);
  const buildService = ({ name, url }: ServiceEndpointDefinition): SubgraphDataSource => {
    const target = opts.subgraphUrls?.[name] ?? url;
    if (target) routed.set(name, target);
    const local = opts.localSubgraphs?.[name];
    return new SubgraphDataSource({ url: target, trust: opts.trust, name, ...(local ? { local } : { fetcher: fetch.fetcher }), subgraphCache: responseCache?.subgraphs });
  };

  let gateway: ApolloGateway;
  switch (opts.supergraph.phase) {
    case 'file':
    case 'sdl':
      gateway = new ApolloGateway({ supergraphSdl: supergraphSdl(opts.supergraph), buildService, experimental_didResolveQueryPlan });
      break;
    case 'introspect':
      gateway = new ApolloGateway({
        supergraphSdl: new IntrospectAndCompose({
          subgraphs: opts.supergraph.subgraphs.map((s) => ({ name: s.name, url: opts.subgraphUrls?.[s.name] ?? s.url })),
          ...(opts.supergraph.pollIntervalMs ? { pollIntervalInMs: opts.supergraph.pollIntervalMs } : {}),
        }),
        buildService,
        experimental_didResolveQueryPlan,
      });
      break;
  }

  // The supergraph as loaded (from a file or composed from the subgraphs), for the subscription executor.
  let schemaLoaded = false;
  const loadedSupergraph = new Promise<string>((resolve) => {
    gateway.onSchemaLoadOrUpdate(({ coreSupergraphSdl }) => {
      schemaLoaded = true;
      resolve(coreSupergraphSdl);
    });
  });
  const health = new Health('gateway', () => [
    {
      name: 'supergraph',
      check: () =>
        schemaLoaded ? { name: 'supergraph', status: 'ok', reasons: [] } : { name: 'supergraph', status: 'unavailable', reasons: ['the supergraph is not loaded yet'] },
    },
    ...(opts.health ?? []),
    ...[...routed].map(([name, url]) => remoteReadinessCheck(`subgraph:${name}`, url)),
  ]);

  const httpServer: Server = createAppServer(app);
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    // closeOnSignals (lib/server.ts) owns SIGTERM: readiness turns 503 first. Apollo's own handler would stop
    // the HTTP server at once and re-raise the signal, killing the process before feeds and queues close.
    stopOnTerminationSignals: false,
    formatError: formatError(production),
    includeStacktraceInErrorResponses: false,
    introspection: opts.introspection ?? !production,
    // Apollo's default, stated: a request must be a non-simple CORS request
    // (JSON content type or an apollo-require-preflight header), so a browser on
    // another site cannot send one with the user's cookies without a preflight.
    csrfPrevention: true,
    // Apollo already keeps parsed and validated documents (its document store) and,
    // in @apollo/gateway, query plans in in-memory LRUs. APQ is on by default in
    // memory; with Redis the response cache shares it across replicas.
    ...(responseCache?.persistedQueries ? { persistedQueries: responseCache.persistedQueries } : {}),
    plugins: [
      // First: every other plugin sees the document that runs.
      TrustedDocumentsPlugin<GatewayContext>(),
      ApolloServerPluginDrainHttpServer({ httpServer }),
      (opts.landingPage ?? !production) ? SandboxLandingPage({ consoleUrl: opts.consoleUrl ?? '/console/' }) : ApolloServerPluginLandingPageDisabled(),
      // Status codes by media type, and the operations the gateway cannot run over HTTP (docs/errors.md).
      GraphQLOverHttpPlugin<GatewayContext>({ subscriptionsOverWebSocket: opts.subscriptions !== false }),
      QueryLimitsPlugin<GatewayContext>(opts.limits),
      OperationMetricsPlugin<GatewayContext>(knownOperation(opts.knownOperations ?? knownOperationNames(process.env), trustedDocuments)),
      // No schema gives cache-control hints; NoStorePlugin sends what Apollo's plugin sent for none.
      ApolloServerPluginCacheControlDisabled(),
      NoStorePlugin,
      // After the limits: an answer is never served to a request they refuse.
      ...(responseCache ? [responseCache.plugin] : []),
      TracingPlugin(),
    ],
  });
  await apollo.start();

  health.serve(app);
  const rateLimit = opts.rateLimit === false ? undefined : { perMinute: opts.rateLimit?.perMinute ?? 600, limiter: createCallerRateLimiter(opts.rateLimit) };
  const origins = opts.corsOrigins ?? [];
  const bodyLimit = opts.bodyLimit ?? '100kb';
  app.use(
    '/graphql',
    cors({
      origin: origins.includes('*') ? true : origins,
      exposedHeaders: ['x-correlation-id'],
      allowedHeaders: ['authorization', 'content-type', 'x-correlation-id', 'traceparent', 'apollo-require-preflight'],
    }),
    express.json({ limit: bodyLimit }),
    // Body parser failures as GraphQL errors: never Express's HTML page, which
    // carries a stack trace and file paths outside production.
    (err: unknown, req: express.Request, res: express.Response, next: express.NextFunction) => {
      const e = (err ?? {}) as BodyParserError;
      if (typeof e.status !== 'number' || e.status < 400 || e.status >= 500) {
        next(err);
        return;
      }
      const { status, error } = bodyReadError(e, String(req.headers['content-encoding'] ?? 'identity').toLowerCase(), bodyLimit);
      sendErrors(req, res, status, [error]);
    },
    (req: express.Request, res: express.Response, next: express.NextFunction) => {
      const scope: RequestScope = {
        correlationId: correlationIdFrom(req.headers['x-correlation-id']),
        traceparent: childTraceparent(req.headers.traceparent),
      };
      res.setHeader('x-correlation-id', scope.correlationId);
      res.locals.scope = scope;
      traceRequest(req, res, scope, () => runInScope(scope, () => next()));
    },
    expressMiddleware(apollo, {
      context: async ({ req, res }) => {
        const auth = await opts.auth.authenticate(req.headers.authorization);
        if (auth.phase === 'rejected') throw authenticationError(auth, opts.auth.realm);
        if (rateLimit) {
          const d = await rateLimit.limiter.take(auth.caller);
          if (d.phase === 'limited') throw rateLimitedError(d.retryAfterSeconds, rateLimit.perMinute);
        }
        // After the rate limit, which counts refused requests too, and before Apollo reads the document.
        const document = trustedDocuments?.resolve(documentRequestOf(req.method, req.body, req.query as Record<string, unknown>), auth.caller);
        return {
          scope: res.locals.scope as RequestScope,
          caller: auth.caller,
          responseMediaType: negotiateResultType(req),
          ...(document?.phase === 'trusted' ? { trustedDocument: { id: document.id, document: document.document } } : {}),
        };
      },
    }),
  );
  // Last: whatever else fails in a request is a coded JSON error, never Express's
  // HTML page with a stack trace and this host's file paths.
  app.use((err: unknown, req: express.Request, res: express.Response, next: express.NextFunction) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const status = (err as { status?: unknown } | undefined)?.status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      sendErrors(req, res, status, [new GraphQLError('the request could not be read', { extensions: { code: ErrorCode.BAD_USER_INPUT } })]);
      return;
    }
    log.error({ err, correlationId: res.getHeader('x-correlation-id') }, 'request failed outside Apollo Server');
    sendErrors(req, res, 500, [new GraphQLError('Internal server error', { extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } })]);
  });

  // Subscriptions run beside Apollo Server on the same HTTP server and path,
  // over the supergraph the gateway loaded, with data sources built the same way.
  let subscriptions: RunningSubscriptionServer | undefined;
  if (opts.subscriptions !== false) {
    const sdl = await loadedSupergraph;
    const serviceMap: ServiceMap = {};
    const planner = new SubscriptionPlanner(sdl);
    for (const [name, url] of Object.entries(planner.subgraphUrls)) serviceMap[name] = buildService({ name, url });
    subscriptions = attachSubscriptionServer<SubscriptionIdentity>({
      httpServer,
      path: '/graphql',
      supergraphSdl: sdl,
      ...(opts.subgraphUrls ? { subgraphUrls: opts.subgraphUrls } : {}),
      serviceMap: () => serviceMap,
      security: subscriptionSecurity(opts.auth, opts.trust, trustedDocuments),
      // A subscription document is held to the limits of a query.
      ...(opts.limits ? { queryLimits: opts.limits } : {}),
      bodyLimit,
      formatError: formatError(production),
      connectionHeaders: (subgraph) => {
        const correlationId = `gateway-link-${randomUUID()}`;
        const bind = { audience: subgraph, operation: 'connection' as const };
        return { 'x-correlation-id': correlationId, [CALLER_HEADER]: signCaller(GATEWAY_CALLER, { trust: opts.trust, correlationId, bind }) };
      },
      ...(opts.subscriptions ? { limits: opts.subscriptions } : {}),
    });
  }

  const url = await listenGraphQL(httpServer, opts);
  log.info({ url }, 'gateway listening');
  return {
    name: 'gateway',
    url,
    responseCache,
    drain: () => health.drain(),
    async close() {
      health.drain();
      // Subscribers first (close code 1012, service restart: clients reconnect), then drain HTTP.
      await subscriptions?.close();
      await apollo.stop();
      await responseCache?.close();
      await fetch.close();
      trustedDocuments?.close();
    },
  };
}
