/**
 * The gateway: @apollo/gateway on Apollo Server 5 and Express, serving the
 * composed supergraph at /graphql, and its Prometheus metrics beside it
 * (/metrics by default). Features are plugins (drain, landing page, abuse
 * limits); the request scope (correlation id, traceparent) is set before
 * Apollo runs and forwarded to every subgraph, with the verified caller in a
 * signed header. docs/security.md describes the whole of identity and access.
 */
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import express from 'express';
import cors from 'cors';
import { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloGateway, IntrospectAndCompose, type ServiceEndpointDefinition, type ServiceMap } from '@apollo/gateway';
import { childTraceparent, correlationIdFrom, runInScope, type RequestScope } from '../../lib/context.js';
import { createAppServer, formatError, type RunningService } from '../../lib/subgraph.js';
import { childLogger } from '../../lib/log.js';
import { loadMetricsConfig } from '../../lib/config.js';
import { serveMetrics } from '../../lib/metrics.js';
import { ErrorCode } from '../../lib/errors.js';
import { CALLER_HEADER, GATEWAY_CALLER, signCaller, type TrustOptions } from '../../lib/auth/index.js';
import { SubgraphDataSource } from './datasource.js';
import type { GatewayContext } from './context.js';
import { authenticationError, type Authenticator } from './auth.js';
import { QueryLimitsPlugin, queryTooComplex, type QueryLimits } from './limits.js';
import { createCallerRateLimiter, rateLimitedError, type RateLimitOptions } from './limits-rate.js';
import { attachSubscriptionServer, type RunningSubscriptionServer } from './subscriptions/server.js';
import { SubscriptionPlanner } from './subscriptions/plan.js';
import type { HubLimits } from './subscriptions/hub.js';
import { subscriptionSecurity, type SubscriptionIdentity } from './subscriptions/security.js';
import { createResponseCache, type ResponseCache, type ResponseCacheOptions } from './response-cache/index.js';

const log = childLogger('gateway');

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
  /** Subscriptions over graphql-ws on /graphql; `false` turns them off. @default on, with the limits in docs/subscriptions.md */
  subscriptions?: Partial<HubLimits & { perConnection: number }> | false;
  /**
   * The whole-response cache (docs/caching.md, "Response cache"). It needs the subgraphs'
   * invalidations to be visible to it, so give it `redisUrl` and the subgraphs' namespace
   * whenever the gateway and the subgraphs run as separate processes.
   * @default off
   */
  responseCache?: ResponseCacheOptions | false;
  /**
   * Where to serve Prometheus metrics (lib/metrics.ts). The route asks for no token, so keep
   * it off the public ingress; `false` serves none. Never under /graphql.
   * @default from METRICS_PATH ('/metrics' when unset, `off` for none)
   */
  metricsPath?: string | false;
}

export interface RunningGateway extends RunningService {
  /** The response cache, when on: hosts forward invalidations the gateway cannot see to it. */
  responseCache: ResponseCache | undefined;
}

function supergraphSdl(source: Extract<SupergraphSource, { phase: 'file' | 'sdl' }>): string {
  return source.phase === 'sdl' ? source.sdl : readFileSync(source.path, 'utf8');
}

