/**
 * Where cached entries live: keyv in process memory by default, Redis when a
 * URL is given so that every replica and every subgraph process shares one
 * cache.
 *
 * The caches use the store through one small interface, KeyValueStore: text
 * values by key, read and written a batch at a time, each written with a TTL.
 * In memory that is keyv over a bounded LRU; on Redis it is the node-redis
 * client itself (one MGET, one pipelined batch of SET … PX): keyv's per-call
 * work, and above all its JSON envelope around every value (`{"value":…,
 * "expires":…}`, which escapes an entry's JSON a second time), cost more than
 * the commands on the miss path.
 *
 * On Redis, entries are stored as they are, under their own key. Tag versions
 * keep the key and envelope keyv gave them (`keyv::<key>`): they are small, and
 * a process of an earlier release, which reads and writes them through keyv,
 * then still sees every invalidation a newer one makes, and the other way round,
 * while both run side by side. Entry keys changed format with them (`v2`), so
 * neither release reads the other's entries. Apollo's persisted queries still
 * go through keyv, under keyv's keys.
 *
 * Two operations take one Lua script each on Redis, where they would otherwise
 * take two round trips: a write guarded by its tags' versions (setGuarded), and
 * a read of tagged values with their tags' versions (getTagged). In memory they
 * are a read and a write, as cheap as one. getTagged's script reads tag keys it
 * finds in the values, not given as KEYS: like the MGET of entries with their
 * tags' versions, it assumes one Redis, not a cluster.
 *
 * The Redis client is set up to fail fast rather than to wait: with the offline
 * queue off, a command issued while Redis is unreachable rejects at once, and
 * the cache falls back to the system of record. It keeps reconnecting in the
 * background, so the cache comes back by itself when Redis does.
 */
import Keyv from 'keyv';
import { LRUCache } from 'lru-cache';
import KeyvRedis from '@keyv/redis';
import { createClient, type RedisClientType } from 'redis';
import type { Logger } from 'pino';
import { INITIAL_TAG_VERSION, tagVersionTime } from './tags-report.js';

/** One value to write, kept `ttlMs` milliseconds. */
export interface StoreEntry {
  key: string;
  value: string;
  ttlMs: number;
}

/**
 * A value that records the current versions of some tags, written only if none
 * of them was made after `since`: an entry whose data may predate a change of
 * its tags is never written, and one that is written carries the versions it
 * must still match to be served.
 */
export interface GuardedEntry {
  key: string;
  ttlMs: number;
  /** The keys of the tag versions (tagVersionKey) the value records, in order. */
  tagKeys: readonly string[];
  /** Epoch ms: a version made after it (tagVersionTime) skips the write. */
  since: number;
  /** The value is `head`, the versions, then `tail`. */
  head: string;
  tail: string;
  /** The versions as a JSON array of strings, or the one version as it is (an entry of a single tag). */
  versionsAs: 'json' | 'single';
}

/** The operations the caches run on their store. Each call is one round trip; each rejects when the store fails. */
export interface KeyValueStore {
  /** The values of `keys`, in order; undefined where absent, expired, or not a text value. */
  getMany(keys: readonly string[]): Promise<Array<string | undefined>>;
  /** Writes every entry, each with its TTL. */
  setMany(entries: readonly StoreEntry[]): Promise<void>;
  deleteMany(keys: readonly string[]): Promise<void>;
  /**
   * Reads the tag versions of `entries` and writes each entry none of whose versions
   * moved after its `since`, with them in its value (on Redis one script, so nothing
   * comes between the read and the write). A tag without a version has INITIAL_TAG_VERSION.
   * Then writes `plain` as setMany would, in the same round trip.
   * @returns per guarded entry, whether it was written
   */
  setGuarded(entries: readonly GuardedEntry[], plain?: readonly StoreEntry[]): Promise<boolean[]>;
  /**
   * The values of `keys`, each a tagged value (taggedValue), with the current version
   * of every tag they name, the version of tag `t` being the value of `tagPrefix + t`
   * (on Redis one script: one round trip for a hit as for a miss).
   * @returns values as getMany answers them, and each named tag's version (undefined where it has none)
   */
  getTagged(keys: readonly string[], tagPrefix: string): Promise<Tagged>;
  /**
   * True where every call completes without I/O (this process's memory): it cannot
   * hang, so callers need not race it against a timeout. @default false
   */
  readonly inProcess?: boolean;
}

