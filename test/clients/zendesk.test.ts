import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { randomUUID } from 'node:crypto';
import { generateDataset } from '../../sandbox/dataset/generate.js';
import type { RetailDataset } from '../../sandbox/dataset/model.js';
import { createZendeskSandbox, ZENDESK_SANDBOX_CREDENTIALS, type ZendeskSandbox } from '../../sandbox/zendesk/index.js';
import { createZendeskClient, searchPhrase, zendeskLimiter, type ZendeskClient } from '../../lib/clients/zendesk.js';
import { loadCommonConfig, loadZendeskConfig } from '../../lib/config.js';
import { runInScope } from '../../lib/context.js';
import { UpstreamError } from '../../lib/errors.js';
import { localLimiter } from '../../lib/limits.js';

let dataset: RetailDataset;
let sandbox: ZendeskSandbox;
let base: string;
let client: ZendeskClient;

/** Runs fn as one request would, so its calls carry a correlation id; answers the calls that reached Zendesk. */
async function counted<T>(fn: () => Promise<T>): Promise<{ result: T; calls: Record<string, number>; total: number }> {
  const cid = randomUUID();
  const result = await runInScope({ correlationId: cid, traceparent: `00-${'1'.repeat(32)}-${'2'.repeat(16)}-01` }, fn);
  const stats = (await (await fetch(`${base}/__sandbox/stats?correlationId=${cid}`)).json()) as { total: number; calls: Record<string, number> };
  return { result, ...stats };
}

async function failure(p: Promise<unknown>): Promise<UpstreamError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof UpstreamError) return e;
    throw e;
  }
  throw new Error('expected an UpstreamError');
}

async function setFaults(f: Record<string, unknown>): Promise<void> {
  await fetch(`${base}/__sandbox/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(f) });
}

/** An organization with at least `n` tickets. */
function busyOrg(n: number): { id: number; tickets: number } {
  const counts = new Map<number, number>();
  for (const t of dataset.zendesk.tickets) if (t.organization_id !== null) counts.set(t.organization_id, (counts.get(t.organization_id) ?? 0) + 1);
  const hit = [...counts].find(([, c]) => c >= n);
  if (!hit) throw new Error(`no organization with ${n} tickets`);
  return { id: hit[0], tickets: hit[1] };
}

beforeAll(async () => {
  dataset = generateDataset({ seed: 5, customers: 200, asOf: new Date('2026-11-20T00:00:00Z') });
  sandbox = await createZendeskSandbox({ dataset });
  base = await sandbox.listen(0);
  client = createZendeskClient(loadZendeskConfig({ ZENDESK_BASE_URL: `${base}/api/v2` }), { limiter: localLimiter({}), policy: { retries: 0 } });
});

afterAll(async () => {
  await sandbox?.close();
});

describe('authentication', () => {
  it('signs in with the API token by default and with an OAuth bearer when configured', async () => {
    expect(await client.get('tickets/1.json')).toMatchObject({ ticket: { id: 1 } });
    const oauth = createZendeskClient(
      loadZendeskConfig({ ZENDESK_BASE_URL: `${base}/api/v2`, ZENDESK_OAUTH_TOKEN: ZENDESK_SANDBOX_CREDENTIALS.oauthToken }),
      { limiter: localLimiter({}) },
    );
    expect(await oauth.get('tickets/1.json')).toMatchObject({ ticket: { id: 1 } });
  });

  it('reports a refused credential as an UPSTREAM_ERROR with the status', async () => {
    const wrong = createZendeskClient(loadZendeskConfig({ ZENDESK_BASE_URL: `${base}/api/v2`, ZENDESK_API_TOKEN: 'wrong' }), { limiter: localLimiter({}) });
    const e = await failure(wrong.get('tickets/1.json'));
    expect(e).toMatchObject({ system: 'SERVICE_DESK', failure: 'error', details: { status: 401 } });
  });
});

describe('pagination', () => {
  it('follows offset next_page links until the list ends, one call per page', async () => {
    const org = busyOrg(3);
    const { result, calls } = await counted(() => client.list<{ id: number }>(`organizations/${org.id}/tickets.json`, { per_page: 1 }, 'tickets'));
    expect(result.items).toHaveLength(org.tickets);
    expect(result).toMatchObject({ count: org.tickets, truncated: false });
    expect(calls).toEqual({ 'GET /api/v2/organizations/:organization_id/tickets': org.tickets });
  });

  it('stops at maxItems and says the list was truncated', async () => {
    const org = busyOrg(3);
    const { result, total } = await counted(() => client.list(`organizations/${org.id}/tickets.json`, { per_page: 1 }, 'tickets', { maxItems: 2 }));
    expect(result.items).toHaveLength(2);
    expect(result.truncated).toBe(true);
    expect(total).toBe(2);
  });

  it('follows cursor pagination (meta.has_more, links.next)', async () => {
    const org = busyOrg(3);
    const { result, total } = await counted(() => client.list<{ id: number }>(`organizations/${org.id}/tickets.json`, { 'page[size]': 1 }, 'tickets'));
    expect(new Set(result.items.map((t) => t.id)).size).toBe(org.tickets);
    expect(result.count).toBeNull();
    expect(total).toBe(org.tickets);
  });
});

describe('errors', () => {
  it('answers null for a missing record when asked to', async () => {
    expect(await client.get('tickets/999999999.json', {}, { notFound: 'null' })).toBeNull();
  });

  it("maps an unexpected 404 on a list to UPSTREAM_ERROR carrying Zendesk's RecordNotFound", async () => {
    const e = await failure(client.list('organizations/1/tickets.json', {}, 'tickets'));
    expect(e).toMatchObject({ failure: 'error', code: 'UPSTREAM_ERROR', details: { status: 404, upstreamCode: 'RecordNotFound' } });
  });

  it('maps 503 to unavailable and 429 to rate limited with Retry-After', async () => {
    try {
      await setFaults({ down: true });
      expect(await failure(client.get('tickets/1.json'))).toMatchObject({ failure: 'unavailable', code: 'UPSTREAM_UNAVAILABLE' });
      await setFaults({ rateLimitPerMinute: 1 });
      await client.get('tickets/1.json');
      const e = await failure(client.get('tickets/1.json'));
      expect(e).toMatchObject({ failure: 'rate_limited', code: 'UPSTREAM_RATE_LIMITED', details: { status: 429 } });
      expect(e.details.retryAfterSeconds).toBeGreaterThan(0);
    } finally {
      await setFaults({});
    }
  });
});

describe('limits and literals', () => {
  it('shares one in-process limiter per Zendesk host', () => {
    const common = loadCommonConfig({});
    const a = zendeskLimiter(common, loadZendeskConfig({ ZENDESK_BASE_URL: 'https://acme.zendesk.com/api/v2' }));
    const b = zendeskLimiter(common, loadZendeskConfig({ ZENDESK_BASE_URL: 'https://acme.zendesk.com/api/v2' }));
    const c = zendeskLimiter(common, loadZendeskConfig({ ZENDESK_BASE_URL: 'https://other.zendesk.com/api/v2' }));
    expect(a).toBe(b);
    expect(c).not.toBe(a);
  });

  it('quotes search values so that a quote cannot end the phrase', () => {
    expect(searchPhrase('SO-100234')).toBe('"SO-100234"');
    expect(searchPhrase('x" organization:*')).toBe('"x  organization:*"');
  });
});
