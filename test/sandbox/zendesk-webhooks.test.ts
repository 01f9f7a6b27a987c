import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateDataset } from '../../sandbox/dataset/generate.js';
import type { RetailDataset } from '../../sandbox/dataset/model.js';
import { createZendeskSandbox, ZENDESK_SANDBOX_CREDENTIALS, type ZendeskSandbox } from '../../sandbox/zendesk/index.js';

const BASIC = `Basic ${Buffer.from(`${ZENDESK_SANDBOX_CREDENTIALS.email}/token:${ZENDESK_SANDBOX_CREDENTIALS.apiToken}`).toString('base64')}`;

type Json = Record<string, unknown>;

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

let dataset: RetailDataset;
let sandbox: ZendeskSandbox;
let base: string;
let receiver: Server;
let receiverUrl: string;
let received: Received[] = [];
/** Status codes the receiver answers with, consumed one per request; 200 once empty. */
let answers: number[] = [];

async function api(method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: BASIC, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Json) : {} };
}

async function action(name: string, body: Json): Promise<number> {
  const r = await fetch(`${base}/__sandbox/actions/${name}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  await r.arrayBuffer();
  return r.status;
}

/** Zendesk's documented check: base64(HMAC-SHA256(secret, timestamp + body)). */
function verifies(secret: string, r: Received, body = r.body): boolean {
  const ts = String(r.headers['x-zendesk-webhook-signature-timestamp']);
  const expected = createHmac('sha256', secret).update(ts + body).digest('base64');
  return expected === r.headers['x-zendesk-webhook-signature'];
}

async function createWebhook(name: string, subscriptions: string[], extra: Json = {}): Promise<string> {
  const r = await api('POST', '/api/v2/webhooks', {
    webhook: { name, status: 'active', endpoint: receiverUrl, http_method: 'POST', request_format: 'json', subscriptions, ...extra },
  });
  expect(r.status).toBe(201);
  return (r.body.webhook as Json).id as string;
}

function ticketOf(externalId: string, status?: string): number {
  const o = dataset.zendesk.organizations.find((x) => x.external_id === externalId);
  const t = dataset.zendesk.tickets.find((x) => x.organization_id === o?.id && (!status || x.status === status));
  if (!t) throw new Error(`fixture ticket for ${externalId} missing`);
  return t.id;
}

/** A dataset ticket that is neither closed nor the C-000001 fixture, so updates are allowed. */
function liveTicket(n: number): number {
  const c1 = ticketOf('C-000001', 'open');
  const t = dataset.zendesk.tickets.filter((x) => x.status !== 'closed' && x.status !== 'solved' && x.id !== c1)[n];
  if (!t) throw new Error('no live ticket in the dataset');
  return t.id;
}

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.statusCode = answers.shift() ?? 200;
      res.end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/zendesk`;

  dataset = generateDataset({ seed: 11, customers: 200, asOf: new Date('2026-11-20T00:00:00Z') });
  sandbox = await createZendeskSandbox({ dataset, webhookRetryDelayMs: () => 20 });
  base = await sandbox.listen(0);
});

afterAll(async () => {
  await sandbox.close();
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});

describe('webhooks API', () => {
  it('registers, shows, lists with filter and hides credentials', async () => {
    const id = await createWebhook('case-updates', ['zen:event-type:ticket.status_changed'], {
      authentication: { type: 'basic_auth', data: { username: 'hook', password: 's3cret' }, add_position: 'header' },
    });
    expect(id).toMatch(/^[0-9A-Z]{26}$/);
    const shown = await api('GET', `/api/v2/webhooks/${id}`);
    const hook = shown.body.webhook as Json;
    expect(hook).toMatchObject({ id, name: 'case-updates', status: 'active', endpoint: receiverUrl, subscriptions: ['zen:event-type:ticket.status_changed'] });
    expect(hook.authentication).toEqual({ type: 'basic_auth', data: { username: 'hook' }, add_position: 'header' });
    expect(JSON.stringify(hook)).not.toContain('s3cret');
    await createWebhook('other-thing', ['zen:event-type:ticket.created'], { status: 'inactive' });
    const list = await api('GET', '/api/v2/webhooks?filter[name_contains]=case');
    expect((list.body.webhooks as Json[]).map((w) => w.name)).toEqual(['case-updates']);
    expect(list.body.meta).toMatchObject({ has_more: false });
    const secret = await api('GET', `/api/v2/webhooks/${id}/signing_secret`);
    expect(secret.status).toBe(200);
    const s = secret.body.signing_secret as Json;
    expect(s.algorithm).toBe('SHA256');
    expect(Buffer.from(String(s.secret), 'base64').length).toBeGreaterThanOrEqual(32);
    expect((await api('DELETE', `/api/v2/webhooks/${id}`)).status).toBe(204);
    expect((await api('GET', `/api/v2/webhooks/${id}`)).status).toBe(404);
  });

  it('refuses an invalid webhook with 400', async () => {
    const r = await api('POST', '/api/v2/webhooks', { webhook: { name: 'x', status: 'active', endpoint: 'not a url', http_method: 'POST', request_format: 'json' } });
    expect(r.status).toBe(400);
    expect(Array.isArray(r.body.errors)).toBe(true);
  });
});