/** What getTagged answers. */
export interface Tagged {
  values: Array<string | undefined>;
  versions: Map<string, string | undefined>;
}

/**
 * A value that names its tags ahead of the rest: the JSON array of them, a newline,
 * then the rest (JSON leaves no raw newline in an array of strings), so a store can
 * find the tags without reading the rest.
 */
export function taggedValue(tags: readonly string[], rest: string): string {
  return `${JSON.stringify(tags)}\n${rest}`;
}

/** The tags and the rest of a tagged value; undefined for anything else. */
export function readTagged(raw: string): { tags: string[]; rest: string } | undefined {
  const nl = raw.indexOf('\n');
  if (nl < 0) return undefined;
  try {
    const tags: unknown = JSON.parse(raw.slice(0, nl));
    if (!Array.isArray(tags) || !tags.every((t) => typeof t === 'string')) return undefined;
    return { tags: tags as string[], rest: raw.slice(nl + 1) };
  } catch {
    return undefined;
  }
}

/** The value a guarded entry is written with, given its tags' versions. */
export function guardedValue(e: GuardedEntry, versions: readonly string[]): string {
  return e.head + (e.versionsAs === 'json' ? JSON.stringify(versions) : (versions[0] ?? INITIAL_TAG_VERSION)) + e.tail;
}

/**
 * The entries of a setGuarded to write, given each tag key's current version:
 * those none of whose versions moved after their `since`, with their versions
 * in the value. `written` says, per entry, whether it is among them.
 */
function guardedWrites(entries: readonly GuardedEntry[], versionOf: (tagKey: string) => string): { writes: StoreEntry[]; written: boolean[] } {
  const writes: StoreEntry[] = [];
  const written = entries.map((e) => {
    const versions = e.tagKeys.map(versionOf);
    if (versions.some((v) => tagVersionTime(v) > e.since)) return false;
    writes.push({ key: e.key, value: guardedValue(e, versions), ttlMs: e.ttlMs });
    return true;
  });
  return { writes, written };
}

/**
 * setGuarded over getMany and setMany: the versions read in one round trip, the
 * entries written in another. For a keyv store (tests hand the caches their own).
 */
async function setGuardedInTwo(store: Pick<KeyValueStore, 'getMany' | 'setMany'>, entries: readonly GuardedEntry[], plain: readonly StoreEntry[]): Promise<boolean[]> {
  const tagKeys = [...new Set(entries.flatMap((e) => e.tagKeys))];
  const raw = await store.getMany(tagKeys);
  const current = new Map(tagKeys.map((k, i) => [k, raw[i] ?? INITIAL_TAG_VERSION]));
  const { writes, written } = guardedWrites(entries, (k) => current.get(k) ?? INITIAL_TAG_VERSION);
  await store.setMany([...writes, ...plain]);
  return written;
}

/**
 * `kv` is what the caches use. On Redis, `keyv` is the same store through keyv,
 * for what takes a keyv (Apollo's persisted-query cache, kept on Redis only).
 */
export type CacheStore =
  | { phase: 'memory'; kv: KeyValueStore; close(): Promise<void> }
  | { phase: 'redis'; kv: KeyValueStore; keyv: Keyv; client: RedisClientType; close(): Promise<void> };

