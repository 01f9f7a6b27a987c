/**
 * A system-of-record call's span says what the call policy did (lib/http.ts):
 * the route template, never the URL's ids or query; the status; the attempts a
 * retry took and why each failed; the wait for a limiter permit; and the
 * circuit's phase when an open breaker refused the call without trying. The
 * system sees the call's own span in the traceparent it receives.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { tracing as sdk } from '@opentelemetry/sdk-node';
import { SpanKind } from '@opentelemetry/api';
import { defaultPolicy, systemPolicy } from '../../lib/http.js';
import { localLimiter } from '../../lib/limits.js';
import { UpstreamError } from '../../lib/errors.js';
import { startTracing, type Tracing } from '../../lib/tracing.js';

const exporter = new sdk.InMemorySpanExporter();
let tracing: Tracing | undefined;
let server: Server;
let base: string;
/** What the server answers next, in order; then 200. */
let script: number[] = [];
const received: IncomingHttpHeaders[] = [];

beforeAll(async () => {
  tracing = await startTracing({ serviceName: 'test', spanProcessors: [new sdk.SimpleSpanProcessor(exporter)] });
  server = createServer((req, res) => {
    received.push(req.headers);
    const status = script.shift() ?? 200;
    res.writeHead(status, { 'content-type': 'application/json' }).end(status === 200 ? '{"ok":true}' : '{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await tracing?.shutdown();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  exporter.reset();
  script = [];
  received.length = 0;
});

/** The one span the call made; the processor exports it a moment after it ends (once the resource is detected). */
async function only(): Promise<sdk.ReadableSpan> {
  await vi.waitFor(() => expect(exporter.getFinishedSpans()).toHaveLength(1));
  return exporter.getFinishedSpans()[0]!;
}

describe('a system-of-record call span', () => {
  it('is a CLIENT span named by method and route template, with the status and one attempt; the system gets its traceparent', async () => {
    const policy = systemPolicy(defaultPolicy('SERVICE_DESK'));
    const res = await policy.call({ method: 'GET', url: `${base}/api/v2/tickets/4567/comments.json?page=2`, idempotent: true });
    expect(res.status).toBe(200);
    const span = await only();
    expect(span.kind).toBe(SpanKind.CLIENT);
    expect(span.name).toBe('GET /api/v2/tickets/{id}/comments.json');
    expect(span.attributes).toMatchObject({
      'rsg.system': 'SERVICE_DESK',
      'url.template': '/api/v2/tickets/{id}/comments.json',
      'http.request.method': 'GET',
      'server.address': '127.0.0.1',
      'http.response.status_code': 200,
      'rsg.attempts': 1,
      'http.request.resend_count': 0,
    });
    expect(JSON.stringify(span.attributes)).not.toContain('4567');
    expect(received[0]?.traceparent).toBe(`00-${span.spanContext().traceId}-${span.spanContext().spanId}-01`);
  });

  it('counts the retries, with an event per failed attempt', async () => {
    script = [503, 503];
    const policy = systemPolicy(defaultPolicy('ERP', { retries: 2, backoffMs: 1 }));
    await policy.call({ method: 'POST', url: `${base}/services/rest/query/v1/suiteql?limit=10&offset=0`, body: { q: 'SELECT 1' }, idempotent: true });
    const span = await only();
    expect(span.attributes).toMatchObject({ 'rsg.attempts': 3, 'http.request.resend_count': 2, 'http.response.status_code': 200 });
    expect(span.events.map((e) => [e.name, e.attributes?.['error.type'], e.attributes?.['http.response.status_code']])).toEqual([
      ['attempt failed', 'unavailable', 503],
      ['attempt failed', 'unavailable', 503],
    ]);
    expect(received).toHaveLength(3);
  });

  it('records the time spent waiting for a limiter permit', async () => {
    const limiter = localLimiter({ maxConcurrent: 1 });
    const held = await limiter.acquire(1_000);
    const policy = systemPolicy(defaultPolicy('ERP', { limiter }));
    setTimeout(held, 60);
    await policy.call({ method: 'GET', url: `${base}/services/rest/record/v1/customer/eid:C-000042`, idempotent: true });
    const span = await only();
    expect(span.name).toBe('GET /services/rest/record/v1/customer/{id}');
    expect(span.attributes['rsg.limiter.wait_ms']).toBeGreaterThanOrEqual(40);
  });

  it("fails with the error's type, and names the breaker's phase when an open circuit refused the call", async () => {
    script = [503, 503, 503];
    const policy = systemPolicy(defaultPolicy('SALESFORCE', { retries: 0, breaker: { threshold: 1, halfOpenAfterMs: 60_000 } }));
    const call = () => policy.call({ method: 'GET', url: `${base}/services/data/v62.0/query?q=SELECT+Id`, idempotent: true });
    await expect(call()).rejects.toBeInstanceOf(UpstreamError);
    const first = await only();
    expect(first.attributes).toMatchObject({ 'error.type': 'unavailable', 'http.response.status_code': 503, 'rsg.attempts': 1 });
    expect(first.attributes['rsg.breaker.state']).toBeUndefined();
    exporter.reset();
    await expect(call()).rejects.toBeInstanceOf(UpstreamError);
    const refused = await only();
    expect(refused.attributes).toMatchObject({ 'rsg.breaker.state': 'open', 'error.type': 'unavailable', 'rsg.attempts': 0 });
    expect(received).toHaveLength(1);
  });
});
