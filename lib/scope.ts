/**
 * The one AsyncLocalStorage of the process's own code: every value our modules
 * carry across ticks (the request scope, the work's priority and held permit,
 * the cache report of a subgraph request, the entity cache's current fetch)
 * lives in a slot of one record.
 *
 * One storage rather than one per module because, in Node 20, every storage in
 * use costs every promise the process makes: the promise hook copies each
 * enabled storage's store onto each new promise, one property write (and a
 * hidden-class transition) per storage. Four storages were four writes on
 * every promise of the request path; one is one, whatever the number of slots.
 *
 * The store is an immutable record with a field per slot (a fixed shape, so
 * reading a slot is one getStore() and one property read). `run` makes a new
 * record with its slot replaced and the others kept, so slots behave exactly as
 * separate storages would: a value set by an outer run is seen inside it, a
 * concurrent sibling run never sees another's, and leaving a run brings back
 * the outer value.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

/** The slots there are: one per user, each a field of every record. */
export type SlotName = 'request' | 'work' | 'cacheReport' | 'entityFetch';

class ScopeRecord {
  constructor(
    readonly request: unknown,
    readonly work: unknown,
    readonly cacheReport: unknown,
    readonly entityFetch: unknown,
  ) {}

  /** This record with `name` set to `value`. */
  with(name: SlotName, value: unknown): ScopeRecord {
    return new ScopeRecord(
      name === 'request' ? value : this.request,
      name === 'work' ? value : this.work,
      name === 'cacheReport' ? value : this.cacheReport,
      name === 'entityFetch' ? value : this.entityFetch,
    );
  }
}

const EMPTY = new ScopeRecord(undefined, undefined, undefined, undefined);

const storage = new AsyncLocalStorage<ScopeRecord>();

/** One value carried across ticks, as a storage of its own would carry it. */
export interface ScopeSlot<T> {
  /** The value of the innermost `run` of this slot the caller runs in; undefined outside every run of it. */
  get(): T | undefined;
  /** Runs `fn` with this slot set to `value` (for `fn` and every tick it starts), the other slots as they are. */
  run<R>(value: T, fn: () => R): R;
}

const claimed = new Set<SlotName>();

/**
 * The slot `name`, for the one module that carries that value. A second claim
 * of a name throws: two modules sharing a slot would overwrite each other's value.
 */
export function scopeSlot<T>(name: SlotName): ScopeSlot<T> {
  if (claimed.has(name)) throw new Error(`scope slot '${name}' is claimed already`);
  claimed.add(name);
  return {
    // The record holds what run was given for this name, which is a T.
    get: () => storage.getStore()?.[name] as T | undefined,
    run: (value, fn) => storage.run((storage.getStore() ?? EMPTY).with(name, value), fn),
  };
}
