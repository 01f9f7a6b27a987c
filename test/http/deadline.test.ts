/**
 * One deadline per system-of-record call: its attempts, backoffs, Retry-After
 * waits and the wait for a concurrency slot all fit in it, and running out of it
 * is UPSTREAM_TIMEOUT, not a rate limit. Each connector is driven against its
 * sandbox with a slow system (a 10 s latency fault), and what reached the sandbox
 * is read back from its request log.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { randomUUID } from 'node:crypto';
import { generateDataset } from '../../sandbox/dataset/generate.js';
import type { RetailDataset } from '../../sandbox/dataset/model.js';
import { createNetSuiteSandbox, type NetSuiteSandbox } from '../../sandbox/netsuite/index.js';
import { createZendeskSandbox, type ZendeskSandbox } from '../../sandbox/zendesk/index.js';
import { createSalesforceSandbox, type SalesforceSandbox } from '../../sandbox/salesforce/index.js';
import { createNetSuiteClient } from '../../lib/clients/netsuite.js';
import { createZendeskClient } from '../../lib/clients/zendesk.js';
import { createSalesforceClient, type SalesforceClient } from '../../lib/clients/salesforce.js';
import { loadNetSuiteConfig, loadSalesforceConfig, loadZendeskConfig, ConfigError } from '../../lib/config.js';
import { runInScope } from '../../lib/context.js';
import { UpstreamError, toGraphQLError } from '../../lib/errors.js';
import type { BreakerChange } from '../../lib/http.js';
import { localLimiter } from '../../lib/limits.js';

const SLOW = { latencyMs: 10_000 };
// Generous: these assert behaviour (the deadline holds), not speed.
const MARGIN_MS = 1_000;

let dataset: RetailDataset;
let netsuite: NetSuiteSandbox;
let zendesk: ZendeskSandbox;
let salesforce: SalesforceSandbox;
const urls = { netsuite: '', zendesk: '', salesforce: '' };
const sfClients: SalesforceClient[] = [];

async function setFaults(base: string, faults: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${base}/__sandbox/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(faults) });
  expect(res.status).toBeLessThan(300);
}

interface Arrival {
  route: string;
  receivedAtMs: number;
}

/** Runs `fn` as one request; answers how long it took, what it threw, and the calls that reached the system. */
async function timed(base: string, fn: () => Promise<unknown>): Promise<{ ms: number; startedAt: number; error: UpstreamError; calls: number; arrivals: Arrival[] }> {
  const correlationId = randomUUID();
  const startedAt = performance.timeOrigin + performance.now();
  const outcome = await runInScope({ correlationId, traceparent: `00-${'3'.repeat(32)}-${'4'.repeat(16)}-01` }, fn).then(
    () => undefined,
    (e: unknown) => e,
  );
  const ms = performance.timeOrigin + performance.now() - startedAt;
  expect(outcome).toBeInstanceOf(UpstreamError);
  const stats = (await (await fetch(`${base}/__sandbox/stats?correlationId=${correlationId}`)).json()) as { total: number };
  const log = (await (await fetch(`${base}/__sandbox/requests?correlationId=${correlationId}`)).json()) as { requests: Arrival[] };
  return { ms, startedAt, error: outcome as UpstreamError, calls: stats.total, arrivals: log.requests };
}

beforeAll(async () => {
  dataset = generateDataset({ seed: 11, customers: 60, asOf: new Date('2026-11-20T00:00:00Z') });
  netsuite = await createNetSuiteSandbox({ dataset });
  zendesk = await createZendeskSandbox({ dataset });
  salesforce = await createSalesforceSandbox({ dataset });
  urls.netsuite = await netsuite.listen(0, '127.0.0.1');
  urls.zendesk = await zendesk.listen(0);
  urls.salesforce = await salesforce.listen(0);
});

afterAll(async () => {
  for (const base of Object.values(urls)) if (base) await setFaults(base, {}).catch(() => undefined);
  for (const c of sfClients) await c.close();
  await netsuite?.close();
  await zendesk?.close();
  await salesforce?.close();
});

