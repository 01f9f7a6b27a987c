/**
 * Tracing on beside off in the bench: the OTLP sink counts what a traced gateway
 * exports and answers it success; the report sets each traced variant against
 * the variant it traces; issue 19's targets judge only the untraced ones.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BenchResults, GatewayOutcome, Measurement } from '../run.js';
import type { GatewayId } from '../config.js';
import { startOtlpSink, type OtlpSink } from '../otlp-sink.js';
import { tracingSection } from '../report.js';
import { targetRows } from '../targets.js';

const spread = (median: number) => ({ median, min: median, max: median, n: 1 });

function measurement(gateway: string, p50: number, cpu: number): Measurement {
  return {
    gateway,
    workload: 'customer360-repeat',
    latencyProfile: '5ms',
    throughputAtP95Target: null,
    steps: [{ offeredRps: 5, p50Ms: spread(p50), p95Ms: spread(p50 * 2), gatewayCpuMsPerRequest: spread(cpu) }],
  } as unknown as Measurement;
}

function results(gateways: Array<Partial<GatewayOutcome> & { id: string }>, measurements: Measurement[]): BenchResults {
  return { plan: 'quick', settings: { redis: false }, gateways: gateways.map((g) => ({ status: 'ok', title: g.id, ...g })), measurements } as unknown as BenchResults;
}

describe('the OTLP sink', () => {
  let sink: OtlpSink;
  beforeAll(async () => {
    sink = await startOtlpSink();
  });
  afterAll(async () => {
    await sink.close();
  });

  it('counts each export and its bytes, answers it success, and refuses other paths', async () => {
    const body = new Uint8Array(300);
    const res = await fetch(`${sink.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body });
    expect(res.status).toBe(200);
    const json = await fetch(`${sink.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"resourceSpans":[]}' });
    expect(await json.json()).toEqual({});
    expect((await fetch(`${sink.url}/v1/metrics`, { method: 'POST', body: '{}' })).status).toBe(404);
    expect(sink.counts()).toEqual({ exports: 2, bytes: 300 + '{"resourceSpans":[]}'.length });
  });
});

describe('tracing on and off in the report', () => {
  const gateways: Array<Partial<GatewayOutcome> & { id: GatewayId }> = [
    { id: 'ours-embedded-memory', layout: 'embedded', redis: false },
    { id: 'ours-embedded-memory-traced', layout: 'embedded', redis: false, traces: { exports: 12, bytes: 3 * 2 ** 20 } },
  ];
  const measured = [measurement('ours-embedded-memory', 4, 2), measurement('ours-embedded-memory-traced', 5, 2.5)];

  it('sets the traced variant against its untraced one, with what it exported', () => {
    const text = tracingSection(results(gateways, measured)).join('\n');
    expect(text).toContain('| ours-embedded-memory-traced | customer360-repeat | 5ms | 4.0 → 5.0 | 8.0 → 10.0 | 2.00 → 2.50 | 1.25× |');
    expect(text).toContain('exported 12 batches, 3.00 MiB');
  });

  it('says nothing when the untraced variant did not run beside it', () => {
    expect(tracingSection(results([gateways[1]!], [measured[1]!]))).toEqual([]);
  });

  it('leaves the traced variant out of the targets', () => {
    const subjects = targetRows(results(gateways, measured)).map((t) => t.subject);
    expect(subjects.length).toBeGreaterThan(0);
    expect(subjects.every((s) => s.startsWith('ours-embedded-memory ('))).toBe(true);
  });
});
