/**
 * The service desk's side of the identity crosswalk (docs/identity.md): candidates
 * for a customer no Zendesk organization is linked to, and the write that confirms
 * one by putting the customer number into the organization's external id, so the
 * link is then held by the service desk itself. The ranking and the write's
 * semantics are lib/identity-link.ts's, shared with the ERP's.
 *
 * | kind | dedupe | how a repeat is recognised |
 * |---|---|---|
 * | `service.identity.link` | conditional | the PUT writes an absolute value; every attempt first reads the organization: already holding this customer number is an earlier commit (APPLIED without a write), holding another is CONFLICT |
 */
import { entityTag, listTag } from '../../../lib/cache/index.js';
import { checkLinkRecord, rankCandidates, registerIdentityLinkApplier as registerLinkApplier } from '../../../lib/identity-link.js';
import type { MatchAttributes, MatchRule } from '../../../lib/identity-match.js';
import type { IdentityRecord, IdentityRecordType } from '../../../lib/identity.js';
import type { RejectedRecord } from '../../../lib/identity-rejections.js';
import type { WriteCoordinator } from '../../../lib/writes/index.js';
import type { EndUserRecord } from './zendesk.js';
import type { ServiceDeskWrites } from './zendesk-writes.js';

export const IDENTITY_LINK_WRITE = 'service.identity.link';

export interface IdentityLinkPayload {
  customerId: string;
  organizationId: string;
}

/** The record a confirm or reject names, checked before any call: a Zendesk organization id. */
export function checkServiceDeskRecord(recordType: IdentityRecordType, recordId: string): { organizationId: string; key: RejectedRecord } {
  const { key } = checkLinkRecord('ZENDESK_ORGANIZATION', recordType, recordId);
  return { organizationId: recordId, key };
}

export function registerIdentityLinkApplier(writes: WriteCoordinator, desk: ServiceDeskWrites): void {
  registerLinkApplier<IdentityLinkPayload>(writes, IDENTITY_LINK_WRITE, {
    system: 'the service desk',
    noun: 'organization',
    recordId: (p) => p.organizationId,
    field: { read: (id) => desk.organizationExternalId(id), write: (id, customerNumber) => desk.setOrganizationExternalId(id, customerNumber) },
    // Where the customer sits in the service desk, and its case lists, which follow the organization.
    invalidates: (p) => [listTag('Customer', p.customerId, 'serviceDirectory'), listTag('Customer', p.customerId, 'cases'), entityTag('Organization', p.organizationId)],
  });
}

/**
 * Candidates for a customer no organization is linked to: the organizations of end users whose
 * e-mail is the customer's, each scored by the matching rule with its best user. A user who
 * holds another customer's number speaks for that customer, not this one, and is passed over.
 */
export function serviceDeskCandidates(
  rule: MatchRule,
  customerId: string,
  customer: MatchAttributes,
  users: readonly EndUserRecord[],
  rejected: ReadonlySet<RejectedRecord>,
): IdentityRecord[] {
  const sources = users.flatMap((u) =>
    u.organizationId ? [{ recordId: u.organizationId, holds: u.externalId ?? null, attributes: { email: u.email, name: u.name, phone: u.phone } }] : [],
  );
  return rankCandidates(rule, 'ZENDESK_ORGANIZATION', customerId, customer, sources, rejected);
}
