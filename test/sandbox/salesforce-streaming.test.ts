/**
 * Change Data Capture over CometD, received through jsforce's streaming client
 * (faye, long-polling): events after UI actions and API writes, replay from a
 * stored replay id, and Salesforce's Bayeux errors.
 */
import jsforce from 'jsforce';
import { StreamingExtension } from 'jsforce/api/streaming';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDataset } from '../../sandbox/dataset/generate.js';
import type { RetailDataset } from '../../sandbox/dataset/model.js';
import { createSalesforceSandbox, type SalesforceSandbox } from '../../sandbox/salesforce/index.js';

interface ChangeEvent {
  schema: string;
  payload: {
    ChangeEventHeader: {
      entityName: string;
      recordIds: string[];
      changeType: string;
      changedFields: string[];
      changeOrigin: string;
      commitUser: string;
      transactionKey: string;
      sequenceNumber: number;
      commitTimestamp: number;
      commitNumber: number;
    };
    [field: string]: unknown;
  };
  event: { replayId: number };
}

/** The faye client jsforce returns, with the calls used here. */
interface StreamingClient {
  subscribe(channel: string, listener: (m: ChangeEvent) => void): PromiseLike<void> & { cancel(): void };
  disconnect(): void;
}

let dataset: RetailDataset;
let sf: SalesforceSandbox;
let url: string;
let conn: InstanceType<typeof jsforce.Connection>;
const clients: StreamingClient[] = [];

async function action(name: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${url}/__sandbox/actions/${name}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, unknown>;
}

/** Subscribes through jsforce with the Replay extension; resolves once the subscription is acknowledged. */
async function subscribe(channel: string, replayId: number): Promise<{ events: ChangeEvent[]; client: StreamingClient }> {
  const client = conn.streaming.createClient([new StreamingExtension.Replay(channel, replayId)]) as unknown as StreamingClient;
  clients.push(client);
  const events: ChangeEvent[] = [];
  await client.subscribe(channel, (m) => events.push(m));
  return { events, client };
}

async function until(cond: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function bayeux(messages: unknown, auth?: string): Promise<Record<string, unknown>[]> {
  const res = await fetch(`${url}/cometd/59.0`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}) },
    body: JSON.stringify(messages),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, unknown>[];
}

beforeAll(async () => {
  dataset = generateDataset({ seed: 21, customers: 200, asOf: new Date('2026-11-20T00:00:00Z') });
  sf = await createSalesforceSandbox({ dataset, streamingTimeoutMs: 2000 });
  url = await sf.listen(0);
  conn = new jsforce.Connection({ oauth2: { clientId: 'sandbox', clientSecret: 'sandbox', loginUrl: url }, version: '59.0' });
  await conn.login('admin@sandbox.example', 'sandbox');
});

afterAll(async () => {
  for (const c of clients) c.disconnect();
  await sf.close();
});

