/**
 * A customer whose Zendesk organization appears after the graph first looked for it.
 * Through the gateway over the sandbox, as a Zendesk administrator would do it through
 * Zendesk's API: the customer's organization is given another customer number (moved
 * away), so Customer.cases is empty and a case opened for them lands outside it; then a
 * new organization is created with the customer's number. The organization events the
 * service subgraph's webhook subscribes to make both visible within seconds, far below
 * the TTL of directory misses; and with the event lost, that short TTL alone does it.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCacheConfig } from '../../lib/cache/index.js';
import { startStack, type Stack, type StackCache } from '../support/stack.js';

type TestStack = Stack & StackCache;

const ZD_AUTH = `Basic ${Buffer.from('agent@sandbox.example/token:sandbox').toString('base64')}`;

const CASES = /* GraphQL */ `
  query Cases($id: ID!, $first: Int) { customer(id: $id) { id cases(first: $first) { totalCount nodes { id } } } }
`;
const OPEN = /* GraphQL */ `
  mutation Open($input: OpenCaseInput!, $key: String!) { openCase(input: $input, idempotencyKey: $key) { status writeId supportCase { id } } }
`;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function zendesk<T>(s: Stack, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${s.sandboxUrls.zendesk}/api/v2/${path}`, {
    method,
    headers: { authorization: ZD_AUTH, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
}

/** A customer with an organization holding some of their cases, and an end user; not the storefront's. */
function customerWithCases(s: TestStack, skip: string[]): { customerId: string; orgId: number; name: string } {
  const zd = s.dataset.zendesk;
  for (const o of zd.organizations) {
    if (!o.external_id || skip.includes(o.external_id) || o.external_id === s.tokens.storefront.customerId) continue;
    const user = zd.users.find((u) => u.external_id === o.external_id && u.role === 'end-user');
    if (user && zd.tickets.some((t) => t.organization_id === o.id)) return { customerId: o.external_id, orgId: o.id, name: o.name };
  }
  throw new Error('no customer with cases and an end user in the dataset');
}

async function cases(s: Stack, customerId: string, correlationId = randomUUID(), first = 20): Promise<{ totalCount: number | null; ids: string[] }> {
  const res = await s.query<{ customer: { cases: { totalCount: number | null; nodes: Array<{ id: string }> } } }>(CASES, { id: customerId, first }, { correlationId });
  expect(res.body.errors).toBeUndefined();
  const c = res.body.data?.customer.cases;
  if (!c) throw new Error('no cases in the answer');
  return { totalCount: c.totalCount, ids: c.nodes.map((n) => n.id) };
}

/** Opens a case through the graph and waits until Zendesk has it; returns its ticket id. */
async function openCase(s: Stack, customerId: string, correlationId = randomUUID()): Promise<string> {
  const res = await s.query<{ openCase: { status: string; writeId: string; supportCase: { id: string } | null } }>(
    OPEN,
    { input: { customerId, subject: `Where did it go ${randomUUID().slice(0, 8)}`, description: 'Opened while the directory changed' }, key: randomUUID() },
    { correlationId },
  );
  expect(res.body.errors).toBeUndefined();
  const id = res.body.data?.openCase.supportCase?.id;
  expect(res.body.data?.openCase.status).toBe('APPLIED');
  if (!id) throw new Error('openCase gave no case');
  return id;
}

const organizationOfTicket = async (s: Stack, id: string): Promise<number | null> =>
  (await zendesk<{ ticket: { organization_id: number | null } }>(s, 'GET', `tickets/${id}.json`)).body.ticket.organization_id;

/** Gives the organization another customer number, as an administrator would in Zendesk. */
async function moveAway(s: Stack, orgId: number, customerId: string): Promise<void> {
  const r = await zendesk(s, 'PUT', `organizations/${orgId}.json`, { organization: { external_id: `${customerId}-RETIRED` } });
  expect(r.status).toBe(200);
}

async function createOrganization(s: Stack, customerId: string, name: string): Promise<number> {
  const r = await zendesk<{ organization: { id: number } }>(s, 'POST', 'organizations.json', { organization: { name: `${name} (new)`, external_id: customerId } });
  expect(r.status).toBe(201);
  return r.body.organization.id;
}

/** Webhook deliveries of this type the sandbox has finished (delivered or given up). */
async function deliveries(s: Stack, type: string): Promise<number> {
  const res = await fetch(`${s.sandboxUrls.zendesk}/__sandbox/webhook-deliveries`);
  const { deliveries: all } = (await res.json()) as { deliveries: Array<{ eventType: string; outcome: string }> };
  return all.filter((d) => d.eventType === type && d.outcome !== 'pending').length;
}

/**
 * Gives Zendesk's delivery of the change just made up to 3 s (the sandbox delivers in
 * milliseconds). Whether it did anything is for the assertions after it to say.
 */
async function settleDelivery(s: Stack, type: string, before: number): Promise<void> {
  const deadline = Date.now() + 3_000;
  while (Date.now() < deadline && (await deliveries(s, type)) <= before) await sleep(50);
}

async function eventually<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(100);
  }
}

/** The service subgraph's webhook, once registered at boot. */
async function serviceWebhook(s: TestStack): Promise<string> {
  return eventually('the service subgraph registering its webhook', 20_000, async () => {
    const list = await zendesk<{ webhooks: Array<{ id: string; name: string }> }>(s, 'GET', 'webhooks?page[size]=100');
    return list.body.webhooks.find((w) => w.name === `rsg-service-${s.cacheNamespace}`)?.id;
  });
}

describe('organization events', () => {
  let stack: TestStack;

  beforeAll(async () => {
    // Default TTLs: a directory miss is kept 30 s, a found organization an hour.
    stack = await startStack({ customers: 60, cache: {} });
    await serviceWebhook(stack);
  }, 60_000);
  afterAll(async () => {
    await stack?.close();
  });

  it("a customer's organization moved away and then created anew shows in Customer.cases and takes openCase within seconds", async () => {
    const { customerId, orgId, name } = customerWithCases(stack, []);

    // Warm: the organization is found and cached as directory data (an hour).
    const before = await cases(stack, customerId);
    expect(before.ids.length).toBeGreaterThan(0);
    const warm = randomUUID();
    await cases(stack, customerId, warm);
    expect((await stack.stats('zendesk', warm)).total).toBe(0);

    // An administrator gives the organization another customer number: the customer has none now.
    const movedEvents = await deliveries(stack, 'zen:event-type:organization.external_id_changed');
    await moveAway(stack, orgId, customerId);
    await settleDelivery(stack, 'zen:event-type:organization.external_id_changed', movedEvents);
    expect(await cases(stack, customerId)).toEqual({ totalCount: 0, ids: [] });

    // A case-list miss (another page size) asks for the organization again, and no search follows.
    const missAgain = randomUUID();
    expect(await cases(stack, customerId, missAgain, 7)).toEqual({ totalCount: 0, ids: [] });
    expect((await stack.stats('zendesk', missAgain)).calls).toEqual({ 'GET /api/v2/organizations/show_many': 1 });

    // A case opened now has no organization of the customer's to go to (Zendesk files it under
    // the requester's membership, the old organization): the directory entry is a miss.
    const stray = await openCase(stack, customerId);
    expect(await organizationOfTicket(stack, stray)).not.toBe(null);
    expect((await cases(stack, customerId)).ids).not.toContain(stray);

    // The organization is created anew with the customer's number.
    const createdAt = Date.now();
    const createdEvents = await deliveries(stack, 'zen:event-type:organization.created');
    const newOrg = await createOrganization(stack, customerId, name);
    await settleDelivery(stack, 'zen:event-type:organization.created', createdEvents);

    // openCase goes to the new organization: one directory lookup (organization and end user).
    const opening = randomUUID();
    const caseId = await openCase(stack, customerId, opening);
    expect(await organizationOfTicket(stack, caseId)).toBe(newOrg);
    const openCalls = (await stack.stats('zendesk', opening)).calls;
    expect(openCalls['GET /api/v2/organizations/show_many']).toBe(1);
    expect(openCalls['GET /api/v2/users/show_many']).toBe(1);

    // Customer.cases lists the new organization's case, although its empty list was cached
    // (for the 30 s case-list TTL) a moment ago: one organization lookup, one search.
    const listing = randomUUID();
    expect(await cases(stack, customerId, listing)).toEqual({ totalCount: 1, ids: [caseId] });
    const listCalls = (await stack.stats('zendesk', listing)).calls;
    expect(listCalls['GET /api/v2/organizations/show_many']).toBe(1);
    expect(listCalls['GET /api/v2/search']).toBe(1);

    // All of it well within the 30 s a miss is kept: the event did it, not the TTL.
    expect(Date.now() - createdAt).toBeLessThan(10_000);
  });

  it('answers a correctly signed organization event it cannot read with 400 and the reason, and drops nothing', async () => {
    const hookId = await serviceWebhook(stack);
    const secret = (await zendesk<{ signing_secret: { secret: string } }>(stack, 'GET', `webhooks/${hookId}/signing_secret`)).body.signing_secret.secret;
    const { customerId } = customerWithCases(stack, [customerWithCases(stack, []).customerId]);
    const listed = await cases(stack, customerId);
    expect(listed.ids.length).toBeGreaterThan(0);
    const post = async (body: string): Promise<Response> => {
      const ts = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
      return fetch(`${stack.subgraphUrls.service.replace(/\/graphql$/, '')}/webhooks/zendesk`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-zendesk-webhook-id': hookId,
          'x-zendesk-webhook-signature-timestamp': ts,
          'x-zendesk-webhook-signature': createHmac('sha256', secret).update(ts + body).digest('base64'),
        },
        body,
      });
    };
    const bodies = [
      { type: 'zen:event-type:organization.created', detail: null },
      { type: 'zen:event-type:organization.external_id_changed', detail: { id: 'abc', external_id: customerId }, event: { current: customerId, previous: null } },
      { type: 'zen:event-type:organization.created', detail: { id: '5', external_id: 42 }, event: {} },
      { type: 'zen:event-type:organization.deleted', detail: { id: '5', external_id: customerId }, event: 'gone' },
    ];
    for (const b of bodies) {
      const res = await post(JSON.stringify(b));
      expect({ body: b, status: res.status }).toEqual({ body: b, status: 400 });
      expect(typeof ((await res.json()) as { error?: unknown }).error).toBe('string');
    }
    // Nothing was invalidated: the customer's list is still served from the cache.
    const again = randomUUID();
    expect(await cases(stack, customerId, again)).toEqual(listed);
    expect((await stack.stats('zendesk', again)).total).toBe(0);
  });
});

describe('the miss TTL without the event', () => {
  let stack: TestStack;
  const MISS_TTL_SECONDS = 3;

  beforeAll(async () => {
    stack = await startStack({ customers: 60, cache: { config: loadCacheConfig({ CACHE_TTL_DIRECTORY_MISS_SECONDS: String(MISS_TTL_SECONDS) }) } });
    // An administrator turned the webhook off: no organization event reaches the graph.
    const hookId = await serviceWebhook(stack);
    expect((await zendesk(stack, 'PATCH', `webhooks/${hookId}`, { webhook: { status: 'inactive' } })).status).toBe(204);
  }, 60_000);
  afterAll(async () => {
    await stack?.close();
  });

  it('a customer looked up before their organization existed gets it at the first lookup after the miss TTL', async () => {
    const { customerId, orgId, name } = customerWithCases(stack, []);
    await moveAway(stack, orgId, customerId);

    // First look: no organization. A case opened now goes to the requester's old organization.
    const first = await openCase(stack, customerId);
    const missedAt = Date.now();
    expect(await organizationOfTicket(stack, first)).toBe(orgId);

    const newOrg = await createOrganization(stack, customerId, name);

    // Within the miss TTL, with no event, the miss stands and costs no organization lookup.
    const within = randomUUID();
    const second = await openCase(stack, customerId, within);
    expect(Date.now() - missedAt).toBeLessThan(MISS_TTL_SECONDS * 1000);
    expect(await organizationOfTicket(stack, second)).toBe(orgId);
    expect((await stack.stats('zendesk', within)).calls['GET /api/v2/organizations/show_many'] ?? 0).toBe(0);

    // After it, the next lookup asks Zendesk again and finds the new organization.
    await sleep(Math.max(0, missedAt + MISS_TTL_SECONDS * 1000 + 200 - Date.now()));
    const after = randomUUID();
    const third = await openCase(stack, customerId, after);
    expect(await organizationOfTicket(stack, third)).toBe(newOrg);
    expect((await stack.stats('zendesk', after)).calls['GET /api/v2/organizations/show_many']).toBe(1);
  });
});
