/**
 * What `npm start` runs, in order, and where each part answers: the sandbox,
 * every subgraph of config/subgraphs.json, then the gateway. Computed from the
 * manifest and the environment, so a subgraph added to the manifest is started,
 * waited for and printed like the others, and `<NAME>_SUBGRAPH_PORT` /
 * `GATEWAY_PORT` move a part's readiness check and banner line along with it.
 *
 * Compiled (`node dist/scripts/start.js`), each part runs on plain node from its
 * compiled module; under tsx (`npm run dev`), node runs its TypeScript through tsx.
 */
import { join } from 'node:path';
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

export interface LaunchPlan {
  /** Groups started one after the other; the parts of a group start together. */
  groups: Part[][];
  /** Settings for every child: where the gateway finds each subgraph. */
  env: Record<string, string>;
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
  return {
    groups: [
      [{ name: 'sandbox', entry: 'sandbox/main.ts', args: args('sandbox/main.ts'), ready: sandboxPorts.map((p) => `http://127.0.0.1:${p}/__sandbox/stats`) }],
      subgraphs,
      [{ name: 'gateway', entry: 'gateway/src/index.ts', args: args('gateway/src/index.ts'), ready: [`http://127.0.0.1:${gatewayPort}/health`], url: `http://localhost:${gatewayPort}/graphql` }],
    ],
    env: childEnv,
  };
}

/** The banner's lines for the gateway, subgraphs and sandbox. */
export function bannerLines(plan: LaunchPlan, env: NodeJS.ProcessEnv = process.env): string[] {
  const [, subgraphs = [], [gateway] = []] = plan.groups;
  const sandbox = (name: string, key: string, fallback: number): string => `${name} http://localhost:${portOf(env, key, fallback)}`;
  return [
    `  Gateway (GraphQL, Apollo Sandbox)  ${gateway?.url ?? ''}`,
    ...subgraphs.map((p, i) => `  ${i === 0 ? 'Subgraphs ' : '          '} ${p.name.padEnd(9)}${p.url ?? ''}`),
    `  Sandbox    ${sandbox('Salesforce', 'SANDBOX_SALESFORCE_PORT', 4101)}   ${sandbox('NetSuite', 'SANDBOX_NETSUITE_PORT', 4102)}   ${sandbox('Zendesk', 'SANDBOX_ZENDESK_PORT', 4103)}`,
  ];
}
