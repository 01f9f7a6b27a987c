/**
 * Vitest global setup: a test run leaves no Redis key that never expires.
 *
 * Event streams and feed state are durable in the product (no TTL, by design),
 * so a test that runs them on Redis must delete them; one that forgets leaves
 * litter that grows with every run on a Redis others share. When REDIS_URL is
 * set, this notes which of the suite's keys (TEST_KEY_PATTERNS) already lack a
 * TTL in that database before the run, and after the run fails it, listing the
 * keys, if the run added any. It reads only; it deletes nothing, so other
 * stacks' keys, and litter from before this run, are never touched.
 *
 * A concurrent test run on the same database would be blamed for its keys too:
 * give tests a database of their own (`.ci/run` uses 15, CONTRIBUTING.md).
 */
import { connectOnce, databaseOf, keysWithoutTtl, TEST_KEY_PATTERNS } from './redis-keys.js';

export default async function setup(): Promise<(() => Promise<void>) | void> {
  const url = process.env.REDIS_URL;
  if (!url) return;
  let before: Set<string>;
  try {
    const client = await connectOnce(url);
    before = new Set(await keysWithoutTtl(client));
    await client.quit();
  } catch {
    // Unreachable Redis: the Redis suites report that themselves.
    return;
  }
  return async () => {
    const client = await connectOnce(url);
    let added: string[];
    try {
      added = (await keysWithoutTtl(client)).filter((k) => !before.has(k));
    } finally {
      await client.quit();
    }
    if (added.length > 0) {
      // Vitest reports a teardown error but keeps the exit code of the tests.
      process.exitCode = 1;
      const shown = added.slice(0, 50).map((k) => `  ${k}`);
      throw new Error(
        [
          `this test run left ${added.length} Redis key(s) without a TTL in database ${databaseOf(url)} (${TEST_KEY_PATTERNS.join(', ')}):`,
          ...shown,
          ...(added.length > shown.length ? [`  … and ${added.length - shown.length} more`] : []),
          'Give each key a TTL, or delete the test namespace when the test is done (deleteNamespace in test/support/redis-keys.ts; startStack does it on close).',
        ].join('\n'),
      );
    }
  };
}
