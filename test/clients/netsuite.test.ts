import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { randomUUID } from 'node:crypto';
import { generateDataset } from '../../sandbox/dataset/generate.js';
import { createNetSuiteSandbox, type NetSuiteSandbox } from '../../sandbox/netsuite/index.js';
import { createNetSuiteClient, suiteqlString, type NetSuiteClient } from '../../lib/clients/netsuite.js';
import { loadNetSuiteConfig } from '../../lib/config.js';
import { runInScope } from '../../lib/context.js';
import { UpstreamError } from '../../lib/errors.js';

let sandbox: NetSuiteSandbox;
let base: string;
let client: NetSuiteClient;

const config = (env: Record<string, string> = {}) => loadNetSuiteConfig({ NETSUITE_BASE_URL: `${base}/services/rest`, ...env });

/** Runs `fn` as one request with its own correlation id, and returns what reached the sandbox. */
async function measured<T>(fn: () => Promise<T>): Promise<{ result: T; calls: Record<string, number>; total: number }> {
  const correlationId = randomUUID();
  const result = await runInScope({ correlationId, traceparent: `00-${'1'.repeat(32)}-${'2'.repeat(16)}-01` }, fn);
  const stats = (await (await fetch(`${base}/__sandbox/stats?correlationId=${correlationId}`)).json()) as { total: number; calls: Record<string, number> };
  return { result, calls: stats.calls, total: stats.total };
}

async function setFaults(faults: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${base}/__sandbox/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(faults) });
  expect(res.status).toBeLessThan(300);
}

beforeAll(async () => {
  const dataset = generateDataset({ seed: 7, customers: 200, asOf: new Date('2026-11-20T12:00:00Z') });
  sandbox = await createNetSuiteSandbox({ dataset });
  base = await sandbox.listen(0, '127.0.0.1');
  client = createNetSuiteClient(config());
});

afterAll(async () => {
  await sandbox?.close();
});

describe('NetSuite client against the sandbox', () => {
  it('runs SuiteQL with token-based auth; values come back as strings', async () => {
    const { result, total } = await measured(() =>
      client.suiteql(`SELECT id, externalid, companyname FROM customer WHERE externalid = ${suiteqlString('C-000003')}`),
    );
    expect(total).toBe(1);
    expect(result.items).toHaveLength(1);
    expect(result.items[0]?.externalid).toBe('C-000003');
    expect(typeof result.items[0]?.id).toBe('string');
    expect(result.truncated).toBe(false);
  });

  it('follows hasMore pages: ceil(rows / pageSize) calls', async () => {
    const small = createNetSuiteClient(config({ NETSUITE_PAGE_SIZE: '100' }));
    const all = await small.suiteql(`SELECT COUNT(*) AS n FROM transaction WHERE type = 'SalesOrd'`);
    const n = Number(all.items[0]?.n);
    expect(n).toBeGreaterThan(250);
    const { result, calls } = await measured(() => small.suiteql(`SELECT id FROM transaction WHERE type = 'SalesOrd' ORDER BY id`, { maxRows: 250 }));
    expect(result.items).toHaveLength(250);
    expect(result.truncated).toBe(true);
    expect(result.totalResults).toBe(n);
    expect(calls['POST /services/rest/query/v1/suiteql']).toBe(3);
    const ids = result.items.map((r) => Number(r.id));
    expect(new Set(ids).size).toBe(250);
  });

  it('keeps a hostile literal a literal', async () => {
    const { result } = await measured(() => client.suiteql(`SELECT id FROM customer WHERE externalid = ${suiteqlString("x' OR '1'='1")}`));
    expect(result.items).toHaveLength(0);
  });

  it('reads a record by external id, and null for an unknown one', async () => {
    const rec = await client.getRecord<{ externalId?: string; id?: string }>('customer', 'eid:C-000003');
    expect(rec).not.toBeNull();
    expect(await client.getRecord('customer', 'eid:C-999999')).toBeNull();
  });

  it('maps a refused login to UPSTREAM_ERROR with INVALID_LOGIN, without retrying', async () => {
    const bad = createNetSuiteClient(config({ NETSUITE_TOKEN_SECRET: 'wrong' }));
    const { result, total } = await measured(() => bad.suiteql('SELECT id FROM customer').catch((e: unknown) => e));
    expect(result).toBeInstanceOf(UpstreamError);
    const e = result as UpstreamError;
    expect(e.system).toBe('ERP');
    expect(e.failure).toBe('error');
    expect(e.details.upstreamCode).toBe('INVALID_LOGIN');
    expect(total).toBe(1);
  });

  it('maps a bad query to UPSTREAM_ERROR carrying NetSuite\'s code', async () => {
    const e = (await client.suiteql('SELECT nosuchcolumn FROM customer').catch((x: unknown) => x)) as UpstreamError;
    expect(e).toBeInstanceOf(UpstreamError);
    expect(e.failure).toBe('error');
    expect(e.details.upstreamCode).toBeTruthy();
  });

  it('reports the ERP down as unavailable, after retrying the read', async () => {
    await setFaults({ down: true });
    try {
      const quick = createNetSuiteClient(config(), { policy: { backoffMs: 1 } });
      const { result, total } = await measured(() => quick.suiteql('SELECT id FROM customer').catch((e: unknown) => e));
      expect(result).toBeInstanceOf(UpstreamError);
      expect((result as UpstreamError).failure).toBe('unavailable');
      expect(total).toBe(3);
    } finally {
      await setFaults({});
    }
  });

  it('holds concurrent calls to the account limit instead of tripping the 429', async () => {
    const limited = createNetSuiteClient(config({ NETSUITE_MAX_CONCURRENT: '2' }));
    await setFaults({ maxConcurrent: 2, latencyMs: 30 });
    try {
      const results = await Promise.all(Array.from({ length: 8 }, () => limited.suiteql('SELECT id FROM term')));
      expect(results.every((r) => r.items.length > 0)).toBe(true);
    } finally {
      await setFaults({});
    }
  });

  it('re-signs every retry with a fresh nonce (a 429 followed by success)', async () => {
    await setFaults({ maxConcurrent: 1, latencyMs: 50 });
    try {
      // Two clients with separate in-process limiters collide at the sandbox; the loser retries.
      const a = createNetSuiteClient(config(), { policy: { backoffMs: 60, retries: 4 } });
      const b = createNetSuiteClient(config(), { policy: { backoffMs: 60, retries: 4 } });
      const [ra, rb] = await Promise.all([a.suiteql('SELECT id FROM term'), b.suiteql('SELECT id FROM term')]);
      expect(ra.items.length).toBeGreaterThan(0);
      expect(rb.items.length).toBeGreaterThan(0);
    } finally {
      await setFaults({});
    }
  });
});
