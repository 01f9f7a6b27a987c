/**
 * What the console tests share: building the console into a temporary folder,
 * as `npm run console:build` does into dist/console/app/.
 */
import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'vite';

const config = join(import.meta.dirname, '..', '..', 'console', 'vite.config.ts');

/** Builds the console (`production`: no development sign-in) and answers the folder. */
export async function buildConsole(mode: 'production' | 'development'): Promise<string> {
  const outDir = await mkdtemp(join(tmpdir(), `rsg-console-${mode}-`));
  await build({ configFile: config, mode, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  return outDir;
}

/** Every file of a build as text, by its path in the build. */
export async function bundleText(dir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const f of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (f.isFile()) {
      const path = join(f.parentPath, f.name);
      files.set(path.slice(dir.length + 1), await readFile(path, 'utf8'));
    }
  }
  return files;
}
