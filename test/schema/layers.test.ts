/**
 * The layout CONTRIBUTING.md draws, enforced: which folder may import which.
 * A subgraph imports only lib/ and its own folder, the gateway only lib/, lib/
 * nothing above it, and nothing of the product imports the sandbox.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');

/** The layer a project file belongs to: `lib`, `gateway`, `subgraphs/order`, … */
function layerOf(file: string): string {
  const [top, second] = relative(root, file).split('/');
  return top === 'subgraphs' ? `subgraphs/${second}` : (top ?? '');
}

/** Which layers each layer may import, besides itself. */
const ALLOWED: Record<string, readonly string[]> = {
  lib: [],
  gateway: ['lib'],
  scripts: ['lib', 'gateway', 'console'],
  console: ['lib'],
  sandbox: [],
};
const allowedFor = (layer: string): readonly string[] => (layer.startsWith('subgraphs/') ? ['lib'] : (ALLOWED[layer] ?? []));

/** Each relative import of a file that crosses into a layer it may not use. */
function violations(file: string, source: string): string[] {
  const from = layerOf(file);
  const found: string[] = [];
  for (const m of source.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)) {
    const target = resolve(dirname(file), m[1] as string);
    const to = layerOf(target);
    if (to !== from && !allowedFor(from).includes(to)) found.push(`${relative(root, file)} imports ${relative(root, target)} (${from} → ${to})`);
  }
  return found;
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules') return [];
    if (statSync(path).isDirectory()) return tsFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

describe('the layers', () => {
  it('hold across the project: each folder imports only what CONTRIBUTING.md says it may', () => {
    const files = ['lib', 'gateway', 'subgraphs', 'sandbox', 'scripts', 'console'].flatMap((d) => tsFiles(join(root, d)));
    expect(files.length).toBeGreaterThan(100);
    expect(files.flatMap((f) => violations(f, readFileSync(f, 'utf8')))).toEqual([]);
  });

  it('are checked: a subgraph importing another, lib importing a subgraph or the gateway importing the sandbox is named', () => {
    expect(violations(join(root, 'subgraphs/service/src/erp.ts'), "import { x } from '../../order/src/netsuite.js';")).toEqual([
      'subgraphs/service/src/erp.ts imports subgraphs/order/src/netsuite.js (subgraphs/service → subgraphs/order)',
    ]);
    expect(violations(join(root, 'lib/boot.ts'), "const m = await import('../subgraphs/order/src/index.js');")).toHaveLength(1);
    expect(violations(join(root, 'gateway/src/index.ts'), "import type { Faults } from '../../sandbox/kit/server.js';")).toHaveLength(1);
    expect(violations(join(root, 'subgraphs/order/src/index.ts'), "import { defineSubgraph } from '../../../lib/boot.js';")).toEqual([]);
  });
});