export async function startGateway(opts: GatewayOptions): Promise<RunningGateway> {
  const production = opts.production ?? process.env.NODE_ENV === 'production';
  const app = express();
  app.disable('x-powered-by');
  // First, so that a bad path fails before anything starts, and outside /graphql,
  // so that neither CORS nor authentication applies: Prometheus sends no token.
  serveMetrics(app, opts.metricsPath ?? loadMetricsConfig(process.env).path);
  const buildService = ({ name, url }: ServiceEndpointDefinition): SubgraphDataSource =>
    new SubgraphDataSource({ url: opts.subgraphUrls?.[name] ?? url, trust: opts.trust, name });
  const responseCache = opts.responseCache ? await createResponseCache(opts.responseCache) : undefined;

  let gateway: ApolloGateway;
  switch (opts.supergraph.phase) {
    case 'file':
    case 'sdl':
      gateway = new ApolloGateway({ supergraphSdl: supergraphSdl(opts.supergraph), buildService });
      break;
    case 'introspect':
      gateway = new ApolloGateway({
        supergraphSdl: new IntrospectAndCompose({
          subgraphs: opts.supergraph.subgraphs.map((s) => ({ name: s.name, url: opts.subgraphUrls?.[s.name] ?? s.url })),
          ...(opts.supergraph.pollIntervalMs ? { pollIntervalInMs: opts.supergraph.pollIntervalMs } : {}),
        }),
        buildService,
      });
      break;
  }

  // The supergraph as loaded (from a file or composed from the subgraphs), for the subscription executor.
  const loadedSupergraph = new Promise<string>((resolve) => {
    gateway.onSchemaLoadOrUpdate(({ coreSupergraphSdl }) => resolve(coreSupergraphSdl));
  });

  const httpServer: Server = createAppServer(app);
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
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
      ApolloServerPluginDrainHttpServer({ httpServer }),
      (opts.landingPage ?? !production)
        ? ApolloServerPluginLandingPageLocalDefault({ footer: false, embed: { initialState: { pollForSchemaUpdates: false } } })
        : ApolloServerPluginLandingPageDisabled(),
      QueryLimitsPlugin<GatewayContext>(opts.limits),
      // After the limits: an answer is never served to a request they refuse.
      ...(responseCache ? [responseCache.plugin] : []),
    ],
  });
  await apollo.start();

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
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
    // carries a stack trace outside production.
    (err: unknown, _req: express.Request, res: express.Response, next: express.NextFunction) => {
      const e = err as { type?: string; status?: number } | undefined;
      if (e?.type === 'entity.too.large') {
        const error = queryTooComplex('bodySize', `more than ${bodyLimit}`, bodyLimit);
        res.status(413).json({ errors: [{ message: error.message, extensions: { code: ErrorCode.QUERY_TOO_COMPLEX, limit: 'bodySize', max: bodyLimit } }] });
        return;
      }
      if (e && typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
        res.status(400).json({ errors: [{ message: 'the request body is not valid JSON', extensions: { code: ErrorCode.BAD_USER_INPUT } }] });
        return;
      }
      next(err);
    },
    (req: express.Request, res: express.Response, next: express.NextFunction) => {
      const scope: RequestScope = {
        correlationId: correlationIdFrom(req.headers['x-correlation-id']),
        traceparent: childTraceparent(req.headers.traceparent),
      };
      res.setHeader('x-correlation-id', scope.correlationId);
      res.locals.scope = scope;
      runInScope(scope, () => next());
    },
    expressMiddleware(apollo, {
      context: async ({ req, res }) => {
        const auth = await opts.auth.authenticate(req.headers.authorization);
        if (auth.phase === 'rejected') throw authenticationError(auth);
        if (rateLimit) {
          const d = await rateLimit.limiter.take(auth.caller);
          if (d.phase === 'limited') throw rateLimitedError(d.retryAfterSeconds, rateLimit.perMinute);
        }
        return { scope: res.locals.scope as RequestScope, caller: auth.caller };
      },
    }),
  );

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
      security: subscriptionSecurity(opts.auth, opts.trust),
      formatError: formatError(production),
      connectionHeaders: (subgraph) => {
        const correlationId = `gateway-link-${randomUUID()}`;
        const bind = { audience: subgraph, operation: 'connection' as const };
        return { 'x-correlation-id': correlationId, [CALLER_HEADER]: signCaller(GATEWAY_CALLER, { trust: opts.trust, correlationId, bind }) };
      },
      ...(opts.subscriptions ? { limits: opts.subscriptions } : {}),
    });
  }

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(opts.port, opts.host, () => resolve());
  });
  const addr = httpServer.address();
  const port = typeof addr === 'object' && addr ? addr.port : opts.port;
  const url = `http://${opts.host === '0.0.0.0' ? '127.0.0.1' : opts.host}:${port}/graphql`;
  log.info({ url }, 'gateway listening');
  return {
    name: 'gateway',
    url,
    responseCache,
    async close() {
      // Subscribers first (close code 1001), then drain HTTP.
      await subscriptions?.close();
      await apollo.stop();
      await responseCache?.close();
    },
  };
}
