/**
 * The service subgraph's backup feed, the incremental export, against the
 * Zendesk sandbox with no webhook at all (as if every delivery were missed):
 * each change is announced once, the cursor and last versions survive a restart
 * (nothing repeated, nothing lost), and the cached case is invalidated so that
 * the next read shows the change for exactly one Zendesk call. Also the read
 * rules a storefront caller meets at the subgraph itself.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDataset } from '../../sandbox/dataset/generate.js';
import type { RetailDataset } from '../../sandbox/dataset/model.js';
import { createZendeskSandbox, type ZendeskSandbox } from '../../sandbox/zendesk/index.js';
import { createZendeskClient } from '../../lib/clients/zendesk.js';
import { loadZendeskConfig } from '../../lib/config.js';
import { localLimiter } from '../../lib/limits.js';
import { loadOrgMapping } from '../../lib/mapping.js';
import { inProcessBus, type DomainEvent, type EventBus } from '../../lib/events/bus.js';
import { fileStateStore } from '../../lib/feeds/state.js';
import { createEntityCache, loadCacheConfig, type CacheHandle } from '../../lib/cache/index.js';
import { serveSubgraph, type RunningService } from '../../lib/subgraph.js';
import { TEST_TRUST, signedHeaders } from '../support/auth.js';
import { makeCaller } from '../../lib/auth/index.js';
import { createServiceSubgraph, type ServiceSubgraph } from '../../subgraphs/service/src/index.js';
import { CASE_UPDATED_TOPIC, type CaseUpdatePayload } from '../../subgraphs/service/src/feed.js';
import { createServiceDeskFeed } from '../../subgraphs/service/src/zendesk-feed.js';

let dataset: RetailDataset;
let sandbox: ZendeskSandbox;
let sandboxUrl: string;
let stateDir: string;
let bus: EventBus;
let cache: CacheHandle;
let running: { mod: ServiceSubgraph; service: RunningService } | undefined;
const received: Array<DomainEvent<CaseUpdatePayload>> = [];

async function start(): Promise<ServiceSubgraph> {
  const zendesk = createZendeskClient(loadZendeskConfig({ ZENDESK_BASE_URL: `${sandboxUrl}/api/v2` }), { limiter: localLimiter({}), policy: { retries: 0 } });
  const mod = createServiceSubgraph({
    zendesk,
    mapping: loadOrgMapping('config/org-mapping.json'),
    cache: cache.cache,
    bus,
    // No webhook: only the export can see changes. Polled by the test, not by a timer.
    feed: { state: fileStateStore(stateDir, 'service-cases'), pollIntervalMs: 0, exportLagSeconds: 0 },
  });
  const service = await serveSubgraph(mod, { port: 0, host: '127.0.0.1' }, { trust: TEST_TRUST });
  running = { mod, service };
  return mod;
}

async function stop(): Promise<void> {
  await running?.service.close();
  running = undefined;
}

async function readStatus(caseId: string): Promise<{ status: string; cid: string }> {
  const cid = randomUUID();
  const res = await fetch(running?.service.url ?? '', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...signedHeaders(cid, 'service', { query: 'query($id: ID!) { supportCase(id: $id) { status } }', variables: { id: caseId } }) },
    body: JSON.stringify({ query: 'query($id: ID!) { supportCase(id: $id) { status } }', variables: { id: caseId } }),
  });
  const body = (await res.json()) as { data?: { supportCase: { status: string } | null } };
  return { status: body.data?.supportCase?.status ?? '', cid };
}

async function zendeskCalls(cid: string): Promise<Record<string, number>> {
  const res = await fetch(`${sandboxUrl}/__sandbox/stats?correlationId=${encodeURIComponent(cid)}`);
  return ((await res.json()) as { calls: Record<string, number> }).calls;
}

async function action(name: string, body: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${sandboxUrl}/__sandbox/actions/${name}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.status).toBeLessThan(300);
}

/** Zendesk stamps to the second and the export reads strictly after its cursor: let the clock pass the change. */
const nextSecond = (): Promise<void> => new Promise((r) => setTimeout(r, 1100));

beforeAll(async () => {
  dataset = generateDataset({ seed: 11, customers: 200, asOf: new Date('2026-11-20T00:00:00Z') });
  sandbox = await createZendeskSandbox({ dataset, incrementalExclusionSeconds: 0, incrementalRateLimitPerMinute: 1000 });
  sandboxUrl = await sandbox.listen(0);
  stateDir = await mkdtemp(join(tmpdir(), 'rsg-service-feed-'));
  bus = inProcessBus();
  cache = await createEntityCache({ namespace: `test-${randomUUID()}`, config: loadCacheConfig({}) });
  void (async () => {
    for await (const e of bus.subscribe<CaseUpdatePayload>(CASE_UPDATED_TOPIC)) received.push(e);
  })();
  await start();
});

