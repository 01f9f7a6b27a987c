/**
 * Candidates an agent rejected (docs/identity.md#rejected-candidates), remembered so
 * that the matching rule does not suggest them again. Confirmed links live in the
 * systems of record; rejections have no home there, so they are kept here: in Redis
 * with REDIS_URL (one hash per customer, shared by replicas), otherwise in one JSON
 * file under FEEDS_DIR, written whole and renamed into place.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileDurably } from './feeds/state.js';
import type { RedisClientType } from 'redis';
import type { IdentityRecordType } from './identity.js';

/** A record of another system, as rejections name it: `ZENDESK_ORGANIZATION:360001234`. */
export type RejectedRecord = `${IdentityRecordType}:${string}`;

export interface IdentityRejections {
  /** The records rejected as this customer's. */
  rejected(customerNumber: string): Promise<Set<RejectedRecord>>;
  /** Remembers a rejection; rejecting the same record again changes nothing. */
  reject(customerNumber: string, record: RejectedRecord, rejectedBy: string): Promise<void>;
}

interface Rejection {
  at: string;
  by: string;
}

export function redisRejections(redis: RedisClientType, namespace: string): IdentityRejections {
  const key = (customer: string): string => `${namespace}:identity:rejected:${customer}`;
  return {
    async rejected(customer) {
      return new Set((await redis.hKeys(key(customer))) as RejectedRecord[]);
    },
    async reject(customer, record, by) {
      // HSETNX: the first rejection's time and author stay.
      await redis.hSetNX(key(customer), record, JSON.stringify({ at: new Date().toISOString(), by } satisfies Rejection));
    },
  };
}

type RejectionFile = Record<string, Record<string, Rejection>>;

/** One store per file in a process: subgraphs sharing a process (`npm start`) share its write queue. */
const fileStores = new Map<string, IdentityRejections>();

export function fileRejections(dir: string): IdentityRejections {
  const path = join(dir, 'identity-rejections.json');
  const known = fileStores.get(path);
  if (known) return known;
  const store = newFileRejections(path);
  fileStores.set(path, store);
  return store;
}

function newFileRejections(path: string): IdentityRejections {
  // Writes in this process one at a time, so none is lost to another's read-modify-write.
  let queue: Promise<unknown> = Promise.resolve();
  const read = async (): Promise<RejectionFile> => {
    try {
      return JSON.parse(await readFile(path, 'utf8')) as RejectionFile;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw e;
    }
  };
  return {
    async rejected(customer) {
      await queue;
      return new Set(Object.keys((await read())[customer] ?? {}) as RejectedRecord[]);
    },
    reject(customer, record, by) {
      const next = queue.then(async () => {
        const all = await read();
        const mine = (all[customer] ??= {});
        if (mine[record]) return;
        mine[record] = { at: new Date().toISOString(), by };
        await writeFileDurably(path, JSON.stringify(all));
      });
      queue = next.catch(() => undefined);
      return next;
    },
  };
}
