/**
 * The orphan list's parts (docs/identity.md, "Orphans"): the page reads against NetSuite and
 * Zendesk run as background work and page by each system's own keys; the classification gives
 * each record its reason; the Salesforce check sends only customer numbers, and none for a page
 * without any.
 */
import { describe, expect, it } from 'vitest';
import type { NetSuiteClient, SuiteQLResult } from '../../lib/clients/netsuite.js';
import type { ZendeskClient } from '../../lib/clients/zendesk.js';
import { currentPriority } from '../../lib/limits.js';
import { createIdentityLookups } from '../../subgraphs/customer/src/identity-lookups.js';
import { identityOrphanPage, orphanPageArgs, orphansOf } from '../../subgraphs/customer/src/identity-orphans.js';

interface Seen {
  query: string;
  maxRows?: number;
  priority: string;
}

function fakes(rows: Array<Record<string, string>>, orgs: unknown): { seen: Seen[]; netsuite: () => NetSuiteClient; zendesk: () => ZendeskClient } {
  const seen: Seen[] = [];
  const netsuite = {
    suiteql: (query: string, opts: { maxRows?: number } = {}): Promise<SuiteQLResult> => {
      seen.push({ query, ...(opts.maxRows !== undefined ? { maxRows: opts.maxRows } : {}), priority: currentPriority() });
      return Promise.resolve({ items: rows.slice(0, opts.maxRows), totalResults: rows.length, truncated: false });
    },
  } as unknown as NetSuiteClient;
  const zendesk = {
    get: (path: string, query: Record<string, unknown>): Promise<unknown> => {
      seen.push({ query: `${path} ${JSON.stringify(query)}`, priority: currentPriority() });
      return Promise.resolve(orgs);
    },
  } as unknown as ZendeskClient;
  return { seen, netsuite: () => netsuite, zendesk: () => zendesk };
}

describe('the page reads', () => {
  it('read NetSuite customers after the last id, one more than the page to know whether more follow, as background work', async () => {
    const rows: Array<Record<string, string>> = [
      { id: '648', externalid: 'C-000001', companyname: 'Acme' },
      { id: '650', firstname: 'Ada', lastname: 'Lovelace' },
      { id: '651', externalid: 'C-000003', companyname: 'Third' },
    ];
    const f = fakes(rows, null);
    const lookups = createIdentityLookups({ netsuite: f.netsuite, zendesk: f.zendesk });
    const page = await lookups.netsuiteCustomers('647', 2);
    expect(page).toEqual({
      records: [
        { recordId: '648', name: 'Acme', externalId: 'C-000001' },
        { recordId: '650', name: 'Ada Lovelace', externalId: null },
      ],
      next: '650',
    });
    expect(f.seen).toHaveLength(1);
    expect(f.seen[0]?.query).toMatch(/FROM customer c WHERE c\.id > 647 ORDER BY c\.id$/);
    expect(f.seen[0]?.maxRows).toBe(3);
    expect(f.seen[0]?.priority).toBe('background');

    const last = await lookups.netsuiteCustomers(null, 5);
    expect(last.next).toBeNull();
    expect(f.seen[1]?.query).not.toContain('WHERE');
  });

  it("read a Zendesk organizations page by Zendesk's cursor, as background work", async () => {
    const f = fakes([], { organizations: [{ id: 7, name: 'Org', external_id: '' }], meta: { has_more: true, after_cursor: 'eyJvIjo3fQ==' } });
    const lookups = createIdentityLookups({ netsuite: f.netsuite, zendesk: f.zendesk });
    expect(await lookups.zendeskOrganizations('abc', 10)).toEqual({ records: [{ recordId: '7', name: 'Org', externalId: null }], next: 'eyJvIjo3fQ==' });
    expect(f.seen).toEqual([{ query: 'organizations.json {"page[size]":10,"page[after]":"abc"}', priority: 'background' }]);
  });
});

describe('the classification', () => {
  it('gives each record without a known customer number its reason, comparing numbers without case', () => {
    const records = [
      { recordId: '1', name: 'a', externalId: null },
      { recordId: '2', name: 'b', externalId: ' c-000001 ' },
      { recordId: '3', name: 'c', externalId: 'C-000002' },
      { recordId: '4', name: 'd', externalId: '   ' },
    ];
    expect(orphansOf('ZENDESK', records, new Set(['C-000001'])).map((o) => [o.recordId, o.reason, o.recordType])).toEqual([
      ['1', 'NO_EXTERNAL_ID', 'ZENDESK_ORGANIZATION'],
      ['3', 'UNKNOWN_CUSTOMER_NUMBER', 'ZENDESK_ORGANIZATION'],
      ['4', 'NO_EXTERNAL_ID', 'ZENDESK_ORGANIZATION'],
    ]);
  });

  it('asks Salesforce nothing for a page whose records hold no customer number', async () => {
    const asked: string[][] = [];
    const records = {
      netsuiteCustomers: () => Promise.resolve({ records: [{ recordId: '9', name: null, externalId: null }], next: null }),
      zendeskOrganizations: () => Promise.reject(new Error('not this system')),
    };
    const page = await identityOrphanPage({ records, knownCustomerNumbers: (n) => (asked.push([...n]), Promise.resolve(new Set<string>())) }, 'NETSUITE', { size: 10, after: null });
    expect(asked).toEqual([]);
    expect(page).toEqual({
      nodes: [{ system: 'NETSUITE', recordType: 'NETSUITE_CUSTOMER', recordId: '9', name: null, externalId: null, reason: 'NO_EXTERNAL_ID' }],
      pageInfo: { hasNextPage: false, endCursor: null },
      scanned: 1,
    });
  });

  it("takes back its own cursor for the same system only", () => {
    expect(orphanPageArgs('NETSUITE', undefined, undefined)).toEqual({ size: 100, after: null });
    const cursor = Buffer.from(JSON.stringify({ system: 'NETSUITE', after: '650' })).toString('base64url');
    expect(orphanPageArgs('NETSUITE', 5, cursor)).toEqual({ size: 5, after: '650' });
    expect(() => orphanPageArgs('ZENDESK', 5, cursor)).toThrow(/does not belong/);
  });
});
