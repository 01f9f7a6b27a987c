/**
 * The embedded default's one process (`npm start`; compiled: `node dist/scripts/graph.js`):
 * every subgraph of config/subgraphs.json and the gateway, in one Node process.
 * Each subgraph boots as its own main() would (lib/boot.ts: its manifest port,
 * its entity cache, feeds and write queue, from the same environment) and keeps
 * serving HTTP and graphql-ws there; the gateway takes them as local subgraphs,
 * so its queries and mutations reach them without a socket, through the same
 * caller signature, audit and cache report as over HTTP.
 *
 * The gateway's whole-response cache is on: on Redis with REDIS_URL, in memory
 * without it. In memory, its tag versions are its own, so every invalidation a
 * subgraph makes (a write, a CDC event, an ERP poll, a Zendesk webhook) is
 * forwarded to it in process as the subgraph's entity cache records it. On
 * Redis the subgraphs' tag versions are the gateway's already. docs/caching.md
 * says why the embedded default runs this way and deployments run separate
 * processes.
 *
 * Settings are those of the separate parts: GATEWAY_PORT, <NAME>_SUBGRAPH_PORT,
 * REDIS_URL, RSG_NAMESPACE, the sandbox and system URLs, INTERNAL_AUTH_SECRET…
 */
import { pathToFileURL } from 'node:url';
import { bootSubgraph, loadSubgraphDefinition, type BootedSubgraph, type BootOverrides } from '../lib/boot.js';
import { ProcessLimits } from '../lib/limits.js';
import type { InvalidationListener } from '../lib/cache/index.js';
import { ConfigError } from '../lib/config.js';
import type { LocalSubgraph } from '../lib/local-subgraph.js';
import { childLogger } from '../lib/log.js';
import { SUBGRAPHS } from '../lib/manifest.js';
import { closeOnSignals, type RunningService } from '../lib/server.js';
import { closingTracing, startTracing } from '../lib/tracing.js';
import { startGatewayFromEnv, type RunningGateway } from '../gateway/src/index.js';

/** The gateway and the subgraphs of one process. */
export interface InProcessGraph<G extends RunningGateway = RunningGateway> extends RunningService {
  gateway: G;
  subgraphs: BootedSubgraph[];
}

/** What every subgraph of the process is booted with: where its invalidations go, and the limits it shares. */
export type InProcessHooks = Required<Pick<BootOverrides, 'onInvalidate' | 'processLimits'>>;

/** How a host boots each part; the wiring between them is startInProcess's. */
export interface InProcessParts<G extends RunningGateway> {
  /** The subgraphs to run, by name, in this order. */
  names: readonly string[];
  /** Boots one subgraph, handing the hooks to bootSubgraph (BootOverrides.onInvalidate and .processLimits). */
  boot(name: string, hooks: InProcessHooks): Promise<BootedSubgraph>;
  /** Starts the gateway with these subgraphs as local ones, served at these URLs. */
  startGateway(wiring: { localSubgraphs: Record<string, LocalSubgraph>; subgraphUrls: Record<string, string> }): Promise<G>;
}

/**
 * Boots the subgraphs, then the gateway over them, and forwards every subgraph
 * invalidation to the gateway's response cache when its versions are its own
 * (in memory). scripts/graph.ts and the test stack (test/support/stack.ts) wire
 * through here.
 */
export async function startInProcess<G extends RunningGateway>(parts: InProcessParts<G>): Promise<InProcessGraph<G>> {
  // Subgraphs boot before the gateway: until it exists there is no answer to drop.
  let gateway: G | undefined;
  const forward: InvalidationListener = async (tags) => {
    const cache = gateway?.responseCache;
    // Shared (Redis) versions moved with the subgraph's own entity cache's.
    if (cache?.phase === 'local') await cache.invalidate(tags);
  };
  const subgraphs: BootedSubgraph[] = [];
  const closeSubgraphs = async (): Promise<void> => {
    for (const s of subgraphs.splice(0).reverse()) await s.close().catch(() => undefined);
  };
  try {
    // One count of each account's limit for all of them: they share the process.
    const hooks: InProcessHooks = { onInvalidate: forward, processLimits: new ProcessLimits() };
    for (const name of parts.names) subgraphs.push(await parts.boot(name, hooks));
    gateway = await parts.startGateway({
      localSubgraphs: Object.fromEntries(subgraphs.map((s) => [s.name, s.local])),
      subgraphUrls: Object.fromEntries(subgraphs.map((s) => [s.name, s.url])),
    });
  } catch (e) {
    await closeSubgraphs();
    throw e;
  }
  const running = gateway;
  return {
    name: 'graph',
    url: running.url,
    gateway: running,
    subgraphs,
    // Every part turns not ready at once, as each would in a process of its own.
    drain() {
      running.drain?.();
      for (const s of subgraphs) s.drain?.();
    },
    settle() {
      for (const s of subgraphs) s.settle?.();
    },
    async close() {
      // The gateway first (its subscribers, its fetches in flight), then what it called.
      await running.close();
      await closeSubgraphs();
    },
  };
}

/** The whole graph in this process, configured from the environment as its separate parts would be. */
export function startGraph(env: NodeJS.ProcessEnv = process.env): Promise<InProcessGraph> {
  return startInProcess({
    names: SUBGRAPHS.map((s) => s.name),
    boot: async (name, hooks) => bootSubgraph(await loadSubgraphDefinition(name), env, hooks),
    startGateway: (wiring) => startGatewayFromEnv(env, { ...wiring, responseCache: 'always' }),
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const log = childLogger('graph');
  // One process, one service.name (OTEL_SERVICE_NAME, else retail-supergraph); spans name their subgraph.
  startTracing({ serviceName: 'retail-supergraph' })
    .then(async (tracing) => closingTracing(await startGraph(), tracing))
    .then(
      (graph) => {
        closeOnSignals([graph], log);
        log.info({ url: graph.url, subgraphs: graph.subgraphs.map((s) => s.url) }, 'gateway and subgraphs ready in one process');
      },
      (err: unknown) => {
        if (err instanceof ConfigError) console.error(err.message);
        else log.fatal({ err }, 'the graph failed to start');
        process.exit(1);
      },
    );
}
