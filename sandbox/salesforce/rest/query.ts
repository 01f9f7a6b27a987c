/**
 * SOQL over REST: `query` and `queryAll`, paged by the batch size the client
 * asks for in `Sforce-Query-Options`, with the rest behind a query locator
 * (`nextRecordsUrl`) as Salesforce pages it.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { SfError } from '../errors.js';
import { runSoql } from '../soql.js';
import type { RestContext } from './index.js';
import { API_BASE } from './request.js';

const QUERY_CURSOR_TTL_MS = 15 * 60_000;
const MAX_CURSORS = 2_000;

interface Cursor {
  records: Record<string, unknown>[];
  totalSize: number;
  batchSize: number;
  lastUsed: number;
}

export function registerQuery(api: FastifyInstance, ctx: RestContext): void {
  const cursors = new Map<string, Cursor>();

  const runQuery = (req: FastifyRequest): Record<string, unknown> => {
    const q = (req.query as Record<string, unknown>).q;
    if (typeof q !== 'string' || q.trim() === '') throw new SfError(400, 'MALFORMED_QUERY', 'A query string has to be specified');
    const version = req.sfVersion as string;
    const result = runSoql(q, ctx.store, version);
    const batchSize = batchSizeOf(req);
    if (result.records.length <= batchSize) return { totalSize: result.totalSize, done: true, records: result.records };
    pruneCursors(cursors);
    const locator = `01g${randomBytes(12).toString('base64url').replace(/[-_]/g, 'x').slice(0, 12)}AAA`;
    cursors.set(locator, { records: result.records, totalSize: result.totalSize, batchSize, lastUsed: Date.now() });
    return {
      totalSize: result.totalSize,
      done: false,
      nextRecordsUrl: `/services/data/${version}/query/${locator}-${batchSize}`,
      records: result.records.slice(0, batchSize),
    };
  };

  const queryMore = (req: FastifyRequest): Record<string, unknown> => {
    const { locator } = req.params as { locator: string };
    const m = /^(.+)-(\d+)$/.exec(locator);
    const cursor = m ? cursors.get(m[1] as string) : undefined;
    if (!m || !cursor || Date.now() - cursor.lastUsed > QUERY_CURSOR_TTL_MS) {
      throw new SfError(400, 'INVALID_QUERY_LOCATOR', 'invalid query locator');
    }
    cursor.lastUsed = Date.now();
    const offset = Number(m[2]);
    const end = Math.min(cursor.records.length, offset + cursor.batchSize);
    const records = cursor.records.slice(offset, end);
    if (end >= cursor.records.length) {
      cursors.delete(m[1] as string);
      return { totalSize: cursor.totalSize, done: true, records };
    }
    return { totalSize: cursor.totalSize, done: false, nextRecordsUrl: `/services/data/${req.sfVersion as string}/query/${m[1] as string}-${end}`, records };
  };

  api.get(`${API_BASE}/query`, async (req) => runQuery(req));
  api.get(`${API_BASE}/queryAll`, async (req) => runQuery(req));
  api.get(`${API_BASE}/query/:locator`, async (req) => queryMore(req));
  api.get(`${API_BASE}/queryAll/:locator`, async (req) => queryMore(req));
}

function batchSizeOf(req: FastifyRequest): number {
  const h = req.headers['sforce-query-options'];
  const n = typeof h === 'string' ? Number(/batchSize\s*=\s*(\d+)/i.exec(h)?.[1]) : NaN;
  if (!Number.isFinite(n)) return 2000;
  return Math.min(2000, Math.max(200, n));
}

function pruneCursors(cursors: Map<string, Cursor>): void {
  const now = Date.now();
  for (const [k, c] of cursors) if (now - c.lastUsed > QUERY_CURSOR_TTL_MS) cursors.delete(k);
  while (cursors.size >= MAX_CURSORS) {
    const oldest = cursors.keys().next().value;
    if (oldest === undefined) break;
    cursors.delete(oldest);
  }
}
