/**
 * One circuit per system and process (docs/operations.md, "Circuit breakers"): two
 * NetSuite clients with different retries, as the finance subgraph has (reads, and
 * billing writes without retries), given one SystemCircuits, go through one breaker.
 * Driven against the NetSuite sandbox, whose request log counts what reached it.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { register } from 'prom-client';
import { generateDataset } from '../../sandbox/dataset/generate.js';
import { createNetSuiteSandbox, type NetSuiteSandbox } from '../../sandbox/netsuite/index.js';
import { createNetSuiteClient, type NetSuiteClient } from '../../lib/clients/netsuite.js';
import { ConfigError, loadNetSuiteConfig } from '../../lib/config.js';
import { runInScope } from '../../lib/context.js';
import { UpstreamError } from '../../lib/errors.js';
import { SystemCircuits, type BreakerChange, type BreakerOptions } from '../../lib/http.js';
import { localLimiter } from '../../lib/limits.js';
import { sample } from '../support/metrics.js';

const BREAKER: BreakerOptions = { threshold: 2, halfOpenAfterMs: 300 };
const QUERY = 'SELECT id FROM term';

let netsuite: NetSuiteSandbox;
let base = '';

beforeAll(async () => {
  netsuite = await createNetSuiteSandbox({ dataset: generateDataset({ seed: 5, customers: 20, asOf: new Date('2026-11-20T00:00:00Z') }) });
  base = await netsuite.listen(0, '127.0.0.1');
});

afterAll(async () => {
  await setFaults({}).catch(() => undefined);
  await netsuite?.close();
});

async function setFaults(faults: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${base}/__sandbox/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(faults) });
  expect(res.status).toBeLessThan(300);
}

/** Runs one call as its own request; answers what it threw (or undefined) and how many requests reached the sandbox. */
async function counted(fn: () => Promise<unknown>): Promise<{ error: unknown; calls: number }> {
  const correlationId = randomUUID();
  const error = await runInScope({ correlationId, traceparent: `00-${'5'.repeat(32)}-${'6'.repeat(16)}-01` }, fn).then(
    () => undefined,
    (e: unknown) => e,
  );
  const stats = (await (await fetch(`${base}/__sandbox/stats?correlationId=${correlationId}`)).json()) as { total: number };
  return { error, calls: stats.total };
}

/** The finance subgraph's pair: reads with retries, billing writes without. */
function pair(circuits: SystemCircuits): { reads: NetSuiteClient; billing: NetSuiteClient } {
  const config = loadNetSuiteConfig({ NETSUITE_BASE_URL: `${base}/services/rest` });
  return {
    reads: createNetSuiteClient(config, { policy: { backoffMs: 1, retries: 2, breaker: BREAKER, circuits } }),
    billing: createNetSuiteClient(config, { policy: { retries: 0, breaker: BREAKER, circuits } }),
  };
}

