/**
 * Where things are, whether the code runs from source (under tsx) or compiled
 * (`node dist/…`). `projectRoot` holds package.json, config/, supergraph.graphql
 * and the runtime data (.data/, .dev/), never dist/. `codeRoot` is the tree the
 * code runs from: the project root under tsx, dist/ once built; the files that ship
 * beside the code (schema.graphql) are found there, the build copies them.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** This module is lib/paths.ts, or dist/lib/paths.js once built. */
export const codeRoot = fileURLToPath(new URL('..', import.meta.url));

const holdingPackageJson = (dir: string): string => (existsSync(join(dir, 'package.json')) || dirname(dir) === dir ? dir : holdingPackageJson(dirname(dir)));
export const projectRoot = holdingPackageJson(codeRoot);
