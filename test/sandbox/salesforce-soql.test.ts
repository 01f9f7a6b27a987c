/**
 * SOQL over the wire: a corpus of documentation queries, each answered with the
 * records the real API would return or refused with its error code; string-literal
 * escapes and injection attempts; error shapes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CROSSWALK_ACCOUNTS } from '../../sandbox/dataset/crosswalk.js';
import { generateDataset } from '../../sandbox/dataset/generate.js';
import type { RetailDataset } from '../../sandbox/dataset/model.js';
import { createSalesforceSandbox, type SalesforceSandbox } from '../../sandbox/salesforce/index.js';
import { SOQL_CORPUS } from './fixtures/soql-corpus.js';

let dataset: RetailDataset;
let sf: SalesforceSandbox;
let url: string;
let token: string;

interface QueryAnswer {
  status: number;
  body: unknown;
  headers: Headers;
}

async function query(soql: string, path = 'query'): Promise<QueryAnswer> {
  const res = await fetch(`${url}/services/data/v59.0/${path}?q=${encodeURIComponent(soql)}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: await res.json(), headers: res.headers };
}

/** Follows nextRecordsUrl to the end, as a client does. */
async function queryAllPages(soql: string): Promise<{ totalSize: number; records: Record<string, unknown>[] }> {
  let page = (await query(soql)).body as { totalSize: number; done: boolean; nextRecordsUrl?: string; records: Record<string, unknown>[] };
  const records = [...page.records];
  while (!page.done) {
    const res = await fetch(`${url}${page.nextRecordsUrl as string}`, { headers: { authorization: `Bearer ${token}` } });
    page = (await res.json()) as typeof page;
    records.push(...page.records);
  }
  return { totalSize: page.totalSize, records };
}