afterAll(async () => {
  await stop();
  await bus.close();
  await cache.close();
  await sandbox.close();
  await rm(stateDir, { recursive: true, force: true });
});

describe('the incremental export', () => {
  const openTicket = (): { id: string; customer: string } => {
    const t = dataset.zendesk.tickets.find((x) => x.status === 'open' || x.status === 'solved');
    const org = dataset.zendesk.organizations.find((o) => o.id === t?.organization_id);
    if (!t || !org?.external_id) throw new Error('no open or solved ticket with an organization');
    return { id: String(t.id), customer: org.external_id };
  };

  it('announces a change no webhook reported, once, and invalidates the cached case', async () => {
    const mod = running?.mod as ServiceSubgraph;
    await mod.feed?.pollOnce(); // sets the cursor at "now"
    const { id, customer } = openTicket();
    const before = await readStatus(id); // cached from here on
    expect(before.status).not.toBe('CLOSED');
    await action('close-case', { caseId: id });
    await nextSecond();
    received.length = 0;
    expect(await mod.feed?.pollOnce()).toBe(1);
    expect(received).toHaveLength(1);
    expect(received[0]?.payload).toMatchObject({ caseId: id, customerId: customer, status: 'CLOSED', previousStatus: null });
    expect(received[0]?.eventId).toMatch(new RegExp(`^zendesk:ticket:${id}:`));
    // Read again: the change event dropped the cached case, so one call, and the new status.
    const after = await readStatus(id);
    expect(after.status).toBe('CLOSED');
    expect(await zendeskCalls(after.cid)).toEqual({ 'GET /api/v2/tickets/show_many': 1 });
    // Polling again finds nothing new.
    expect(await mod.feed?.pollOnce()).toBe(0);
    expect(received).toHaveLength(1);
  });

  it('resumes from its persisted cursor after a restart: nothing repeated, nothing lost', async () => {
    const t = dataset.zendesk.tickets.filter((x) => x.status === 'solved').at(-1);
    if (!t || String(t.id) === openTicket().id) throw new Error('no second solved ticket');
    await action('customer-reply', { caseId: t.id, body: 'It is broken again' });
    await stop();
    const mod = await start();
    await nextSecond();
    received.length = 0;
    expect(await mod.feed?.pollOnce()).toBe(1);
    expect(received.map((e) => e.payload)).toEqual([expect.objectContaining({ caseId: String(t.id), status: 'OPEN' })]);
    await stop();
    const again = await start();
    expect(await again.feed?.pollOnce()).toBe(0);
    expect(received).toHaveLength(1);
  });
});

describe('authorization at the subgraph (a storefront caller, as the gateway signs it)', () => {
  const storefront = makeCaller({ subject: 'C-000001', roles: ['storefront'], customerId: 'C-000001', via: 'token' });
  async function asStorefront(query: string, variables: Record<string, unknown>): Promise<{ body: { data?: unknown; errors?: Array<{ extensions?: { code?: string } }> }; cid: string }> {
    const cid = randomUUID();
    const res = await fetch(running?.service.url ?? '', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...signedHeaders(cid, 'service', { query, variables }, storefront) },
      body: JSON.stringify({ query, variables }),
    });
    return { body: (await res.json()) as never, cid };
  }

  it("refuses another customer's cases (a nested reference) with FORBIDDEN and no call", async () => {
    const r = await asStorefront(`query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { cases { nodes { id } } } } }`, { r: [{ __typename: 'Customer', id: 'C-000002' }] });
    expect(r.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await zendeskCalls(r.cid)).toEqual({});
  });

  it("keeps another customer's cases out of an order's cases", async () => {
    const t = dataset.zendesk.tickets.find((x) => x.organization_id !== null && dataset.zendesk.organizations.find((o) => o.id === x.organization_id)?.external_id !== 'C-000001' && x.custom_fields.some((f) => typeof f.value === 'string' && f.value));
    const orderId = t?.custom_fields.find((f) => typeof f.value === 'string' && f.value)?.value;
    if (!orderId) throw new Error('no case naming an order');
    const r = await asStorefront(`query($r: [_Any!]!) { _entities(representations: $r) { ... on Order { cases { id } } } }`, { r: [{ __typename: 'Order', id: orderId }] });
    expect(r.body.errors).toBeUndefined();
    expect(r.body.data).toEqual({ _entities: [{ cases: [] }] });
    // The control: staff see the case on that order.
    const cid = randomUUID();
    const staffRequest = { query: `query($r: [_Any!]!) { _entities(representations: $r) { ... on Order { cases { id } } } }`, variables: { r: [{ __typename: 'Order', id: orderId }] } };
    const staff = await fetch(running?.service.url ?? '', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...signedHeaders(cid, 'service', staffRequest) },
      body: JSON.stringify(staffRequest),
    });
    const seen = ((await staff.json()) as { data: { _entities: Array<{ cases: Array<{ id: string }> }> } }).data._entities[0]?.cases ?? [];
    expect(seen.map((c) => c.id)).toContain(String(t?.id));
  });
});

