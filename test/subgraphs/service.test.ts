import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Kind, parse, visit, type ASTNode } from 'graphql';
import { generateDataset } from '../../sandbox/dataset/generate.js';
import { ORDER_NUMBER_FIELD_ID, type RetailDataset, type ZdTicket } from '../../sandbox/dataset/model.js';
import { createZendeskSandbox, type ZendeskSandbox } from '../../sandbox/zendesk/index.js';
import { createZendeskClient } from '../../lib/clients/zendesk.js';
import { loadZendeskConfig } from '../../lib/config.js';
import { localLimiter } from '../../lib/limits.js';
import { loadOrgMapping } from '../../lib/mapping.js';
import { schemaFileOf, serveSubgraph, type RunningService } from '../../lib/subgraph.js';
import { TEST_TRUST, signedHeaders } from '../support/auth.js';
import { createEntityCache, loadCacheConfig, type CacheHandle } from '../../lib/cache/index.js';
import { createServiceSubgraph, type ServiceSubgraph } from '../../subgraphs/service/src/index.js';
import { CROSSWALK_FIXTURES } from '../../sandbox/dataset/crosswalk.js';
import { loadMatchRule } from '../../lib/identity-match.js';
import type { RejectedRecord } from '../../lib/identity-rejections.js';

let dataset: RetailDataset;
let sandbox: ZendeskSandbox;
let sandboxUrl: string;
let service: RunningService;

interface GqlError {
  message: string;
  path?: Array<string | number>;
  extensions?: Record<string, unknown>;
}
interface GqlResult<T = Record<string, unknown>> {
  data?: T | null;
  errors?: GqlError[];
}

async function gql<T = Record<string, unknown>>(query: string, variables: Record<string, unknown> = {}, cid = randomUUID()): Promise<GqlResult<T> & { cid: string }> {
  const res = await fetch(service.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...signedHeaders(cid, 'service', { query, variables }) },
    body: JSON.stringify({ query, variables }),
  });
  return { ...((await res.json()) as GqlResult<T>), cid };
}

async function calls(cid: string): Promise<{ total: number; calls: Record<string, number> }> {
  const res = await fetch(`${sandboxUrl}/__sandbox/stats?correlationId=${encodeURIComponent(cid)}`);
  return (await res.json()) as { total: number; calls: Record<string, number> };
}

