/**
 * The operator's orphan list through the gateway (docs/identity.md, "Orphans"): NetSuite
 * customers and Zendesk organizations no Salesforce Account points at are listed with their
 * reason, linked ones are not; each page is one read of the system's records and at most one
 * Salesforce query; only operators may ask, and bad arguments cost no call.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeCursor } from '../../lib/pagination.js';
import { startStack, type Stack } from '../support/stack.js';
import { authorization } from '../sandbox/netsuite-client.js';

let stack: Stack;

interface Orphan {
  system: string;
  recordType: string;
  recordId: string;
  name: string | null;
  externalId: string | null;
  reason: string;
}
interface OrphanPage {
  identityOrphans: { nodes: Orphan[]; pageInfo: { hasNextPage: boolean; endCursor: string | null }; scanned: number };
}

const ORPHANS = `query Orphans($system: IdentitySystem!, $first: Int, $after: String) {
  identityOrphans(system: $system, first: $first, after: $after) {
    nodes { system recordType recordId name externalId reason }
    pageInfo { hasNextPage endCursor }
    scanned
  }
}`;

const ZD_AUTH = `Basic ${Buffer.from('agent@sandbox.example/token:sandbox').toString('base64')}`;

/** A NetSuite customer made in NetSuite itself (not counted: no correlation id); its internal id. */
async function netsuiteCustomer(body: Record<string, unknown>): Promise<string> {
  const url = `${stack.sandboxUrls.netsuite}/services/rest/record/v1/customer`;
  const res = await fetch(url, { method: 'POST', headers: { authorization: authorization('POST', url), 'content-type': 'application/json' }, body: JSON.stringify(body) });
  await res.text();
  expect(res.status).toBe(204);
  const id = /\/customer\/(\d+)$/.exec(res.headers.get('location') ?? '')?.[1];
  if (!id) throw new Error('NetSuite gave no customer location');
  return id;
}

/** A Zendesk organization made by an administrator; its id. */
async function zendeskOrganization(organization: Record<string, unknown>): Promise<string> {
  const res = await fetch(`${stack.sandboxUrls.zendesk}/api/v2/organizations.json`, {
    method: 'POST',
    headers: { authorization: ZD_AUTH, 'content-type': 'application/json' },
    body: JSON.stringify({ organization }),
  });
  const body = (await res.json()) as { organization: { id: number } };
  expect(res.status).toBe(201);
  return String(body.organization.id);
}

/**
 * The dataset's own orphans (the crosswalk fixtures: sandbox/dataset/crosswalk.ts), worked out
 * here from the records themselves: no customer number, or one no Salesforce Account holds.
 */
function datasetOrphans(system: 'NETSUITE' | 'ZENDESK'): Orphan[] {
  const known = new Set(stack.dataset.salesforce.accounts.map((a) => a.Customer_Number__c.toUpperCase()));
  const reason = (externalId: string | null): string | null =>
    !externalId ? 'NO_EXTERNAL_ID' : known.has(externalId.trim().toUpperCase()) ? null : 'UNKNOWN_CUSTOMER_NUMBER';
  const records =
    system === 'NETSUITE'
      ? stack.dataset.netsuite.customers.map((c) => ({
          id: c.id,
          name: c.companyname ?? ([c.firstname, c.lastname].filter(Boolean).join(' ') || null),
          externalId: c.externalid,
        }))
      : stack.dataset.zendesk.organizations.map((o) => ({ id: o.id, name: o.name, externalId: o.external_id }));
  return records.flatMap((r) => {
    const why = reason(r.externalId);
    return why
      ? [{ system, recordType: system === 'NETSUITE' ? 'NETSUITE_CUSTOMER' : 'ZENDESK_ORGANIZATION', recordId: String(r.id), name: r.name, externalId: r.externalId, reason: why }]
      : [];
  });
}

/** Orphans in the list's order: by record id. */
const byId = (a: Orphan, b: Orphan): number => Number(a.recordId) - Number(b.recordId);

