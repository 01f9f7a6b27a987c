/**
 * lib/identity-link.ts without a system behind it: which records become candidates and in
 * what order, that a rejection hides only the record of the type it names, and the checks a
 * confirm or reject makes before any call.
 */
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../lib/errors.js';
import { checkLinkRecord, rankCandidates, type CandidateSource } from '../../lib/identity-link.js';
import { loadMatchRule } from '../../lib/identity-match.js';
import type { RejectedRecord } from '../../lib/identity-rejections.js';

const rule = loadMatchRule({});
const customer = { email: 'anna.muller@example.com', phone: '(415) 555-0134', name: 'Anna Muller' };
const source = (recordId: string, attributes: CandidateSource['attributes'], holds: string | null = null): CandidateSource => ({ recordId, holds, attributes });

describe('rankCandidates', () => {
  const sources = [
    source('7', { email: 'ANNA.MULLER@example.com' }),
    source('7', { email: 'anna.muller@example.com', phone: '+1 415 555 0134' }),
    source('3', { phone: '415-555-0134' }),
    source('9', { email: 'anna.muller@example.com' }, 'C-000777'),
    source('4', { email: 'someone.else@example.com', phone: '415 555 0134' }),
    source('5', { name: 'Anna Muller' }),
  ];

  it("keeps each record's best score from the show threshold up, best first, passing over a record that holds another number", () => {
    expect(rankCandidates(rule, 'NETSUITE_CUSTOMER', 'C-000042', customer, sources, new Set())).toEqual([
      { system: 'NETSUITE', recordType: 'NETSUITE_CUSTOMER', recordId: '7', linkedBy: 'MATCHED', matchedOn: ['email', 'phone'], confidence: 0.975, suggested: true },
      { system: 'NETSUITE', recordType: 'NETSUITE_CUSTOMER', recordId: '3', linkedBy: 'MATCHED', matchedOn: ['phone'], confidence: 0.75, suggested: false },
    ]);
  });

  it('counts a record holding this very customer number (in any case) as a candidate', () => {
    const got = rankCandidates(rule, 'ZENDESK_ORGANIZATION', 'C-000777', customer, [source('9', { email: 'anna.muller@example.com' }, 'c-000777')], new Set());
    expect(got.map((c) => [c.system, c.recordId])).toEqual([['ZENDESK', '9']]);
  });

  it('hides a rejected record only for the record type the rejection names', () => {
    const zendeskRejection = new Set<RejectedRecord>(['ZENDESK_ORGANIZATION:7']);
    expect(rankCandidates(rule, 'NETSUITE_CUSTOMER', 'C-000042', customer, sources, zendeskRejection).map((c) => c.recordId)).toEqual(['7', '3']);
    const erpRejection = new Set<RejectedRecord>(['NETSUITE_CUSTOMER:7']);
    expect(rankCandidates(rule, 'NETSUITE_CUSTOMER', 'C-000042', customer, sources, erpRejection).map((c) => c.recordId)).toEqual(['3']);
  });
});

describe('checkLinkRecord', () => {
  it('accepts the record type a system links by, with an id of its shape, and names it for rejections', () => {
    expect(checkLinkRecord('NETSUITE_CUSTOMER', 'NETSUITE_CUSTOMER', '647')).toEqual({ recordId: '647', key: 'NETSUITE_CUSTOMER:647' });
    expect(checkLinkRecord('ZENDESK_ORGANIZATION', 'ZENDESK_ORGANIZATION', '360001234')).toEqual({ recordId: '360001234', key: 'ZENDESK_ORGANIZATION:360001234' });
  });

  it('refuses another record type and ids that are not ids with BAD_USER_INPUT', () => {
    const refusal = (f: () => unknown): { code: string; argumentName: unknown } => {
      try {
        f();
      } catch (e) {
        if (e instanceof DomainError) return { code: e.code, argumentName: e.extensions.argumentName };
        throw e;
      }
      throw new Error('expected a refusal');
    };
    expect(refusal(() => checkLinkRecord('NETSUITE_CUSTOMER', 'ZENDESK_ORGANIZATION', '647'))).toEqual({ code: 'BAD_USER_INPUT', argumentName: 'recordType' });
    for (const id of ['0', '0647', 'abc', '6 47', "647' OR '1'='1", '1'.repeat(13)]) {
      expect(refusal(() => checkLinkRecord('NETSUITE_CUSTOMER', 'NETSUITE_CUSTOMER', id)), id).toEqual({ code: 'BAD_USER_INPUT', argumentName: 'recordId' });
    }
    expect(checkLinkRecord('ZENDESK_ORGANIZATION', 'ZENDESK_ORGANIZATION', '1'.repeat(16)).recordId).toHaveLength(16);
  });
});