async function setFaults(f: Record<string, unknown>): Promise<void> {
  const r = await fetch(`${sandboxUrl}/__sandbox/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(f) });
  expect(r.status).toBe(200);
}

const orgOf = (customer: string): number => {
  const o = dataset.zendesk.organizations.find((x) => x.external_id === customer);
  if (!o) throw new Error(`no organization for ${customer}`);
  return o.id;
};
const ticketsOf = (customer: string): ZdTicket[] =>
  dataset.zendesk.tickets
    .filter((t) => t.organization_id === orgOf(customer))
    .sort((a, b) => (a.created_at < b.created_at ? 1 : a.created_at > b.created_at ? -1 : b.id - a.id));
const orderOf = (t: ZdTicket): string | null => t.custom_fields.find((f) => f.id === ORDER_NUMBER_FIELD_ID)?.value ?? null;
const customerNumbers = (n: number): string[] => Array.from({ length: n }, (_, i) => `C-${String(i + 1).padStart(6, '0')}`);

beforeAll(async () => {
  dataset = generateDataset({ seed: 11, customers: 200, asOf: new Date('2026-11-20T00:00:00Z') });
  sandbox = await createZendeskSandbox({ dataset });
  sandboxUrl = await sandbox.listen(0);
  const config = loadZendeskConfig({ ZENDESK_BASE_URL: `${sandboxUrl}/api/v2` });
  // No retries: the sandbox's 503 asks for a 5 s wait, and these tests count single calls.
  const zendesk = createZendeskClient(config, { limiter: localLimiter({}), policy: { retries: 0 } });
  service = await serveSubgraph(createServiceSubgraph({ zendesk, mapping: loadOrgMapping('config/org-mapping.json') }), { port: 0, host: '127.0.0.1' }, { trust: TEST_TRUST });
});

afterAll(async () => {
  await service?.close();
  await sandbox?.close();
});

describe('schema', () => {
  const sdl = readFileSync(schemaFileOf('service'), 'utf8');

  it('declares entities with @key and never with extend type', () => {
    expect(sdl).toMatch(/^extend schema @link\(url: "https:\/\/specs\.apollo\.dev\/federation\/v2\.9"/);
    expect(sdl).not.toMatch(/extend type/);
    for (const entity of ['SupportCase', 'Customer', 'Order']) expect(sdl).toContain(`type ${entity} @key(fields: "id")`);
  });

  it('describes every type, field, argument and enum value', () => {
    const missing: string[] = [];
    const described = new Set<string>([Kind.OBJECT_TYPE_DEFINITION, Kind.FIELD_DEFINITION, Kind.INPUT_VALUE_DEFINITION, Kind.ENUM_TYPE_DEFINITION, Kind.ENUM_VALUE_DEFINITION, Kind.INPUT_OBJECT_TYPE_DEFINITION]);
    visit(parse(sdl), {
      enter(node: ASTNode) {
        if (described.has(node.kind) && 'name' in node && node.name && !('description' in node && node.description)) missing.push(`${node.kind} ${node.name.value}`);
      },
    });
    expect(missing).toEqual([]);
  });
});

const CASE_FIELDS = `id subject description status priority createdAt updatedAt customer { id } order { id } freshness { source stale fetchedAt }`;

describe('Query.supportCase', () => {
  it("reads C-000001's open case linked to its only order, with its comments and their authors", async () => {
    const [ticket] = ticketsOf('C-000001');
    expect(ticket).toBeDefined();
    const t = ticket as ZdTicket;
    const r = await gql<{ supportCase: Record<string, unknown> }>(
      `query($id: ID!) { supportCase(id: $id) { ${CASE_FIELDS} comments { id body public createdAt author { id name role } } } }`,
      { id: String(t.id) },
    );
    expect(r.errors).toBeUndefined();
    const c = r.data?.supportCase as Record<string, unknown>;
    expect(c).toMatchObject({
      id: String(t.id),
      subject: t.subject,
      description: t.description,
      status: 'OPEN',
      priority: t.priority.toUpperCase(),
      createdAt: new Date(t.created_at).toISOString(),
      customer: { id: 'C-000001' },
      order: { id: orderOf(t) },
      freshness: { source: 'SERVICE_DESK', stale: false },
    });
    const expected = dataset.zendesk.comments.filter((x) => x.ticket_id === t.id);
    const comments = c.comments as Array<Record<string, unknown>>;
    expect(comments.map((x) => x.id)).toEqual(expected.map((x) => String(x.id)));
    expect(comments[0]).toMatchObject({ body: t.description, public: true, author: { id: String(t.requester_id), role: 'CUSTOMER' } });
    const requester = dataset.zendesk.users.find((u) => u.id === t.requester_id);
    expect((comments[0]?.author as Record<string, unknown>).name).toBe(requester?.name);

    const s = await calls(r.cid);
    expect(s.calls).toEqual({
      'GET /api/v2/tickets/show_many': 1,
      'GET /api/v2/tickets/:ticket_id/comments': 1,
      'GET /api/v2/users/show_many': 1,
      // The sandbox does not side-load organizations; real Zendesk answers them with show_many.
      'GET /api/v2/organizations/show_many': 1,
    });
  });

  it('answers null for an unknown ticket id', async () => {
    const r = await gql(`{ supportCase(id: "987654321") { id } }`);
    expect(r.errors).toBeUndefined();
    expect(r.data).toEqual({ supportCase: null });
  });

  it.each(['abc', '0', '-4', '12.5', '1 OR 1=1', '4521"', ''])('refuses the malformed id %j with BAD_USER_INPUT and no call', async (id) => {
    const r = await gql(`query($id: ID!) { supportCase(id: $id) { id } }`, { id });
    expect(r.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(r.errors?.[0]?.message).toMatch(/expected a case id like 4521/);
    expect((await calls(r.cid)).total).toBe(0);
  });
});

describe('_entities batching', () => {
  it('resolves 50 case references with one show_many call', async () => {
    const ids = dataset.zendesk.tickets.slice(0, 50).map((t) => String(t.id));
    const r = await gql<{ _entities: Array<{ id: string; subject: string; status: string } | null> }>(
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on SupportCase { id subject status } } }`,
      { r: [...ids.map((id) => ({ __typename: 'SupportCase', id })), { __typename: 'SupportCase', id: '999999999' }] },
    );
    expect(r.errors).toBeUndefined();
    expect(r.data?._entities.slice(0, 50).map((e) => e?.id)).toEqual(ids);
    expect(r.data?._entities[50]).toBeNull();
    expect(r.data?._entities[0]?.subject).toBe(dataset.zendesk.tickets[0]?.subject);
    expect((await calls(r.cid)).calls).toEqual({ 'GET /api/v2/tickets/show_many': 1 });
  });

  it("reads 20 customers' cases, newest first, with one organization lookup and one search", async () => {
    const customers = customerNumbers(20);
    const r = await gql<{ _entities: Array<{ id: string; cases: { totalCount: number | null; nodes: Array<{ id: string; customer: { id: string } }>; pageInfo: { hasNextPage: boolean } } }> }>(
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { id cases(first: 3) { totalCount nodes { id customer { id } } pageInfo { hasNextPage } freshness { source } } } } }`,
      { r: customers.map((id) => ({ __typename: 'Customer', id })) },
    );
    expect(r.errors).toBeUndefined();
    for (const [i, c] of customers.entries()) {
      const expected = ticketsOf(c);
      const got = r.data?._entities[i]?.cases;
      expect(got?.nodes.map((n) => n.id), c).toEqual(expected.slice(0, 3).map((t) => String(t.id)));
      expect(got?.pageInfo.hasNextPage).toBe(expected.length > 3);
      for (const n of got?.nodes ?? []) expect(n.customer.id).toBe(c);
    }
    expect((await calls(r.cid)).calls).toEqual({ 'GET /api/v2/organizations/show_many': 1, 'GET /api/v2/search': 1 });
  });

  it('finds the cases of 100 orders with one search', async () => {
    const withCases = [...new Set(dataset.zendesk.tickets.map(orderOf).filter((o): o is string => o !== null))].slice(0, 60);
    const without = dataset.netsuite.transactions
      .filter((t) => t.type === 'SalesOrd' && !withCases.includes(t.tranid))
      .slice(0, 100 - withCases.length)
      .map((t) => t.tranid);
    const orders = [...withCases, ...without];
    expect(orders).toHaveLength(100);
    const r = await gql<{ _entities: Array<{ id: string; cases: Array<{ id: string; order: { id: string } }> | null }> }>(
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on Order { id cases { id order { id } } } } }`,
      { r: orders.map((id) => ({ __typename: 'Order', id })) },
    );
    expect(r.errors).toBeUndefined();
    for (const [i, o] of orders.entries()) {
      const expected = dataset.zendesk.tickets.filter((t) => orderOf(t) === o).map((t) => String(t.id)).sort();
      const got = r.data?._entities[i]?.cases ?? [];
      expect(got.map((c) => c.id).sort(), o).toEqual(expected);
      for (const c of got) expect(c.order.id).toBe(o);
    }
    expect((await calls(r.cid)).calls).toEqual({ 'GET /api/v2/search': 1 });
  });

  it('refuses a malformed order number with BAD_USER_INPUT and no call', async () => {
    const r = await gql(`query($r: [_Any!]!) { _entities(representations: $r) { ... on Order { id cases { id } } } }`, {
      r: [{ __typename: 'Order', id: 'SO-1" OR fieldvalue:*' }],
    });
    expect(r.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(r.errors?.[0]?.message).toMatch(/expected an order number like SO-100234/);
    expect((await calls(r.cid)).total).toBe(0);
  });
});

