/**
 * Helpers for the write-machinery tests: temporary journal directories, a Redis
 * store with a key prefix unique to the run, and a fake system of record that
 * deduplicates repeated calls by key the way NetSuite's externalId or Zendesk's
 * Idempotency-Key do, and records every call it receives.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { createClient, type RedisClientType } from 'redis';
import { DomainError, ErrorCode, UpstreamError } from '../../lib/errors.js';
import { JournalStore, RedisStore, type ApplyContext, type WriteStore } from '../../lib/writes/index.js';

export function tempDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'rsg-writes-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface StoreFactory {
  engine: 'journal' | 'redis';
  /** A fresh, empty store (each call returns a store over new, separate storage unless `shared` is set). */
  open(): Promise<WriteStore>;
  cleanup(): Promise<void>;
}

export function journalFactory(): StoreFactory {
  const dirs: Array<{ remove(): void }> = [];
  return {
    engine: 'journal',
    async open() {
      const d = tempDir();
      dirs.push(d);
      return JournalStore.open({ dir: d.dir });
    },
    async cleanup() {
      for (const d of dirs) d.remove();
    },
  };
}

/** A Redis store under `rsg-test-<uuid>`; cleanup deletes every key of the run. */
export function redisFactory(url: string): StoreFactory & { client(): Promise<RedisClientType>; namespace(): string } {
  const clients: RedisClientType[] = [];
  const run = `rsg-test-${randomUUID()}`;
  let n = 0;
  let current = '';
  const connect = async (): Promise<RedisClientType> => {
    const c = createClient({ url }) as RedisClientType;
    await c.connect();
    clients.push(c);
    return c;
  };
  return {
    engine: 'redis',
    namespace: () => current,
    client: connect,
    async open() {
      current = `${run}-${n++}`;
      return new RedisStore(await connect(), { namespace: current });
    },
    async cleanup() {
      const c = clients[0] ?? (await connect());
      const keys: string[] = [];
      for await (const batch of c.scanIterator({ MATCH: `${run}-*`, COUNT: 500 })) keys.push(...(batch as unknown as string[]));
      if (keys.length > 0) await c.del(keys);
      for (const cl of clients) await cl.quit();
    },
  };
}

export interface SystemCall {
  dedupeKey: string;
  payload: unknown;
  attempt: number;
  replay: boolean;
  resumed: boolean;
  expectedVersion: string | undefined;
}

/**
 * A system of record in miniature. `apply` is a registered applier: it fails as
 * the system is set to fail, otherwise it applies the payload once per dedupe key
 * (a repeated key returns the first result, as the real systems do).
 */
export class FakeSystem {
  mode: 'up' | 'down' | 'refuse' | 'error' | 'bug' = 'up';
  /** The system's version of each entity; a write with an older expectedVersion conflicts. */
  versions = new Map<string, number>();
  readonly calls: SystemCall[] = [];
  /** Applied payloads in order; one element per record the system holds. */
  readonly applied: Array<{ dedupeKey: string; payload: unknown }> = [];
  private readonly byKey = new Map<string, { id: string; version: number }>();
  /** When set, calls wait for it before answering (for "in flight" tests). */
  gate: Promise<void> | undefined;

  apply = async (payload: unknown, ctx: ApplyContext): Promise<{ id: string; version: number }> => {
    this.calls.push({ dedupeKey: ctx.dedupeKey, payload, attempt: ctx.attempt, replay: ctx.replay, resumed: ctx.resumed, expectedVersion: ctx.expectedVersion });
    if (this.gate) await this.gate;
    switch (this.mode) {
      case 'down':
        throw new UpstreamError('ERP', 'unavailable', 'ERP answered 503');
      case 'refuse':
        throw new DomainError(ErrorCode.CREDIT_HOLD, 'customer C-000001 is on credit hold');
      case 'error':
        throw new UpstreamError('ERP', 'error', 'ERP answered 400 INVALID_FLD_VALUE', { upstreamCode: 'INVALID_FLD_VALUE' });
      case 'bug':
        throw new TypeError('cannot read properties of undefined');
      case 'up':
        break;
    }
    const seen = this.byKey.get(ctx.dedupeKey);
    if (seen) return seen;
    const current = this.versions.get(ctx.entityKey) ?? 1;
    if (ctx.expectedVersion !== undefined && Number(ctx.expectedVersion) !== current) {
      throw ctx.conflict(`${ctx.entityKey} is at version ${current}, the write expected ${ctx.expectedVersion}`);
    }
    const result = { id: `R-${this.applied.length + 1}`, version: current + 1 };
    this.versions.set(ctx.entityKey, current + 1);
    this.byKey.set(ctx.dedupeKey, result);
    this.applied.push({ dedupeKey: ctx.dedupeKey, payload });
    return result;
  };
}
