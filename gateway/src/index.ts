/**
 * Starts the gateway alone, as it is deployed. Configuration from the environment:
 * GATEWAY_PORT (4000), GATEWAY_HOST, GATEWAY_SUPERGRAPH (a file path, default
 * supergraph.graphql, or `introspect` to compose from the live subgraphs),
 * <NAME>_SUBGRAPH_URL to override a subgraph's URL, GATEWAY_CORS_ORIGINS.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';
import { loadServiceConfig } from '../../lib/config.js';
import { closeOnSignals, type RunningService } from '../../lib/subgraph.js';
import { logger } from '../../lib/log.js';
import { startGateway, type SupergraphSource } from './gateway.js';

export { startGateway } from './gateway.js';
export type { GatewayOptions, SupergraphSource } from './gateway.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SUBGRAPH_NAMES = ['customer', 'order', 'finance', 'service'] as const;
const DEFAULT_PORTS = { customer: 4001, order: 4002, finance: 4003, service: 4004 } as const;

export async function startGatewayFromEnv(env: NodeJS.ProcessEnv = process.env): Promise<RunningService> {
  const listen = loadServiceConfig('GATEWAY', 4000, env);
  const subgraphUrls: Record<string, string> = {};
  for (const name of SUBGRAPH_NAMES) {
    const v = env[`${name.toUpperCase()}_SUBGRAPH_URL`];
    if (v) subgraphUrls[name] = v;
  }
  const choice = env.GATEWAY_SUPERGRAPH ?? join(root, 'supergraph.graphql');
  const supergraph: SupergraphSource =
    choice === 'introspect'
      ? {
          phase: 'introspect',
          subgraphs: SUBGRAPH_NAMES.map((n) => ({ name: n, url: subgraphUrls[n] ?? `http://localhost:${DEFAULT_PORTS[n]}/graphql` })),
        }
      : { phase: 'file', path: choice };
  return startGateway({
    supergraph,
    subgraphUrls,
    port: listen.port,
    host: listen.host,
    corsOrigins: (env.GATEWAY_CORS_ORIGINS ?? '').split(',').map((s) => s.trim()).filter(Boolean),
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  startGatewayFromEnv()
    .then((g) => {
      closeOnSignals([g]);
      logger.info({ url: g.url }, 'gateway ready');
    })
    .catch((e: unknown) => {
      logger.fatal({ err: e }, 'gateway failed to start');
      process.exit(1);
    });
}
