/**
 * The gateway: @apollo/gateway on Apollo Server 5 and Express, serving the
 * composed supergraph at /graphql. Features are plugins (drain, landing page);
 * the request scope (correlation id, traceparent) is set before Apollo runs and
 * forwarded to every subgraph.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import express from 'express';
import cors from 'cors';
import { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import {
  ApolloServerPluginLandingPageLocalDefault,
  ApolloServerPluginLandingPageProductionDefault,
} from '@apollo/server/plugin/landingPage/default';
import { ApolloGateway, IntrospectAndCompose, type ServiceEndpointDefinition } from '@apollo/gateway';
import { childTraceparent, correlationIdFrom, runInScope, type RequestScope } from '../../lib/context.js';
import { formatError, type RunningService } from '../../lib/subgraph.js';
import { childLogger } from '../../lib/log.js';
import { SubgraphDataSource } from './datasource.js';
import type { GatewayContext } from './context.js';

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
  /** Largest request body accepted. @default '1mb' */
  bodyLimit?: string;
}

function supergraphSdl(source: Extract<SupergraphSource, { phase: 'file' | 'sdl' }>): string {
  return source.phase === 'sdl' ? source.sdl : readFileSync(source.path, 'utf8');
}

export async function startGateway(opts: GatewayOptions): Promise<RunningService> {
  const production = opts.production ?? process.env.NODE_ENV === 'production';
  const buildService = ({ name, url }: ServiceEndpointDefinition): SubgraphDataSource =>
    new SubgraphDataSource({ url: opts.subgraphUrls?.[name] ?? url });

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

  const app = express();
  app.disable('x-powered-by');
  const httpServer: Server = createServer(app);
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    formatError: formatError(production),
    includeStacktraceInErrorResponses: false,
    introspection: !production,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      production
        ? ApolloServerPluginLandingPageProductionDefault({ footer: false })
        : ApolloServerPluginLandingPageLocalDefault({ footer: false, embed: { initialState: { pollForSchemaUpdates: false } } }),
    ],
  });
  await apollo.start();

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  const origins = opts.corsOrigins ?? [];
  app.use(
    '/graphql',
    cors({
      origin: origins.includes('*') ? true : origins,
      exposedHeaders: ['x-correlation-id'],
      allowedHeaders: ['authorization', 'content-type', 'x-correlation-id', 'traceparent', 'apollo-require-preflight'],
    }),
    express.json({ limit: opts.bodyLimit ?? '1mb' }),
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
      context: async ({ res }) => ({ scope: res.locals.scope as RequestScope }),
    }),
  );

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
    async close() {
      await apollo.stop();
    },
  };
}