/** A KeyValueStore over keyv: for tests that hand the caches a keyv of their own. */
export function keyvStore(keyv: Keyv): KeyValueStore {
  return {
    async getMany(keys) {
      if (keys.length === 0) return [];
      const raw = await keyv.getMany<unknown>([...keys]);
      return raw.map((v) => (typeof v === 'string' ? v : undefined));
    },
    async setMany(entries) {
      if (entries.length === 0) return;
      await keyv.setMany(entries.map((e) => ({ key: e.key, value: e.value, ttl: e.ttlMs })));
    },
    async deleteMany(keys) {
      if (keys.length > 0) await keyv.deleteMany([...keys]);
    },
    setGuarded(entries, plain = []) {
      return setGuardedInTwo(this, entries, plain);
    },
    async getTagged(keys, tagPrefix) {
      const values = await this.getMany(keys);
      const tags = [...new Set(values.flatMap((v) => (v === undefined ? [] : (readTagged(v)?.tags ?? []))))];
      const raw = await this.getMany(tags.map((t) => tagPrefix + t));
      return { values, versions: new Map(tags.map((t, i) => [t, raw[i]])) };
    },
  };
}

/** The prefix keyv's Redis store puts before every key (its namespace `keyv` and separator `::`). */
export const KEYV_KEY_PREFIX = 'keyv::';

/** Tag versions (`<namespace>:cache:tag:<tag>`, see tagVersionKey): the keys kept in keyv's format on Redis. */
export const isTagVersionKey = (key: string): boolean => key.includes(':cache:tag:');

/**
 * A value as keyv writes it: `{"value":…,"expires":…}`, with keyv's escape of a
 * string that starts with `:` (one more `:` in front).
 */
function wrapValue(value: string, expires: number): string {
  return `{"value":${JSON.stringify(value.startsWith(':') ? `:${value}` : value)},"expires":${expires}}`;
}

/**
 * The text value in keyv's envelope; undefined for anything else (a value keyv
 * did not write, a Buffer keyv stored as `:base64:`, or one past its deadline),
 * which the caches treat as absent.
 */
function unwrapValue(raw: string, now: number): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (parsed === null || typeof parsed !== 'object') return undefined;
  const { value, expires } = parsed as { value?: unknown; expires?: unknown };
  if (typeof value !== 'string' || value.startsWith(':base64:')) return undefined;
  if (typeof expires === 'number' && now > expires) return undefined;
  return value.startsWith(':') ? value.slice(1) : value;
}

/**
 * Lua: `version(key, enveloped)`, the version a tag key holds as unwrapValue reads
 * it (the value itself when not in keyv's envelope), or `absent` where it has none.
 * Expects `now` (epoch ms).
 */
function versionReader(absent: string): string {
  return `
local function version(key, enveloped)
  local raw = redis.call('GET', key)
  if not raw then return ${absent} end
  if not enveloped then return raw end
  local ok, env = pcall(cjson.decode, raw)
  if not ok or type(env) ~= 'table' or type(env.value) ~= 'string' then return ${absent} end
  if type(env.expires) == 'number' and now > env.expires then return ${absent} end
  local v = env.value
  if string.sub(v, 1, 8) == ':base64:' then return ${absent} end
  if string.sub(v, 1, 1) == ':' then v = string.sub(v, 2) end
  return v
end`;
}

/**
 * getTagged on Redis. KEYS: the values' keys. ARGV: the time now, the tag key
 * prefix as stored, and 1 when tag keys are in keyv's envelope. Answers the
 * values (false where absent), then each tag they name followed by its version
 * (false where it has none).
 */
const GET_TAGGED_SCRIPT = `
local now, prefix, enveloped = tonumber(ARGV[1]), ARGV[2], ARGV[3] == '1'
${versionReader('false')}
local out, seen, tags = {}, {}, {}
for i, key in ipairs(KEYS) do
  local raw = redis.call('GET', key)
  out[i] = raw
  if raw then
    local nl = string.find(raw, '\\n', 1, true)
    if nl then
      local ok, named = pcall(cjson.decode, string.sub(raw, 1, nl - 1))
      if ok and type(named) == 'table' then
        for _, t in ipairs(named) do
          if type(t) == 'string' and not seen[t] then
            seen[t] = true
            tags[#tags + 1] = t
          end
        end
      end
    end
  end
end
for _, t in ipairs(tags) do
  out[#out + 1] = t
  out[#out + 1] = version(prefix .. t, enveloped)
end
return out
`;

