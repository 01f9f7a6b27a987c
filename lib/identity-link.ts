/**
 * Candidates and their confirmation, as every system that keeps the customer number in an
 * external-id field does them (docs/identity.md): the service desk's organizations and the
 * ERP's customers. A subgraph supplies how to read and write its record's external id; the
 * ranking, the checks before any call, the conditional write and the rejections are the same.
 *
 * | dedupe | how a repeat is recognised |
 * |---|---|
 * | conditional | the write sets an absolute value; every attempt first reads the record: already holding this customer number is an earlier commit (APPLIED without a write), holding another is CONFLICT |
 */
import { DomainError, ErrorCode, UpstreamError, badInput, type SystemOfRecord } from './errors.js';
import { matchScore, normalizeEmail, normalizePhone, type MatchAttributes, type MatchRule } from './identity-match.js';
import { sharedKeyIdentity, type IdentityRecord, type IdentityRecordType } from './identity.js';
import type { IdentityRejections, RejectedRecord } from './identity-rejections.js';
import type { Caller } from './auth/index.js';
import type { WriteCoordinator, WriteStatus } from './writes/index.js';
import { submitFor } from './writes/graph.js';

/** What the resolvers need for candidates; a subgraph without it lists shared keys only. */
export interface IdentityMatching {
  rule: MatchRule;
  rejections: IdentityRejections;
}

/** The records a system links customers by, and what their ids look like. */
const LINKABLE = {
  NETSUITE_CUSTOMER: { pattern: /^[1-9]\d{0,11}$/, expected: 'a NetSuite customer internal id of digits, like 647', why: 'the ERP links customers by customer record' },
  ZENDESK_ORGANIZATION: { pattern: /^[1-9]\d{0,15}$/, expected: 'a Zendesk organization id of digits, like 360001234', why: 'the service desk links customers by organization' },
} as const satisfies Partial<Record<IdentityRecordType, { pattern: RegExp; expected: string; why: string }>>;

export type LinkableRecordType = keyof typeof LINKABLE;

/** The record a confirm or reject names, checked before any call: the right type, and an id of the right shape. */
export function checkLinkRecord(expected: LinkableRecordType, recordType: IdentityRecordType, recordId: string): { recordId: string; key: RejectedRecord } {
  const spec = LINKABLE[expected];
  if (recordType !== expected) throw badInput(`expected recordType ${expected} (${spec.why}), got ${recordType}`, { argumentName: 'recordType' });
  if (!spec.pattern.test(recordId)) throw badInput(`expected ${spec.expected}, got '${recordId.slice(0, 64)}'`, { argumentName: 'recordId' });
  return { recordId, key: `${expected}:${recordId}` };
}

/** A record that may be the customer's: its id, the external id it holds (null when none) and what the rule compares. */
export interface CandidateSource {
  recordId: string;
  /** The external id on the record that speaks for it (the record itself, or the person found in it). */
  holds: string | null;
  attributes: MatchAttributes;
}

const sameNumber = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/**
 * The candidates among `sources` for a customer no record of this type holds the number of:
 * each record scored by the matching rule (a record found several times takes its best score),
 * kept from the show threshold up, minus the ones rejected for this customer, best first. A
 * source holding another customer's number speaks for that customer and is passed over.
 */