beforeAll(async () => {
  dataset = generateDataset({ seed: 11, customers: 200, asOf: new Date('2026-11-20T00:00:00Z') });
  sf = await createSalesforceSandbox({ dataset });
  url = await sf.listen(0);
  const res = await fetch(`${url}/services/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'password', client_id: 'sandbox', client_secret: 'sandbox', username: 'admin@sandbox.example', password: 'sandbox' }),
  });
  token = ((await res.json()) as { access_token: string }).access_token;
});

afterAll(async () => {
  await sf.close();
});

describe('SOQL corpus from the Salesforce documentation', () => {
  it('has at least 25 queries', () => {
    expect(SOQL_CORPUS.length).toBeGreaterThanOrEqual(25);
  });

  for (const entry of SOQL_CORPUS) {
    it(entry.soql, async () => {
      const now = new Date();
      if ('error' in entry.expect) {
        const res = await query(entry.soql);
        expect(res.status).toBe(400);
        const body = res.body as { errorCode: string; message: string }[];
        expect(body).toHaveLength(1);
        expect(body[0]?.errorCode).toBe(entry.expect.error);
        expect(typeof body[0]?.message).toBe('string');
        return;
      }
      const { totalSize, records } = await queryAllPages(entry.soql);
      if ('count' in entry.expect) {
        expect(totalSize).toBe(entry.expect.count(dataset.salesforce, now));
        return;
      }
      const expected = entry.expect.ids(dataset.salesforce, now);
      expect(totalSize).toBe(expected.length);
      const got = records.map((r) => (r.attributes as { url: string }).url.split('/').pop());
      if (entry.expect.ordered) expect(got).toEqual(expected);
      else expect([...got].sort()).toEqual([...expected].sort());
    });
  }
});

describe('string literals and injection', () => {
  it("finds O'Brien through an escaped quote, with = and with LIKE", async () => {
    const expected = dataset.salesforce.accounts.filter((a) => a.Name === "Siobhan O'Brien").map((a) => a.Customer_Number__c);
    expect(expected).toContain('C-000007');
    const eq = (await query("SELECT Customer_Number__c, Name FROM Account WHERE Name = 'Siobhan O\\'Brien'")).body as { records: { Name: string; Customer_Number__c: string }[] };
    expect(eq.records.map((r) => r.Customer_Number__c)).toEqual(expected);
    expect(eq.records[0]?.Name).toBe("Siobhan O'Brien");
    const like = (await query("SELECT Customer_Number__c FROM Account WHERE Name LIKE 'Siobhan O\\'Bri%'")).body as { records: { Customer_Number__c: string }[] };
    expect(like.records.map((r) => r.Customer_Number__c)).toEqual(expected);
  });

  it('matches text case-insensitively with = and LIKE, and non-ASCII names exactly', async () => {
    const upper = (await query("SELECT Customer_Number__c FROM Account WHERE Name = 'SIOBHAN O\\'BRIEN'")).body as { totalSize: number };
    expect(upper.totalSize).toBeGreaterThanOrEqual(1);
    const muller = (await query("SELECT Customer_Number__c FROM Account WHERE Name LIKE '%Müller'")).body as { records: { Customer_Number__c: string }[] };
    expect(muller.records.map((r) => r.Customer_Number__c)).toContain('C-000008');
  });

  it("keeps an escaped ' OR Name LIKE '% inside the literal: nothing extra matches", async () => {
    const attack = "x' OR Name LIKE '%";
    const escaped = attack.replace(/\\/g, '\\\\').replace(/'/g, "\\'");
    const res = await query(`SELECT Id FROM Account WHERE Name = '${escaped}'`);
    expect(res.status).toBe(200);
    expect((res.body as { totalSize: number }).totalSize).toBe(0);
    const like = await query(`SELECT Id FROM Account WHERE Name LIKE '${escaped}'`);
    expect((like.body as { totalSize: number }).totalSize).toBe(0);
  });

  it('treats an escaped backslash before a quote as a closed literal', async () => {
    // 'a\\' is the string a\ ; what follows is SOQL again, so this OR is a real operator.
    const res = await query("SELECT Id FROM Account WHERE Name = 'a\\\\' OR Name = 'Siobhan O\\'Brien'");
    expect(res.status).toBe(200);
    expect((res.body as { totalSize: number }).totalSize).toBeGreaterThanOrEqual(1);
  });

  it('an unescaped injection breaks the query and is refused, never answered', async () => {
    const res = await query("SELECT Id FROM Account WHERE Name = 'x' OR Name LIKE '%' --'");
    expect(res.status).toBe(400);
    expect((res.body as { errorCode: string }[])[0]?.errorCode).toBe('MALFORMED_QUERY');
  });

  it('LIKE wildcards escaped with \\% and \\_ are literal', async () => {
    const pct = (await query("SELECT Id FROM Account WHERE Name LIKE '\\%%'")).body as { totalSize: number };
    expect(pct.totalSize).toBe(0);
    const underscore = (await query("SELECT Id FROM Account WHERE Name LIKE 'S_obhan%'")).body as { totalSize: number };
    expect(underscore.totalSize).toBeGreaterThanOrEqual(1);
    const literalUnderscore = (await query("SELECT Id FROM Account WHERE Name LIKE 'S\\_obhan%'")).body as { totalSize: number };
    expect(literalUnderscore.totalSize).toBe(0);
  });

  it('\\% outside LIKE is an illegal escape', async () => {
    const res = await query("SELECT Id FROM Account WHERE Name = '50\\%'");
    expect(res.status).toBe(400);
    const [err] = res.body as { errorCode: string; message: string }[];
    expect(err?.errorCode).toBe('MALFORMED_QUERY');
    expect(err?.message).toContain('Illegal character sequence');
  });
});

describe('query results and errors as Salesforce shapes them', () => {
  it('points at the offending column in error messages', async () => {
    const res = await query('SELECT Nme FROM Account');
    const [err] = res.body as { errorCode: string; message: string }[];
    expect(err?.errorCode).toBe('INVALID_FIELD');
    expect(err?.message).toBe(
      "\nSELECT Nme FROM Account\n       ^\nERROR at Row:1:Column:8\nNo such column 'Nme' on entity 'Account'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.",
    );
  });

  it('answers unknown objects with INVALID_TYPE', async () => {
    const res = await query('SELECT Id FROM Foo__c');
    const [err] = res.body as { errorCode: string; message: string }[];
    expect(err?.errorCode).toBe('INVALID_TYPE');
    expect(err?.message).toContain("sObject type 'Foo__c' is not supported");
  });

  it('nests parent fields and child subqueries like the REST API', async () => {
    const parent = (await query("SELECT LastName, Account.Customer_Number__c FROM Contact WHERE Account.Customer_Number__c != null LIMIT 1")).body as {
      records: { Account: { attributes: { type: string }; Customer_Number__c: string } }[];
    };
    expect(parent.records[0]?.Account.attributes.type).toBe('Account');
    expect(parent.records[0]?.Account.Customer_Number__c).toMatch(/^C-\d{6}$/);

    const withContacts = dataset.salesforce.contacts[0]?.AccountId as string;
    const child = (await query(`SELECT Name, (SELECT LastName FROM Contacts ORDER BY LastName) FROM Account WHERE Id = '${withContacts}'`)).body as {
      records: { Contacts: { totalSize: number; done: boolean; records: { LastName: string }[] } | null }[];
    };
    const expected = dataset.salesforce.contacts.filter((c) => c.AccountId === withContacts);
    expect(child.records[0]?.Contacts?.totalSize).toBe(expected.length);
    expect(child.records[0]?.Contacts?.done).toBe(true);

    const noContacts = dataset.salesforce.accounts.find((a) => !dataset.salesforce.contacts.some((c) => c.AccountId === a.Id))?.Id as string;
    const empty = (await query(`SELECT Name, (SELECT LastName FROM Contacts) FROM Account WHERE Id = '${noContacts}'`)).body as { records: { Contacts: unknown }[] };
    expect(empty.records[0]?.Contacts).toBeNull();
  });

  it('formats datetimes as Salesforce does and answers COUNT() with no records', async () => {
    const one = (await query("SELECT CreatedDate FROM Account WHERE Customer_Number__c = 'C-000001'")).body as { records: { CreatedDate: string }[] };
    expect(one.records[0]?.CreatedDate).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);
    const count = (await query('SELECT COUNT() FROM Account')).body as { totalSize: number; done: boolean; records: unknown[] };
    // The 200 customers and the crosswalk fixtures' accounts.
    expect(count).toEqual({ totalSize: 200 + CROSSWALK_ACCOUNTS, done: true, records: [] });
  });

  it('serves queryAll with the same shape', async () => {
    const res = await query("SELECT Id FROM Account WHERE Customer_Number__c = 'C-000002'", 'queryAll');
    expect(res.status).toBe(200);
    expect((res.body as { totalSize: number }).totalSize).toBe(1);
  });

  it('honours Sforce-Query-Options batchSize and pages with nextRecordsUrl', async () => {
    const res = await fetch(`${url}/services/data/v59.0/query?q=${encodeURIComponent("SELECT Id FROM Account WHERE Customer_Number__c < 'C-980000' ORDER BY Customer_Number__c")}`, {
      headers: { authorization: `Bearer ${token}`, 'sforce-query-options': 'batchSize=200' },
    });
    const page = (await res.json()) as { totalSize: number; done: boolean; records: unknown[]; nextRecordsUrl?: string };
    expect(page.totalSize).toBe(200);
    expect(page.done).toBe(true);
    const res2 = await fetch(`${url}/services/data/v59.0/query?q=${encodeURIComponent('SELECT Id FROM Contact')}`, {
      headers: { authorization: `Bearer ${token}`, 'sforce-query-options': 'batchSize=100' },
    });
    const page2 = (await res2.json()) as { totalSize: number; done: boolean; records: unknown[]; nextRecordsUrl?: string };
    // The minimum batch size is 200; smaller requests get 200.
    expect(page2.records.length).toBe(Math.min(200, dataset.salesforce.contacts.length));
    if (dataset.salesforce.contacts.length > 200) {
      expect(page2.done).toBe(false);
      expect(page2.nextRecordsUrl).toMatch(/^\/services\/data\/v59\.0\/query\/01g[A-Za-z0-9]+-200$/);
    }
    const bad = await fetch(`${url}/services/data/v59.0/query/01gNOPE-2000`, { headers: { authorization: `Bearer ${token}` } });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { errorCode: string }[])[0]?.errorCode).toBe('INVALID_QUERY_LOCATOR');
  });
});
