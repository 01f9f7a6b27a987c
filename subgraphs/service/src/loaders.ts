/**
 * The request's DataLoaders: one batch per entity type per plan step. Created
 * per request by createContext, so nothing is shared between callers.
 */
import DataLoader from 'dataloader';
import { DomainError, ErrorCode } from '../../../lib/errors.js';
import type { CasePage, CasePageArgs, CaseCommentRecord, CustomerOrganization, EndUserRecord, ServiceDesk, ServiceDeskUser, SupportCaseRecord } from './zendesk.js';

export interface LoaderOptions {
  /**
   * Cases whose comments one request may read. Zendesk lists comments one ticket
   * per call, so this bounds the calls a single query can cost.
   * @default 25
   */
  maxCommentCasesPerRequest?: number;
}

/**
 * The reads the loaders need, one result per key in key order; a key may carry
 * its own Error (the cached reads serve what they can and fail only the rest).
 * `deskReads` adapts the Zendesk-backed ServiceDesk, which lists cases per
 * organization so that the customer-to-organization lookup can be cached apart.
 */
export interface ServiceReads {
  casesById(ids: readonly string[]): Promise<Array<SupportCaseRecord | null | Error>>;
  casePagesByCustomer(customerNumbers: readonly string[], args: CasePageArgs): Promise<Array<CasePage | Error>>;
  casesByOrderNumber(orderNumbers: readonly string[]): Promise<Array<SupportCaseRecord[] | Error>>;
  commentsByCase(ids: readonly string[]): Promise<Array<CaseCommentRecord[] | Error>>;
  customerNumbersByOrganization(orgIds: readonly number[]): Promise<Array<string | null | Error>>;
  /** The organization holding each customer number as its external id (the one its cases are listed by), or null. */
  organizationsByCustomer(customerNumbers: readonly string[]): Promise<Array<CustomerOrganization | null | Error>>;
  usersById(ids: readonly string[]): Promise<Array<ServiceDeskUser | null | Error>>;
  /** The ids of the users holding each customer number, by id ascending (Customer.serviceDeskIdentities). */
  endUsersByCustomer(customerNumbers: readonly string[]): Promise<Array<string[] | Error>>;
  /** End users by e-mail address (lower-case) or phone key, for the matching rule. */
  endUsersByContact(contacts: readonly string[]): Promise<Array<EndUserRecord[] | Error>>;
}

export interface ServiceLoaders {
  caseById: DataLoader<string, SupportCaseRecord | null>;
  /** One loader per distinct argument set, so customers asked with the same arguments share a batch. */
  casePages(args: CasePageArgs): DataLoader<string, CasePage>;
  casesByOrder: DataLoader<string, SupportCaseRecord[]>;
  commentsByCase: DataLoader<string, CaseCommentRecord[]>;
  customerNumberByOrg: DataLoader<number, string | null>;
  /** The customer's organization, the service desk's record in Customer.serviceDeskIdentities. */
  organizationByCustomer: DataLoader<string, CustomerOrganization | null>;
  userById: DataLoader<string, ServiceDeskUser | null>;
  /** The ids of the users holding the customer number, the service desk's other records in Customer.serviceDeskIdentities. */
  endUsersByCustomer: DataLoader<string, string[]>;
  /** End users by lower-case e-mail address: where identity candidates come from. */
  endUsersByContact: DataLoader<string, EndUserRecord[]>;
}

/**
 * Each customer's page of cases: the customer's organization, then that organization's
 * page. A customer the service desk has no organization for has no cases; a customer
 * whose organization could not be read gets that Error alone.
 */
export async function casePagesViaOrganizations(
  customerNumbers: readonly string[],
  args: CasePageArgs,
  organizations: (customerNumbers: readonly string[]) => Promise<ReadonlyArray<CustomerOrganization | null | Error>>,
  pagesOf: (orgs: readonly CustomerOrganization[]) => Promise<CasePage[]>,
): Promise<Array<CasePage | Error>> {
  const fetchedAt = new Date().toISOString();
  const orgs = await organizations(customerNumbers);
  const known = orgs.flatMap((org, i) => (org && !(org instanceof Error) ? [{ i, org }] : []));
  const pages = known.length > 0 ? await pagesOf(known.map((k) => k.org)) : [];
  const pageAt = new Map(known.map((k, n) => [k.i, pages[n]]));
  return customerNumbers.map((c, i): CasePage | Error => {
    const org = orgs[i];
    if (org instanceof Error) return org;
    if (!org) return { cases: [], hasNextPage: false, totalCount: args.after ? null : 0, fetchedAt };
    return pageAt.get(i) ?? new Error(`the service desk gave no case page for ${c} (organization ${org.organizationId})`);
  });
}

