/**
 * List membership: which records a parent has (a customer's orders, an order's
 * invoices), cached as ids apart from the records themselves. A record changed
 * by an event is then re-read on its own, and a list whose records are mostly
 * cached costs one call for the few that are not.
 */
import type { EntityCache, EntryKind, LoadOptions, Lookup } from './entity-cache.js';
import { markStale } from './freshness.js';

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
      // Before the list entry is written, so anyone who finds the list finds its records.
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
