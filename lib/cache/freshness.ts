/**
 * How a value served stale reaches the client's `freshness { stale }`.
 *
 * Records keep the `fetchedAt` the connector gave them, so a cached copy already
 * reports when it was read from the system. Whether it is stale is a property of
 * this answer, not of the record, so it travels as a symbol on a copy of the
 * record: never serialized, never seen by another request, and invisible to the
 * resolvers' types. `withStaleFreshness` wraps the subgraph's `freshness`
 * resolvers to turn the mark into `stale: true`.
 */
import type { GraphQLFieldResolver } from 'graphql';
import type { Lookup } from './entity-cache.js';

const STALE = Symbol.for('retail-supergraph.cache.stale');

/** A shallow copy of `record` marked as served past its TTL. */
export function markStale<T>(record: T): T {
  if (record === null || typeof record !== 'object') return record;
  const copy = (Array.isArray(record) ? [...record] : { ...record }) as T;
  Object.defineProperty(copy, STALE, { value: true, enumerable: false });
  return copy;
}

export function isStale(record: unknown): boolean {
  return record !== null && typeof record === 'object' && (record as { [STALE]?: boolean })[STALE] === true;
}

interface FreshnessLike {
  stale: boolean;
}

interface ConnectionLike {
  nodes?: unknown[];
  freshness?: FreshnessLike;
}

export interface StaleFreshnessSpec {
  /**
   * `[type, field, recordOf]`: the field returns the freshness of the record
   * `recordOf(parent)` (the parent itself by default).
   */
  entities?: Array<readonly [type: string, field: string, recordOf?: (parent: unknown) => unknown]>;
  /** `[type, field]`: the field returns a connection whose freshness is stale when any node is. */
  connections?: Array<readonly [type: string, field: string]>;
}

type ResolverObject = Record<string, unknown>;
// The resolver map's exact type differs per subgraph (context type); the wrapper only touches plain field functions.
type AnyResolver = GraphQLFieldResolver<unknown, unknown>;

function wrapField(map: Record<string, unknown>, type: string, field: string, after: (result: unknown, parent: unknown) => unknown): void {
  const obj = map[type] as ResolverObject | undefined;
  const original = obj?.[field];
  if (typeof original !== 'function') {
    throw new Error(`withStaleFreshness: ${type}.${field} has no resolver function to wrap`);
  }
  const fn = original as AnyResolver;
  const wrapped: AnyResolver = (parent, args, ctx, info) => {
    const r = fn(parent, args, ctx, info);
    return r instanceof Promise ? r.then((v: unknown) => after(v, parent)) : after(r, parent);
  };
  map[type] = { ...obj, [field]: wrapped };
}

const staleFreshness = (f: unknown): unknown =>
  f !== null && typeof f === 'object' ? { ...(f as FreshnessLike), stale: true } : f;

/**
 * A copy of `resolvers` whose freshness fields report `stale: true` for values
 * the cache served past their TTL. The original map is not changed.
 */
export function withStaleFreshness<M extends object>(resolvers: M, spec: StaleFreshnessSpec): M {
  const map: Record<string, unknown> = { ...(resolvers as Record<string, unknown>) };
  for (const [type, field, recordOf] of spec.entities ?? []) {
    wrapField(map, type, field, (result, parent) => (isStale(recordOf ? recordOf(parent) : parent) ? staleFreshness(result) : result));
  }
  for (const [type, field] of spec.connections ?? []) {
    wrapField(map, type, field, (result) => {
      const c = result as ConnectionLike | null;
      if (!c || !Array.isArray(c.nodes) || !c.nodes.some(isStale)) return result;
      return { ...c, freshness: staleFreshness(c.freshness) };
    });
  }
  return map as M;
}

/**
 * A lookup as a batch function's result: the value (a marked copy when stale),
 * null when the system has none, or the Error for that key alone.
 */
export function lookupValue<V>(l: Lookup<V> | undefined): V | null | Error {
  if (!l) return null;
  switch (l.phase) {
    case 'fresh':
      return l.value;
    case 'stale':
      return markStale(l.value);
    case 'failed':
      return l.error;
    case 'absent':
      return null;
    default: {
      const never: never = l;
      return never;
    }
  }
}
