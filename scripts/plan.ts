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
 * manifest is started, waited for and printed like the others. Every port
 * variable (`GATEWAY_PORT`, `<NAME>_SUBGRAPH_PORT`, `SANDBOX_<SYSTEM>_PORT`, and
 * `PORT_BASE`, which moves them all) moves a part's readiness check, its banner
 * line, and whoever calls it: the gateway's route to a subgraph, a connector's
 * base URL to its sandbox system (lib/config.ts sandboxUrl).
 *
 * Two copies side by side: a copy whose gateway is not on 4000 keeps its write
 * journals and feed state under `.data/port-<gateway port>/`, and on Redis its
 * keys under `rsg-<gateway port>`, unless WRITES_DIR, FEEDS_DIR or RSG_NAMESPACE
 * say otherwise; the journal admits one process per directory, and each copy has
 * a sandbox of its own. `ports` lists every port it needs, for start.ts to check
 * before it starts anything.
 *
 * Compiled (`node dist/scripts/start.js`), each part runs on plain node from its
 * compiled module; under tsx (`npm run dev`), node runs its TypeScript through tsx.
 */
import { join } from 'node:path';
import { ConfigError, DEFAULT_PORT_BASE, layoutPort, portSetting, SANDBOX_SYSTEMS, sandboxPort } from '../lib/config.js';
import { SUBGRAPHS, settingsPrefix, subgraphPort, type SubgraphEntry } from '../lib/manifest.js';
import { codeRoot, projectRoot } from '../lib/paths.js';

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
  /** Settings for every child: where the gateway finds each subgraph; a second copy's data directories and Redis namespace. */
  env: Record<string, string>;
  /** Where a developer reaches the gateway, and each subgraph, whatever process serves them. */
  gatewayUrl: string;
  subgraphs: Array<{ name: string; url: string }>;
  /** The sandbox systems' base URLs, for the banner. */
  sandbox: Array<{ name: string; url: string }>;
  /** Where this copy's write journals and feed state live when they are its own (a gateway port other than 4000). */
  dataDir?: string;
  /** Every port a part listens on, with the variable that sets it, each once. */
  ports: Array<{ variable: string; port: number }>;
  /** Where the launcher serves the agent console (CONSOLE_PORT, else 4010 moved by PORT_BASE). */
  consolePort: number;
}

/** START_MODE: `in-process` unless set; anything else is refused with the choices. */
export function launchLayout(env: NodeJS.ProcessEnv = process.env): Layout {
  const raw = env.START_MODE;
  if (raw === undefined || raw === '') return 'in-process';
  const layout = LAYOUTS.find((l) => l === raw);
  if (!layout) throw new ConfigError(`START_MODE: expected ${LAYOUTS.join(' or ')}, got '${raw}'`);
  return layout;
}

/** The sandbox systems as the banner names them. */
const SANDBOX_NAMES: Record<(typeof SANDBOX_SYSTEMS)[number]['system'], string> = { SALESFORCE: 'Salesforce', NETSUITE: 'NetSuite', ZENDESK: 'Zendesk' };

export function launchPlan(env: NodeJS.ProcessEnv = process.env, manifest: readonly SubgraphEntry[] = SUBGRAPHS, asCompiled = compiled): LaunchPlan {
  const args = (entry: string): string[] => (asCompiled ? [modulePath(entry, true)] : ['--import', 'tsx', modulePath(entry, false)]);
  const sandboxPorts = SANDBOX_SYSTEMS.map((s) => ({ variable: `SANDBOX_${s.system}_PORT`, name: SANDBOX_NAMES[s.system], port: sandboxPort(s.system, env) }));
  const gatewayPort = portSetting(env, 'GATEWAY_PORT', layoutPort(DEFAULT_PORT_BASE, env));
  const childEnv: Record<string, string> = {};
  const ports: LaunchPlan['ports'] = [{ variable: 'GATEWAY_PORT', port: gatewayPort }];
  const subgraphs = manifest.map((entry): Part => {
    const port = subgraphPort(entry, env);
    ports.push({ variable: `${settingsPrefix(entry)}_PORT`, port });
    // Unless the gateway was told otherwise, it routes to where this launcher starts the subgraph.
    const urlKey = `${settingsPrefix(entry)}_URL`;
    if (!env[urlKey]) childEnv[urlKey] = `http://127.0.0.1:${port}/graphql`;
    return { name: entry.name, entry: entry.entry, args: args(entry.entry), ready: [`http://127.0.0.1:${port}/health`], url: `http://localhost:${port}/graphql` };
  });
  ports.push(...sandboxPorts.map(({ variable, port }) => ({ variable, port })));
  const consolePort = portSetting(env, 'CONSOLE_PORT', layoutPort(DEFAULT_PORT_BASE + 10, env));
  ports.push({ variable: 'CONSOLE_PORT', port: consolePort });
  for (const p of ports) {
    const first = ports.find((q) => q.port === p.port);
    if (first && first !== p) throw new ConfigError(`${p.variable} and ${first.variable} are both ${p.port}: every part needs a port of its own`);
  }
  // A second copy (another gateway port) keeps its state apart from the first's: one process per journal.
  let dataDir: string | undefined;
  if (gatewayPort !== DEFAULT_PORT_BASE) {
    const data = join(projectRoot, '.data', `port-${gatewayPort}`);
    if (!env.WRITES_DIR || !env.FEEDS_DIR) dataDir = data;
    if (!env.WRITES_DIR) childEnv.WRITES_DIR = join(data, 'writes');
    if (!env.FEEDS_DIR) childEnv.FEEDS_DIR = join(data, 'feeds');
    if (!env.RSG_NAMESPACE) childEnv.RSG_NAMESPACE = `rsg-${gatewayPort}`;
  }
  const gatewayUrl = `http://localhost:${gatewayPort}/graphql`;
  const gatewayReady = `http://127.0.0.1:${gatewayPort}/health`;
  const sandbox: Part = { name: 'sandbox', entry: 'sandbox/main.ts', args: args('sandbox/main.ts'), ready: sandboxPorts.map((p) => `http://127.0.0.1:${p.port}/__sandbox/stats`) };
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
    sandbox: sandboxPorts.map((p) => ({ name: p.name, url: `http://localhost:${p.port}` })),
    ...(dataDir ? { dataDir } : {}),
    ports,
    consolePort,
  };
}

/** The banner's lines for the layout, the gateway, subgraphs and sandbox. */
export function bannerLines(plan: LaunchPlan): string[] {
  const layout =
    plan.layout === 'in-process'
      ? 'one process for the gateway and the subgraphs, response cache in memory (START_MODE=processes: one process per part, as deployed)'
      : 'one process per part, as deployed (START_MODE=processes)';
  return [
    `  Layout     ${layout}`,
    `  Gateway (GraphQL, Apollo Sandbox)  ${plan.gatewayUrl}`,
    ...plan.subgraphs.map((p, i) => `  ${i === 0 ? 'Subgraphs ' : '          '} ${p.name.padEnd(9)}${p.url}`),
    `  Sandbox    ${plan.sandbox.map((s) => `${s.name} ${s.url}`).join('   ')}`,
    ...(plan.dataDir ? [`  Data       ${plan.dataDir} (this copy's write journals and feed state)`] : []),
  ];
}
