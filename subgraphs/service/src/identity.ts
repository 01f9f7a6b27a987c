/**
 * The service desk's side of the identity crosswalk (docs/identity.md): candidates
 * for a customer no Zendesk organization is linked to, and the write that confirms
 * one by putting the customer number into the organization's external id, so the
 * link is then held by the service desk itself.
 *
 * | kind | dedupe | how a repeat is recognised |
 * |---|---|---|
 * | `service.identity.link` | conditional | the PUT writes an absolute value; every attempt first reads the organization: already holding this customer number is an earlier commit (APPLIED without a write), holding another is CONFLICT |
 */
import { DomainError, ErrorCode, badInput } from '../../../lib/errors.js';
import { entityTag, listTag } from '../../../lib/cache/index.js';
import { matchScore, normalizeEmail, type MatchAttributes, type MatchRule } from '../../../lib/identity-match.js';
import type { IdentityRecord, IdentityRecordType } from '../../../lib/identity.js';
import type { IdentityRejections, RejectedRecord } from '../../../lib/identity-rejections.js';
import type { WriteCoordinator } from '../../../lib/writes/index.js';
import type { EndUserRecord } from './zendesk.js';
import type { ServiceDeskWrites } from './zendesk-writes.js';

export const IDENTITY_LINK_WRITE = 'service.identity.link';

export interface IdentityLinkPayload {
  customerId: string;
  organizationId: string;
}

const ORGANIZATION_ID = /^[1-9]\d{0,15}$/;

/** The record a confirm or reject names, checked before any call: a Zendesk organization id. */
export function checkServiceDeskRecord(recordType: IdentityRecordType, recordId: string): { organizationId: string; key: RejectedRecord } {
  if (recordType !== 'ZENDESK_ORGANIZATION') {
    throw badInput(`expected recordType ZENDESK_ORGANIZATION (the service desk links customers by organization), got ${recordType}`, { argumentName: 'recordType' });
  }
  if (!ORGANIZATION_ID.test(recordId)) {
    throw badInput(`expected a Zendesk organization id of digits, like 360001234, got '${recordId.slice(0, 64)}'`, { argumentName: 'recordId' });
  }
  return { organizationId: recordId, key: `ZENDESK_ORGANIZATION:${recordId}` };
}

export function registerIdentityLinkApplier(writes: WriteCoordinator, desk: ServiceDeskWrites): void {
  writes.registerApplier<IdentityLinkPayload, IdentityLinkPayload>(
    IDENTITY_LINK_WRITE,
    async (p, ctx) => {
      const held = await desk.organizationExternalId(p.organizationId);
      if (held === undefined) throw new DomainError(ErrorCode.NOT_FOUND, `the service desk has no organization ${p.organizationId}`);
      // Zendesk matches external ids case-insensitively.
      if (held !== null && held.toLowerCase() === p.customerId.toLowerCase()) return p;
      if (held !== null) {
        throw ctx.conflict(`organization ${p.organizationId} already holds customer number ${held}; it was not changed`, { currentCustomerId: held });
      }
      await desk.setOrganizationExternalId(p.organizationId, p.customerId);
      return p;
    },
    {
      dedupe: 'conditional',
      // Where the customer sits in the service desk, and its case lists, which follow the organization.
      invalidates: (p) => [listTag('Customer', p.customerId, 'serviceDirectory'), listTag('Customer', p.customerId, 'cases'), entityTag('Organization', p.organizationId)],
    },
  );
}

/**
 * Candidates for a customer no organization is linked to: the organizations of end users whose
 * e-mail is the customer's, each scored by the matching rule with its best user, kept from the
 * show threshold up, minus the ones rejected for this customer. A user who holds another
 * customer's number speaks for that customer, not this one, and is passed over.
 */
export function serviceDeskCandidates(
  rule: MatchRule,
  customerId: string,
  customer: MatchAttributes,
  users: readonly EndUserRecord[],
  rejected: ReadonlySet<RejectedRecord>,
): IdentityRecord[] {
  const best = new Map<string, IdentityRecord>();
  for (const u of users) {
    if (!u.organizationId || (u.externalId && u.externalId.toLowerCase() !== customerId.toLowerCase())) continue;
    if (rejected.has(`ZENDESK_ORGANIZATION:${u.organizationId}`)) continue;
    const score = matchScore(rule, customer, { email: u.email, name: u.name, phone: u.phone });
    if (score.confidence < rule.showThreshold) continue;
    const seen = best.get(u.organizationId);
    if (seen && seen.confidence >= score.confidence) continue;
    best.set(u.organizationId, {
      system: 'ZENDESK',
      recordType: 'ZENDESK_ORGANIZATION',
      recordId: u.organizationId,
      linkedBy: 'MATCHED',
      matchedOn: score.matchedOn,
      confidence: score.confidence,
      suggested: score.confidence >= rule.suggestThreshold,
    });
  }
  return [...best.values()].sort((a, b) => b.confidence - a.confidence || Number(a.recordId) - Number(b.recordId));
}

/** The e-mail address candidates are searched by, or null when the customer has none worth searching. */
export const candidateEmail = (customer: MatchAttributes): string | null => normalizeEmail(customer.email);

/** What the resolvers need for candidates; a subgraph without it lists shared keys only. */
export interface IdentityMatching {
  rule: MatchRule;
  rejections: IdentityRejections;
}
