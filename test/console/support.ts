/**
 * What the console tests share: building the console into a temporary folder,
 * as `npm run console:build` does into dist/console/app/, and starting
 * Debian's chromium headless with a fresh profile.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { build } from 'vite';

export const CHROMIUM = '/usr/bin/chromium';

/** Whether chromium is installed; says so, naming the test that will skip, when it is not. */
export function chromiumPresent(test: string): boolean {
  const present = existsSync(CHROMIUM);
  if (!present) console.warn(`${test}: ${CHROMIUM} is absent, so it is skipped (apt-get install -y chromium).`);
  return present;
}

/** Headless chromium on a fresh profile; closing it removes the profile. */
export async function launchChromium(viewport = { width: 1280, height: 1000 }): Promise<BrowserContext> {
  const profile = await mkdtemp(join(tmpdir(), 'rsg-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  // Chromium's helpers may still write to the profile just after the context closes: retry, as rm does for ENOTEMPTY.
  context.on('close', () => {
    rm(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 }).catch((e: unknown) => console.warn(`could not remove ${profile}: ${String(e)}`));
  });
  return context;
}

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
