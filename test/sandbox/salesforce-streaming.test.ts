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

describe('replay ids Salesforce no longer has, at the protocol level', () => {
  const handshake = { channel: '/meta/handshake', version: '1.0', supportedConnectionTypes: ['long-polling'], id: '1' };

  /** Handshakes, then subscribes to the Account channel from `replayId`; resolves to the /meta/subscribe reply. */
  async function subscribeReply(base: string, token: string, replayId: number): Promise<Record<string, unknown> | undefined> {
    const post = async (messages: unknown): Promise<Record<string, unknown>[]> => {
      const res = await fetch(`${base}/cometd/59.0`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `OAuth ${token}` }, body: JSON.stringify(messages) });
      expect(res.status).toBe(200);
      return (await res.json()) as Record<string, unknown>[];
    };
    const [hs] = await post([handshake]);
    const channel = '/data/AccountChangeEvent';
    const replies = await post([{ channel: '/meta/subscribe', clientId: hs?.clientId, subscription: channel, id: '2', ext: { replay: { [channel]: replayId } } }]);
    return replies.find((r) => r.channel === '/meta/subscribe');
  }

  it('refuses an unknown replay id in the /meta/subscribe reply, not in the handshake', async () => {
    const reply = await subscribeReply(url, conn.accessToken as string, 999_999);
    expect(reply).toMatchObject({
      channel: '/meta/subscribe',
      id: '2',
      successful: false,
      error: '400::The replayId {999999} you provided was invalid.  Please provide a valid ID, -2 to replay all events, or -1 to replay only new events.',
    });
  });

  it('refuses a replay id past the retention window even when no event has been published since', async () => {
    const short = await createSalesforceSandbox({ dataset, streamingTimeoutMs: 2000, cdcRetentionMs: 300 });
    try {
      const base = await short.listen(0);
      const other = new jsforce.Connection({ oauth2: { clientId: 'sandbox', clientSecret: 'sandbox', loginUrl: base }, version: '59.0' });
      await other.login('admin@sandbox.example', 'sandbox');
      await fetch(`${base}/__sandbox/actions/set-loyalty-tier`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ customerId: 'C-000042', tier: 'Gold' }) });
      await fetch(`${base}/__sandbox/actions/set-loyalty-tier`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ customerId: 'C-000043', tier: 'Gold' }) });
      // Within retention: resuming after the first event replays the second.
      expect(await subscribeReply(base, other.accessToken as string, 1)).toMatchObject({ successful: true });
      await new Promise((r) => setTimeout(r, 400));
      // Both events are past retention now; resuming after the first would silently skip the second.
      const reply = await subscribeReply(base, other.accessToken as string, 1);
      expect(reply).toMatchObject({ successful: false });
      expect(String(reply?.error)).toMatch(/^400::The replayId \{1\} you provided was invalid\./);
      // -1 is always accepted.
      expect(await subscribeReply(base, other.accessToken as string, -1)).toMatchObject({ successful: true });
    } finally {
      await short.close();
    }
  });

  it('expire-change-events makes every replay id handed out so far unavailable', async () => {
    await action('set-loyalty-tier', { customerId: 'C-000050', tier: 'Silver' });
    const latest = sf.changes.latestReplayId();
    expect(await subscribeReply(url, conn.accessToken as string, latest - 1)).toMatchObject({ successful: true });
    const expired = await action('expire-change-events', {});
    expect(expired).toMatchObject({ latestReplayId: latest });
    expect(expired.expired).toBeGreaterThan(0);
    expect(await subscribeReply(url, conn.accessToken as string, latest - 1)).toMatchObject({ successful: false });
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