/**
 * setGuarded on Redis: every entry's tag versions read and the entry written in
 * one script. KEYS: per entry, its key then its tag keys. ARGV: the time now and
 * the initial version, then per entry: how many tags, whether each is in keyv's
 * envelope (a string of 1s and 0s), since, TTL in ms, json or single (or none
 * for a plain entry: no tags, its value in head), head, tail.
 * A version is read as unwrapValue reads it, and dated as tagVersionTime does.
 * Answers 1 per entry written, 0 per entry skipped.
 */
const SET_GUARDED_SCRIPT = `
local now, initial = tonumber(ARGV[1]), ARGV[2]
${versionReader('initial')}
local function made(v)
  if v == initial then return 0 end
  local dot = string.find(v, '.', 1, true)
  if not dot then return 0 end
  return tonumber(string.sub(v, 1, dot - 1), 36) or 0
end
local k, a, written = 1, 3, {}
while a <= #ARGV do
  local n, enveloped, since = tonumber(ARGV[a]), ARGV[a + 1], tonumber(ARGV[a + 2])
  local versions, moved = {}, false
  for i = 1, n do
    local v = version(KEYS[k + i], string.sub(enveloped, i, i) == '1')
    if made(v) > since then moved = true end
    versions[i] = v
  end
  if moved then
    written[#written + 1] = 0
  else
    local middle = ''
    if ARGV[a + 4] == 'json' then
      local quoted = {}
      for i, v in ipairs(versions) do quoted[i] = cjson.encode(v) end
      middle = '[' .. table.concat(quoted, ',') .. ']'
    elseif ARGV[a + 4] == 'single' then
      middle = versions[1] or initial
    end
    redis.call('SET', KEYS[k], ARGV[a + 5] .. middle .. ARGV[a + 6], 'PX', ARGV[a + 3])
    written[#written + 1] = 1
  end
  k, a = k + n + 1, a + 7
end
return written
`;

/**
 * A KeyValueStore on the node-redis client: reads are one MGET, writes one SET
 * with PX, or several pipelined in one round trip. Redis expires every key by
 * its PX; an envelope's deadline is only for keyv's readers.
 *
 * @param keyvFormat which keys keep keyv's key prefix and envelope (the rest are stored as they are)
 */
