/**
 * The request's DataLoaders: one batch per entity type per plan step. Created
 * per request by createContext, so nothing is shared between callers.
 */
import DataLoader from 'dataloader';
import { DomainError, ErrorCode } from '../../../lib/errors.js';
import type { CasePage, CasePageArgs, CaseCommentRecord, ServiceDesk, ServiceDeskUser, SupportCaseRecord } from './zendesk.js';

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
 * The Zendesk-backed ServiceDesk fits this shape as it is.
 */
export interface ServiceReads {
  casesById(ids: readonly string[]): Promise<Array<SupportCaseRecord | null | Error>>;
  casePagesByCustomer(customerNumbers: readonly string[], args: CasePageArgs): Promise<Array<CasePage | Error>>;
  casesByOrderNumber(orderNumbers: readonly string[]): Promise<Array<SupportCaseRecord[] | Error>>;
  commentsByCase(ids: readonly string[]): Promise<Array<CaseCommentRecord[] | Error>>;
  customerNumbersByOrganization(orgIds: readonly number[]): Promise<Array<string | null | Error>>;
  usersById(ids: readonly string[]): Promise<Array<ServiceDeskUser | null | Error>>;
}

export interface ServiceLoaders {
  caseById: DataLoader<string, SupportCaseRecord | null>;
  /** One loader per distinct argument set, so customers asked with the same arguments share a batch. */
  casePages(args: CasePageArgs): DataLoader<string, CasePage>;
  casesByOrder: DataLoader<string, SupportCaseRecord[]>;
  commentsByCase: DataLoader<string, CaseCommentRecord[]>;
  customerNumberByOrg: DataLoader<number, string | null>;
  userById: DataLoader<string, ServiceDeskUser | null>;
}

export function createLoaders(desk: ServiceReads | ServiceDesk, opts: LoaderOptions = {}): ServiceLoaders {
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

  return { caseById, casePages, casesByOrder, commentsByCase, customerNumberByOrg, userById };
}