describe('webhook registration by name', () => {
  it('leaves exactly one webhook when three replicas register at once, and a fourth finds it', async () => {
    const name = `race-${randomUUID().slice(0, 8)}`;
    const feedOf = (): ReturnType<typeof createServiceDeskFeed> =>
      createServiceDeskFeed(createZendeskClient(loadZendeskConfig({ ZENDESK_BASE_URL: `${sandboxUrl}/api/v2` }), { limiter: localLimiter({}) }), loadOrgMapping('config/org-mapping.json'));
    const spec = { name, endpoint: 'http://127.0.0.1:9/webhooks/zendesk', subscriptions: ['zen:event-type:ticket.status_changed'] };
    const ids = await Promise.all([feedOf().ensureWebhook(spec), feedOf().ensureWebhook(spec), feedOf().ensureWebhook(spec)]);
    const later = await feedOf().ensureWebhook({ ...spec, endpoint: 'http://127.0.0.1:9/moved' });
    const res = await fetch(`${sandboxUrl}/api/v2/webhooks?page[size]=100`, { headers: { authorization: `Basic ${Buffer.from('agent@sandbox.example/token:sandbox').toString('base64')}` } });
    const hooks = ((await res.json()) as { webhooks: Array<{ id: string; name: string; endpoint: string }> }).webhooks.filter((w) => w.name === name);
    expect(hooks).toHaveLength(1);
    expect(new Set([...ids, later])).toEqual(new Set([hooks[0]?.id]));
    // A changed endpoint updates the one webhook rather than adding another.
    expect(hooks[0]?.endpoint).toBe('http://127.0.0.1:9/moved');
  });
});

describe.skipIf(!process.env.REDIS_URL)('on Redis (skipped unless REDIS_URL is set)', () => {
  it('keeps the cursor and last versions in Redis: a restarted replica neither repeats nor loses a change', async () => {
    const { createClient } = await import('redis');
    const { redisStateStore } = await import('../../lib/feeds/state.js');
    const redis = createClient({ url: process.env.REDIS_URL });
    await redis.connect();
    const namespace = `test-service-feed-${randomUUID()}`;
    const make = (): ServiceSubgraph =>
      createServiceSubgraph({
        zendesk: createZendeskClient(loadZendeskConfig({ ZENDESK_BASE_URL: `${sandboxUrl}/api/v2` }), { limiter: localLimiter({}), policy: { retries: 0 } }),
        mapping: loadOrgMapping('config/org-mapping.json'),
        bus,
        feed: { state: redisStateStore(redis as never, namespace, 'service-cases'), pollIntervalMs: 0, exportLagSeconds: 0 },
      });
    try {
      const first = make();
      await first.feed?.pollOnce();
      // A solved ticket no other test here touches (they take the first open or solved one, and the last solved).
      const solved = dataset.zendesk.tickets.filter((x) => x.status === 'solved');
      const t = solved[Math.floor(solved.length / 2)];
      if (!t || solved.length < 4) throw new Error('not enough solved tickets');
      await action('customer-reply', { caseId: t.id, body: 'Still not fixed' });
      await nextSecond();
      const second = make(); // as another replica, or this one after a restart
      received.length = 0;
      expect(await second.feed?.pollOnce()).toBe(1);
      expect(received.map((e) => e.payload.caseId)).toEqual([String(t.id)]);
      expect(await make().feed?.pollOnce()).toBe(0);
    } finally {
      const keys = await redis.keys(`${namespace}:*`);
      if (keys.length) await redis.del(keys);
      await redis.quit();
    }
  });
});
