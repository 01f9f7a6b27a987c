/**
 * The service desk's reads behind the entity cache: cases, their comments,
 * which cases a customer (per page and filter) or an order has, and the
 * directory lookups (organization to customer and back, users). Answers per key
 * (ServiceReads), so a key Zendesk failed for, with nothing cached, fails alone.
 */
import { entityTag, listTag, loadPages, loadParentLists, lookupValue, pageArgsKey, type EntityCache, type EntryKind, type Lookup } from '../../../lib/cache/index.js';
import { casePagesViaOrganizations, type ServiceReads } from './loaders.js';
import type { CaseCommentRecord, CustomerOrganization, EndUserRecord, ServiceDesk, ServiceDeskUser, SupportCaseRecord } from './zendesk.js';
import type { CustomerDirectoryEntry } from './zendesk-writes.js';

export const SERVICE_CACHE_KINDS = {
  supportCase: { name: 'service/SupportCase', domain: 'cases', tag: (id) => entityTag('SupportCase', id) },
  comments: { name: 'service/SupportCase.comments', domain: 'caseComments', tag: (id) => entityTag('SupportCase', id) },
  customerCases: { name: 'service/Customer.cases', domain: 'caseLists', tag: (id) => listTag('Customer', id, 'cases') },
  orderCases: { name: 'service/Order.cases', domain: 'caseLists', tag: (id) => listTag('Order', id, 'cases') },
  organization: { name: 'service/Organization.customerNumber', domain: 'directory', tag: (id) => entityTag('Organization', id) },
  user: { name: 'service/User', domain: 'directory', tag: (id) => entityTag('User', id) },
  /**
   * The organization a customer's cases are listed by, read on every case-list miss.
   * Only found organizations are stored (an absent lookup never is), so a customer who
   * gets one is seen at the next case-list miss: the case list's own TTL is the only
   * wait, and an organization event ends it at once.
   * Its tag is customerDirectory's: both say where the customer sits in the service desk.
   */
  customerOrganization: { name: 'service/Customer.organization', domain: 'directory', tag: (id) => listTag('Customer', id, 'serviceDirectory') },
  /**
   * The end users holding a customer's number (Customer.serviceDeskIdentities), beside the
   * organization and under its tag, for the same directory TTL. Kept when empty too, so a warm
   * view costs no call; a user given the number later is listed once the entry expires or the
   * customer's organization changes.
   */
  customerEndUsers: { name: 'service/Customer.endUsers', domain: 'directory', tag: (id) => listTag('Customer', id, 'serviceDirectory') },
  /**
   * Where a customer's new cases go (organization and requester), read by openCase: kept for the
   * directory TTL when both were found. (Named apart from the earlier `service/Customer.directory`,
   * which also kept entries that found nothing for the whole directory TTL.)
   */
  customerDirectory: { name: 'service/Customer.directoryEntry', domain: 'directory', tag: (id) => listTag('Customer', id, 'serviceDirectory') },
  /** A directory entry missing its organization or its end user: kept for the short miss TTL. */
  customerDirectoryMiss: { name: 'service/Customer.directoryEntry.miss', domain: 'directoryMiss', tag: (id) => listTag('Customer', id, 'serviceDirectory') },
  /**
   * End users by e-mail address or phone key, where identity candidates come from
   * (docs/identity.md): kept for the short miss TTL, so a user added or moved in Zendesk is seen
   * soon. Keyed by the address or number.
   */
  endUsersByContact: { name: 'service/EndUser.byContact', domain: 'directoryMiss', tag: (contact) => entityTag('EndUserContact', contact) },
  /** The customer an ERP order belongs to, read to validate openCase; an order never changes hands. */
  orderOwner: { name: 'service/Order.customer', domain: 'directory', tag: (id) => listTag('Order', id, 'owner') },
} as const satisfies Record<string, EntryKind>;

/**
 * One value per key through the cache when there is one, else straight from the
 * source: the lookups writes validate with (directory entries, order owners).
 * A key the source has no value for reads as null.
 */
export async function cachedLookup<V>(
  cache: EntityCache | undefined,
  kind: EntryKind,
  keys: readonly string[],
  read: (keys: string[]) => Promise<ReadonlyArray<V | null>>,
): Promise<Array<V | null>> {
  if (!cache) return [...(await read([...keys]))];
  const found = await cache.load<V>(kind, keys, (missing) => asMap(missing, read));
  return keys.map((k) => {
    const v = lookupValue(found.get(k));
    if (v instanceof Error) throw v;
    return v;
  });
}

