/**
 * The service desk's reads behind the entity cache: cases, their comments,
 * which cases a customer (per page and filter) or an order has, and the
 * directory lookups (organization to customer and back, users). Answers per key
 * (ServiceReads), so a key Zendesk failed for, with nothing cached, fails alone.
 */
import { entityTag, listTag, loadLists, lookupValue, type EntityCache, type EntryKind, type FetchedList, type Lookup } from '../../../lib/cache/index.js';
import { casePagesViaOrganizations, type ServiceReads } from './loaders.js';
import type { CaseCommentRecord, CasePage, CasePageArgs, CustomerOrganization, ServiceDesk, ServiceDeskUser, SupportCaseRecord } from './zendesk.js';

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
   * gets one is seen at the next case-list miss rather than after the directory TTL.
   * Its tag is customerDirectory's: both say where the customer sits in the service desk.
   */
  customerOrganization: { name: 'service/Customer.organization', domain: 'directory', tag: (id) => listTag('Customer', id, 'serviceDirectory') },
  /** Where a customer's new cases go (organization and requester): read by openCase. */
  customerDirectory: { name: 'service/Customer.directory', domain: 'directory', tag: (id) => listTag('Customer', id, 'serviceDirectory') },
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

type PageMeta = Omit<CasePage, 'cases'>;

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

function pageArgs(args: CasePageArgs): string {
  return JSON.stringify([args.first, args.after ?? null, [...new Set(args.statuses ?? [])].sort()]);
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

  return {
    async casesById(ids) {
      return inOrder(ids, await cases(ids));
    },

    async casePagesByCustomer(customerNumbers, args) {
      const lists = await loadLists<SupportCaseRecord, PageMeta>(cache, customerNumbers, {
        list: SERVICE_CACHE_KINDS.customerCases,
        record: SERVICE_CACHE_KINDS.supportCase,
        idOf: (c) => c.id,
        listOptions: { args: pageArgs(args) },
        async fetchLists(parents) {
          const pages = await casePagesViaOrganizations(parents, args, organizations, (orgs) => inner.casePagesByOrganization(orgs, args));
          return new Map(
            parents.map((p, i): [string, FetchedList<SupportCaseRecord, PageMeta> | Error] => {
              const page = pages[i] ?? new Error(`the service desk gave no case page for ${p}`);
              if (page instanceof Error) return [p, page];
              const { cases: records, ...meta } = page;
              return [p, { records, meta }];
            }),
          );
        },
        loadRecords: (ids) => cases(ids),
      });
      return customerNumbers.map((c) => {
        const l = lookupValue(lists.get(c));
        if (l === null) return new Error(`the service desk gave no case page for ${c}`);
        return l instanceof Error ? l : { ...l.meta, cases: l.records };
      });
    },

    async casesByOrderNumber(orderNumbers) {
      const lists = await loadLists<SupportCaseRecord, null>(cache, orderNumbers, {
        list: SERVICE_CACHE_KINDS.orderCases,
        record: SERVICE_CACHE_KINDS.supportCase,
        idOf: (c) => c.id,
        async fetchLists(parents) {
          const got = await asMap(parents, (k) => inner.casesByOrderNumber(k));
          return new Map(parents.map((p): [string, FetchedList<SupportCaseRecord, null> | Error] => {
            const l = got.get(p) ?? [];
            return [p, l instanceof Error ? l : { records: l, meta: null }];
          }));
        },
        loadRecords: (ids) => cases(ids),
      });
      return orderNumbers.map((o) => {
        const l = lookupValue(lists.get(o));
        return l === null ? [] : l instanceof Error ? l : l.records;
      });
    },

    async commentsByCase(ids) {
      const found = await cache.load<CaseCommentRecord[]>(SERVICE_CACHE_KINDS.comments, ids, (missing) => asMap(missing, (k) => inner.commentsByCase(k)));
      return ids.map((id) => lookupValue(found.get(id)) ?? []);
    },

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
  };
}
