/**
 * The keys the test suite writes to Redis, and how it cleans them up.
 *
 * The machine's Redis is shared with other stacks, so nothing here touches a key
 * outside the suite's own namespaces: every Redis test names its namespace
 * `test-…` or `rsg-test-…` (keyv adds `keyv::` in front of tag versions and persisted queries), with a
 * random part, and runs in the database of REDIS_URL.
 */
import { createClient, type RedisClientType } from 'redis';

/** Glob patterns of every key a test may write: the suite's namespaces, bare and under keyv's prefix. */
export const TEST_KEY_PATTERNS: readonly string[] = ['test-*', 'rsg-test-*', 'keyv::test-*', 'keyv::rsg-test-*'];

/** The database number a redis:// URL selects (its path), 0 when it has none. */
export function databaseOf(url: string): number {
  const path = new URL(url).pathname.replace(/^\//, '');
  return path === '' ? 0 : Number(path);
}

/** Escapes a literal for a SCAN MATCH pattern. */
const globLiteral = (s: string): string => s.replace(/[\\*?[\]]/g, (c) => `\\${c}`);

/** A client that gives up at once when Redis is unreachable: cleanup must never hang a test run. */
export async function connectOnce(url: string): Promise<RedisClientType> {
  const client = createClient({ url, socket: { connectTimeout: 2_000, reconnectStrategy: false } }) as RedisClientType;
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

async function scan(client: RedisClientType, pattern: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const batch of client.scanIterator({ MATCH: pattern, COUNT: 1_000 })) keys.push(...batch);
  return keys;
}

/** Keys matching `patterns` that never expire (TTL -1), sorted. */
export async function keysWithoutTtl(client: RedisClientType, patterns: readonly string[] = TEST_KEY_PATTERNS): Promise<string[]> {
  const keys = [...new Set((await Promise.all(patterns.map((p) => scan(client, p)))).flat())];
  const ttls = await Promise.all(keys.map((k) => client.ttl(k)));
  return keys.filter((_, i) => ttls[i] === -1).sort();
}

/**
 * Deletes every key of one namespace: its own (`<ns>:…`, event streams, feed
 * state, write queue, cache entries) and those keyv writes (`keyv::<ns>:…`). Stream and feed
 * state keys never expire in the product, so a test that ran a stack on Redis
 * removes them when it is done.
 */
export async function deleteNamespace(
  client: RedisClientType,
  namespace: string,
  opts: {
    /** Also the namespaces named `<ns>-<anything>`, for a test that makes one per case. @default false */
    children?: boolean;
  } = {},
): Promise<number> {
  if (!/^(rsg-)?test-/.test(namespace)) throw new Error(`refusing to delete namespace '${namespace}': test namespaces start with test- or rsg-test-`);
  const names = [globLiteral(namespace), ...(opts.children ? [`${globLiteral(namespace)}-*`] : [])];
  const keys: string[] = [];
  for (const ns of names) keys.push(...(await scan(client, `${ns}:*`)), ...(await scan(client, `keyv::${ns}:*`)));
  // UNLINK frees memory off the main thread; batches keep each command small.
  for (let i = 0; i < keys.length; i += 500) await client.unlink(keys.slice(i, i + 500));
  return keys.length;
}
