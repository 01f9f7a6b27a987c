/**
 * The finance subgraph's ERP change reader and write validation, against the NetSuite
 * sandbox: keyset pages lose and repeat nothing at page boundaries or on equal
 * timestamps, payments are seen through the invoices they apply to, customers whose
 * record or receivable changed are read in one query per page, and an address is
 * checked without a call.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDataset } from '../../sandbox/dataset/generate.js';
import type { RetailDataset } from '../../sandbox/dataset/model.js';
import { createNetSuiteSandbox, type NetSuiteSandbox } from '../../sandbox/netsuite/index.js';
import { createNetSuiteClient } from '../../lib/clients/netsuite.js';
import { loadNetSuiteConfig } from '../../lib/config.js';
import { loadOrgMapping } from '../../lib/mapping.js';
import { DomainError } from '../../lib/errors.js';
import { createNetSuiteChangeReader } from '../../subgraphs/finance/src/netsuite-changes.js';
import { sameAddress, validateAddress, validateVersion } from '../../subgraphs/finance/src/writes.js';

let dataset: RetailDataset;
let sandbox: NetSuiteSandbox;
let erpUrl: string;

beforeAll(async () => {
  dataset = generateDataset({ seed: 7, customers: 120, asOf: new Date('2026-11-20T00:00:00Z') });
  sandbox = await createNetSuiteSandbox({ dataset });
  erpUrl = await sandbox.listen(0, '127.0.0.1');
});

afterAll(async () => {
  await sandbox?.close();
});

const erpClient = () => createNetSuiteClient(loadNetSuiteConfig({ NETSUITE_BASE_URL: `${erpUrl}/services/rest` }));

const reader = (pageSize: number) =>
  createNetSuiteChangeReader({
    netsuite: erpClient(),
    mapping: loadOrgMapping('config/org-mapping.json'),
    pageSize,
  });

async function statsTotal(): Promise<number> {
  return ((await (await fetch(`${erpUrl}/__sandbox/stats`)).json()) as { total: number }).total;
}

describe('invoiceChangesSince', () => {
  it('reads every changed invoice once across pages, also when many share one timestamp', async () => {
    const since = new Date(Date.now() - 1000);
    const open = dataset.netsuite.transactions.filter((t) => t.type === 'CustInvc' && t.status === 'A' && Number(t.foreignamountremaining) > 2).slice(0, 7);
    expect(open).toHaveLength(7);
    // Back to back: several payments land in the same second, which is all the ERP's timestamps resolve.
    for (const inv of open) {
      const res = await fetch(`${erpUrl}/__sandbox/actions/pay-invoice`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ invoiceId: inv.tranid, amount: '1.00' }),
      });
      expect(res.status).toBe(200);
    }
    const whole = await reader(1000).invoiceChangesSince(since);
    expect(whole.map((c) => c.number).sort()).toEqual(open.map((t) => t.tranid).sort());

    const before = await statsTotal();
    const paged = await reader(2).invoiceChangesSince(since);
    // 7 rows in pages of 2: four queries, no more.
    expect((await statsTotal()) - before).toBe(4);
    expect(paged.map((c) => c.number)).toEqual(whole.map((c) => c.number));
    const keys = paged.map((c) => `${c.modifiedAt}|${String(c.internalId).padStart(12, '0')}`);
    expect([...keys].sort()).toEqual(keys);
    expect(new Set(paged.map((c) => c.modifiedAt)).size).toBeLessThan(paged.length);
  });

  it('reports the invoice state after the change, and nothing for a window without changes', async () => {
    // Past the invoices the first test paid.
    const inv = dataset.netsuite.transactions.filter((t) => t.type === 'CustInvc' && t.status === 'A' && Number(t.foreignamountremaining) > 50).at(-1);
    if (!inv) throw new Error('no open invoice');
    await new Promise((r) => setTimeout(r, 1100));
    const since = new Date();
    expect(await reader(1000).invoiceChangesSince(new Date(since.getTime() + 60_000))).toEqual([]);
    await fetch(`${erpUrl}/__sandbox/actions/pay-invoice`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ invoiceId: inv.tranid, amount: '5.00' }),
    });
    const changes = await reader(1000).invoiceChangesSince(new Date(since.getTime() - 1000));
    const mine = changes.find((c) => c.number === inv.tranid);
    expect(mine?.amountDue.amount).toBe((Number(inv.foreignamountremaining) - 5).toFixed(2));
    expect(mine?.modifiedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
  });
});

describe('accountChangesSince', () => {
  it('reads each customer whose record or receivable changed once, across pages, and nobody else', async () => {
    const linked = dataset.netsuite.customers.filter((c) => c.externalid);
    const [held, limited, journaled] = [linked[3], linked[4], linked[5]];
    const inv = dataset.netsuite.transactions.filter((t) => t.type === 'CustInvc' && t.status === 'A' && Number(t.foreignamountremaining) > 50 && ![3, 4, 5].some((k) => linked[k]?.id === t.entity))[10];
    const payer = linked.find((c) => c.id === inv?.entity);
    if (!held?.externalid || !limited?.externalid || !journaled?.externalid || !inv || !payer?.externalid) throw new Error('dataset lacks the customers this test needs');
    // Whole seconds: every change of the tests above is in an earlier second than `since`.
    await new Promise((r) => setTimeout(r, 1100));
    const since = new Date();
    const action = async (name: string, body: unknown) => {
      const res = await fetch(`${erpUrl}/__sandbox/actions/${name}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect(res.status).toBe(200);
    };
    await action('set-credit-hold', { customerId: held.externalid, hold: true });
    await erpClient().updateRecord('customer', `eid:${limited.externalid}`, { creditLimit: 12345 });
    await action('pay-invoice', { invoiceId: inv.tranid, amount: '1.00' });
    // Named on a journal line only, not in the header.
    await action('post-journal', { customerId: journaled.externalid, amount: '3.00' });
    const expected = [held.externalid, limited.externalid, payer.externalid, journaled.externalid].sort();

    const whole = await reader(1000).accountChangesSince(since);
    expect(whole.map((c) => c.customerNumber).sort()).toEqual(expected);
    const before = await statsTotal();
    const paged = await reader(2).accountChangesSince(since);
    // 4 rows in pages of 2: two full pages, then an empty one.
    expect((await statsTotal()) - before).toBe(3);
    expect(paged).toEqual(whole);
    const keys = paged.map((c) => `${c.modifiedAt}|${c.customerNumber}`);
    expect([...keys].sort()).toEqual(keys);
    expect(await reader(1000).accountChangesSince(new Date(since.getTime() + 60_000))).toEqual([]);
  });
});

describe('billing address validation', () => {
  const ok = { line1: ' 1 Main St ', line2: '', city: 'Zürich', region: null, postalCode: '8001', country: 'ch' };

  it('normalizes a good address: trimmed, blank lines as null, country upper-cased', () => {
    expect(validateAddress(ok)).toEqual({ line1: '1 Main St', line2: null, city: 'Zürich', region: null, postalCode: '8001', country: 'CH' });
    expect(sameAddress(validateAddress(ok), { line1: '1 Main St', line2: null, city: 'Zürich', region: '', postalCode: '8001', country: 'CH' })).toBe(true);
  });

  it('takes a region as long as NetSuite\'s state field (50), as a ship-to address does', () => {
    const region = 'Provincia Autonoma di Bolzano/Alto Adige'.padEnd(50, '.');
    expect(validateAddress({ ...ok, region }).region).toBe(region);
  });

  it.each([
    [{ country: 'XX' }, 'address.country'],
    [{ country: 'Switzerland' }, 'address.country'],
    [{ line1: '' }, 'address.line1'],
    [{ city: '\t' }, 'address.city'],
    [{ postalCode: 'x'.repeat(37) }, 'address.postalCode'],
    [{ region: 'x'.repeat(51) }, 'address.region'],
    [{ line2: 'a\u0007b' }, 'address.line2'],
  ])('refuses %j as BAD_USER_INPUT on %s', (change, argumentName) => {
    let caught: unknown;
    try {
      validateAddress({ ...ok, ...change });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(DomainError);
    expect((caught as DomainError).code).toBe('BAD_USER_INPUT');
    expect((caught as DomainError).extensions.argumentName).toBe(argumentName);
  });

  it('accepts versions as CustomerFinancials.version gives them, and refuses anything else', () => {
    expect(validateVersion('2026-11-20T09:15:00Z')).toBe('2026-11-20T09:15:00Z');
    expect(validateVersion('2026-11-20T09:15:00.000Z')).toBe('2026-11-20T09:15:00Z');
    expect(validateVersion(undefined)).toBeUndefined();
    expect(() => validateVersion('last tuesday')).toThrow(DomainError);
  });
});
