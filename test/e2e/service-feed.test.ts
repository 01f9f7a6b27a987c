/**
 * caseUpdated through the gateway with a real graphql-ws client: changes made
 * inside Zendesk (sandbox actions) reach subscribers through the Zendesk webhook
 * the service subgraph registered at boot, exactly once per change, with a field
 * from the ERP; a forged delivery changes nothing; filters and the storefront
 * rule hold; a change made through the graph is announced once although the
 * webhook reports it too.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { hasCustomerNumber } from '../../sandbox/dataset/model.js';
import { startStack, type Stack, type StackCache } from '../support/stack.js';

let stack: Stack & StackCache;
const clients: Client[] = [];

const ZD_AUTH = `Basic ${Buffer.from('agent@sandbox.example/token:sandbox').toString('base64')}`;

const SUBSCRIPTION = /* GraphQL */ `
  subscription Cases($customerId: ID, $caseId: ID) {
    caseUpdated(customerId: $customerId, caseId: $caseId) {
      eventId
      status
      previousStatus
      changedAt
      case { id status customer { id } order { id status } comments { body public } }
    }
  }
`;

interface CaseUpdateMsg {
  eventId: string;
  status: string;
  previousStatus: string | null;
  changedAt: string;
  case: { id: string; status: string; customer: { id: string }; order: { id: string; status: string } | null; comments: Array<{ body: string; public: boolean }> };
}

interface Subscription {
  events: CaseUpdateMsg[];
  errors: unknown[];
}