describe('webhook deliveries', () => {
  let hookId: string;
  let secret: string;

  beforeAll(async () => {
    for (const w of ((await api('GET', '/api/v2/webhooks')).body.webhooks as Json[]) ?? []) await api('DELETE', `/api/v2/webhooks/${String(w.id)}`);
    hookId = await createWebhook('all-ticket-events', [
      'zen:event-type:ticket.status_changed',
      'zen:event-type:ticket.comment_added',
      'zen:event-type:ticket.created',
    ], { authentication: { type: 'bearer_token', data: { token: 'receiver-token' }, add_position: 'header' } });
    secret = ((await api('GET', `/api/v2/webhooks/${hookId}/signing_secret`)).body.signing_secret as Json).secret as string;
  });

  it('delivers a signed status_changed event after solve-case, not counted as an API call', async () => {
    received = [];
    await fetch(`${base}/__sandbox/stats/reset`, { method: 'POST' });
    const id = ticketOf('C-000001', 'open');
    expect(await action('solve-case', { caseId: id })).toBe(200);
    await sandbox.webhooksIdle();
    expect(received).toHaveLength(1);
    const r = received[0] as Received;
    expect(r.headers['x-zendesk-webhook-id']).toBe(hookId);
    expect(r.headers['x-zendesk-account-id']).toBeTruthy();
    expect(r.headers['x-zendesk-webhook-invocation-id']).toBeTruthy();
    expect(r.headers['x-zendesk-webhook-signature-timestamp']).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(r.headers.authorization).toBe('Bearer receiver-token');
    expect(verifies(secret, r)).toBe(true);
    expect(verifies(secret, r, r.body.replace('SOLVED', 'CLOSED'))).toBe(false);
    const payload = JSON.parse(r.body) as Json;
    expect(payload).toMatchObject({
      type: 'zen:event-type:ticket.status_changed',
      subject: `zen:ticket:${id}`,
      event: { current: 'SOLVED', previous: 'OPEN' },
    });
    expect((payload.detail as Json).id).toBe(String(id));
    const stats = (await (await fetch(`${base}/__sandbox/stats`)).json()) as { total: number };
    expect(stats.total).toBe(0);
  });

  it('delivers comment_added and status_changed after an API update, in order', async () => {
    received = [];
    const id = liveTicket(0);
    const cur = await api('GET', `/api/v2/tickets/${id}`);
    const status = (cur.body.ticket as Json).status;
    const next = status === 'pending' ? 'open' : 'pending';
    const r = await api('PUT', `/api/v2/tickets/${id}.json`, { ticket: { status: next, comment: { body: 'We are on it', public: true } } });
    expect(r.status).toBe(200);
    await sandbox.webhooksIdle();
    const types = received.map((x) => (JSON.parse(x.body) as Json).type);
    expect(types).toEqual(['zen:event-type:ticket.comment_added', 'zen:event-type:ticket.status_changed']);
    for (const x of received) expect(verifies(secret, x)).toBe(true);
    const comment = JSON.parse(received[0]?.body ?? '{}') as { event: { comment: Json } };
    expect(comment.event.comment).toMatchObject({ body: 'We are on it', is_public: true });
  });

  it('delivers ticket.created for an API create and an agent reply as comment_added', async () => {
    received = [];
    const c = await api('POST', '/api/v2/tickets', { ticket: { subject: 'New one', comment: { body: 'Hello' } } });
    const id = (c.body.ticket as Json).id as number;
    expect(await action('agent-reply', { caseId: id, body: 'Thanks, looking into it' })).toBe(200);
    await sandbox.webhooksIdle();
    expect(received.map((x) => (JSON.parse(x.body) as Json).type)).toEqual(['zen:event-type:ticket.created', 'zen:event-type:ticket.comment_added']);
  });

  it('retries a delivery answered with 500, and signs it again', async () => {
    received = [];
    answers = [500, 503];
    const id = liveTicket(1);
    expect(await action('agent-reply', { caseId: id, body: 'retry me' })).toBe(200);
    await sandbox.webhooksIdle();
    expect(received).toHaveLength(3);
    expect(new Set(received.map((x) => x.headers['x-zendesk-webhook-invocation-id'])).size).toBe(1);
    for (const x of received) expect(verifies(secret, x)).toBe(true);
    const last = sandbox.deliveries().at(-1);
    expect(last).toMatchObject({ outcome: 'delivered', attempts: 3, status: 200 });
  });

  it('uses a reset secret from then on, and stops when the webhook is inactive', async () => {
    const reset = await api('POST', `/api/v2/webhooks/${hookId}/signing_secret`);
    expect(reset.status).toBe(201);
    const fresh = (reset.body.signing_secret as Json).secret as string;
    expect(fresh).not.toBe(secret);
    received = [];
    const id = liveTicket(1);
    await action('agent-reply', { caseId: id, body: 'new secret' });
    await sandbox.webhooksIdle();
    expect(received).toHaveLength(1);
    expect(verifies(fresh, received[0] as Received)).toBe(true);
    expect(verifies(secret, received[0] as Received)).toBe(false);

    expect((await api('PATCH', `/api/v2/webhooks/${hookId}`, { webhook: { status: 'inactive' } })).status).toBe(204);
    received = [];
    await action('agent-reply', { caseId: id, body: 'nobody listens' });
    await sandbox.webhooksIdle();
    expect(received).toHaveLength(0);
  });
});