/** What a miss kind stores: the partial answer (or null when nothing was found). */
interface Missed<V> {
  value: V | null;
}

/**
 * Directory lookups whose answer may be incomplete, with a TTL of its own for each: a complete
 * answer is kept under `found` for the directory TTL, an empty or partial one under `missing` for
 * the miss TTL (`CACHE_TTL_DIRECTORY_MISS_SECONDS`). Without the split, openCase's lookup for a
 * customer looked up a minute before their organization was created kept "none" for an hour. Both
 * kinds share the customer's tag, so an organization event clears them together. A complete
 * answer costs one cache read; a miss two; Zendesk is asked only when neither kind holds the key.
 *
 * Returns, per key, the value (complete or partial, fresh or stale), absent when Zendesk knows
 * nothing of it, or the key's failure.
 */
export async function loadDirectory<V>(
  cache: EntityCache,
  kinds: { found: EntryKind; missing: EntryKind },
  keys: readonly string[],
  read: (keys: string[]) => Promise<ReadonlyArray<V | null | Error>>,
  complete: (value: V) => boolean,
): Promise<Map<string, Lookup<V>>> {
  const partial = new Map<string, Lookup<V>>();
  /** Reads through the miss kind; complete answers are returned for the found kind to keep. */
  const throughMisses = async (ids: string[]): Promise<Map<string, V>> => {
    const completed = new Map<string, V>();
    const got = await cache.load<Missed<V>>(kinds.missing, ids, async (unknown) => {
      const answers = await read(unknown);
      const out = new Map<string, Missed<V> | Error>();
      unknown.forEach((k, i) => {
        const v = answers[i];
        if (v instanceof Error) out.set(k, v);
        else if (v !== null && v !== undefined && complete(v)) completed.set(k, v);
        else out.set(k, { value: v ?? null });
      });
      return out;
    });
    for (const [k, l] of got) {
      if (l.phase === 'fresh' || l.phase === 'stale') partial.set(k, l.value.value === null ? { phase: 'absent' } : { ...l, value: l.value.value });
      else if (l.phase === 'failed') partial.set(k, l);
    }
    return completed;
  };

  const found = await cache.load<V>(kinds.found, keys, async (missing) => {
    const out = new Map<string, V | Error>(await throughMisses(missing));
    // A failure goes to the found kind, which may stand in with its last complete value.
    for (const k of missing) {
      const p = partial.get(k);
      if (p?.phase === 'failed') out.set(k, p.error);
    }
    return out;
  });

  const out = new Map<string, Lookup<V>>();
  const unresolved: string[] = [];
  for (const k of new Set(keys)) {
    const f = found.get(k);
    const p = partial.get(k);
    if (f && f.phase !== 'absent') out.set(k, f);
    else if (p) out.set(k, p);
    else unresolved.push(k);
  }
  if (unresolved.length > 0) {
    // The found kind's miss was another request's fetch, joined in flight: its answer for
    // these keys is in the miss kind by now (or comes from Zendesk if that one expired).
    const completed = await throughMisses(unresolved);
    for (const k of unresolved) {
      const c = completed.get(k);
      out.set(k, c !== undefined ? { phase: 'fresh', value: c, fetchedAt: cache.now() } : (partial.get(k) ?? { phase: 'absent' }));
    }
  }
  return out;
}

/**
 * Where a customer's new cases go, through the cache when there is one: complete entries for the
 * directory TTL, entries without an organization or end user for the miss TTL.
 */
export async function cachedDirectory(
  cache: EntityCache | undefined,
  customerNumber: string,
  read: (customerNumber: string) => Promise<CustomerDirectoryEntry>,
): Promise<CustomerDirectoryEntry> {
  const none: CustomerDirectoryEntry = { organizationId: null, requesterId: null };
  if (!cache) return read(customerNumber);
  const found = await loadDirectory<CustomerDirectoryEntry>(
    cache,
    { found: SERVICE_CACHE_KINDS.customerDirectory, missing: SERVICE_CACHE_KINDS.customerDirectoryMiss },
    [customerNumber],
    (keys) => Promise.all(keys.map((k) => read(k))),
    (e) => e.organizationId !== null && e.requesterId !== null,
  );
  const v = lookupValue(found.get(customerNumber));
  if (v instanceof Error) throw v;
  return v ?? none;
}