export function redisStore(client: RedisClientType, keyvFormat: (key: string) => boolean = isTagVersionKey, now: () => number = Date.now): KeyValueStore {
  const redisKey = (key: string): string => (keyvFormat(key) ? KEYV_KEY_PREFIX + key : key);
  const set = (e: StoreEntry, t: number): [string, string, { PX: number }] => {
    // PX takes whole milliseconds, at least one: every key expires.
    const ttlMs = Math.max(1, Math.ceil(e.ttlMs));
    return keyvFormat(e.key) ? [KEYV_KEY_PREFIX + e.key, wrapValue(e.value, t + ttlMs), { PX: ttlMs }] : [e.key, e.value, { PX: ttlMs }];
  };
  return {
    async getMany(keys) {
      if (keys.length === 0) return [];
      const raw = await client.mGet(keys.map(redisKey));
      const t = now();
      return raw.map((r, i) => (typeof r !== 'string' ? undefined : keyvFormat(keys[i] as string) ? unwrapValue(r, t) : r));
    },
    async setMany(entries) {
      const t = now();
      const first = entries[0];
      if (first === undefined) return;
      if (entries.length === 1) {
        await client.set(...set(first, t));
        return;
      }
      const batch = client.multi();
      for (const e of entries) batch.set(...set(e, t));
      await batch.execAsPipeline();
    },
    async deleteMany(keys) {
      if (keys.length > 0) await client.unlink(keys.map(redisKey));
    },
    async setGuarded(entries, plain = []) {
      if (entries.length === 0) {
        await this.setMany(plain);
        return [];
      }
      const keys: string[] = [];
      const args: string[] = [String(now()), INITIAL_TAG_VERSION];
      for (const e of entries) {
        // The script writes values as they are: an entry in keyv's envelope is not one it can write.
        if (keyvFormat(e.key)) throw new Error(`a guarded write cannot hold ${e.key}`);
        keys.push(e.key, ...e.tagKeys.map(redisKey));
        const enveloped = e.tagKeys.map((k) => (keyvFormat(k) ? '1' : '0')).join('');
        args.push(String(e.tagKeys.length), enveloped, String(e.since), String(Math.max(1, Math.ceil(e.ttlMs))), e.versionsAs, e.head, e.tail);
      }
      for (const e of plain) {
        if (keyvFormat(e.key)) throw new Error(`a guarded write cannot hold ${e.key}`);
        // No tags: nothing to guard, nothing put in.
        keys.push(e.key);
        args.push('0', '', '0', String(Math.max(1, Math.ceil(e.ttlMs))), 'none', e.value, '');
      }
      // EVAL rather than EVALSHA: Redis keeps the compiled script either way, and there is no NOSCRIPT round trip to make.
      const reply = await client.eval(SET_GUARDED_SCRIPT, { keys, arguments: args });
      if (!Array.isArray(reply) || reply.length !== entries.length + plain.length) throw new Error('unexpected reply to a guarded write');
      return reply.slice(0, entries.length).map((w) => w === 1);
    },
    async getTagged(keys, tagPrefix) {
      if (keys.length === 0) return { values: [], versions: new Map() };
      const enveloped = keyvFormat(tagPrefix);
      const reply = await client.eval(GET_TAGGED_SCRIPT, { keys: [...keys], arguments: [String(now()), enveloped ? KEYV_KEY_PREFIX + tagPrefix : tagPrefix, enveloped ? '1' : '0'] });
      if (!Array.isArray(reply) || reply.length < keys.length || (reply.length - keys.length) % 2 !== 0) throw new Error('unexpected reply to a tagged read');
      const text = (r: unknown): string | undefined => (typeof r === 'string' ? r : undefined);
      const versions = new Map<string, string | undefined>();
      for (let i = keys.length; i < reply.length; i += 2) versions.set(String(reply[i]), text(reply[i + 1]));
      return { values: reply.slice(0, keys.length).map(text), versions };
    },
  };
}

/** An entry of memoryStore: the value as written and its deadline (epoch ms; Infinity for none). */
interface MemoryEntry {
  value: string;
  expires: number;
}

/**
 * The caches' store without Redis: this process's memory, at most `max`
 * entries, the least recently used evicted first (lru-cache), each value kept
 * as written with its deadline. An entry past its deadline is absent on every
 * read and dropped then; one never read again ages out like any unused entry,
 * so no timer is spent on expiry.
 *
 * Straight on lru-cache rather than through keyv, which would wrap each value
 * in its JSON envelope on write and parse it back on every read, and answer
 * each key through promises and hooks of its own: in one process's memory that
 * buys nothing, and a cold customer view makes dozens of these calls.
 *
 * Tag versions live here too, and evicting one brings back the initial version,
 * so it must never go before an entry that still carries the initial one. It
 * does not: every read of an entry (EntityCache.read, the response cache's
 * getTagged) reads its tags' versions after it, key by key in order, so a
 * version is always used more recently than the entries that name it; and in
 * one process a fetch that an invalidation overtook never writes (EntityCache
 * drops it), so no entry is written with a version older than its tag's.
 */
