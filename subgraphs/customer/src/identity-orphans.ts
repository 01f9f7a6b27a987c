/**
 * The operator's orphan list (docs/identity.md, "Orphans"): NetSuite customers and Zendesk
 * organizations that no Salesforce Account points at, because they hold no customer number or
 * one no Account has. A page reads one page of the other system's records (by id, in that
 * system's own paging) and asks Salesforce once which of the customer numbers seen on it exist.
 * `first` bounds the records read, so a page costs at most two calls and may list fewer orphans
 * than `first`, or none, with more pages to come. Reading only: creating customers for orphans
 * is the system of record's business.
 */
import { badInput } from '../../../lib/errors.js';
import { decodeCursor, encodeCursor, pageSize } from '../../../lib/pagination.js';
import type { IdentityRecordType, IdentitySystem } from '../../../lib/identity.js';
import type { ForeignRecord, ForeignRecordPage, ForeignRecordPages } from './identity-lookups.js';

export type OrphanSystem = Exclude<IdentitySystem, 'SALESFORCE'>;
export type IdentityOrphanReason = 'NO_EXTERNAL_ID' | 'UNKNOWN_CUSTOMER_NUMBER';

/** The IdentityOrphan type: one record no Salesforce Account points at, and why. */
export interface IdentityOrphan {
  system: OrphanSystem;
  recordType: IdentityRecordType;
  recordId: string;
  name: string | null;
  externalId: string | null;
  reason: IdentityOrphanReason;
}

/** What Query.identityOrphans resolves to. */
export interface IdentityOrphanPage {
  nodes: IdentityOrphan[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  /** Records read for this page, orphans or not. */
  scanned: number;
}

/** Where the next page starts in the system's own paging: a NetSuite internal id, or Zendesk's cursor. */
interface OrphanCursor {
  system: OrphanSystem;
  after: string;
}

const NETSUITE_AFTER = /^[1-9][0-9]{0,11}$/;
/** Zendesk's cursors are opaque tokens of base64 characters; anything else is not one of ours. */
const ZENDESK_AFTER = /^[A-Za-z0-9+/=_-]{1,400}$/;

const RECORD_TYPE: Record<OrphanSystem, IdentityRecordType> = { NETSUITE: 'NETSUITE_CUSTOMER', ZENDESK: 'ZENDESK_ORGANIZATION' };

/** The system argument: NETSUITE or ZENDESK; Salesforce Accounts are the customers themselves. */
export function orphanSystem(system: IdentitySystem): OrphanSystem {
  if (system === 'SALESFORCE') {
    throw badInput('expected system NETSUITE or ZENDESK: Salesforce Accounts are the customers the other records point at', { argumentName: 'system' });
  }
  return system;
}

/** Checks the arguments before any call: page size, and a cursor made by this list for this system. */
export function orphanPageArgs(system: OrphanSystem, first: number | null | undefined, after: string | null | undefined): { size: number; after: string | null } {
  const size = pageSize(first, 100);
  const cursor = decodeCursor(after, (v): v is OrphanCursor => {
    if (typeof v !== 'object' || v === null) return false;
    const c = v as Partial<OrphanCursor>;
    if (c.system !== system || typeof c.after !== 'string' || Object.keys(c).length !== 2) return false;
    return (system === 'NETSUITE' ? NETSUITE_AFTER : ZENDESK_AFTER).test(c.after);
  });
  return { size, after: cursor?.after ?? null };
}

/** The records of a page that are orphans, in the page's order, given the customer numbers Salesforce knows (upper-cased). */
export function orphansOf(system: OrphanSystem, records: readonly ForeignRecord[], known: ReadonlySet<string>): IdentityOrphan[] {
  const out: IdentityOrphan[] = [];
  for (const r of records) {
    const external = r.externalId?.trim() || null;
    const reason: IdentityOrphanReason | null = external === null ? 'NO_EXTERNAL_ID' : known.has(external.toUpperCase()) ? null : 'UNKNOWN_CUSTOMER_NUMBER';
    if (reason) out.push({ system, recordType: RECORD_TYPE[system], recordId: r.recordId, name: r.name, externalId: r.externalId, reason });
  }
  return out;
}

/**
 * One page of the orphan list: one read of the system's records, then one Salesforce query for
 * the customer numbers they hold (none when they hold none).
 */
export async function identityOrphanPage(
  deps: { records: ForeignRecordPages; knownCustomerNumbers: (numbers: readonly string[]) => Promise<Set<string>> },
  system: OrphanSystem,
  args: { size: number; after: string | null },
): Promise<IdentityOrphanPage> {
  const page: ForeignRecordPage =
    system === 'NETSUITE' ? await deps.records.netsuiteCustomers(args.after, args.size) : await deps.records.zendeskOrganizations(args.after, args.size);
  const numbers = page.records.flatMap((r) => (r.externalId?.trim() ? [r.externalId.trim()] : []));
  const known = numbers.length > 0 ? await deps.knownCustomerNumbers(numbers) : new Set<string>();
  return {
    nodes: orphansOf(system, page.records, known),
    pageInfo: { hasNextPage: page.next !== null, endCursor: page.next !== null ? encodeCursor({ system, after: page.next } satisfies OrphanCursor) : null },
    scanned: page.records.length,
  };
}