/** Every page of one system's list, checking each page's cost. */
async function allPages(system: 'NETSUITE' | 'ZENDESK', first: number): Promise<{ orphans: Orphan[]; scanned: number; pages: number }> {
  const orphans: Orphan[] = [];
  let scanned = 0;
  let pages = 0;
  let after: string | null = null;
  for (;;) {
    const res: { body: { data?: OrphanPage | null; errors?: unknown }; correlationId: string } = await stack.query<OrphanPage>(
      ORPHANS,
      { system, first, after },
      { token: stack.tokens.operator },
    );
    expect(res.body.errors).toBeUndefined();
    const page: OrphanPage['identityOrphans'] | undefined = res.body.data?.identityOrphans;
    if (!page) throw new Error('no page');
    pages++;
    scanned += page.scanned;
    orphans.push(...page.nodes);
    expect(page.scanned).toBeLessThanOrEqual(first);
    const calls = await stack.allStats(res.correlationId);
    if (system === 'NETSUITE') {
      expect(calls.netsuite.calls).toEqual({ 'POST /services/rest/query/v1/suiteql': 1 });
      expect(calls.zendesk.total).toBe(0);
    } else {
      expect(calls.zendesk.calls).toEqual({ 'GET /api/v2/organizations': 1 });
      expect(calls.netsuite.total).toBe(0);
    }
    // One query for the page's customer numbers, whatever their number.
    expect(calls.salesforce.total).toBe(1);
    if (!page.pageInfo.hasNextPage) {
      expect(page.pageInfo.endCursor).toBeNull();
      return { orphans, scanned, pages };
    }
    expect(page.scanned).toBe(first);
    after = page.pageInfo.endCursor;
    if (pages > 20) throw new Error('the list does not end');
  }
}

beforeAll(async () => {
  stack = await startStack({ cache: {}, inProcess: true, customers: 40 });
}, 30_000);

afterAll(async () => {
  await stack?.close();
});

