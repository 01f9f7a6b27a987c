import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // graphql 16 ships both index.mjs ("module") and index.js ("main"). Node loads
    // index.js for import and require alike; Vite would pick index.mjs for our code
    // while CommonJS packages (gateway, federation) load index.js, and graphql
    // refuses schemas from "another realm". Resolve it the way Node does.
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    include: ['test/**/*.test.ts', 'bench/test/**/*.test.ts'],
    // Type tests (*.test-d.ts) run under tsc in every `vitest run`, each failed
    // assertion a failed test; at run time expectTypeOf checks nothing.
    typecheck: { enabled: true, include: ['test/**/*.test-d.ts'], tsconfig: 'tsconfig.json' },
    // With REDIS_URL set, fails the run if it left a key without a TTL.
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Suites start real servers on ephemeral ports; two workers fit a 2-core machine.
    pool: 'forks',
    maxWorkers: 2,
  },
});
