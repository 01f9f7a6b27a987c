/**
 * What `npm start` runs, in order, and where each part answers. Two layouts,
 * chosen by START_MODE:
 *
 * - `in-process` (the default): the sandbox, then one process with every
 *   subgraph of config/subgraphs.json and the gateway (scripts/graph.ts), which
 *   keeps the gateway's response cache in memory and tells it of every
 *   subgraph invalidation without Redis (docs/caching.md);
 * - `processes`: the sandbox, every subgraph in its own process, then the
 *   gateway, as they are deployed.
 *
 * Either way every subgraph serves on its port and is waited for there.
 * Computed from the manifest and the environment, so a subgraph added to the
 * manifest is started, waited for and printed like the others, and
 * `<NAME>_SUBGRAPH_PORT` / `GATEWAY_PORT` move a part's readiness check and
 * banner line along with it.
 *
 * Compiled (`node dist/scripts/start.js`), each part runs on plain node from its
 * compiled module; under tsx (`npm run dev`), node runs its TypeScript through tsx.
 */
import { join } from 'node:path';
import { ConfigError } from '../lib/config.js';
import { SUBGRAPHS, settingsPrefix, subgraphPort, type SubgraphEntry } from '../lib/manifest.js';
import { codeRoot } from '../lib/paths.js';

/** Whether this is the compiled tree (dist/), whose parts run on plain node. */
const compiled = import.meta.url.endsWith('.js');

/** A part's module by its source path: the .ts, or the .js beside the compiled code. */
const modulePath = (sourcePath: string, asCompiled: boolean): string => join(codeRoot, asCompiled ? sourcePath.replace(/\.ts$/, '.js') : sourcePath);

export interface Part {
  name: string;
  /** Its main module's source, relative to the project root. */
  entry: string;
  /** The node arguments that run it: the compiled module, or `--import tsx` and the source. */
  args: string[];
  /** URLs that answer 2xx/4xx once the part is up. */
  ready: string[];
  /** Where a developer reaches it, for the banner. */
  url?: string;
}

/** How the parts are laid out in processes (START_MODE). */
export type Layout = 'in-process' | 'processes';
export const LAYOUTS: readonly Layout[] = ['in-process', 'processes'];

export interface LaunchPlan {
  layout: Layout;
  /** Groups started one after the other; the parts of a group start together. */
  groups: Part[][];
  /** Settings for every child: where the gateway finds each subgraph. */
  env: Record<string, string>;
  /** Where a developer reaches the gateway, and each subgraph, whatever process serves them. */
  gatewayUrl: string;
  subgraphs: Array<{ name: string; url: string }>;
}

/** START_MODE: `in-process` unless set; anything else is refused with the choices. */
export function launchLayout(env: NodeJS.ProcessEnv = process.env): Layout {
  const raw = env.START_MODE;
  if (raw === undefined || raw === '') return 'in-process';
  const layout = LAYOUTS.find((l) => l === raw);
  if (!layout) throw new ConfigError(`START_MODE: expected ${LAYOUTS.join(' or ')}, got '${raw}'`);
  return layout;
}

const portOf = (env: NodeJS.ProcessEnv, name: string, fallback: number): number => {
  const raw = env[name];
  return raw === undefined || raw === '' ? fallback : Number(raw);
};

export function launchPlan(env: NodeJS.ProcessEnv = process.env, manifest: readonly SubgraphEntry[] = SUBGRAPHS, asCompiled = compiled): LaunchPlan {
  const args = (entry: string): string[] => (asCompiled ? [modulePath(entry, true)] : ['--import', 'tsx', modulePath(entry, false)]);
  const sandboxPorts = [
    portOf(env, 'SANDBOX_SALESFORCE_PORT', 4101),
    portOf(env, 'SANDBOX_NETSUITE_PORT', 4102),
    portOf(env, 'SANDBOX_ZENDESK_PORT', 4103),
  ];
  const gatewayPort = portOf(env, 'GATEWAY_PORT', 4000);
  const childEnv: Record<string, string> = {};
  const subgraphs = manifest.map((entry): Part => {
    const port = subgraphPort(entry, env);
    // Unless the gateway was told otherwise, it routes to where this launcher starts the subgraph.
    const urlKey = `${settingsPrefix(entry)}_URL`;
    if (!env[urlKey]) childEnv[urlKey] = `http://127.0.0.1:${port}/graphql`;
    return { name: entry.name, entry: entry.entry, args: args(entry.entry), ready: [`http://127.0.0.1:${port}/health`], url: `http://localhost:${port}/graphql` };
  });
  const gatewayUrl = `http://localhost:${gatewayPort}/graphql`;
  const gatewayReady = `http://127.0.0.1:${gatewayPort}/health`;
  const sandbox: Part = { name: 'sandbox', entry: 'sandbox/main.ts', args: args('sandbox/main.ts'), ready: sandboxPorts.map((p) => `http://127.0.0.1:${p}/__sandbox/stats`) };
  const layout = launchLayout(env);
  const parts: Part[][] =
    layout === 'in-process'
      ? [[{ name: 'graph', entry: 'scripts/graph.ts', args: args('scripts/graph.ts'), ready: [gatewayReady, ...subgraphs.flatMap((p) => p.ready)], url: gatewayUrl }]]
      : [subgraphs, [{ name: 'gateway', entry: 'gateway/src/index.ts', args: args('gateway/src/index.ts'), ready: [gatewayReady], url: gatewayUrl }]];
  return {
    layout,
    groups: [[sandbox], ...parts],
    env: childEnv,
    gatewayUrl,
    subgraphs: subgraphs.map((p) => ({ name: p.name, url: p.url ?? '' })),
  };
}

/** The banner's lines for the layout, the gateway, subgraphs and sandbox. */
export function bannerLines(plan: LaunchPlan, env: NodeJS.ProcessEnv = process.env): string[] {
  const sandbox = (name: string, key: string, fallback: number): string => `${name} http://localhost:${portOf(env, key, fallback)}`;
  const layout =
    plan.layout === 'in-process'
      ? 'one process for the gateway and the subgraphs, response cache in memory (START_MODE=processes: one process per part, as deployed)'
      : 'one process per part, as deployed (START_MODE=processes)';
  return [
    `  Layout     ${layout}`,
    `  Gateway (GraphQL, Apollo Sandbox)  ${plan.gatewayUrl}`,
    ...plan.subgraphs.map((p, i) => `  ${i === 0 ? 'Subgraphs ' : '          '} ${p.name.padEnd(9)}${p.url}`),
    `  Sandbox    ${sandbox('Salesforce', 'SANDBOX_SALESFORCE_PORT', 4101)}   ${sandbox('NetSuite', 'SANDBOX_NETSUITE_PORT', 4102)}   ${sandbox('Zendesk', 'SANDBOX_ZENDESK_PORT', 4103)}`,
  ];
}
