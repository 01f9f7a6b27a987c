/**
 * One customer-360 gives one trace, through the gateway, every subgraph and
 * each system-of-record call, over HTTP (as deployed) and in one process (the
 * embedded default), caught by the SDK's in-memory exporter. A repeat answered
 * by the gateway's response cache shows the hit and reaches no system. Log
 * lines written during the request name its trace.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { tracing as sdk } from '@opentelemetry/sdk-node';
import { SpanKind } from '@opentelemetry/api';
import { startStack, type Stack, type StackCache } from '../support/stack.js';
import { captureLogLines } from '../support/logs.js';
import { startTracing, type Tracing } from '../../lib/tracing.js';

vi.hoisted(() => {
  // The audit records (info) are the log lines every read writes.
  process.env.LOG_LEVEL = 'info';
});

type ReadableSpan = sdk.ReadableSpan;

const CUSTOMER_360 = readFileSync(join(import.meta.dirname, '..', '..', 'examples', 'operations', 'AgentCustomer360.graphql'), 'utf8');
const SUBGRAPH_SYSTEMS: Record<string, string> = { customer: 'SALESFORCE', order: 'ERP', finance: 'ERP', service: 'SERVICE_DESK' };
const SANDBOX_OF: Record<string, 'salesforce' | 'netsuite' | 'zendesk'> = { SALESFORCE: 'salesforce', ERP: 'netsuite', SERVICE_DESK: 'zendesk' };

const exporter = new sdk.InMemorySpanExporter();
let tracing: Tracing | undefined;
const lines = captureLogLines();

beforeAll(async () => {
  tracing = await startTracing({ serviceName: 'test', spanProcessors: [new sdk.SimpleSpanProcessor(exporter)] });
});

afterAll(async () => {
  await tracing?.shutdown();
});

const attr = (span: ReadableSpan, name: string): unknown => span.attributes[name];
const parentOf = (span: ReadableSpan): string | undefined => span.parentSpanContext?.spanId;

/** The spans of the trace whose root carries this correlation id, once the root has ended. */
async function traceOf(correlationId: string): Promise<{ root: ReadableSpan; spans: ReadableSpan[] }> {
  let root: ReadableSpan | undefined;
  // The root ends as the response is sent, which may be a moment after the client has it.
  for (let i = 0; i < 100 && !root; i++) {
    root = exporter.getFinishedSpans().find((s) => s.kind === SpanKind.SERVER && attr(s, 'rsg.correlation_id') === correlationId && attr(s, 'url.path') === '/graphql');
    if (!root) await new Promise((r) => setTimeout(r, 20));
  }
  if (!root) throw new Error(`no root span for ${correlationId}`);
  const traceId = root.spanContext().traceId;
  return { root, spans: exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId) };
}

function ancestors(span: ReadableSpan, byId: Map<string, ReadableSpan>): ReadableSpan[] {
  const out: ReadableSpan[] = [];
  for (let p = parentOf(span); p && byId.has(p); p = parentOf(byId.get(p)!)) out.push(byId.get(p)!);
  return out;
}

