/**
 * The Salesforce sandbox through jsforce 3 (unmodified) and over raw HTTP: OAuth
 * grants, query paging, writes and their errors, the daily API budget, faults and
 * the admin surface.
 */
import { exportSPKI, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import jsforce from 'jsforce';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CROSSWALK_ACCOUNTS } from '../../sandbox/dataset/crosswalk.js';
import { generateDataset } from '../../sandbox/dataset/generate.js';
import type { RetailDataset } from '../../sandbox/dataset/model.js';
import { createSalesforceSandbox, type SalesforceSandbox } from '../../sandbox/salesforce/index.js';

const CREDS = { clientId: 'sandbox', clientSecret: 'sandbox', username: 'admin@sandbox.example', password: 'sandbox' };
const AS_OF = new Date('2026-11-20T00:00:00Z');

interface SfErr {
  message: string;
  errorCode: string;
  fields?: string[];
}

async function passwordToken(url: string, overrides: Record<string, string> = {}): Promise<Response> {
  return fetch(`${url}/services/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'password', client_id: CREDS.clientId, client_secret: CREDS.clientSecret, username: CREDS.username, password: CREDS.password, ...overrides }),
  });
}

async function tokenFor(url: string): Promise<string> {
  return ((await (await passwordToken(url)).json()) as { access_token: string }).access_token;
}

function api(url: string, token: string) {
  return async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> =>
    fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
}

async function action(url: string, name: string, body: unknown): Promise<Response> {
  return fetch(`${url}/__sandbox/actions/${name}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

async function faults(url: string, f: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${url}/__sandbox/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(f) });
  expect(res.status).toBe(200);
}

