/**
 * What each system-of-record call tells readiness (CallPolicy.onOutcome): one
 * outcome per call, after its retries; a refusal is the system answering; a
 * 5xx, and a call an open circuit refuses at once, are failures naming why.
 * And what it tells Prometheus: one duration per call by route template and
 * outcome, one count per attempt by status, the refusals of our own limiter and
 * of an open circuit told apart from what the system answered, and the
 * circuit's phase as a gauge with its transitions.
 */
import { createServer, type Server } from 'node:http';
import { register } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultPolicy, systemPolicy, type CallOutcome } from '../../lib/http.js';
import { LimitTimeoutError } from '../../lib/limits.js';
import { sample } from '../support/metrics.js';

let server: Server;
let base = '';
let hits = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    hits += 1;
    const status = Number(req.url?.slice(1)) || 200;
    res.writeHead(status, { 'content-type': 'application/json' }).end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

describe('call outcomes', () => {
  it('reports one outcome per call: answers (a 4xx included) as ok, a 5xx after its retries as unavailable', async () => {
    const outcomes: CallOutcome[] = [];
    const policy = systemPolicy(defaultPolicy('ERP', { retries: 2, backoffMs: 1, onOutcome: (o) => outcomes.push(o) }));
    await policy.call({ method: 'GET', url: `${base}/200`, idempotent: true });
    await policy.call({ method: 'GET', url: `${base}/404`, idempotent: true });
    hits = 0;
    await expect(policy.call({ method: 'GET', url: `${base}/503`, idempotent: true })).rejects.toThrow(/ERP answered HTTP 503/);
    expect(hits).toBe(3);
    expect(outcomes).toEqual([
      { system: 'ERP', ok: true },
      { system: 'ERP', ok: true },
      { system: 'ERP', ok: false, failure: 'unavailable', message: 'ERP answered HTTP 503' },
    ]);
  });

  it('reports a call refused by an open circuit as a failure, without reaching the system', async () => {
    const outcomes: CallOutcome[] = [];
    const policy = systemPolicy(defaultPolicy('SERVICE_DESK', { retries: 0, breaker: { threshold: 1, halfOpenAfterMs: 60_000 }, onOutcome: (o) => outcomes.push(o) }));
    await expect(policy.call({ method: 'GET', url: `${base}/502`, idempotent: true })).rejects.toThrow();
    hits = 0;
    await expect(policy.call({ method: 'GET', url: `${base}/200`, idempotent: true })).rejects.toThrow(/failing repeatedly/);
    expect(hits).toBe(0);
    expect(outcomes).toEqual([
      { system: 'SERVICE_DESK', ok: false, failure: 'unavailable', message: 'SERVICE_DESK answered HTTP 502' },
      {
        system: 'SERVICE_DESK',
        ok: false,
        failure: 'unavailable',
        message: expect.stringMatching(/^SERVICE_DESK is failing repeatedly, so calls to it fail at once/),
        circuitOpen: true,
      },
    ]);
  });
});

/** The change of each series between two scrapes of the registry. */
async function delta(run: () => Promise<unknown>): Promise<(name: string, labels: Record<string, string>) => number> {
  const before = await register.metrics();
  await run();
  const after = await register.metrics();
  return (name, labels) => (sample(after, name, labels) ?? 0) - (sample(before, name, labels) ?? 0);
}

describe('system-of-record call metrics', () => {
  it('count every attempt by HTTP status and time the call once, under the URL route template', async () => {
    const policy = systemPolicy(defaultPolicy('ERP', { retries: 1, backoffMs: 1 }));
    // The path's one segment holds digits: an id to the template.
    const route = 'GET /{id}';
    const changed = await delta(async () => {
      await policy.call({ method: 'GET', url: `${base}/200?q=C-000042`, idempotent: true });
      await expect(policy.call({ method: 'GET', url: `${base}/503`, idempotent: true })).rejects.toThrow(/HTTP 503/);
      await policy.call({ method: 'GET', url: `${base}/404`, idempotent: true });
    });
    expect(changed('rsg_upstream_attempts_total', { system: 'ERP', route, status: '200' })).toBe(1);
    // The 503 was retried once: two attempts, one call.
    expect(changed('rsg_upstream_attempts_total', { system: 'ERP', route, status: '503' })).toBe(2);
    expect(changed('rsg_upstream_attempts_total', { system: 'ERP', route, status: '404' })).toBe(1);
    // A 404 the connector reads is an answer: the call is ok.
    expect(changed('rsg_upstream_call_duration_seconds_count', { system: 'ERP', route, outcome: 'ok' })).toBe(2);
    expect(changed('rsg_upstream_call_duration_seconds_count', { system: 'ERP', route, outcome: 'unavailable' })).toBe(1);
  });

  it('counts a refusal by our own limiter as `limiter` and a 429 by its status, both rate limited', async () => {
    const limited = systemPolicy(
      defaultPolicy('SERVICE_DESK', {
        retries: 0,
        limiter: {
          acquire: () => Promise.reject(new LimitTimeoutError('the per-minute budget is spent', 'rate')),
        },
      }),
    );
    const plain = systemPolicy(defaultPolicy('SERVICE_DESK', { retries: 0 }));
    const route = 'GET /tickets';
    const changed = await delta(async () => {
      await expect(limited.call({ method: 'GET', url: `${base}/200`, idempotent: true, route })).rejects.toThrow(/rate budget/);
      await expect(plain.call({ method: 'GET', url: `${base}/429`, idempotent: true, route })).rejects.toThrow(/rate limiting/);
    });
    expect(changed('rsg_upstream_attempts_total', { system: 'SERVICE_DESK', route, status: 'limiter' })).toBe(1);
    expect(changed('rsg_upstream_attempts_total', { system: 'SERVICE_DESK', route, status: '429' })).toBe(1);
    expect(changed('rsg_upstream_call_duration_seconds_count', { system: 'SERVICE_DESK', route, outcome: 'rate_limited' })).toBe(2);
  });

  it('shows the circuit opening as a gauge and a transition, and its refusals as `circuit_open` with no attempt sent', async () => {
    const policy = systemPolicy(defaultPolicy('SALESFORCE', { retries: 0, breaker: { threshold: 2, halfOpenAfterMs: 60_000 } }));
    const route = 'GET /query';
    const changed = await delta(async () => {
      for (let i = 0; i < 2; i++) await expect(policy.call({ method: 'GET', url: `${base}/502`, idempotent: true, route })).rejects.toThrow(/HTTP 502/);
      await expect(policy.call({ method: 'GET', url: `${base}/200`, idempotent: true, route })).rejects.toThrow(/failing repeatedly/);
    });
    expect(changed('rsg_upstream_attempts_total', { system: 'SALESFORCE', route, status: '502' })).toBe(2);
    expect(changed('rsg_upstream_attempts_total', { system: 'SALESFORCE', route, status: 'circuit_open' })).toBe(1);
    expect(changed('rsg_upstream_attempts_total', { system: 'SALESFORCE', route, status: '200' })).toBe(0);
    expect(changed('rsg_upstream_call_duration_seconds_count', { system: 'SALESFORCE', route, outcome: 'circuit_open' })).toBe(1);
    expect(changed('rsg_breaker_transitions_total', { system: 'SALESFORCE', phase: 'open' })).toBe(1);
    expect(sample(await register.metrics(), 'rsg_breaker_state', { system: 'SALESFORCE' })).toBe(2);
  });
});