describe.each([
  { mode: 'subgraphs over HTTP', inProcess: false },
  { mode: 'embedded, one process', inProcess: true },
])('a customer-360 trace, $mode', ({ inProcess }) => {
  let stack: Stack & StackCache;

  beforeAll(async () => {
    stack = await startStack({ inProcess, responseCache: true });
    // Sign in to Salesforce first, so the measured request shows only its own calls.
    await stack.query('{ customer(id: "C-000010") { name } }');
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('is one connected tree: the gateway request, a fetch per subgraph, and under each the calls to its own system', async () => {
    const correlationId = `trace-${randomUUID()}`;
    const res = await stack.query(CUSTOMER_360, { id: 'C-000001' }, { correlationId });
    expect(res.body.errors).toBeUndefined();
    const { root, spans } = await traceOf(correlationId);
    const byId = new Map(spans.map((s) => [s.spanContext().spanId, s]));

    // One root, and every other span's parent is in the same trace.
    expect(parentOf(root)).toBeUndefined();
    expect(spans.filter((s) => !parentOf(s) || !byId.has(parentOf(s)!))).toEqual([root]);
    expect(root.name).toBe('query AgentCustomer360');
    expect(root.attributes).toMatchObject({
      'graphql.operation.name': 'AgentCustomer360',
      'graphql.operation.type': 'query',
      'rsg.outcome': 'ok',
      'rsg.cache.response': 'miss',
      'http.response.status_code': 200,
    });
    // Apollo Gateway's own spans join the trace: the request, its plan (cold here) and each fetch.
    expect(spans.map((s) => s.name)).toEqual(expect.arrayContaining(['gateway.request', 'gateway.plan', 'gateway.fetch']));

    // A fetch span per subgraph involved, and the subgraph's server span beneath it.
    const fetches = spans.filter((s) => s.kind === SpanKind.CLIENT && s.name.startsWith('subgraph '));
    expect(new Set(fetches.map((s) => attr(s, 'subgraph.name')))).toEqual(new Set(['customer', 'order', 'finance', 'service']));
    const served = spans.filter((s) => s.kind === SpanKind.SERVER && attr(s, 'subgraph.name') !== undefined);
    expect(served).toHaveLength(fetches.length);
    // Cold: each subgraph looked in its entity cache and missed.
    for (const s of served) expect(attr(s, 'rsg.cache.entity.miss')).toBeGreaterThanOrEqual(1);
    for (const s of served) {
      const parent = byId.get(parentOf(s)!)!;
      expect(parent.name).toBe(`subgraph ${String(attr(s, 'subgraph.name'))}`);
      expect(ancestors(s, byId)).toContain(root);
    }

    // Each system-of-record call is a CLIENT span under the subgraph that owns that system,
    // named by its route template, as many as the sandboxes counted for this request.
    const calls = spans.filter((s) => attr(s, 'rsg.system') !== undefined);
    expect(calls.length).toBeGreaterThan(0);
    for (const call of calls) {
      expect(call.kind).toBe(SpanKind.CLIENT);
      const subgraph = ancestors(call, byId).find((a) => a.kind === SpanKind.SERVER && attr(a, 'subgraph.name') !== undefined);
      expect(SUBGRAPH_SYSTEMS[String(attr(subgraph!, 'subgraph.name'))]).toBe(attr(call, 'rsg.system'));
      expect(call.attributes).toMatchObject({ 'rsg.correlation_id': correlationId, 'http.response.status_code': 200, 'rsg.attempts': 1 });
      const template = String(attr(call, 'url.template'));
      expect(call.name).toBe(`${String(attr(call, 'http.request.method'))} ${template}`);
      // Never an id, a customer number or a query string.
      expect(template).not.toMatch(/\d{3}|\?|C-0/);
    }
    const stats = await stack.allStats(correlationId);
    for (const system of ['SALESFORCE', 'ERP', 'SERVICE_DESK']) {
      expect(calls.filter((c) => attr(c, 'rsg.system') === system)).toHaveLength(stats[SANDBOX_OF[system]!].total);
    }
    expect(calls.map((c) => c.name)).toEqual(expect.arrayContaining(['GET /services/data/{version}/query', 'POST /services/rest/query/v1/suiteql']));

    // Log lines written during the request name its trace and a span of it.
    const logged = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.correlationId === correlationId);
    expect(logged.length).toBeGreaterThan(0);
    for (const l of logged) {
      expect(l.trace_id).toBe(root.spanContext().traceId);
      expect(byId.has(String(l.span_id))).toBe(true);
    }
  });

  it('shows a repeat answered by the response cache as a hit, with no subgraph fetch and no system-of-record call', async () => {
    const first = await stack.query(CUSTOMER_360, { id: 'C-000002' });
    expect(first.body.errors).toBeUndefined();
    const correlationId = `trace-${randomUUID()}`;
    const res = await stack.query(CUSTOMER_360, { id: 'C-000002' }, { correlationId });
    expect(res.body.data).toEqual(first.body.data);
    const { root, spans } = await traceOf(correlationId);
    expect(root.attributes).toMatchObject({ 'rsg.cache.response': 'hit', 'rsg.outcome': 'ok' });
    expect(spans.filter((s) => s.name.startsWith('subgraph ') || attr(s, 'rsg.system') !== undefined)).toEqual([]);
    const stats = await stack.allStats(correlationId);
    expect(stats.salesforce.total + stats.netsuite.total + stats.zendesk.total).toBe(0);
  });

  it("shows the subgraph entity cache's hits on the subgraph's span, where the read cost no system call", async () => {
    const warm = await stack.query('{ customer(id: "C-000005") { id name email } }');
    expect(warm.body.errors).toBeUndefined();
    // Another document: neither of the gateway's caches holds it, the customer subgraph's entity cache does.
    const correlationId = `trace-${randomUUID()}`;
    const res = await stack.query('{ customer(id: "C-000005") { id name phone } }', {}, { correlationId });
    expect(res.body.errors).toBeUndefined();
    const { root, spans } = await traceOf(correlationId);
    expect(root.attributes['rsg.cache.response']).toBe('miss');
    const customer = spans.find((s) => s.kind === SpanKind.SERVER && attr(s, 'subgraph.name') === 'customer');
    expect(customer?.attributes['rsg.cache.entity.hit']).toBeGreaterThanOrEqual(1);
    expect(customer?.attributes['rsg.cache.entity.miss']).toBeUndefined();
    expect(spans.filter((s) => attr(s, 'rsg.system') !== undefined)).toEqual([]);
    expect((await stack.stats('salesforce', correlationId)).total).toBe(0);
  });

  it("continues the caller's trace from its traceparent", async () => {
    const traceId = randomBytes(16).toString('hex');
    const parentId = randomBytes(8).toString('hex');
    const correlationId = `trace-${randomUUID()}`;
    const res = await fetch(stack.gatewayUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${stack.tokens.agent}`,
        'x-correlation-id': correlationId,
        traceparent: `00-${traceId}-${parentId}-01`,
      },
      body: JSON.stringify({ query: '{ customer(id: "C-000004") { id name } }' }),
    });
    expect(res.status).toBe(200);
    const { root, spans } = await traceOf(correlationId);
    expect(root.spanContext().traceId).toBe(traceId);
    expect(parentOf(root)).toBe(parentId);
    expect(spans.some((s) => attr(s, 'rsg.system') === 'SALESFORCE')).toBe(true);
  });
});