describe('a slow system costs the caller one deadline, not one timeout per attempt', () => {
  it('NetSuite: the retries share the deadline; every attempt starts inside it; UPSTREAM_TIMEOUT naming the ERP', async () => {
    // Alone, three attempts of 1.5 s each would take 4.5 s.
    const client = createNetSuiteClient(loadNetSuiteConfig({ NETSUITE_BASE_URL: `${urls.netsuite}/services/rest`, NETSUITE_DEADLINE_MS: '2000', NETSUITE_TIMEOUT_MS: '1500' }));
    await setFaults(urls.netsuite, SLOW);
    try {
      const { ms, startedAt, error, calls, arrivals } = await timed(urls.netsuite, () => client.suiteql('SELECT id FROM term'));
      expect(ms).toBeLessThan(2_000 + MARGIN_MS);
      expect(error.failure).toBe('timeout');
      expect(error.system).toBe('ERP');
      expect(toGraphQLError(error).extensions).toMatchObject({ code: 'UPSTREAM_TIMEOUT', system: 'ERP' });
      // It did retry (the first attempt timed out at 1.5 s), and no attempt was sent after the deadline.
      expect(calls).toBe(2);
      for (const a of arrivals) expect(a.receivedAtMs - startedAt).toBeLessThan(2_000);
    } finally {
      await setFaults(urls.netsuite, {});
    }
  });

  it('NetSuite: a wait for a concurrency slot counts against the deadline and is a timeout, not a rate limit', async () => {
    // One slot, held by a call the slow ERP does not answer within its 4 s: the other caller waits in line.
    const limiter = localLimiter({ maxConcurrent: 1 });
    const env = { NETSUITE_BASE_URL: `${urls.netsuite}/services/rest` };
    const holder = createNetSuiteClient(loadNetSuiteConfig({ ...env, NETSUITE_DEADLINE_MS: '4000' }), { limiter });
    const waiter = createNetSuiteClient(loadNetSuiteConfig({ ...env, NETSUITE_DEADLINE_MS: '1500' }), { limiter });
    await setFaults(urls.netsuite, SLOW);
    try {
      const held = timed(urls.netsuite, () => holder.suiteql('SELECT id FROM term'));
      await new Promise((r) => setTimeout(r, 100));
      const waited = await timed(urls.netsuite, () => waiter.suiteql('SELECT id FROM currency'));
      expect(waited.ms).toBeLessThan(1_500 + MARGIN_MS);
      expect(waited.error).toMatchObject({ failure: 'timeout', code: 'UPSTREAM_TIMEOUT', system: 'ERP' });
      // The slot was never free, so it never reached NetSuite.
      expect(waited.calls).toBe(0);
      expect((await held).error.code).toBe('UPSTREAM_TIMEOUT');
    } finally {
      await setFaults(urls.netsuite, {});
    }
  });

  it('Zendesk: a slow answer is UPSTREAM_TIMEOUT within the deadline', async () => {
    const client = createZendeskClient(loadZendeskConfig({ ZENDESK_BASE_URL: `${urls.zendesk}/api/v2`, ZENDESK_DEADLINE_MS: '2000', ZENDESK_TIMEOUT_MS: '1500' }), {
      limiter: localLimiter({}),
    });
    await setFaults(urls.zendesk, SLOW);
    try {
      const { ms, startedAt, error, calls, arrivals } = await timed(urls.zendesk, () => client.get('tickets/1.json'));
      expect(ms).toBeLessThan(2_000 + MARGIN_MS);
      expect(error).toMatchObject({ failure: 'timeout', system: 'SERVICE_DESK', code: 'UPSTREAM_TIMEOUT' });
      expect(calls).toBe(2);
      for (const a of arrivals) expect(a.receivedAtMs - startedAt).toBeLessThan(2_000);
    } finally {
      await setFaults(urls.zendesk, {});
    }
  });

  it('Zendesk: a Retry-After that ends past the deadline fails at once as rate limited, carrying it, instead of sleeping', async () => {
    // Willing to wait out a long Retry-After, but not past the call's deadline.
    const client = createZendeskClient(loadZendeskConfig({ ZENDESK_BASE_URL: `${urls.zendesk}/api/v2`, ZENDESK_DEADLINE_MS: '2000' }), {
      limiter: localLimiter({}),
      policy: { maxRetryAfterMs: 120_000 },
    });
    await setFaults(urls.zendesk, { rateLimitPerMinute: 1 });
    try {
      await client.get('tickets/1.json').catch(() => undefined);
      const { ms, error, calls } = await timed(urls.zendesk, () => client.get('tickets/2.json'));
      expect(error).toMatchObject({ failure: 'rate_limited', system: 'SERVICE_DESK', code: 'UPSTREAM_RATE_LIMITED', details: { status: 429 } });
      expect(error.details.retryAfterSeconds).toBeGreaterThan(2);
      expect(calls).toBe(1);
      expect(ms).toBeLessThan(MARGIN_MS);
    } finally {
      await setFaults(urls.zendesk, {});
    }
  });

  it('Salesforce (jsforce): the deadline reaches the library, whose own timeout takes what is left of it', async () => {
    const client = createSalesforceClient(
      loadSalesforceConfig({ SALESFORCE_LOGIN_URL: urls.salesforce, SALESFORCE_DEADLINE_MS: '2000', SALESFORCE_TIMEOUT_MS: '1500' }),
      { policy: { backoffMs: 1 } },
    );
    sfClients.push(client);
    await client.connect();
    await setFaults(urls.salesforce, SLOW);
    try {
      const { ms, startedAt, error, calls, arrivals } = await timed(urls.salesforce, () => client.query('SELECT Id FROM Account LIMIT 1'));
      expect(ms).toBeLessThan(2_000 + MARGIN_MS);
      expect(error).toMatchObject({ failure: 'timeout', system: 'SALESFORCE', code: 'UPSTREAM_TIMEOUT' });
      expect(calls).toBe(2);
      for (const a of arrivals) expect(a.receivedAtMs - startedAt).toBeLessThan(2_000);
    } finally {
      await setFaults(urls.salesforce, {});
    }
  });
});

