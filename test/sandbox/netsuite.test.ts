import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { generateDataset } from '../../sandbox/dataset/generate.js';
import type { RetailDataset } from '../../sandbox/dataset/model.js';
import { createNetSuiteSandbox, type NetSuiteSandbox } from '../../sandbox/netsuite/index.js';
import { NsClient, sqlString } from './netsuite-client.js';

let ds: RetailDataset;
let server: NetSuiteSandbox;
let base: string;
let ns: NsClient;

const admin = async (method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> => { // eslint-disable-line @typescript-eslint/no-explicit-any -- admin JSON
  const res = await fetch(`${base}${path}`, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
};
const setFaults = (f: Record<string, unknown>): Promise<unknown> => admin('PUT', '/__sandbox/faults', f);

beforeAll(async () => {
  ds = generateDataset({ seed: 7, customers: 200 });
  server = await createNetSuiteSandbox({ dataset: ds });
  base = await server.listen(0);
  ns = new NsClient(base);
});
afterAll(async () => {
  await server.close();
});

describe('token-based authentication', () => {
  it('accepts a correctly signed request', async () => {
    const r = await ns.suiteql('SELECT id FROM customer WHERE ROWNUM <= 1');
    expect(r.status).toBe(200);
  });
  it('refuses a bad signature with INVALID_LOGIN', async () => {
    const r = await ns.suiteql('SELECT id FROM customer', undefined, undefined, { tamper: true });
    expect(r.status).toBe(401);
    expect(r.body['o:errorDetails'][0]['o:errorCode']).toBe('INVALID_LOGIN');
    expect(r.body.title).toBe('Unauthorized');
  });
  it('refuses a signature over other query parameters than those sent', async () => {
    const url = `${base}/services/rest/query/v1/suiteql?limit=5`;
    const { authorization } = await import('./netsuite-client.js');
    const res = await fetch(`${url}0`, { method: 'POST', headers: { authorization: authorization('POST', url), prefer: 'transient', 'content-type': 'application/json' }, body: JSON.stringify({ q: 'SELECT id FROM customer' }) });
    expect(res.status).toBe(401);
  });
  it('refuses a stale timestamp', async () => {
    const r = await ns.request('GET', '/services/rest/record/v1/customer/eid:C-000001', undefined, { timestamp: Math.floor(Date.now() / 1000) - 600 });
    expect(r.status).toBe(401);
  });
  it('refuses a reused nonce', async () => {
    const first = await ns.request('GET', '/services/rest/record/v1/customer/eid:C-000001', undefined, { nonce: 'nonce-reuse-1' });
    expect(first.status).toBe(200);
    const again = await ns.request('GET', '/services/rest/record/v1/customer/eid:C-000001', undefined, { nonce: 'nonce-reuse-1' });
    expect(again.status).toBe(401);
  });
  it('refuses the wrong realm, token or a missing header', async () => {
    expect((await ns.request('GET', '/services/rest/record/v1/customer/eid:C-000001', undefined, { creds: { realm: '1234567' } })).status).toBe(401);
    expect((await ns.request('GET', '/services/rest/record/v1/customer/eid:C-000001', undefined, { creds: { tokenSecret: 'nope' } })).status).toBe(401);
    const res = await fetch(`${base}/services/rest/record/v1/customer/eid:C-000001`);
    expect(res.status).toBe(401);
  });
});

describe('SuiteQL', () => {
  it('requires Prefer: transient', async () => {
    const r = await ns.suiteql('SELECT id FROM customer', undefined, undefined, { headers: { prefer: 'respond-async' } });
    expect(r.status).toBe(400);
    expect(r.body['o:errorDetails'][0]['o:errorHeader']).toBe('Prefer');
  });

  it('pages over more than 1000 rows with hasMore, links and offset', async () => {
    const total = ds.netsuite.transactions.length;
    expect(total).toBeGreaterThan(1000);
    const p1 = await ns.suiteql('SELECT id, tranid FROM transaction ORDER BY id');
    expect(p1.status).toBe(200);
    expect(p1.body).toMatchObject({ count: 1000, hasMore: true, offset: 0, totalResults: total });
    const next = p1.body.links.find((l: { rel: string }) => l.rel === 'next');
    expect(next.href).toMatch(/\/services\/rest\/query\/v1\/suiteql\?limit=1000&offset=1000$/);
    const u = new URL(next.href);
    const p2 = await ns.suiteql('SELECT id, tranid FROM transaction ORDER BY id', 1000, Number(u.searchParams.get('offset')));
    expect(p2.body.offset).toBe(1000);
    expect(Number(p2.body.items[0].id)).toBeGreaterThan(Number(p1.body.items[999].id));
    const lastOffset = Math.floor((total - 1) / 1000) * 1000;
    const last = await ns.suiteql('SELECT id, tranid FROM transaction ORDER BY id', 1000, lastOffset);
    expect(last.body.hasMore).toBe(false);
    expect(last.body.links.some((l: { rel: string }) => l.rel === 'next')).toBe(false);
    expect(last.body.count).toBe(total - lastOffset);
  });

  it('refuses limit 1001 and an offset that is not a multiple of the limit', async () => {
    const a = await ns.suiteql('SELECT id FROM customer', 1001);
    expect(a.status).toBe(400);
    expect(a.body['o:errorDetails'][0]['o:errorQueryParam']).toBe('limit');
    const b = await ns.suiteql('SELECT id FROM customer', 10, 5);
    expect(b.status).toBe(400);
  });

  it('returns lowercase keys, string values, omitted NULLs, T/F and account-format dates', async () => {
    const c = ds.netsuite.customers.find((x) => x.externalid === 'C-000001');
    const r = await ns.suiteql(`SELECT id, externalid, companyname, isperson, creditlimit, datecreated, TO_CHAR(lastmodifieddate, 'YYYY-MM-DD"T"HH24:MI:SS') AS lm FROM customer WHERE externalid = 'C-000001'`);
    const item = r.body.items[0];
    expect(item.links).toEqual([]);
    expect(item.id).toBe(String(c?.id));
    expect(typeof item.creditlimit).toBe('string');
    expect(['T', 'F']).toContain(item.isperson);
    if (c?.companyname == null) expect('companyname' in item).toBe(false);
    expect(item.datecreated).toMatch(/^\d{1,2}\/\d{1,2}\/\d{4}$/);
    expect(item.lm).toBe(c?.lastmodifieddate.slice(0, 19));
  });

  it("finds O'Brien through a doubled quote, and an injection attempt stays a literal", async () => {
    const ob = await ns.suiteql(`SELECT id, lastname FROM customer WHERE lastname = ${sqlString("O'Brien")}`);
    expect(ob.status).toBe(200);
    expect(ob.body.items.length).toBeGreaterThan(0);
    expect(ob.body.items.every((i: { lastname: string }) => i.lastname === "O'Brien")).toBe(true);
    const inj = await ns.suiteql(`SELECT id FROM customer WHERE lastname = ${sqlString("x' OR 1=1 --")}`);
    expect(inj.status).toBe(200);
    expect(inj.body.totalResults).toBe(0);
    const like = await ns.suiteql(`SELECT id FROM customer WHERE lastname LIKE ${sqlString("' OR lastname LIKE '%")}`);
    expect(like.body.totalResults).toBe(0);
    const mu = await ns.suiteql(`SELECT id FROM customer WHERE externalid = 'C-000008' AND lastname LIKE 'M%ller'`);
    expect(mu.body.totalResults).toBe(1);
  });

  // Adapted from the SuiteQL examples in Oracle's NetSuite Help Center (SuiteQL syntax and examples,
  // SuiteQL supported functions, Using SuiteQL with the REST web services) to the sandbox's tables.
  const customerCount = (): number => ds.netsuite.customers.length;
  const soCount = (): number => ds.netsuite.transactions.filter((t) => t.type === 'SalesOrd').length;
  const corpus: { q: string; check: (b: any) => void }[] = [ // eslint-disable-line @typescript-eslint/no-explicit-any -- response JSON
    { q: 'SELECT id, entityid, email FROM customer', check: (b) => expect(b.totalResults).toBe(customerCount()) },
    { q: 'SELECT COUNT(*) AS total FROM customer', check: (b) => expect(b.items[0].total).toBe(String(customerCount())) },
    { q: "SELECT id, tranid FROM transaction WHERE type = 'SalesOrd'", check: (b) => expect(b.totalResults).toBe(soCount()) },
    { q: 'SELECT DISTINCT type FROM transaction ORDER BY type', check: (b) => expect(b.items.map((i: { type: string }) => i.type)).toEqual([...new Set(ds.netsuite.transactions.map((t) => t.type))].sort()) },
    { q: 'SELECT type, COUNT(*) AS cnt FROM transaction GROUP BY type HAVING COUNT(*) > 0 ORDER BY type', check: (b) => expect(b.items.find((i: { type: string }) => i.type === 'SalesOrd').cnt).toBe(String(soCount())) },
    { q: "SELECT entityid, email FROM customer WHERE email LIKE '%@%' AND ROWNUM <= 5", check: (b) => expect(b.count).toBe(5) },
    { q: "SELECT id, BUILTIN.DF(status) AS statuslabel FROM transaction WHERE type = 'CustInvc' AND status = 'A'", check: (b) => b.items.forEach((i: { statuslabel: string }) => expect(i.statuslabel).toBe('Invoice : Open')) },
    { q: "SELECT t.tranid, BUILTIN.DF(t.entity) AS customername FROM transaction t WHERE t.tranid = 'SO-100001'", check: (b) => expect(b.items[0].customername).toMatch(/^C-\d{6} /) },
    { q: "SELECT c.entityid, t.tranid FROM transaction t INNER JOIN customer c ON c.id = t.entity WHERE c.externalid = 'C-000002' AND t.type = 'SalesOrd'", check: (b) => expect(b.totalResults).toBe(0) },
    { q: "SELECT c.entityid, COUNT(t.id) AS orders FROM customer c LEFT OUTER JOIN transaction t ON t.entity = c.id AND t.type = 'SalesOrd' WHERE c.externalid IN ('C-000001', 'C-000002') GROUP BY c.entityid ORDER BY c.entityid", check: (b) => expect(b.items.map((i: { orders: string }) => i.orders)).toEqual(['1', '0']) },
    { q: "SELECT id FROM customer WHERE id IN (SELECT entity FROM transaction WHERE type = 'SalesOrd')", check: (b) => expect(b.totalResults).toBe(new Set(ds.netsuite.transactions.filter((t) => t.type === 'SalesOrd').map((t) => t.entity)).size) },
    { q: "SELECT c.id FROM customer c WHERE NOT EXISTS (SELECT 1 FROM transaction t WHERE t.entity = c.id AND t.type = 'SalesOrd') AND c.externalid = 'C-000002'", check: (b) => expect(b.totalResults).toBe(1) },
    { q: "SELECT NVL(companyname, lastname) AS name, UPPER(entityid) AS upperid FROM customer WHERE externalid = 'C-000007'", check: (b) => expect(b.items[0].name).toBeTruthy() },
    { q: "SELECT id, CASE WHEN foreigntotal > 100 THEN 'big' ELSE 'small' END AS size FROM transaction WHERE type = 'SalesOrd' AND ROWNUM <= 3", check: (b) => b.items.forEach((i: { size: string }) => expect(['big', 'small']).toContain(i.size)) },
    { q: "SELECT SUM(foreigntotal) AS total FROM transaction WHERE type = 'SalesOrd'", check: (b) => expect(Number(b.items[0].total)).toBeCloseTo(ds.netsuite.transactions.filter((t) => t.type === 'SalesOrd').reduce((s, t) => s + Number(t.foreigntotal), 0), 2) },
    { q: "SELECT tl.item, tl.quantity, tl.rate FROM transactionline tl INNER JOIN transaction t ON t.id = tl.transaction WHERE t.tranid = 'SO-100001' AND tl.mainline = 'F'", check: (b) => b.items.forEach((i: { quantity: string }) => expect(Number(i.quantity)).toBeLessThan(0)) },
    { q: "SELECT id FROM transaction WHERE trandate BETWEEN TO_DATE('2020-01-01', 'YYYY-MM-DD') AND TO_DATE('2099-12-31', 'YYYY-MM-DD')", check: (b) => expect(b.totalResults).toBe(ds.netsuite.transactions.length) },
    { q: "SELECT TO_CHAR(trandate, 'YYYY-MM') AS month, COUNT(*) AS n FROM transaction WHERE type = 'SalesOrd' GROUP BY TO_CHAR(trandate, 'YYYY-MM') ORDER BY month", check: (b) => expect(b.items[0].month).toMatch(/^\d{4}-\d{2}$/) },
    { q: 'SELECT id FROM transaction WHERE lastmodifieddate > SYSDATE - 36500', check: (b) => expect(b.totalResults).toBe(ds.netsuite.transactions.length) },
    { q: 'SELECT id, tranid FROM transaction ORDER BY id DESC FETCH FIRST 3 ROWS ONLY', check: (b) => expect(b.count).toBe(3) },
    { q: 'SELECT * FROM (SELECT id, tranid FROM transaction ORDER BY id DESC) WHERE ROWNUM <= 2', check: (b) => expect(Number(b.items[0].id)).toBe(Math.max(...ds.netsuite.transactions.map((t) => t.id))) },
    { q: "SELECT c.entityid, ea.addr1, ea.city, ea.zip FROM customer c LEFT JOIN entityaddress ea ON ea.nkey = c.defaultbillingaddress WHERE c.externalid = 'C-000001'", check: (b) => expect(b.items[0].addr1).toBeTruthy() },
    { q: "SELECT ptl.previousdoc, ptl.nextdoc, ptl.foreignamount FROM previoustransactionlink ptl WHERE ptl.linktype = 'Payment'", check: (b) => expect(b.totalResults).toBe(ds.netsuite.links.filter((l) => l.linktype === 'Payment').length) },
    { q: "SELECT name, daysuntilnetdue FROM term ORDER BY daysuntilnetdue", check: (b) => expect(b.totalResults).toBe(ds.netsuite.terms.length) },
    { q: "SELECT entityid || ' / ' || email AS label FROM customer WHERE externalid = 'C-000001'", check: (b) => expect(b.items[0].label).toContain(' / ') },
  ];
  for (const { q, check } of corpus) {
    it(`answers: ${q}`, async () => {
      const r = await ns.suiteql(q);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      check(r.body);
    });
  }

  const refused = [
    'SELECT id FROM customer LIMIT 10',
    'DELETE FROM customer',
    "UPDATE customer SET email = 'x'",
    'SELECT id FROM customer; DROP TABLE customer',
    'PRAGMA table_info(customer)',
    'SELECT name FROM sqlite_master',
    'SELECT nosuchcolumn FROM customer',
    'SELECT id FROM nosuchtable',
    'SELECT id FROM customer WHERE "email" IS NULL',
    'SELECT randomblob(10) FROM customer',
    'WITH x AS (SELECT id FROM customer) SELECT * FROM x',
  ];
  for (const q of refused) {
    it(`refuses: ${q}`, async () => {
      const r = await ns.suiteql(q);
      expect(r.status).toBe(400);
      expect(r.body['o:errorDetails'][0]['o:errorCode']).toBe('INVALID_PARAMETER');
      expect(r.body['o:errorDetails'][0].detail).toMatch(/^Invalid search query\. Detailed unprocessed description follows\. Search error occurred: /);
    });
  }
  it('sorts NULLs as Oracle does: last ascending, first descending', async () => {
    const asc = await ns.suiteql('SELECT id, companyname FROM customer ORDER BY companyname');
    expect('companyname' in asc.body.items[0]).toBe(true);
    const desc = await ns.suiteql('SELECT id, companyname FROM customer ORDER BY companyname DESC');
    expect('companyname' in desc.body.items[0]).toBe(false);
  });

  it('names the unknown identifier', async () => {
    const r = await ns.suiteql('SELECT balance FROM customer');
    expect(r.body['o:errorDetails'][0].detail).toContain("Unknown identifier 'balance'");
  });
});

describe('record API', () => {
  it('GETs a customer by internal id and by eid:', async () => {
    const c = ds.netsuite.customers.find((x) => x.externalid === 'C-000001');
    const byEid = await ns.request('GET', '/services/rest/record/v1/customer/eid:C-000001');
    expect(byEid.status).toBe(200);
    expect(byEid.body.id).toBe(String(c?.id));
    expect(byEid.body.externalId).toBe('C-000001');
    expect(byEid.body.addressBook.links[0].href).toMatch(/\/customer\/\d+\/addressBook$/);
    const byId = await ns.request('GET', `/services/rest/record/v1/customer/${c?.id}?expandSubResources=true`);
    expect(byId.body.addressBook.items.length).toBeGreaterThan(0);
    const missing = await ns.request('GET', '/services/rest/record/v1/customer/999999');
    expect(missing.status).toBe(404);
    expect(missing.body['o:errorDetails'][0]['o:errorCode']).toBe('NONEXISTENT_ID');
  });

  it('POST creates with 204 and Location, and a duplicate externalId is refused', async () => {
    const r = await ns.request('POST', '/services/rest/record/v1/customer', { externalId: 'C-900001', companyName: 'Acme Test', isPerson: false, email: 'a@example.com' });
    expect(r.status).toBe(204);
    const loc = r.headers.get('location') ?? '';
    expect(loc).toMatch(/\/services\/rest\/record\/v1\/customer\/\d+$/);
    const got = await ns.request('GET', new URL(loc).pathname);
    expect(got.body.companyName).toBe('Acme Test');
    const dup = await ns.request('POST', '/services/rest/record/v1/customer', { externalId: 'C-900001', companyName: 'Again' });
    expect(dup.status).toBe(400);
    expect(dup.body['o:errorDetails'][0]['o:errorCode']).toBe('DUP_RCRD');
  });

  it("clears a customer's externalId on PATCH null, and a SuiteQL IS NULL then finds the customer by its lower-cased e-mail", async () => {
    const r = await ns.request('POST', '/services/rest/record/v1/customer', { externalId: 'C-900002', companyName: 'Unlinked Test', email: 'Unlinked@Example.com' });
    const id = /(\d+)$/.exec(r.headers.get('location') ?? '')?.[1];
    expect((await ns.request('PATCH', `/services/rest/record/v1/customer/${id}`, { externalId: null })).status).toBe(204);
    const got = await ns.request('GET', `/services/rest/record/v1/customer/${id}`);
    expect(got.body.externalId).toBeUndefined();
    expect((await ns.request('GET', '/services/rest/record/v1/customer/eid:C-900002')).status).toBe(404);
    const q = await ns.suiteql("SELECT c.id AS id FROM customer c WHERE c.externalid IS NULL AND LOWER(c.email) IN ('unlinked@example.com')");
    expect(q.body.items.map((row: { id: string }) => row.id)).toEqual([id]);
  });

  it("runs Oracle's REGEXP_REPLACE: every match replaced, no replacement removing it, an empty result NULL, a bad pattern refused", async () => {
    const r = await ns.request('POST', '/services/rest/record/v1/customer', { externalId: 'C-900003', companyName: 'Phone Test', phone: '(303) 555-0199 ' });
    const id = /(\d+)$/.exec(r.headers.get('location') ?? '')?.[1];
    const q = await ns.suiteql(
      `SELECT REGEXP_REPLACE(c.phone, '[^0-9]', '') AS digits, REGEXP_REPLACE(c.phone, '[0-9]', '#') AS masked, REGEXP_REPLACE(c.companyname, '.') AS gone
FROM customer c WHERE REGEXP_REPLACE(c.phone, '[^0-9]', '') IN ('3035550199') AND c.id = ${id}`,
    );
    expect(q.body.items).toEqual([expect.objectContaining({ digits: '3035550199', masked: '(###) ###-#### ' })]);
    expect(q.body.items[0].gone ?? null).toBeNull();
    const bad = await ns.suiteql("SELECT REGEXP_REPLACE(c.phone, '[0-9', '') AS x FROM customer c");
    expect(bad.status).toBe(400);
  });

  it('creates a sales order, validates items and credit hold, and closing lines cancels it', async () => {
    const c = ds.netsuite.customers.find((x) => x.externalid === 'C-000002');
    const item = ds.netsuite.items.find((i) => i.isinactive === 'F');
    const so = { entity: { id: String(c?.id) }, externalId: 'WEB-ORDER-1', item: { items: [{ item: { id: String(item?.id) }, quantity: 2 }] } };
    const r = await ns.request('POST', '/services/rest/record/v1/salesOrder', so);
    expect(r.status).toBe(204);
    const dup = await ns.request('POST', '/services/rest/record/v1/salesOrder', so);
    expect(dup.status).toBe(400);
    const got = await ns.request('GET', '/services/rest/record/v1/salesOrder/eid:WEB-ORDER-1?expandSubResources=true');
    expect(got.body.orderStatus.id).toBe('B');
    expect(got.body.total).toBeCloseTo(Number(item?.baseprice) * 2, 2);
    const bad = await ns.request('POST', '/services/rest/record/v1/salesOrder', { entity: { id: String(c?.id) }, item: { items: [{ item: { id: '987654' }, quantity: 1 }] } });
    expect(bad.status).toBe(400);
    expect(bad.body['o:errorDetails'][0]['o:errorPath']).toBe('item.items[0].item');
    await admin('POST', '/__sandbox/actions/set-credit-hold', { customerId: 'C-000002', hold: true });
    const held = await ns.request('POST', '/services/rest/record/v1/salesOrder', { entity: { id: String(c?.id) }, item: { items: [{ item: { id: String(item?.id) }, quantity: 1 }] } });
    expect(held.status).toBe(400);
    await admin('POST', '/__sandbox/actions/set-credit-hold', { customerId: 'C-000002', hold: false });
    const close = await ns.request('PATCH', `/services/rest/record/v1/salesOrder/${got.body.id}`, { item: { items: [{ line: 1, isClosed: true }] } });
    expect(close.status).toBe(204);
    const after = await ns.request('GET', `/services/rest/record/v1/salesOrder/${got.body.id}`);
    expect(after.body.orderStatus.id).toBe('H');
  });

  it('transforms a fulfilled sales order into a return authorization, within the shipped quantity', async () => {
    const so = ds.netsuite.transactions.find((t) => t.type === 'SalesOrd' && ['F', 'G'].includes(t.status) && !ds.netsuite.transactions.some((r) => r.type === 'RtnAuth' && r.createdfrom === t.id));
    expect(so).toBeDefined();
    const line = ds.netsuite.lines.find((l) => l.transaction === so?.id && l.quantityshiprecv > 0);
    const over = await ns.request('POST', `/services/rest/record/v1/salesOrder/${so?.id}/!transform/returnAuthorization`, { item: { items: [{ orderLine: line?.linesequencenumber, quantity: (line?.quantityshiprecv ?? 0) + 1 }] } });
    expect(over.status).toBe(400);
    const r = await ns.request('POST', `/services/rest/record/v1/salesOrder/${so?.id}/!transform/returnAuthorization`, { custbody_return_reason: 'Damaged', item: { items: [{ orderLine: line?.linesequencenumber, quantity: 1 }] } });
    expect(r.status).toBe(204);
    const rma = await ns.request('GET', new URL(r.headers.get('location') ?? '').pathname);
    expect(rma.body.createdFrom.id).toBe(String(so?.id));
    expect(rma.body.custbody_return_reason).toBe('Damaged');
  });

  it('updates the billing address through the addressBook sublist', async () => {
    const r = await ns.request('PATCH', '/services/rest/record/v1/customer/eid:C-000001', {
      addressBook: { items: [{ defaultBilling: true, label: 'New billing', addressBookAddress: { addr1: '1 New Street', city: 'Boston', state: 'MA', zip: '02110', country: 'US' } }] },
    });
    expect(r.status).toBe(204);
    const q = await ns.suiteql("SELECT ea.addr1 FROM customer c JOIN entityaddress ea ON ea.nkey = c.defaultbillingaddress WHERE c.externalid = 'C-000001'");
    expect(q.body.items[0].addr1).toBe('1 New Street');
  });
});

describe('actions', () => {
  it('ship-order changes the status, visible in SuiteQL with a newer lastmodifieddate', async () => {
    const so = ds.netsuite.transactions.find((t) => t.type === 'SalesOrd' && t.status === 'B');
    expect(so).toBeDefined();
    const q = `SELECT status, TO_CHAR(lastmodifieddate, 'YYYY-MM-DD HH24:MI:SS') AS lm FROM transaction WHERE tranid = '${so?.tranid}'`;
    const before = await ns.suiteql(q);
    const r = await admin('POST', '/__sandbox/actions/ship-order', { orderId: so?.tranid });
    expect(r.status).toBe(200);
    const after = await ns.suiteql(q);
    expect(after.body.items[0].status).not.toBe(before.body.items[0].status);
    expect(after.body.items[0].lm > before.body.items[0].lm).toBe(true);
    const ship = await ns.suiteql(`SELECT t.tranid FROM transaction t WHERE t.type = 'ItemShip' AND t.createdfrom = ${so?.id}`);
    expect(ship.body.totalResults).toBeGreaterThan(0);
    expect((await admin('POST', '/__sandbox/actions/ship-order', { orderId: so?.tranid })).status).toBe(400);
    expect((await admin('POST', '/__sandbox/actions/ship-order', { orderId: 'SO-999999' })).status).toBe(404);
  });

  it('pay-invoice reduces the amount remaining and links the payment', async () => {
    const inv = ds.netsuite.transactions.find((t) => t.type === 'CustInvc' && Number(t.foreignamountremaining) > 60);
    expect(inv).toBeDefined();
    const r = await admin('POST', '/__sandbox/actions/pay-invoice', { invoiceId: inv?.tranid, amount: '50.00' });
    expect(r.status).toBe(200);
    const q = await ns.suiteql(`SELECT foreignamountunpaid FROM transaction WHERE tranid = '${inv?.tranid}'`);
    expect(Number(q.body.items[0].foreignamountunpaid)).toBeCloseTo(Number(inv?.foreignamountremaining) - 50, 2);
    const link = await ns.suiteql(`SELECT nextdoc FROM previoustransactionlink WHERE previousdoc = ${inv?.id} AND linktype = 'Payment'`);
    expect(link.body.items.map((i: { nextdoc: string }) => i.nextdoc)).toContain(r.body.payment.id);
    expect((await admin('POST', '/__sandbox/actions/pay-invoice', { invoiceId: inv?.tranid, amount: '99999999.00' })).status).toBe(400);
    expect((await admin('POST', '/__sandbox/actions/pay-invoice', { invoiceId: inv?.tranid, amount: 'ten' })).status).toBe(400);
  });
});

describe('concurrency, faults and stats', () => {
  it('answers the sixth concurrent request with the concurrency error', async () => {
    await setFaults({ latencyMs: 600 });
    const results = await Promise.all(Array.from({ length: 6 }, () => ns.suiteql('SELECT id FROM customer WHERE ROWNUM <= 1')));
    await setFaults({});
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    const refused = results.find((r) => r.status === 429);
    expect(refused?.body['o:errorDetails'][0]['o:errorCode']).toBe('CONCURRENCY_LIMIT_EXCEEDED');
  });

  it('the maxConcurrent fault overrides the account limit', async () => {
    await setFaults({ latencyMs: 500, maxConcurrent: 2 });
    const results = await Promise.all(Array.from({ length: 3 }, () => ns.request('GET', '/services/rest/record/v1/customer/eid:C-000001')));
    await setFaults({});
    expect(results.map((r) => r.status).sort()).toEqual([200, 200, 429]);
  });

  it('down gives 503, rate limit gives 429, {} restores', async () => {
    await setFaults({ down: true });
    const down = await ns.suiteql('SELECT id FROM customer');
    expect(down.status).toBe(503);
    expect(down.body.status).toBe(503);
    await setFaults({ rateLimitPerMinute: 2 });
    const codes = [];
    for (let i = 0; i < 3; i++) codes.push((await ns.request('GET', '/services/rest/record/v1/customer/eid:C-000001')).status);
    expect(codes).toEqual([200, 200, 429]);
    await setFaults({});
    expect((await ns.request('GET', '/services/rest/record/v1/customer/eid:C-000001')).status).toBe(200);
  });

  it('the same seed gives the same sequence of errors', async () => {
    const run = async (): Promise<number[]> => {
      await setFaults({ errorRate: 0.5, seed: 11 });
      const out: number[] = [];
      for (let i = 0; i < 12; i++) out.push((await ns.request('GET', '/services/rest/record/v1/customer/eid:C-000001')).status);
      return out;
    };
    const a = await run();
    const b = await run();
    await setFaults({});
    expect(a).toEqual(b);
    expect(a).toContain(500);
    expect(a).toContain(200);
  });

  it('a dropped response after commit leaves the record created', async () => {
    await setFaults({ dropResponseAfterCommitRate: 1 });
    await expect(ns.request('POST', '/services/rest/record/v1/customer', { externalId: 'C-900002', companyName: 'Dropped Ltd' })).rejects.toThrow();
    await setFaults({});
    const got = await ns.request('GET', '/services/rest/record/v1/customer/eid:C-900002');
    expect(got.status).toBe(200);
    expect(got.body.companyName).toBe('Dropped Ltd');
  });

  it('injected latency is visible', async () => {
    await setFaults({ latencyMs: 300 });
    const t0 = Date.now();
    await ns.request('GET', '/services/rest/record/v1/customer/eid:C-000001');
    const elapsed = Date.now() - t0;
    await setFaults({});
    expect(elapsed).toBeGreaterThanOrEqual(250);
  });

  it('counts per route template and correlation id, and resets', async () => {
    await admin('POST', '/__sandbox/stats/reset');
    const headers = { 'x-correlation-id': 'corr-ns-1' };
    await ns.request('GET', '/services/rest/record/v1/customer/eid:C-000001', undefined, { headers });
    await ns.request('GET', '/services/rest/record/v1/customer/eid:C-000003', undefined, { headers });
    await ns.suiteql('SELECT id FROM customer WHERE ROWNUM <= 1');
    const mine = await admin('GET', '/__sandbox/stats?correlationId=corr-ns-1');
    expect(mine.body).toEqual({ total: 2, calls: { 'GET /services/rest/record/v1/customer/:id': 2 } });
    const all = await admin('GET', '/__sandbox/stats');
    expect(all.body.calls['POST /services/rest/query/v1/suiteql']).toBe(1);
    await admin('POST', '/__sandbox/stats/reset');
    expect((await admin('GET', '/__sandbox/stats')).body.total).toBe(0);
  });
});