describe('one circuit per system for every client given the same SystemCircuits', () => {
  for (const [opener, prober] of [
    ['reads', 'billing'],
    ['billing', 'reads'],
  ] as const) {
    it(`opened through ${opener}, refuses ${prober} without a call, and a test call through ${prober} closes it for both`, async () => {
      const circuits = new SystemCircuits();
      const clients = pair(circuits);
      const changes: BreakerChange[] = [];
      circuits.onChange((c) => changes.push(c));
      const transitions = async (phase: string): Promise<number> => sample(await register.metrics(), 'rsg_breaker_transitions_total', { system: 'ERP', phase }) ?? 0;
      const opensBefore = await transitions('open');

      await setFaults({ down: true });
      try {
        for (let i = 0; i < BREAKER.threshold; i++) {
          const failed = await counted(() => clients[opener].suiteql(QUERY));
          expect(failed.error).toBeInstanceOf(UpstreamError);
          expect(failed.calls).toBeGreaterThan(0);
        }
        expect(circuits.get('ERP')?.phase).toBe('open');
        // The other client has not failed once, yet its calls are refused at once, without reaching the ERP.
        const refused = await counted(() => clients[prober].suiteql(QUERY));
        expect(refused.error).toBeInstanceOf(UpstreamError);
        expect((refused.error as UpstreamError).code).toBe('UPSTREAM_UNAVAILABLE');
        expect((refused.error as UpstreamError).details.circuitOpen).toBe(true);
        expect(refused.calls).toBe(0);
      } finally {
        await setFaults({});
      }

      await new Promise((r) => setTimeout(r, BREAKER.halfOpenAfterMs + 50));
      const probe = await counted(() => clients[prober].suiteql(QUERY));
      expect(probe.error).toBeUndefined();
      expect(probe.calls).toBe(1);
      expect(circuits.get('ERP')?.phase).toBe('closed');
      // Closed for the client that opened it too: its next call reaches the ERP.
      const after = await counted(() => clients[opener].suiteql(QUERY));
      expect(after.error).toBeUndefined();
      expect(after.calls).toBe(1);

      // Each change is one change of the system's circuit, told and counted once, not once per client.
      expect(changes).toEqual([
        { system: 'ERP', phase: 'open' },
        { system: 'ERP', phase: 'half_open' },
        { system: 'ERP', phase: 'closed' },
      ]);
      expect(await transitions('open')).toBe(opensBefore + 1);
      expect(sample(await register.metrics(), 'rsg_breaker_state', { system: 'ERP' })).toBe(0);
    });
  }

  it('refuses a second breaker setting for a system that already has a circuit', () => {
    const circuits = new SystemCircuits();
    circuits.for('ERP', BREAKER);
    expect(circuits.for('ERP', { ...BREAKER })).toBe(circuits.get('ERP'));
    expect(() => circuits.for('ERP', { threshold: BREAKER.threshold, halfOpenAfterMs: 5_000 })).toThrow(ConfigError);
  });

  it('keeps the circuits of separate SystemCircuits apart', async () => {
    const one = pair(new SystemCircuits());
    const other = new SystemCircuits();
    const elsewhere = pair(other);
    await setFaults({ down: true });
    try {
      for (let i = 0; i < BREAKER.threshold; i++) await counted(() => one.billing.suiteql(QUERY));
    } finally {
      await setFaults({});
    }
    const call = await counted(() => elsewhere.billing.suiteql(QUERY));
    expect(call.error).toBeUndefined();
    expect(call.calls).toBe(1);
    expect(other.get('ERP')?.phase).toBe('closed');
  });
});

describe('the test call of a half-open circuit and the account\'s concurrency slots', () => {
  it('gets its slot from a batch that holds one and waits on the test: both calls reach the ERP and answer, rather than waiting out the deadline', async () => {
    // One slot, as the order subgraph's background work has (its share of 2, one kept for views).
    const limiter = localLimiter({ maxConcurrent: 1, reservedForInteractive: 0 });
    const circuits = new SystemCircuits();
    const config = loadNetSuiteConfig({ NETSUITE_BASE_URL: `${base}/services/rest` });
    const client = createNetSuiteClient(config, { limiter, policy: { retries: 0, deadlineMs: 3000, breaker: BREAKER, circuits } });

    await setFaults({ down: true });
    try {
      for (let i = 0; i < BREAKER.threshold; i++) await counted(() => client.suiteql(QUERY));
    } finally {
      await setFaults({});
    }
    expect(circuits.get('ERP')?.phase).toBe('open');
    await new Promise((r) => setTimeout(r, BREAKER.halfOpenAfterMs + 50));

    // A batched read (a view's, or a queued write's) is granted the slot, then makes its call a moment later ...
    let openGate = (): void => undefined;
    const gate = new Promise<void>((r) => (openGate = r));
    let slotGranted = (): void => undefined;
    const granted = new Promise<void>((r) => (slotGranted = r));
    const batch = counted(() =>
      client.batched('terms', ['t'], async () => {
        slotGranted();
        await gate;
        await client.suiteql(QUERY);
        return new Map([['t', 'read']]);
      }),
    );
    await granted;
    // ... while another call (a feed's poll) becomes the circuit's test call and asks for a slot.
    const test = counted(() => client.suiteql(QUERY));
    await new Promise((r) => setTimeout(r, 50));
    expect(circuits.get('ERP')?.phase).toBe('half_open');
    openGate();

    const [tested, batched] = await Promise.all([test, batch]);
    expect(tested).toEqual({ error: undefined, calls: 1 });
    expect(batched).toEqual({ error: undefined, calls: 1 });
    expect(circuits.get('ERP')?.phase).toBe('closed');
  });
});