describe('the circuit breaker', () => {
  it('opens after consecutive failed calls, fails fast without calling the system, reports its phase, and closes once the system answers', async () => {
    const changes: BreakerChange[] = [];
    const client = createNetSuiteClient(loadNetSuiteConfig({ NETSUITE_BASE_URL: `${urls.netsuite}/services/rest` }), {
      policy: { backoffMs: 1, breaker: { threshold: 2, halfOpenAfterMs: 400 }, onBreakerChange: (c) => changes.push(c) },
    });
    await setFaults(urls.netsuite, { down: true });
    try {
      for (let i = 0; i < 2; i++) {
        const { error } = await timed(urls.netsuite, () => client.suiteql('SELECT id FROM term'));
        expect(error.code).toBe('UPSTREAM_UNAVAILABLE');
      }
      expect(changes).toEqual([{ system: 'ERP', phase: 'open' }]);
      const open = await timed(urls.netsuite, () => client.suiteql('SELECT id FROM term'));
      expect(toGraphQLError(open.error).extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', system: 'ERP' });
      expect(open.calls).toBe(0);
      expect(open.ms).toBeLessThan(100);
    } finally {
      await setFaults(urls.netsuite, {});
    }
    await new Promise((r) => setTimeout(r, 450));
    const back = await client.suiteql('SELECT id FROM term');
    expect(back.items.length).toBeGreaterThan(0);
    expect(changes.map((c) => c.phase)).toEqual(['open', 'half_open', 'closed']);
  });
});

describe('deadline settings', () => {
  it('each system reads its own deadline and per-attempt timeout, with defaults of 10 s and less per attempt', () => {
    for (const [load, prefix] of [
      [loadNetSuiteConfig, 'NETSUITE'],
      [loadSalesforceConfig, 'SALESFORCE'],
      [loadZendeskConfig, 'ZENDESK'],
    ] as const) {
      const defaults = load({});
      expect(defaults.deadlineMs).toBe(10_000);
      expect(defaults.timeoutMs).toBeLessThan(defaults.deadlineMs);
      expect(load({ [`${prefix}_DEADLINE_MS`]: '3000', [`${prefix}_TIMEOUT_MS`]: '1000' })).toMatchObject({ deadlineMs: 3000, timeoutMs: 1000 });
      // A shorter deadline alone takes the per-attempt default down with it.
      expect(load({ [`${prefix}_DEADLINE_MS`]: '1000' })).toMatchObject({ deadlineMs: 1000, timeoutMs: 1000 });
      expect(() => load({ [`${prefix}_DEADLINE_MS`]: '1000', [`${prefix}_TIMEOUT_MS`]: '5000' })).toThrow(ConfigError);
      expect(() => load({ [`${prefix}_DEADLINE_MS`]: 'soon' })).toThrow(/_DEADLINE_MS/);
      // On by default (docs/operations.md, "Circuit breakers"); 0 turns it off.
      expect(defaults.breaker).toEqual({ threshold: 5, halfOpenAfterMs: 5000 });
      expect(load({ [`${prefix}_BREAKER_THRESHOLD`]: '4' }).breaker).toEqual({ threshold: 4, halfOpenAfterMs: 5000 });
      expect(load({ [`${prefix}_BREAKER_THRESHOLD`]: '0' }).breaker).toBe(false);
    }
  });
});
