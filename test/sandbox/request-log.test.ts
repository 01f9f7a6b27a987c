/**
 * The request log's timings (sandbox/kit/server.ts): when each API call arrived
 * and how long the system took to answer it, injected latency included, so that
 * a client can tell its own time from the time spent waiting on a system.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generateDataset } from '../../sandbox/dataset/generate.js';
import { createSalesforceSandbox, type SalesforceSandbox } from '../../sandbox/salesforce/index.js';
import type { RequestRecord } from '../../sandbox/kit/server.js';

const V = '/services/data/v62.0';

let sf: SalesforceSandbox;
let url: string;
let token: string;
let firstAccountId: string;

async function faults(f: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${url}/__sandbox/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(f) });
  expect(res.status).toBe(200);
}

async function requestsFor(correlationId: string): Promise<RequestRecord[]> {
  const res = await fetch(`${url}/__sandbox/requests?correlationId=${encodeURIComponent(correlationId)}`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { requests: RequestRecord[] }).requests;
}

function call(method: string, path: string, correlationId: string, body?: unknown): Promise<Response> {
  return fetch(`${url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      'x-correlation-id': correlationId,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/** The same clock the sandbox reads, so the window comparison holds to the microsecond. */
const nowMs = (): number => performance.timeOrigin + performance.now();

beforeAll(async () => {
  const dataset = generateDataset({ seed: 11, customers: 20, asOf: new Date('2026-11-20T00:00:00Z') });
  firstAccountId = dataset.salesforce.accounts[0]?.Id ?? '';
  sf = await createSalesforceSandbox({ dataset });
  url = await sf.listen(0);
  const res = await fetch(`${url}/services/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'password', client_id: 'sandbox', client_secret: 'sandbox', username: 'admin@sandbox.example', password: 'sandbox' }),
  });
  token = ((await res.json()) as { access_token: string }).access_token;
});

afterEach(async () => {
  await faults({});
});

afterAll(async () => {
  await sf?.close();
});

describe('request log timings', () => {
  it('records when a call arrived, before injected latency, and how long the answer took, latency included', async () => {
    await faults({ latencyMs: 30 });
    const correlationId = 'timings-latency';
    const before = nowMs();
    const res = await call('GET', `${V}/sobjects/Account/${firstAccountId}`, correlationId);
    expect(res.status).toBe(200);
    await res.arrayBuffer();
    const after = nowMs();

    const [record, ...rest] = await requestsFor(correlationId);
    expect(rest).toEqual([]);
    expect(record).toMatchObject({ method: 'GET', correlationId });
    if (!record) return;
    expect(record.receivedAtMs).toBeGreaterThanOrEqual(before);
    expect(record.receivedAtMs).toBeLessThanOrEqual(after);
    // Sub-millisecond precision survives the JSON round trip; the ISO form is the same instant to the millisecond.
    expect(Date.parse(record.receivedAt)).toBe(Math.floor(record.receivedAtMs));
    expect(record.durationMs).not.toBeNull();
    expect(record.durationMs).toBeGreaterThanOrEqual(30);
    // Arrival and duration both fall inside what the client saw.
    expect(record.receivedAtMs + (record.durationMs ?? 0)).toBeLessThanOrEqual(after);
    // `at` is taken after the injected latency, `receivedAt` before it.
    expect(Date.parse(record.at) - Date.parse(record.receivedAt)).toBeGreaterThanOrEqual(29);
  });

  it('leaves durationMs null when the response never finished', async () => {
    await faults({ dropResponseAfterCommitRate: 1 });
    const correlationId = 'timings-dropped';
    await expect(call('PATCH', `${V}/sobjects/Account/${firstAccountId}`, correlationId, { Preferred_Store__c: 'STORE-007' })).rejects.toThrow();
    const [record] = await requestsFor(correlationId);
    expect(record).toMatchObject({ method: 'PATCH', correlationId, durationMs: null });
    expect(typeof record?.receivedAtMs).toBe('number');
  });
});