export function memoryStore(max: number, now: () => number = Date.now): KeyValueStore {
  const lru = new LRUCache<string, MemoryEntry>({ max });
  const read = (key: string, at: number): string | undefined => {
    const e = lru.get(key);
    if (e === undefined) return undefined;
    if (at > e.expires) {
      lru.delete(key);
      return undefined;
    }
    return e.value;
  };
  const write = (entries: readonly StoreEntry[]): void => {
    const at = now();
    for (const e of entries) lru.set(e.key, { value: e.value, expires: e.ttlMs > 0 ? at + e.ttlMs : Infinity });
  };
  return {
    inProcess: true,
    async getMany(keys) {
      const at = now();
      return keys.map((k) => read(k, at));
    },
    async setMany(entries) {
      write(entries);
    },
    async deleteMany(keys) {
      for (const k of keys) lru.delete(k);
    },
    // In one synchronous step: no invalidation can come between reading the versions and writing.
    async setGuarded(entries, plain = []) {
      const at = now();
      const { writes, written } = guardedWrites(entries, (k) => read(k, at) ?? INITIAL_TAG_VERSION);
      write([...writes, ...plain]);
      return written;
    },
    async getTagged(keys, tagPrefix) {
      const at = now();
      const values = keys.map((k) => read(k, at));
      const tags = [...new Set(values.flatMap((v) => (v === undefined ? [] : (readTagged(v)?.tags ?? []))))];
      return { values, versions: new Map(tags.map((t) => [t, read(tagPrefix + t, at)])) };
    },
  };
}

export interface CacheStoreOptions {
  /** redis://host:port; in-memory when absent. @default undefined (memory) */
  redisUrl?: string | undefined;
  /** Entries the in-memory store keeps at most; the least recently used go first. @default 100000 */
  maxMemoryEntries?: number;
  /** Longest wait for the first connection before serving without Redis (it keeps retrying). @default 2000 */
  connectTimeoutMs?: number;
  /** The connection's name on Redis (CLIENT SETNAME), so CLIENT LIST shows whose it is. @default none */
  name?: string;
  log?: Logger;
}

export async function createCacheStore(opts: CacheStoreOptions = {}): Promise<CacheStore> {
  if (!opts.redisUrl) {
    return { phase: 'memory', kv: memoryStore(opts.maxMemoryEntries ?? 100_000), close: async () => undefined };
  }
  const connectTimeoutMs = opts.connectTimeoutMs ?? 2000;
  const client: RedisClientType = createClient({
    url: opts.redisUrl,
    ...(opts.name ? { name: opts.name } : {}),
    disableOfflineQueue: true,
    socket: {
      connectTimeout: connectTimeoutMs,
      // Back off up to 2 s between attempts, forever: a cache outage must end by itself.
      reconnectStrategy: (retries: number) => Math.min(50 * 2 ** Math.min(retries, 6), 2000),
    },
  });
  let lastLogged = 0;
  client.on('error', (err: unknown) => {
    // A reconnect loop reports an error per attempt; one line per 10 s is enough to see it.
    const now = Date.now();
    if (now - lastLogged > 10_000) {
      lastLogged = now;
      opts.log?.warn({ err: err instanceof Error ? err.message : String(err) }, 'cache redis error');
    }
  });
  const connecting = client.connect().catch((err: unknown) => {
    opts.log?.warn({ err: err instanceof Error ? err.message : String(err) }, 'cache redis connect failed');
  });
  // Boot does not wait on a Redis that is not there: the first error, or the timeout, ends the wait.
  let timer: NodeJS.Timeout | undefined;
  let onError: (() => void) | undefined;
  await Promise.race([
    connecting,
    new Promise<void>((r) => {
      timer = setTimeout(r, connectTimeoutMs);
      onError = r;
      client.once('error', r);
    }),
  ]);
  clearTimeout(timer);
  if (onError) client.off('error', onError);
  const store = new KeyvRedis(client, { throwOnErrors: true, throwOnConnectError: true, connectionTimeout: connectTimeoutMs });
  const keyv = new Keyv({ store, useKeyPrefix: false, throwOnErrors: true });
  // keyv re-emits store errors; whoever calls it counts failures where it catches them, so this only keeps them from being unhandled.
  keyv.on('error', () => undefined);
  return {
    phase: 'redis',
    kv: redisStore(client),
    keyv,
    client,
    async close() {
      if (client.isOpen) await client.close().catch(() => client.destroy());
      else client.destroy();
    },
  };
}