describe('Customer.cases', () => {
  const pageQuery = `query($r: [_Any!]!, $first: Int, $after: String, $status: [CaseStatus!]) {
    _entities(representations: $r) { ... on Customer { cases(first: $first, after: $after, status: $status) {
      totalCount nodes { id status createdAt } edges { cursor node { id } } pageInfo { hasNextPage endCursor } } } } }`;
  type Page = { totalCount: number | null; nodes: Array<{ id: string; status: string }>; edges: Array<{ cursor: string; node: { id: string } }>; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
  const page = async (customer: string, vars: Record<string, unknown>): Promise<{ page: Page | undefined; cid: string; errors?: GqlError[] }> => {
    const r = await gql<{ _entities: Array<{ cases: Page }> }>(pageQuery, { r: [{ __typename: 'Customer', id: customer }], ...vars });
    return { page: r.data?._entities[0]?.cases, cid: r.cid, ...(r.errors ? { errors: r.errors } : {}) };
  };

  it('pages through a customer newest first with cursors, and counts on the first page', async () => {
    const customer = customerNumbers(200).find((c) => ticketsOf(c).length >= 4);
    expect(customer).toBeDefined();
    const all = ticketsOf(customer as string);
    const seen: string[] = [];
    let after: string | null = null;
    let first = true;
    for (let guard = 0; guard < 10; guard++) {
      const { page: p, cid, errors } = await page(customer as string, { first: 2, after });
      expect(errors).toBeUndefined();
      if (first) expect(p?.totalCount).toBe(all.length);
      first = false;
      seen.push(...(p?.nodes.map((n) => n.id) ?? []));
      expect(p?.edges.map((e) => e.node.id)).toEqual(p?.nodes.map((n) => n.id));
      expect((await calls(cid)).calls['GET /api/v2/search']).toBe(1);
      if (!p?.pageInfo.hasNextPage) break;
      after = p.pageInfo.endCursor;
    }
    expect(seen).toEqual(all.map((t) => String(t.id)));
  });

  it('filters by status', async () => {
    const customer = customerNumbers(200).find((c) => new Set(ticketsOf(c).map((t) => t.status)).size >= 2) as string;
    const wanted = ticketsOf(customer)[0]?.status as string;
    const gqlStatus = wanted === 'hold' ? 'ON_HOLD' : wanted.toUpperCase();
    const { page: p } = await page(customer, { first: 100, status: [gqlStatus] });
    expect(p?.nodes.map((n) => n.id)).toEqual(ticketsOf(customer).filter((t) => t.status === wanted).map((t) => String(t.id)));
    for (const n of p?.nodes ?? []) expect(n.status).toBe(gqlStatus);
  });

  it('gives a customer without cases, and an unknown customer, an empty page', async () => {
    const none = customerNumbers(200).find((c) => ticketsOf(c).length === 0) as string;
    for (const c of [none, 'C-999999']) {
      const { page: p, errors } = await page(c, { first: 10 });
      expect(errors).toBeUndefined();
      expect(p).toMatchObject({ totalCount: 0, nodes: [], pageInfo: { hasNextPage: false, endCursor: null } });
    }
  });

  it.each([0, 101, -1])('refuses first: %d with BAD_USER_INPUT and no call', async (first) => {
    const { errors, cid } = await page('C-000001', { first });
    expect(errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await calls(cid)).total).toBe(0);
  });

  it.each(["C-000007' OR organization:*", 'C-1', 'C-000001 organization:none', 'C-000001,C-000002'])(
    'refuses the hostile or malformed customer number %j with no call',
    async (id) => {
      const { errors, cid } = await page(id, { first: 10 });
      expect(errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(errors?.[0]?.message).toMatch(/expected a customer number like C-000042/);
      expect((await calls(cid)).total).toBe(0);
    },
  );

  it('refuses a cursor it did not make', async () => {
    const { errors } = await page('C-000001', { first: 10, after: 'bm90LWEtY3Vyc29y' });
    expect(errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('comments', () => {
  it('reads comments for at most 25 cases per request and says so for the rest', async () => {
    const ids = dataset.zendesk.tickets.slice(0, 30).map((t) => String(t.id));
    const r = await gql<{ _entities: Array<{ id: string; comments: unknown[] } | null> }>(
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on SupportCase { id comments { id } } } }`,
      { r: ids.map((id) => ({ __typename: 'SupportCase', id })) },
    );
    expect(r.data?._entities.filter((e) => e !== null)).toHaveLength(25);
    expect(r.errors).toHaveLength(5);
    for (const e of r.errors ?? []) expect(e.extensions?.code).toBe('QUERY_TOO_COMPLEX');
    const s = await calls(r.cid);
    expect(s.calls['GET /api/v2/tickets/:ticket_id/comments']).toBe(25);
    expect(s.calls['GET /api/v2/tickets/show_many']).toBe(1);
  });
});

describe('when the service desk fails', () => {
  it('nulls the case with UPSTREAM_UNAVAILABLE naming SERVICE_DESK when Zendesk is down', async () => {
    await setFaults({ down: true });
    try {
      const r = await gql(`{ supportCase(id: "1") { id subject } }`);
      expect(r.data).toEqual({ supportCase: null });
      expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', system: 'SERVICE_DESK' });
      expect(r.errors?.[0]?.path).toEqual(['supportCase']);
    } finally {
      await setFaults({});
    }
  });

  it("nulls only Customer.cases when Zendesk is down, and keeps the customer's id", async () => {
    await setFaults({ down: true });
    try {
      const r = await gql(`query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { id cases { totalCount } } } }`, {
        r: [{ __typename: 'Customer', id: 'C-000001' }],
      });
      expect(r.data).toEqual({ _entities: [{ id: 'C-000001', cases: null }] });
      expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', system: 'SERVICE_DESK' });
    } finally {
      await setFaults({});
    }
  });

  it('reports UPSTREAM_RATE_LIMITED with retryAfterSeconds when Zendesk answers 429', async () => {
    await setFaults({ rateLimitPerMinute: 1 });
    try {
      const ok = await gql(`{ supportCase(id: "1") { id } }`);
      expect(ok.errors).toBeUndefined();
      const r = await gql(`{ supportCase(id: "2") { id } }`);
      expect(r.data).toEqual({ supportCase: null });
      expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'UPSTREAM_RATE_LIMITED', system: 'SERVICE_DESK' });
      expect(r.errors?.[0]?.extensions?.retryAfterSeconds).toBeGreaterThan(0);
    } finally {
      await setFaults({});
    }
  });
});

describe('Customer.cases through the entity cache', () => {
  let cache: CacheHandle;
  let module: ServiceSubgraph;
  let cached: RunningService;
  const query = `query($r: [_Any!]!, $first: Int, $status: [CaseStatus!]) {
    _entities(representations: $r) { ... on Customer { cases(first: $first, status: $status) { totalCount nodes { id status customer { id } } } } } }`;
  type Page = { totalCount: number | null; nodes: Array<{ id: string; status: string; customer: { id: string } }> };
  const read = async (customer: string, vars: Record<string, unknown> = { first: 10 }): Promise<{ page: Page | undefined; calls: Record<string, number> }> => {
    const cid = randomUUID();
    const request = { query, variables: { r: [{ __typename: 'Customer', id: customer }], ...vars } };
    const res = await fetch(cached.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...signedHeaders(cid, 'service', request) },
      body: JSON.stringify(request),
    });
    const body = (await res.json()) as GqlResult<{ _entities: Array<{ cases: Page }> }>;
    expect(body.errors).toBeUndefined();
    return { page: body.data?._entities[0]?.cases, calls: (await calls(cid)).calls };
  };
  const ORGS = 'GET /api/v2/organizations/show_many';
  const SEARCH = 'GET /api/v2/search';

  beforeAll(async () => {
    cache = await createEntityCache({ namespace: `service-test-${randomUUID()}`, config: loadCacheConfig({}) });
    const zendesk = createZendeskClient(loadZendeskConfig({ ZENDESK_BASE_URL: `${sandboxUrl}/api/v2` }), { limiter: localLimiter({}), policy: { retries: 0 } });
    module = createServiceSubgraph({ zendesk, mapping: loadOrgMapping('config/org-mapping.json'), cache: cache.cache });
    cached = await serveSubgraph(module, { port: 0, host: '127.0.0.1' }, { trust: TEST_TRUST });
  });

  afterAll(async () => {
    await cached?.close();
    await cache?.close();
  });

  it("costs one search, not the organization lookup again, when only the case list is missing", async () => {
    const customer = customerNumbers(200).find((c) => ticketsOf(c).length >= 3) as string;
    const expected = ticketsOf(customer).map((t) => String(t.id));

    const cold = await read(customer);
    expect(cold.calls).toEqual({ [ORGS]: 1, [SEARCH]: 1 });
    expect(cold.page?.nodes.map((n) => n.id)).toEqual(expected.slice(0, 10));
    expect(cold.page?.totalCount).toBe(expected.length);
    for (const n of cold.page?.nodes ?? []) expect(n.customer.id).toBe(customer);

    expect((await read(customer)).calls).toEqual({});

    await module.invalidate([`Customer:${customer}:cases`]);
    const again = await read(customer);
    expect(again.calls).toEqual({ [SEARCH]: 1 });
    expect(again.page).toEqual(cold.page);

    // Another page size or filter is another case-list entry, over the same organization.
    const status = cold.page?.nodes[0]?.status as string;
    const filtered = await read(customer, { first: 1, status: [status] });
    expect(filtered.calls).toEqual({ [SEARCH]: 1 });
    expect(filtered.page?.nodes.map((n) => n.status)).toEqual([status]);

    await module.invalidate([`Customer:${customer}:serviceDirectory`, `Customer:${customer}:cases`]);
    expect((await read(customer)).calls).toEqual({ [ORGS]: 1, [SEARCH]: 1 });
  });

  it('asks again at every case-list miss for a customer without an organization, so one it gets shows at once', async () => {
    const donor = [...customerNumbers(200)].reverse().find((c) => ticketsOf(c).length >= 1) as string;
    const newcomer = 'C-000999';
    const org = sandbox.store.organizations.get(orgOf(donor));
    if (!org) throw new Error(`the sandbox has no organization for ${donor}`);

    const none = await read(newcomer);
    expect(none.calls).toEqual({ [ORGS]: 1 });
    expect(none.page).toEqual({ totalCount: 0, nodes: [] });

    await module.invalidate([`Customer:${newcomer}:cases`]);
    expect((await read(newcomer)).calls).toEqual({ [ORGS]: 1 });

    // An administrator gives the customer an organization (here: takes over an existing one, cases included).
    org.external_id = newcomer;
    try {
      await module.invalidate([`Customer:${newcomer}:cases`]);
      const found = await read(newcomer);
      expect(found.calls).toEqual({ [ORGS]: 1, [SEARCH]: 1 });
      expect(found.page?.nodes.map((n) => n.id)).toEqual(ticketsOf(donor).slice(0, 10).map((t) => String(t.id)));
      for (const n of found.page?.nodes ?? []) expect(n.customer.id).toBe(newcomer);

      await module.invalidate([`Customer:${newcomer}:cases`]);
      expect((await read(newcomer)).calls).toEqual({ [SEARCH]: 1 });
    } finally {
      org.external_id = donor;
    }
  });
});

describe('identity candidates by phone, where the e-mail finds none', () => {
  let cache: CacheHandle;
  let matched: RunningService;
  const query = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer {
    serviceDeskIdentities { recordType recordId linkedBy matchedOn confidence suggested } } } }`;
  type Entry = { recordType: string; recordId: string; linkedBy: string; matchedOn: string[]; confidence: number; suggested: boolean };
  const USERS_SEARCH = 'GET /api/v2/users/search';
  const read = async (customer: { id: string; email: string; name: string; phone: string }): Promise<{ entries: Entry[]; searches: number }> => {
    const cid = randomUUID();
    const request = { query, variables: { r: [{ __typename: 'Customer', ...customer }] } };
    const res = await fetch(matched.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...signedHeaders(cid, 'service', request) },
      body: JSON.stringify(request),
    });
    const body = (await res.json()) as GqlResult<{ _entities: Array<{ serviceDeskIdentities: Entry[] }> }>;
    expect(body.errors).toBeUndefined();
    const entries = (body.data?._entities[0]?.serviceDeskIdentities ?? []).filter((e) => e.recordType === 'ZENDESK_ORGANIZATION');
    return { entries, searches: (await calls(cid)).calls[USERS_SEARCH] ?? 0 };
  };

  beforeAll(async () => {
    cache = await createEntityCache({ namespace: `service-phone-test-${randomUUID()}`, config: loadCacheConfig({}) });
    const zendesk = createZendeskClient(loadZendeskConfig({ ZENDESK_BASE_URL: `${sandboxUrl}/api/v2` }), { limiter: localLimiter({}), policy: { retries: 0 } });
    const rejections = { rejected: async () => new Set<RejectedRecord>(), reject: async () => undefined };
    const module = createServiceSubgraph({ zendesk, mapping: loadOrgMapping('config/org-mapping.json'), cache: cache.cache, identity: { rule: loadMatchRule({}), rejections } });
    matched = await serveSubgraph(module, { port: 0, host: '127.0.0.1' }, { trust: TEST_TRUST });
  });

  afterAll(async () => {
    await matched?.close();
    await cache?.close();
  });

  it('searches the end users by phone (one more search, digits only) and lists their organization as MATCHED, not suggested; none warm', async () => {
    // C-980002's organization and its end user lose the customer number; the user keeps only a phone, written another way.
    const f = CROSSWALK_FIXTURES.erpMissingKey.byPhone;
    const org = sandbox.store.organizations.get(f.organizationId);
    const user = sandbox.store.users.get(f.userId);
    if (!org || !user) throw new Error('the sandbox lacks the crosswalk fixture');
    const saved = { orgKey: org.external_id, userKey: user.external_id, email: user.email, phone: user.phone };
    Object.assign(org, { external_id: null });
    Object.assign(user, { external_id: null, email: '', phone: '(212) 555-0147' });
    try {
      const customer = { id: f.customer, email: 'thaddeus.okonkwo@crosswalk.example', name: 'Thaddeus Okonkwo', phone: '+1 212-555-0147' };
      const cold = await read(customer);
      expect(cold.entries).toEqual([
        { recordType: 'ZENDESK_ORGANIZATION', recordId: String(f.organizationId), linkedBy: 'MATCHED', matchedOn: ['phone'], confidence: 0.75, suggested: false },
      ]);
      // The e-mail search found nobody, so one search by phone followed.
      expect(cold.searches).toBe(2);
      const warm = await read(customer);
      expect(warm).toEqual({ entries: cold.entries, searches: 0 });

      // A phone that is not a number costs no search of its own.
      const hostile = await read({ ...customer, id: 'C-980098', email: 'nobody@crosswalk.example', phone: '" OR email:*' });
      expect(hostile).toEqual({ entries: [], searches: 1 });
    } finally {
      Object.assign(org, { external_id: saved.orgKey });
      Object.assign(user, { external_id: saved.userKey, email: saved.email, phone: saved.phone });
    }
  });

  it('does not search by phone when the e-mail finds a candidate', async () => {
    const f = CROSSWALK_FIXTURES.serviceDeskMissingKey;
    const got = await read({ id: f.customer, email: 'mirela.castellanos@crosswalk.example', name: 'Mirela Castellanos', phone: '+1 305-555-0162' });
    expect(got.entries.map((e) => [e.recordId, e.matchedOn])).toEqual([[String(f.organizationId), ['email', 'phone']]]);
    expect(got.searches).toBe(1);
  });
});
