/**
 * The README promises Node 20. npm only warns (EBADENGINE) when a dependency
 * declares a Node it does not run on, and a user reads that warning as "this will
 * break". This walks everything `npm ci` installed, nested copies included, and
 * checks each `engines.node` against the Node versions we claim.
 *
 * Two versions are checked: the lowest one our own `engines.node` admits, because
 * that is the promise a user reads in package.json, and the Node running the tests,
 * because that is the one npm compares against when it prints its warnings.
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const nodeModules = join(root, 'node_modules');

/**
 * Installed packages allowed to declare a Node we do not claim, each with why it
 * is harmless. Keyed by name; an entry that no longer applies fails the test, so
 * the table cannot outlive its reason.
 */
const EXCEPTIONS: ReadonlyMap<string, string> = new Map<string, string>([
  // [name, reason] — none today. A bench-only peer that cannot be pinned belongs
  // in bench/'s own package.json rather than here.
]);

interface Installed {
  name: string;
  version: string;
  node: string;
  path: string;
}

/** Every package directory under node_modules, scoped and nested ones included. */
function walk(dir: string, out: Installed[]): void {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    // .bin, .package-lock.json, .vite and friends are npm's and tools' own files.
    if (entry.name.startsWith('.') || !(entry.isDirectory() || entry.isSymbolicLink())) continue;
    const path = join(dir, entry.name);
    if (entry.name.startsWith('@')) {
      walk(path, out);
      continue;
    }
    const manifest = join(path, 'package.json');
    if (existsSync(manifest)) {
      const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as {
        name?: string;
        version?: string;
        engines?: unknown;
      };
      // Old manifests wrote engines as an array of strings, which npm ignores.
      const engines = pkg.engines;
      const node = engines && typeof engines === 'object' && !Array.isArray(engines) ? (engines as { node?: unknown }).node : undefined;
      if (typeof node === 'string' && pkg.name) {
        out.push({ name: pkg.name, version: pkg.version ?? '?', node, path: relative(root, path) });
      }
    }
    walk(join(path, 'node_modules'), out);
  }
}

const ownRange = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node;
/**
 * The oldest Node 20 we support, as the README and CONTRIBUTING say. `engines.node`
 * stays `>=20` (the major line we promise); within it, Vite (under Vitest) and yargs
 * (under the code generator) need 20.19, the release line current when Node 20
 * entered maintenance, so that is the floor every package must accept.
 */
const SUPPORTED_FLOOR = '20.19.0';
const lowestClaimed = semver.satisfies(SUPPORTED_FLOOR, ownRange) ? SUPPORTED_FLOOR : undefined;
const running = process.version.slice(1);

describe('dependencies run on the Node we claim', () => {
  const installed: Installed[] = [];
  walk(nodeModules, installed);

  it('installs packages to check (run `npm ci` first)', () => {
    expect(installed.length).toBeGreaterThan(100);
    expect(lowestClaimed, `package.json engines.node ${ownRange} must admit ${SUPPORTED_FLOOR}`).toBeDefined();
    expect(semver.major(lowestClaimed ?? '0.0.0'), 'the README promises Node 20').toBe(20);
  });

  it('runs the tests on a Node our engines.node admits', () => {
    expect(semver.satisfies(running, ownRange), `package.json says node ${ownRange}, tests run on ${running}`).toBe(true);
  });

  for (const [label, version] of [
    [`the oldest Node 20 we support`, lowestClaimed ?? '0.0.0'],
    ['the running Node', running],
  ] as const) {
    it(`every installed package accepts ${label}: ${version}`, () => {
      const refusing = installed
        .filter((p) => !EXCEPTIONS.has(p.name))
        .filter((p) => !semver.satisfies(version, p.node, { includePrerelease: true }))
        .map((p) => `${p.name}@${p.version} wants node ${p.node} (${p.path})`);
      expect(refusing, `pin an older release in package.json "overrides", or move the package out of the root install`).toEqual([]);
    });
  }

  it('lists only exceptions that still apply', () => {
    const stale = [...EXCEPTIONS.keys()].filter(
      (name) => !installed.some((p) => p.name === name && !semver.satisfies(running, p.node, { includePrerelease: true })),
    );
    expect(stale, 'remove these from EXCEPTIONS').toEqual([]);
  });
});
