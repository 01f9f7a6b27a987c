/**
 * Settings of the write machinery, from the environment (docs/writes.md lists
 * them), and the store they select: the local journal by default, Redis when
 * REDIS_URL is set so that replicas share one queue and one set of idempotency records.
 */
import { join, resolve } from 'node:path';
import type { RedisClientType } from 'redis';
import { z } from 'zod';
import { ConfigError } from '../config.js';
import { projectRoot } from '../paths.js';
import { JournalStore } from './journal.js';
import { checkRedisPersistence, RedisStore } from './redis.js';
import type { WriteStore } from './store.js';
import type { WriteCoordinatorSettings } from './coordinator.js';

type Env = Record<string, string | undefined>;

const positiveInt = z.coerce.number().int().positive();

export interface WritesConfig {
  /** Journal directory (embedded store). */
  dir: string;
  maxAttempts: number;
  maxAgeMs: number;
  backoffMs: number;
  maxBackoffMs: number;
  pollMs: number;
  leaseMs: number;
  retentionMs: number;
  turnWaitMs: number;
  duplicateWaitMs: number;
}

export function loadWritesConfig(env: Env = process.env): WritesConfig {
  const schema = z.object({
    WRITES_DIR: z.string().min(1).default(join(projectRoot, '.data', 'writes')),
    WRITES_MAX_ATTEMPTS: positiveInt.default(10),
    WRITES_MAX_AGE_MS: positiveInt.default(24 * 3600_000),
    WRITES_BACKOFF_MS: positiveInt.default(1_000),
    WRITES_MAX_BACKOFF_MS: positiveInt.default(300_000),
    WRITES_POLL_MS: positiveInt.default(1_000),
    WRITES_LEASE_MS: positiveInt.default(60_000),
    WRITES_RETENTION_MS: positiveInt.default(7 * 24 * 3600_000),
    WRITES_TURN_WAIT_MS: positiveInt.default(10_000),
    WRITES_DUPLICATE_WAIT_MS: positiveInt.default(10_000),
  });
  const r = schema.safeParse(env);
  if (!r.success) {
    const lines = r.error.issues.map((i) => `  ${i.path.join('.')}=${JSON.stringify(env[String(i.path[0])] ?? null)}: ${i.message}`);
    throw new ConfigError(`invalid writes configuration:\n${lines.join('\n')}`);
  }
  const c = r.data;
  if (c.WRITES_MAX_BACKOFF_MS < c.WRITES_BACKOFF_MS) {
    throw new ConfigError(`WRITES_MAX_BACKOFF_MS=${c.WRITES_MAX_BACKOFF_MS} must be at least WRITES_BACKOFF_MS=${c.WRITES_BACKOFF_MS}`);
  }
  return {
    dir: resolve(projectRoot, c.WRITES_DIR),
    maxAttempts: c.WRITES_MAX_ATTEMPTS,
    maxAgeMs: c.WRITES_MAX_AGE_MS,
    backoffMs: c.WRITES_BACKOFF_MS,
    maxBackoffMs: c.WRITES_MAX_BACKOFF_MS,
    pollMs: c.WRITES_POLL_MS,
    leaseMs: c.WRITES_LEASE_MS,
    retentionMs: c.WRITES_RETENTION_MS,
    turnWaitMs: c.WRITES_TURN_WAIT_MS,
    duplicateWaitMs: c.WRITES_DUPLICATE_WAIT_MS,
  };
}

const NAME = /^[a-z][a-z0-9-]{0,31}$/;

/**
 * The store of one subgraph: with a Redis client, a partition of the shared Redis
 * (warning at boot when Redis would not keep the queue across its own restart);
 * else the journal in `<config.dir>/<name>`, which that subgraph's process alone owns.
 */
export async function openWriteStore(
  config: WritesConfig,
  opts: {
    /** The subgraph, e.g. `order`: its journal directory and Redis partition. */
    name: string;
    /** RSG_NAMESPACE. */
    namespace: string;
    redis?: RedisClientType;
  },
): Promise<WriteStore> {
  if (!NAME.test(opts.name)) throw new ConfigError(`expected a write store name such as 'order' (lowercase letters, digits, -), got '${opts.name}'`);
  if (opts.redis) {
    await checkRedisPersistence(opts.redis);
    return new RedisStore(opts.redis, { namespace: opts.namespace, partition: opts.name, retentionMs: config.retentionMs });
  }
  return JournalStore.open({ dir: join(config.dir, opts.name), retentionMs: config.retentionMs });
}

/** The coordinator options a config implies (merge in the hooks and the store). */
export function coordinatorOptions(config: WritesConfig): WriteCoordinatorSettings {
  return {
    maxAttempts: config.maxAttempts,
    maxAgeMs: config.maxAgeMs,
    backoffMs: config.backoffMs,
    maxBackoffMs: config.maxBackoffMs,
    pollMs: config.pollMs,
    leaseMs: config.leaseMs,
    turnWaitMs: config.turnWaitMs,
    duplicateWaitMs: config.duplicateWaitMs,
  };
}