export function rankCandidates(
  rule: MatchRule,
  recordType: LinkableRecordType,
  customerId: string,
  customer: MatchAttributes,
  sources: readonly CandidateSource[],
  rejected: ReadonlySet<RejectedRecord>,
): IdentityRecord[] {
  const best = new Map<string, IdentityRecord>();
  for (const s of sources) {
    if (s.holds && !sameNumber(s.holds, customerId)) continue;
    if (rejected.has(`${recordType}:${s.recordId}`)) continue;
    const score = matchScore(rule, customer, s.attributes);
    if (score.confidence < rule.showThreshold) continue;
    const seen = best.get(s.recordId);
    if (seen && seen.confidence >= score.confidence) continue;
    best.set(s.recordId, {
      ...sharedKeyIdentity(recordType, s.recordId),
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

/**
 * The key candidates are searched by phone with, or null when the rule cannot read the customer's
 * phone: `tel:+<country code>-<national number>` for a number with the configured country calling
 * code, `tel:+<E.164 digits>` otherwise. Digits only, whatever text the customer's phone held.
 */
export function candidatePhone(customer: MatchAttributes, countryCode: string): string | null {
  const e164 = normalizePhone(customer.phone, countryCode);
  if (!e164) return null;
  const digits = e164.slice(1);
  return digits.startsWith(countryCode) ? `tel:+${countryCode}-${digits.slice(countryCode.length)}` : `tel:+${digits}`;
}

const PHONE_KEY = /^tel:\+(?:([1-9]\d{0,2})-)?(\d{1,15})$/;

/**
 * A phone key's number: its E.164 digits, and its national number when it has the configured
 * country code. Null for anything that is not a phone key of 8 to 15 digits, which is never sent.
 */
export function phoneKeyParts(key: string): { e164: string; national: string | null } | null {
  const m = PHONE_KEY.exec(key);
  if (!m) return null;
  const [, code, rest] = m as unknown as [string, string | undefined, string];
  const e164 = (code ?? '') + rest;
  return /^[1-9]\d{7,14}$/.test(e164) ? { e164, national: code ? rest : null } : null;
}

/** How a system's record holds the customer number. */
export interface ExternalIdField {
  /** The record's external id: null when it has none, undefined when the system has no such record. */
  read(recordId: string): Promise<string | null | undefined>;
  /** Sets the external id to the customer number. */
  write(recordId: string, customerNumber: string): Promise<void>;
  /**
   * The record that holds the customer number now, or null; given where the system keeps external
   * ids unique, so that a second record is refused with CONFLICT rather than by the system.
   */
  holder?(customerNumber: string): Promise<string | null>;
}

/**
 * Registers the write that confirms a candidate, under `kind`. Register before `writes.start()`.
 * `noun` names the record in messages ("organization", "customer record").
 */
export function registerIdentityLinkApplier<P extends { customerId: string }>(
  writes: WriteCoordinator,
  kind: string,
  options: { system: string; noun: string; recordId: (p: P) => string; field: ExternalIdField; invalidates: (p: P) => string[] },
): void {
  const { system, noun, field } = options;
  writes.registerApplier<P, P>(
    kind,
    async (p, ctx) => {
      const recordId = options.recordId(p);
      const held = await field.read(recordId);
      if (held === undefined) throw new DomainError(ErrorCode.NOT_FOUND, `${system} has no ${noun} ${recordId}`);
      // Both systems match external ids case-insensitively.
      if (held !== null && sameNumber(held, p.customerId)) return p;
      if (held !== null) {
        throw ctx.conflict(`${noun} ${recordId} already holds customer number ${held}; it was not changed`, { currentCustomerId: held });
      }
      const other = field.holder ? await field.holder(p.customerId) : null;
      if (other !== null && other !== recordId) {
        throw ctx.conflict(`${noun} ${other} already holds customer number ${p.customerId}; ${noun} ${recordId} was not changed`, { currentRecordId: other });
      }
      await field.write(recordId, p.customerId);
      return p;
    },
    { dedupe: 'conditional', invalidates: options.invalidates },
  );
}

/** What confirmServiceDeskIdentity and confirmErpIdentity answer: IdentityLinkResult. */
export interface IdentityLinkOutcome {
  status: WriteStatus;
  writeId: string;
  identity: IdentityRecord | null;
}

/** Submits a confirmation; the answer carries the new shared-key link once APPLIED. */
export async function submitIdentityLink<P extends { customerId: string }>(
  writes: WriteCoordinator,
  caller: Caller,
  request: { kind: string; entityKey: string; payload: P; recordType: LinkableRecordType; recordId: string; idempotencyKey: string | null | undefined },
): Promise<IdentityLinkOutcome> {
  const outcome = await submitFor<P, P>(writes, caller, {
    kind: request.kind,
    entityKey: request.entityKey,
    payload: request.payload,
    customerId: request.payload.customerId,
    idempotencyKey: request.idempotencyKey ?? null,
  });
  return {
    status: outcome.status,
    writeId: outcome.writeId,
    identity: outcome.status === 'APPLIED' ? sharedKeyIdentity(request.recordType, request.recordId) : null,
  };
}

/** Remembers a rejection; a subgraph started without a store for them answers UPSTREAM_UNAVAILABLE naming its system. */
export async function rejectCandidate(
  matching: IdentityMatching | undefined,
  system: SystemOfRecord,
  customerId: string,
  key: RejectedRecord,
  caller: Caller,
): Promise<true> {
  if (!matching) throw new UpstreamError(system, 'unavailable', 'this subgraph was started without a store for rejected candidates');
  await matching.rejections.reject(customerId, key, caller.subject);
  return true;
}
