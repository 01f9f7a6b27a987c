import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLoad } from '../loadgen.js';

/**
 * A fake gateway: answers `{"data":{}}`, or an error for bodies asking for one,
 * holds back replies for bodies marked slow, and records every request it got.
 */
let server: Server;
let url = '';
const received: Array<{ headers: Record<string, unknown>; body: { variables?: { mode?: string } } }> = [];
/** Replies to `ok` bodies wait this long when set, so that requests overlap; the most ever in flight at once. */
let delayMs = 0;
let inFlight = 0;
let inFlightMax = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { variables?: { mode?: string } };
      received.push({ headers: req.headers, body });
      const mode = body.variables?.mode;
      const reply = (): void => {
        res.setHeader('content-type', 'application/json');
        if (mode === 'error') res.end(JSON.stringify({ data: null, errors: [{ message: 'boom', extensions: { code: 'UPSTREAM_UNAVAILABLE' } }] }));
        else if (mode === 'hit') res.end(JSON.stringify({ data: {}, extensions: { responseCache: { hit: true } } }));
        else res.end(JSON.stringify({ data: {} }));
      };
      if (mode === 'stall') return; // never answers; the generator must give up by itself
      if (delayMs === 0) return reply();
      inFlight++;
      inFlightMax = Math.max(inFlightMax, inFlight);
      setTimeout(() => {
        inFlight--;
        reply();
      }, delayMs);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/graphql`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

describe('open-model load generator', () => {
  it('counts the achieved rate over the sending window, so slow answers alone do not read as falling behind', async () => {
    delayMs = 400;
    try {
      const result = await runLoad({ url, ratePerSec: 20, durationMs: 1000, headers: {}, bodies: [{ query: '{a}', variables: { mode: 'ok' } }] });
      expect(result.ok).toBe(20);
      // Over sending plus the last answer's 400 ms this would be about 14/s.
      expect(result.achievedRps).toBeGreaterThanOrEqual(18);
    } finally {
      delayMs = 0;
    }
  });

  it('sends rate × duration requests with the given headers and classifies each answer', async () => {
    received.length = 0;
    const result = await runLoad({
      url,
      ratePerSec: 50,
      durationMs: 400,
      headers: { authorization: 'Bearer t', 'x-correlation-id': 'bench-test' },
      bodies: [{ query: '{a}', variables: { mode: 'ok' } }, { query: '{a}', variables: { mode: 'error' } }, { query: '{a}', variables: { mode: 'hit' } }, { query: '{a}', variables: { mode: 'ok' } }],
    });
    expect(result.sent).toBe(20);
    expect(received).toHaveLength(20);
    expect(received.every((r) => r.headers.authorization === 'Bearer t' && r.headers['x-correlation-id'] === 'bench-test')).toBe(true);
    expect(result.ok).toBe(15);
    expect(result.failed).toBe(5);
    expect(result.cacheHits).toBe(5);
    expect(result.cacheReported).toBe(5);
    expect(result.sampleErrors[0]).toContain('UPSTREAM_UNAVAILABLE');
    expect(result.timeouts + result.transportErrors).toBe(0);
  });

  it('keeps sending at the fixed rate while earlier requests go unanswered, and stops by itself', async () => {
    received.length = 0;
    const result = await runLoad({ url, ratePerSec: 40, durationMs: 250, timeoutMs: 300, bodies: [{ query: '{a}', variables: { mode: 'stall' } }] });
    // A closed-loop client with one connection would have sent one request; the open model sends them all.
    expect(received).toHaveLength(10);
    expect(result.sent).toBe(10);
    expect(result.ok).toBe(0);
    expect(result.timeouts).toBe(10);
    expect(result.latencyMs.p50).toBeGreaterThanOrEqual(300);
  });

  it('gives each request its own correlation id when asked, and reports each one and every latency', async () => {
    received.length = 0;
    const result = await runLoad({
      url,
      ratePerSec: 50,
      durationMs: 100,
      headers: { 'x-correlation-id': 'cold' },
      bodies: [{ query: '{a}', variables: { mode: 'ok' } }],
      perRequest: true,
      latencySamples: true,
    });
    expect(received.map((r) => r.headers['x-correlation-id']).sort()).toEqual(['cold-0', 'cold-1', 'cold-2', 'cold-3', 'cold-4']);
    expect(result.requests?.map((r) => r.correlationId).sort()).toEqual(['cold-0', 'cold-1', 'cold-2', 'cold-3', 'cold-4']);
    const now = performance.timeOrigin + performance.now();
    for (const r of result.requests ?? []) {
      expect(r.kind).toBe('ok');
      expect(r.sentAtMs).toBeLessThan(now);
      expect(r.sentAtMs).toBeGreaterThan(now - 10_000);
    }
    expect(result.latencies).toHaveLength(5);
    expect(result.latencies).toEqual([...(result.latencies ?? [])].sort((a, b) => a - b));
  });

  it('in a closed loop keeps exactly the given number of requests in flight, each sent once its last reply came', async () => {
    received.length = 0;
    inFlightMax = 0;
    delayMs = 5;
    try {
      const result = await runLoad({ url, ratePerSec: 0, concurrency: 3, durationMs: 150, bodies: [{ query: '{a}', variables: { mode: 'ok' } }] });
      expect(inFlightMax).toBe(3);
      expect(result.sent).toBe(received.length);
      expect(result.ok).toBe(result.sent);
      expect(result.timeouts + result.transportErrors + result.failed).toBe(0);
    } finally {
      delayMs = 0;
    }
  });

  it('refuses targets other than this machine, and empty input', async () => {
    await expect(runLoad({ url: 'http://example.com/graphql', ratePerSec: 1, durationMs: 1, bodies: [{ query: '{a}' }] })).rejects.toThrow(/only loads 127.0.0.1/);
    await expect(runLoad({ url, ratePerSec: 1, durationMs: 1, bodies: [] })).rejects.toThrow(/at least one request body/);
    await expect(runLoad({ url, ratePerSec: 0, durationMs: 1, bodies: [{ query: '{a}' }] })).rejects.toThrow(/rate above 0/);
    await expect(runLoad({ url, ratePerSec: 0, concurrency: 0, durationMs: 1, bodies: [{ query: '{a}' }] })).rejects.toThrow(/whole number of clients/);
  });
});
