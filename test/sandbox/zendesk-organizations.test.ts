/**
 * Organizations written through the sandbox's Support API as an admin would
 * (POST /api/v2/organizations, PUT /api/v2/organizations/:id), with Zendesk's
 * request and answer shapes and validation, and the organization events those
 * writes deliver to subscribed webhooks, signed like every other delivery; the
 * organization list by cursor pages, and users by external id.
 */
import { describe, it, expect, beforeAll, afterAll, beforeEach } from 'vitest';
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
let hookId: string;
let secret: string;

async function api(method: string, path: string, body?: unknown): Promise<{ status: number; body: Json; headers: Headers }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: BASIC, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Json) : {}, headers: res.headers };
}

const events = (): Json[] => received.map((r) => JSON.parse(r.body) as Json);

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.statusCode = 200;
      res.end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/zendesk`;
  dataset = generateDataset({ seed: 11, customers: 50, asOf: new Date('2026-11-20T00:00:00Z') });
  sandbox = await createZendeskSandbox({ dataset, webhookRetryDelayMs: () => 20 });
  base = await sandbox.listen(0);
  const created = await api('POST', '/api/v2/webhooks', {
    webhook: {
      name: 'directory',
      status: 'active',
      endpoint: receiverUrl,
      http_method: 'POST',
      request_format: 'json',
      subscriptions: ['zen:event-type:organization.created', 'zen:event-type:organization.external_id_changed'],
    },
  });
  hookId = (created.body.webhook as Json).id as string;
  secret = ((await api('GET', `/api/v2/webhooks/${hookId}/signing_secret`)).body.signing_secret as Json).secret as string;
});

afterAll(async () => {
  await sandbox.close();
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});

beforeEach(async () => {
  await sandbox.webhooksIdle();
  received = [];
});

describe('POST /api/v2/organizations', () => {
  it('creates the organization, answers 201 with it, and it is found by its external id at once', async () => {
    const r = await api('POST', '/api/v2/organizations.json', { organization: { name: 'Harbour Goods', external_id: 'C-900001' } });
    expect(r.status).toBe(201);
    const org = r.body.organization as Json;
    expect(org).toMatchObject({ name: 'Harbour Goods', external_id: 'C-900001', shared_tickets: false, shared_comments: false });
    expect(typeof org.id).toBe('number');
    expect(org.url).toBe(`${base}/api/v2/organizations/${String(org.id)}.json`);
    expect(r.headers.get('location')).toBe(org.url);
    expect(org.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

    // External ids are case-insensitive in Zendesk.
    const found = await api('GET', '/api/v2/organizations/show_many.json?external_ids=c-900001');
    expect((found.body.organizations as Json[]).map((o) => o.id)).toEqual([org.id]);
  });

  it('refuses a missing or taken name and a taken external id with 422 RecordInvalid, creating nothing', async () => {
    const taken = dataset.zendesk.organizations[0];
    if (!taken?.external_id) throw new Error('the dataset has no organization with an external id');
    const before = sandbox.store.organizations.size;
    const blank = await api('POST', '/api/v2/organizations', { organization: { external_id: 'C-900002' } });
    expect(blank.status).toBe(422);
    expect(blank.body).toMatchObject({ error: 'RecordInvalid', details: { name: [{ error: 'BlankValue' }] } });
    const sameName = await api('POST', '/api/v2/organizations', { organization: { name: taken.name.toUpperCase() } });
    expect(sameName.status).toBe(422);
    expect(sameName.body).toMatchObject({ details: { name: [{ error: 'DuplicateValue' }] } });
    const sameExternal = await api('POST', '/api/v2/organizations', { organization: { name: 'Unused Name 1', external_id: taken.external_id.toLowerCase() } });
    expect(sameExternal.status).toBe(422);
    expect(sameExternal.body).toMatchObject({ details: { external_id: [{ error: 'DuplicateValue' }] } });
    expect(sandbox.store.organizations.size).toBe(before);
    await sandbox.webhooksIdle();
    expect(received).toEqual([]);
  });

  it('delivers zen:event-type:organization.created, signed, with the organization as detail', async () => {
    const r = await api('POST', '/api/v2/organizations', { organization: { name: 'Quayside Traders', external_id: 'C-900003' } });
    const org = r.body.organization as Json;
    await sandbox.webhooksIdle();
    expect(received).toHaveLength(1);
    const [delivery] = received as [Received];
    const ts = String(delivery.headers['x-zendesk-webhook-signature-timestamp']);
    expect(delivery.headers['x-zendesk-webhook-signature']).toBe(createHmac('sha256', secret).update(ts + delivery.body).digest('base64'));
    expect(delivery.headers['x-zendesk-webhook-id']).toBe(hookId);
    expect(JSON.parse(delivery.body)).toMatchObject({
      type: 'zen:event-type:organization.created',
      subject: `zen:organization:${String(org.id)}`,
      zendesk_event_version: '2022-06-20',
      detail: { id: String(org.id), name: 'Quayside Traders', external_id: 'C-900003', group_id: null, created_at: org.created_at },
      event: {},
    });
  });
});

describe('PUT /api/v2/organizations/:id', () => {
  it('changes the external id, answers 200 with the organization, and delivers external_id_changed with current and previous', async () => {
    const org = dataset.zendesk.organizations[3];
    if (!org?.external_id) throw new Error('fixture organization missing');
    const r = await api('PUT', `/api/v2/organizations/${org.id}.json`, { organization: { external_id: `${org.external_id}-MOVED` } });
    expect(r.status).toBe(200);
    expect(r.body.organization).toMatchObject({ id: org.id, name: org.name, external_id: `${org.external_id}-MOVED` });
    const old = await api('GET', `/api/v2/organizations/show_many?external_ids=${org.external_id}`);
    expect(old.body.organizations).toEqual([]);

    await sandbox.webhooksIdle();
    expect(events()).toEqual([
      expect.objectContaining({
        type: 'zen:event-type:organization.external_id_changed',
        subject: `zen:organization:${org.id}`,
        detail: expect.objectContaining({ id: String(org.id), external_id: `${org.external_id}-MOVED` }),
        event: { current: `${org.external_id}-MOVED`, previous: org.external_id },
      }),
    ]);
  });

  it('delivers nothing for a change the webhook is not subscribed to, nor for a write that changes nothing', async () => {
    const org = dataset.zendesk.organizations[4];
    if (!org) throw new Error('fixture organization missing');
    expect((await api('PUT', `/api/v2/organizations/${org.id}`, { organization: { name: `${org.name} Ltd` } })).status).toBe(200);
    expect((await api('PUT', `/api/v2/organizations/${org.id}`, { organization: { external_id: org.external_id } })).status).toBe(200);
    await sandbox.webhooksIdle();
    expect(received).toEqual([]);
  });

  it('answers 404 RecordNotFound for an unknown organization and 422 for a taken external id', async () => {
    const missing = await api('PUT', '/api/v2/organizations/999999999', { organization: { external_id: 'C-900009' } });
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ error: 'RecordNotFound', description: 'Not found' });
    const [a, b] = dataset.zendesk.organizations.slice(5, 7);
    if (!a || !b?.external_id) throw new Error('fixture organizations missing');
    const clash = await api('PUT', `/api/v2/organizations/${a.id}`, { organization: { external_id: b.external_id } });
    expect(clash.status).toBe(422);
    expect(clash.body).toMatchObject({ error: 'RecordInvalid', details: { external_id: [{ error: 'DuplicateValue' }] } });
  });
});

describe('GET /api/v2/organizations', () => {
  it('lists every organization by id, by cursor pages as Zendesk does', async () => {
    const ids: number[] = [];
    let next: string | null = '/api/v2/organizations.json?page[size]=7';
    let pages = 0;
    while (next) {
      const res = await api('GET', next.replace(base, ''));
      expect(res.status).toBe(200);
      const orgs = res.body.organizations as Array<{ id: number; external_id: string | null }>;
      expect(orgs.length).toBeLessThanOrEqual(7);
      ids.push(...orgs.map((o) => o.id));
      const meta = res.body.meta as { has_more: boolean; after_cursor: string | null };
      const links = res.body.links as { next: string | null };
      next = meta.has_more ? links.next : null;
      if (++pages > 100) throw new Error('the list does not end');
    }
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBeGreaterThanOrEqual(dataset.zendesk.organizations.length);
  });

  it('refuses a page size above 100', async () => {
    expect((await api('GET', '/api/v2/organizations.json?page[size]=101')).status).toBe(400);
  });
});

describe('GET /api/v2/users/show_many', () => {
  it('finds users by external id without case, and refuses more than 100 ids', async () => {
    const user = dataset.zendesk.users.find((u) => u.external_id);
    if (!user?.external_id) throw new Error('the dataset has no user with an external id');
    const res = await api('GET', `/api/v2/users/show_many.json?external_ids=${user.external_id.toLowerCase()},nobody`);
    expect((res.body.users as Array<{ id: number }>).map((u) => u.id)).toContain(user.id);
    const many = Array.from({ length: 101 }, (_, i) => `X-${i}`).join(',');
    expect((await api('GET', `/api/v2/users/show_many.json?external_ids=${many}`)).status).toBe(400);
  });
});
