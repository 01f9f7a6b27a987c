/**
 * The console's build. `vite build --config console/vite.config.ts` is a
 * production build: no development sign-in, no token, relative asset paths so
 * it can be served under any prefix. `--mode development` adds the development
 * role picker (what `npm start` serves). Output: dist/console/app/.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig(({ mode }) => ({
  root,
  base: './',
  plugins: [react()],
  define: { __DEV_SIGN_IN__: JSON.stringify(mode === 'development') },
  build: {
    outDir: fileURLToPath(new URL('../dist/console/app', import.meta.url)),
    emptyOutDir: true,
    // Minified in both modes, so a development build is what a production one is plus the picker.
    minify: true,
  },
}));
