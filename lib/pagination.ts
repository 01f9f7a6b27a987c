/**
 * Cursor connections, shared by every list field. Cursors are opaque to clients
 * (base64url of a small JSON keyset) so a subgraph can change how it pages
 * without breaking them.
 */
import { badInput } from './errors.js';
import type { SystemOfRecord } from './errors.js';

export const MAX_PAGE_SIZE = 100;

/** Checks a `first` argument: 1..100, else BAD_USER_INPUT naming the argument. */
export function pageSize(first: number | null | undefined, fallback: number, argName = 'first'): number {
  const n = first ?? fallback;
  if (!Number.isInteger(n) || n < 1 || n > MAX_PAGE_SIZE) {
    throw badInput(`expected ${argName} between 1 and ${MAX_PAGE_SIZE}, got ${String(first)}`, { argumentName: argName });
  }
  return n;
}

export function encodeCursor(key: unknown): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

/** Decodes a cursor made by encodeCursor and checks its shape; a foreign or tampered cursor is BAD_USER_INPUT. */
export function decodeCursor<T>(cursor: string | null | undefined, check: (v: unknown) => v is T, argName = 'after'): T | undefined {
  if (cursor == null) return undefined;
  let value: unknown;
  try {
    if (!/^[A-Za-z0-9_-]{1,512}$/.test(cursor)) throw new Error('not base64url');
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw badInput(`expected ${argName} to be a cursor from a previous page's endCursor, got '${cursor.slice(0, 40)}'`, { argumentName: argName });
  }
  if (!check(value)) {
    throw badInput(`the ${argName} cursor does not belong to this list`, { argumentName: argName });
  }
  return value;
}

export interface Freshness {
  source: SystemOfRecord;
  fetchedAt: string;
  stale: boolean;
}

export function freshNow(source: SystemOfRecord, fetchedAt: Date = new Date()): Freshness {
  return { source, fetchedAt: fetchedAt.toISOString(), stale: false };
}

/** The oldest freshness of a set: a list is as fresh as its stalest part. */
export function oldest(source: SystemOfRecord, items: Freshness[]): Freshness {
  if (items.length === 0) return freshNow(source);
  return items.reduce((a, b) => (a.fetchedAt <= b.fetchedAt ? { ...a, stale: a.stale || b.stale } : { ...b, stale: a.stale || b.stale }));
}

export interface Connection<T> {
  nodes: T[];
  edges: Array<{ cursor: string; node: T }>;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  totalCount: number | null;
  freshness: Freshness;
}

/** Builds a connection from one page of items, each with its cursor key. */
export function connection<T>(
  page: T[],
  cursorOf: (item: T) => unknown,
  opts: { hasNextPage: boolean; totalCount: number | null; freshness: Freshness },
): Connection<T> {
  const edges = page.map((node) => ({ cursor: encodeCursor(cursorOf(node)), node }));
  return {
    nodes: page,
    edges,
    pageInfo: { hasNextPage: opts.hasNextPage, endCursor: edges.at(-1)?.cursor ?? null },
    totalCount: opts.totalCount,
    freshness: opts.freshness,
  };
}