describe('jsforce against the sandbox', () => {
  let dataset: RetailDataset;
  let sf: SalesforceSandbox;
  let url: string;
  let conn: InstanceType<typeof jsforce.Connection>;

  beforeAll(async () => {
    // More than 2,000 accounts, so that a plain query needs queryMore.
    dataset = generateDataset({ seed: 5, customers: 2100, asOf: AS_OF });
    sf = await createSalesforceSandbox({ dataset });
    url = await sf.listen(0);
    conn = new jsforce.Connection({ oauth2: { clientId: CREDS.clientId, clientSecret: CREDS.clientSecret, loginUrl: url }, version: '59.0' });
  });

  afterAll(async () => {
    await sf.close();
  });

  it('logs in with the OAuth username-password flow', async () => {
    const info = await conn.login(CREDS.username, CREDS.password);
    expect(conn.instanceUrl).toBe(url);
    expect(conn.accessToken).toMatch(/^00D\w{12}!AQ/);
    expect(info.organizationId).toMatch(/^00D\w{15}$/);
    expect(info.id).toMatch(/^005\w{15}$/);
  });

  it('pages a query of more than 2,000 records through queryMore', async () => {
    await fetch(`${url}/__sandbox/stats/reset`, { method: 'POST' });
    const result = await conn.query<{ Id: string; Customer_Number__c: string }>('SELECT Id, Customer_Number__c FROM Account ORDER BY Customer_Number__c').run({ autoFetch: true, maxFetch: 10_000 });
    // The 2,100 customers, then the crosswalk fixtures' accounts (C-980001..).
    const accounts = 2100 + CROSSWALK_ACCOUNTS;
    expect(result.totalSize).toBe(accounts);
    expect(result.records).toHaveLength(accounts);
    expect(new Set(result.records.map((r) => r.Id)).size).toBe(accounts);
    expect(result.records[0]?.Customer_Number__c).toBe('C-000001');
    expect(result.records[2099]?.Customer_Number__c).toBe('C-002100');
    const stats = (await (await fetch(`${url}/__sandbox/stats`)).json()) as { calls: Record<string, number> };
    expect(stats.calls['GET /services/data/:version/query']).toBe(1);
    expect(stats.calls['GET /services/data/:version/query/:locator']).toBe(1);
    expect(conn.limitInfo.apiUsage?.used).toBeGreaterThan(0);
    expect(conn.limitInfo.apiUsage?.limit).toBe(100_000);
  });

  it('updates a record and bumps LastModifiedDate and SystemModstamp', async () => {
    const before = await conn.sobject('Account').retrieve(dataset.salesforce.accounts[9]?.Id as string);
    const res = await conn.sobject('Account').update({ Id: before.Id as string, Phone: '+1 555 0100', Email_Opt_In__c: true });
    expect(res).toMatchObject({ id: before.Id, success: true });
    const after = (await conn.sobject('Account').retrieve(before.Id as string)) as Record<string, unknown>;
    expect(after.Phone).toBe('+1 555 0100');
    expect(after.Email_Opt_In__c).toBe(true);
    expect(Date.parse(after.LastModifiedDate as string)).toBeGreaterThan(Date.parse(before.LastModifiedDate as string));
    expect(after.SystemModstamp).toBe(after.LastModifiedDate);
  });

  it('upserts by the Customer_Number__c external id: update, then create', async () => {
    const updated = await conn.sobject('Account').upsert({ Customer_Number__c: 'c-000007', Preferred_Store__c: 'STORE-001' }, 'Customer_Number__c');
    expect(updated).toMatchObject({ id: dataset.salesforce.accounts[6]?.Id, success: true, created: false });
    const created = await conn.sobject('Account').upsert({ Customer_Number__c: 'C-990001', Name: 'Upserted Outfitters' }, 'Customer_Number__c');
    expect(created).toMatchObject({ success: true, created: true });
    const rows = await conn.query<{ Name: string }>("SELECT Name FROM Account WHERE Customer_Number__c = 'C-990001'");
    expect(rows.records.map((r) => r.Name)).toEqual(['Upserted Outfitters']);
    const store = await conn.query<{ Preferred_Store__c: string }>("SELECT Preferred_Store__c FROM Account WHERE Customer_Number__c = 'C-000007'");
    expect(store.records[0]?.Preferred_Store__c).toBe('STORE-001');
  });

  it('creates several records in one sObject Collections call', async () => {
    await fetch(`${url}/__sandbox/stats/reset`, { method: 'POST' });
    const results = await conn.sobject('Account').create([
      { Name: 'Collection One', Customer_Number__c: 'C-990011' },
      { Name: 'Collection Two', Customer_Number__c: 'C-990012' },
    ]);
    expect(results).toHaveLength(2);
    expect(results.every((r) => r.success)).toBe(true);
    const stats = (await (await fetch(`${url}/__sandbox/stats`)).json()) as { calls: Record<string, number> };
    expect(stats.calls).toEqual({ 'POST /services/data/:version/composite/sobjects': 1 });
    const found = await conn.query("SELECT Id FROM Account WHERE Customer_Number__c IN ('C-990011', 'C-990012')");
    expect(found.totalSize).toBe(2);
  });

  it('describes Account with the external id field', async () => {
    const d = await conn.sobject('Account').describe();
    const cn = d.fields.find((f) => f.name === 'Customer_Number__c');
    expect(cn).toMatchObject({ externalId: true, unique: true, updateable: true });
    expect(d.fields.find((f) => f.name === 'Loyalty_Tier__c')?.picklistValues?.map((p) => p.value)).toEqual(['Bronze', 'Silver', 'Gold', 'Platinum']);
  });

  it('surfaces Salesforce error codes through jsforce', async () => {
    const id = dataset.salesforce.accounts[1]?.Id as string;
    const codeOf = async (p: PromiseLike<unknown>): Promise<string | undefined> => Promise.resolve(p).then(() => undefined, (e: { errorCode?: string }) => e.errorCode);
    expect(await codeOf(conn.sobject('Account').update({ Id: id, Bogus__c: 'x' }))).toBe('INVALID_FIELD');
    expect(await codeOf(conn.sobject('Account').update({ Id: id, Email__c: 'not-an-email' }))).toBe('INVALID_EMAIL_ADDRESS');
    expect(await codeOf(conn.sobject('Account').update({ Id: id, Loyalty_Tier__c: 'Diamond' }))).toBe('INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST');
    expect(await codeOf(conn.sobject('Account').update({ Id: id, CreatedDate: '2020-01-01T00:00:00Z' }))).toBe('INVALID_FIELD_FOR_INSERT_UPDATE');
    expect(await codeOf(conn.query('SELECT Id FROM Account WHERE'))).toBe('MALFORMED_QUERY');
  });
});