describe('Change Data Capture through jsforce streaming', () => {
  it('delivers an AccountChangeEvent after the set-loyalty-tier action', async () => {
    const { events } = await subscribe('/data/AccountChangeEvent', -1);
    const account = dataset.salesforce.accounts.find((a) => a.Customer_Number__c === 'C-000042');
    const tier = account?.Loyalty_Tier__c === 'Gold' ? 'PLATINUM' : 'GOLD';
    const result = await action('set-loyalty-tier', { customerId: 'C-000042', tier });
    await until(() => events.length >= 1, 'the change event');
    const [e] = events;
    const h = e?.payload.ChangeEventHeader;
    expect(h).toMatchObject({ entityName: 'Account', recordIds: [account?.Id], changeType: 'UPDATE', changeOrigin: '', sequenceNumber: 1 });
    expect(h?.changedFields).toEqual(['Loyalty_Tier__c', 'LastModifiedDate']);
    expect(h?.commitUser).toMatch(/^005\w{15}$/);
    expect(e?.payload.Loyalty_Tier__c).toBe(tier === 'GOLD' ? 'Gold' : 'Platinum');
    expect(e?.event.replayId).toBe(result.replayId);
    expect(e?.schema).toMatch(/^[\w-]{22}$/);
  });

  it('publishes API writes too, with the client in changeOrigin, on /data/ChangeEvents', async () => {
    const { events } = await subscribe('/data/ChangeEvents', -1);
    const contact = dataset.salesforce.contacts[0];
    const res = await fetch(`${url}/services/data/v59.0/sobjects/Contact/${contact?.Id}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${conn.accessToken}`, 'content-type': 'application/json', 'sforce-call-options': 'client=customer-subgraph' },
      body: JSON.stringify({ Title: 'Head Buyer', LastName: 'Renamed' }),
    });
    expect(res.status).toBe(204);
    await until(() => events.some((e) => e.payload.ChangeEventHeader.entityName === 'Contact'), 'the contact event');
    const e = events.find((x) => x.payload.ChangeEventHeader.entityName === 'Contact');
    expect(e?.payload.ChangeEventHeader.changeOrigin).toBe('com/salesforce/api/rest/59.0;client=customer-subgraph');
    expect(e?.payload.ChangeEventHeader.changedFields).toEqual(['Title', 'Name.LastName', 'LastModifiedDate']);
    expect(e?.payload.Name).toEqual({ Salutation: null, LastName: 'Renamed' });
  });

  it('a resubscribe from a stored replay id receives exactly the events it missed', async () => {
    const first = await subscribe('/data/AccountChangeEvent', -1);
    await action('set-loyalty-tier', { customerId: 'C-000010', tier: 'Silver' });
    await until(() => first.events.length >= 1, 'the first event');
    const stored = first.events.at(-1)?.event.replayId as number;
    first.client.disconnect();

    // Changes made while the subscriber is away.
    await action('set-loyalty-tier', { customerId: 'C-000011', tier: 'Gold' });
    await action('update-account', { customerId: 'C-000012', fields: { Preferred_Store__c: 'STORE-003' } });

    const resumed = await subscribe('/data/AccountChangeEvent', stored);
    await until(() => resumed.events.length >= 2, 'the missed events');
    await new Promise((r) => setTimeout(r, 200));
    expect(resumed.events.map((e) => e.event.replayId)).toEqual([stored + 1, stored + 2]);
    expect(resumed.events.map((e) => e.payload.ChangeEventHeader.changedFields[0])).toEqual(['Loyalty_Tier__c', 'Preferred_Store__c']);

    // -2 replays everything retained on the channel.
    const all = await subscribe('/data/AccountChangeEvent', -2);
    await until(() => all.events.at(-1)?.event.replayId === stored + 2, 'all retained events');
    const replayed = all.events.map((e) => e.event.replayId);
    expect(replayed[0]).toBe(1);
    expect(replayed).toEqual([...replayed].sort((a, b) => a - b));
    expect(replayed).toEqual(expect.arrayContaining([stored, stored + 1, stored + 2]));
    expect(all.events.every((e) => e.payload.ChangeEventHeader.entityName === 'Account')).toBe(true);
  });

  it('refuses an unknown replay id with the documented error', async () => {
    const client = conn.streaming.createClient([new StreamingExtension.Replay('/data/AccountChangeEvent', 999_999)]) as unknown as StreamingClient;
    clients.push(client);
    const outcome = await Promise.resolve(client.subscribe('/data/AccountChangeEvent', () => undefined)).then(
      () => 'subscribed',
      (e: { message?: string }) => e.message ?? String(e),
    );
    expect(outcome).toContain('The replayId {999999} you provided was invalid.');
  });
});

describe('Bayeux handshake and authentication', () => {
  const handshake = { channel: '/meta/handshake', version: '1.0', supportedConnectionTypes: ['long-polling'], id: '1' };

  it('advertises long-polling and replay', async () => {
    const [reply] = await bayeux([handshake], `OAuth ${conn.accessToken}`);
    expect(reply).toMatchObject({ channel: '/meta/handshake', successful: true, id: '1', supportedConnectionTypes: ['long-polling'], ext: { replay: true } });
    expect(typeof reply?.clientId).toBe('string');
  });

  it('denies a handshake without a token or with an invalid one', async () => {
    const [none] = await bayeux([handshake]);
    expect(none).toMatchObject({
      successful: false,
      error: '403::Handshake denied',
      ext: { sfdc: { failureReason: '401::Request requires authentication' } },
      advice: { reconnect: 'none' },
    });
    const [bad] = await bayeux([handshake], 'OAuth 00Dnope!AQbad');
    expect(bad).toMatchObject({ error: '403::Handshake denied', ext: { sfdc: { failureReason: '401::Authentication invalid' } } });
  });

  it('answers a connect with a revoked session with 401::Authentication invalid and reconnect none', async () => {
    const token = conn.accessToken as string;
    const [hs] = await bayeux([handshake], `OAuth ${token}`);
    const other = new jsforce.Connection({ oauth2: { clientId: 'sandbox', clientSecret: 'sandbox', loginUrl: url }, version: '59.0' });
    await other.login('admin@sandbox.example', 'sandbox');
    sf.sessions.expire(token);
    const [connect] = await bayeux([{ channel: '/meta/connect', clientId: hs?.clientId, connectionType: 'long-polling', id: '2' }], `OAuth ${token}`);
    expect(connect).toMatchObject({ channel: '/meta/connect', successful: false, error: '401::Authentication invalid', advice: { reconnect: 'none', interval: 0 } });
    conn = other;
  });
});
