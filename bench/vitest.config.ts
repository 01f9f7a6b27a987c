import { defineConfig } from 'vitest/config';

// The bench's own unit tests (npm run bench:test): the arithmetic, the samplers and
// the load generator. Kept apart from the product's suite, which `npm test` runs.
export default defineConfig({
  test: { include: ['bench/test/**/*.test.ts'], testTimeout: 30_000, pool: 'forks', maxWorkers: 1 },
});