describe('REST resources over HTTP', () => {
  let dataset: RetailDataset;
  let sf: SalesforceSandbox;
  let url: string;
  let call: ReturnType<typeof api>;
  const v = '/services/data/v59.0';

  beforeAll(async () => {
    dataset = generateDataset({ seed: 3, customers: 200, asOf: AS_OF });
    sf = await createSalesforceSandbox({ dataset });
    url = await sf.listen(0);
    call = api(url, await tokenFor(url));
  });

  afterAll(async () => {
    await sf.close();
  });

  it('lists versions without auth and without Sforce-Limit-Info', async () => {
    const res = await fetch(`${url}/services/data`);
    expect(res.status).toBe(200);
    expect(res.headers.get('sforce-limit-info')).toBeNull();
    const versions = (await res.json()) as { version: string; url: string; label: string }[];
    expect(versions[0]).toEqual({ label: "Summer '14", url: '/services/data/v31.0', version: '31.0' });
    expect(versions.at(-1)).toEqual({ label: "Spring '26", url: '/services/data/v66.0', version: '66.0' });
  });

  it('answers unknown versions, objects and URIs with 404 NOT_FOUND', async () => {
    for (const path of ['/services/data/v30.0/limits', '/services/data/v99.0/limits', `${v}/sobjects/Opportunity/006000000000000AAA`, `${v}/nope`]) {
      const res = await call('GET', path);
      expect(res.status, path).toBe(404);
      expect(await res.json()).toEqual([{ message: 'The requested resource does not exist', errorCode: 'NOT_FOUND' }]);
    }
  });

  it('gets a record by id with ?fields=, and refuses malformed and mistyped ids', async () => {
    const a = dataset.salesforce.accounts[0];
    const res = await call('GET', `${v}/sobjects/Account/${a?.Id}?fields=Name,Customer_Number__c`);
    expect(res.status).toBe(200);
    expect(res.headers.get('last-modified')).toBe(new Date(a?.LastModifiedDate as string).toUTCString());
    expect(await res.json()).toEqual({ attributes: { type: 'Account', url: `${v}/sobjects/Account/${a?.Id}` }, Name: a?.Name, Customer_Number__c: a?.Customer_Number__c });
    const fifteen = await call('GET', `${v}/sobjects/Account/${a?.Id.slice(0, 15)}?fields=Id`);
    expect(((await fifteen.json()) as { Id: string }).Id).toBe(a?.Id);

    const notAnId = await call('GET', `${v}/sobjects/Account/abc`);
    expect(notAnId.status).toBe(404);
    expect(((await notAnId.json()) as SfErr[])[0]?.message).toBe('Provided external ID field does not exist or is not accessible: abc');
    const contactId = dataset.salesforce.contacts[0]?.Id as string;
    const wrongType = await call('GET', `${v}/sobjects/Account/${contactId}`);
    expect(wrongType.status).toBe(400);
    expect(((await wrongType.json()) as SfErr[])[0]?.errorCode).toBe('MALFORMED_ID');
    const missing = await call('GET', `${v}/sobjects/Account/001Dn0000009999IAA`);
    expect(missing.status).toBe(404);
    const badField = await call('GET', `${v}/sobjects/Account/${a?.Id}?fields=Nope`);
    expect(badField.status).toBe(400);
    expect(((await badField.json()) as SfErr[])[0]?.errorCode).toBe('INVALID_FIELD');
  });

  it('creates with 201 and a SaveResult, validating required fields and uniqueness', async () => {
    const res = await call('POST', `${v}/sobjects/Account`, { Name: 'Fresh Goods', Customer_Number__c: 'C-880001', Email__c: 'hello@fresh.example' });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { id: string; success: boolean; errors: unknown[] };
    expect(body).toEqual({ id: expect.stringMatching(/^001\w{15}$/), success: true, errors: [] });
    const dup = await call('POST', `${v}/sobjects/Account`, { Name: 'Copycat', Customer_Number__c: 'c-880001' });
    expect(dup.status).toBe(400);
    expect(((await dup.json()) as SfErr[])[0]?.errorCode).toBe('DUPLICATE_VALUE');
    const noName = await call('POST', `${v}/sobjects/Account`, { Phone: '1' });
    expect(await noName.json()).toEqual([{ message: 'Required fields are missing: [Name]', errorCode: 'REQUIRED_FIELD_MISSING', fields: ['Name'] }]);
    const contact = await call('POST', `${v}/sobjects/Contact`, { LastName: 'Nguyen', FirstName: 'An', AccountId: body.id });
    expect(contact.status).toBe(201);
    const badParent = await call('POST', `${v}/sobjects/Contact`, { LastName: 'X', AccountId: 'nope' });
    expect(((await badParent.json()) as SfErr[])[0]?.errorCode).toBe('MALFORMED_ID');
  });

  it('updates with 204 and honours If-Unmodified-Since with 412', async () => {
    const a = dataset.salesforce.accounts[4];
    const got = await call('GET', `${v}/sobjects/Account/${a?.Id}?fields=LastModifiedDate`);
    const lastModified = got.headers.get('last-modified') as string;
    // Someone edits the record in Salesforce meanwhile.
    expect((await action(url, 'update-account', { customerId: a?.Customer_Number__c, fields: { Phone: '+1 555 0199' } })).status).toBe(200);
    const stale = await call('PATCH', `${v}/sobjects/Account/${a?.Id}`, { Phone: '+1 555 0000' }, { 'if-unmodified-since': lastModified });
    expect(stale.status).toBe(412);
    expect(((await stale.json()) as SfErr[])[0]?.errorCode).toBe('ENTITY_FAILED_IFLASTMODIFIED_ON_UPDATE_CHECK');
    const current = await call('GET', `${v}/sobjects/Account/${a?.Id}?fields=Phone`);
    expect(((await current.json()) as { Phone: string }).Phone).toBe('+1 555 0199');
    const fresh = await call('PATCH', `${v}/sobjects/Account/${a?.Id}`, { Phone: '+1 555 0000' }, { 'if-unmodified-since': current.headers.get('last-modified') as string });
    expect(fresh.status).toBe(204);
    expect(await fresh.text()).toBe('');
  });

  it('answers upsert updates by API version: 204 before 46.0, 200 with created:false after', async () => {
    const cn = dataset.salesforce.accounts[2]?.Customer_Number__c as string;
    const old = await call('PATCH', `/services/data/v45.0/sobjects/Account/Customer_Number__c/${cn}`, { Phone: '1' });
    expect(old.status).toBe(204);
    const neu = await call('PATCH', `${v}/sobjects/Account/Customer_Number__c/${cn}`, { Phone: '2' });
    expect(neu.status).toBe(200);
    expect(await neu.json()).toEqual({ id: dataset.salesforce.accounts[2]?.Id, success: true, errors: [], created: false });
    const oldCreate = await call('PATCH', `/services/data/v45.0/sobjects/Account/Customer_Number__c/C-880045`, { Name: 'Old API Co' });
    expect(oldCreate.status).toBe(201);
    expect(await oldCreate.json()).toEqual({ id: expect.any(String), success: true, errors: [] });
    const updateOnly = await call('PATCH', `${v}/sobjects/Account/Customer_Number__c/C-880099?updateOnly=true`, { Name: 'Never' });
    expect(updateOnly.status).toBe(404);
    const notExternal = await call('PATCH', `${v}/sobjects/Account/Name/Whatever`, { Phone: '3' });
    expect(notExternal.status).toBe(404);
    const byExt = await call('GET', `${v}/sobjects/Account/Customer_Number__c/${cn.toLowerCase()}?fields=Phone`);
    expect(((await byExt.json()) as { Phone: string }).Phone).toBe('2');
  });

  it('serves sObject Collections: allOrNone create, update, upsert and retrieve', async () => {
    const rolled = await call('POST', `${v}/composite/sobjects`, {
      allOrNone: true,
      records: [
        { attributes: { type: 'Account' }, Name: 'Good Row', Customer_Number__c: 'C-880101' },
        { attributes: { type: 'Account' }, Name: 'Bad Row', Email__c: 'bad' },
      ],
    });
    expect(rolled.status).toBe(200);
    const rb = (await rolled.json()) as { success: boolean; errors: { statusCode: string }[] }[];
    expect(rb.map((r) => r.success)).toEqual([false, false]);
    expect(rb[0]?.errors[0]?.statusCode).toBe('ALL_OR_NONE_OPERATION_ROLLED_BACK');
    expect(rb[1]?.errors[0]?.statusCode).toBe('INVALID_EMAIL_ADDRESS');
    const none = await call('GET', `${v}/query?q=${encodeURIComponent("SELECT Id FROM Account WHERE Customer_Number__c = 'C-880101'")}`);
    expect(((await none.json()) as { totalSize: number }).totalSize).toBe(0);

    const ids = dataset.salesforce.accounts.slice(10, 12).map((a) => a.Id);
    const upd = await call('PATCH', `${v}/composite/sobjects`, { records: ids.map((Id) => ({ attributes: { type: 'Account' }, Id, Preferred_Store__c: 'STORE-009' })) });
    expect(await upd.json()).toEqual(ids.map((id) => ({ id, success: true, errors: [] })));

    const ups = await call('PATCH', `${v}/composite/sobjects/Account/Customer_Number__c`, {
      records: [
        { attributes: { type: 'Account' }, Customer_Number__c: dataset.salesforce.accounts[12]?.Customer_Number__c, Phone: '7' },
        { attributes: { type: 'Account' }, Customer_Number__c: 'C-880102', Name: 'Made By Upsert' },
      ],
    });
    const upsBody = (await ups.json()) as { created: boolean; success: boolean }[];
    expect(upsBody.map((r) => [r.success, r.created])).toEqual([
      [true, false],
      [true, true],
    ]);

    const got = await call('GET', `${v}/composite/sobjects/Account?ids=${ids.join(',')}&fields=Preferred_Store__c`);
    const rows = (await got.json()) as { Preferred_Store__c: string }[];
    expect(rows.map((r) => r.Preferred_Store__c)).toEqual(['STORE-009', 'STORE-009']);
  });

  it('reports the budget in /limits and Sforce-Limit-Info, counting each call', async () => {
    const a = await call('GET', `${v}/sobjects/Account/${dataset.salesforce.accounts[0]?.Id}?fields=Id`);
    const b = await call('GET', `${v}/sobjects/Account/${dataset.salesforce.accounts[0]?.Id}?fields=Id`);
    const used = (h: Response): number => Number(/api-usage=(\d+)\/100000/.exec(h.headers.get('sforce-limit-info') ?? '')?.[1]);
    expect(used(b)).toBe(used(a) + 1);
    const limits = (await (await call('GET', `${v}/limits`)).json()) as { DailyApiRequests: { Max: number; Remaining: number } };
    expect(limits.DailyApiRequests).toEqual({ Max: 100_000, Remaining: 100_000 - used(b) });
  });
});

