import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { generateDataset } from '../../sandbox/dataset/generate.js';
import { CROSSWALK_FIXTURES } from '../../sandbox/dataset/crosswalk.js';
import { ORDER_NUMBER_FIELD_ID, type RetailDataset } from '../../sandbox/dataset/model.js';
import { createZendeskSandbox, ZENDESK_SANDBOX_CREDENTIALS, type ZendeskSandbox } from '../../sandbox/zendesk/index.js';

const BASIC = `Basic ${Buffer.from(`${ZENDESK_SANDBOX_CREDENTIALS.email}/token:${ZENDESK_SANDBOX_CREDENTIALS.apiToken}`).toString('base64')}`;

let dataset: RetailDataset;
let sandbox: ZendeskSandbox;
let base: string;

interface Res {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Res> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: BASIC, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: Record<string, unknown> = {};
  try {
    parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    parsed = { text };
  }
  return { status: res.status, headers: res.headers, body: parsed };
}

type Json = Record<string, unknown>;
const tickets = (r: Res): Json[] => r.body.tickets as Json[];

function org(externalId: string): { id: number } {
  const o = dataset.zendesk.organizations.find((x) => x.external_id === externalId);
  if (!o) throw new Error(`fixture ${externalId} missing`);
  return o;
}

async function setFaults(f: Record<string, unknown>): Promise<void> {
  const r = await fetch(`${base}/__sandbox/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(f) });
  expect(r.status).toBe(200);
}

beforeAll(async () => {
  dataset = generateDataset({ seed: 7, customers: 200, asOf: new Date('2026-11-20T00:00:00Z') });
  sandbox = await createZendeskSandbox({ dataset, incrementalExclusionSeconds: 0, incrementalRateLimitPerMinute: 1000 });
  base = await sandbox.listen(0);
});

afterAll(async () => {
  await sandbox.close();
});

describe('auth', () => {
  it('refuses a missing or wrong credential with 401 and Zendesk\'s body', async () => {
    const none = await fetch(`${base}/api/v2/tickets/1.json`);
    expect(none.status).toBe(401);
    expect(await none.json()).toEqual({ error: "Couldn't authenticate you" });
    const wrong = await call('GET', '/api/v2/tickets/1.json', undefined, {
      authorization: `Basic ${Buffer.from('agent@sandbox.example/token:nope').toString('base64')}`,
    });
    expect(wrong.status).toBe(401);
  });

  it('accepts API-token Basic auth and the sandbox OAuth bearer token, with or without .json', async () => {
    const a = await call('GET', '/api/v2/tickets/1.json');
    const b = await call('GET', '/api/v2/tickets/1', undefined, { authorization: `Bearer ${ZENDESK_SANDBOX_CREDENTIALS.oauthToken}` });
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    expect(a.body).toEqual(b.body);
    expect((a.body.ticket as Json).id).toBe(1);
  });

  it('answers an unknown ticket with RecordNotFound', async () => {
    const r = await call('GET', '/api/v2/tickets/99999999.json');
    expect(r.status).toBe(404);
    expect(r.body).toEqual({ error: 'RecordNotFound', description: 'Not found' });
  });
});

describe('ticket create and Idempotency-Key', () => {
  const payload = (subject: string) => ({
    ticket: {
      subject,
      comment: { body: 'My parcel has not arrived.' },
      requester: { name: 'Idem Potent', email: 'idem@example.org' },
      custom_fields: [{ id: ORDER_NUMBER_FIELD_ID, value: 'SO-1' }],
    },
  });

  it('creates one ticket for the same key sent twice in sequence, with miss then hit', async () => {
    const before = sandbox.store.tickets.size;
    const first = await call('POST', '/api/v2/tickets.json', payload('Where is my order?'), { 'idempotency-key': 'seq-1' });
    expect(first.status).toBe(201);
    expect(first.headers.get('x-idempotency-lookup')).toBe('miss');
    const t = first.body.ticket as Json;
    expect(first.headers.get('location')).toBe(`${base}/api/v2/tickets/${String(t.id)}.json`);
    expect(t.status).toBe('new');
    expect(t.custom_fields).toEqual([{ id: ORDER_NUMBER_FIELD_ID, value: 'SO-1' }]);
    const again = await call('POST', '/api/v2/tickets.json', payload('Where is my order?'), { 'idempotency-key': 'seq-1' });
    expect(again.status).toBe(201);
    expect(again.headers.get('x-idempotency-lookup')).toBe('hit');
    expect((again.body.ticket as Json).id).toBe(t.id);
    expect(sandbox.store.tickets.size).toBe(before + 1);
  });

  it('creates one ticket for the same key sent concurrently', async () => {
    const before = sandbox.store.tickets.size;
    const all = await Promise.all(
      Array.from({ length: 5 }, () => call('POST', '/api/v2/tickets', payload('Concurrent'), { 'idempotency-key': 'conc-1' })),
    );
    expect(all.map((r) => r.status)).toEqual([201, 201, 201, 201, 201]);
    expect(new Set(all.map((r) => (r.body.ticket as Json).id)).size).toBe(1);
    expect(all.filter((r) => r.headers.get('x-idempotency-lookup') === 'miss')).toHaveLength(1);
    expect(all.filter((r) => r.headers.get('x-idempotency-lookup') === 'hit')).toHaveLength(4);
    expect(sandbox.store.tickets.size).toBe(before + 1);
  });

  it('refuses the same key with a different body with 400 IdempotentRequestError', async () => {
    await call('POST', '/api/v2/tickets', payload('One'), { 'idempotency-key': 'diff-1' });
    const before = sandbox.store.tickets.size;
    const r = await call('POST', '/api/v2/tickets', payload('Two'), { 'idempotency-key': 'diff-1' });
    expect(r.status).toBe(400);
    expect(r.body.error).toBe('IdempotentRequestError');
    expect(sandbox.store.tickets.size).toBe(before);
  });

  it('answers a ticket without a comment with 422 RecordInvalid details', async () => {
    const r = await call('POST', '/api/v2/tickets', { ticket: { subject: 'x' } });
    expect(r.status).toBe(422);
    expect(r.body).toEqual({
      error: 'RecordInvalid',
      description: 'Record validation errors',
      details: { description: [{ description: 'Description: cannot be blank', error: 'BlankValue' }] },
    });
  });

  it('takes the requester by id and the organization from the requester', async () => {
    const user = dataset.zendesk.users.find((u) => u.external_id === 'C-000002');
    const r = await call('POST', '/api/v2/tickets', { ticket: { subject: 'Hi', comment: { body: 'Hello' }, requester_id: user?.id } });
    expect(r.status).toBe(201);
    expect((r.body.ticket as Json).requester_id).toBe(user?.id);
    expect((r.body.ticket as Json).organization_id).toBe(org('C-000002').id);
  });
});

describe('ticket update', () => {
  let id: number;
  beforeAll(async () => {
    const r = await call('POST', '/api/v2/tickets', { ticket: { subject: 'Update me', comment: { body: 'first' }, priority: 'normal' } });
    id = (r.body.ticket as Json).id as number;
  });

  it('adds comments through update, private ones flagged public:false, and lists them', async () => {
    const upd = await call('PUT', `/api/v2/tickets/${id}.json`, { ticket: { status: 'open', comment: { body: 'internal note', public: false } } });
    expect(upd.status).toBe(200);
    expect((upd.body.ticket as Json).status).toBe('open');
    const audit = upd.body.audit as Json;
    const events = audit.events as Json[];
    expect(events.find((e) => e.type === 'Comment')?.public).toBe(false);
    expect(events.find((e) => e.type === 'Change' && e.field_name === 'status')).toMatchObject({ value: 'open', previous_value: 'new' });
    const list = await call('GET', `/api/v2/tickets/${id}/comments.json`);
    const comments = list.body.comments as Json[];
    expect(comments.map((c) => [c.body, c.public])).toEqual([
      ['first', true],
      ['internal note', false],
    ]);
    expect(comments[1]).toMatchObject({ author_id: sandbox.store.agent.id, plain_body: 'internal note', type: 'Comment' });
    expect(String(comments[1]?.html_body)).toContain('internal note');
    expect(list.body.count).toBe(2);
  });

  it('dataset tickets expose their private comments too', async () => {
    const priv = dataset.zendesk.comments.find((c) => !c.public);
    expect(priv).toBeDefined();
    const r = await call('GET', `/api/v2/tickets/${priv?.ticket_id}/comments`);
    expect((r.body.comments as Json[]).some((c) => c.id === priv?.id && c.public === false)).toBe(true);
  });

  it('refuses a safe_update with an outdated updated_stamp with 409 UpdateConflict', async () => {
    const cur = await call('GET', `/api/v2/tickets/${id}`);
    const stamp = (cur.body.ticket as Json).updated_at as string;
    const ok = await call('PUT', `/api/v2/tickets/${id}`, { ticket: { priority: 'high', safe_update: true, updated_stamp: stamp } });
    expect(ok.status).toBe(200);
    const stale = await call('PUT', `/api/v2/tickets/${id}`, { ticket: { priority: 'low', safe_update: true, updated_stamp: stamp } });
    expect(stale.status).toBe(409);
    expect(stale.body.error).toBe('UpdateConflict');
    expect(typeof stale.body.description).toBe('string');
    const after = await call('GET', `/api/v2/tickets/${id}`);
    expect((after.body.ticket as Json).priority).toBe('high');
  });

  it('lets a solved ticket reopen, and refuses any update of a closed ticket', async () => {
    expect((await call('PUT', `/api/v2/tickets/${id}`, { ticket: { status: 'solved' } })).status).toBe(200);
    const reopened = await call('PUT', `/api/v2/tickets/${id}`, { ticket: { status: 'open' } });
    expect(reopened.status).toBe(200);
    expect((reopened.body.ticket as Json).status).toBe('open');
    const closed = await fetch(`${base}/__sandbox/actions/close-case`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ caseId: id }),
    });
    expect(closed.status).toBe(200);
    const refused = await call('PUT', `/api/v2/tickets/${id}`, { ticket: { comment: { body: 'too late' } } });
    expect(refused.status).toBe(422);
    expect(refused.body).toEqual({
      error: 'RecordInvalid',
      description: 'Record validation errors',
      details: { status: [{ description: 'Status: closed prevents ticket update', error: 'InvalidValue' }] },
    });
    const action = await fetch(`${base}/__sandbox/actions/solve-case`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ caseId: String(id) }),
    });
    expect(action.status).toBe(400);
  });

  it('a customer reply reopens a pending ticket', async () => {
    const t = dataset.zendesk.tickets.find((x) => x.status === 'pending');
    if (!t) return;
    const r = await fetch(`${base}/__sandbox/actions/customer-reply`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ caseId: t.id, body: 'Any news?' }),
    });
    expect(r.status).toBe(200);
    expect(((await call('GET', `/api/v2/tickets/${t.id}`)).body.ticket as Json).status).toBe('open');
  });
});

describe('lists and lookups', () => {
  it('show_many returns the asked tickets and refuses more than 100 ids', async () => {
    const r = await call('GET', '/api/v2/tickets/show_many.json?ids=1,2,99999999');
    expect(r.status).toBe(200);
    expect(tickets(r).map((t) => t.id)).toEqual([1, 2]);
    const many = Array.from({ length: 101 }, (_, i) => i + 1).join(',');
    expect((await call('GET', `/api/v2/tickets/show_many?ids=${many}`)).status).toBe(400);
  });

  it('finds organizations and users by external_id, case-insensitively', async () => {
    const r = await call('GET', '/api/v2/organizations/show_many.json?external_ids=c-000001,C-000002,NOPE');
    expect((r.body.organizations as Json[]).map((o) => o.external_id)).toEqual(['C-000001', 'C-000002']);
    const s = await call('GET', '/api/v2/organizations/search.json?external_id=c-000007');
    expect((s.body.organizations as Json[]).map((o) => o.id)).toEqual([org('C-000007').id]);
    const one = await call('GET', `/api/v2/organizations/${org('C-000008').id}.json`);
    expect((one.body.organization as Json).external_id).toBe('C-000008');
    const users = await call('GET', '/api/v2/users/show_many?external_ids=C-000001');
    expect((users.body.users as Json[]).map((u) => u.external_id)).toEqual(['C-000001']);
    const us = await call('GET', '/api/v2/users/search?external_id=c-000003');
    expect((us.body.users as Json[]).map((u) => u.external_id)).toEqual(['C-000003']);
  });

  it('searches users by phone: digits equal, or with a leading * however the number is written', async () => {
    const f = CROSSWALK_FIXTURES.serviceDeskMissingKey;
    expect(sandbox.store.users.get(f.userId)?.phone).toBe('(305) 555-0162');
    const ids = async (query: string): Promise<number[]> =>
      ((await call('GET', `/api/v2/users/search?query=${encodeURIComponent(query)}`)).body.users as Json[]).map((u) => u.id as number);
    const endingWith = (digits: string): number[] =>
      [...sandbox.store.users.values()].filter((u) => u.role === 'end-user' && (u.phone ?? '').replace(/\D/g, '').endsWith(digits)).map((u) => u.id);
    expect(await ids('role:end-user phone:*3055550162')).toEqual(endingWith('3055550162'));
    expect(await ids('role:end-user phone:*3055550162')).toContain(f.userId);
    expect(await ids('phone:3055550162')).toContain(f.userId);
    expect(await ids('phone:13055550162')).not.toContain(f.userId);
    expect(await ids('phone:*13055550162')).not.toContain(f.userId);
    expect(await ids('phone:*305-555-0162')).toEqual([]);
  });

  it('lists an organization\'s tickets with offset and cursor pagination', async () => {
    const o = org('C-000001');
    const offset = await call('GET', `/api/v2/organizations/${o.id}/tickets.json?per_page=1`);
    expect(offset.status).toBe(200);
    expect(offset.body.count).toBeGreaterThanOrEqual(1);
    expect(offset.body).toHaveProperty('next_page');
    expect(offset.body.previous_page).toBeNull();
    const ticket = tickets(offset)[0];
    expect(ticket?.custom_fields).toEqual(expect.arrayContaining([expect.objectContaining({ id: ORDER_NUMBER_FIELD_ID })]));

    const requester = dataset.zendesk.tickets.reduce<Map<number, number>>((m, t) => m.set(t.requester_id, (m.get(t.requester_id) ?? 0) + 1), new Map());
    const [userId, n] = [...requester.entries()].sort((a, b) => b[1] - a[1])[0] ?? [0, 0];
    expect(n).toBeGreaterThan(1);
    const seen: number[] = [];
    let next: string | null = `/api/v2/users/${userId}/tickets/requested?page[size]=1&sort=-updated_at`;
    while (next) {
      const r = await call('GET', next.replace(base, ''));
      expect(r.status).toBe(200);
      seen.push(...tickets(r).map((t) => t.id as number));
      const meta = r.body.meta as { has_more: boolean };
      const links = r.body.links as { next: string | null };
      next = meta.has_more ? links.next : null;
    }
    expect(seen).toHaveLength(n);
    expect(new Set(seen).size).toBe(n);
    expect((await call('GET', `/api/v2/users/${userId}/tickets/requested?page[size]=101`)).status).toBe(400);
  });
});

describe('search', () => {
  it('filters by organization id, status comparison and type', async () => {
    const o = org('C-000001');
    const r = await call('GET', `/api/v2/search.json?query=${encodeURIComponent(`type:ticket organization:${o.id} status<solved`)}`);
    expect(r.status).toBe(200);
    const results = r.body.results as Json[];
    expect(results.length).toBeGreaterThanOrEqual(1);
    for (const t of results) {
      expect(t.result_type).toBe('ticket');
      expect(t.organization_id).toBe(o.id);
      expect(['new', 'open', 'pending', 'hold']).toContain(t.status);
    }
    expect(r.body.count).toBe(results.length);
    expect(r.body.facets).toBeNull();
  });

  it('finds a ticket by the order-number custom field', async () => {
    const t = dataset.zendesk.tickets.find((x) => x.custom_fields.some((f) => f.id === ORDER_NUMBER_FIELD_ID && f.value));
    const order = t?.custom_fields.find((f) => f.id === ORDER_NUMBER_FIELD_ID)?.value;
    expect(order).toBeTruthy();
    const r = await call('GET', `/api/v2/search?query=${encodeURIComponent(`type:ticket custom_field_${ORDER_NUMBER_FIELD_ID}:${order}`)}`);
    expect((r.body.results as Json[]).map((x) => x.id)).toContain(t?.id);
    for (const x of r.body.results as Json[]) {
      expect((x.custom_fields as Json[]).find((f) => f.id === ORDER_NUMBER_FIELD_ID)?.value).toBe(order);
    }
  });

  it('ORs repeated values of one property and ANDs different properties', async () => {
    const q = (s: string) => call('GET', `/api/v2/search?query=${encodeURIComponent(s)}`).then((r) => r.body.count as number);
    const open = await q('type:ticket status:open');
    const pending = await q('type:ticket status:pending');
    expect(await q('type:ticket status:open status:pending')).toBe(open + pending);
    expect(await q('type:ticket status:open priority:urgent')).toBeLessThanOrEqual(open);
    const count = await call('GET', `/api/v2/search/count.json?query=${encodeURIComponent('type:ticket status:open')}`);
    expect(count.body).toEqual({ count: open });
  });

  it('pages with per_page, caps at 1000 results and answers 422 beyond', async () => {
    const p1 = await call('GET', '/api/v2/search?query=type%3Aticket&per_page=10&page=1&sort_by=created_at&sort_order=asc');
    const p2 = await call('GET', '/api/v2/search?query=type%3Aticket&per_page=10&page=2&sort_by=created_at&sort_order=asc');
    expect((p1.body.results as Json[]).length).toBe(10);
    expect(p1.body.count).toBeGreaterThan(20);
    expect(String(p1.body.next_page)).toContain('page=2');
    const ids1 = (p1.body.results as Json[]).map((x) => x.id);
    const ids2 = (p2.body.results as Json[]).map((x) => x.id);
    expect(ids1.filter((x) => ids2.includes(x))).toEqual([]);
    const beyond = await call('GET', '/api/v2/search?query=type%3Aticket&per_page=100&page=11');
    expect(beyond.status).toBe(422);
  });

  it('matches hostile input as text instead of failing', async () => {
    for (const s of ['"unterminated', 'status:', ':::', '(a OR b)) "x":"y"', "O'Brien", '-', 'custom_field_abc:1', 'created>notadate', 'Müller']) {
      const r = await call('GET', `/api/v2/search?query=${encodeURIComponent(s)}`);
      expect(r.status, s).toBe(200);
      expect(Array.isArray(r.body.results)).toBe(true);
    }
    const user = await call('GET', `/api/v2/search?query=${encodeURIComponent('type:user "O\'Brien"')}`);
    expect((user.body.results as Json[]).some((u) => String(u.name).includes("O'Brien"))).toBe(true);
  });
});

describe('incremental export', () => {
  it('walks the cursor to end_of_stream, ordered by update time, every ticket once', async () => {
    // A burst of updates may stamp a ticket a second or two ahead (see README);
    // everything stamped up to now must be in the walk.
    const startedAt = Date.now();
    const due = [...sandbox.store.tickets.values()].filter((t) => t.updatedMs <= startedAt).map((t) => t.id);
    const seen: number[] = [];
    let url = '/api/v2/incremental/tickets/cursor.json?start_time=0&per_page=25';
    let last = 0;
    for (let i = 0; i < 100; i++) {
      const r = await call('GET', url);
      expect(r.status).toBe(200);
      for (const t of tickets(r)) {
        const at = Date.parse(t.updated_at as string);
        expect(at).toBeGreaterThanOrEqual(last);
        last = at;
        seen.push(t.id as number);
      }
      expect(r.body.before_cursor).toBeNull();
      expect(typeof r.body.after_cursor).toBe('string');
      if (r.body.end_of_stream === true) break;
      url = String(r.body.after_url).replace(base, '');
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(expect.arrayContaining(due));
    expect(due.length).toBeGreaterThan(100);
  });

  it('needs start_time or cursor', async () => {
    expect((await call('GET', '/api/v2/incremental/tickets/cursor')).status).toBe(400);
  });
});

describe('rate limits, faults and stats', () => {
  it('reports X-Rate-Limit headers and answers 429 with Retry-After past the plan limit', async () => {
    const limited = await createZendeskSandbox({ dataset, rateLimitPerMinute: 3 });
    const url = await limited.listen(0);
    try {
      const statuses: number[] = [];
      let lastHeaders: Headers | null = null;
      for (let i = 0; i < 4; i++) {
        const r = await fetch(`${url}/api/v2/tickets/1.json`, { headers: { authorization: BASIC } });
        statuses.push(r.status);
        lastHeaders = r.headers;
        if (i === 0) {
          expect(r.headers.get('x-rate-limit')).toBe('3');
          expect(r.headers.get('x-rate-limit-remaining')).toBe('2');
        }
        await r.arrayBuffer();
      }
      expect(statuses).toEqual([200, 200, 200, 429]);
      expect(Number(lastHeaders?.get('retry-after'))).toBeGreaterThan(0);
      expect(lastHeaders?.get('x-rate-limit-remaining')).toBe('0');
    } finally {
      await limited.close();
    }
  });

  it('limits the incremental export on its own', async () => {
    const s = await createZendeskSandbox({ dataset, incrementalRateLimitPerMinute: 2, incrementalExclusionSeconds: 0 });
    const url = await s.listen(0);
    try {
      const get = () => fetch(`${url}/api/v2/incremental/tickets/cursor.json?start_time=0`, { headers: { authorization: BASIC } });
      expect((await get()).status).toBe(200);
      expect((await get()).status).toBe(200);
      const third = await get();
      expect(third.status).toBe(429);
      expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await fetch(`${url}/api/v2/tickets/1`, { headers: { authorization: BASIC } })).status).toBe(200);
    } finally {
      await s.close();
    }
  });

  it('answers 503 when down, repeats seeded errors, shows latency, and {} restores', async () => {
    await setFaults({ down: true });
    const down = await call('GET', '/api/v2/tickets/1');
    expect(down.status).toBe(503);
    expect(down.headers.get('retry-after')).toBeTruthy();

    const run = async (): Promise<number[]> => {
      await setFaults({ errorRate: 0.5, seed: 42 });
      const out: number[] = [];
      for (let i = 0; i < 12; i++) out.push((await call('GET', '/api/v2/tickets/1')).status);
      return out;
    };
    const a = await run();
    const b = await run();
    expect(a).toEqual(b);
    expect(a).toContain(500);
    expect(a).toContain(200);

    await setFaults({ latencyMs: 150 });
    const t0 = performance.now();
    await call('GET', '/api/v2/tickets/1');
    expect(performance.now() - t0).toBeGreaterThanOrEqual(140);

    await setFaults({ latencyMs: 200, maxConcurrent: 1 });
    const both = await Promise.all([call('GET', '/api/v2/tickets/1'), call('GET', '/api/v2/tickets/2')]);
    expect(both.map((r) => r.status).sort()).toEqual([200, 429]);

    await setFaults({ rateLimitPerMinute: 1 });
    await call('GET', '/api/v2/tickets/1');
    const rl = await call('GET', '/api/v2/tickets/1');
    expect(rl.status).toBe(429);
    expect(rl.headers.get('retry-after')).toBeTruthy();

    await setFaults({});
    expect((await call('GET', '/api/v2/tickets/1')).status).toBe(200);
  });

  it('commits a create whose response is dropped', async () => {
    await setFaults({ dropResponseAfterCommitRate: 1 });
    const before = sandbox.store.tickets.size;
    await expect(
      call('POST', '/api/v2/tickets', { ticket: { subject: 'Dropped', comment: { body: 'lost response' } } }, { 'idempotency-key': 'drop-1' }),
    ).rejects.toThrow();
    await setFaults({});
    expect(sandbox.store.tickets.size).toBe(before + 1);
    const retry = await call('POST', '/api/v2/tickets', { ticket: { subject: 'Dropped', comment: { body: 'lost response' } } }, { 'idempotency-key': 'drop-1' });
    expect(retry.status).toBe(201);
    expect(retry.headers.get('x-idempotency-lookup')).toBe('hit');
    expect(sandbox.store.tickets.size).toBe(before + 1);
  });

  it('counts per route template, filters by correlation id, and resets', async () => {
    await fetch(`${base}/__sandbox/stats/reset`, { method: 'POST' });
    await call('GET', '/api/v2/tickets/1.json', undefined, { 'x-correlation-id': 'zd-stats' });
    await call('GET', '/api/v2/tickets/2', undefined, { 'x-correlation-id': 'zd-stats' });
    await call('GET', '/api/v2/search?query=status%3Aopen');
    const all = (await (await fetch(`${base}/__sandbox/stats`)).json()) as { total: number; calls: Record<string, number> };
    expect(all.calls['GET /api/v2/tickets/:ticket_id']).toBe(2);
    expect(all.calls['GET /api/v2/search']).toBe(1);
    const mine = (await (await fetch(`${base}/__sandbox/stats?correlationId=zd-stats`)).json()) as { total: number; calls: Record<string, number> };
    expect(mine).toEqual({ total: 2, calls: { 'GET /api/v2/tickets/:ticket_id': 2 } });
    const log = (await (await fetch(`${base}/__sandbox/requests?correlationId=zd-stats`)).json()) as { requests: unknown[] };
    expect(log.requests).toHaveLength(2);
    await fetch(`${base}/__sandbox/stats/reset`, { method: 'POST' });
    expect(await (await fetch(`${base}/__sandbox/stats`)).json()).toEqual({ total: 0, calls: {} });
  });
});