function subscribe(variables: Record<string, unknown>, token = stack.tokens.agent): Subscription {
  const client = createClient({ url: stack.wsUrl, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${token}` }, retryAttempts: 0, lazy: true });
  clients.push(client);
  const sub: Subscription = { events: [], errors: [] };
  client.subscribe<{ caseUpdated: CaseUpdateMsg }>(
    { query: SUBSCRIPTION, variables },
    {
      next: (m) => {
        if (m.errors) sub.errors.push(...m.errors);
        if (m.data?.caseUpdated) sub.events.push(m.data.caseUpdated);
      },
      error: (e) => sub.errors.push(e),
      complete: () => undefined,
    },
  );
  return sub;
}

async function waitFor(cond: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
const settle = (ms = 1500): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function action(name: string, body: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${stack.sandboxUrls.zendesk}/__sandbox/actions/${name}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.status).toBeLessThan(300);
}

async function zendesk<T>(path: string): Promise<T> {
  const res = await fetch(`${stack.sandboxUrls.zendesk}/api/v2/${path}`, { headers: { authorization: ZD_AUTH } });
  expect(res.status).toBe(200);
  return (await res.json()) as T;
}

const webhookUrl = (): string => stack.subgraphUrls.service.replace(/\/graphql$/, '/webhooks/zendesk');

/** Customers other than the storefront's, each with an order and a Zendesk end user. */
function customersWithOrders(n: number): Array<{ customerId: string; orderId: string }> {
  const ns = stack.dataset.netsuite;
  const out: Array<{ customerId: string; orderId: string }> = [];
  for (const c of ns.customers.filter(hasCustomerNumber)) {
    if (c.externalid === stack.tokens.storefront.customerId) continue;
    const user = stack.dataset.zendesk.users.find((u) => u.external_id === c.externalid && u.role === 'end-user');
    const order = ns.transactions.find((t) => t.type === 'SalesOrd' && t.entity === c.id);
    if (user && order) out.push({ customerId: c.externalid, orderId: order.tranid });
    if (out.length === n) return out;
  }
  throw new Error('not enough customers with orders');
}

async function openCase(customerId: string, orderId: string): Promise<string> {
  const res = await stack.query<{ openCase: { supportCase: { id: string } | null } }>(
    `mutation($input: OpenCaseInput!, $key: String!) { openCase(input: $input, idempotencyKey: $key) { status supportCase { id } } }`,
    { input: { customerId, orderId, subject: `Feed fixture ${randomUUID().slice(0, 8)}`, description: 'Where is my parcel?' }, key: randomUUID() },
  );
  expect(res.body.errors).toBeUndefined();
  const id = res.body.data?.openCase.supportCase?.id;
  if (!id) throw new Error('no case opened');
  return id;
}

async function orderStatus(orderId: string): Promise<string> {
  const res = await stack.query<{ order: { status: string } }>(`query($id: ID!) { order(id: $id) { status } }`, { id: orderId });
  return res.body.data?.order.status ?? '';
}

let webhook: { id: string; secret: string };
let fixtures: Array<{ customerId: string; orderId: string }>;

beforeAll(async () => {
  stack = await startStack({ customers: 120 });
  fixtures = customersWithOrders(3);
  // The subgraph registers its webhook at boot, in the background.
  let found: { id: string; endpoint: string } | undefined;
  for (let i = 0; i < 100 && !found; i++) {
    const list = await zendesk<{ webhooks: Array<{ id: string; name: string; endpoint: string }> }>('webhooks?page[size]=100');
    found = list.webhooks.find((w) => w.name === `rsg-service-${stack.cacheNamespace}`);
    if (!found) await settle(100);
  }
  if (!found) throw new Error('the service subgraph did not register its webhook');
  const secret = await zendesk<{ signing_secret: { secret: string } }>(`webhooks/${found.id}/signing_secret`);
  webhook = { id: found.id, secret: secret.signing_secret.secret };
}, 60_000);

afterAll(async () => {
  for (const c of clients) await c.dispose();
  await stack?.close();
});

describe('webhook registration', () => {
  it('registers one webhook, by name, at the subgraph, for ticket events', async () => {
    const list = await zendesk<{ webhooks: Array<{ id: string; name: string; endpoint: string; subscriptions: string[] }> }>('webhooks?page[size]=100');
    const ours = list.webhooks.filter((w) => w.name === `rsg-service-${stack.cacheNamespace}`);
    expect(ours).toHaveLength(1);
    expect(ours[0]?.endpoint).toBe(webhookUrl());
    expect(ours[0]?.subscriptions).toEqual(expect.arrayContaining(['zen:event-type:ticket.status_changed', 'zen:event-type:ticket.comment_added']));
  });

  it('a restart finds the webhook by name instead of making a second one', async () => {
    await stack.stopSubgraph('service');
    await stack.startSubgraph('service');
    await settle(1000);
    const list = await zendesk<{ webhooks: Array<{ name: string }> }>('webhooks?page[size]=100');
    expect(list.webhooks.filter((w) => w.name === `rsg-service-${stack.cacheNamespace}`)).toHaveLength(1);
  });
});

describe('caseUpdated', () => {
  it('agent-reply delivers exactly one event, with the linked order status from the ERP', async () => {
    const { customerId, orderId } = fixtures[0] as { customerId: string; orderId: string };
    const caseId = await openCase(customerId, orderId);
    const sub = subscribe({ caseId });
    await settle(500);
    const body = `We are on it ${randomUUID().slice(0, 8)}`;
    await action('agent-reply', { caseId, body });
    await waitFor(() => sub.events.length >= 1);
    await settle();
    expect(sub.errors).toEqual([]);
    expect(sub.events).toHaveLength(1);
    const e = sub.events[0] as CaseUpdateMsg;
    expect(e.eventId).toMatch(new RegExp(`^zendesk:ticket:${caseId}:`));
    expect(e.case).toMatchObject({ id: caseId, customer: { id: customerId }, order: { id: orderId, status: await orderStatus(orderId) } });
    expect(e.case.order?.status).toMatch(/^[A-Z_]+$/);
    expect(e.case.comments.at(-1)).toEqual({ body, public: true });
    expect(e.status).toBe(e.case.status);
  });

  it('solve-case delivers exactly one event, SOLVED, with the status before it', async () => {
    const { customerId, orderId } = fixtures[1] as { customerId: string; orderId: string };
    const caseId = await openCase(customerId, orderId);
    const before = await stack.query<{ supportCase: { status: string } }>(`query($id: ID!) { supportCase(id: $id) { status } }`, { id: caseId });
    const sub = subscribe({ caseId });
    await settle(500);
    await action('solve-case', { caseId });
    await waitFor(() => sub.events.length >= 1);
    await settle();
    expect(sub.events).toHaveLength(1);
    expect(sub.events[0]).toMatchObject({ status: 'SOLVED', previousStatus: before.body.data?.supportCase.status, case: { id: caseId, status: 'SOLVED', order: { id: orderId } } });
    expect(sub.events[0]?.case.order?.status).toBe(await orderStatus(orderId));
  });

  it("a customerId filter delivers only that customer's changes", async () => {
    const [a, b] = fixtures as Array<{ customerId: string; orderId: string }>;
    const caseA = await openCase(a?.customerId ?? '', a?.orderId ?? '');
    const caseB = await openCase(b?.customerId ?? '', b?.orderId ?? '');
    const sub = subscribe({ customerId: a?.customerId });
    await settle(500);
    await action('agent-reply', { caseId: caseB, body: 'for B' });
    await action('agent-reply', { caseId: caseA, body: 'for A' });
    await waitFor(() => sub.events.length >= 1);
    await settle();
    expect(sub.events.map((e) => e.case.id)).toEqual([caseA]);
    expect(sub.events[0]?.case.customer.id).toBe(a?.customerId);
  });

  it('a change made through the graph is announced once, though the webhook reports it too', async () => {
    const { customerId, orderId } = fixtures[2] as { customerId: string; orderId: string };
    const caseId = await openCase(customerId, orderId);
    const sub = subscribe({ caseId });
    await settle(500);
    const res = await stack.query(`mutation($id: ID!) { addCaseComment(caseId: $id, body: "Thanks for waiting", idempotencyKey: "${randomUUID()}") { status } }`, { id: caseId });
    expect(res.body.errors).toBeUndefined();
    await waitFor(() => sub.events.length >= 1);
    await settle();
    expect(sub.events).toHaveLength(1);
    expect(sub.events[0]?.case.comments.at(-1)?.body).toBe('Thanks for waiting');
  });
});

describe('the webhook receiver', () => {
  const delivery = (caseId: string, updatedAt: string): string =>
    JSON.stringify({
      account_id: 10000001,
      detail: { id: caseId, status: 'SOLVED', updated_at: updatedAt },
      event: { current: 'SOLVED', previous: 'OPEN', meta: { sequence: { id: randomUUID(), position: 1, total: 1 } } },
      id: randomUUID(),
      subject: `zen:ticket:${caseId}`,
      time: updatedAt,
      type: 'zen:event-type:ticket.status_changed',
      zendesk_event_version: '2022-11-06',
    });
  const zdNow = (offsetMs = 0): string => new Date(Date.now() + offsetMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const sign = (secret: string, ts: string, body: string): string => createHmac('sha256', secret).update(ts + body).digest('base64');
  const post = (body: string, headers: Record<string, string>): Promise<Response> =>
    fetch(webhookUrl(), { method: 'POST', headers: { 'content-type': 'application/json', 'x-zendesk-webhook-id': webhook.id, ...headers }, body });

  it('refuses forged, unsigned and stale deliveries with 401, and nothing changes; a correctly signed one is accepted', async () => {
    const { customerId, orderId } = fixtures[0] as { customerId: string; orderId: string };
    const caseId = await openCase(customerId, orderId);
    const sub = subscribe({ caseId });
    await settle(500);
    const body = delivery(caseId, zdNow(5000));
    const ts = zdNow();
    const forged = await post(body, { 'x-zendesk-webhook-signature-timestamp': ts, 'x-zendesk-webhook-signature': sign('not-the-secret', ts, body) });
    expect(forged.status).toBe(401);
    const unsigned = await post(body, {});
    expect(unsigned.status).toBe(401);
    const old = zdNow(-3_600_000);
    const stale = await post(body, { 'x-zendesk-webhook-signature-timestamp': old, 'x-zendesk-webhook-signature': sign(webhook.secret, old, body) });
    expect(stale.status).toBe(401);
    const tampered = await post(body.replace('SOLVED', 'CLOSED'), { 'x-zendesk-webhook-signature-timestamp': ts, 'x-zendesk-webhook-signature': sign(webhook.secret, ts, body) });
    expect(tampered.status).toBe(401);
    await settle();
    expect(sub.events).toEqual([]);
    const read = await stack.query<{ supportCase: { status: string } }>(`query($id: ID!) { supportCase(id: $id) { status } }`, { id: caseId });
    expect(read.body.data?.supportCase.status).not.toBe('SOLVED');

    // The control: the same delivery, signed with the secret Zendesk holds, is taken.
    const good = await post(body, { 'x-zendesk-webhook-signature-timestamp': ts, 'x-zendesk-webhook-signature': sign(webhook.secret, ts, body) });
    expect(good.status).toBe(200);
    await waitFor(() => sub.events.length >= 1);
    expect(sub.events[0]).toMatchObject({ status: 'SOLVED', previousStatus: 'OPEN' });
  });
});

describe('malformed deliveries', () => {
  const zdNow = (): string => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  const sign = (secret: string, ts: string, body: string): string => createHmac('sha256', secret).update(ts + body).digest('base64');
  const signedPost = (body: string, secret = webhook.secret): Promise<Response> => {
    const ts = zdNow();
    return fetch(webhookUrl(), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-zendesk-webhook-id': webhook.id, 'x-zendesk-webhook-signature-timestamp': ts, 'x-zendesk-webhook-signature': sign(secret, ts, body) },
      body,
    });
  };

  it('answers a correctly signed delivery that is not a readable event with 400 JSON, never 500, and a later change still arrives', async () => {
    const { customerId, orderId } = fixtures[2] as { customerId: string; orderId: string };
    const caseId = await openCase(customerId, orderId);
    const sub = subscribe({ caseId });
    await settle(500);
    const bodies = [
      'null',
      '[]',
      '"zen:event-type:ticket.status_changed"',
      '42',
      '{}',
      JSON.stringify({ type: 'zen:event-type:ticket.status_changed' }),
      JSON.stringify({ type: 'zen:event-type:ticket.status_changed', detail: null }),
      JSON.stringify({ type: 'zen:event-type:ticket.status_changed', detail: { id: caseId, status: 'SOLVED' } }),
      JSON.stringify({ type: 'zen:event-type:ticket.status_changed', detail: { id: 'abc', status: 'SOLVED', updated_at: zdNow() } }),
    ];
    for (const body of bodies) {
      const res = await signedPost(body);
      expect({ body, status: res.status }).toEqual({ body, status: 400 });
      expect(res.headers.get('content-type')).toMatch(/application\/json/);
      const answer = (await res.json()) as { error?: unknown };
      expect(typeof answer.error).toBe('string');
      expect(JSON.stringify(answer)).not.toMatch(/at .*\.ts:\d+/);
    }
    // A bad signature is still refused before the body is looked at.
    expect((await signedPost('null', 'not-the-secret')).status).toBe(401);
    await settle(500);
    expect(sub.events).toEqual([]);

    // Nothing was lost: the next real change inside Zendesk reaches the subscriber.
    await action('solve-case', { caseId });
    await waitFor(() => sub.events.length >= 1);
    expect(sub.events[0]).toMatchObject({ status: 'SOLVED' });
  });
});

describe('who may subscribe', () => {
  const refusal = async (variables: Record<string, unknown>, token: string): Promise<string> => {
    const sub = subscribe(variables, token);
    await waitFor(() => sub.errors.length > 0);
    return JSON.stringify(sub.errors, (_k, v: unknown) => (v instanceof Error ? v.message : v));
  };

  it('a storefront caller subscribes to its own customer only', async () => {
    const sf = stack.tokens.storefront;
    expect(await refusal({ customerId: 'C-000002' }, sf.token)).toMatch(/FORBIDDEN|4403|Forbidden/);
    expect(await refusal({}, sf.token)).toMatch(/FORBIDDEN|4403|Forbidden/);
    expect(await refusal({ caseId: '1' }, sf.token)).toMatch(/FORBIDDEN|4403|Forbidden/);
    const own = subscribe({ customerId: sf.customerId }, sf.token);
    await settle(500);
    expect(own.errors).toEqual([]);
  });

  it('staff without a filter see every customer', async () => {
    const [a, b] = fixtures as Array<{ customerId: string; orderId: string }>;
    const caseA = await openCase(a?.customerId ?? '', a?.orderId ?? '');
    const caseB = await openCase(b?.customerId ?? '', b?.orderId ?? '');
    const all = subscribe({});
    await settle(500);
    await action('agent-reply', { caseId: caseA, body: 'one' });
    await action('agent-reply', { caseId: caseB, body: 'two' });
    await waitFor(() => all.events.filter((e) => e.case.id === caseA || e.case.id === caseB).length >= 2);
    expect(all.errors).toEqual([]);
  });
});
