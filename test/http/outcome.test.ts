/**
 * What each system-of-record call tells readiness (CallPolicy.onOutcome): one
 * outcome per call, after its retries; a refusal is the system answering; a
 * 5xx, and a call an open circuit refuses at once, are failures naming why.
 */
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultPolicy, systemPolicy, type CallOutcome } from '../../lib/http.js';

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
