/**
 * `npm run build`: compiles the product (tsconfig.build.json: lib, gateway,
 * subgraphs, sandbox, scripts) to dist/ with tsc, after emptying it, and copies
 * beside the compiled modules the files they read relative to themselves (each
 * subgraph's schema.graphql, lib/schema/*.graphql). Data the code reads from the
 * project root (config/, supergraph.graphql) stays there; see lib/paths.ts.
 *
 * `--out-dir <dir>` builds elsewhere; `--no-check` emits without type checking
 * (the same output: every file compiles on its own, `isolatedModules`), for a
 * caller that has checked types already, as `npm test` does. `build({ project })`
 * compiles another tsconfig the same way: the bench's peers, into bench/.dist/.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { projectRoot } from '../lib/paths.js';

/** What the compiled code reads from beside itself. */
const ASSET = /\.graphql$/;
const CONFIG = join(projectRoot, 'tsconfig.build.json');

export interface BuildOptions {
  /** The tsconfig to build, e.g. the bench's peers (bench/tsconfig.peers.json). @default tsconfig.build.json */
  project?: string;
  /** @default the config's outDir, dist/ */
  outDir?: string;
  /** Skip type checking. @default false */
  noCheck?: boolean;
}

/** Builds into `outDir` and returns it; throws with tsc's output when it fails. */
export function build(options: BuildOptions = {}): string {
  const project = resolve(projectRoot, options.project ?? CONFIG);
  const configDir = dirname(project);
  const config = JSON.parse(readFileSync(project, 'utf8')) as { include: string[]; compilerOptions: { outDir: string; rootDir?: string } };
  const outDir = resolve(configDir, options.outDir ?? config.compilerOptions.outDir);
  rmSync(outDir, { recursive: true, force: true });
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const args = [tsc, '-p', project, '--outDir', outDir, ...(options.noCheck ? ['--noCheck'] : [])];
  const run = spawnSync(process.execPath, args, { cwd: projectRoot, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`tsc failed (${run.status ?? run.signal}):\n${run.stdout}${run.stderr}`);
  // Assets keep their path below the config's rootDir, as the compiled modules do.
  const rootDir = resolve(configDir, config.compilerOptions.rootDir ?? '.');
  for (const dir of config.include) {
    const from = resolve(configDir, dir);
    for (const file of readdirSync(from, { recursive: true, encoding: 'utf8' })) {
      if (ASSET.test(file)) cpSync(join(from, file), join(outDir, relative(rootDir, from), file));
    }
  }
  return outDir;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const { values } = parseArgs({ options: { 'out-dir': { type: 'string' }, 'no-check': { type: 'boolean', default: false } } });
  const started = Date.now();
  try {
    const outDir = build({ ...(values['out-dir'] ? { outDir: values['out-dir'] } : {}), noCheck: values['no-check'] });
    console.log(`built ${relative(projectRoot, outDir) || outDir}/ in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } catch (e) {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  }
}
