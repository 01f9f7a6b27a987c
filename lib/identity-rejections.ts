/**
 * Candidates an agent rejected (docs/identity.md#rejected-candidates), remembered so
 * that the matching rule does not suggest them again. Confirmed links live in the
 * systems of record; rejections have no home there, so they are kept here: in Redis
 * with REDIS_URL (one hash per customer, shared by replicas), otherwise in a JSON
 * file per system under FEEDS_DIR, written whole and renamed into place.
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

/** The file of one system's rejections, and the one every system shared before (still read, never written). */
const fileOf = (system: string): string => `identity-rejections-${system}.json`;
const SHARED_FILE = 'identity-rejections.json';
const SYSTEMS = ['salesforce', 'netsuite', 'zendesk'] as const;

/** `ZENDESK_ORGANIZATION:360…` → `zendesk`: the system whose subgraph records it. */
function systemOf(record: RejectedRecord): (typeof SYSTEMS)[number] {
  const prefix = record.slice(0, record.indexOf('_')).toLowerCase();
  const system = SYSTEMS.find((s) => s === prefix);
  if (!system) throw new Error(`a rejected record of no known system: ${record}`);
  return system;
}

/** One store per directory in a process: subgraphs sharing a process (`npm start`) share its write queues. */
const fileStores = new Map<string, IdentityRejections>();

/**
 * Rejections under `dir`, one file per system: each system's rejections are written by the one
 * subgraph that owns it (finance for NetSuite, the service desk for Zendesk), so two subgraphs in
 * separate processes never rewrite the same file, and a rejection one writes cannot be lost to the
 * other's read-modify-write. Reads take the union of every file.
 */
export function fileRejections(dir: string): IdentityRejections {
  const known = fileStores.get(dir);
  if (known) return known;
  const files = new Map(SYSTEMS.map((s) => [s, newFile(join(dir, fileOf(s)))]));
  const shared = newFile(join(dir, SHARED_FILE));
  const store: IdentityRejections = {
    async rejected(customer) {
      const all = await Promise.all([shared, ...files.values()].map((f) => f.read()));
      return new Set(all.flatMap((file) => Object.keys(file[customer] ?? {})) as RejectedRecord[]);
    },
    async reject(customer, record, by) {
      // Rejected before the files were split: kept where it is.
      if ((await shared.read())[customer]?.[record]) return;
      await files.get(systemOf(record))!.update((all) => {
        const mine = (all[customer] ??= {});
        if (mine[record]) return false;
        mine[record] = { at: new Date().toISOString(), by };
        return true;
      });
    },
  };
  fileStores.set(dir, store);
  return store;
}

/** One JSON file, read whole, rewritten whole and renamed into place, its writes in this process one at a time. */
function newFile(path: string): { read(): Promise<RejectionFile>; update(change: (all: RejectionFile) => boolean): Promise<void> } {
  let queue: Promise<unknown> = Promise.resolve();
  const readNow = async (): Promise<RejectionFile> => {
    try {
      return JSON.parse(await readFile(path, 'utf8')) as RejectionFile;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw e;
    }
  };
  return {
    async read() {
      await queue;
      return readNow();
    },
    update(change) {
      const next = queue.then(async () => {
        const all = await readNow();
        if (change(all)) await writeFileDurably(path, JSON.stringify(all));
      });
      queue = next.catch(() => undefined);
      return next;
    },
  };
}
