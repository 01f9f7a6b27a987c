import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

// The bench's own unit tests (npm run bench:test): the arithmetic, the samplers and
// the load generator. Kept apart from the product's suite, which `npm test` runs.
export default defineConfig({
  // graphql resolved the way Node resolves it, as the root vitest.config.ts explains, so that the
  // workloads' queries can be validated against the schema the federation packages build.
  resolve: { alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }] },
  test: { include: ['bench/test/**/*.test.ts'], testTimeout: 30_000, pool: 'forks', maxWorkers: 1 },
});
