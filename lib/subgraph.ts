/**
 * The bootstrap every subgraph shares: schema loading (the subgraph's own SDL
 * plus the shared value types), Apollo Server on Express, the request scope
 * (correlation id, traceparent), error formatting, health, and graceful shutdown.
 * A subgraph supplies its schema file, its resolvers and a per-request context
 * factory that creates its DataLoaders.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import express from 'express';
import { ApolloServer, type BaseContext } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { parse, type DocumentNode, type GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { childTraceparent, correlationIdFrom, runInScope, type RequestScope } from './context.js';
import { DomainError, ErrorCode, UpstreamError, toGraphQLError } from './errors.js';
import { childLogger } from './log.js';

export type SubgraphName = 'customer' | 'order' | 'finance' | 'service';

const SHARED_SDL_FILE = join(dirname(fileURLToPath(import.meta.url)), 'schema', 'shared.graphql');

/** The shared value types, exactly as every subgraph includes them. */
export function sharedTypeDefs(): string {
  return readFileSync(SHARED_SDL_FILE, 'utf8');
}

/** A subgraph's full SDL: its own schema file followed by the shared value types. */
export function subgraphSdl(schemaFile: string): string {
  return `${readFileSync(schemaFile, 'utf8')}\n${sharedTypeDefs()}`;
}

export function subgraphTypeDefs(schemaFile: string): DocumentNode {
  return parse(subgraphSdl(schemaFile));
}

export interface RequestInfo {
  scope: RequestScope;
  headers: Record<string, string | string[] | undefined>;
}

export interface SubgraphModule<TContext extends BaseContext> {
  name: SubgraphName;
  /** Absolute path of the subgraph's schema.graphql. */
  schemaFile: string;
  resolvers: GraphQLResolverMap<TContext>;
  /** Called once per request; creates the request's DataLoaders. */
  createContext(req: RequestInfo): TContext | Promise<TContext>;
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

export async function serveSubgraph<TContext extends BaseContext>(
  mod: SubgraphModule<TContext>,
  listen: { port: number; host: string },
  opts: { production?: boolean } = {},
): Promise<RunningService> {
  const log = childLogger(`subgraph:${mod.name}`);
  const production = opts.production ?? process.env.NODE_ENV === 'production';
  const schema = buildSubgraphSchema([{ typeDefs: subgraphTypeDefs(mod.schemaFile), resolvers: mod.resolvers }]);
  const app = express();
  app.disable('x-powered-by');
  const httpServer: Server = createServer(app);
  const apollo = new ApolloServer<TContext>({
    schema,
    formatError: formatError(production),
    includeStacktraceInErrorResponses: false,
    // Inline (ftv1) traces are for Apollo Studio, which this product does not report to.
    plugins: [ApolloServerPluginDrainHttpServer({ httpServer }), ApolloServerPluginInlineTraceDisabled()],
  });
  await apollo.start();

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok', subgraph: mod.name });
  });
  app.use(
    '/graphql',
    express.json({ limit: '1mb' }),
    (req, res, next) => {
      const scope: RequestScope = {
        correlationId: correlationIdFrom(req.headers['x-correlation-id']),
        traceparent: childTraceparent(req.headers.traceparent),
      };
      res.setHeader('x-correlation-id', scope.correlationId);
      res.locals.scope = scope;
      runInScope(scope, () => next());
    },
    expressMiddleware(apollo, {
      context: async ({ req, res }) => mod.createContext({ scope: res.locals.scope as RequestScope, headers: req.headers }),
    }),
  );

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(listen.port, listen.host, () => resolve());
  });
  const addr = httpServer.address();
  const port = typeof addr === 'object' && addr ? addr.port : listen.port;
  const url = `http://${listen.host === '0.0.0.0' ? '127.0.0.1' : listen.host}:${port}/graphql`;
  log.info({ url }, 'subgraph listening');
  return {
    name: mod.name,
    url,
    async close() {
      await apollo.stop();
      await mod.close?.();
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
