/**
 * The subgraphs that make up the graph, from `config/subgraphs.json`: each one's
 * name, default port, entry point and the systems of record it owns. The gateway,
 * composition (`npm run compose`) and the launcher (`npm start`) read this list,
 * so adding a subgraph means adding its folder and one entry here.
 *
 * Ports are defaults: `PORT_BASE` moves every part together, `<NAME>_SUBGRAPH_PORT`
 * moves one subgraph, and `<NAME>_SUBGRAPH_URL` tells the gateway where one runs elsewhere.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ConfigError, layoutPort } from './config.js';
import { projectRoot } from './paths.js';

/** Where the list lives. */
export const MANIFEST_FILE = join(projectRoot, 'config', 'subgraphs.json');

const entrySchema = z.object({
  /** Lower-case; the subgraph's folder under subgraphs/, its name in the supergraph, and its settings' prefix. */
  name: z.string().regex(/^[a-z][a-z0-9]*$/, 'expected a lower-case name such as "customer"'),
  /** The port it serves on unless `<NAME>_SUBGRAPH_PORT` says otherwise. */
  port: z.number().int().min(1).max(65_535),
  /** Its `main()` module, relative to the project root. */
  entry: z.string().min(1),
  /** The systems of record whose data it owns (BRIEF.md's ownership table). */
  owns: z.array(z.enum(['SALESFORCE', 'ERP', 'SERVICE_DESK'])).min(1),
});

/** One subgraph of the graph. */
export type SubgraphEntry = z.infer<typeof entrySchema>;

/** Reads and checks a manifest: names and ports must be unique. */
export function loadManifest(file: string = MANIFEST_FILE): readonly SubgraphEntry[] {
  const parsed = z.object({ subgraphs: z.array(entrySchema).min(1) }).safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    throw new ConfigError(`invalid subgraph manifest ${file}:\n${parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')}`);
  }
  const entries = parsed.data.subgraphs;
  for (const key of ['name', 'port'] as const) {
    const seen = new Set<string | number>();
    for (const e of entries) {
      if (seen.has(e[key])) throw new ConfigError(`invalid subgraph manifest ${file}: ${key} ${e[key]} appears twice`);
      seen.add(e[key]);
    }
  }
  return entries;
}

/** The graph's subgraphs, in composition order. */
export const SUBGRAPHS: readonly SubgraphEntry[] = loadManifest();

/** The entry of one subgraph; throws for a name the manifest lacks. */
export function subgraphEntry(name: string, manifest: readonly SubgraphEntry[] = SUBGRAPHS): SubgraphEntry {
  const e = manifest.find((s) => s.name === name);
  if (!e) throw new ConfigError(`no subgraph named '${name}' in the manifest (${manifest.map((s) => s.name).join(', ')})`);
  return e;
}

/** The prefix of a subgraph's own settings: `CUSTOMER_SUBGRAPH` (…_PORT, …_HOST, …_URL). */
export const settingsPrefix = (entry: Pick<SubgraphEntry, 'name'>): string => `${entry.name.toUpperCase()}_SUBGRAPH`;

/** The port a subgraph serves on: `<NAME>_SUBGRAPH_PORT`, else the manifest's, moved by PORT_BASE (lib/config.ts layoutPort). */
export function subgraphPort(entry: SubgraphEntry, env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[`${settingsPrefix(entry)}_PORT`];
  const port = raw === undefined || raw === '' ? layoutPort(entry.port, env) : Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new ConfigError(`${settingsPrefix(entry)}_PORT: expected a port number, got '${raw}'`);
  return port;
}

/** Where the gateway reaches a subgraph: `<NAME>_SUBGRAPH_URL`, else its port on `host`. */
export function subgraphUrl(entry: SubgraphEntry, env: NodeJS.ProcessEnv = process.env, host = 'localhost'): string {
  return env[`${settingsPrefix(entry)}_URL`] || `http://${host}:${subgraphPort(entry, env)}/graphql`;
}
