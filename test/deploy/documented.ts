/**
 * What the deployment files are checked against: the variables docs/configuration.md
 * documents (a `<NAME>_SUBGRAPH_…` row stands for every subgraph of the manifest),
 * and the ports of config/subgraphs.json and the contract.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SUBGRAPHS, settingsPrefix } from '../../lib/manifest.js';

export const root = join(import.meta.dirname, '..', '..');

/** Every variable name docs/configuration.md names in backticks. */
export function documentedVariables(): Set<string> {
  const text = readFileSync(join(root, 'docs', 'configuration.md'), 'utf8');
  const names = new Set<string>();
  for (const [, token] of text.matchAll(/`([A-Z<][A-Z0-9_<>]*)`/g)) {
    if (!token) continue;
    if (token.includes('<NAME>_SUBGRAPH')) for (const s of SUBGRAPHS) names.add(token.replace('<NAME>_SUBGRAPH', settingsPrefix(s)));
    else if (!token.includes('<')) names.add(token);
  }
  return names;
}

/** The names among `names` that docs/configuration.md does not document. */
export function undocumented(names: Iterable<string>): string[] {
  const documented = documentedVariables();
  return [...new Set(names)].filter((n) => !documented.has(n)).sort();
}

/** The gateway's port by the contract (../shared/CONTRACT.md: http://localhost:4000/graphql). */
export const GATEWAY_PORT = 4000;

/** Each part's port: the gateway's and every subgraph's from the manifest. */
export const PORTS: Record<string, number> = { gateway: GATEWAY_PORT, ...Object.fromEntries(SUBGRAPHS.map((s) => [s.name, s.port])) };

/** Variables of a KEY=value env file (comments and blank lines skipped). */
export function envFileNames(path: string): string[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => l.slice(0, l.indexOf('=')));
}