/** The service desk's reads as the loaders take them, without a cache. */
export function deskReads(desk: ServiceDesk): ServiceReads {
  return {
    casesById: (ids) => desk.casesById(ids),
    casePagesByCustomer: (customerNumbers, args) =>
      casePagesViaOrganizations(customerNumbers, args, (c) => desk.organizationsByCustomer(c), (orgs) => desk.casePagesByOrganization(orgs, args)),
    casesByOrderNumber: (orderNumbers) => desk.casesByOrderNumber(orderNumbers),
    commentsByCase: (ids) => desk.commentsByCase(ids),
    customerNumbersByOrganization: (orgIds) => desk.customerNumbersByOrganization(orgIds),
    organizationsByCustomer: (customerNumbers) => desk.organizationsByCustomer(customerNumbers),
    usersById: (ids) => desk.usersById(ids),
    endUsersByCustomer: (customerNumbers) => desk.endUsersByCustomer(customerNumbers),
    endUsersByContact: (contacts) => desk.endUsersByContact(contacts),
  };
}

export function createLoaders(desk: ServiceReads, opts: LoaderOptions = {}): ServiceLoaders {
  const commentBudget = opts.maxCommentCasesPerRequest ?? 25;
  let commentCasesRead = 0;

  const caseById = new DataLoader<string, SupportCaseRecord | null>((ids) => desk.casesById(ids), { maxBatchSize: 100 });
  const primeCases = (cases: SupportCaseRecord[]): void => {
    for (const c of cases) caseById.prime(c.id, c);
  };

  const pageLoaders = new Map<string, DataLoader<string, CasePage>>();
  const casePages = (args: CasePageArgs): DataLoader<string, CasePage> => {
    const key = JSON.stringify([args.first, args.after ?? null, [...(args.statuses ?? [])].sort()]);
    let loader = pageLoaders.get(key);
    if (!loader) {
      loader = new DataLoader<string, CasePage>(async (customers) => {
        const pages = await desk.casePagesByCustomer(customers, args);
        for (const p of pages) if (!(p instanceof Error)) primeCases(p.cases);
        return pages;
      });
      pageLoaders.set(key, loader);
    }
    return loader;
  };

  const casesByOrder = new DataLoader<string, SupportCaseRecord[]>(async (orders) => {
    const lists = await desk.casesByOrderNumber(orders);
    for (const l of lists) if (!(l instanceof Error)) primeCases(l);
    return lists;
  });

  const commentsByCase = new DataLoader<string, CaseCommentRecord[]>(async (ids) => {
    const allowed = Math.max(0, commentBudget - commentCasesRead);
    const now = ids.slice(0, allowed);
    commentCasesRead += now.length;
    const read = now.length > 0 ? await desk.commentsByCase(now) : [];
    return ids.map(
      (_id, i) =>
        read[i] ??
        new DomainError(
          ErrorCode.QUERY_TOO_COMPLEX,
          `comments can be read for at most ${commentBudget} cases per request; ask for comments of fewer cases`,
          { limit: commentBudget },
        ),
    );
  });

  const customerNumberByOrg = new DataLoader<number, string | null>((ids) => desk.customerNumbersByOrganization(ids), { maxBatchSize: 100 });
  const userById = new DataLoader<string, ServiceDeskUser | null>((ids) => desk.usersById(ids), { maxBatchSize: 100 });

  const organizationByCustomer = new DataLoader<string, CustomerOrganization | null>((c) => desk.organizationsByCustomer(c), { maxBatchSize: 100 });

  const endUsersByCustomer = new DataLoader<string, string[]>((c) => desk.endUsersByCustomer(c), { maxBatchSize: 100 });
  const endUsersByContact = new DataLoader<string, EndUserRecord[]>((contacts) => desk.endUsersByContact(contacts));

  return { caseById, casePages, casesByOrder, commentsByCase, customerNumberByOrg, organizationByCustomer, userById, endUsersByCustomer, endUsersByContact };
}