describe('identityOrphans', () => {
  it('lists NetSuite customers without a customer number or with one Salesforce does not know, page by page', async () => {
    const noKey = await netsuiteCustomer({ companyName: 'Orphan Without Key Ltd' });
    const unknown = await netsuiteCustomer({ companyName: 'Orphan Unknown Number Ltd', externalId: 'C-999901' });
    const person = await netsuiteCustomer({ isPerson: true, firstName: 'Ada', lastName: 'Orphan', externalId: 'LEGACY-7' });

    const { orphans, scanned, pages } = await allPages('NETSUITE', 15);
    expect(scanned).toBe(stack.dataset.netsuite.customers.length + 3);
    expect(pages).toBe(Math.ceil(scanned / 15));
    // The dataset's fixtures include orphans of both kinds (NetSuite 911 without a key, 912 holding C-980099).
    const fixtures = datasetOrphans('NETSUITE');
    expect(fixtures.map((o) => [o.recordId, o.reason])).toEqual(expect.arrayContaining([['911', 'NO_EXTERNAL_ID'], ['912', 'UNKNOWN_CUSTOMER_NUMBER']]));
    expect(orphans).toEqual(
      [
        ...fixtures,
        { system: 'NETSUITE', recordType: 'NETSUITE_CUSTOMER', recordId: noKey, name: 'Orphan Without Key Ltd', externalId: null, reason: 'NO_EXTERNAL_ID' },
        { system: 'NETSUITE', recordType: 'NETSUITE_CUSTOMER', recordId: unknown, name: 'Orphan Unknown Number Ltd', externalId: 'C-999901', reason: 'UNKNOWN_CUSTOMER_NUMBER' },
        { system: 'NETSUITE', recordType: 'NETSUITE_CUSTOMER', recordId: person, name: 'Ada Orphan', externalId: 'LEGACY-7', reason: 'UNKNOWN_CUSTOMER_NUMBER' },
      ].sort(byId),
    );
  });

  it('lists Zendesk organizations the same way, paged by Zendesk cursors', async () => {
    const noKey = await zendeskOrganization({ name: 'Orphan Org Without Key' });
    const unknown = await zendeskOrganization({ name: 'Orphan Org Unknown', external_id: 'c-999902' });
    // A linked customer's organization loses its number, as an administrator might clear it.
    const linked = stack.dataset.zendesk.organizations[3];
    if (!linked) throw new Error('the dataset has too few organizations');
    const cleared = await fetch(`${stack.sandboxUrls.zendesk}/api/v2/organizations/${linked.id}.json`, {
      method: 'PUT',
      headers: { authorization: ZD_AUTH, 'content-type': 'application/json' },
      body: JSON.stringify({ organization: { external_id: null } }),
    });
    await cleared.text();
    expect(cleared.status).toBe(200);

    const { orphans, scanned } = await allPages('ZENDESK', 15);
    expect(scanned).toBe(stack.dataset.zendesk.organizations.length + 2);
    const fixtures = datasetOrphans('ZENDESK');
    expect(fixtures.map((o) => [o.recordId, o.reason])).toEqual(
      expect.arrayContaining([
        ['360000900007', 'NO_EXTERNAL_ID'],
        ['360000900008', 'UNKNOWN_CUSTOMER_NUMBER'],
      ]),
    );
    expect(orphans).toEqual(
      [
        ...fixtures,
        { system: 'ZENDESK', recordType: 'ZENDESK_ORGANIZATION', recordId: String(linked.id), name: linked.name, externalId: null, reason: 'NO_EXTERNAL_ID' },
        { system: 'ZENDESK', recordType: 'ZENDESK_ORGANIZATION', recordId: noKey, name: 'Orphan Org Without Key', externalId: null, reason: 'NO_EXTERNAL_ID' },
        { system: 'ZENDESK', recordType: 'ZENDESK_ORGANIZATION', recordId: unknown, name: 'Orphan Org Unknown', externalId: 'c-999902', reason: 'UNKNOWN_CUSTOMER_NUMBER' },
      ].sort(byId),
    );
  });

  it('is refused to agents, finance and storefront callers, before any call', async () => {
    for (const [who, token] of [
      ['agent', stack.tokens.agent],
      ['finance', stack.tokens.finance],
      ['storefront', stack.tokens.storefront.token],
    ] as const) {
      const res = await stack.query<OrphanPage>(ORPHANS, { system: 'NETSUITE' }, { token });
      expect(res.body.errors?.[0]?.extensions?.code, who).toBe('FORBIDDEN');
      expect(res.body.data?.identityOrphans ?? null, who).toBeNull();
      const calls = await stack.allStats(res.correlationId);
      expect([calls.salesforce.total, calls.netsuite.total, calls.zendesk.total], who).toEqual([0, 0, 0]);
    }
  });

  it('refuses a bad system, page size or cursor with BAD_USER_INPUT, before any call', async () => {
    const first = await stack.query<OrphanPage>(ORPHANS, { system: 'NETSUITE', first: 2 }, { token: stack.tokens.operator });
    const netsuiteCursor = first.body.data?.identityOrphans.pageInfo.endCursor;
    expect(netsuiteCursor).toBeTruthy();
    const bad: Array<[string, Record<string, unknown>]> = [
      ['Salesforce', { system: 'SALESFORCE' }],
      ['first 0', { system: 'NETSUITE', first: 0 }],
      ['first 101', { system: 'ZENDESK', first: 101 }],
      ['not a cursor', { system: 'NETSUITE', after: 'nonsense!' }],
      ["another system's cursor", { system: 'ZENDESK', after: netsuiteCursor }],
      ['a forged NetSuite cursor', { system: 'NETSUITE', after: encodeCursor({ system: 'NETSUITE', after: '1 OR 1=1' }) }],
      ['a forged Zendesk cursor', { system: 'ZENDESK', after: encodeCursor({ system: 'ZENDESK', after: 'x&page[size]=1000' }) }],
      ["another list's cursor", { system: 'NETSUITE', after: encodeCursor({ name: 'A', number: 'C-000001' }) }],
    ];
    for (const [what, vars] of bad) {
      const res = await stack.query<OrphanPage>(ORPHANS, vars, { token: stack.tokens.operator });
      expect(res.body.errors?.[0]?.extensions?.code, what).toBe('BAD_USER_INPUT');
      const calls = await stack.allStats(res.correlationId);
      expect([calls.salesforce.total, calls.netsuite.total, calls.zendesk.total], what).toEqual([0, 0, 0]);
    }
  });
});