/** Zendesk answers arrays in key order with null for unknown ids; the cache speaks maps without them. */
async function asMap<V>(keys: string[], read: (keys: string[]) => Promise<ReadonlyArray<V | null | Error>>): Promise<Map<string, V | Error>> {
  const got = await read(keys);
  const out = new Map<string, V | Error>();
  keys.forEach((k, i) => {
    const v = got[i];
    if (v !== null && v !== undefined) out.set(k, v);
  });
  return out;
}

function inOrder<V>(keys: readonly string[], found: Map<string, Lookup<V>>): Array<V | null | Error> {
  return keys.map((k) => lookupValue(found.get(k)));
}

export function cachedServiceReads(inner: ServiceDesk, cache: EntityCache): ServiceReads {
  const cases = (ids: readonly string[]): Promise<Map<string, Lookup<SupportCaseRecord>>> =>
    cache.load(SERVICE_CACHE_KINDS.supportCase, ids, (missing) => asMap(missing, (k) => inner.casesById(k)));

  // A mapping served stale (Zendesk failing past its TTL) only says where to search; the
  // cases are read now, so a page found with it is not marked stale.
  const organizations = async (customerNumbers: readonly string[]): Promise<Array<CustomerOrganization | null | Error>> =>
    inOrder(
      customerNumbers,
      await cache.load<CustomerOrganization>(SERVICE_CACHE_KINDS.customerOrganization, customerNumbers, (missing) =>
        asMap(missing, (k) => inner.organizationsByCustomer(k)),
      ),
    );

  /** A list of cases: its membership under `list`, its cases through the case cache. */
  const caseLists = (list: EntryKind) => ({ list, record: SERVICE_CACHE_KINDS.supportCase, idOf: (c: SupportCaseRecord) => c.id, loadRecords: cases });

  return {
    async casesById(ids) {
      return inOrder(ids, await cases(ids));
    },

    casePagesByCustomer: (customerNumbers, args) =>
      loadPages(
        cache,
        customerNumbers,
        'cases',
        {
          ...caseLists(SERVICE_CACHE_KINDS.customerCases),
          args: pageArgsKey(args),
          fetch: (parents) => casePagesViaOrganizations(parents, args, organizations, (orgs) => inner.casePagesByOrganization(orgs, args)),
        },
        (c) => new Error(`the service desk gave no case page for ${c}`),
      ),

    casesByOrderNumber: (orderNumbers) => loadParentLists(cache, orderNumbers, { ...caseLists(SERVICE_CACHE_KINDS.orderCases), fetch: (k) => inner.casesByOrderNumber(k) }),

    async commentsByCase(ids) {
      const found = await cache.load<CaseCommentRecord[]>(SERVICE_CACHE_KINDS.comments, ids, (missing) => asMap(missing, (k) => inner.commentsByCase(k)));
      return ids.map((id) => lookupValue(found.get(id)) ?? []);
    },

    // The lookup case lists make: a view that lists cases too costs nothing more.
    organizationsByCustomer: organizations,

    async customerNumbersByOrganization(orgIds) {
      const keys = orgIds.map(String);
      const found = await cache.load<string>(SERVICE_CACHE_KINDS.organization, keys, (missing) =>
        asMap(missing, (k) => inner.customerNumbersByOrganization(k.map(Number))),
      );
      return inOrder(keys, found);
    },

    async usersById(ids) {
      return inOrder(ids, await cache.load<ServiceDeskUser>(SERVICE_CACHE_KINDS.user, ids, (missing) => asMap(missing, (k) => inner.usersById(k))));
    },

    async endUsersByCustomer(customerNumbers) {
      const found = await cache.load<string[]>(SERVICE_CACHE_KINDS.customerEndUsers, customerNumbers, (missing) => asMap(missing, (k) => inner.endUsersByCustomer(k)));
      return inOrder(customerNumbers, found).map((v) => v ?? []);
    },

    async endUsersByContact(contacts) {
      const found = await cache.load<EndUserRecord[]>(SERVICE_CACHE_KINDS.endUsersByContact, contacts, (missing) => asMap(missing, (k) => inner.endUsersByContact(k)));
      return contacts.map((c) => lookupValue(found.get(c)) ?? []);
    },
  };
}
