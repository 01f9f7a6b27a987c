/**
 * List membership: which records a parent has (a customer's orders, an order's
 * invoices), cached as ids apart from the records themselves. A record changed
 * by an event is then re-read on its own, and a list whose records are mostly
 * cached costs one call for the few that are not.
 */
import type { EntityCache, EntryKind, LoadOptions, Lookup } from './entity-cache.js';
import { lookupValue, markStale } from './freshness.js';

/** What a list entry stores: the member ids, in order, and whatever the page says about itself. */
export interface Membership<M> {
  ids: string[];
  meta: M;
}

/** A list as the connector answers it, records included. */
export interface FetchedList<R, M> {
  records: R[];
  meta: M;
}

export interface ListLoad<R, M> {
  /** The membership entries' kind; its tag is usually a `listTag`. */
  list: EntryKind;
  /** The records' kind. */
  record: EntryKind;
  idOf(record: R): string;
  /** Reads the lists of these parents from the system, in one call; records included. */
  fetchLists(parents: string[]): Promise<Map<string, FetchedList<R, M> | Error>>;
  /** Reads records by id through the cache (the connector's cached by-id read). */
  loadRecords(ids: string[]): Promise<Map<string, Lookup<R>>>;
  /** Key options of the membership entries (scope, the argument set). */
  listOptions?: LoadOptions;
  /** Options of the records written with a fetched list. */
  recordOptions?: LoadOptions;
}

/**
 * Answers each parent's list: membership from the cache or the system, and the
 * records it names from the list call itself or the record cache. A list served
 * stale marks each of its records stale; a member that no longer exists is left out.
 */
export async function loadLists<R, M>(cache: EntityCache, parents: readonly string[], spec: ListLoad<R, M>): Promise<Map<string, Lookup<FetchedList<R, M>>>> {
  const fromSystem = new Map<string, R>();
  const lists = await cache.load<Membership<M>>(
    spec.list,
    parents,
    async (missing) => {
      const startedAt = cache.now();
      const got = await spec.fetchLists(missing);
      const out = new Map<string, Membership<M> | Error>();
      const records: Array<{ id: string; value: R }> = [];
      for (const [parent, v] of got) {
        if (v instanceof Error) {
          out.set(parent, v);
          continue;
        }
        const ids = v.records.map((r) => spec.idOf(r));
        v.records.forEach((r, i) => {
          fromSystem.set(ids[i] as string, r);
          records.push({ id: ids[i] as string, value: r });
        });
        out.set(parent, { ids, meta: v.meta });
      }
      // Written ahead of the list entry, in the same round trip (EntityCache#put), so anyone who finds the list finds its records.
      await cache.put(spec.record, records, startedAt, spec.recordOptions);
      return out;
    },
    spec.listOptions,
  );

  const needed = new Set<string>();
  for (const l of lists.values()) {
    if (l.phase === 'fresh' || l.phase === 'stale') for (const id of l.value.ids) if (!fromSystem.has(id)) needed.add(id);
  }
  const loaded = needed.size > 0 ? await spec.loadRecords([...needed]) : new Map<string, Lookup<R>>();

  const out = new Map<string, Lookup<FetchedList<R, M>>>();
  for (const parent of parents) {
    const l = lists.get(parent);
    if (!l || l.phase === 'absent' || l.phase === 'failed') {
      out.set(parent, l ?? { phase: 'absent' });
      continue;
    }
    let failure: Error | undefined;
    const records: R[] = [];
    for (const id of l.value.ids) {
      const direct = fromSystem.get(id);
      if (direct !== undefined) {
        records.push(direct);
        continue;
      }
      const r = loaded.get(id);
      if (!r || r.phase === 'absent') continue;
      if (r.phase === 'failed') {
        failure = r.error;
        break;
      }
      records.push(r.phase === 'stale' ? markStale(r.value) : r.value);
    }
    if (failure) {
      out.set(parent, { phase: 'failed', error: failure });
    } else if (l.phase === 'stale') {
      out.set(parent, { phase: 'stale', value: { records: records.map(markStale), meta: l.value.meta }, fetchedAt: l.fetchedAt, error: l.error });
    } else {
      // Members served stale are marked one by one; the list itself is current.
      out.set(parent, { phase: 'fresh', value: { records, meta: l.value.meta }, fetchedAt: l.fetchedAt });
    }
  }
  return out;
}

/** Equal page arguments give equal keys, whatever order the statuses came in. */
export function pageArgsKey(args: { first: number; after?: unknown; statuses?: readonly string[] }): string {
  return JSON.stringify([args.first, args.after ?? null, [...new Set(args.statuses ?? [])].sort()]);
}

/** A connector's list read (a customer's page of invoices, an order's cases) behind loadLists. */
export interface PageLoad<R, P> extends Pick<ListLoad<R, unknown>, 'list' | 'record' | 'idOf' | 'loadRecords'> {
  /** Reads these parents' pages from the system in one call: one answer per parent, in order. */
  fetch(parents: string[]): Promise<ReadonlyArray<P | Error>>;
  /** The argument set the pages were read with (pageArgsKey); none for a list without arguments. */
  args?: string;
}

/**
 * Each parent's page through the cache, one answer per parent in order: `field`
 * holds the page's records, the rest of the page is kept as its list's meta.
 * `none` answers for a parent with neither a cached nor a fetched page.
 */
export async function loadPages<R, K extends string, P extends { [k in K]: R[] }>(
  cache: EntityCache,
  parents: readonly string[],
  field: K,
  spec: PageLoad<R, P>,
  none: (parent: string) => P | Error,
): Promise<Array<P | Error>> {
  const lists = await loadLists<R, Omit<P, K>>(cache, parents, {
    ...spec,
    ...(spec.args !== undefined ? { listOptions: { args: spec.args } } : {}),
    async fetchLists(missing) {
      const pages = await spec.fetch(missing);
      return new Map(
        missing.map((parent, i): [string, FetchedList<R, Omit<P, K>> | Error] => {
          const page = pages[i] ?? none(parent);
          if (page instanceof Error) return [parent, page];
          const { [field]: records, ...meta } = page;
          return [parent, { records, meta }];
        }),
      );
    },
  });
  return parents.map((parent) => {
    const l = lookupValue(lists.get(parent));
    // The page is rebuilt from its parts, which TypeScript cannot follow through the computed key.
    return l === null ? none(parent) : l instanceof Error ? l : ({ ...l.meta, [field]: l.records } as unknown as P);
  });
}

/** Each parent's whole list (an order's invoices), as loadPages; a parent without one has none. */
export async function loadParentLists<R>(cache: EntityCache, parents: readonly string[], spec: PageLoad<R, R[]>): Promise<Array<R[] | Error>> {
  const fetch = async (missing: string[]): Promise<Array<{ records: R[] } | Error>> => (await spec.fetch(missing)).map((l) => (l instanceof Error ? l : { records: l }));
  const lists = await loadPages(cache, parents, 'records', { ...spec, fetch }, () => ({ records: [] }));
  return lists.map((l) => (l instanceof Error ? l : l.records));
}
