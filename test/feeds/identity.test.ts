/**
 * The identity a feed's state is tied to: read through each system's own API
 * (SuiteQL on NetSuite, users/me on Zendesk), the same for the life of one
 * instance, different for a new one (the sandbox is a new account at every
 * start); and the store that discards state recorded under another identity.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDataset } from '../../sandbox/dataset/generate.js';
import { createNetSuiteSandbox } from '../../sandbox/netsuite/index.js';
import { createZendeskSandbox } from '../../sandbox/zendesk/index.js';
import { createSalesforceSandbox } from '../../sandbox/salesforce/index.js';
import { createSalesforceClient } from '../../lib/clients/salesforce.js';
import { createNetSuiteClient } from '../../lib/clients/netsuite.js';
import { createZendeskClient } from '../../lib/clients/zendesk.js';
import { loadNetSuiteConfig, loadSalesforceConfig, loadZendeskConfig } from '../../lib/config.js';
import { netsuiteIdentity, salesforceIdentity, zendeskIdentity } from '../../lib/feeds/identity.js';
import { fileStateStore, identityBoundStore } from '../../lib/feeds/state.js';

const dataset = generateDataset({ seed: 5, customers: 20, asOf: new Date('2026-11-20T00:00:00Z') });
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rsg-feed-identity-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function identities(kind: 'netsuite' | 'zendesk'): Promise<{ first: string; again: string; calls: number }> {
  const sandbox = kind === 'netsuite' ? await createNetSuiteSandbox({ dataset }) : await createZendeskSandbox({ dataset });
  try {
    const url = await sandbox.listen(0);
    const read =
      kind === 'netsuite'
        ? () => netsuiteIdentity(createNetSuiteClient(loadNetSuiteConfig({ NETSUITE_BASE_URL: `${url}/services/rest` }), { policy: { retries: 0 } }))
        : () => zendeskIdentity(createZendeskClient(loadZendeskConfig({ ZENDESK_BASE_URL: `${url}/api/v2` }), { policy: { retries: 0 } }));
    const first = await read();
    const again = await read();
    const stats = (await (await fetch(`${url}/__sandbox/stats`)).json()) as { total: number };
    return { first, again, calls: stats.total };
  } finally {
    await sandbox.close();
  }
}

describe('system identities', () => {
  it('NetSuite: account id and company information, one SuiteQL call, stable per instance and new per instance', async () => {
    const a = await identities('netsuite');
    const b = await identities('netsuite');
    expect(a.first).toMatch(/^netsuite:\S+:\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
    expect(a.again).toBe(a.first);
    expect(a.calls).toBe(2);
    expect(b.first).not.toBe(a.first);
  });

  it('Zendesk: the API user of the account, one call, stable per instance and new per instance', async () => {
    const a = await identities('zendesk');
    const b = await identities('zendesk');
    expect(a.first).toMatch(/^zendesk:127\.0\.0\.1:\d+:\d+:/);
    expect(a.again).toBe(a.first);
    expect(a.calls).toBe(2);
    expect(b.first).not.toBe(a.first);
  });
});

async function salesforceIdentities(): Promise<{ first: string; again: string; apiCalls: number }> {
  const sandbox = await createSalesforceSandbox({ dataset });
  const client = createSalesforceClient(loadSalesforceConfig({ SALESFORCE_LOGIN_URL: await sandbox.listen(0) }), { policy: { retries: 0 } });
  try {
    const first = await salesforceIdentity(client);
    const again = await salesforceIdentity(client);
    const stats = (await (await fetch(`${sandbox.url()}/__sandbox/stats`)).json()) as { calls: Record<string, number> };
    // Only the login: the org id comes from the identity URL the token response carries.
    const apiCalls = Object.entries(stats.calls)
      .filter(([route]) => !route.includes('/oauth2/token'))
      .reduce((n, [, c]) => n + c, 0);
    return { first, again, apiCalls };
  } finally {
    await client.close();
    await sandbox.close();
  }
}

describe('Salesforce identity', () => {
  it('is the org id from the login, with no API call, stable per instance and new per instance (a refreshed org)', async () => {
    const a = await salesforceIdentities();
    const b = await salesforceIdentities();
    expect(a.first).toMatch(/^salesforce:00D[A-Za-z0-9]{15}$/);
    expect(a.again).toBe(a.first);
    expect(a.apiCalls).toBe(0);
    expect(b.first).not.toBe(a.first);
  });
});

describe('identityBoundStore', () => {
  it('keeps state of the same system, discards and resets state of another, adopts state recorded before identities', async () => {
    const inner = fileStateStore(dir, 'bound');
    await inner.save({ watermark: '2026-11-20T10:00:00.000Z', known: { 'SO-1': 'BOOKED' } });
    let calls = 0;
    const storeFor = (id: string) => identityBoundStore(inner, { feed: 'bound', identity: async () => (calls++, id) });

    const a = storeFor('erp:A');
    // Legacy state (no identity) is adopted, and stamped at the next save.
    expect(await a.load()).toEqual({ identity: 'erp:A', watermark: '2026-11-20T10:00:00.000Z', known: { 'SO-1': 'BOOKED' } });
    await a.save({ watermark: '2026-11-20T11:00:00.000Z', known: { 'SO-1': 'SHIPPED' } });
    expect(JSON.parse(await readFile(join(dir, 'bound.json'), 'utf8'))).toMatchObject({ identity: 'erp:A', known: { 'SO-1': 'SHIPPED' } });
    expect(await a.load()).toMatchObject({ identity: 'erp:A', known: { 'SO-1': 'SHIPPED' } });
    expect(calls).toBe(1);

    // Another system: nothing of A's state survives, and what B records is not discarded again.
    const b = storeFor('erp:B');
    expect(await b.load()).toEqual({ identity: 'erp:B', known: {} });
    await b.save({ watermark: '2026-11-21T09:00:00.000Z', known: { 'SO-1': 'BOOKED' } });
    expect(await b.load()).toEqual({ identity: 'erp:B', watermark: '2026-11-21T09:00:00.000Z', known: { 'SO-1': 'BOOKED' } });
  });

  it('fails the load while the identity cannot be read, and asks again next time', async () => {
    let up = false;
    const store = identityBoundStore(fileStateStore(dir, 'down'), {
      feed: 'down',
      identity: async () => {
        if (!up) throw new Error('ERP unreachable');
        return 'erp:A';
      },
    });
    await expect(store.load()).rejects.toThrow('ERP unreachable');
    up = true;
    expect(await store.load()).toEqual({ identity: 'erp:A', known: {} });
  });
});