describe('OAuth grants and sessions', () => {
  let sf: SalesforceSandbox;
  let url: string;
  let privateKey: CryptoKey;

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256');
    privateKey = pair.privateKey;
    sf = await createSalesforceSandbox({
      dataset: generateDataset({ seed: 2, customers: 20, asOf: AS_OF }),
      jwtPublicKey: await exportSPKI(pair.publicKey),
      sessionTtlMs: 400,
    });
    url = await sf.listen(0);
  });

  afterAll(async () => {
    await sf.close();
  });

  it('issues tokens with instance_url and an id whose last segments are org and user', async () => {
    const res = await passwordToken(url);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, string>;
    expect(body).toMatchObject({ instance_url: url, token_type: 'Bearer' });
    expect(body.id).toMatch(new RegExp(`^${url}/id/00D\\w{15}/005\\w{15}$`));
    expect(body.issued_at).toMatch(/^\d{13}$/);
    expect(typeof body.signature).toBe('string');
  });

  it('refuses bad credentials with Salesforce OAuth errors', async () => {
    const wrongPassword = await passwordToken(url, { password: 'nope' });
    expect(wrongPassword.status).toBe(400);
    expect(await wrongPassword.json()).toEqual({ error: 'invalid_grant', error_description: 'authentication failure' });
    const wrongClient = await passwordToken(url, { client_id: 'other' });
    expect(await wrongClient.json()).toEqual({ error: 'invalid_client_id', error_description: 'client identifier invalid' });
    const wrongGrant = await passwordToken(url, { grant_type: 'magic' });
    expect(await wrongGrant.json()).toEqual({ error: 'unsupported_grant_type', error_description: 'grant type not supported' });
  });

  it('accepts the client-credentials grant with HTTP Basic client authentication', async () => {
    const res = await fetch(`${url}/services/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from('sandbox:sandbox').toString('base64')}` },
      body: 'grant_type=client_credentials',
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { access_token: string }).access_token).toBeTruthy();
  });

  it('accepts an RS256 JWT bearer assertion signed with the configured key, checking aud', async () => {
    const assertion = (aud: string, key = privateKey) =>
      new SignJWT({}).setProtectedHeader({ alg: 'RS256' }).setIssuer('sandbox').setSubject(CREDS.username).setAudience(aud).setExpirationTime('3m').sign(key);
    const form = async (a: string) =>
      fetch(`${url}/services/oauth2/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: a }),
      });
    const ok = await form(await assertion('https://login.salesforce.com'));
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as Record<string, string>).instance_url).toBe(url);
    const badAud = await form(await assertion('https://example.com'));
    expect(await badAud.json()).toEqual({ error: 'invalid_grant', error_description: 'Audience validation failed' });
    const otherKey = (await generateKeyPair('RS256')).privateKey;
    const forged = await form(await assertion('https://login.salesforce.com', otherKey));
    expect(await forged.json()).toEqual({ error: 'invalid_grant', error_description: 'invalid assertion' });
  });

  it('answers expired and unknown tokens with 401 INVALID_SESSION_ID', async () => {
    const token = await tokenFor(url);
    const ok = await fetch(`${url}/services/data/v59.0/limits`, { headers: { authorization: `Bearer ${token}` } });
    expect(ok.status).toBe(200);
    await new Promise((r) => setTimeout(r, 500));
    for (const auth of [`Bearer ${token}`, 'Bearer 00Dbogus!AQxyz', undefined]) {
      const res = await fetch(`${url}/services/data/v59.0/limits`, { headers: auth ? { authorization: auth } : {} });
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual([{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
    }
  });
});

describe('daily API budget', () => {
  it('answers 403 REQUEST_LIMIT_EXCEEDED once the budget is spent, without charging the token endpoint', async () => {
    const sf = await createSalesforceSandbox({ dataset: generateDataset({ seed: 2, customers: 10, asOf: AS_OF }), dailyApiLimit: 3 });
    try {
      const url = await sf.listen(0);
      const call = api(url, await tokenFor(url));
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await call('GET', '/services/data/v59.0/sobjects')).status);
      expect(statuses).toEqual([200, 200, 200, 403]);
      const res = await call('GET', '/services/data/v59.0/sobjects');
      expect(await res.json()).toEqual([{ message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' }]);
      expect(res.headers.get('sforce-limit-info')).toBe('api-usage=3/3');
    } finally {
      await sf.close();
    }
  });
});

describe('faults and the admin surface', () => {
  let dataset: RetailDataset;
  let sf: SalesforceSandbox;
  let url: string;
  let call: ReturnType<typeof api>;
  const v = '/services/data/v59.0';

  beforeAll(async () => {
    dataset = generateDataset({ seed: 9, customers: 50, asOf: AS_OF });
    sf = await createSalesforceSandbox({ dataset });
    url = await sf.listen(0);
    call = api(url, await tokenFor(url));
  });

  afterAll(async () => {
    await sf.close();
  });

  it('down answers 503, and {} restores service', async () => {
    await faults(url, { down: true });
    const res = await call('GET', `${v}/limits`);
    expect(res.status).toBe(503);
    expect(((await res.json()) as SfErr[])[0]?.errorCode).toBe('SERVER_UNAVAILABLE');
    await faults(url, {});
    expect((await call('GET', `${v}/limits`)).status).toBe(200);
  });

  it('rateLimitPerMinute answers 403 REQUEST_LIMIT_EXCEEDED', async () => {
    await faults(url, { rateLimitPerMinute: 2 });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push(await call('GET', `${v}/limits`));
    expect(statuses.map((r) => r.status)).toEqual([200, 200, 403]);
    expect(await statuses[2]?.json()).toEqual([{ message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' }]);
    await faults(url, {});
  });

  it('maxConcurrent refuses the request past the limit', async () => {
    await faults(url, { maxConcurrent: 1, latencyMs: 300 });
    const [a, b] = await Promise.all([call('GET', `${v}/limits`), call('GET', `${v}/limits`)]);
    const statuses = [a.status, b.status].sort();
    expect(statuses).toEqual([200, 403]);
    const refused = a.status === 403 ? a : b;
    expect(await refused.json()).toEqual([{ message: 'ConcurrentPerOrgLongTxn Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' }]);
    await faults(url, {});
  });

  it('the same seed gives the same sequence of 500s', async () => {
    const run = async (): Promise<number[]> => {
      await faults(url, { errorRate: 0.5, seed: 1234 });
      const out: number[] = [];
      for (let i = 0; i < 16; i++) out.push((await call('GET', `${v}/limits`)).status);
      return out;
    };
    const first = await run();
    const second = await run();
    expect(second).toEqual(first);
    expect(first).toContain(500);
    expect(first).toContain(200);
    await faults(url, { errorRate: 1 });
    const res = await call('GET', `${v}/limits`);
    expect(((await res.json()) as SfErr[])[0]?.errorCode).toBe('UNKNOWN_EXCEPTION');
    await faults(url, {});
  });

  it('dropResponseAfterCommitRate applies the PATCH although the client sees the connection drop', async () => {
    const a = dataset.salesforce.accounts[3];
    await faults(url, { dropResponseAfterCommitRate: 1 });
    await expect(call('PATCH', `${v}/sobjects/Account/${a?.Id}`, { Preferred_Store__c: 'STORE-042' })).rejects.toThrow();
    await faults(url, {});
    const res = await call('GET', `${v}/sobjects/Account/${a?.Id}?fields=Preferred_Store__c`);
    expect(await res.json()).toMatchObject({ Preferred_Store__c: 'STORE-042' });
  });

  it('injected latency is visible', async () => {
    await faults(url, { latencyMs: 250 });
    const started = Date.now();
    expect((await call('GET', `${v}/limits`)).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
    await faults(url, {});
  });

  it('counts calls per route template, filters by correlation id while other traffic runs, and resets', async () => {
    await fetch(`${url}/__sandbox/stats/reset`, { method: 'POST' });
    const [x, y] = dataset.salesforce.accounts;
    const noise = Promise.all(Array.from({ length: 5 }, () => call('GET', `${v}/limits`)));
    await call('GET', `${v}/sobjects/Account/${x?.Id}`, undefined, { 'x-correlation-id': 'req-1' });
    await call('GET', `${v}/sobjects/Account/${y?.Id}`, undefined, { 'x-correlation-id': 'req-1' });
    await call('GET', `${v}/query?q=${encodeURIComponent('SELECT Id FROM Account LIMIT 1')}`, undefined, { 'x-correlation-id': 'req-2' });
    await noise;
    const mine = (await (await fetch(`${url}/__sandbox/stats?correlationId=req-1`)).json()) as { total: number; calls: Record<string, number> };
    expect(mine).toEqual({ total: 2, calls: { 'GET /services/data/:version/sobjects/:sobject/:id': 2 } });
    const all = (await (await fetch(`${url}/__sandbox/stats`)).json()) as { total: number; calls: Record<string, number> };
    expect(all.total).toBe(8);
    expect(all.calls['GET /services/data/:version/limits']).toBe(5);
    const log = (await (await fetch(`${url}/__sandbox/requests?correlationId=req-2`)).json()) as { requests: { route: string; query: string }[] };
    expect(log.requests).toHaveLength(1);
    expect(decodeURIComponent(log.requests[0]?.query ?? '')).toContain('SELECT Id FROM Account LIMIT 1');
    await fetch(`${url}/__sandbox/stats/reset`, { method: 'POST' });
    expect(await (await fetch(`${url}/__sandbox/stats`)).json()).toEqual({ total: 0, calls: {} });
  });

  it('actions refuse unknown customers and bad tiers', async () => {
    expect((await action(url, 'set-loyalty-tier', { customerId: 'C-999999', tier: 'Gold' })).status).toBe(404);
    expect((await action(url, 'set-loyalty-tier', { customerId: 'C-000001', tier: 'Diamond' })).status).toBe(400);
    const ok = await action(url, 'set-loyalty-tier', { customerId: 'C-000001', tier: 'platinum' });
    expect(ok.status).toBe(200);
    const res = await call('GET', `${v}/sobjects/Account/Customer_Number__c/C-000001?fields=Loyalty_Tier__c`);
    expect(await res.json()).toMatchObject({ Loyalty_Tier__c: 'Platinum' });
  });
});
